"""Game day: pick a failure drill (and the AZ to lose), run it, read what kept serving.

The screen of `tutor sandbox drill`: the drill runs in a named thread worker through the same
core call (:func:`tutor.sim.drill_world.run`, the model in :mod:`tutor.sim.drills`) against the
endpoint labs use (the tutor's sandbox, started if needed, or --endpoint-url), and the
component table shows each part of StreamCloud with survived/lost and the reason, then the
verdict. The reasons come in both languages, so switching language redraws without a rerun.
"""

from __future__ import annotations

from typing import Any, Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

#: Screen texts (en, ko); local to the screen so the shared i18n table is not edited for it.
TEXTS = {
    "title": ("Game day: failure drills", "게임 데이: 장애 훈련"),
    "intro": (("Pick a drill, give the AZ for az-outage (empty: the first AZ the build uses), press r. "
               "The drill is computed from your build's configuration; what it changes in the sandbox is undone."),
              ("훈련을 고르고 az-outage라면 잃을 AZ를 입력한 뒤(비우면 빌드가 쓰는 첫 AZ) r을 누르십시오. "
               "훈련은 빌드의 구성으로 계산하며 샌드박스에 바꾼 것은 끝나면 되돌립니다.")),
    "running": ("Running {drill}…", "{drill} 실행 중…"),
    "error": ("The drill could not run: {reason}", "훈련을 실행하지 못했습니다: {reason}"),
    "empty": ("Nothing to drill: build Day 1 first (lab ec2-asg).",
              "훈련할 대상이 없습니다: 먼저 1일차 실습(ec2-asg)을 구축하십시오."),
    "served": ("StreamCloud kept serving ({drill}, {minutes} min).", "StreamCloud가 계속 서비스했습니다({drill}, {minutes}분)."),
    "down": ("StreamCloud did NOT keep serving ({drill}, {minutes} min): see the lost components.",
             "StreamCloud가 서비스를 유지하지 못했습니다({drill}, {minutes}분): 중단된 구성 요소를 보십시오."),
    "component": ("Component", "구성 요소"), "result": ("Result", "결과"), "reason": ("Reason", "이유"),
    "ok": ("kept", "유지"), "lost": ("LOST", "중단"),
    "az": ("AZ: us-east-1a", "AZ: us-east-1a"), "minutes": ("minutes", "분"),
}
DRILL_LABELS = {
    "az-outage": ("AZ outage", "AZ 장애"), "instance-failure": ("Instance failure", "인스턴스 장애"),
    "traffic-spike": ("Traffic spike 10x", "트래픽 10배 급증"), "region-outage": ("Region outage", "리전 장애"),
}
Runner = Callable[[str, "str | None", "int | None", str], dict]


def text(key: str, lang: str, **kwargs: Any) -> str:
    en, ko = TEXTS[key]
    return (ko if lang == "ko" else en).format(**kwargs)


def run_on_app_endpoint(app: Any) -> Runner:
    """The real runner: the core drill on the endpoint labs use (blocking: worker thread only)."""
    def run(drill: str, az: str | None, minutes: int | None, lang: str) -> dict:
        from tutor.labs.backend import Backend  # noqa: PLC0415 - boto3 only when a drill runs
        from tutor.sim import drill_world  # noqa: PLC0415

        endpoint = app.endpoint_for_lab()
        return drill_world.run(Backend("endpoint" if app.endpoint_url else "sandbox", endpoint), drill, az, minutes,
                               lang=lang)

    return run


