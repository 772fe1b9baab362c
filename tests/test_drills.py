"""Failure drills: the model on made-up builds, then each drill on the Day 1 lab in a moto server
built two ways (two AZs survive an AZ outage, one AZ does not), RDS single-AZ against Multi-AZ,
the reversible sandbox change and --restore, the CLI contract, and the drill screen."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_tutor
from tutor import cli
from tutor.labs.backend import Backend
from tutor.sim import drill_world, drills
from tutor.sim.drills import BalancerView, Build, CacheView, DatabaseView, GroupView

from conftest import aws

GROUP, AZ_A, AZ_B = "streamcloud-web-asg", "us-east-1a", "us-east-1b"


def client(endpoint, service):
    return aws(service, endpoint)


def by_name(report, name):
    return [c for c in report["components"] if c["name"] == name]


def group_config(endpoint):
    g = client(endpoint, "autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])["AutoScalingGroups"][0]
    return {k: g[k] for k in ("VPCZoneIdentifier", "MinSize", "MaxSize", "DesiredCapacity")}


@pytest.fixture
def day1(endpoint, lab_runner):
    """Day 1 as the lab's solution builds it: the group over subnets in us-east-1a and 1b."""
    lab_runner("ec2-asg").solve()
    return Backend("endpoint", endpoint)


@pytest.fixture
def day1_one_az(day1, endpoint):
    """The same group kept in us-east-1a only (the mistake the drill shows)."""
    ec2 = client(endpoint, "ec2")
    subnet_a = ec2.describe_subnets(Filters=[{"Name": "availability-zone", "Values": [AZ_A]},
                                             {"Name": "tag:Name", "Values": ["streamcloud-public-*"]}])["Subnets"][0]
    client(endpoint, "autoscaling").update_auto_scaling_group(AutoScalingGroupName=GROUP,
                                                              VPCZoneIdentifier=subnet_a["SubnetId"])
    return day1


# ---- the model ---------------------------------------------------------------------------

def test_instances_are_spread_evenly_over_the_group_azs():
    assert drills.spread(2, (AZ_B, AZ_A)) == {AZ_A: 1, AZ_B: 1}
    assert drills.spread(5, ("c", "a", "b")) == {"a": 2, "b": 2, "c": 1}


def test_a_load_balancer_needs_a_node_and_a_healthy_target_outside_the_lost_az():
    tg = "arn:tg"
    build = Build(groups=(GroupView("one-az", (AZ_A,), 2, 2, 6, 300, (tg,)),),
                  balancers=(BalancerView("two-az-alb", (AZ_A, AZ_B), (tg,)), BalancerView("one-az-alb", (AZ_A,))))
    report = drills.az_outage(build, AZ_A).to_json()
    assert [(c["resource"], c["survived"]) for c in by_name(report, "load-balancer")] == [
        ("two-az-alb", False), ("one-az-alb", False)]  # no healthy target / no node left
    assert "no healthy target" in by_name(report, "load-balancer")[0]["reason"]
    assert report["served"] is False


@pytest.mark.parametrize("cache, survived, words", [
    (CacheView("rg", AZ_A, (AZ_B,), True), True, "promoted the replica in us-east-1b"),
    (CacheView("rg", AZ_A, (AZ_B,), False), False, "automatic failover is off"),
    (CacheView("rg", AZ_A, (), False), False, "no replica"),
    (CacheView("rg", AZ_B, (), False), True, "kept serving"),
])
def test_the_cache_promotes_a_replica_only_with_one_and_automatic_failover(cache, survived, words):
    outcome = by_name(drills.az_outage(Build(caches=(cache,)), AZ_A).to_json(), "cache")[0]
    assert outcome["survived"] is survived and words in outcome["reason"]
    assert outcome["reasons"]["ko"]  # every reason is also in Korean


