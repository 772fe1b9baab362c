"""The Auto Scaling what-if simulator (issue 13) against hand-worked cases, its CLI contract and
its screen.

The worked figures: the group starts with 2 warmed-up instances of 1,000 requests/min each;
steady demand is 1,000 requests/min (50 % CPU); the spike is 10,000 requests/min in minutes
30-44; the default warm-up and cooldown are 300 s (5 minutes)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_tutor
from tutor import cli
from tutor.errors import UsageError
from tutor.sim import engine, scaling
from tutor.sim import whatif_scaling as model

SPIKE = range(30, 45)


def capacity_at(result: model.ScenarioResult, minute: int) -> int:
    return result.series[minute]["capacity"]


def test_steady_demand_without_a_policy_drops_nothing():
    result = model.simulate("steady", "none")
    assert {(r["demand"], r["capacity"], r["cpu"], r["dropped"]) for r in result.series} == {(1000, 2, 50.0, 0)}
    assert result.summary["dropped_total"] == 0 and result.summary["peak_capacity"] == 2
    assert result.summary["cost_instance_hours"] == 4.0  # 2 instances × 120 minutes / 60


def test_a_spike_without_a_policy_drops_what_two_instances_cannot_serve():
    result = model.simulate("spike", "none")
    assert [r["minute"] for r in result.series if r["dropped"]] == list(SPIKE)
    assert {result.series[m]["dropped"] for m in SPIKE} == {10_000 - 2 * 1000}
    assert result.summary["dropped_total"] == 15 * 8000 == 120_000


def test_target_tracking_scales_out_after_three_minutes_and_drops_fewer():
    result = model.simulate("spike", "target:50")
    # CPU 100 % in minutes 30, 31, 32: at minute 33 ceil(2 × 100 / 50) = 4, warm by 38; then 8 (43), 16 (48)
    assert [(c["minute"], c["desired"]) for c in result.changes][:3] == [(33, 4), (38, 8), (43, 16)]
    assert [capacity_at(result, m) for m in (37, 38, 43)] == [2, 4, 8]
    # dropped: 8 minutes × 8,000 + 5 × 6,000 + 2 × 2,000
    assert result.summary["dropped_total"] == 98_000 < model.simulate("spike", "none").summary["dropped_total"]
    assert result.summary["peak_capacity"] == 16


def test_cost_counts_every_running_instance_warming_ones_included():
    result = model.simulate("spike", "target:50")
    # running: 2 × 33 min (0-32), 4 × 5 (33-37), 8 × 5 (38-42), 16 × 17 (43-59), 2 × 60 (60-119) = 518
    assert result.summary["cost_instance_hours"] == round(518 / 60, 2) == 8.63


def test_warm_up_delays_the_capacity_that_counts():
    first_at = {}
    for warmup in (0, 300, 600):
        result = model.simulate("spike", "target:50", warmup_s=warmup)
        first_at[warmup] = next(r["minute"] for r in result.series if r["capacity"] > 2)
    assert first_at == {0: 33, 300: 38, 600: 43}


def test_simple_scaling_waits_for_its_cooldown():
    result = model.simulate("spike", "simple")
    assert [(c["minute"], c["desired"]) for c in result.changes][:3] == [(33, 3), (38, 4), (43, 5)]
    faster = model.simulate("spike", "simple", cooldown_s=60)
    assert [(c["minute"], c["desired"]) for c in faster.changes][:3] == [(33, 3), (34, 4), (35, 5)]


@pytest.mark.parametrize("pattern", model.PATTERNS)
def test_capacity_stays_between_min_and_max_under_every_policy(pattern):
    for policy in ("none", "simple", "step", "target:30", "scheduled", "predictive"):
        result = model.simulate(pattern, policy, warmup_s=60)
        assert all(model.MIN_SIZE <= r["capacity"] <= model.MAX_SIZE for r in result.series), policy
        assert all(model.MIN_SIZE <= c["desired"] <= model.MAX_SIZE for c in result.changes), policy
        assert all(0 <= r["cpu"] <= 100 and r["dropped"] >= 0 for r in result.series), policy


def test_the_premiere_schedule_is_ready_before_21_00_and_an_unannounced_spike_has_none():
    result = model.simulate("premiere", "scheduled")  # from 12:00: 21:00 is minute 540
    assert capacity_at(result, 540) == 18 and result.summary["dropped_total"] == 0
    assert model.simulate("spike", "scheduled").summary == model.simulate("spike", "none").summary


def test_predictive_launches_ahead_of_yesterdays_evening_but_cannot_foresee_a_one_off_spike():
    def first_above(result, n):
        return next(r["minute"] for r in result.series if r["capacity"] > n)

    predictive, reactive = model.simulate("wave", "predictive"), model.simulate("wave", "target:50")
    assert first_above(predictive, 2) < first_above(reactive, 2)
    assert all(c["reason"].startswith("scheduled action forecast-") for c in predictive.changes
               if "scheduled" in c["reason"])
    assert model.simulate("spike", "predictive").summary == model.simulate("spike", "target:50").summary


def test_scheduled_actions_in_the_engine_raise_and_lower_through_min_and_max():
    group = scaling.GroupConfig("web", 2, 6, default_instance_warmup_s=0)
    world = engine.World({"web": group}, {"web": scaling.GroupState(2)}, scheduled=[
        scaling.ScheduledAction("web", 2, "evening", min_size=5),
        scaling.ScheduledAction("web", 4, "night", min_size=1, max_size=3)])
    result = engine.run(world, 6, engine.constant(50))
    assert [(c.minute, c.desired) for c in result.scaling["web"]] == [(2, 5), (4, 3)]
    assert (world.groups["web"].min_size, world.groups["web"].max_size) == (1, 3)
    assert "min 5" in result.scaling["web"][0].reason


@pytest.mark.parametrize("text", ["target:abc", "target:0", "target:101", "target", "bogus", "none:3"])
def test_bad_policies_are_usage_errors(text):
    with pytest.raises(UsageError):
        model.parse_policy(text)


def test_the_cli_rejects_a_bad_policy_in_one_line_with_exit_2(capsys):
    assert cli.main(["whatif", "scaling", "--policy", "target:abc", "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "target:abc" in err
    assert cli.main(["whatif", "scaling", "--compare", "target:0"]) == 2
    assert cli.main(["whatif", "scaling", "--warmup", "-5"]) == 2


def test_the_console_script_reports_both_policies_as_json():
    done = run_tutor("whatif", "scaling", "--pattern", "spike", "--policy", "none", "--compare", "target:50", "--json",
                     timeout=60)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    for run in (data, data["compare"]):
        assert {"series", "summary"} <= set(run)
        assert set(run["series"][0]) == {"minute", "demand", "capacity", "cpu", "dropped"}
        assert {"peak_capacity", "dropped_total", "cost_instance_hours"} <= set(run["summary"])
    assert (data["policy"], data["compare"]["policy"]) == ("none", "target:50")
    assert data["summary"]["dropped_total"] == 120_000 > data["compare"]["summary"]["dropped_total"]


async def test_the_screen_compares_two_policies_at_80_by_24(tmp_path):
    from textual.widgets import Input, Sparkline, Static

    from tutor.store import Store
    from tutor.tui.app import TutorApp
    from tutor.tui.home import HomeScreen
    from tutor.tui.timeline import TimelineScreen
    from tutor.tui.whatif_scaling import WhatIfScalingScreen

    app = TutorApp(Store(tmp_path / "progress.db"), endpoint_url="http://127.0.0.1:9", start_sandbox=False,
                   check_content=False, lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, WhatIfScalingScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()

        def summary(x: str) -> str:
            return str(screen.query_one(f"#sc-{x}-summary", Static).render())

        assert "드롭 98,000건" in summary("a") and "드롭 120,000건" in summary("b")  # spike: target:50 against none
        assert list(screen.query_one("#sc-b-capacity", Sparkline).data) == [2] * 120
        assert screen.query_one("#sc-b").region.bottom <= 23  # the summaries fit above the footer

        await pilot.press("l")  # English
        await pilot.pause()
        assert "Dropped 98,000" in summary("a")

        warmup = screen.query_one("#sc-warmup", Input)
        warmup.value = "0"
        warmup.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.results[0].series[33]["capacity"] == 4  # no warm-up: counted at once
        assert "Peak capacity" in summary("a")

        screen.query_one("#sc-policy-a").focus()
        await pilot.press("t")  # policy A's minutes on the timeline screen
        assert isinstance(app.screen, TimelineScreen)
        await pilot.pause()
        assert app.screen.sub_title == "What-if timeline: policy A (target:50)"
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


def test_the_human_report_draws_both_policies_on_one_scale(capsys):
    assert cli.main(["whatif", "scaling", "--pattern", "spike", "--policy", "none", "--compare", "target:50",
                     "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("policy none: peak capacity 2, dropped 120,000")
    capacity_none = next(line for line in lines if line.strip().startswith("capacity"))
    assert "█" not in capacity_none  # 2 instances are low on the scale that 16 tops
