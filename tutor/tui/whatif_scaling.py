"""The Auto Scaling what-if simulator as a screen: one traffic pattern, two policies side by side.

The student picks a pattern, policy A and policy B, the target % (for target tracking and
predictive), the warm-up and the cooldown; every change runs both through
:func:`tutor.sim.whatif_scaling.simulate` (the sandbox clock's engine, in a thread worker) and
draws demand, in-service capacity, CPU and dropped requests for each with Textual's Sparkline,
with the summary figures under each. ``t`` hands policy A's engine timeline to the sandbox
clock's timeline screen (:mod:`tutor.tui.timeline`), so its alarms show minute by minute.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Select, Sparkline, Static

from tutor.errors import UsageError
from tutor.sim import whatif_scaling as model
from tutor.tui.timeline import TimelineScreen

#: Screen texts (en, ko); local to the screen so the shared i18n table is not edited for it.
TEXTS = {
    "title": ("Auto Scaling what-if", "Auto Scaling 가정 시뮬레이터"),
    "pattern": ("Pattern", "트래픽 패턴"),
    "policy_a": ("Policy A", "정책 A"),
    "policy_b": ("Policy B", "정책 B"),
    "target": ("Target CPU %", "목표 CPU %"),
    "warmup": ("Warm-up s", "워밍업(초)"),
    "cooldown": ("Cooldown s", "쿨다운(초)"),
    "running": ("Simulating...", "시뮬레이션 중..."),
    "head": ("{pattern} from {start}, {minutes} min; 1 instance = {rpm} requests/min at 100 % CPU",
             "{pattern}, {start}부터 {minutes}분; 인스턴스 1대 = CPU 100%에서 분당 {rpm}건"),
    "demand": ("req/min", "요청/분"),
    "capacity": ("in svc", "서비스"),
    "cpu": ("CPU %", "CPU %"),
    "dropped": ("dropped", "드롭/분"),
    "peak": ("Peak capacity {n}", "최대 용량 {n}대"),
    "drops": ("Dropped {n:,} ({pct:g} %)", "드롭 {n:,}건 ({pct:g}%)"),
    "cost": ("Cost {hours:g} instance-hours", "비용 {hours:g} 인스턴스-시간"),
    "timeline": ("What-if timeline: policy A ({policy})", "가정 시뮬레이션 타임라인: 정책 A ({policy})"),
    "bad_number": ("{what}: a whole number from 0 to {high}, not {value!r}",
                   "{what}: 0~{high} 사이의 정수여야 합니다 ({value!r})"),
}
PATTERN_NAMES = {
    "steady": ("steady", "일정"), "wave": ("daily wave", "하루 파동"),
    "spike": ("10x spike", "10배 급증"), "premiere": ("premiere night", "프리미어 당일 밤"),
}
POLICY_NAMES = {
    "none": ("none", "없음"), "simple": ("simple", "단순(simple)"), "step": ("step", "단계(step)"),
    "target": ("target tracking", "대상 추적"), "scheduled": ("scheduled", "예약(scheduled)"),
    "predictive": ("predictive", "예측(predictive)"),
}
SERIES = ("demand", "capacity", "cpu", "dropped")


def text(key: str, lang: str, **kwargs: Any) -> str:
    en, ko = TEXTS[key]
    return (ko if lang == "ko" else en).format(**kwargs)


def pick(names: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    en, ko = names[key]
    return ko if lang == "ko" else en


def summary_lines(summary: dict, lang: str) -> str:
    """The figures under a policy's sparklines."""
    return "\n".join((text("peak", lang, n=summary["peak_capacity"]),
                      text("drops", lang, n=summary["dropped_total"], pct=summary["dropped_percent"]),
                      text("cost", lang, hours=summary["cost_instance_hours"])))


class PolicyPanel(Vertical):
    """One policy's four series and its summary."""

    def compose(self) -> ComposeResult:
        for key in SERIES:
            with Horizontal(classes="sc-row"):
                yield Static(classes="sc-caption", id=f"{self.id}-{key}-caption", markup=False)
                yield Sparkline([], summary_function=max, classes=f"sc-spark sc-{key}", id=f"{self.id}-{key}")
                yield Static(classes="sc-peak", id=f"{self.id}-{key}-peak", markup=False)
        yield Static(classes="sc-summary", id=f"{self.id}-summary", markup=False)

    def draw(self, title: str, result: model.ScenarioResult | None, lang: str) -> None:
        self.border_title = title
        for key in SERIES:
            self.query_one(f"#{self.id}-{key}-caption", Static).update(text(key, lang))
            values = [row[key] for row in result.series] if result else []
            self.query_one(f"#{self.id}-{key}", Sparkline).data = values
            self.query_one(f"#{self.id}-{key}-peak", Static).update(f"{max(values):g}" if values else "")
        self.query_one(f"#{self.id}-summary", Static).update(summary_lines(result.summary, lang) if result else "")


