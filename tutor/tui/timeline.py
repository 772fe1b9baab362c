"""The last sandbox-clock advance as a timeline: each group's CPU and capacity, each alarm's state.

`tutor sandbox advance` (:mod:`tutor.sim.clock`) keeps the minutes of its last run per endpoint;
this screen draws them so a student sees cause and effect: the CPU stays high, the alarm turns
to ALARM after its evaluation periods, the group's capacity steps up, and later comes back down.
It draws with Textual's Sparkline (no plotting dependency); the what-if simulator can hand the
same screen the timeline of :func:`tutor.sim.engine.run`. Reading the timeline is a local file
read, never an AWS call.

Open it with :func:`open_timeline` (e.g. from a key binding on the home or lab screen).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Sparkline, Static

#: Screen texts (en, ko); local to the screen so the shared i18n table is not edited for it.
TEXTS = {
    "title": ("Sandbox clock: the last advance", "샌드박스 시계: 마지막 진행"),
    "empty": ("No advance yet on {where}. Run, for example: tutor sandbox advance --minutes 10 --cpu 90",
              "{where}에서 아직 시계를 진행하지 않았습니다. 예: tutor sandbox advance --minutes 10 --cpu 90"),
    "head": ("{minutes} minutes, one column a minute. {where}", "{minutes}분, 한 칸이 1분입니다. {where}"),
    "cpu": ("CPU %: {low:g} to {high:g} (last {last:g})", "CPU %: {low:g} ~ {high:g} (마지막 {last:g})"),
    "capacity": ("Desired capacity: {first} -> {last} (highest {high})",
                 "원하는 용량: {first} -> {last} (최대 {high})"),
    "alarms": ("Alarms (# ALARM, . OK, ? INSUFFICIENT_DATA)", "경보 (# ALARM, . OK, ? INSUFFICIENT_DATA)"),
}
STATE_MARKS = {"ALARM": "#", "OK": ".", "INSUFFICIENT_DATA": "?"}


def text(key: str, lang: str, **kwargs: Any) -> str:
    en, ko = TEXTS[key]
    return (ko if lang == "ko" else en).format(**kwargs)


def alarm_strip(timeline: list[dict], alarm: str) -> str:
    """One character a minute for an alarm's state, e.g. ``.........#``."""
    return "".join(STATE_MARKS.get(m["alarms"].get(alarm, ""), " ") for m in timeline)


class TimelineScreen(Screen):
    CSS_PATH = "timeline.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("d", "drill", "Failure drill")]

    def __init__(self, timeline: list[dict], where: str = ""):
        super().__init__()
        self.timeline = timeline
        self.where = where

    @property
    def lang(self) -> str:
        return getattr(self.app, "lang", "en")

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="timeline"):
            yield Static(id="tl-status", classes="muted", markup=False)
            yield Vertical(id="tl-body")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = text("title", self.lang)
        self.draw()

    def draw(self) -> None:
        lang, timeline = self.lang, self.timeline
        status = self.query_one("#tl-status", Static)
        body = self.query_one("#tl-body", Vertical)
        body.remove_children()
        if not timeline:
            status.update(text("empty", lang, where=self.where or "this endpoint"))
            return
        status.update(text("head", lang, minutes=len(timeline), where=self.where))
        panels = [self.group_panel(group) for group in timeline[0]["cpu"]]
        alarms = list(timeline[-1]["alarms"])
        if alarms:
            width = max(len(a) for a in alarms)
            rows = [Label(text("alarms", lang), classes="tl-title")]
            rows += [Static(f"{a:<{width}}  {alarm_strip(timeline, a)}  {timeline[-1]['alarms'][a]}",
                            classes="tl-alarm", markup=False) for a in alarms]
            panels.append(Vertical(*rows, classes="tl-panel", id="tl-alarms"))
        body.mount_all(panels)

    def action_drill(self) -> None:
        """Game day: the failure drills on the same sandbox (tutor sandbox drill)."""
        from tutor.tui.drill import DrillScreen  # noqa: PLC0415

        self.app.push_screen(DrillScreen())

    def group_panel(self, group: str) -> Vertical:
        lang = self.lang
        cpu = [m["cpu"][group] for m in self.timeline]
        desired = [m["desired"][group] for m in self.timeline]
        return Vertical(
            Label(group, classes="tl-title", markup=False),
            Static(text("cpu", lang, low=min(cpu), high=max(cpu), last=cpu[-1]), classes="tl-caption", markup=False),
            Sparkline(cpu, summary_function=max, classes="tl-spark tl-cpu"),
            Static(text("capacity", lang, first=desired[0], last=desired[-1], high=max(desired)),
                   classes="tl-caption", markup=False),
            Sparkline(desired, summary_function=max, classes="tl-spark tl-capacity"),
            classes="tl-panel")


def open_timeline(app: Any, endpoint: str) -> TimelineScreen:
    """Push the timeline of the last advance on ``endpoint`` (the sandbox's or --endpoint-url)."""
    from tutor.sim.clock import last_timeline  # noqa: PLC0415 - a local JSON read

    screen = TimelineScreen(last_timeline(endpoint), endpoint)
    app.push_screen(screen)
    return screen
