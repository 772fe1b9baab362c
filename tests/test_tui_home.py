"""Home as a student uses it: the figures fill in after the day table, n starts the next thing,
D sets the exam date and home counts down to it."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from test_tui import make_app, wait_workers
from textual.widgets import DataTable, Input

from tutor import settings
from tutor.tui.exam_date import ExamDateScreen
from tutor.tui.home import HomeScreen
from tutor.tui.lesson import LessonScreen
from tutor.tui.quiz import QuizScreen

SIZE = (120, 40)


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_bars_chart_and_week_map_fill_in_after_the_day_table(tmp_path):
    app = make_app(tmp_path, lang="en", check_content=False)
    calls = []
    original = HomeScreen.refresh_view
    HomeScreen.refresh_view = lambda self: (calls.append(1), original(self))[1]
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app.screen, HomeScreen)
            assert app.screen.query_one(DataTable).row_count == 6
            await wait_workers(app, pilot)
            home = app.screen
            bars = shown(home, "#readiness-bars")
            assert "2.1" in bars and "3.5" in bars and "│" in bars and "72" in bars
            assert "lesson" in shown(home, "#week") and "○" in shown(home, "#week")
            assert "No mock exam yet" in shown(home, "#score-chart")
            assert "Due today 0" in shown(home, "#today") and "streak 0" in shown(home, "#today")
            assert "Exam date not set" in shown(home, "#today")
            assert len(calls) == 1  # the view is computed once at start, not twice
    finally:
        HomeScreen.refresh_view = original


async def test_next_action_key_starts_the_recommended_thing(tmp_path):
    app = make_app(tmp_path, lang="en", check_content=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_workers(app, pilot)
        assert "Day 1 lesson" in shown(app.screen, "#next-action")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.day == "1"


async def test_next_action_is_the_due_reviews_when_cards_are_due(tmp_path):
    app = make_app(tmp_path, lang="en", check_content=False)
    question = next(iter(app.catalog.questions.values()))
    app.store.record_answer(question_id=question.id, chosen=["A"], correct=False, seconds=5, mode="practice",
                            session_id=None, task=question.task, domain=question.domain,
                            when=datetime.now(timezone.utc) - timedelta(days=3))
    async with app.run_test(size=SIZE) as pilot:
        await wait_workers(app, pilot)
        assert "review 1 due card" in shown(app.screen, "#next-action")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen) and [q.id for q in app.screen.questions] == [question.id]


async def test_exam_date_dialog_saves_the_date_and_home_counts_down(tmp_path):
    exam = date.today() + timedelta(days=12)
    app = make_app(tmp_path, lang="en", check_content=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_workers(app, pilot)
        await pilot.press("D")
        assert isinstance(app.screen, ExamDateScreen)
        app.screen.query_one(Input).value = "1999-01-01"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamDateScreen) and "past" in shown(app.screen, "#exam-date-error")
        app.screen.query_one(Input).value = exam.isoformat()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert settings.load().exam_date == exam
        await wait_workers(app, pilot)
        today = shown(app.screen, "#today")
        assert "Exam in 12 day(s)" in today and "Plan" in today


async def test_a_set_exam_date_never_opens_a_dialog_at_start(tmp_path):
    settings.save({"exam_date": date.today() + timedelta(days=3)})
    app = make_app(tmp_path, lang="ko", check_content=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_workers(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "시험까지 3일" in shown(app.screen, "#today")
        assert app.screen.query_one(DataTable).region.y < 10  # the day table is in the first screenful


def test_tutor_opens_the_app_with_the_collector_paused_and_turns_it_back_on(monkeypatch):
    """Start-up makes long-lived objects and little garbage: `tutor` pauses the collector until
    the first frame (its passes cost 50-60 ms of start-up) and never leaves it off."""
    import gc

    import tutor.tui.app
    from tutor import cli

    seen = []
    monkeypatch.setattr(tutor.tui.app, "run_app", lambda **kw: seen.append(gc.isenabled()) or 0)
    assert cli.main([]) == 0
    assert seen == [False] and gc.isenabled()


async def test_the_first_frame_turns_a_paused_collector_back_on(tmp_path):
    import gc

    app = make_app(tmp_path, lang="en")
    gc.disable()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            assert gc.isenabled()  # on_ready: start-up's objects frozen, the collector back on
    finally:
        gc.enable()
