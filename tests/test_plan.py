"""The plan to the exam day: backlog spread, reviews aimed at the exam, and `tutor plan`."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta, timezone

import pytest

from tutor import settings
from tutor.cli import main
from tutor.errors import UsageError
from tutor.quiz import srs
from tutor.quiz.dashboard import due_queue, streak
from tutor.quiz.plan import (
    EXAM_RECALL,
    StudyItem,
    _recall,
    make_plan,
    parse_exam_date,
    todays_queue,
)
from tutor.store import Store

NOW = datetime(2026, 5, 1, 12, tzinfo=timezone.utc)


def card_reviewed(*days_ago: int) -> str:
    """A card answered right on each of ``days_ago`` (oldest first), as the store keeps it."""
    card = None
    for ago in days_ago:
        card = srs.review(card.to_json() if card else None, True, 10, NOW - timedelta(days=ago))
    return card.to_json()


def test_a_backlog_is_spread_over_the_days_left():
    backlog = {f"old{i}": card_reviewed(60) for i in range(50)}  # fell due weeks ago
    due_later = {f"new{i}": card_reviewed(3, 1) for i in range(4)}  # due on some day before the exam
    plan = make_plan(NOW, NOW.date() + timedelta(days=10), {**backlog, **due_later}, {}, [])
    assert plan.days_left == 10 and len(plan.days) == 10  # today up to the eve of the exam
    for day in plan.days:
        naturally_due = [q for q in day.reviews if q.startswith("new")]
        assert len(day.reviews) <= math.ceil(50 / 10) + len(naturally_due)
    assert sorted(q for d in plan.days for q in d.reviews) == sorted([*backlog, *due_later])


def test_cards_due_after_the_exam_are_pulled_before_it():
    fresh = card_reviewed(2, 0)  # FSRS shows it again in 11 days
    exam = NOW.date() + timedelta(days=8)
    from fsrs import Card

    assert Card.from_json(fresh).due.date() > exam
    assert _recall(Card.from_json(fresh), exam, NOW) < EXAM_RECALL
    plan = make_plan(NOW, exam, {"q": fresh}, {}, [])
    reviewed_on = [d.day for d in plan.days if "q" in d.reviews]
    assert len(reviewed_on) == 1 and NOW.date() <= reviewed_on[0] < exam


def test_a_card_remembered_well_on_exam_day_is_left_alone():
    solid = card_reviewed(200, 150, 90, 30, 0)  # long stability: recall on exam day stays high
    plan = make_plan(NOW, NOW.date() + timedelta(days=3), {"q": solid}, {}, [])
    assert all("q" not in d.reviews for d in plan.days)


def test_no_exam_date_keeps_the_fsrs_queue(tmp_path):
    store = Store(tmp_path / "p.db")
    for i in range(5):
        store.record_answer(question_id=f"q{i}", chosen=["A"], correct=i % 2 == 0, seconds=5, mode="practice",
                            session_id=None, task="2.1", domain=2, when=datetime.now(timezone.utc) - timedelta(days=30))
    assert settings.load().exam_date is None
    assert due_queue(store) == store.due() and len(store.due()) == 5
    plan = make_plan(NOW, None, store.cards(), {}, [])
    assert plan.exam_date is None and todays_queue(["b", "a"], plan) == ["b", "a"]
    store.close()


def test_exam_date_in_settings_spreads_the_due_queue(tmp_path):
    store = Store(tmp_path / "p.db")
    for i in range(30):
        store.record_answer(question_id=f"q{i}", chosen=["A"], correct=True, seconds=5, mode="practice",
                            session_id=None, task="2.1", domain=2, when=datetime.now(timezone.utc) - timedelta(days=60))
    settings.save({"exam_date": date.today() + timedelta(days=10)})
    queue = due_queue(store)
    assert len(queue) == 3 and queue == store.due()[:3]  # ceil(30 / 10), most overdue first
    store.close()


def test_study_items_fill_the_days_and_the_eve_is_a_mock_exam():
    todo = [StudyItem("lesson", "3"), StudyItem("quiz", "3"), StudyItem("lab", "ec2-asg")]
    plan = make_plan(NOW, NOW.date() + timedelta(days=5), {}, {"2.1": 40, "3.1": 90}, todo)
    flat = [s for d in plan.days for s in d.study]
    assert flat[:4] == [*todo, StudyItem("task", "2.1")]
    assert plan.days[-1].study[-1] == StudyItem("exam")
    assert all(d.study for d in plan.days)


def test_exam_dates_are_checked():
    today = date(2026, 5, 1)
    assert parse_exam_date("2026-06-01", today) == date(2026, 6, 1)
    for bad in ("2026-04-30", "next friday", "2026-13-01"):
        with pytest.raises(UsageError):
            parse_exam_date(bad, today)


def test_streak_counts_days_in_a_row():
    times = [(NOW - timedelta(days=d)).isoformat() for d in (0, 1, 2, 4)]
    assert streak(times, NOW.date(), timezone.utc) == 3
    assert streak(times[1:], NOW.date(), timezone.utc) == 2  # today is not over: yesterday's run counts
    assert streak([], NOW.date(), timezone.utc) == 0


def test_plan_command_saves_the_date_and_prints_json(capsys):
    exam = (date.today() + timedelta(days=6)).isoformat()
    assert main(["plan", "--exam-date", exam, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["exam_date"] == exam and data["days_left"] == 6 and len(data["days"]) == 6
    assert set(data["days"][0]) == {"date", "reviews", "study"}
    assert settings.load().exam_date.isoformat() == exam
    assert main(["plan", "--lang", "en"]) == 0
    assert "6 days" in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["2001-01-01", "soon"])
def test_plan_command_refuses_a_bad_date(bad, capsys):
    assert main(["plan", "--exam-date", bad, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert settings.load().exam_date is None


@pytest.mark.parametrize("exam_in", [None, 3, 12])
def test_the_plan_from_stored_due_times_is_the_plan_from_parsed_cards(tmp_path, exam_in):
    """The home screen passes each card's stored due time instead of parsing every card; the
    plan must not change (backlog, days, cards pulled before the exam)."""
    store = Store(tmp_path / "p.db")
    for i in range(40):
        for ago in (50 - i, 30 - i // 2, i % 7):
            if ago >= 0:
                store.record_answer(question_id=f"q{i:02d}", chosen=["A"], correct=(i + ago) % 4 != 0, seconds=20,
                                    mode="practice", session_id=None, task="2.1", domain=2,
                                    when=NOW - timedelta(days=ago, minutes=i))
    exam = NOW.date() + timedelta(days=exam_in) if exam_in is not None else None
    cards, dues = store.cards(), store.card_dues()
    assert make_plan(NOW, exam, cards, {}, [], dues=dues) == make_plan(NOW, exam, cards, {}, [])
    store.close()
