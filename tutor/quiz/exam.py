"""Exam simulation: drawing in the exam's proportions, the clock, and the state that resumes.

The real SAA-C03 weights domain 2 at 26 % and domain 3 at 24 % of scored content; restricted to
those two domains, domain 2 gets round(n x 26/50) questions and domain 3 the rest. Inside a
domain the count is split as evenly as possible over its task statements, the earlier tasks
taking the remainder. The real exam gives 130 minutes for 65 questions: 2 minutes a question.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Sequence

from tutor.content.models import Question

DOMAIN_TASKS = {2: ("2.1", "2.2"), 3: ("3.1", "3.2", "3.3", "3.4", "3.5")}
DEFAULT_COUNT = 33
MINUTES_PER_QUESTION = 2
#: The ESL accommodation adds 30 minutes to the real exam's 130: the same proportion here.
ESL_EXTRA = 30 / 130


def plan(count: int) -> dict[str, int]:
    """How many questions each task statement gets in an exam of ``count`` questions."""
    if count < 1:
        raise ValueError("an exam needs at least one question")
    per_domain = {2: round(count * 26 / 50)}
    per_domain[3] = count - per_domain[2]
    out: dict[str, int] = {}
    for domain, tasks in DOMAIN_TASKS.items():
        base, extra = divmod(per_domain[domain], len(tasks))
        for i, task in enumerate(tasks):
            out[task] = base + (1 if i < extra else 0)
    return out


def minutes_for(count: int, minutes: int | None = None, esl: bool = False) -> int:
    total = minutes if minutes is not None else count * MINUTES_PER_QUESTION
    return total + (round(total * ESL_EXTRA) if esl else 0)


def draw_exam(questions: Sequence[Question], count: int = DEFAULT_COUNT, seed: int | None = None) -> list[Question]:
    """An exam drawn per the plan (seeded); a task with too few questions is topped up from its domain."""
    rng = random.Random(seed)
    by_task: dict[str, list[Question]] = {}
    for q in sorted(questions, key=lambda q: q.id):
        by_task.setdefault(q.task, []).append(q)
    chosen: list[Question] = []
    for domain, tasks in DOMAIN_TASKS.items():
        want = plan(count)
        short = 0
        for task in tasks:
            pool = by_task.get(task, [])
            take = min(want[task], len(pool))
            short += want[task] - take
            chosen.extend(rng.sample(pool, take))
        if short:
            rest = [q for t in tasks for q in by_task.get(t, []) if q not in chosen]
            chosen.extend(rng.sample(rest, min(short, len(rest))))
    want_total = min(count, sum(len(qs) for qs in by_task.values()))
    if len(chosen) < want_total:  # one domain ran short: the other fills the exam
        rest = sorted((q for qs in by_task.values() for q in qs if q not in chosen), key=lambda q: q.id)
        chosen.extend(rng.sample(rest, want_total - len(chosen)))
    rng.shuffle(chosen)
    return chosen


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class ExamState:
    """An exam in progress; saved after every change so a killed app resumes it."""

    id: str
    question_ids: list[str]
    minutes: int
    started_at: datetime
    seed: int | None = None
    answers: dict[str, list[str]] = field(default_factory=dict)
    flagged: set[str] = field(default_factory=set)
    seconds: dict[str, float] = field(default_factory=dict)
    current: int = 0
    esl: bool = False

    @property
    def deadline(self) -> datetime:
        return self.started_at + timedelta(minutes=self.minutes)

    def remaining(self, now: datetime | None = None) -> float:
        """Seconds left; never negative."""
        return max(0.0, (self.deadline - (now or utcnow())).total_seconds())

    def expired(self, now: datetime | None = None) -> bool:
        return self.remaining(now) <= 0

    def unanswered(self) -> list[str]:
        return [q for q in self.question_ids if not self.answers.get(q)]

    def to_row(self) -> dict[str, Any]:
        import json

        return {
            "id": self.id, "question_ids": json.dumps(self.question_ids), "minutes": self.minutes,
            "started_at": self.started_at.isoformat(), "seed": self.seed,
            "answers": json.dumps(self.answers), "flagged": json.dumps(sorted(self.flagged)),
            "seconds": json.dumps(self.seconds), "current": self.current, "esl": int(self.esl),
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "ExamState":
        import json

        return cls(
            id=row["id"], question_ids=json.loads(row["question_ids"]), minutes=row["minutes"],
            started_at=datetime.fromisoformat(row["started_at"]), seed=row["seed"],
            answers=json.loads(row["answers"] or "{}"), flagged=set(json.loads(row["flagged"] or "[]")),
            seconds=json.loads(row["seconds"] or "{}"), current=row["current"] or 0, esl=bool(row["esl"]),
        )
