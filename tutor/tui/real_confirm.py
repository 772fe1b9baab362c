"""Before the lab screen changes a real AWS account: where, what and what it costs, then ask.

The terminal's rule, kept in the app: the student types the account id to go ahead (anything
else, or escape, stops and nothing changes), so a wrong profile can never build in another
account by a reflex key press. Real mode (:class:`tutor.labs.real.RealBackend`) calls the asker
from the lab worker; :func:`asker_for` turns that call into this dialog and waits for the answer.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tutor.tui.i18n import STRINGS, tr

STRINGS.update({
    "real.title": ("This changes a real AWS account", "실제 AWS 계정을 변경합니다"),
    "real.type": ("Type the account id {account} and press Enter to go ahead; escape stops (nothing changes).",
                  "계속하려면 계정 ID {account}를 입력하고 Enter를 누르십시오. esc는 중단합니다(아무것도 바뀌지 않음)."),
})


class RealConfirm(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "stop", "Stop")]
    DEFAULT_CSS = """
    RealConfirm { align: center middle; }
    #real-box { width: 90%; max-width: 110; height: auto; max-height: 90%; border: thick $error; padding: 0 1; }
    #real-title { text-style: bold; }
    #real-lines { height: auto; max-height: 14; margin: 1 0; }
    """

    def __init__(self, account: str, lines: list[str]):
        super().__init__()
        self.account, self.lines = account, lines

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with Vertical(id="real-box"):
            yield Label(tr("real.title", lang), id="real-title")
            with VerticalScroll(id="real-lines"):
                yield Static("\n".join(self.lines), markup=False)
            yield Label(tr("real.type", lang, account=self.account))
            yield Input(placeholder=self.account, id="real-account")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() == self.account)

    def action_stop(self) -> None:
        self.dismiss(False)


def asker_for(app: Any, cancelled: Callable[[], bool]) -> Callable[[str, list[str]], bool]:
    """An asker for a worker thread: shows the dialog on the UI thread and waits for the answer
    (a cancelled worker stops waiting and counts as no)."""
    def ask(account: str, lines: list[str]) -> bool:
        done, answer = threading.Event(), {"ok": False}

        def answered(ok: bool | None) -> None:
            answer["ok"] = bool(ok)
            done.set()

        app.call_from_thread(app.push_screen, RealConfirm(account, lines), answered)
        while not done.wait(0.2):
            if cancelled():
                return False
        return answer["ok"]

    return ask
