"""Exam simulation, mistakes review, spaced repetition and readiness (core and headless)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from tutor.cli import main
from tutor.content.loader import load_catalog
from tutor.quiz import exam, srs
from tutor.quiz.readiness import readiness
from tutor.store import Store

CATALOG = load_catalog()


@pytest.mark.parametrize("n", [1, 5, 10, 20, 33, 50, 65, 100])
def test_plan_follows_the_exam_proportions(n):
    counts = exam.plan(n)
    assert sum(counts.values()) == n
    d2 = counts["2.1"] + counts["2.2"]
    assert d2 == round(n * 26 / 50)
    for tasks in exam.DOMAIN_TASKS.values():
        values = [counts[t] for t in tasks]
        assert max(values) - min(values) <= 1
        assert values == sorted(values, reverse=True)  # earlier tasks take the remainder


@pytest.mark.parametrize("n, seed", [(33, 1), (20, 2), (65, 3), (10, 4)])
def test_drawn_exam_matches_the_plan(n, seed):
    questions = exam.draw_exam(list(CATALOG.questions.values()), n, seed)
    assert len({q.id for q in questions}) == n
    by_task = {}
    for q in questions:
        by_task[q.task] = by_task.get(q.task, 0) + 1
    assert by_task == {t: c for t, c in exam.plan(n).items() if c}
    again = exam.draw_exam(list(reversed(list(CATALOG.questions.values()))), n, seed)
    assert [q.id for q in again] == [q.id for q in questions]


def test_minutes_and_esl():
    assert exam.minutes_for(33) == 66
    assert exam.minutes_for(33, esl=True) == 81  # +15, as 30 of 130
    assert exam.minutes_for(65, esl=True) == 160
    assert exam.minutes_for(10, minutes=12) == 12


def test_exam_state_round_trip_and_expiry(tmp_path):
    store = Store(tmp_path / "p.db")
    start = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
    state = exam.ExamState(id="e1", question_ids=["a", "b", "c"], minutes=6, started_at=start, seed=9,
                           answers={"a": ["B"]}, flagged={"c"}, seconds={"a": 30.0}, current=2)
    store.save_exam(state)
    store.close()  # the app is killed here
    resumed = Store(tmp_path / "p.db").active_exam()
    assert resumed.answers == {"a": ["B"]} and resumed.flagged == {"c"} and resumed.current == 2
    assert resumed.remaining(start + timedelta(minutes=5)) == 60
    assert not resumed.expired(start + timedelta(minutes=5))
    assert resumed.expired(start + timedelta(minutes=6, seconds=1))
    assert resumed.unanswered() == ["b", "c"]


def answers(tmp_path, items):
    path = tmp_path / "answers.jsonl"
    path.write_text("\n".join(json.dumps({"id": i, "answer": a}) for i, a in items) + "\n")
    return str(path)


def test_headless_exam_pass_and_fail(tmp_path, capsys):
    questions = exam.draw_exam(list(CATALOG.questions.values()), 10, 5)
    right = answers(tmp_path, [(q.id, q.answer) for q in questions])
    assert main(["quiz", "--mode", "exam", "--count", "10", "--seed", "5", "--headless", "--answers", right, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] is True and report["scaled_score"] == 1000 and report["minutes"] == 20
    for key in ("questions", "score_percent", "scaled_score", "passed", "by_domain", "by_task", "minutes"):
        assert key in report
    assert set(report["questions"][0]) >= {"id", "task", "answer", "correct", "is_correct"}
    assert main(["quiz", "--mode", "exam", "--count", "10", "--seed", "5", "--esl", "--headless",
                 "--answers", "/dev/null", "--json"]) == 1
    failed = json.loads(capsys.readouterr().out)
    assert failed["passed"] is False and failed["scaled_score"] == 100 and failed["minutes"] == 25
    assert main(["progress", "--json"]) == 0
    progress = json.loads(capsys.readouterr().out)
    assert [e["scaled_score"] for e in progress["exams"]] == [1000, 100]  # newest last
    assert progress["mistakes"] == 10  # the unanswered exam questions
    assert set(progress["readiness"]) == {"2.1", "2.2", "3.1", "3.2", "3.3", "3.4", "3.5"}


def test_mistakes_queue_semantics(tmp_path):
    store = Store(tmp_path / "p.db")

    def answer(qid, ok):
        store.record_answer(question_id=qid, chosen=["A"], correct=ok, seconds=10, mode="practice",
                            session_id=None, task="3.2", domain=3)

    answer("q1", False)
    answer("q2", False)
    answer("q3", True)
    assert store.mistakes() == ["q1", "q2"]
    answer("q1", True)  # answered right since: leaves the queue
    assert store.mistakes() == ["q2"]
    answer("q1", False)  # wrong again: back in
    assert store.mistakes() == ["q2", "q1"]
    store.flag("q3")
    assert store.mistakes() == ["q2", "q1", "q3"]
    answer("q3", True)  # a right answer clears the flag
    assert store.mistakes() == ["q2", "q1"]


def test_headless_review_mode_uses_the_mistakes(tmp_path, capsys):
    wrong = next(iter(CATALOG.questions.values()))
    bad_key = next(c.key for c in wrong.choices if c.key not in wrong.answer)
    main(["quiz", "--mode", "practice", "--task", wrong.task, "--count", "500", "--headless",
          "--answers", answers(tmp_path, [(wrong.id, [bad_key])]), "--json"])
    capsys.readouterr()
    assert main(["quiz", "--mode", "review", "--headless", "--answers",
                 answers(tmp_path, [(wrong.id, wrong.answer)]), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [q["id"] for q in report["questions"]] == [wrong.id] and report["correct"] == 1
    assert main(["quiz", "--mode", "review", "--headless", "--answers", "/dev/null", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0


def test_fsrs_ratings():
    assert srs.rating_for(False, 5).name == "Again"
    assert srs.rating_for(True, 30).name == "Good"
    assert srs.rating_for(True, srs.SLOW_SECONDS + 1).name == "Hard"
    assert srs.rating_for(True, None).name == "Good"


def test_due_queue_after_simulated_days(tmp_path):
    store = Store(tmp_path / "p.db")
    day0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)

    def answer(qid, ok, when, seconds=20.0):
        store.record_answer(question_id=qid, chosen=["A"], correct=ok, seconds=seconds, mode="practice",
                            session_id=None, task="3.3", domain=3, when=when)

    answer("easy", True, day0)
    answer("hard", False, day0)
    assert store.due(day0) == []
    assert store.due(day0 + timedelta(minutes=2)) == ["hard"]  # Again: back after a minute
    # FSRS learning steps: a first Good comes back after 10 minutes, then graduates to days
    for when in (day0 + timedelta(minutes=11), day0 + timedelta(minutes=30)):
        answer("easy", True, when)
        answer("hard", True, when)
    assert store.due(day0 + timedelta(hours=2)) == []
    assert store.due(day0 + timedelta(days=1)) == []  # graduated: due in days, not hours
    assert set(store.due(day0 + timedelta(days=3))) == {"easy", "hard"}
    far = day0 + timedelta(days=60)
    assert set(store.due(far)) == {"easy", "hard"}
    answer("easy", True, far)
    assert "easy" not in store.due(far + timedelta(hours=1))


def test_readiness_formula(tmp_path):
    store = Store(tmp_path / "p.db")
    empty = readiness(CATALOG, store)
    assert all(v["readiness"] == 0 and v["recommendation"] for v in empty.values())
    ids = [q.id for q in CATALOG.questions.values() if q.task == "3.1"][:10]
    for qid in ids:
        store.record_answer(question_id=qid, chosen=["A"], correct=True, seconds=10, mode="practice",
                            session_id=None, task="3.1", domain=3)
    scores = readiness(CATALOG, store)
    assert scores["3.1"]["readiness"] >= 90 and scores["3.1"]["recommendation"] is None
    assert scores["3.3"]["readiness"] == 0
    assert "Day 4" in scores["3.3"]["recommendation"] and "tutor quiz --task 3.3" in scores["3.3"]["recommendation"]
    for qid in ids:
        store.record_answer(question_id=qid, chosen=["B"], correct=False, seconds=10, mode="practice",
                            session_id=None, task="3.1", domain=3)
    assert readiness(CATALOG, store)["3.1"]["readiness"] < 60


def test_practice_by_service_and_weakest(tmp_path, capsys):
    assert main(["quiz", "--service", "DynamoDB", "--count", "5", "--headless", "--answers", "/dev/null", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["total"] == 5
    assert all(any("dynamodb" in s.lower() for s in CATALOG.questions[q["id"]].services) for q in report["questions"])
    assert main(["quiz", "--service", "NoSuchService", "--headless", "--answers", "/dev/null"]) == 2
    assert main(["quiz", "--weakest", "--count", "4", "--headless", "--answers", "/dev/null", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 4


def test_scaled_score_uses_the_exact_share():
    from tutor.quiz.engine import Attempt, report

    questions = list(CATALOG.questions.values())[:3]
    result = report([Attempt(questions[0], list(questions[0].answer)), Attempt(questions[1], []),
                     Attempt(questions[2], [])], "exam")
    assert result["score_percent"] == 33.3
    assert result["scaled_score"] == round(100 + 620 * (100 / 3) / 70)


def test_weakest_first_shuffles_ties(tmp_path):
    from tutor.quiz.readiness import weakest_first

    store = Store(tmp_path / "p.db")
    pool = list(CATALOG.questions.values())
    first = [q.id for q in weakest_first(CATALOG, store, pool, 10, seed=1)]
    second = [q.id for q in weakest_first(CATALOG, store, pool, 10, seed=2)]
    assert first != second  # all tasks tie on an empty profile: the order is drawn, not by id
