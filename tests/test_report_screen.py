"""The capstone's grade report screen (Pilot) and the attempts kept in progress."""

from __future__ import annotations

from textual.app import App

from tutor.capstone import rubric
from tutor.capstone.attempts import attempts, human, record_grade
from tutor.store import Store
from tutor.tui.grade_report import GradeReportScreen, bar, report_text, show_grade

from test_capstone import FakeEvidence


def _report():
    report = rubric.grade(FakeEvidence(), {})
    report.update(lab="streamcloud", monthly_cost_usd=384.31)
    return report


def test_bar_is_drawn_against_the_maximum():
    assert bar(15, 30, 10) == "█████░░░░░"
    assert bar(0, 0, 4) == "░░░░"


def test_report_text_shows_areas_composite_cost_and_attempts():
    text = report_text(_report(), [{"at": "2026-12-07 10:00:00", "score": 41}], "en")
    for word in ("Scalability", "30/30", "Composite availability", "< 99.99 %", "$384.31", "Attempts", "41/100", "[5#capstone]"):
        assert word in text, word
    assert "확장성" in report_text(_report(), [], "ko")


def test_attempts_are_kept_in_progress_with_dates(tmp_path):
    store = Store(tmp_path / "p.db")
    report = _report()
    record_grade(store, report, "sandbox")
    record_grade(store, {**report, "score": 99}, "sandbox")
    record_grade(store, {**report, "steps": report["steps"][:1]}, "sandbox")  # one area: not an attempt
    got = attempts(store)
    assert [a["score"] for a in got] == [97, 99] and all(a["at"] for a in got)
    store.close()


def test_human_report_for_the_cli():
    text = human(_report(), "en")
    assert "[PASS] scalability 30/30" in text and "streamcloud: 97/100 PASSED" in text


async def test_screen_opens_with_the_report(tmp_path):
    class Host(App):
        lang = "en"

        def __init__(self):
            super().__init__()
            self.store = Store(tmp_path / "p.db")

    app = Host()
    async with app.run_test() as pilot:
        screen = show_grade(app, _report(), "sandbox")
        await pilot.pause()
        assert isinstance(app.screen, GradeReportScreen)
        text = str(screen.query_one("#grade-text").render())
        assert "97/100" in text and "Attempts" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, GradeReportScreen)
    app.store.close()
