"""CloudWatch alarm evaluation: breaching, M of N, recovery to OK, TreatMissingData."""

from __future__ import annotations

import pytest

from tutor.sim.alarms import ALARM, INSUFFICIENT, OK, AlarmSpec, evaluate, period_values


def spec(periods: int = 2, period_s: int = 300, m: int | None = None, missing: str = "missing",
         namespace: str = "AWS/EC2", statistic: str = "Average") -> AlarmSpec:
    return AlarmSpec("high-cpu", namespace, "CPUUtilization", (("AutoScalingGroupName", "web"),), statistic,
                     period_s, periods, 70.0, "GreaterThanThreshold", m, missing)


def minutes(values: dict[range, float]) -> dict[int, float]:
    return {m: v for r, v in values.items() for m in r}


def test_two_breaching_five_minute_periods_alarm():
    series = minutes({range(0, 10): 90.0})
    assert evaluate(spec(), series, 10, OK).state == ALARM
    assert evaluate(spec(), series, 9, OK).state == OK  # only complete periods count: 1 of 2 so far
    assert evaluate(spec(), series, 12, OK).state == ALARM  # evaluated every minute; still [0,5) and [5,10)
    assert period_values(spec(), series, 10) == [90.0, 90.0]


def test_one_breaching_period_of_two_is_not_enough():
    series = minutes({range(0, 5): 50.0, range(5, 10): 90.0})
    result = evaluate(spec(), series, 10, OK)
    assert result.state == OK
    assert "1 of the last 2" in result.reason


def test_the_statistic_is_taken_over_the_period():
    series = minutes({range(0, 5): 90.0, range(5, 8): 90.0, range(8, 10): 20.0})  # 2nd period: mean 62
    assert evaluate(spec(), series, 10, OK).state == OK
    assert evaluate(spec(statistic="Maximum"), series, 10, OK).state == ALARM


def test_m_out_of_n():
    series = minutes({range(0, 1): 90.0, range(1, 2): 10.0, range(2, 3): 90.0})
    assert evaluate(spec(periods=3, period_s=60, m=2), series, 3, OK).state == ALARM
    assert evaluate(spec(periods=3, period_s=60, m=3), series, 3, OK).state == OK


def test_recovery_to_ok():
    series = minutes({range(0, 10): 90.0, range(10, 20): 30.0})
    assert evaluate(spec(), series, 10, OK).state == ALARM
    assert evaluate(spec(), series, 20, ALARM).state == OK


@pytest.mark.parametrize("treatment, expected", [
    ("missing", INSUFFICIENT), ("ignore", ALARM), ("breaching", ALARM), ("notBreaching", OK)])
def test_no_data_at_all_by_treat_missing_data(treatment, expected):
    assert evaluate(spec(missing=treatment), {}, 10, ALARM).state == expected


@pytest.mark.parametrize("treatment", ["missing", "ignore"])
def test_missing_and_ignore_judge_the_periods_present(treatment):
    series = minutes({range(5, 10): 90.0})  # first period missing, second breaching
    assert evaluate(spec(m=1, missing=treatment), series, 10, OK).state == ALARM


def test_breaching_treatment_fills_the_gap():
    series = minutes({range(5, 10): 90.0})
    assert evaluate(spec(missing="breaching"), series, 10, OK).state == ALARM
    assert evaluate(spec(missing="notBreaching"), series, 10, ALARM).state == OK
    assert evaluate(spec(missing="missing"), series, 10, OK).state == OK  # 1 of 2 present, 2 needed


def test_dynamodb_alarms_always_ignore_missing_data():
    assert evaluate(spec(namespace="AWS/DynamoDB", missing="breaching"), {}, 10, OK).state == OK


def test_from_describe_skips_metric_math():
    assert AlarmSpec.from_describe({"AlarmName": "x", "Metrics": [{"Id": "m1"}], "ComparisonOperator": "GreaterThanThreshold"}) is None
    alarm = AlarmSpec.from_describe({"AlarmName": "a", "Namespace": "AWS/EC2", "MetricName": "CPUUtilization",
                                     "Dimensions": [{"Name": "AutoScalingGroupName", "Value": "web"}], "Statistic": "Average",
                                     "Period": 300, "EvaluationPeriods": 2, "Threshold": 70.0,
                                     "ComparisonOperator": "GreaterThanThreshold"})
    assert alarm.m_of_n == (2, 2) and alarm.period_minutes == 5 and alarm.missing_treatment == "missing"
