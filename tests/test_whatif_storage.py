"""The storage cost planner (tutor.capstone.storage_cost) against hand-worked examples, the
`tutor whatif storage-cost` contract, and its screen driven with Pilot.

Prices used by hand below (us-east-1, data/prices.yaml): S3 Standard $0.023/GB-month (first
50 TB), Standard-IA $0.0125/GB-month, One Zone-IA $0.01, a lifecycle transition into
Standard-IA $0.01 per 1,000 objects. 1 TB = 1024 GB; a month is 30 days.
"""

from __future__ import annotations

import json

import pytest
from conftest import run_tutor

from tutor.capstone import storage_cost as sc
from tutor.cli import main

NO_READS = sc.AccessProfile("none", "no reads", "읽기 없음", ((0, 0.0),))
TO_IA_AT_30 = sc.Strategy("to-ia", "Standard -> IA at 30 d", "", ((0, "standard"), (30, "standard-ia")))


def by_id(report: dict, sid: str) -> dict:
    return next(s for s in report["strategies"] if s["id"] == sid)


def test_all_standard_one_tb_a_month_for_a_year():
    # month k (1..12) holds k TB = 1024k GB at $0.023: 23.552 k; the year: 23.552 * 78 = 1837.056
    lib = sc.Library(tb_per_month=1, months=12, profile=NO_READS)
    got = sc.cost_of(sc.STRATEGIES[0], lib)
    assert got["monthly_usd"][0] == 23.55 and got["monthly_usd"][11] == 282.62  # 23.552 * 12 = 282.624
    assert got["total_usd"] == 1837.06


def test_standard_volume_tiers_apply_above_50_tb():
    # 60 TB in one month: 51,200 GB at 0.023 + 10,240 GB at 0.022 = 1177.6 + 225.28 = 1402.88
    assert sc.standard_tiered_usd(60 * 1024) == pytest.approx(1402.88)


def test_lifecycle_to_ia_by_hand():
    # 100 MB objects: 1 TB is 1024 * 1048576 KB / 102400 KB = 10,485.76 objects, so each cohort's
    # transition costs 10.48576 * $0.01 = 0.1048576.
    # month 0: cohort 0 in Standard                     23.552
    # month 1: cohort 0 in IA 12.8 + its transition + cohort 1 in Standard = 36.4568576
    # month 2: cohorts 0 and 1 in IA 25.6 + cohort 1's transition + cohort 2 = 49.2568576
    lib = sc.Library(tb_per_month=1, months=3, object_mb=100, profile=NO_READS)
    got = sc.cost_of(TO_IA_AT_30, lib)
    assert got["monthly_usd"] == [23.55, 36.46, 49.26]
    assert got["total_usd"] == 109.27  # 109.2657152
    assert got["breakdown_usd"]["transitions"] == 0.21


def test_minimum_duration_is_charged_when_deleted_early():
    # expired at 45 days: 15 days in IA (6.4) and the other 15 days of IA's 30-day minimum (6.4)
    # month 1: 6.4 + 6.4 + transition 0.1048576 + cohort 1 in Standard 23.552 = 36.4568576
    lib = sc.Library(tb_per_month=1, months=2, object_mb=100, profile=NO_READS, retention_days=45)
    got = sc.cost_of(TO_IA_AT_30, lib)
    assert got["breakdown_usd"]["minimum_duration"] == 6.4
    assert got["monthly_usd"] == [23.55, 36.46]
    kept = sc.cost_of(TO_IA_AT_30, sc.Library(tb_per_month=1, months=2, object_mb=100, profile=NO_READS,
                                              retention_days=60))
    assert kept["breakdown_usd"]["minimum_duration"] == 0  # 30 days in IA: the minimum is met


def test_lifecycle_beats_standard_over_three_years_when_titles_go_cold():
    report = sc.plan(2, 3, profile="cold-after-30")
    standard, lifecycle = by_id(report, "standard"), by_id(report, "lifecycle-ia-gir")
    assert lifecycle["total_usd"] < standard["total_usd"] / 2
    assert lifecycle["breakdown_usd"]["retrieval"] > 0 and lifecycle["breakdown_usd"]["transitions"] > 0
    assert report["cheapest"] != "standard"
    assert all(len(s["monthly_usd"]) == 36 for s in report["strategies"])


def test_small_objects_are_billed_as_128_kb_and_not_transitioned():
    # 64 KB objects: One Zone-IA bills 128 KB each, twice the bytes: 1024 GB * 2 * $0.01 = 20.48
    lib = sc.Library(tb_per_month=1, months=1, object_mb=0.0625, profile=NO_READS)
    onezone = next(s for s in sc.STRATEGIES if s.id == "onezone-ia")
    assert sc.cost_of(onezone, lib)["total_usd"] == 20.48
    report = sc.plan(1, 1, object_mb=0.0625)
    standard = by_id(report, "standard")["total_usd"]
    # lifecycles leave them in Standard; Intelligent-Tiering keeps them Frequent without a fee
    for sid in ("lifecycle-ia-gir", "lifecycle-glacier-flexible", "intelligent-tiering"):
        assert by_id(report, sid)["total_usd"] == standard


def test_intelligent_tiering_pays_monitoring_not_retrieval():
    got = by_id(sc.plan(1, 1, object_mb=100), "intelligent-tiering")
    # 10,485.76 objects a cohort, 78 cohort-months in a year, $0.0025 per 1,000: 2.04472
    assert got["breakdown_usd"]["monitoring"] == 2.04
    assert got["breakdown_usd"]["retrieval"] == 0


def test_bar_strip_shares_one_scale():
    assert sc.bar_strip([0, 1, 2, 4], top=4, width=10) == " ▂▄█"
    assert sc.bar_strip([1] * 120, top=1, width=40) == "█" * 40
    assert sc.bar_strip([0.01], top=100, width=5) == "▁"  # a cost, however small, shows


def test_usage_errors_exit_2(capsys):
    for argv in (["--years", "0"], ["--years", "11"], ["--tb-per-month", "0"], ["--tb-per-month", "x"],
                 ["--object-mb", "-1"]):
        with pytest.raises(SystemExit) as exc:
            main(["whatif", "storage-cost", *argv])
        assert exc.value.code == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "error" in err


def test_cli_json_contract():
    proc = run_tutor("whatif", "storage-cost", "--tb-per-month", "1", "--years", "1", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    names = [s["name"] for s in data["strategies"]]
    assert "All S3 Standard" in names and len(names) == len(sc.STRATEGIES)
    for s in data["strategies"]:
        assert {"name", "monthly_usd", "total_usd"} <= set(s)
        assert len(s["monthly_usd"]) == 12
    assert by_id(data, "standard")["total_usd"] == 1837.06  # the first worked example, default profile


async def test_storage_screen_plots_every_strategy(tmp_path):
    from textual.widgets import Input

    from tutor.store import Store
    from tutor.tui.app import TutorApp
    from tutor.tui.whatif_storage import StorageWhatIfScreen

    app = TutorApp(Store(tmp_path / "progress.db"), endpoint_url=None, start_sandbox=False, lang="ko", check_content=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, StorageWhatIfScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.report["inputs"]["months"] == 36
        chart = str(screen.query_one("#ws-chart").render())
        assert chart.count("합계 $") == len(sc.STRATEGIES) and "전부 S3 Standard" in chart

        years = screen.query_one("#ws-years", Input)
        years.value = "1"
        years.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.report["inputs"]["months"] == 12

        years.value = "0"
        await pilot.press("enter")
        await pilot.pause()
        assert "1~10" in str(screen.query_one("#ws-head").render())
