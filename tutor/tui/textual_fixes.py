"""Two faults of Textual 8, closed here; applied once, when the app module is imported.

A race in the Header, so it cannot end a student's exam with a crash. Textual's ``Header``
updates its title from watchers of the app's and the screen's titles; the first call is queued
when the header mounts. When its screen is switched away at once (an exam that expires as it
resumes, then the result screen), that queued call can find the header's title widget already
removed: ``query_one(HeaderTitle)`` raises ``NoMatches`` and the app stops (Textual 8 catches
only ``NoScreen`` there). A header with no title widget has nothing to show, so the update is
skipped.

A terminal that goes away. When the terminal is gone without a SIGHUP (an SSH connection that
dropped, a closed pseudo-terminal), every read of it returns nothing at once, and Textual's input
thread loops on that at 100 % of a core for as long as the process lives (Textual PR #6690, open).
In raw mode a terminal returns nothing only then (Ctrl-D arrives as a key), so the tutor quits:
no terminal, no student, and every answer is already in the store.
"""

from __future__ import annotations

import os
import threading
import time

from textual.css.query import NoMatches
from textual.drivers import linux_driver
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


_input = threading.local()  # the driver whose input thread this is (only that thread has one)


class _OsOfTheDriver:
    """``os`` as Textual's Linux driver sees it; ``read`` in its input thread quits the app at the
    terminal's end instead of returning nothing in a loop."""

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    @staticmethod
    def read(fd: int, size: int) -> bytes:
        data = os.read(fd, size)
        driver = getattr(_input, "driver", None)
        if not data and driver is not None:
            if not _input.quitting and not driver.exit_event.is_set():
                _input.quitting = True
                driver._app.call_later(driver._app.exit)  # as Textual's own input thread calls panic
            time.sleep(0.1)  # until the exit stops this thread: no spinning meanwhile
        return data


_run_input_thread = linux_driver.LinuxDriver.run_input_thread


def _run_input_thread_knowing_its_driver(self: linux_driver.LinuxDriver) -> None:
    _input.driver, _input.quitting = self, False
    _run_input_thread(self)


def apply() -> None:
    Header._on_mount = _on_mount  # type: ignore[method-assign]
    linux_driver.os = _OsOfTheDriver()  # type: ignore[assignment]
    linux_driver.LinuxDriver.run_input_thread = _run_input_thread_knowing_its_driver  # type: ignore[method-assign]
