"""The exam-date dialog (D on the home screen): type YYYY-MM-DD, enter saves it in settings.toml.

Only ever opened by the student's key: the tutor never shows it on its own at start-up. An
empty field removes the date; a past or malformed one is refused here with the same one-line
message `tutor plan --exam-date` gives. Dismisses with True when settings changed.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tutor import settings
from tutor.errors import UsageError
from tutor.quiz.plan import parse_exam_date

TEXT = {
    "en": ("Date of your exam (YYYY-MM-DD). Enter saves, an empty field removes it, escape cancels.",
           "e.g. 2027-01-15"),
    "ko": ("시험일을 입력하십시오(YYYY-MM-DD). Enter를 누르면 저장되고, 비워 두면 삭제되며, Escape를 누르면 취소됩니다.",
           "예: 2027-01-15"),
}


class ExamDateScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    ExamDateScreen { align: center middle; }
    ExamDateScreen > Vertical { width: 64; max-width: 95%; height: auto; border: thick $accent;
                                background: $surface; padding: 1 2; }
    ExamDateScreen #exam-date-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "dismiss_none", "Back")]

    def __init__(self, current: date | None, lang: str):
        super().__init__()
        self.current, self.lang = current, lang

    def compose(self) -> ComposeResult:
        prompt, placeholder = TEXT[self.lang if self.lang in TEXT else "en"]
        with Vertical():
            yield Static(prompt)
            yield Input(self.current.isoformat() if self.current else "", placeholder=placeholder, id="exam-date")
            yield Static("", id="exam-date-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        try:
            chosen = parse_exam_date(text, date.today()) if text else None
            settings.save({"exam_date": chosen})  # a small local file: no worker needed
        except UsageError as exc:
            self.query_one("#exam-date-error", Static).update(exc.message)
            return
        self.dismiss(True)

    def action_dismiss_none(self) -> None:
        self.dismiss(False)
