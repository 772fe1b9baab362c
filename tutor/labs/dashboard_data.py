"""A CloudWatch dashboard as data: the metrics its body graphs, and their datapoints.

The lab `observability` judges which metrics the dashboard `streamcloud-ops` shows, and the TUI
draws them; both read the body through :func:`parse_body`. The body is the JSON of CloudWatch's
dashboard body syntax: each metric widget lists its metrics as arrays
``[Namespace, MetricName, DimName, DimValue, ..., {rendering options}]``, where ``"."`` repeats
the previous metric's value at the same position and ``"..."`` repeats the previous metric's
values up to the items that follow it (the console writes ``["...", "i-2"]`` for "the same,
but with i-2"). ``".."`` is read like ``"..."``. Math expressions (an options object alone) are
not metrics and are left out. No Textual here: the TUI imports this, never the reverse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

DEFAULT_STAT = "Average"
DEFAULT_PERIOD = 300  # CloudWatch's default period for a graph, in seconds
REPEAT_ONE = "."
REPEAT_REST = ("...", "..")
MAX_QUERIES = 500  # GetMetricData's limit of queries per call


class DashboardBodyError(ValueError):
    """The body is not a dashboard body the tutor can read (not JSON, no widgets list...)."""


@dataclass(frozen=True)
class MetricRef:
    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...] = ()
    stat: str = DEFAULT_STAT
    period: int = DEFAULT_PERIOD
    label: str = ""

    def describe(self) -> str:
        dims = ", ".join(f"{k}={v}" for k, v in self.dimensions)
        return f"{self.namespace} {self.name}" + (f" ({dims})" if dims else "")

    def put_command(self, value: float = 42) -> str:
        """The aws CLI command that publishes one datapoint of this metric (sandbox only: AWS
        rejects PutMetricData into the reserved AWS/ namespaces)."""
        dims = ",".join(f"{k}={v}" for k, v in self.dimensions)
        return (f"aws cloudwatch put-metric-data --namespace {self.namespace} --metric-name {self.name}"
                + (f" --dimensions {dims}" if dims else "") + f" --value {value:g}")


@dataclass
class Widget:
    title: str
    metrics: list[MetricRef] = field(default_factory=list)


@dataclass
class Series:
    metric: MetricRef
    timestamps: list[datetime] = field(default_factory=list)
    values: list[float] = field(default_factory=list)

    @property
    def last(self) -> float | None:
        return self.values[-1] if self.values else None

    @property
    def low(self) -> float | None:
        return min(self.values) if self.values else None

    @property
    def high(self) -> float | None:
        return max(self.values) if self.values else None


@dataclass
class WidgetData:
    title: str
    series: list[Series]


@dataclass
class DashboardData:
    name: str
    found: bool
    widgets: list[WidgetData] = field(default_factory=list)
    #: A body the tutor cannot read: the reason (the dashboard exists but shows nothing here).
    problem: str = ""
    hours: int = 3

    @property
    def has_data(self) -> bool:
        return any(s.values for w in self.widgets for s in w.series)


# parsing ----------------------------------------------------------------------------------
def _expand(items: list[Any], previous: list[Any] | None) -> list[Any]:
    """One metric's items with the shorthand of the previous metric resolved."""
    rest_at = next((i for i, v in enumerate(items) if isinstance(v, str) and v in REPEAT_REST), None)
    if rest_at is not None:
        if previous is None:
            raise DashboardBodyError(f"{items[rest_at]!r} in the first metric of a widget repeats nothing")
        after = items[rest_at + 1:]
        items = items[:rest_at] + previous[rest_at:len(previous) - len(after)] + after
    out = []
    for i, value in enumerate(items):
        if value == REPEAT_ONE:
            if previous is None or i >= len(previous):
                raise DashboardBodyError(f'"." at position {i + 1} has no value above it to repeat')
            value = previous[i]
        out.append(value)
    return out


def parse_metrics(entries: Any, stat: str = DEFAULT_STAT, period: int = DEFAULT_PERIOD) -> list[MetricRef]:
    """The metrics of one widget's ``properties.metrics`` array (expressions left out)."""
    if not isinstance(entries, list):
        raise DashboardBodyError("properties.metrics must be an array of arrays")
    found, previous = [], None
    for entry in entries:
        if not isinstance(entry, list):
            raise DashboardBodyError(f"each metric must be an array, not {entry!r}")
        options = entry[-1] if entry and isinstance(entry[-1], dict) else {}
        items = entry[:-1] if options else list(entry)
        if not items:  # [{"expression": ...}]: metric math, not a metric of its own
            continue
        items = _expand(items, previous)
        previous = items
        if len(items) < 2 or len(items) % 2 or not all(isinstance(v, str) for v in items):
            raise DashboardBodyError(f"a metric is [Namespace, MetricName, DimName, DimValue, ...]: {entry!r}")
        dims = tuple((items[i], items[i + 1]) for i in range(2, len(items), 2))
        found.append(MetricRef(items[0], items[1], dims, str(options.get("stat", stat)),
                               int(options.get("period", period)), str(options.get("label", ""))))
    return found