def test_instance_failure_replaces_after_the_grace_period_and_a_lone_instance_is_an_outage():
    two = drills.instance_failure(Build(groups=(GroupView("web", (AZ_A, AZ_B), 2, 2, 6, 300),)), 10).to_json()
    assert two["served"] is True and "back to 2 in service at minute 6" in two["components"][0]["reason"]
    early = drills.instance_failure(Build(groups=(GroupView("web", (AZ_A, AZ_B), 2, 2, 6, 300),)), 3).to_json()
    assert "still booting at minute 3" in early["components"][0]["reason"]
    lone = drills.instance_failure(Build(groups=(GroupView("web", (AZ_A,), 1, 1, 1, 60),),
                                         databases=(DatabaseView("db", AZ_A, False),)), 10).to_json()
    assert [c["survived"] for c in lone["components"]] == [False, True]  # the database is untouched


def test_a_spike_is_judged_from_the_clock_minutes():
    build = Build(groups=(GroupView("web", (AZ_A, AZ_B), 2, 2, 6),))
    flat = [{"desired": {"web": 2}, "in_service": {"web": 2}}] * 15
    grown = flat[:-1] + [{"desired": {"web": 6}, "in_service": {"web": 6}}]
    assert drills.traffic_spike(build, 15, flat).served is False  # 400 % of one instance on 2
    assert drills.traffic_spike(build, 15, grown).served is True  # 67 % each on 6


def test_an_empty_build_does_not_count_as_served():
    assert drills.az_outage(Build(), AZ_A).to_json() == {"drill": "az-outage", "minutes": 10, "az": AZ_A,
                                                         "components": [], "served": False}


# ---- on the sandbox ------------------------------------------------------------------------

def test_day1_over_two_azs_survives_an_az_outage_and_the_sandbox_is_restored(day1, endpoint):
    before = group_config(endpoint)
    report = drill_world.run(day1, "az-outage", AZ_A, 10)
    group = by_name(report, "auto-scaling-group")[0]
    assert group["survived"] is True and "lost 1 of 2 instances in us-east-1a" in group["reason"]
    assert report["served"] is True and report["minutes"] == 10
    during = report["sandbox"]["during"][0]
    assert during["zones"] == [AZ_B] and {i["az"] for i in during["instances"]} == {AZ_B}  # replaced in 1b
    assert report["sandbox"]["restored"] == [GROUP]
    assert group_config(endpoint) == before
    assert drill_world.pending(endpoint) is None


def test_day1_in_one_az_does_not_survive_and_gets_its_capacity_back(day1_one_az, endpoint):
    before = group_config(endpoint)
    report = drill_world.run(day1_one_az, "az-outage", AZ_A)
    group = by_name(report, "auto-scaling-group")[0]
    assert group["survived"] is False and "only AZ" in group["reason"]
    assert report["served"] is False
    assert report["sandbox"]["during"][0]["instances"] == []  # nothing could run during the outage
    assert group_config(endpoint) == before


def test_a_single_az_database_is_lost_and_a_multi_az_one_fails_over(endpoint):
    rds = client(endpoint, "rds")
    for name, multi in (("single-db", False), ("multi-db", True)):
        rds.create_db_instance(DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t4g.micro",
                               AllocatedStorage=20, MasterUsername="app", MasterUserPassword="secret-secret",
                               AvailabilityZone=AZ_A, MultiAZ=multi)
    report = drill_world.run(Backend("endpoint", endpoint), "az-outage", AZ_A)
    outcomes = {c["resource"]: c for c in by_name(report, "database")}
    assert outcomes["single-db"]["survived"] is False and "single-AZ" in outcomes["single-db"]["reason"]
    assert outcomes["multi-db"]["survived"] is True and "failed over" in outcomes["multi-db"]["reason"]
    assert report["served"] is False
    assert drill_world.run(Backend("endpoint", endpoint), "az-outage", AZ_B)["served"] is True


