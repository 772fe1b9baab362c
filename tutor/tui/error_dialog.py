"""A dialog for AWS errors: the one-line guidance, then the details behind it.

Why a dialog and not a toast: an AWS error that stops a lab (no credentials, an expired SSO
token, AccessDenied naming the IAM action, throttling, a quota, a region not enabled, a
resource stuck deleting) carries the one thing the student must do next, and a toast is gone
in ten seconds. The guidance itself is written once, in :mod:`tutor.labs.backend`
(``translate`` / ``aws_guidance``, which the headless CLI prints with exit 3); this screen only
shows it. "Not emulated" stays a toast: it is the sandbox's limit, not something to fix.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.worker import Worker

from tutor.errors import EnvironmentFailure, NotEmulated
from tutor.tui.i18n import KEY_LABELS, STRINGS, tr

STRINGS.update({
    "aws_error.title": ("AWS error: what to do", "AWS 오류: 해야 할 일"),
    "aws_error.details": ("Details: {details}", "자세히: {details}"),
    "aws_error.close": ("Close (esc)", "닫기 (esc)"),
})
KEY_LABELS.update({"close": "닫기"})


def is_aws_error(error: BaseException | None) -> bool:
    """An AWS error the student acts on: its SDK cause is one ``aws_guidance`` has guidance for.

    An unreachable sandbox, a call the sandbox does not emulate or a plain service error stay
    toasts (the screens say those in their status lines already).
    """
    if not isinstance(error, EnvironmentFailure) or isinstance(error, NotEmulated) or error.__cause__ is None:
        return False
    from tutor.labs.backend import Backend, aws_guidance  # noqa: PLC0415 - botocore, only after an AWS error

    return aws_guidance(error.__cause__, Backend("sandbox", None)) is not None


def details(worker: Worker) -> str:
    """What the guidance was made from: the worker, and the SDK's own error when it was kept."""
    cause = worker.error.__cause__ if worker.error is not None else None
    parts = [worker.name or worker.group]
    if cause is not None:
        parts.append(f"{type(cause).__name__}: {cause}")
    return " · ".join(parts)


class ErrorDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "close", "Close")]
    DEFAULT_CSS = """
    ErrorDialog { align: center middle; }
    #aws-error { width: 90%; max-width: 100; height: auto; max-height: 90%; border: thick $error; padding: 0 1; }
    #aws-error-title { text-style: bold; color: $error; }
    #aws-error-message { margin: 1 0; }
    #aws-error-details { color: $text-muted; }
    #aws-error Button { margin-top: 1; }
    """

    def __init__(self, message: str, detail: str):
        super().__init__()
        self.message, self.detail = message, detail

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with Vertical(id="aws-error"):
            yield Static(tr("aws_error.title", lang), id="aws-error-title")
            # AWS messages contain [brackets]: text, never markup
            yield Static(self.message, id="aws-error-message", markup=False)
            yield Static(tr("aws_error.details", lang, details=self.detail), id="aws-error-details", markup=False)
            yield Button(tr("aws_error.close", lang), id="aws-error-close", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


def show_if_aws(app: Any, worker: Worker) -> bool:
    """Open the dialog for an AWS error of ``worker``; False leaves the error to a toast."""
    if not is_aws_error(worker.error):
        return False
    if isinstance(app.screen, ErrorDialog):  # one dialog at a time: a second error becomes a toast
        return False
    app.push_screen(ErrorDialog(worker.error.message, details(worker)))
    return True