class WhatIfScalingScreen(Screen):
    CSS_PATH = "whatif_scaling.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "run", "Run"),
        Binding("t", "timeline", "Timeline"),
    ]

    def __init__(self, pattern: str = "spike", policy_a: str = "target", policy_b: str = "none"):
        super().__init__()
        self.initial = (pattern, policy_a, policy_b)
        self.results: tuple[model.ScenarioResult, model.ScenarioResult] | None = None
        self.settings: dict[str, Any] = {}

    @property
    def lang(self) -> str:
        return getattr(self.app, "lang", "en")

    def compose(self) -> ComposeResult:
        pattern, policy_a, policy_b = self.initial
        yield Header()
        with VerticalScroll(id="whatif-scaling"):
            with Horizontal(classes="sc-controls"):
                yield Select([(p, p) for p in model.PATTERNS], value=pattern, allow_blank=False, id="sc-pattern")
                yield Select([(p, p) for p in model.POLICY_KINDS], value=policy_a, allow_blank=False, id="sc-policy-a")
                yield Select([(p, p) for p in model.POLICY_KINDS], value=policy_b, allow_blank=False, id="sc-policy-b")
            with Horizontal(classes="sc-controls"):
                yield Input(f"{model.DEFAULT_TARGET:g}", type="number", id="sc-target")
                yield Input(str(model.DEFAULT_WARMUP_S), type="integer", id="sc-warmup")
                yield Input(str(model.DEFAULT_COOLDOWN_S), type="integer", id="sc-cooldown")
            yield Static(id="sc-status", classes="muted", markup=False)
            with Horizontal(id="sc-results"):
                yield PolicyPanel(id="sc-a", classes="sc-panel")
                yield PolicyPanel(id="sc-b", classes="sc-panel")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _: self.draw(), init=False)
        self.draw()
        self.action_run()

    # running -----------------------------------------------------------------------------
    def read_settings(self) -> dict[str, Any]:
        """The controls' values, checked; a UsageError says what to fix."""
        lang = self.lang
        target_text = self.query_one("#sc-target", Input).value.strip()
        kinds = [self.query_one(f"#sc-policy-{x}", Select).value for x in "ab"]
        policies = [model.parse_policy(f"{k}:{target_text}" if k in ("target", "predictive") else str(k))
                    for k in kinds]
        numbers = {}
        for key in ("warmup", "cooldown"):
            raw = self.query_one(f"#sc-{key}", Input).value.strip()
            if not raw.isdigit() or int(raw) > model.MAX_SECONDS:
                raise UsageError(text("bad_number", lang, what=text(key, lang), high=model.MAX_SECONDS, value=raw))
            numbers[key] = int(raw)
        return {"pattern": str(self.query_one("#sc-pattern", Select).value), "policies": policies, **numbers}

    def action_run(self) -> None:
        try:
            settings = self.read_settings()
        except UsageError as exc:
            self.notify(exc.message, severity="error")
            return
        self.settings = settings
        self.query_one("#sc-status", Static).update(text("running", self.lang))
        self.simulate(settings)

    @work(thread=True, exclusive=True, group="whatif-scaling", exit_on_error=False, name="whatif-scaling-run")
    def simulate(self, settings: dict[str, Any]) -> None:
        results = tuple(model.simulate(settings["pattern"], policy, settings["warmup"], settings["cooldown"])
                        for policy in settings["policies"])
        self.app.call_from_thread(self.show, results)

    def show(self, results: tuple[model.ScenarioResult, model.ScenarioResult]) -> None:
        self.results = results
        self.draw_results()

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.settings and event.value != self._chosen(event.select.id):
            self.action_run()

    def _chosen(self, widget_id: str | None) -> str:
        """What the last run used for a Select (so a repeated Changed does not run again)."""
        if widget_id == "sc-pattern":
            return self.settings["pattern"]
        return self.settings["policies"]["ab".index(widget_id[-1])].kind if widget_id else ""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_run()

    # drawing -----------------------------------------------------------------------------
    def draw(self) -> None:
        self.draw_controls()
        self.draw_results()

    def draw_controls(self) -> None:
        """Titles and option names in the current language; the chosen values are kept."""
        lang = self.lang
        self.sub_title = text("title", lang)
        for widget_id, key in (("sc-pattern", "pattern"), ("sc-policy-a", "policy_a"), ("sc-policy-b", "policy_b"),
                               ("sc-target", "target"), ("sc-warmup", "warmup"), ("sc-cooldown", "cooldown")):
            self.query_one(f"#{widget_id}").border_title = text(key, lang)
        names = {"sc-pattern": (PATTERN_NAMES, model.PATTERNS), "sc-policy-a": (POLICY_NAMES, model.POLICY_KINDS),
                 "sc-policy-b": (POLICY_NAMES, model.POLICY_KINDS)}
        for widget_id, (table, keys) in names.items():
            select = self.query_one(f"#{widget_id}", Select)
            value = select.value
            with select.prevent(Select.Changed):  # renaming the options is not a new choice
                select.set_options([(pick(table, k, lang), k) for k in keys])
                select.value = value
                select.mutate_reactive(Select.value)  # the same value still shows its new name

    def draw_results(self) -> None:
        if self.results is None:
            return
        lang, pattern = self.lang, self.settings["pattern"]
        self.query_one("#sc-status", Static).update(text(
            "head", lang, pattern=pick(PATTERN_NAMES, pattern, lang), start=model.clock_text(pattern),
            minutes=len(self.results[0].series), rpm=model.REQUESTS_PER_INSTANCE))
        for x, result in zip("ab", self.results):
            self.query_one(f"#sc-{x}", PolicyPanel).draw(f"{x.upper()}: {result.policy}", result, lang)

    def action_timeline(self) -> None:
        """Policy A's minutes on the sandbox clock's timeline screen (alarm states included)."""
        if self.results is None:
            return
        result, lang = self.results[0], self.lang
        screen = TimelineScreen(result.timeline, f"{pick(PATTERN_NAMES, self.settings['pattern'], lang)} / {result.policy}")
        self.app.push_screen(screen)
        # the screen names itself after the sandbox clock when it mounts: say what this one is
        screen.call_after_refresh(setattr, screen, "sub_title", text("timeline", lang, policy=result.policy))
