"""The storage cost planner: a growing media library's monthly S3 cost, one strip per strategy.

The screen form of `tutor whatif storage-cost`: the same :func:`tutor.capstone.storage_cost.plan`
computes it (in a worker, so typing stays responsive) and the same block-character strips draw
it, on one scale shared by every strategy so their heights compare. The student changes TB a
month, years, object size and the access pattern and sees which strategy wins and why.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Select, Static

from tutor.capstone import storage_cost as sc

STRIP_WIDTH = 40
TEXTS = {
    "title": ("S3 storage cost planner", "S3 스토리지 비용 계획"),
    "tb": ("TB/month", "TB/월"), "years": ("years", "기간(년)"), "object": ("obj. MB", "객체 MB"),
    "head": ("{tb:g} TB a month for {years} years ({months} months, one column per {per}); access: {profile}",
             "매월 {tb:g} TB, {years}년({months}개월, 한 칸이 {per}); 접근 패턴: {profile}"),
    "month": ("month", "1개월"), "months": ("{n} months", "{n}개월"),
    "total": ("total ${total:,.0f}", "합계 ${total:,.0f}"),
    "cheapest": ("* cheapest. us-east-1 list prices checked {checked}; requests and data transfer out left out.",
                 "* 가장 저렴. us-east-1 정가({checked} 확인), 요청과 외부 데이터 전송은 제외."),
    "working": ("Calculating...", "계산 중..."),
    "bad": ("Check the inputs: TB/month more than 0, years 1-10, object MB more than 0.",
            "입력값을 확인하십시오: TB/월은 0보다 크게, 기간은 1~10년, 객체 MB는 0보다 크게."),
}


def text(key: str, lang: str, **kwargs: Any) -> str:
    en, ko = TEXTS[key]
    return (ko if lang == "ko" else en).format(**kwargs)


def read_inputs(tb: str, years: str, object_mb: str) -> tuple[float, int, float] | None:
    """The three numbers, or None when one is not a number or out of range (the CLI's limits)."""
    try:
        values = float(tb), int(years), float(object_mb)
    except ValueError:
        return None
    ok = 0 < values[0] <= 100_000 and 1 <= values[1] <= 10 and 0 < values[2] <= 5 * 1024 * 1024
    return values if ok else None


class StorageWhatIfScreen(Screen):
    CSS_PATH = "whatif_storage.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self) -> None:
        super().__init__()
        self.report: dict[str, Any] | None = None

    @property
    def lang(self) -> str:
        return getattr(self.app, "lang", "en")

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="ws-inputs"):
            yield Input("2", id="ws-tb", type="number")
            yield Input("3", id="ws-years", type="integer")
            yield Input(f"{sc.DEFAULT_OBJECT_MB:g}", id="ws-object", type="number")
            yield Select(self.profile_options(), value=sc.DEFAULT_PROFILE, allow_blank=False, id="ws-profile")
        with VerticalScroll(id="ws-body"):
            yield Static(id="ws-head", classes="muted", markup=False)
            yield Static(id="ws-chart", markup=False)
            yield Static(id="ws-foot", classes="muted", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _: self.relabel(), init=False)
        self.relabel()
        self.query_one("#ws-tb", Input).focus()
        self.recalculate()

    def profile_options(self) -> list[tuple[str, str]]:
        """The profile ids (short enough for one line; the head line describes the chosen one)."""
        return [(p.id, p.id) for p in sc.PROFILES.values()]

    def relabel(self) -> None:
        lang = self.lang
        self.sub_title = text("title", lang)
        for wid, key in (("#ws-tb", "tb"), ("#ws-years", "years"), ("#ws-object", "object")):
            self.query_one(wid, Input).border_title = text(key, lang)
        if self.report is not None:
            self.draw(self.report)

    # input -> worker -> drawing ----------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.recalculate()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.value is not Select.BLANK:
            self.recalculate()

    def recalculate(self) -> None:
        values = read_inputs(self.query_one("#ws-tb", Input).value, self.query_one("#ws-years", Input).value,
                             self.query_one("#ws-object", Input).value)
        head = self.query_one("#ws-head", Static)
        if values is None:
            head.update(text("bad", self.lang))
            return
        profile = self.query_one("#ws-profile", Select).value
        head.update(text("working", self.lang))
        self.compute(*values, str(profile if profile is not Select.BLANK else sc.DEFAULT_PROFILE))

    @work(thread=True, exclusive=True, exit_on_error=False, group="whatif-storage", name="plan-storage-cost")
    def compute(self, tb: float, years: int, object_mb: float, profile: str) -> None:
        report = sc.plan(tb, years, object_mb, profile)  # 10 years x 5 strategies: well under a second
        self.app.call_from_thread(self.draw, report)

    def draw(self, report: dict[str, Any]) -> None:
        self.report = report
        lang, inputs, rows = self.lang, report["inputs"], report["strategies"]
        months = inputs["months"]
        per = text("month", lang) if months <= STRIP_WIDTH else text("months", lang, n=round(months / STRIP_WIDTH, 1))
        profile = report["profile"]["ko" if lang == "ko" else "en"]
        self.query_one("#ws-head", Static).update(text("head", lang, tb=inputs["tb_per_month"], years=inputs["years"],
                                                       months=months, per=per, profile=profile))
        top = max((max(r["monthly_usd"]) for r in rows), default=0.0)
        lines = []
        for r in rows:
            mark = "*" if r["id"] == report["cheapest"] else " "
            note = r["note_ko"] if lang == "ko" else r["note_en"]
            lines.append(f"{mark} {r['name_ko'] if lang == 'ko' else r['name']}" + (f"  ({note})" if note else ""))
            lines.append(f"  {sc.bar_strip(r['monthly_usd'], top, STRIP_WIDTH):<{STRIP_WIDTH}}  "
                         + text("total", lang, total=r["total_usd"]))
        self.query_one("#ws-chart", Static).update("\n".join(lines))
        self.query_one("#ws-foot", Static).update(text("cheapest", lang, checked=report["assumptions"]["prices_checked"]))
