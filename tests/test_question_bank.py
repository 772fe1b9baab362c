"""The question bank's promises: size, coverage, balance, review, and a sound answer key."""

from __future__ import annotations

import re
from collections import Counter

from conftest import ROOT
from tutor.content.loader import load_catalog

CATALOG = load_catalog()
QUESTIONS = list(CATALOG.questions.values())


def test_size_and_task_coverage():
    assert len(QUESTIONS) >= 320
    by_task = Counter(q.task for q in QUESTIONS)
    minimum = {"2.1": 50, "2.2": 50, "3.1": 35, "3.2": 35, "3.3": 35, "3.4": 35, "3.5": 25}
    for task, n in minimum.items():
        assert by_task[task] >= n, (task, by_task[task])


def test_every_day_and_the_scenario():
    by_day = Counter(q.day for q in QUESTIONS)
    for day in ("1", "2", "3", "4", "5"):
        assert by_day[day] >= 40, (day, by_day[day])
    assert by_day["extra"] > 0
    assert sum(1 for q in QUESTIONS if q.scenario == "streamcloud") >= 20


def test_types_and_difficulty_spread():
    multi = [q for q in QUESTIONS if q.type == "multi"]
    assert len(multi) / len(QUESTIONS) >= 0.25
    assert any(q.choose == 3 and len(q.choices) == 6 for q in multi)
    share = {k: v / len(QUESTIONS) for k, v in Counter(q.difficulty for q in QUESTIONS).items()}
    assert 0.15 <= share["easy"] <= 0.35 and 0.40 <= share["medium"] <= 0.60 and 0.15 <= share["hard"] <= 0.35


def test_answer_keys_are_spread():
    singles = Counter(q.answer[0] for q in QUESTIONS if q.type == "single")
    assert max(singles.values()) / sum(singles.values()) < 0.35, singles


def test_multi_stems_say_how_many():
    for q in QUESTIONS:
        if q.type == "multi":
            word = {2: "two", 3: "three"}[q.choose]
            assert f"Choose {word}" in q.stem.en, q.id
            assert {2: "두 개", 3: "세 개"}[q.choose] in q.stem.ko, q.id


def test_review_lists_every_question():
    review = (ROOT / "quizzes" / "REVIEW.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| ([a-z0-9]+-\d{3}) \|", review, flags=re.MULTILINE))
    assert listed == set(CATALOG.questions)
