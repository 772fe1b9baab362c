"""`tutor sandbox advance` on a moto server: after the Day 1 and observability labs are solved,
ten minutes at 90 % CPU fire the alarm, notify its topic's subscribers and scale the group."""

from __future__ import annotations

import json

import boto3
import pytest

from tests.conftest import run_tutor
from tutor import cli
from tutor.sim import clock

GROUP, ALARM, TOPIC = "streamcloud-web-asg", "streamcloud-high-cpu", "streamcloud-alerts"


def client(endpoint, service):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1")


@pytest.fixture
def built(endpoint, lab_runner):
    """Day 1's web tier and the observability lab, solved by the tutor, with an SQS queue
    subscribed to the alarm's topic."""
    lab_runner("ec2-asg").solve()
    lab_runner("observability").solve()
    sns, sqs = client(endpoint, "sns"), client(endpoint, "sqs")
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":" + TOPIC))
    queue = sqs.create_queue(QueueName="alerts-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return {"topic": topic, "queue": queue}


def advance(endpoint, capsys, *args):
    code = cli.main(["sandbox", "advance", "--endpoint-url", endpoint, "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else None


def test_ten_minutes_at_90_percent_fire_the_alarm_notify_and_scale_out(endpoint, built, capsys):
    asg, cw, sqs = client(endpoint, "autoscaling"), client(endpoint, "cloudwatch"), client(endpoint, "sqs")
    before = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])["AutoScalingGroups"][0]["DesiredCapacity"]

    code, report = advance(endpoint, capsys, "--minutes", "10", "--cpu", "90")

    assert code == 0
    assert report["alarms"][ALARM]["state"] == "ALARM"
    assert report["alarms"][ALARM]["changed_at_minute"] == 10  # two 5-minute periods above 70 %
    assert cw.describe_alarms(AlarmNames=[ALARM])["MetricAlarms"][0]["StateValue"] == "ALARM"
    assert report["notifications"] == [
        {"minute": 10, "topic": built["topic"], "alarm": ALARM, "state": "ALARM", "old_state": "OK",
         "reason": report["alarms"][ALARM]["reason"]}]
    messages = sqs.receive_message(QueueUrl=built["queue"], WaitTimeSeconds=1).get("Messages", [])
    assert len(messages) == 1
    body = json.loads(json.loads(messages[0]["Body"])["Message"])
    assert (body["AlarmName"], body["NewStateValue"]) == (ALARM, "ALARM")
    steps = report["scaling"][GROUP]
    assert steps[0]["minute"] == 3 and steps[0]["desired"] == before * 2  # ceil(2 × 90 / 50) = 4
    after = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])["AutoScalingGroups"][0]["DesiredCapacity"]
    assert after == steps[-1]["desired"] > before
    points = cw.get_metric_statistics(Namespace="AWS/EC2", MetricName="CPUUtilization",
                                      Dimensions=[{"Name": "AutoScalingGroupName", "Value": GROUP}],
                                      StartTime="2000-01-01", EndTime="2100-01-01", Period=60,
                                      Statistics=["Average"])["Datapoints"]
    assert len(points) == 10 and {p["Average"] for p in points} == {90.0}
    assert len(clock.last_timeline(endpoint)) == 10


