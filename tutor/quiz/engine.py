"""Draw quizzes, grade answers and build the report both front ends show.

Pure functions over the catalog: no database, no printing. Keys are stable; shuffling changes
the display order only, so answers are always given and stored as keys.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:  # annotations only: pydantic is not imported before the home screen
    from tutor.content.models import Choice, Question


PASS_SCALED = 720
DEFAULT_COUNT = 10

# The estimated scaled score is piecewise linear through these (percent, scaled) points. AWS
# does not publish its conversion; we assume the pass mark of 720 sits at 70 % correct, which
# keeps the estimate monotone with 0 % -> 100 and 100 % -> 1000 as on the real scale.
SCALE_POINTS: tuple[tuple[float, float], ...] = ((0.0, 100.0), (70.0, 720.0), (100.0, 1000.0))


def scaled_score(percent: float) -> int:
    """Estimated SAA-C03 scaled score (100-1000) for a percentage of correct answers."""
    pct = min(100.0, max(0.0, percent))
    for (x0, y0), (x1, y1) in zip(SCALE_POINTS, SCALE_POINTS[1:]):
        if pct <= x1:
            return round(y0 + (y1 - y0) * (pct - x0) / (x1 - x0))
    return 1000


def draw(questions: Sequence[Question], count: int | None = None, seed: int | None = None) -> list[Question]:
    """A random selection (reproducible with ``seed``), in a random order."""
    rng = random.Random(seed)
    pool = sorted(questions, key=lambda q: q.id)  # a seed means the same quiz whatever the load order
    n = len(pool) if count is None else min(count, len(pool))
    return rng.sample(pool, n)


def display_order(question: Question, seed: int | None = None) -> list[Choice]:
    """The choices in the order to show them; the keys travel with their texts."""
    choices = list(question.choices)
    random.Random(f"{seed}:{question.id}").shuffle(choices)
    return choices


def is_correct(question: Question, chosen: Iterable[str]) -> bool:
    return frozenset(chosen) == question.correct


@dataclass
class Attempt:
    question: Question
    chosen: list[str] = field(default_factory=list)
    seconds: float | None = None
    flagged: bool = False

    @property
    def answered(self) -> bool:
        return bool(self.chosen)

    @property
    def correct(self) -> bool:
        return self.answered and is_correct(self.question, self.chosen)


def _ratio(pairs: dict[str, list[int]]) -> dict[str, dict[str, Any]]:
    return {
        key: {"total": total, "correct": ok, "percent": round(100 * ok / total, 1) if total else 0.0}
        for key, (ok, total) in sorted(pairs.items())
    }


def report(attempts: Sequence[Attempt], mode: str, minutes: float | None = None) -> dict[str, Any]:
    """The result of a quiz; unanswered questions count as wrong, as in the exam."""
    by_domain: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_task: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = []
    for a in attempts:
        q = a.question
        rows.append({
            "id": q.id, "task": q.task, "domain": q.domain, "answer": sorted(a.chosen),
            "correct": sorted(q.answer), "is_correct": a.correct, "seconds": a.seconds,
            "flagged": a.flagged,
        })
        for bucket in (by_domain[str(q.domain)], by_task[q.task]):
            bucket[0] += int(a.correct)
            bucket[1] += 1
    total = len(attempts)
    correct = sum(r["is_correct"] for r in rows)
    exact = 100 * correct / total if total else 0.0
    percent = round(exact, 1)
    scaled = scaled_score(exact)  # from the exact share, not the rounded one shown
    return {
        "mode": mode,
        "questions": rows,
        "total": total,
        "answered": sum(1 for a in attempts if a.answered),
        "correct": correct,
        "score_percent": percent,
        "scaled_score": scaled,
        "passed": scaled >= PASS_SCALED,
        "by_domain": _ratio(by_domain),
        "by_task": _ratio(by_task),
        "minutes": minutes,
    }
