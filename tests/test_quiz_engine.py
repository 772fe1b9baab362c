"""Drawing, grading and the scaled-score estimate."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT
from tutor.content.loader import load_catalog
from tutor.quiz.engine import Attempt, display_order, draw, is_correct, report, scaled_score

FIXTURE = load_catalog([ROOT / "tests" / "fixtures" / "catalog" / "quizzes"])


def q(qid):
    return FIXTURE.questions[qid]


def test_scaled_score_bounds_and_pass_mark():
    assert scaled_score(0) == 100
    assert scaled_score(100) == 1000
    assert scaled_score(70) == 720
    assert scaled_score(-5) == 100 and scaled_score(150) == 1000


@given(st.floats(0, 100), st.floats(0, 100))
def test_scaled_score_is_monotone(a, b):
    lo, hi = sorted((a, b))
    assert 100 <= scaled_score(lo) <= scaled_score(hi) <= 1000


def test_grading_is_set_equality():
    multi = q("fx-003")  # answer B, D
    assert is_correct(multi, ["D", "B"])
    assert not is_correct(multi, ["B"])
    assert not is_correct(multi, ["B", "D", "A"])


def test_draw_is_reproducible_with_a_seed():
    pool = list(FIXTURE.questions.values())
    first = [x.id for x in draw(pool, 3, seed=42)]
    assert first == [x.id for x in draw(list(reversed(pool)), 3, seed=42)]
    assert len(set(first)) == 3
    assert len(draw(pool, 99, seed=1)) == len(pool)


def test_display_order_keeps_keys_with_texts():
    question = q("fx-005")
    shown = display_order(question, seed=3)
    assert sorted(c.key for c in shown) == ["A", "B", "C", "D", "E", "F"]
    for choice in shown:
        assert choice.text.en.startswith(f"Option {choice.key}")


def test_report_counts_unanswered_as_wrong():
    attempts = [Attempt(q("fx-001"), ["A"]), Attempt(q("fx-002"), []), Attempt(q("fx-004"), ["A"])]
    result = report(attempts, "practice")
    assert result["total"] == 3 and result["answered"] == 2 and result["correct"] == 1
    assert result["score_percent"] == 33.3
    assert result["by_task"]["3.2"] == {"total": 1, "correct": 1, "percent": 100.0}
    assert result["by_domain"]["2"]["correct"] == 0
    assert result["passed"] is False
