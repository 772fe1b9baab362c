"""The cost meter: what the labs' resources cost (core), the status line, the quit warning and the
AWS-error dialog (Pilot)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from textual.widgets import Static

from tutor.content.loader import load_catalog
from tutor.errors import EnvironmentFailure
from tutor.labs import cost_meter
from tutor.labs.backend import Backend
from tutor.store import Store
from tutor.tui.app import TutorApp
from tutor.tui.cost_meter import CostMeter, QuitWarning
from tutor.tui.error_dialog import ErrorDialog
from tutor.tui.home import HomeScreen

SIZE = (80, 24)
ACCOUNT = "123456789012"


def client_for(endpoint):
    backend = Backend("endpoint", endpoint)
    return lambda service: backend.client(service, "us-east-1")


def record_asg(store: Store, created_hours_ago: float = 0.0) -> None:
    store.record_created(kind="autoscaling:auto-scaling-group", resource_id="streamcloud-web-asg",
                         name="streamcloud-web-asg", region="us-east-1", lab="ec2-asg", run="run-1",
                         backend="real", account=ACCOUNT)
    store.record_created(kind="ec2:vpc", resource_id="vpc-1234", name="", region="us-east-1", lab="ec2-asg",
                         run="run-1", backend="real", account=ACCOUNT)
    if created_hours_ago:
        when = (datetime.now(timezone.utc) - timedelta(hours=created_hours_ago)).isoformat()
        store.db.execute("update created_resources set created_at = ?", [when])
        store.db.conn.commit()


# core ---------------------------------------------------------------------------------------
def test_an_empty_account_costs_nothing(endpoint):
    reading = cost_meter.sandbox_meter(client_for(endpoint), where="test")
    assert reading["items"] == [] and reading["hourly_usd"] == 0 and reading["so_far_usd"] == 0


def test_a_solved_day_1_lab_costs_its_web_tier_by_the_hour(lab_runner, endpoint):
    lab_runner("ec2-asg").solve()
    later = datetime.now(timezone.utc) + timedelta(hours=2)
    reading = cost_meter.sandbox_meter(client_for(endpoint), where="test", now=later)
    assert [i["kind"] for i in reading["items"]] == ["web-tier"]
    web = reading["items"][0]
    assert web["name"].startswith("EC2 2 x ") and web["since_source"] == "api"  # the ASG's CreatedTime
    assert reading["hourly_usd"] > 0 and not any(i["name"].startswith("media") for i in reading["items"])
    assert abs(reading["so_far_usd"] - 2 * reading["hourly_usd"]) < 0.01


def test_without_a_creation_time_so_far_counts_from_first_seen(monkeypatch, endpoint, isolated_home):
    from tutor.capstone import cost

    monkeypatch.setattr(cost, "inventory", lambda client, lifecycle: cost.Inventory(alb=True))
    first = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    cost_meter.sandbox_meter(client_for(endpoint), where="test", now=first)
    reading = cost_meter.sandbox_meter(client_for(endpoint), where="test", now=first + timedelta(hours=10))
    alb = reading["items"][0]
    assert alb["since_source"] == "first_seen" and alb["since"] == first.isoformat()
    assert abs(alb["so_far_usd"] - 10 * alb["hourly_usd"]) < 1e-3
    assert json.loads((isolated_home / cost_meter.SEEN_FILE).read_text())["test"]["alb"] == first.isoformat()


def test_real_records_are_priced_by_the_labs_plan(tmp_path):
    store = Store(tmp_path / "p.db")
    record_asg(store, created_hours_ago=3)
    reading = cost_meter.real_meter(store.created_resources(), load_catalog().labs)
    by_kind = {i["kind"]: i for i in reading["items"]}
    assert by_kind["ec2:vpc"]["hourly_usd"] is None  # listed (it still exists), not priced
    asg = by_kind["autoscaling:auto-scaling-group"]
    assert asg["hourly_usd"] > 0 and abs(asg["so_far_usd"] - 3 * asg["hourly_usd"]) < 1e-3
    assert reading["hourly_usd"] == asg["hourly_usd"]
    store.mark_deleted(["streamcloud-web-asg", "vpc-1234"], account=ACCOUNT, region="us-east-1", endpoint="")
    assert cost_meter.real_meter(store.created_resources(), load_catalog().labs)["items"] == []
    store.close()


# TUI ----------------------------------------------------------------------------------------
def make_app(tmp_path, endpoint="http://127.0.0.1:9", lang="en"):
    return TutorApp(Store(tmp_path / "progress.db"), endpoint_url=endpoint, start_sandbox=False, lang=lang,
                    check_content=False)


async def settle(app, pilot, group):
    await pilot.pause()
    await app.workers.wait_for_complete([w for w in app.workers if w.group == group])
    await pilot.pause()


async def test_the_meter_appears_after_the_first_frame_and_quit_warns_about_real_resources(tmp_path):
    app = make_app(tmp_path)
    record_asg(app.store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot, "cost-meter")
        home = app.screen
        assert isinstance(home, HomeScreen)
        meter = home.query_one(CostMeter)
        shown = str(meter.render())
        assert "real AWS" in shown and "/h" in shown and "so far" in shown
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuitWarning)
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert "streamcloud-web-asg" in text and "tutor cleanup --all --real" in text and "/h" in text
        await pilot.press("escape")  # cancel: the tutor stays open
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.is_running
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")  # quit anyway
        await pilot.pause()
    assert app.return_code == 0


async def test_quit_without_real_resources_just_quits(tmp_path):
    app = make_app(tmp_path, lang="ko")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot, "cost-meter")
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, QuitWarning)


async def test_an_aws_error_in_a_worker_opens_the_error_dialog(tmp_path):
    from textual import work

    app = make_app(tmp_path)
    guidance = "access denied: this profile may not call ec2:CreateVpc (UnauthorizedOperation)"

    @work(thread=True, exit_on_error=False, group="lab", name="lab-run")
    def failing(node) -> None:
        from botocore.exceptions import ClientError

        denied = ClientError({"Error": {"Code": "UnauthorizedOperation", "Message": "not authorized"}}, "CreateVpc")
        raise EnvironmentFailure(guidance) from denied  # as the lab runner raises translate()'s guidance

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        failing(app)  # the app's own worker (screens hand theirs to app.report_worker)
        await settle(app, pilot, "lab")
        assert isinstance(app.screen, ErrorDialog)
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert "ec2:CreateVpc" in text and "lab-run" in text and "UnauthorizedOperation" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