class DrillScreen(Screen):
    CSS_PATH = "drill.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "run", "Run drill"),
    ]

    def __init__(self, runner: Runner | None = None):
        super().__init__()
        self.runner = runner
        self.report: dict | None = None
        self.error = ""

    @property
    def lang(self) -> str:
        return getattr(self.app, "lang", "en")

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="drill"):
            yield Static(id="drill-intro", classes="muted", markup=False)
            with Horizontal(id="drill-controls"):
                yield Select(self.drill_options(self.lang), id="drill-kind", allow_blank=False, value="az-outage")
                yield Input(id="drill-az", restrict=r"[a-z0-9-]*", max_length=20)
                yield Input(id="drill-minutes", restrict=r"[0-9]*", max_length=4, type="integer")
            yield Static(id="drill-status", markup=False)
            yield Static(id="drill-verdict", markup=False)  # above the table: seen without scrolling
            yield DataTable(id="drill-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    @staticmethod
    def drill_options(lang: str) -> list[tuple[str, str]]:
        return [(DRILL_LABELS[k][1 if lang == "ko" else 0], k) for k in DRILL_LABELS]

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _: self.relabel(), init=False)
        self.redraw()
        self.query_one("#drill-kind", Select).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_run()

    # running -----------------------------------------------------------------------------
    def action_run(self) -> None:
        kind = str(self.query_one("#drill-kind", Select).value)
        az = self.query_one("#drill-az", Input).value.strip() or None
        minutes_text = self.query_one("#drill-minutes", Input).value.strip()
        minutes = int(minutes_text) if minutes_text else None
        self.query_one("#drill-status", Static).update(text("running", self.lang, drill=kind))
        self.run_drill(kind, az if kind == "az-outage" else None, minutes, self.lang)

    @work(thread=True, exclusive=True, group="drill", exit_on_error=False, name="drill-run")
    def run_drill(self, kind: str, az: str | None, minutes: int | None, lang: str) -> None:
        from tutor.labs.backend import translate  # noqa: PLC0415

        report, error = None, ""
        try:
            report = (self.runner or run_on_app_endpoint(self.app))(kind, az, minutes, lang)
        except Exception as exc:  # shown on the screen: the student can fix it and press r again
            failure = None
            if not hasattr(exc, "message"):
                from tutor.labs.backend import Backend  # noqa: PLC0415

                failure = translate(exc, Backend("sandbox", None))
            error = getattr(exc, "message", None) or (failure.message if failure else f"{type(exc).__name__}: {exc}")
        self.app.call_from_thread(self.show, report, error)

    def show(self, report: dict | None, error: str) -> None:
        self.report, self.error = report, error
        self.redraw()

    # drawing -----------------------------------------------------------------------------
    def relabel(self) -> None:
        """The language changed: the drill names, then everything else."""
        kind = self.query_one("#drill-kind", Select)
        chosen = kind.value
        kind.set_options(self.drill_options(self.lang))
        kind.value = chosen
        self.redraw()

    def redraw(self) -> None:
        lang = self.lang
        self.sub_title = text("title", lang)
        self.query_one("#drill-intro", Static).update(text("intro", lang))
        self.query_one("#drill-az", Input).placeholder = text("az", lang)
        self.query_one("#drill-minutes", Input).placeholder = text("minutes", lang)
        table = self.query_one("#drill-table", DataTable)
        table.clear(columns=True)
        for key, width in (("component", 20), ("result", 6), ("reason", 40)):
            table.add_column(text(key, lang), width=width, key=key)
        status, verdict = self.query_one("#drill-status", Static), self.query_one("#drill-verdict", Static)
        verdict.set_classes("")
        if self.error:
            status.update(text("error", lang, reason=self.error))
            verdict.update("")
            return
        report = self.report
        if report is None:
            status.update("")
            verdict.update("")
            return
        status.update(f"{report['drill']}" + (f" · {report['az']}" if report.get("az") else ""))
        for c in report["components"]:
            mark = Text(text("ok" if c["survived"] else "lost", lang), style="green" if c["survived"] else "bold red")
            reason = c.get("reasons", {}).get(lang) or c["reason"]
            table.add_row(Text(f"{c['name']}\n{c['resource']}"), mark, Text(reason), height=None)
        if not report["components"]:
            verdict.update(text("empty", lang))
            return
        verdict.update(text("served" if report["served"] else "down", lang, drill=report["drill"],
                            minutes=report["minutes"]))
        verdict.set_classes("served" if report["served"] else "down")
