"""The dashboard `streamcloud-ops` drawn from the account: one sparkline per metric of each widget.

The student builds the dashboard in step 2 of the lab `observability`; this screen reads its
body back (GetDashboard), asks GetMetricData for every metric it graphs, and draws each series
with its last, lowest and highest value. A fresh sandbox holds no datapoints, so an empty
series says how to publish some. Every AWS call runs in one named thread worker, against the
same endpoint as the lab screen (the tutor's sandbox, started if needed, or --endpoint-url).
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Sparkline, Static

from tutor.tui.i18n import STRINGS, tr

DASHBOARD = "streamcloud-ops"
REGION = "us-east-1"  # the lab's Region: the dashboard's metrics are read there
HOURS = 3


STRINGS.update({
    "dash.sc_title": ("StreamCloud load tests (namespace StreamCloud, {stat} per {period} s)",
                      "StreamCloud 부하 테스트 (네임스페이스 StreamCloud, {period}초 단위 {stat})"),
    "dash.sc_none": ("No load test published in the last {hours} h. Run one with --publish (`tutor loadtest --publish`, "
                     "or o on the home screen with Publish on), then press r: its requests a second and latency "
                     "percentiles appear here, one datapoint per run.",
                     "최근 {hours}시간 동안 게시된 부하 테스트가 없습니다. --publish로 실행한 다음(`tutor loadtest --publish`, "
                     "또는 홈 화면의 o에서 게시를 켜고 실행) r을 누르십시오. 초당 요청 수와 지연 시간 백분위수가 "
                     "실행마다 datapoint 하나씩 여기에 나타납니다."),
    "dash.sc_values": ("last {last} · min {low} · max {high} · {n} run(s)", "최근 {last} · 최소 {low} · 최대 {high} · {n}회"),
})


def number(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


class DashboardScreen(Screen):
    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "refresh", "Refresh"),
    ]

    def __init__(self, name: str = DASHBOARD):
        super().__init__()
        self.dashboard_name = name
        self.data: Any = None  # the last DashboardData read, redrawn on a language switch
        self.streamcloud: list[Any] = []  # the load tests' metrics (namespace StreamCloud)
        self.error = ""
        self.where = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="dashboard"):
            # Commands and AWS messages contain [brackets]: text, never markup.
            yield Static(id="dash-status", classes="muted", markup=False)
            yield Vertical(id="dash-widgets")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _: self.render_data(), init=False)
        self.action_refresh()

    @property
    def lang(self) -> str:
        return self.app.lang

    def action_refresh(self) -> None:
        self.sub_title = tr("dash.title", self.lang, name=self.dashboard_name)
        self.query_one("#dash-status", Static).update(tr("dash.loading", self.lang, name=self.dashboard_name))
        self.fetch()

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False, name="dashboard-fetch")
    def fetch(self) -> None:
        from tutor.labs.backend import Backend, translate  # noqa: PLC0415 - boto3 only when drawn
        from tutor.labs.dashboard_data import fetch_dashboard, fetch_streamcloud  # noqa: PLC0415

        app = self.app
        data, error, backend, streamcloud = None, "", None, []
        try:
            endpoint = app.endpoint_for_lab()
            backend = Backend("endpoint" if app.endpoint_url else "sandbox", endpoint)
            data = fetch_dashboard(backend.client("cloudwatch", REGION), self.dashboard_name, HOURS)
            streamcloud = fetch_streamcloud(backend.client("cloudwatch", REGION), HOURS)
        except Exception as exc:  # shown on the screen: the student can fix the endpoint and press r
            failure = translate(exc, backend) if backend is not None else None
            error = failure.message if failure is not None else getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        where = backend.endpoint if backend is not None and backend.endpoint else "AWS"
        app.call_from_thread(self.show, data, error, where, streamcloud)

    def show(self, data: Any, error: str, where: str, streamcloud: list[Any] | None = None) -> None:
        self.data, self.error, self.where, self.streamcloud = data, error, where, streamcloud or []
        self.render_data()

    # drawing -----------------------------------------------------------------------------
    def render_data(self) -> None:
        lang = self.lang
        self.sub_title = tr("dash.title", lang, name=self.dashboard_name)
        status = self.query_one("#dash-status", Static)
        box = self.query_one("#dash-widgets", Vertical)
        box.remove_children()
        data = self.data
        if self.error:
            status.update(tr("dash.error", lang, reason=self.error))
            return
        if data is None:
            return
        self.render_dashboard(data, status, box)
        box.mount(self.streamcloud_panel())  # beside the dashboard's widgets, whatever the dashboard's state

    def render_dashboard(self, data: Any, status: Static, box: Vertical) -> None:
        lang = self.lang
        if not data.found:
            status.update(tr("dash.missing", lang, name=data.name))
            return
        if data.problem:
            status.update(tr("dash.unreadable", lang, name=data.name, reason=data.problem))
            return
        if not data.widgets:
            status.update(tr("dash.no_widgets", lang, name=data.name))
            return
        head = tr("dash.source", lang, name=data.name, where=self.where, hours=data.hours)
        if not data.has_data:
            head += "\n" + tr("dash.all_empty", lang)
        status.update(head)
        box.mount_all([self.widget_panel(widget) for widget in data.widgets])

    def widget_panel(self, widget: Any) -> Vertical:
        lang, parts = self.lang, [Label(widget.title, classes="dash-title", markup=False)]
        for series in widget.series:
            metric = series.metric
            parts.append(Static(metric.describe(), classes="dash-metric", markup=False))
            if series.values:
                parts.append(Sparkline(series.values, summary_function=max, classes="dash-spark"))
                parts.append(Static(tr("dash.values", lang, last=number(series.last), low=number(series.low),
                                       high=number(series.high), n=len(series.values), stat=metric.stat,
                                       period=metric.period), classes="dash-values", markup=False))
            else:
                parts.append(Static(tr("dash.no_data", lang, hours=self.data.hours, command=metric.put_command()),
                                    classes="dash-empty muted", markup=False))
        return Vertical(*parts, classes="dash-widget")

    def streamcloud_panel(self) -> Vertical:
        """One compact row per StreamCloud metric: name, sparkline, figures (seven fit at 80x24)."""
        from tutor.labs.dashboard_data import DEFAULT_STAT, STREAMCLOUD_PERIOD  # noqa: PLC0415

        lang = self.lang
        parts: list[Any] = [Label(tr("dash.sc_title", lang, stat=DEFAULT_STAT, period=STREAMCLOUD_PERIOD),
                                  classes="dash-title", markup=False)]
        published = [s for s in self.streamcloud if s.values]
        if not published:
            parts.append(Static(tr("dash.sc_none", lang, hours=HOURS), classes="dash-empty muted", markup=False))
        for series in published:
            parts.append(Horizontal(
                Label(series.metric.name, classes="sc-name", markup=False),
                Sparkline(series.values, summary_function=max, classes="sc-spark"),
                Static(tr("dash.sc_values", lang, last=number(series.last), low=number(series.low),
                          high=number(series.high), n=len(series.values)), classes="sc-values", markup=False),
                classes="sc-row"))
        return Vertical(*parts, classes="dash-widget streamcloud-panel")  # no id: the old panel may still be leaving
