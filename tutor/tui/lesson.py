"""The lesson viewer: a day's Markdown lesson with its table of contents.

The contents sidebar wraps its headings (Korean headings are long and Textual's tree would cut
them at the pane's edge), and `w` widens it for reading them side by side with the text.
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.content import Content
from textual.widgets import Footer, Header, Label, Markdown, MarkdownViewer, OptionList
from textual.widgets.markdown import MarkdownTableOfContents
from textual.widgets.option_list import Option

from tutor.tui.i18n import tr


def anchor_for(heading: str) -> str:
    """The anchor Markdown.goto_anchor matches for a heading (GitHub-style slug)."""
    try:
        from textual._slug import slug  # Textual's own slugger, so the two always agree
    except ImportError:  # pragma: no cover - a Textual without it: the same rule, approximately
        import re

        return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
    return slug(heading)


_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


class WrappingContents(MarkdownTableOfContents):
    """The table of contents as a list whose headings wrap instead of being cut."""

    def compose(self) -> ComposeResult:
        yield OptionList()

    def rebuild_table_of_contents(self, table_of_contents) -> None:
        entries = self.query_one(OptionList)
        entries.clear_options()
        # A mark starts each entry, so a wrapped heading's second line is not read as the next
        # one; deeper levels are indented. Text is plain (a heading is never markup).
        marks = {1: "", 2: "▸ ", 3: "  · "}
        entries.add_options([Option(Content(marks[level] + name), id=block_id)
                             for level, name, block_id in table_of_contents if level in marks])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(Markdown.TableOfContentsSelected(self.markdown, event.option.id))


class LessonViewer(MarkdownViewer):
    """A MarkdownViewer whose web links open in the browser; it only navigates inside the lesson.

    (MarkdownViewer would treat https://... as a local file and fail.)"""

    def compose(self) -> ComposeResult:
        for widget in super().compose():  # Textual's document, with our contents beside it
            yield WrappingContents(widget.markdown) if isinstance(widget, MarkdownTableOfContents) else widget

    async def _on_markdown_link_clicked(self, message: Markdown.LinkClicked) -> None:
        message.stop()
        message.prevent_default()  # MarkdownViewer's own handler would load the URL as a file
        href = message.href
        if href.startswith(("http://", "https://")):
            self.app.open_url(href)
            self.app.notify(href, title="URL", timeout=8)
        elif href.startswith("#"):
            self.document.goto_anchor(href[1:])


def lesson_links(body: str) -> list[tuple[str, str, str]]:
    """(section heading, link text, URL) for every distinct web link, in reading order."""
    out, seen, heading = [], set(), ""
    for line in body.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
        for text, url in _LINK.findall(line):
            if url not in seen:
                seen.add(url)
                out.append((heading, text, url))
    return out


class LinksScreen(ModalScreen[None]):
    """Every documentation link of the lesson, reachable from the keyboard: enter opens and copies it."""

    DEFAULT_CSS = """
    LinksScreen { align: center middle; }
    LinksScreen > Vertical { width: 100; height: 85%; border: thick $accent; background: $surface; padding: 1 2; }
    LinksScreen OptionList { height: 1fr; }
    """
    BINDINGS = [Binding("escape,u", "app.pop_screen", "Close")]

    def __init__(self, links: list[tuple[str, str, str]]):
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(tr("links_help", self.app.lang))
            yield OptionList(*[Option(f"{heading[:38]} · {url}", id=str(i))
                               for i, (heading, _, url) in enumerate(self.links)])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        url = self.links[int(event.option.id)][2]
        self.app.copy_to_clipboard(url)
        self.app.open_url(url)
        self.notify(tr("link_copied", self.app.lang, url=url), timeout=8)


class LessonScreen(Screen):
    CSS_PATH = "lesson.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("t", "toggle_toc", "Contents"),
        Binding("w", "widen_toc", "Wide contents"),
        Binding("z", "quiz", "Quiz"),
        Binding("u", "links", "Links"),
    ]

    def __init__(self, day: str, section: str | None = None):
        super().__init__()
        self.day, self.section = day, section

    def compose(self) -> ComposeResult:
        yield Header()
        yield LessonViewer("", show_table_of_contents=True, open_links=False, id="lesson")
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
        await viewer.document.update(f"# {lesson.meta.title}\n\n{lesson.body}")
        self.app.store.record_lesson_read(self.day, lesson.meta.lang, self.section)
        if self.section:
            heading = next((s.heading for s in lesson.meta.sections if s.id == self.section), None)
            if heading:
                self.call_after_refresh(viewer.document.goto_anchor, anchor_for(heading))
        viewer.focus()

    def action_links(self) -> None:
        lesson = self.app.catalog.lesson(self.day, self.app.lang)
        if lesson is not None:
            self.app.push_screen(LinksScreen(lesson_links(lesson.body)))

    def action_toggle_toc(self) -> None:
        viewer = self.query_one(MarkdownViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents

    def action_widen_toc(self) -> None:
        viewer = self.query_one(MarkdownViewer)
        viewer.show_table_of_contents = True
        self.toggle_class("-wide-toc")

    def action_quiz(self) -> None:
        from tutor.tui.quiz import QuizScreen

        self.app.push_screen(QuizScreen(day=self.day))
