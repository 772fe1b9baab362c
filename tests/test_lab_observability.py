"""The lab observability, provisioned and verified for real against a moto server.

Every check fails on an empty account, every step passes after its solution, and each wrong
configuration a step rules out fails that step's check with a message saying what to change.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tutor.labs.runner import LabSolveConflict

from conftest import aws

LAB = "observability"
STEPS = ["alarm", "dashboard", "budget"]
ACCOUNT = "123456789012"
ALB = "app/streamcloud-alb/50dc6c495c0c9188"


def client(endpoint, service):
    return aws(service, endpoint)


def checks_of(report, step):
    entry = next(s for s in report["steps"] if s["id"] == step)
    return {c["id"]: c for c in entry["checks"]}


def metric(namespace, name, *dims):
    return [namespace, name, *dims]


DEFAULT_WIDGETS = [
    [metric("AWS/EC2", "CPUUtilization", "AutoScalingGroupName", "web")],
    [metric("AWS/ApplicationELB", "RequestCount", "LoadBalancer", ALB)],
    [metric("AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", ALB)],
]


def body(widgets=None):
    items = [{"type": "metric", "properties": {"metrics": m, "region": "us-east-1"}}
             for m in (DEFAULT_WIDGETS if widgets is None else widgets)]
    return json.dumps({"widgets": [{"type": "text", "properties": {"markdown": "ops"}}, *items]})


def build(endpoint, *, namespace="AWS/EC2", metric_name="CPUUtilization", dims=None, threshold=70,
          operator="GreaterThanThreshold", periods=2, action="own", actions_enabled=True,
          dashboard=None, budget_type="COST", time_unit="MONTHLY", notification=None):
    """What a student builds with the CLI, with one knob per wrong configuration."""
    sns, cw, budgets = client(endpoint, "sns"), client(endpoint, "cloudwatch"), client(endpoint, "budgets")
    topic = sns.create_topic(Name="streamcloud-alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="me@example.com")
    other = sns.create_topic(Name="billing-alerts")["TopicArn"]
    actions = {"own": [topic], "none": [], "other": [other],
               "missing": [f"arn:aws:sns:us-east-1:{ACCOUNT}:streamcloud-alerts-old"],
               "other-account": ["arn:aws:sns:us-east-1:999999999999:streamcloud-alerts"]}[action]
    cw.put_metric_alarm(
        AlarmName="streamcloud-high-cpu", Namespace=namespace, MetricName=metric_name,
        Dimensions=[{"Name": k, "Value": v} for k, v in (dims or {"AutoScalingGroupName": "streamcloud-web-asg"}).items()],
        Statistic="Average", Period=300, EvaluationPeriods=periods, Threshold=threshold,
        ComparisonOperator=operator, AlarmActions=actions, ActionsEnabled=actions_enabled)
    cw.put_dashboard(DashboardName="streamcloud-ops", DashboardBody=dashboard or body())
    note = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80,
            "ThresholdType": "PERCENTAGE", **(notification or {})}
    limit = {"Amount": "100", "Unit": "USD" if budget_type == "COST" else "GB"}
    budgets.create_budget(AccountId=ACCOUNT, Budget={
        "BudgetName": "streamcloud-monthly", "BudgetType": budget_type, "TimeUnit": time_unit, "BudgetLimit": limit},
        NotificationsWithSubscribers=[{"Notification": note, "Subscribers": [
            {"SubscriptionType": "EMAIL", "Address": "me@example.com"}]}])




def test_solve_of_all_steps_on_an_empty_account_is_idempotent(lab_runner, endpoint):
    runner = lab_runner(LAB)
    assert runner.solve() == STEPS
    assert runner.solve() == STEPS
    assert runner.verify()["passed"] is True
    sns = client(endpoint, "sns")
    assert [t["TopicArn"].split(":")[-1] for t in sns.list_topics()["Topics"]] == ["streamcloud-alerts"]
    assert len(sns.list_subscriptions()["Subscriptions"]) == 1
    assert len(client(endpoint, "cloudwatch").list_dashboards()["DashboardEntries"]) == 1
    assert len(client(endpoint, "budgets").describe_budgets(AccountId=ACCOUNT)["Budgets"]) == 1


def test_a_correct_student_build_passes(lab_runner, endpoint):
    build(endpoint)
    report = lab_runner(LAB).verify()
    assert report["passed"] is True, report


@pytest.mark.parametrize("knob", [
    {"periods": 5},
    {"notification": {"NotificationType": "FORECASTED"}},
    # the dashboard body's shorthand: "." repeats a value above, "..." the rest of the metric above
    {"dashboard": body([[metric("AWS/EC2", "CPUUtilization", "AutoScalingGroupName", "web"),
                         ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", ALB, {"stat": "Sum"}],
                         [".", "TargetResponseTime", ".", "."]]])},
    {"dashboard": body([[metric("AWS/ApplicationELB", "RequestCount", "LoadBalancer", ALB, "AvailabilityZone", "us-east-1a"),
                         [".", "TargetResponseTime", "...", "us-east-1b"],
                         metric("AWS/EC2", "CPUUtilization", "InstanceId", "i-0123")]])},
])
def test_other_valid_builds_pass(lab_runner, endpoint, knob):
    build(endpoint, **knob)
    report = lab_runner(LAB).verify()
    assert report["passed"] is True, report


def _widgets_without(name):
    return [w for w in DEFAULT_WIDGETS if w[0][1] != name]


@pytest.mark.parametrize("knob, step, check, words", [
    ({"namespace": "AWS/RDS"}, "alarm", "metric", "--namespace AWS/EC2"),
    ({"metric_name": "NetworkIn"}, "alarm", "metric", "CPUUtilization"),
    ({"dims": {"AutoScalingGroupName": "other-asg"}}, "alarm", "dimension", "AutoScalingGroupName=other-asg"),
    ({"dims": {"InstanceId": "i-0123"}}, "alarm", "dimension", "streamcloud-web-asg"),
    ({"threshold": 80}, "alarm", "threshold", "--threshold 70"),
    ({"operator": "GreaterThanOrEqualToThreshold"}, "alarm", "comparison", "GreaterThanThreshold"),
    ({"periods": 1}, "alarm", "evaluation-periods", "--evaluation-periods 2"),
    ({"action": "none"}, "alarm", "action", "no alarm action"),
    ({"action": "other"}, "alarm", "action", "billing-alerts"),
    ({"action": "missing"}, "alarm", "action", "--alarm-actions"),
    ({"action": "other-account"}, "alarm", "action", "no existing topic"),
    ({"actions_enabled": False}, "alarm", "action", "enable-alarm-actions"),
    ({"dashboard": body(_widgets_without("CPUUtilization"))}, "dashboard", "cpu", "AWS/EC2 CPUUtilization"),
    ({"dashboard": body(_widgets_without("RequestCount"))}, "dashboard", "requests", "RequestCount"),
    ({"dashboard": body(_widgets_without("TargetResponseTime"))}, "dashboard", "latency", "TargetResponseTime"),
    ({"dashboard": body([[metric("AWS/ELB", "RequestCount", "LoadBalancerName", "web")]] + DEFAULT_WIDGETS[::2])},
     "dashboard", "requests", "AWS/ELB RequestCount"),
    ({"dashboard": json.dumps({"widgets": [{"type": "text", "properties": {"markdown": "todo"}}]})},
     "dashboard", "cpu", "no metric"),
    ({"budget_type": "USAGE"}, "budget", "cost", "COST"),
    ({"time_unit": "QUARTERLY"}, "budget", "monthly", "MONTHLY"),
    ({"notification": {"Threshold": 90}}, "budget", "alert", "threshold 90 %"),
    ({"notification": {"ThresholdType": "ABSOLUTE_VALUE"}}, "budget", "alert", "ABSOLUTE_VALUE"),
    ({"notification": {"ComparisonOperator": "LESS_THAN"}}, "budget", "alert", "LESS_THAN"),
])
def test_wrong_configuration_fails_its_step(lab_runner, endpoint, knob, step, check, words):
    build(endpoint, **knob)
    report = lab_runner(LAB).verify()
    checks = checks_of(report, step)
    assert checks[check]["passed"] is False, checks[check]
    assert words in checks[check]["message"], checks[check]["message"]
    assert report["passed"] is False
    # the other steps are judged on their own requirements only
    assert all(s["passed"] for s in report["steps"] if s["id"] != step), report


def test_a_body_that_is_not_a_dashboard_fails_with_the_reason(lab_runner, endpoint):
    build(endpoint, dashboard=json.dumps({"widgets": [{"type": "metric", "properties": {"metrics": [["...", "x"]]}}]}))
    checks = checks_of(lab_runner(LAB).verify("dashboard"), "dashboard")
    assert not checks["exists"]["passed"] and "repeats nothing" in checks["exists"]["message"]


def test_a_budget_without_notifications_fails(lab_runner, endpoint):
    client(endpoint, "budgets").create_budget(AccountId=ACCOUNT, Budget={
        "BudgetName": "streamcloud-monthly", "BudgetType": "COST", "TimeUnit": "MONTHLY",
        "BudgetLimit": {"Amount": "50", "Unit": "USD"}})
    checks = checks_of(lab_runner(LAB).verify("budget"), "budget")
    assert checks["exists"]["passed"] and not checks["alert"]["passed"]
    assert "create-notification" in checks["alert"]["message"]


def test_korean_messages(lab_runner, endpoint):
    report = lab_runner(LAB, lang="ko").verify()
    alarm = checks_of(report, "alarm")["exists"]["message"]
    assert "streamcloud-high-cpu" in alarm and "만드십시오" in alarm
    build(endpoint, threshold=80, dashboard=body(_widgets_without("RequestCount")), notification={"Threshold": 90})
    report = lab_runner(LAB, lang="ko").verify()
    assert "임계값" in checks_of(report, "alarm")["threshold"]["message"]
    assert "지표 위젯이 없습니다" in checks_of(report, "dashboard")["requests"]["message"]
    assert "임계값 90%" in checks_of(report, "budget")["alert"]["message"]


@pytest.mark.parametrize("step, words", [("alarm", "not created by the tutor"), ("dashboard", "not created by the tutor"),
                                         ("budget", "not created by the tutor")])
def test_solution_never_adopts_the_students_resource(lab_runner, endpoint, step, words):
    build(endpoint)
    with pytest.raises(LabSolveConflict, match=words):
        lab_runner(LAB).solve([step])


def test_solution_never_adopts_a_students_dashboard_built_from_the_labs_own_file(lab_runner, endpoint, catalog):
    shipped = (catalog.lab_dirs[LAB] / "files" / "dashboard.json").read_text()
    client(endpoint, "cloudwatch").put_dashboard(DashboardName="streamcloud-ops", DashboardBody=shipped)
    with pytest.raises(LabSolveConflict):
        lab_runner(LAB).solve(["dashboard"])


def test_solution_never_takes_a_students_alarm_made_after_a_reset(lab_runner, endpoint):
    runner = lab_runner(LAB)
    runner.solve(["alarm"])
    runner.cleanup("alarm")
    cw = client(endpoint, "cloudwatch")
    cw.put_metric_alarm(AlarmName="streamcloud-high-cpu", Namespace="AWS/EC2", MetricName="CPUUtilization",
                        Statistic="Average", Period=60, EvaluationPeriods=1, Threshold=50,
                        ComparisonOperator="GreaterThanThreshold")
    with pytest.raises(LabSolveConflict, match="CloudWatch alarm"):
        runner.solve(["alarm"])


def _decoys(endpoint):
    """Resources of the same kinds that carry none of the lab's names."""
    sns, cw, budgets = client(endpoint, "sns"), client(endpoint, "cloudwatch"), client(endpoint, "budgets")
    topic = sns.create_topic(Name="keep-topic")["TopicArn"]
    cw.put_metric_alarm(AlarmName="keep-alarm", Namespace="AWS/EC2", MetricName="CPUUtilization", Statistic="Average",
                        Period=300, EvaluationPeriods=2, Threshold=90, ComparisonOperator="GreaterThanThreshold",
                        AlarmActions=[topic])
    cw.put_dashboard(DashboardName="keep-dashboard", DashboardBody=body())
    budgets.create_budget(AccountId=ACCOUNT, Budget={"BudgetName": "keep-budget", "BudgetType": "COST",
                                                     "TimeUnit": "MONTHLY", "BudgetLimit": {"Amount": "5", "Unit": "USD"}})