def test_ctrl_c_mid_drill_restores_and_restore_repairs_a_killed_one(day1, endpoint, monkeypatch, capsys):
    before = group_config(endpoint)
    real_observe = drill_world._observe

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(drill_world, "_observe", interrupted)
    with pytest.raises(KeyboardInterrupt):
        drill_world.run(day1, "az-outage", AZ_A)
    assert group_config(endpoint) == before and drill_world.pending(endpoint) is None

    # a drill killed outright (no finally): the marker stays and --restore puts the group back
    monkeypatch.setattr(drill_world, "_observe", real_observe)
    build, _ = drill_world.read_build(day1, lambda s: client(endpoint, s), "us-east-1")
    drill_world.stage_az_outage(lambda s: client(endpoint, s), endpoint, build, AZ_A)
    assert group_config(endpoint) != before and drill_world.pending(endpoint)["az"] == AZ_A
    code = cli.main(["sandbox", "drill", "--restore", "--endpoint-url", endpoint, "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["restored"] == [GROUP]
    assert group_config(endpoint) == before and drill_world.pending(endpoint) is None


def test_instance_failure_traffic_spike_and_region_outage_on_day1(day1, endpoint, lab_runner):
    asg = client(endpoint, "autoscaling")
    ids = {i["InstanceId"] for i in asg.describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])["AutoScalingGroups"][0]["Instances"]}
    failure = drill_world.run(day1, "instance-failure")
    assert failure["served"] is True and failure["sandbox"]["during"][0]["terminated"] in ids
    assert len(failure["sandbox"]["during"][0]["instances"]) == 2  # the group replaced it

    spike = drill_world.run(day1, "traffic-spike")  # the lab's target tracking policy at 50 %
    assert spike["minutes"] == 15 and spike["served"] is True
    assert spike["sandbox"]["clock"]["scaling"][GROUP]  # the sandbox clock scaled the group

    region = drill_world.run(day1, "region-outage")
    assert region["served"] is False and not any(c["survived"] for c in region["components"])
    availability = region["availability"]
    assert availability["two_regions"]["availability_percent"] > availability["single_region"]["availability_percent"]


def test_the_console_script_reports_json_and_refuses_real_aws(day1, endpoint, capsys):
    result = run_tutor("sandbox", "drill", "az-outage", "--az", AZ_A, "--endpoint-url", endpoint, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {"drill", "minutes", "components", "served"} <= set(report)
    assert report["drill"] == "az-outage" and report["minutes"] == 10 and report["served"] is True
    assert all({"name", "survived", "reason"} <= set(c) for c in report["components"])

    assert cli.main(["sandbox", "drill", "az-outage", "--real"]) == 2
    err = capsys.readouterr().err
    assert "--real is refused" in err and len(err.strip().splitlines()) == 1


def test_the_drill_and_its_model_never_import_textual():
    import subprocess
    import sys

    code = ("import sys, tutor.sim.drills, tutor.sim.drill_world, tutor.commands.drill; "
            "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.strip() == "False", result.stderr


# ---- the drill screen ----------------------------------------------------------------------
async def test_the_drill_screen_runs_a_drill_in_a_worker_and_shows_the_components():
    from textual.app import App
    from textual.reactive import reactive
    from textual.widgets import DataTable, Select, Static

    from tutor.tui.drill import DrillScreen

    build = Build(groups=(GroupView(GROUP, (AZ_A,), 2, 2, 6, 300),), databases=(DatabaseView("db", AZ_B, True, AZ_A),))
    calls = []

    def runner(drill, az, minutes, lang):
        calls.append((drill, az, minutes))
        return drills.az_outage(build, az or AZ_A, minutes or 10).to_json(lang)

    class Host(App):
        lang = reactive("en")  # as the tutor's app: the screen redraws when it changes

        def on_mount(self) -> None:
            self.push_screen(DrillScreen(runner))

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#drill-kind", Select).value == "az-outage"
        await pilot.click("#drill-az")
        await pilot.press(*"us-east-1a", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert calls == [("az-outage", AZ_A, None)]
        table = screen.query_one("#drill-table", DataTable)
        assert table.row_count == 2
        results = [str(table.get_row_at(i)[1]) for i in range(2)]
        assert results == ["LOST", "kept"]
        assert "did NOT keep serving" in str(screen.query_one("#drill-verdict", Static).render())
        app.lang = "ko"  # the reasons are kept in both languages: a redraw, not a rerun
        await pilot.pause()
        assert str(table.get_row_at(0)[1]) == "중단" and "유일한 가용 영역" in str(table.get_row_at(0)[2])
        assert len(calls) == 1
        await pilot.press("escape")
        assert not isinstance(app.screen, DrillScreen)
