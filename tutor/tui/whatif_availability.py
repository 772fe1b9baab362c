"""The availability calculator: compose a design tier by tier and see whether it meets 99.99 %.

The screen form of `tutor whatif availability`. The student picks services from the SLA table
(:mod:`tutor.capstone.availability`) into tiers that run in series, and chooses for each tier how
it is deployed: one AZ, across AZs (the service's multi-AZ SLA row) or in two Regions (the tier
in parallel with itself, which assumes failover between them works). The composite, the yearly
downtime and the verdict come from the same core functions the command and the capstone's
grader use. `o` loads the tiers of the student's own StreamCloud build from the sandbox (the
capstone's own reading of it, in a worker) so the student can improve their real design.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, OptionList, Static

from tutor.capstone import availability as av

#: Services offered, by family: (single-AZ row, multi-AZ row or None). Every other SLA row is a
#: family of its own: a Regional or global service with one published figure.
VARIANTS = {"ec2": ("ec2", "ec2-multi-az"), "alb": ("alb-single-az", "alb"), "rds": ("rds", "rds-multi-az"),
            "elasticache": ("elasticache-single-az", "elasticache-multi-az")}
GLOBAL = {"cloudfront", "route53", "global-accelerator"}  # one worldwide service: no second Region
#: A multi-Region tier uses its own published row where AWS has one, instead of parallel(x, x).
MULTI_REGION_ROW = {"dynamodb": "dynamodb-global"}
MODES = ("single", "multi-az", "multi-region")
START_DESIGN = [("alb", "multi-az"), ("ec2", "single"), ("rds", "single")]

TEXTS = {
    "title": ("Availability calculator", "가용성 계산기"),
    "services": ("Services (enter adds a tier)", "서비스 (enter: 계층 추가)"),
    "cols": (("#", "service", "deployed", "SLA %"), ("#", "서비스", "배포", "SLA %")),
    "single": ("single AZ", "단일 AZ"), "multi-az": ("multi-AZ", "다중 AZ"), "multi-region": ("2 Regions", "2개 리전"),
    "empty": ("No tier yet: pick a service on the left and press enter.",
              "아직 계층이 없습니다. 왼쪽에서 서비스를 고르고 enter를 누르십시오."),
    "result": ("{pct:.4f} %, about {down:.0f} min of downtime a year: {verdict}",
               "{pct:.4f}%, 연간 다운타임 약 {down:.0f}분: {verdict}"),
    "meets": ("meets 99.99 %", "99.99% 충족"), "below": ("below 99.99 %", "99.99% 미달"),
    "hint": ("Tiers run in series; m: how a tier is deployed, x: remove it. Failures assumed independent.",
             "계층은 직렬입니다. m: 배포 방식, x: 삭제. 장애는 서로 독립이라고 가정합니다."),
    "loading": ("Reading your StreamCloud build on {where}...", "{where}에서 StreamCloud 구성을 읽는 중..."),
    "no_sandbox": ("No sandbox is running (and no --endpoint-url): start it with `tutor sandbox start` and build StreamCloud first.",
                   "실행 중인 샌드박스가 없습니다(--endpoint-url도 없음). `tutor sandbox start`로 시작하고 StreamCloud를 먼저 만드십시오."),
    "no_build": ("No StreamCloud tier found on {where}: build the web, API and data tiers first.",
                 "{where}에서 StreamCloud 계층을 찾지 못했습니다. 웹, API, 데이터 계층부터 만드십시오."),
    "loaded": ("Loaded your build from {where}: {n} tiers.", "{where}에서 내 구성을 불러왔습니다: 계층 {n}개."),
    "failed": ("Could not read your build: {why}", "구성을 읽지 못했습니다: {why}"),
}


def text(key: str, lang: str, **kwargs: Any) -> str:
    en, ko = TEXTS[key]
    return (ko if lang == "ko" else en).format(**kwargs) if kwargs else (ko if lang == "ko" else en)


def families() -> list[str]:
    """Every service the student can pick: the variant families, then the other SLA rows."""
    taken = {row for pair in VARIANTS.values() for row in pair} | set(MULTI_REGION_ROW.values())
    ids = sorted({row.id for row in av.sla_table().values()} - taken)
    return sorted([*VARIANTS, *ids])


def modes_of(family: str) -> list[str]:
    single_only = VARIANTS.get(family, (family, None))[1] is None
    return [m for m in MODES if not (m == "multi-az" and single_only) and not (m == "multi-region" and family in GLOBAL)]


def tier_node(family: str, mode: str) -> av.Node:
    single, multi = VARIANTS.get(family, (family, None))
    if mode == "single":
        return av.part(single)
    if mode == "multi-az":
        return av.part(multi or single)
    if family in MULTI_REGION_ROW:
        return av.part(MULTI_REGION_ROW[family])
    regional = av.part(multi or single)
    return av.parallel(regional, regional)


def tier_of(node: av.Node) -> tuple[str, str]:
    """The (family, mode) of a node the capstone reads from a build (an SLA row's id)."""
    label = node.label if isinstance(node, av.Part) else node.expr()
    for family, (single, multi) in VARIANTS.items():
        if label in (single, multi):
            return family, "single" if label == single else "multi-az"
    for family, row in MULTI_REGION_ROW.items():
        if label == row:
            return family, "multi-region"
    return label, "single"


def design(tiers: list[tuple[str, str]]) -> av.Composite | None:
    return av.compose(av.series(*(tier_node(f, m) for f, m in tiers))) if tiers else None


class AvailabilityWhatIfScreen(Screen):
    CSS_PATH = "whatif_availability.tcss"
    BINDINGS = [
        Binding("m", "cycle_mode", "Deployment"),
        Binding("x", "remove_tier", "Remove"),
        Binding("o", "load_own", "My build"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.tiers: list[tuple[str, str]] = list(START_DESIGN)
        self.result: av.Composite | None = None

    @property
    def lang(self) -> str:
        return getattr(self.app, "lang", "en")

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="wa-main"):
            with Vertical(id="wa-left"):
                yield Static(id="wa-services-title", classes="wa-title")
                yield OptionList(*families(), id="wa-services")
            with Vertical(id="wa-right"):
                yield DataTable(id="wa-tiers", cursor_type="row", zebra_stripes=True)
                yield Static(id="wa-expr", markup=False)
                yield Static(id="wa-result", markup=False)
                yield Static(id="wa-status", classes="muted", markup=False)
                yield Static(id="wa-hint", classes="muted", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _: self.redraw(), init=False)
        self.query_one("#wa-services", OptionList).focus()
        self.redraw()

    # drawing ---------------------------------------------------------------------------
    def redraw(self) -> None:
        lang = self.lang
        self.sub_title = text("title", lang)
        self.query_one("#wa-services-title", Static).update(text("services", lang))
        self.query_one("#wa-hint", Static).update(text("hint", lang))
        table = self.query_one("#wa-tiers", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        for label, width in zip(TEXTS["cols"][1 if lang == "ko" else 0], (3, 18, 10, 8)):
            table.add_column(label, width=width)
        for i, (family, mode) in enumerate(self.tiers, 1):
            pct = float(tier_node(family, mode).fraction() * 100)
            table.add_row(str(i), family, text(mode, lang), f"{pct:.4f}")
        if self.tiers:
            table.move_cursor(row=min(max(row, 0), len(self.tiers) - 1))
        self.result = design(self.tiers)
        expr, result = self.query_one("#wa-expr", Static), self.query_one("#wa-result", Static)
        if self.result is None:
            expr.update(text("empty", lang))
            result.update("")
            return
        expr.update(self.result.node.expr())
        verdict = text("meets" if self.result.meets_target else "below", lang)
        result.update(text("result", lang, pct=self.result.percent, down=self.result.downtime_minutes_per_year,
                           verdict=verdict))
        result.set_class(self.result.meets_target, "wa-meets")
        result.set_class(not self.result.meets_target, "wa-below")

    # actions ---------------------------------------------------------------------------
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        family = str(event.option.prompt)
        self.tiers.append((family, modes_of(family)[0]))
        self.redraw()
        self.query_one("#wa-tiers", DataTable).move_cursor(row=len(self.tiers) - 1)

    def _selected(self) -> int | None:
        row = self.query_one("#wa-tiers", DataTable).cursor_row
        return row if 0 <= row < len(self.tiers) else None

    def action_cycle_mode(self) -> None:
        i = self._selected()
        if i is None:
            return
        family, mode = self.tiers[i]
        modes = modes_of(family)
        self.tiers[i] = (family, modes[(modes.index(mode) + 1) % len(modes)] if mode in modes else modes[0])
        self.redraw()

    def action_remove_tier(self) -> None:
        i = self._selected()
        if i is not None:
            del self.tiers[i]
            self.redraw()

    def action_load_own(self) -> None:
        endpoint = self.app.lab_endpoint() if hasattr(self.app, "lab_endpoint") else None
        status = self.query_one("#wa-status", Static)
        if endpoint is None:
            status.update(text("no_sandbox", self.lang))
            return
        status.update(text("loading", self.lang, where=endpoint))
        self.load_own_build(endpoint)

    @work(thread=True, exclusive=True, exit_on_error=False, group="whatif-availability", name="read-own-build")
    def load_own_build(self, endpoint: str) -> None:
        from tutor.capstone.evidence import own_build_tiers  # noqa: PLC0415 - boto3 only here
        from tutor.errors import TutorError  # noqa: PLC0415

        try:
            nodes = own_build_tiers(endpoint)
        except TutorError as exc:  # no endpoint, throttled...: one line, not an error modal
            self.app.call_from_thread(self._own_build_failed, exc.message)
            return
        self.app.call_from_thread(self._own_build_loaded, endpoint, [tier_of(n) for n in nodes])

    def _own_build_failed(self, why: str) -> None:
        self.query_one("#wa-status", Static).update(text("failed", self.lang, why=why))

    def _own_build_loaded(self, endpoint: str, tiers: list[tuple[str, str]]) -> None:
        status = self.query_one("#wa-status", Static)
        if not tiers:
            status.update(text("no_build", self.lang, where=endpoint))
            return
        self.tiers = tiers
        status.update(text("loaded", self.lang, where=endpoint, n=len(tiers)))
        self.redraw()
