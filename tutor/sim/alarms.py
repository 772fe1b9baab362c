"""CloudWatch metric alarm evaluation, as a pure function over a per-minute series.

The sandbox (moto) never evaluates alarms: they keep whatever state they were created or set
with. The clock evaluates them here and writes the result back with ``SetAlarmState``.

The model, from the CloudWatch User Guide:

- An alarm compares the statistic of its metric over ``Period`` seconds with ``Threshold``
  using ``ComparisonOperator``; it looks at the ``EvaluationPeriods`` (N) most recent periods
  and goes to ALARM when at least ``DatapointsToAlarm`` (M, default N) of them breach ("M out
  of N"). Otherwise it goes to OK.
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation
- CloudWatch evaluates an alarm every minute, even when the period is longer than a minute.
  The datapoints it compares are the metric's statistic per period; here a period is a bucket
  aligned on the clock (multiples of the period since the sandbox clock's minute 0, as
  GetMetricStatistics aggregates), and only complete periods count: an alarm of 2 periods of
  5 minutes fires at the end of the 10th minute of a sustained breach, not earlier.
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html
- ``TreatMissingData`` (default ``missing``): ``breaching`` counts a missing period as
  breaching, ``notBreaching`` as within the threshold, ``ignore`` keeps the current state when
  there is no data, ``missing`` goes to INSUFFICIENT_DATA when every period of the window is
  missing. Alarms on ``AWS/DynamoDB`` metrics always ignore missing data.
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html

Simplifications, said plainly: with some (not all) periods missing, ``missing`` and ``ignore``
judge the periods present (CloudWatch may also look further back for datapoints; the sandbox
does not); percentile statistics are computed as the average (the clock publishes one
datapoint per minute); metric-math and anomaly-detection alarms are not evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

OK, ALARM, INSUFFICIENT = "OK", "ALARM", "INSUFFICIENT_DATA"

COMPARISONS = {
    "GreaterThanThreshold": lambda value, threshold: value > threshold,
    "GreaterThanOrEqualToThreshold": lambda value, threshold: value >= threshold,
    "LessThanThreshold": lambda value, threshold: value < threshold,
    "LessThanOrEqualToThreshold": lambda value, threshold: value <= threshold,
}
COMPARISON_WORDS = {"GreaterThanThreshold": "above", "GreaterThanOrEqualToThreshold": "at or above",
                    "LessThanThreshold": "below", "LessThanOrEqualToThreshold": "at or below"}
MISSING_DATA_TREATMENTS = ("missing", "ignore", "breaching", "notBreaching")


@dataclass(frozen=True)
class AlarmSpec:
    """What evaluating an alarm needs, read from DescribeAlarms (``from_describe``)."""

    name: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: str
    period_seconds: int
    evaluation_periods: int
    threshold: float
    comparison: str
    datapoints_to_alarm: int | None = None
    treat_missing_data: str = "missing"

    @property
    def period_minutes(self) -> int:
        return max(1, self.period_seconds // 60)

    @property
    def m_of_n(self) -> tuple[int, int]:
        n = max(1, self.evaluation_periods)
        return min(n, self.datapoints_to_alarm or n), n

    @property
    def missing_treatment(self) -> str:
        if self.namespace == "AWS/DynamoDB":
            return "ignore"  # documented: DynamoDB alarms always ignore missing data
        return self.treat_missing_data if self.treat_missing_data in MISSING_DATA_TREATMENTS else "missing"

    @classmethod
    def from_describe(cls, alarm: Mapping) -> "AlarmSpec | None":
        """The spec of a DescribeAlarms ``MetricAlarms`` entry; None for alarms this model does
        not evaluate (metric math, anomaly bands)."""
        if alarm.get("Metrics") or alarm.get("ComparisonOperator") not in COMPARISONS or "MetricName" not in alarm:
            return None
        return cls(
            name=alarm["AlarmName"], namespace=alarm.get("Namespace", ""), metric=alarm["MetricName"],
            dimensions=tuple(sorted((d["Name"], d["Value"]) for d in alarm.get("Dimensions") or [])),
            statistic=alarm.get("Statistic") or "Average", period_seconds=int(alarm.get("Period") or 60),
            evaluation_periods=int(alarm.get("EvaluationPeriods") or 1), threshold=float(alarm.get("Threshold") or 0.0),
            comparison=alarm["ComparisonOperator"], datapoints_to_alarm=alarm.get("DatapointsToAlarm"),
            treat_missing_data=alarm.get("TreatMissingData") or "missing")


def aggregate(values: list[float], statistic: str) -> float | None:
    """One period's statistic over the minute datapoints in it; None when it has none."""
    if not values:
        return None
    if statistic == "Sum":
        return float(sum(values))
    if statistic == "Maximum":
        return float(max(values))
    if statistic == "Minimum":
        return float(min(values))
    if statistic == "SampleCount":
        return float(len(values))
    return sum(values) / len(values)  # Average (and percentiles, see the module docstring)


def period_values(spec: AlarmSpec, series: Mapping[int, float], now: int) -> list[float | None]:
    """The N most recent complete periods at minute ``now`` (oldest first), each its statistic
    or None when missing. ``series`` maps an absolute clock minute to that minute's datapoint."""
    p, (_, n) = spec.period_minutes, spec.m_of_n
    last_boundary = (now // p) * p
    values = []
    for j in range(n):
        start = last_boundary - (n - j) * p
        minutes = [series[m] for m in range(start, start + p) if m in series]
        values.append(aggregate(minutes, spec.statistic))
    return values


@dataclass(frozen=True)
class Evaluation:
    state: str
    reason: str
    periods: tuple[float | None, ...]


def evaluate(spec: AlarmSpec, series: Mapping[int, float], now: int, current_state: str) -> Evaluation:
    """The state the alarm takes when evaluated at minute ``now`` (see the module docstring)."""
    periods = period_values(spec, series, now)
    m, n = spec.m_of_n
    breaches = COMPARISONS[spec.comparison]
    treatment = spec.missing_treatment
    present = [v for v in periods if v is not None]
    missing = n - len(present)
    shown = "[" + ", ".join("-" if v is None else f"{v:.4g}" for v in periods) + "]"
    if not present and treatment == "missing":
        return Evaluation(INSUFFICIENT, f"no datapoints in the last {n} period(s) {shown}", tuple(periods))
    if not present and treatment == "ignore":
        return Evaluation(current_state, f"no datapoints {shown}: missing data ignored, state kept", tuple(periods))
    breaching = sum(1 for v in present if breaches(v, spec.threshold))
    if treatment == "breaching":
        breaching += missing
    word = COMPARISON_WORDS[spec.comparison]
    if breaching >= m:
        return Evaluation(ALARM, f"{breaching} of the last {n} datapoints {shown} {word} the threshold "
                                 f"({spec.threshold:g}); {m} needed", tuple(periods))
    return Evaluation(OK, f"{breaching} of the last {n} datapoints {shown} {word} the threshold "
                          f"({spec.threshold:g}); {m} needed for ALARM", tuple(periods))
