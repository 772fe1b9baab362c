"""Question reports (issue 10): `!` on the quiz, review and result screens, the content version
that makes a report stale once the question changes, and `tutor content reports --json`."""

from __future__ import annotations

import json

from textual.widgets import Input, Markdown, Select, Static

from tutor.cli import main
from tutor.content.loader import load_catalog
from tutor.content.reports import content_version, open_reports, report_rows
from tutor.quiz.engine import Attempt, report
from tutor.store import Store
from tutor.tui.app import TutorApp
from tutor.tui.quiz import QuizScreen
from tutor.tui.report import ReportScreen
from tutor.tui.results import ExamResultScreen

SIZE = (120, 40)


def first_questions(n: int):
    return sorted(load_catalog().questions.values(), key=lambda q: q.id)[:n]


def make_app(tmp_path):
    return TutorApp(Store(tmp_path / "progress.db"), endpoint_url="http://127.0.0.1:9", start_sandbox=False, lang="en", check_content=False)


def test_content_version_follows_the_text_not_the_metadata():
    q = first_questions(1)[0]
    version = content_version(q)
    assert len(version) == 12 and version == content_version(q.model_copy())
    assert content_version(q.model_copy(update={"tags": ["other"], "difficulty": "hard"})) == version
    changed = q.model_copy(update={"stem": q.stem.model_copy(update={"en": q.stem.en + " Now."})})
    assert content_version(changed) != version


def test_report_rows_mark_changed_and_missing_questions_stale():
    q = first_questions(1)[0]
    rows = [
        {"id": 1, "question_id": q.id, "content_version": content_version(q), "reason": "B is right too", "reported_at": "t1"},
        {"id": 2, "question_id": q.id, "content_version": "000000000000", "reason": "old text", "reported_at": "t0"},
        {"id": 3, "question_id": "zz-999", "content_version": "abc", "reason": "gone", "reported_at": "t2"},
    ]
    out = report_rows(rows, {q.id: q})
    assert [r["stale"] for r in out] == [False, True, True]
    assert out[2]["current_version"] is None
    assert open_reports(rows, {q.id: q}) == {q.id}
    assert open_reports(rows[1:], {q.id: q}) == set()


async def test_report_from_the_quiz_screen_is_saved_and_marks_the_question(tmp_path):
    app = make_app(tmp_path)
    questions = first_questions(2)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(QuizScreen(mode="review", questions=questions))
        await pilot.pause()
        quiz = app.screen
        assert "reported" not in str(quiz.query_one("#progress", Static).render())

        await pilot.press("exclamation_mark")  # escape cancels: nothing stored
        assert isinstance(app.screen, ReportScreen)
        await pilot.press("escape")
        assert app.screen is quiz and app.store.question_reports() == []

        await pilot.press("exclamation_mark")
        await pilot.press("enter")  # an empty reason is not saved; the modal stays
        assert isinstance(app.screen, ReportScreen)
        await pilot.press(*"B is right")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is quiz
        [row] = app.store.question_reports()
        assert (row["question_id"], row["reason"]) == (questions[0].id, "B is right")
        assert row["content_version"] == content_version(questions[0])
        assert "reported" in str(quiz.query_one("#progress", Static).render())


async def test_a_reported_question_is_marked_in_review_until_it_changes(tmp_path):
    q = first_questions(1)[0]
    store = Store(tmp_path / "progress.db")
    store.report_question(q.id, content_version(q), "unclear stem")
    store.close()
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(QuizScreen(mode="review", questions=[q]))
        await pilot.pause()
        assert "reported" in str(app.screen.query_one("#progress", Static).render())
        # the author changes the question: the old report no longer marks it
        changed = q.model_copy(update={"stem": q.stem.model_copy(update={"en": q.stem.en + " (fixed)"})})
        app.catalog.questions[q.id] = changed
        app.screen.questions = [changed]
        app.screen.render_question()
        assert "reported" not in str(app.screen.query_one("#progress", Static).render())


async def test_report_from_the_exam_result_asks_which_question(tmp_path):
    app = make_app(tmp_path)
    questions = first_questions(3)
    result = report([Attempt(q, list(q.answer), seconds=5.0) for q in questions], "exam")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ExamResultScreen(result))
        await pilot.pause()
        screen = app.screen
        await pilot.press("exclamation_mark")
        modal = app.screen
        assert isinstance(modal, ReportScreen)
        modal.query_one(Select).value = questions[1].id
        modal.query_one(Input).value = "the reference does not say this"
        modal.query_one(Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert [r["question_id"] for r in app.store.question_reports()] == [questions[1].id]
        assert "reported" in screen.query_one("#report", Markdown).source


def test_content_reports_json_lists_reports_with_stale(tmp_path, capsys):
    q, other = first_questions(2)
    db = tmp_path / "progress.db"
    store = Store(db)
    store.report_question(q.id, content_version(q), "C is also right")
    store.report_question(other.id, "0123456789ab", "typo in the stem")
    store.close()
    assert main(["content", "reports", "--json", "--db", str(db)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["question_id"], r["stale"], r["reason"]) for r in rows] == [
        (q.id, False, "C is also right"), (other.id, True, "typo in the stem")]
    assert rows[0]["content_version"] == content_version(q) and rows[0]["reported_at"]
    assert main(["content", "reports", "--db", str(tmp_path / "empty.db"), "--lang", "en"]) == 0
    assert "no reports" in capsys.readouterr().out