def _survives(endpoint):
    sns, cw, budgets = client(endpoint, "sns"), client(endpoint, "cloudwatch"), client(endpoint, "budgets")
    assert [t["TopicArn"].split(":")[-1] for t in sns.list_topics()["Topics"]
            if not t["TopicArn"].endswith(":billing-alerts")] == ["keep-topic"]
    assert [a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]] == ["keep-alarm"]
    assert [d["DashboardName"] for d in cw.list_dashboards()["DashboardEntries"]] == ["keep-dashboard"]
    assert [b["BudgetName"] for b in budgets.describe_budgets(AccountId=ACCOUNT).get("Budgets", [])] == ["keep-budget"]


@pytest.mark.parametrize("who", ["student", "tutor"])
def test_cleanup_deletes_lab_resources_only(lab_runner, endpoint, who):
    _decoys(endpoint)
    if who == "student":
        build(endpoint)
    else:
        lab_runner(LAB).solve()
    removed = lab_runner(LAB).cleanup()
    kinds = {r["type"] for r in removed if r["deleted"]}
    assert kinds == {"cloudwatch-alarm", "sns-topic", "cloudwatch-dashboard", "budget"}, removed
    _survives(endpoint)
    assert all(not c["passed"] for s in lab_runner(LAB).verify()["steps"] for c in s["checks"])


def test_each_steps_cleanup_removes_that_step_only(lab_runner):
    runner = lab_runner(LAB)
    runner.solve()
    assert {r["type"] for r in runner.cleanup("budget")} == {"budget"}
    assert runner.verify("budget")["passed"] is False
    assert runner.verify("alarm")["passed"] and runner.verify("dashboard")["passed"]
    assert [r["type"] for r in runner.cleanup("dashboard")] == ["cloudwatch-dashboard"]
    assert runner.verify("dashboard")["passed"] is False and runner.verify("alarm")["passed"]
    assert {r["type"] for r in runner.cleanup("alarm")} == {"cloudwatch-alarm", "sns-topic"}
    assert all(not c["passed"] for s in runner.verify()["steps"] for c in s["checks"])
    assert runner.solve() == STEPS and runner.verify()["passed"]  # and it builds again from nothing


def test_the_tutors_budget_is_marked_by_its_end_date(lab_runner, endpoint):
    lab_runner(LAB).solve(["budget"])
    found = client(endpoint, "budgets").describe_budget(AccountId=ACCOUNT, BudgetName="streamcloud-monthly")["Budget"]
    assert found["TimePeriod"]["End"] == datetime(2087, 6, 1, tzinfo=timezone.utc)
