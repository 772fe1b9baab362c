"""The load-test screen (Pilot, against the real local tier) and the dashboard's StreamCloud panel."""

from __future__ import annotations

from textual.widgets import Input, ProgressBar, Sparkline, Static

from tutor.labs.backend import Backend
from tutor.loadtest import publish
from tutor.store import Store
from tutor.tui.app import TutorApp
from tutor.tui.dashboard import DashboardScreen
from tutor.tui.home import HomeScreen
from tutor.tui.loadtest import LoadTestScreen, bar, histogram

SIZE = (80, 24)


def make_app(tmp_path, endpoint="http://127.0.0.1:9", lang="en"):
    return TutorApp(Store(tmp_path / "progress.db"), endpoint_url=endpoint, start_sandbox=False, lang=lang,
                    check_content=False)


async def settle(app, pilot, group):
    await pilot.pause()
    await app.workers.wait_for_complete([w for w in app.workers if w.group == group])
    await pilot.pause()


def texts(screen):
    return "\n".join(str(w.render()) for w in screen.query(Static))


def test_histogram_bins_run_from_the_fastest_request_to_p99_and_keep_the_tail():
    samples = [1.0] * 50 + [2.0] * 30 + [3.0] * 19 + [100.0]
    rows = histogram(samples, bins=4)
    assert rows[0][0] == 1.0 and rows[-1][1] == 3.0  # p99 is 3.0: the 100 ms outlier widens nothing
    assert sum(n for *_, n in rows) == 100 and rows[-1][2] == 20  # ...but it is counted, in the last bin
    assert bar(50, 50, width=4) == "████" and bar(1, 8, width=1) == "▏" and bar(0, 5) == ""


async def test_a_small_load_test_fills_the_bar_and_draws_the_histogram(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        screen = app.screen
        assert isinstance(screen, LoadTestScreen)
        for selector, value in (("#lt-requests", "50"), ("#lt-concurrency", "5"), ("#lt-workers", "1")):
            screen.query_one(selector, Input).value = value
        await pilot.press("enter")
        await settle(app, pilot, "loadtest")
        progress = screen.query_one("#lt-progress", ProgressBar)
        assert progress.total == 50 and progress.percentage == 1.0
        shown = texts(screen)
        assert "requests 50 · failed 0" in shown and "p99" in shown and "req/s" in shown
        assert "Latency histogram" in shown and "█" in shown
        assert screen.report["workers"] == 1 and screen.report["saved_to"].endswith("loadtest-last.json")
        await pilot.press("escape")  # nothing runs: back home
        assert isinstance(app.screen, HomeScreen)


async def test_bad_figures_are_said_on_the_screen_in_korean(tmp_path):
    app = make_app(tmp_path, lang="ko")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        screen = app.screen
        screen.query_one("#lt-concurrency", Input).value = "500"
        screen.query_one("#lt-requests", Input).value = "10"
        await pilot.press("enter")
        await pilot.pause()
        assert "테스트를 실행할 수 없습니다" in texts(screen) and "cannot exceed" in texts(screen)
        assert not screen.running


async def test_escape_stops_a_running_test(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        screen = app.screen
        screen.query_one("#lt-requests", Input).value = "200000"
        await pilot.press("enter")
        while screen.done == 0:
            await pilot.pause(0.05)
        await pilot.press("escape")
        await settle(app, pilot, "loadtest")
        assert isinstance(app.screen, LoadTestScreen) and not screen.running
        assert screen.report["requests"] < 200000 and "Stopped after" in texts(screen)


async def test_the_dashboard_shows_published_load_tests(tmp_path, endpoint):
    app = make_app(tmp_path, endpoint)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("g")
        await settle(app, pilot, "dashboard")
        assert isinstance(app.screen, DashboardScreen)
        assert "tutor loadtest --publish" in texts(app.screen)  # none yet: says how
        report = {"requests": 50, "failed": 0, "rps": 812.5,
                  "latency_ms": {"p50": 4.2, "p90": 7.5, "p99": 11.0, "max": 14.0}}
        publish.publish(Backend("endpoint", endpoint), report)  # what --publish does
        await pilot.press("r")
        await settle(app, pilot, "dashboard")
        panel = app.screen.query(".streamcloud-panel").last()  # the one drawn last (the old may still be leaving)
        shown = "\n".join(str(w.render()) for w in panel.query(Static))
        assert "RequestsPerSecond" in shown and "last 812.5" in shown and "LatencyP99" in shown
        assert len(panel.query(Sparkline)) == 7
