"""The capstone's grade report: the four rubric areas as bars against their maximum, the
findings with their lesson links, the composite availability against 99.99 %, the monthly cost
estimate, and earlier attempts' scores with their dates.

The lab screen (or any screen) calls :func:`show_grade` with a verify report of `streamcloud`;
it records the attempt in progress (tutor.capstone.attempts) and pushes this screen.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tutor.capstone.attempts import attempts, record_grade

AREA_NAMES = {"scalability": ("Scalability", "확장성"), "performance": ("Performance", "성능"),
              "availability": ("Availability", "가용성"), "cost": ("Cost", "비용")}
BAR_WIDTH = 30


def bar(points: int, maximum: int, width: int = BAR_WIDTH) -> str:
    """A drawn bar (ASCII-safe block characters line up in every terminal)."""
    filled = round(width * points / maximum) if maximum else 0
    return "█" * filled + "░" * (width - filled)


def report_text(report: dict[str, Any], history: list[dict[str, Any]], lang: str) -> str:
    ko = lang == "ko"
    t = (lambda en, k: k if ko else en)
    verdict = t("PASSED", "통과") if report.get("passed") else t("NOT PASSED", "미통과")
    lines = [f"StreamCloud  {report.get('score', 0)}/100  {verdict}", ""]
    for area, data in report["rubric"].items():
        name = AREA_NAMES.get(area, (area, area))[1 if ko else 0]
        lines.append(f"{name:<14} {bar(data['points'], data['max'])} {data['points']:>3}/{data['max']}")
    lines.append("")
    pct = report.get("availability_percent")
    if pct is None:
        lines.append(t("Composite availability: nothing found to compose yet.", "합성 가용성: 아직 합성할 계층이 없습니다."))
    else:
        mark = "≥" if pct >= 99.99 else "<"
        lines.append(t(f"Composite availability {pct:.4f} % {mark} 99.99 %", f"합성 가용성 {pct:.4f}% {mark} 99.99%"))
        twin = (report.get("availability") or {}).get("two_regions_percent")
        if twin is not None:
            lines.append(t(f"  the same tiers in two Regions active-active: {twin:.4f} %",
                           f"  같은 계층을 두 리전 액티브-액티브로: {twin:.4f}%"))
    cost = report.get("monthly_cost_usd")
    if cost is not None:
        lines.append(t(f"Monthly cost estimate ${cost:,.2f} (on-demand, us-east-1; traffic not included)",
                       f"월 비용 추정 ${cost:,.2f}(온디맨드, us-east-1, 트래픽 제외)"))
    lines.append("")
    for area, data in report["rubric"].items():
        lines.append(AREA_NAMES.get(area, (area, area))[1 if ko else 0])
        for f in data["findings"]:
            sign = "+" if f["earned"] else "-"
            lines.append(f"  {sign} {f['ko'] if ko else f['en']}  [{f['lesson']}]")
    for n in report.get("not_judged", []):
        lines.append(f"  ~ {n['text']}")
    if history:
        lines += ["", t("Attempts", "채점 기록")]
        for h in history[-10:]:
            lines.append(f"  {str(h.get('at', ''))[:16]}  {h.get('score')}/100")
    return "\n".join(lines)


class GradeReportScreen(Screen):
    CSS_PATH = "grade_report.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, report: dict[str, Any], history: list[dict[str, Any]] | None = None):
        super().__init__()
        self.report, self.history = report, history or []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="grade-body"):
            yield Static(report_text(self.report, self.history, getattr(self.app, "lang", "en")),
                         id="grade-text", markup=False)
        yield Footer()


def show_grade(app, report: dict[str, Any], backend: str = "") -> GradeReportScreen:
    """Record the attempt (when the app has a store) and open the report screen."""
    store = getattr(app, "store", None)
    history: list[dict[str, Any]] = []
    if store is not None:
        record_grade(store, report, backend)
        history = attempts(store)
    screen = GradeReportScreen(report, history)
    app.push_screen(screen)
    return screen
