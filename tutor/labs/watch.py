"""Watch a lab: re-check the current step whenever the account may have changed.

On the tutor's own sandbox the server counts the requests that change state and answers a
long poll (``/_tutor/changes``) as soon as one lands, so a step turns green the moment the
student's command does; the watch's own describes are reads and never wake it. Any other
endpoint (or real AWS) is polled every few seconds.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any, Callable, Iterator

from tutor.sandbox import CHANGES_PATH


class ChangeFeed:
    """Blocks until the account may have changed (or ``stop`` is set)."""

    def __init__(self, endpoint: str | None, interval: float = 3.0, stop: threading.Event | None = None):
        self.endpoint, self.interval = endpoint, max(0.2, interval)
        self.stop = stop or threading.Event()
        self.seen: int | None = None
        self.native = endpoint is not None and self._changes(0, 0) is not None

    def how(self) -> str:
        return "on each change" if self.native else f"every {self.interval:g} s"

    def _changes(self, since: int, wait: float) -> int | None:
        url = f"{self.endpoint}{CHANGES_PATH}?since={since}&wait={wait:g}"
        try:
            with urllib.request.urlopen(url, timeout=wait + 5) as resp:
                data = json.loads(resp.read())
        except (OSError, ValueError, urllib.error.URLError):
            return None
        return int(data["changes"]) if isinstance(data, dict) and "changes" in data else None

    def mark(self) -> None:
        """Remember the current count: a later wait returns on changes after this point."""
        if self.native:
            self.seen = self._changes(0, 0)

    def wait(self, slice_seconds: float = 1.0) -> None:
        """Return once something changed after the last ``mark`` (or after one poll interval)."""
        if not self.native:
            self.stop.wait(self.interval)
            return
        while not self.stop.is_set():
            count = self._changes(self.seen or 0, slice_seconds)
            if count is None:  # the sandbox went away: fall back to polling
                self.stop.wait(self.interval)
                return
            if self.seen is None or count > self.seen:
                self.seen = count
                return


Event = tuple[str, str, dict[str, Any]]


def watch_steps(runner: Any, feed: ChangeFeed, record: Callable[[dict[str, Any], bool], None],
                skipped: set[str] | frozenset[str] = frozenset()) -> Iterator[Event]:
    """Yield ``("passed", step, report)`` as each step passes in order, ``("waiting", step,
    report)`` when the current step's result changes without passing, and ``("complete", "",
    report)`` once a re-check of the whole lab passes. Steps the student skipped are not waited
    on, but the lab is complete only when they pass too. Stops when ``feed.stop`` is set."""
    not_here = set(runner.skipped_steps())
    steps = [s.id for s in runner.lab.steps if s.id not in not_here and s.id not in skipped]
    index, last_shown = 0, None
    while not feed.stop.is_set():
        feed.mark()  # changes made while checking wake the next wait
        if index >= len(steps):
            report = runner.verify()
            record(report, True)
            if report["passed"]:
                yield "complete", "", report
                return
            failing = [s["id"] for s in report["steps"] if not s["passed"] and s["id"] in steps]
            if failing:
                index = steps.index(failing[0])
                continue
            shown = json.dumps(report["steps"], sort_keys=True)
            if shown != last_shown:  # only skipped steps fail: wait for the student to do them
                yield "waiting", "", report
                last_shown = shown
            feed.wait()
            continue
        step = steps[index]
        report = runner.verify(step)
        if report["passed"]:
            record(report, False)
            yield "passed", step, report
            index += 1
            last_shown = None
            continue
        shown = json.dumps(report["steps"], sort_keys=True)
        if shown != last_shown:  # a changed failure is news; the same one again is not
            record(report, False)
            yield "waiting", step, report
            last_shown = shown
        feed.wait()
    return
