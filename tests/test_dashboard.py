"""The dashboard streamcloud-ops as data (body parsing, GetMetricData) and as a TUI screen (Pilot)."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from textual.widgets import Sparkline, Static

from test_lab_cli_commands import aws_env
from tutor.labs.dashboard_data import (
    DashboardBodyError, MetricRef, fetch_dashboard, parse_body, parse_metrics, text_widgets)
from tutor.store import Store
from tutor.tui.app import TutorApp
from tutor.tui.dashboard import DashboardScreen
from tutor.tui.help import HelpScreen
from tutor.tui.home import HomeScreen

SIZE = (120, 50)
ALB = "app/streamcloud-alb/50dc6c495c0c9188"


def cloudwatch(endpoint):
    return boto3.client("cloudwatch", endpoint_url=endpoint, region_name="us-east-1")


# parsing -----------------------------------------------------------------------------------
def test_a_dot_repeats_the_value_above_at_the_same_position():
    found = parse_metrics([["AWS/ApplicationELB", "RequestCount", "LoadBalancer", ALB],
                           [".", "TargetResponseTime", ".", ".", {"stat": "p99", "label": "p99"}]])
    assert found[1] == MetricRef("AWS/ApplicationELB", "TargetResponseTime", (("LoadBalancer", ALB),), "p99", 300, "p99")


def test_three_dots_repeat_the_rest_of_the_metric_above():
    found = parse_metrics([["AWS/EC2", "CPUUtilization", "InstanceId", "i-1"], ["...", "i-2"],
                           ["..", "i-3", {"period": 60}]], stat="Maximum")
    assert [m.dimensions for m in found] == [(("InstanceId", f"i-{n}"),) for n in (1, 2, 3)]
    assert {m.name for m in found} == {"CPUUtilization"} and found[2].period == 60 and found[0].stat == "Maximum"


def test_expressions_and_other_widgets_are_left_out():
    body = json.dumps({"widgets": [
        {"type": "text", "properties": {"markdown": "hello"}},
        {"type": "alarm", "properties": {"alarms": ["arn:x"]}},
        {"type": "metric", "properties": {"title": "Errors", "metrics": [
            [{"expression": "m1/m2", "label": "rate", "id": "e1"}],
            ["AWS/Lambda", "Errors", {"id": "m1"}]]}}]})
    widgets = parse_body(body)
    assert [(w.title, [m.describe() for m in w.metrics]) for w in widgets] == [("Errors", ["AWS/Lambda Errors"])]
    assert text_widgets(body) == ["hello"]


@pytest.mark.parametrize("body, words", [
    ("not json", "not JSON"),
    ("[]", "widgets"),
    (json.dumps({"widgets": [{"type": "metric", "properties": {"metrics": [[".", "X"]]}}]}), "no value above"),
    (json.dumps({"widgets": [{"type": "metric", "properties": {"metrics": [["AWS/EC2", "CPUUtilization", "InstanceId"]]}}]}), "DimName"),
])
def test_an_unreadable_body_says_why(body, words):
    with pytest.raises(DashboardBodyError, match=words):
        parse_body(body)


def test_put_command_names_the_metric_and_its_dimensions():
    metric = MetricRef("AWS/EC2", "CPUUtilization", (("AutoScalingGroupName", "streamcloud-web-asg"),))
    assert metric.put_command(55) == ("aws cloudwatch put-metric-data --namespace AWS/EC2 --metric-name CPUUtilization "
                                      "--dimensions AutoScalingGroupName=streamcloud-web-asg --value 55")


# fetching ----------------------------------------------------------------------------------
def put_shipped_dashboard(endpoint, catalog):
    body = (catalog.lab_dirs["observability"] / "files" / "dashboard.json").read_text()
    cloudwatch(endpoint).put_dashboard(DashboardName="streamcloud-ops", DashboardBody=body)


def publish_cpu(endpoint, values):
    now = datetime.now(timezone.utc)
    cloudwatch(endpoint).put_metric_data(Namespace="AWS/EC2", MetricData=[
        {"MetricName": "CPUUtilization", "Value": v, "Timestamp": now - timedelta(minutes=5 * (len(values) - i)),
         "Dimensions": [{"Name": "AutoScalingGroupName", "Value": "streamcloud-web-asg"}]}
        for i, v in enumerate(values)])


def test_fetch_reads_each_widgets_datapoints_oldest_first(endpoint, catalog):
    put_shipped_dashboard(endpoint, catalog)
    publish_cpu(endpoint, [20, 65, 90])
    data = fetch_dashboard(cloudwatch(endpoint), "streamcloud-ops")
    assert data.found and data.has_data
    cpu = data.widgets[0].series[0]
    assert cpu.values == [20, 65, 90] and (cpu.last, cpu.low, cpu.high) == (90, 20, 90)
    assert [w.series[0].values for w in data.widgets[1:]] == [[], []]


def test_fetch_of_a_missing_dashboard(endpoint):
    data = fetch_dashboard(cloudwatch(endpoint), "streamcloud-ops")
    assert not data.found and not data.widgets


# the screen ------------------------------------------------------------------------------
def make_app(tmp_path, endpoint, lang="en"):
    return TutorApp(Store(tmp_path / "progress.db"), endpoint_url=endpoint, start_sandbox=False, lang=lang, check_content=False)


async def open_dashboard(app, pilot):
    await pilot.press("g")
    assert isinstance(app.screen, DashboardScreen)
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "dashboard"])
    await pilot.pause()
    return app.screen


def texts(screen):
    return "\n".join(str(w.render()) for w in screen.query(Static))


async def test_dashboard_with_data_draws_a_sparkline_with_values(tmp_path, endpoint, catalog):
    put_shipped_dashboard(endpoint, catalog)
    # the student's way: the aws CLI, as the screen tells them
    # (one datapoint per 5-minute period: points in one period are averaged into one)
    done = subprocess.run(["bash", "-c", "m=15; for v in 12 48 81; do aws cloudwatch put-metric-data --namespace AWS/EC2 "
                           "--metric-name CPUUtilization --dimensions AutoScalingGroupName=streamcloud-web-asg --value $v "
                           "--timestamp $(date -u -d \"-$m min\" +%Y-%m-%dT%H:%M:%SZ); m=$((m - 5)); done"],
                          env=aws_env(endpoint), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    app = make_app(tmp_path, endpoint)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(app, pilot)
        sparks = list(screen.query(Sparkline))
        assert len(sparks) == 1 and sorted(sparks[0].data) == [12, 48, 81]
        shown = texts(screen)
        assert "Web tier CPU" in shown and "AWS/EC2 CPUUtilization (AutoScalingGroupName=streamcloud-web-asg)" in shown
        assert "min 12" in shown and "max 81" in shown
        # the two ALB widgets have none yet: each gives the command that publishes its metric
        assert "--metric-name RequestCount --dimensions LoadBalancer=app/streamcloud-alb/0123456789abcdef" in shown
        await pilot.press("question_mark")  # help lists this screen's keys
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_without_the_dashboard_it_names_the_lab_step(tmp_path, endpoint, catalog):
    app = make_app(tmp_path, endpoint)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(app, pilot)
        shown = texts(screen)
        assert "No dashboard named streamcloud-ops" in shown and "Step 2 (dashboard) of the lab observability" in shown
        assert not list(screen.query(Sparkline))
        put_shipped_dashboard(endpoint, catalog)  # built meanwhile: r reads it again
        await pilot.press("r")
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "dashboard"])
        await pilot.pause()
        assert "Web tier CPU" in texts(screen)


async def test_a_dashboard_without_data_says_how_data_gets_there(tmp_path, endpoint, catalog):
    put_shipped_dashboard(endpoint, catalog)
    app = make_app(tmp_path, endpoint)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(app, pilot)
        shown = texts(screen)
        assert not list(screen.query(Sparkline))
        assert "No metric has datapoints yet" in shown
        assert ("aws cloudwatch put-metric-data --namespace AWS/EC2 --metric-name CPUUtilization "
                "--dimensions AutoScalingGroupName=streamcloud-web-asg --value 42") in shown
        assert "load test" in shown and shown.count("No data in the last 3 h") == 3


async def test_korean_and_an_unreachable_endpoint(tmp_path):
    app = make_app(tmp_path, "http://127.0.0.1:9", lang="ko")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(app, pilot)
        assert "대시보드를 읽을 수 없습니다" in texts(screen)
        assert "대시보드" in [b.description for b in app.screen_stack[1]._bindings.key_to_bindings["g"]]
