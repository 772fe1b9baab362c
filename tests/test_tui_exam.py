"""The exam simulation in the TUI: answer, flag, jump, submit, review, the clock and resuming."""

from __future__ import annotations

from datetime import timedelta


from tutor.quiz import exam
from tutor.store import Store
from tutor.tui.choices import ChoiceList
from tutor.tui.app import TutorApp
from tutor.tui.exam import ConfirmScreen, ExamScreen, OverviewScreen
from tutor.tui.home import HomeScreen
from tutor.tui.progress import ProgressScreen
from tutor.tui.quiz import QuizScreen
from tutor.tui.results import ExamResultScreen

SIZE = (120, 40)


def make_app(tmp_path, **kw):
    return TutorApp(Store(tmp_path / "progress.db"), endpoint_url="http://127.0.0.1:9", start_sandbox=False,
                    lang="en", **kw, check_content=False)


def select_right(screen):
    q = screen.question
    for key in q.answer:
        screen.query_one(ChoiceList).select(key)


async def test_exam_flow_answer_flag_jump_submit_review(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "y")
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        state = screen.state
        assert len(state.question_ids) == 33 and state.minutes == 66
        assert "time left 1:0" in str(screen.query_one("#bar").render())
        select_right(screen)  # question 1 right
        await pilot.pause()
        assert state.answers[state.question_ids[0]]
        await pilot.press("right")
        await pilot.press("f")  # flag question 2, leave it unanswered
        assert state.question_ids[1] in state.flagged
        await pilot.press("o")  # overview, jump to question 5
        assert isinstance(app.screen, OverviewScreen)
        await pilot.click("#q4")
        await pilot.pause()
        assert app.screen is screen and state.current == 4
        select_right(screen)
        await pilot.press("left")
        assert state.current == 3
        saved = Store(tmp_path / "progress.db").active_exam()
        assert saved.current == 3 and len(saved.answers) == 2 and saved.flagged == {state.question_ids[1]}
        await pilot.press("S")  # unanswered ones: a warning first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.screen is screen
        await pilot.press("S")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen)
        result = app.screen.result
        assert result["correct"] == 2 and result["total"] == 33 and result["passed"] is False
        source = app.screen.query_one("#report").source
        assert "estimate" in source and "720" in source
        first = app.catalog.questions[state.question_ids[0]]
        assert first.choices[0].explanation.en[:25] in source  # every explanation is shown
        assert "_Lesson: " in source  # each question links back to where it is taught
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert app.store.active_exam() is None
        assert [e["questions"] for e in app.store.exams()] == [33]
        assert state.question_ids[1] in app.store.mistakes()  # flagged and unanswered
        await pilot.press("p")
        assert isinstance(app.screen, ProgressScreen)
        assert "Readiness" in app.screen.query_one("#readiness").source


async def test_exam_resumes_after_the_app_is_killed(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "y")
        select_right(app.screen)
        await pilot.press("right", "right")
        first_id = app.screen.state.question_ids[0]
        exam_id = app.screen.state.id
    # no submit: the process ends here
    again = make_app(tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the home figures fill in from their worker after the first frame
        await again.workers.wait_for_complete()
        await pilot.pause()
        assert "Exam in progress" in str(again.screen.query_one("#queues").render())
        await pilot.press("e")
        screen = again.screen
        assert isinstance(screen, ExamScreen)
        assert screen.state.id == exam_id and screen.state.current == 2 and screen.state.answers.get(first_id)


async def test_expired_exam_is_submitted_on_resume(tmp_path):
    store = Store(tmp_path / "progress.db")
    ids = [q.id for q in exam.draw_exam(list(make_app(tmp_path).catalog.questions.values()), 5, 1)]
    state = exam.ExamState(id="old", question_ids=ids, minutes=10,
                           started_at=exam.utcnow() - timedelta(minutes=11), answers={ids[0]: ["A"]})
    store.save_exam(state)
    store.close()
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen)
        assert app.screen.result["total"] == 5
        assert app.store.active_exam() is None


async def test_timer_expiry_submits(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "y")
        screen = app.screen
        screen.state.started_at = exam.utcnow() - timedelta(minutes=screen.state.minutes) + timedelta(seconds=0.2)
        for _ in range(40):  # the next tick of the one-second timer submits it
            await pilot.pause(0.1)
            if isinstance(app.screen, ExamResultScreen):
                break
        assert isinstance(app.screen, ExamResultScreen)


async def test_mistakes_and_due_queues_open(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        assert isinstance(app.screen, QuizScreen) and app.screen.questions == []
        assert "Nothing" in app.screen.query_one("#stem").source
        await pilot.press("escape")
        q = next(iter(app.catalog.questions.values()))
        wrong = next(c.key for c in q.choices if c.key not in q.answer)
        app.store.record_answer(question_id=q.id, chosen=[wrong], correct=False, seconds=5, mode="practice",
                                session_id=None, task=q.task, domain=q.domain)
        await pilot.press("m")
        assert [x.id for x in app.screen.questions] == [q.id]
        await pilot.press("escape")
        await pilot.press("d")
        assert isinstance(app.screen, QuizScreen)
        await pilot.press("escape")
        right = next(x for x in app.catalog.questions.values() if x.task == "3.1")
        for other in [x for x in app.catalog.questions.values() if x.task == "3.1"][:10]:
            app.store.record_answer(question_id=other.id, chosen=list(other.answer), correct=True, seconds=5,
                                    mode="practice", session_id=None, task="3.1", domain=3)
        await pilot.press("w")  # weakest first: the task just mastered comes last
        assert isinstance(app.screen, QuizScreen) and len(app.screen.questions) == 10
        assert all(x.task != right.task for x in app.screen.questions)


async def test_language_switch_during_exam(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "y")
        q = app.screen.question
        assert q.stem.en.strip()[:20] in app.screen.query_one("#stem").source
        await pilot.press("l")
        await pilot.pause()
        assert q.stem.ko.strip()[:10] in app.screen.query_one("#stem").source


async def test_practice_picker_by_task_and_service(tmp_path):
    from tutor.tui.picker import PracticePicker

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        assert isinstance(app.screen, PracticePicker)
        options = app.screen.query_one("OptionList")
        index = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == "task:3.3")
        options.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen) and {q.task for q in app.screen.questions} == {"3.3"}
        await pilot.press("escape")
        await pilot.press("t")
        options = app.screen.query_one("OptionList")
        index = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == "service:dynamodb")
        options.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert all(any("dynamodb" in s.lower() for s in q.services) for q in app.screen.questions)


async def test_a_header_removed_with_its_screen_does_not_stop_the_app(tmp_path):
    """Textual's Header queues a title update when it mounts; a screen switched away at once
    used to make that update raise NoMatches and end the app (an exam expiring as it resumes)."""
    from textual.widgets import Header
    from textual.widgets._header import HeaderTitle

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        header = app.screen.query_one(Header)
        await header.query_one(HeaderTitle).remove()
        app.title = "changed"  # the watcher runs against a header with no title widget
        await pilot.pause()
        assert app.is_running