def test_the_clock_continues_and_low_cpu_brings_the_group_back_to_its_minimum(endpoint, built, capsys):
    advance(endpoint, capsys, "--minutes", "10", "--cpu", "90")
    code, report = advance(endpoint, capsys, "--minutes", "25", "--cpu", "10")
    assert code == 0
    assert report["clock"]["start_minute"] == 10 and report["clock"]["end_minute"] == 35
    assert report["alarms"][ALARM]["state"] == "OK"
    assert report["alarms"][ALARM]["changed_at_minute"] is not None
    assert report["notifications"] == []  # the lab's alarm notifies on ALARM only (no OK actions)
    group = client(endpoint, "autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])["AutoScalingGroups"][0]
    assert group["DesiredCapacity"] == group["MinSize"]


def test_from_loadtest_without_a_load_test_is_a_usage_error(endpoint, capsys):
    code = cli.main(["sandbox", "advance", "--endpoint-url", endpoint, "--minutes", "5", "--from-loadtest"])
    assert code == 2
    assert "tutor loadtest" in capsys.readouterr().err


def test_from_loadtest_spreads_the_requests_over_the_instances(endpoint, built, capsys):
    clock.loadtest_path().write_text(json.dumps({"rps": 360, "latency_ms": {"p50": 40}}), encoding="utf-8")
    code, report = advance(endpoint, capsys, "--minutes", "3", "--from-loadtest")
    assert code == 0
    assert "360 requests/s" in report["load"]
    assert report["scaling"][GROUP][0]["desired"] == 4  # 360 rps on 2 instances = 100 % (capped): ceil(2 × 2) = 4


@pytest.mark.parametrize("args, message", [
    (["--minutes", "0"], "--minutes"), (["--minutes", "5", "--cpu", "150"], "--cpu"),
    (["--minutes", "5", "--cpu", "50", "--from-loadtest"], "not allowed with"),
    (["--minutes", "5", "--real"], "never advances real AWS")])
def test_bad_usage_and_real_aws_are_refused(args, message, capsys):
    try:
        code = cli.main(["sandbox", "advance", *args])
    except SystemExit as exc:  # argparse's own usage errors exit 2 directly
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_the_console_script_reports_an_empty_account(endpoint):
    result = run_tutor("sandbox", "advance", "--endpoint-url", endpoint, "--minutes", "2", "--json", timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["alarms"] == {} and report["scaling"] == {} and report["notifications"] == []


# the timeline screen ------------------------------------------------------------------------
async def test_the_timeline_screen_draws_cpu_capacity_and_alarm_states():
    from textual.app import App
    from textual.widgets import Sparkline

    from tutor.sim import engine
    from tutor.sim.alarms import AlarmSpec
    from tutor.sim.scaling import GroupConfig, GroupState, Policy
    from tutor.tui.timeline import TimelineScreen, alarm_strip

    spec = AlarmSpec(ALARM, "AWS/EC2", "CPUUtilization", (("AutoScalingGroupName", GROUP),), "Average", 300, 2,
                     70.0, "GreaterThanThreshold")
    world = engine.World({GROUP: GroupConfig(GROUP, 2, 6)}, {GROUP: GroupState(2)},
                         [Policy("cpu50", GROUP, "TargetTrackingScaling", target=50.0, metric="ASGAverageCPUUtilization")],
                         {ALARM: engine.AlarmInfo(spec, "OK")})
    timeline = engine.run(world, 10, engine.constant(90)).timeline
    # no complete 5-minute period before minute 5 (INSUFFICIENT_DATA), one breaching of two, then ALARM
    assert alarm_strip(timeline, ALARM) == "????" + "." * 5 + "#"

    class Host(App):
        lang = "en"

        def on_mount(self) -> None:
            self.push_screen(TimelineScreen(timeline, "http://127.0.0.1:5599"))

    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        assert list(screen.query_one(".tl-cpu", Sparkline).data) == [90.0] * 10
        assert list(screen.query_one(".tl-capacity", Sparkline).data) == [2, 2, 4, 4, 4, 4, 4, 6, 6, 6]
        alarms = [str(s.render()) for s in screen.query("#tl-alarms .tl-alarm")]
        assert alarms == [f"{ALARM}  ????.....#  ALARM"]
        await pilot.press("escape")
        assert not isinstance(app.screen, TimelineScreen)


async def test_the_timeline_screen_says_how_to_make_one_when_there_is_none(endpoint):
    from textual.app import App
    from textual.widgets import Static

    from tutor.tui.timeline import open_timeline

    class Host(App):
        lang = "en"

    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = open_timeline(app, endpoint)
        await pilot.pause()
        assert "tutor sandbox advance --minutes 10 --cpu 90" in str(screen.query_one("#tl-status", Static).render())


def test_the_clock_and_its_models_never_import_textual():
    import subprocess
    import sys

    code = ("import sys, tutor.sim.clock, tutor.sim.engine, tutor.commands.advance; "
            "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
