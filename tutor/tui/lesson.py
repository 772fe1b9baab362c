"""The lesson viewer: a day's Markdown lesson with its table of contents."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, MarkdownViewer

from tutor.tui.i18n import tr


def anchor_for(heading: str) -> str:
    """The anchor Markdown.goto_anchor matches for a heading (GitHub-style slug)."""
    try:
        from textual._slug import slug  # Textual's own slugger, so the two always agree
    except ImportError:  # pragma: no cover - a Textual without it: the same rule, approximately
        import re

        return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
    return slug(heading)


class LessonScreen(Screen):
    CSS_PATH = "lesson.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("t", "toggle_toc", "Contents"),
        Binding("z", "quiz", "Quiz"),
    ]

    def __init__(self, day: str, section: str | None = None):
        super().__init__()
        self.day, self.section = day, section

    def compose(self) -> ComposeResult:
        yield Header()
        yield MarkdownViewer("", show_table_of_contents=True, id="lesson")
        yield Footer()

    async def on_mount(self) -> None:
        self.watch(self.app, "lang", self._language_changed, init=False)
        await self.show()

    async def _language_changed(self, _lang: str) -> None:
        await self.show()

    async def show(self) -> None:
        lang = self.app.lang
        lesson = self.app.catalog.lesson(self.day, lang)
        viewer = self.query_one(MarkdownViewer)
        if lesson is None:
            await viewer.document.update(f"# {tr('no_lesson', lang)}")
            return
        await viewer.document.update(lesson.body)
        self.app.store.record_lesson_read(self.day, lesson.meta.lang, self.section)
        if self.section:
            heading = next((s.heading for s in lesson.meta.sections if s.id == self.section), None)
            if heading:
                self.call_after_refresh(viewer.document.goto_anchor, anchor_for(heading))
        viewer.focus()

    def action_toggle_toc(self) -> None:
        viewer = self.query_one(MarkdownViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents

    def action_quiz(self) -> None:
        from tutor.tui.quiz import QuizScreen

        self.app.push_screen(QuizScreen(day=self.day))
