"""The lesson viewer: a day's Markdown lesson, one section a page, with its contents beside it.

The contents list every section and wrap their headings; `w` widens them for reading side by side
with the text; `n` and `p` turn the pages (tutor.content.pages says why a page, not the whole).
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Label, Markdown, MarkdownViewer, OptionList
from textual.widgets.markdown import MarkdownTableOfContents
from textual.widgets.option_list import Option

from tutor.content.pages import LessonPage, LessonPages, lesson_pages
from tutor.tui.i18n import md_text, tr

_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


class WrappingContents(MarkdownTableOfContents):
    """The lesson's pages as a list whose headings wrap instead of being cut (Korean headings are
    long and Textual's tree would cut them at the pane's edge)."""

    class PageSelected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def compose(self) -> ComposeResult:
        yield OptionList()

    def rebuild_table_of_contents(self, table_of_contents) -> None:
        """The document's own headings are only the page's: the screen lists the pages instead."""

    def show_pages(self, pages: list[LessonPage], current: int) -> None:
        entries = self.query_one(OptionList)
        entries.clear_options()
        # A mark starts each section, so a wrapped heading's second line is not read as the next
        # one. Text is plain (a heading is never markup).
        entries.add_options([Option(Content("▸ " + page.heading), id=str(i))
                             for i, page in enumerate(pages)])
        entries.highlighted = current

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.PageSelected(int(event.option.id)))


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
            self.document.goto_anchor(href[1:])  # a heading of the page shown


def lesson_links(lesson: LessonPages) -> list[tuple[str, str, str]]:
    """(section heading, link text, URL) for every distinct web link, in reading order."""
    out, seen = [], set()
    for index, page in enumerate(lesson.pages):
        for text, url in _LINK.findall(lesson.text(index)):  # the first page's with the introduction's
            if url not in seen:
                seen.add(url)
                out.append((page.heading, text, url))
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
    """A day's lesson, one section at a time, with every section in the contents beside it."""

    CSS_PATH = "lesson.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("n", "next_page", "Next"),
        Binding("p", "previous_page", "Previous"),
        Binding("t", "toggle_toc", "Contents"),
        Binding("w", "widen_toc", "Wide contents", show=False),
        Binding("z", "quiz", "Quiz"),
        Binding("u", "links", "Links"),
    ]

    def __init__(self, day: str, section: str | None = None):
        super().__init__()
        self.day, self.section = day, section
        self.lesson: LessonPages | None = None
        self.page = 0

    @property
    def pages(self) -> list[LessonPage]:
        return self.lesson.pages if self.lesson else []

    def compose(self) -> ComposeResult:
        yield Header()
        yield LessonViewer("", show_table_of_contents=True, open_links=False, id="lesson")
        yield Footer()

    async def on_mount(self) -> None:
        self.watch(self.app, "lang", self._language_changed, init=False)
        await self.load(self.section)

    async def _language_changed(self, _lang: str) -> None:
        # The same section in the other language (sections share their ids), else the same page.
        shown = self.pages[self.page] if self.pages else None
        await self.load(shown.section if shown else None, fallback=self.page)

    async def load(self, section: str | None, fallback: int = 0) -> None:
        """Read the lesson in the app's language and show the page of ``section``."""
        lesson = self.app.catalog.lesson(self.day, self.app.lang)
        self.lesson = lesson_pages(lesson) if lesson is not None else None
        if self.lesson is None:
            await self.query_one(LessonViewer).document.update(f"# {tr('no_lesson', self.app.lang)}")
            return
        await self.show_page(self.lesson.index_of(section, default=fallback))

    async def show_page(self, index: int) -> None:
        assert self.lesson is not None
        viewer = self.query_one(LessonViewer)
        lang = self.app.lang
        self.page = index
        page = self.pages[index]
        text = self.lesson.text(index)
        if index + 1 < len(self.pages):
            text += "\n\n---\n\n" + tr("lesson_next_page", lang, heading=md_text(self.pages[index + 1].heading))
        await viewer.document.update(text)
        viewer.scroll_home(animate=False)
        self.query_one(WrappingContents).show_pages(self.pages, index)
        self.sub_title = f"{index + 1}/{len(self.pages)} · {page.heading}"
        self.app.store.record_lesson_read(self.day, self.lesson.lang, page.section)
        self.refresh_bindings()
        viewer.focus()

    async def on_wrapping_contents_page_selected(self, message: WrappingContents.PageSelected) -> None:
        message.stop()
        await self.show_page(message.index)

    def _can_turn(self, step: int) -> bool:
        return 0 <= self.page + step < len(self.pages)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        steps = {"next_page": 1, "previous_page": -1}
        if action in steps:
            return self._can_turn(steps[action]) or None  # dimmed at either end
        return True

    async def action_next_page(self) -> None:
        if self._can_turn(1):
            await self.show_page(self.page + 1)

    async def action_previous_page(self) -> None:
        if self._can_turn(-1):
            await self.show_page(self.page - 1)

    def action_links(self) -> None:
        if self.lesson is not None:
            self.app.push_screen(LinksScreen(lesson_links(self.lesson)))

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