def parse_body(body: str) -> list[Widget]:
    """The metric widgets of a dashboard body, in order (text and alarm widgets left out)."""
    try:
        doc = json.loads(body)
    except (TypeError, ValueError) as exc:
        raise DashboardBodyError(f"the body is not JSON: {exc}") from None
    widgets = doc.get("widgets") if isinstance(doc, dict) else None
    if not isinstance(widgets, list):
        raise DashboardBodyError('the body has no "widgets" array')
    out = []
    for n, widget in enumerate(widgets, 1):
        if not isinstance(widget, dict) or widget.get("type") != "metric":
            continue
        props = widget.get("properties") or {}
        metrics = parse_metrics(props.get("metrics", []), str(props.get("stat", DEFAULT_STAT)),
                                int(props.get("period", DEFAULT_PERIOD)))
        out.append(Widget(str(props.get("title") or f"#{n}"), metrics))
    return out


def text_widgets(body: str) -> list[str]:
    """The markdown of every text widget (where a dashboard can say who made it)."""
    try:
        widgets = json.loads(body).get("widgets") or []
    except (TypeError, ValueError, AttributeError):
        return []
    return [str((w.get("properties") or {}).get("markdown", "")) for w in widgets
            if isinstance(w, dict) and w.get("type") == "text"]


def shows(widgets: list[Widget], namespace: str, name: str) -> list[MetricRef]:
    return [m for w in widgets for m in w.metrics if m.namespace == namespace and m.name == name]


# fetching ---------------------------------------------------------------------------------
def get_body(cloudwatch: Any, name: str) -> str | None:
    """The dashboard's body, or None when no dashboard has that name."""
    try:
        return cloudwatch.get_dashboard(DashboardName=name)["DashboardBody"]
    except Exception as exc:
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
        if code in ("ResourceNotFound", "ResourceNotFoundException"):
            return None
        raise


def fetch_dashboard(cloudwatch: Any, name: str, hours: int = 3,
                    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> DashboardData:
    """The dashboard's widgets with the datapoints of each metric over the last ``hours``."""
    body = get_body(cloudwatch, name)
    if body is None:
        return DashboardData(name, found=False, hours=hours)
    try:
        widgets = parse_body(body)
    except DashboardBodyError as exc:
        return DashboardData(name, found=True, problem=str(exc), hours=hours)
    metrics = [m for w in widgets for m in w.metrics][:MAX_QUERIES]
    points = _metric_data(cloudwatch, metrics, now() - timedelta(hours=hours), now()) if metrics else {}
    data, i = [], 0
    for widget in widgets:
        series = []
        for metric in widget.metrics:
            stamps, values = points.get(f"m{i}", ([], []))
            series.append(Series(metric, stamps, values))
            i += 1
        data.append(WidgetData(widget.title, series))
    return DashboardData(name, found=True, widgets=data, hours=hours)


def _metric_data(cloudwatch: Any, metrics: list[MetricRef], start: datetime,
                 end: datetime) -> dict[str, tuple[list[datetime], list[float]]]:
    """One GetMetricData call (paged) for all metrics; each query's points, oldest first."""
    queries = [{"Id": f"m{i}", "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": m.namespace, "MetricName": m.name,
                   "Dimensions": [{"Name": k, "Value": v} for k, v in m.dimensions]},
        "Period": m.period, "Stat": m.stat}} for i, m in enumerate(metrics)]
    out: dict[str, tuple[list[datetime], list[float]]] = {}
    token = None
    while True:
        page = cloudwatch.get_metric_data(MetricDataQueries=queries, StartTime=start, EndTime=end,
                                          ScanBy="TimestampAscending", **({"NextToken": token} if token else {}))
        for result in page.get("MetricDataResults", []):
            stamps, values = out.setdefault(result["Id"], ([], []))
            stamps.extend(result.get("Timestamps", []))
            values.extend(float(v) for v in result.get("Values", []))
        token = page.get("NextToken")
        if not token:
            break
    for key, (stamps, values) in out.items():  # an endpoint may ignore ScanBy: sort here
        pairs = sorted(zip(stamps, values), key=lambda p: p[0])
        out[key] = ([p[0] for p in pairs], [p[1] for p in pairs])
    return out


# the load tests' own metrics ----------------------------------------------------------------
STREAMCLOUD = "StreamCloud"  # the namespace `tutor loadtest --publish` writes (tutor.loadtest.publish)
STREAMCLOUD_PERIOD = 60  # one load test is one datapoint: a minute keeps runs apart


def fetch_streamcloud(cloudwatch: Any, hours: int = 3,
                      now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> list[Series]:
    """Every metric in the namespace StreamCloud with its datapoints over the last ``hours``,
    by name; empty when no load test was published. Not a widget of the dashboard: the screen
    draws it beside them, so a published run shows without editing the dashboard's body."""
    found: dict[MetricRef, None] = {}
    token = None
    while True:
        page = cloudwatch.list_metrics(Namespace=STREAMCLOUD, **({"NextToken": token} if token else {}))
        for m in page.get("Metrics", []):
            dims = tuple(sorted((d["Name"], d["Value"]) for d in m.get("Dimensions") or []))
            found[MetricRef(STREAMCLOUD, m["MetricName"], dims, DEFAULT_STAT, STREAMCLOUD_PERIOD)] = None
        token = page.get("NextToken")
        if not token:
            break
    metrics = sorted(found, key=lambda m: (m.name, m.dimensions))[:MAX_QUERIES]
    if not metrics:
        return []
    # the end a period ahead: a run published a moment ago falls in a period that has not ended yet
    end = now() + timedelta(seconds=STREAMCLOUD_PERIOD)
    points = _metric_data(cloudwatch, metrics, end - timedelta(hours=hours), end)
    return [Series(m, *points.get(f"m{i}", ([], []))) for i, m in enumerate(metrics)]
