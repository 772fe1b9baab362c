"""Report a question as wrong: a small modal asking which question (when several are shown) and why.

The quiz and review screens open it with `!`; the caller stores what it returns with the
question's content version (`tutor.content.reports`), so the report follows the text the
student saw. Enter saves, escape cancels.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from tutor.content.models import Question
from tutor.content.reports import content_version, open_reports
from tutor.tui.i18n import tr

#: A reason long enough to act on, short enough for one line of the report list.
MAX_REASON = 300


def _snippet(stem: str, width: int = 26) -> str:
    """The stem's start, one line; Korean characters take two cells, so a short cut fits both."""
    flat = " ".join(stem.split())
    return flat if len(flat) <= width else flat[:width].rstrip() + "…"


class ReportScreen(ModalScreen[tuple[str, str] | None]):
    """Returns (question id, reason), or None when the student cancels."""

    DEFAULT_CSS = """
    ReportScreen { align: center middle; }
    ReportScreen > Vertical { width: 72; height: auto; border: thick $warning; background: $surface; padding: 1 2; }
    ReportScreen Label { width: 100%; margin-bottom: 1; }
    ReportScreen Select { margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, questions: list[Question]):
        super().__init__()
        self.questions = questions

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with Vertical():
            if len(self.questions) == 1:
                yield Label(tr("report.title", lang, id=self.questions[0].id), id="report-title")
            else:
                yield Label(tr("report.which", lang), id="report-title")
                yield Select([(f"{n}. {q.id} · {_snippet(q.stem.get(lang))}", q.id) for n, q in enumerate(self.questions, 1)],
                             value=self.questions[0].id, allow_blank=False, id="report-question")
            yield Label(tr("report.prompt", lang), classes="muted")
            yield Input(placeholder=tr("report.placeholder", lang), max_length=MAX_REASON, id="report-reason")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        reason = " ".join(event.value.split())
        if not reason:
            self.notify(tr("report.empty", self.app.lang), severity="warning")
            return
        qid = self.questions[0].id if len(self.questions) == 1 else str(self.query_one(Select).value)
        self.dismiss((qid, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)


def open_report(screen, questions: list[Question], on_saved=None) -> None:
    """Ask for a report on one of ``questions`` and store it with the question's content version."""
    if not questions:
        return
    by_id = {q.id: q for q in questions}

    def save(answer: tuple[str, str] | None) -> None:
        if answer is None:
            return
        qid, reason = answer
        screen.app.store.report_question(qid, content_version(by_id[qid]), reason)
        screen.notify(tr("report.saved", screen.app.lang, id=qid))
        if on_saved is not None:
            on_saved()

    screen.app.push_screen(ReportScreen(questions), save)


def reported_ids(app) -> set[str]:
    """Questions reported in their current version (a changed question is no longer marked)."""
    return open_reports(app.store.question_reports(), app.catalog.questions)
