"""One race in Textual's Header, closed here so it cannot end a student's exam with a crash.

Textual's ``Header`` updates its title from watchers of the app's and the screen's titles; the
first call is queued when the header mounts. When its screen is switched away at once (an exam
that expires as it resumes, then the result screen), that queued call can find the header's
title widget already removed: ``query_one(HeaderTitle)`` raises ``NoMatches`` and the app stops
(Textual 8 catches only ``NoScreen`` there). A header with no title widget has nothing to show,
so the update is skipped. Applied once, when the app module is imported.
"""

from __future__ import annotations

from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


def _on_mount(self: Header, _event: object) -> None:
    async def set_title() -> None:
        try:
            self.query_one(HeaderTitle).update(self.format_title())
        except (NoMatches, NoScreen):  # the header is being removed with its screen
            pass

    self.watch(self.app, "title", set_title)
    self.watch(self.app, "sub_title", set_title)
    self.watch(self.screen, "title", set_title)
    self.watch(self.screen, "sub_title", set_title)


def apply() -> None:
    Header._on_mount = _on_mount  # type: ignore[method-assign]
