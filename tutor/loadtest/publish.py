"""A load test's figures as CloudWatch custom metrics (namespace ``StreamCloud``).

Why: the week pairs load tests with CloudWatch; publishing the run lets the student graph it
beside the ``streamcloud-ops`` dashboard's widgets (``aws cloudwatch get-metric-data`` or the
dashboard screen). One datapoint per metric, no dimensions, stamped now.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

NAMESPACE = "StreamCloud"
REGION = "us-east-1"


def metric_data(report: dict[str, Any], when: dt.datetime | None = None) -> list[dict[str, Any]]:
    when = when or dt.datetime.now(dt.timezone.utc)
    lat = report["latency_ms"]
    figures = (("RequestsPerSecond", report["rps"], "Count/Second"), ("Requests", report["requests"], "Count"),
               ("FailedRequests", report["failed"], "Count"), ("LatencyP50", lat["p50"], "Milliseconds"),
               ("LatencyP90", lat["p90"], "Milliseconds"), ("LatencyP99", lat["p99"], "Milliseconds"),
               ("LatencyMax", lat["max"], "Milliseconds"))
    return [{"MetricName": name, "Value": float(value), "Unit": unit, "Timestamp": when}
            for name, value, unit in figures]


def publish(backend: Any, report: dict[str, Any], region: str | None = None) -> dict[str, Any]:
    """Put the report's metrics through ``backend`` (a :class:`tutor.labs.backend.Backend`)."""
    from tutor.labs.backend import translate  # noqa: PLC0415 - boto3 only with --publish

    data = metric_data(report)
    try:
        backend.client("cloudwatch", region or REGION).put_metric_data(Namespace=NAMESPACE, MetricData=data)
    except Exception as exc:
        failure = translate(exc, backend)
        if failure is None:
            raise
        raise failure from None
    return {"namespace": NAMESPACE, "metrics": [d["MetricName"] for d in data], "region": region or REGION,
            "backend": backend.to_json()}
