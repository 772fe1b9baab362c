"""Readiness per task statement, and what to study next.

    readiness(task) = 100 x coverage x (0.6 x accuracy + 0.4 x retrievability)

- accuracy: share of the last 20 answers in the task that were right (0 with no answers);
- retrievability: mean FSRS probability of recalling the task's answered questions today,
  counting 0 for a question whose last answer was wrong (there is nothing right to recall);
- coverage: distinct questions answered in the task / 10, capped at 1 (a few lucky answers
  are not readiness).
A task under ``TARGET`` gets a recommendation naming the lesson section and lab that teach it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tutor.content.loader import Catalog
from tutor.content.models import TASKS
from tutor.quiz import srs

TARGET = 72  # about the share of right answers the 720 pass mark needs
RECENT = 20
COVERAGE_FULL = 10


def readiness(catalog: Catalog, store: Any, when: datetime | None = None, lang: str = "en") -> dict[str, dict[str, Any]]:
    recent = store.recent_answers(RECENT)
    cards = store.cards()
    last_right = store.last_correct()
    out: dict[str, dict[str, Any]] = {}
    for task in TASKS:
        ids = [q.id for q in catalog.questions.values() if q.task == task]
        answered = [qid for qid in ids if qid in cards]
        hits = recent.get(task, [])
        accuracy = sum(hits) / len(hits) if hits else 0.0
        recall = (sum(srs.retrievability(cards[q], when) if last_right.get(q) else 0.0 for q in answered)
                  / len(answered)) if answered else 0.0
        coverage = min(1.0, len(answered) / COVERAGE_FULL)
        score = round(100 * coverage * (0.6 * accuracy + 0.4 * recall))
        out[task] = {
            "readiness": score, "accuracy": round(100 * accuracy, 1), "retrievability": round(100 * recall, 1),
            "answered": len(answered), "questions": len(ids),
            "recommendation": recommendation(catalog, task, score, lang) if score < TARGET else None,
        }
    return out


def where_taught(catalog: Catalog, task: str, lang: str = "en") -> tuple[str | None, str | None, str | None]:
    """(day, section id, lab id) that teach a task: the day with most of its questions."""
    counts: dict[str, int] = {}
    for q in catalog.questions.values():
        if q.task == task:
            counts[q.day] = counts.get(q.day, 0) + 1
    for day in sorted(counts, key=lambda d: -counts[d]):
        lesson = catalog.lesson(day, lang)
        if lesson is None:
            continue
        section = next((s for s in lesson.meta.sections if task in s.tasks), None)
        lab = (section.labs[0] if section and section.labs else None) or (lesson.meta.labs[0] if lesson.meta.labs else None)
        return day, section.id if section else None, lab
    return (max(counts, key=counts.get) if counts else None), None, None


def recommendation(catalog: Catalog, task: str, score: int, lang: str = "en") -> str:
    day, section, lab = where_taught(catalog, task, lang)
    ko = lang == "ko"
    steps = []
    if day:
        lesson = catalog.lesson(day, lang)
        heading = next((s.heading for s in lesson.meta.sections if s.id == section), None) if lesson else None
        if ko:
            where = f"{day}일차" if day != "extra" else "추가 주제"
            steps.append(f"{where} 레슨" + (f" '{heading}' 섹션" if heading else "") + "을 복습")
        else:
            where = f"Day {day}" if day != "extra" else "the extra topics"
            steps.append(f"review {where} lesson" + (f" section \"{heading}\"" if heading else ""))
    if lab:
        steps.append(f"실습 {lab} 수행" if ko else f"do lab {lab}")
    steps.append(f"그다음 연습: tutor quiz --task {task}" if ko else f"then practise: tutor quiz --task {task}")
    return f"{task}: {score} % — " + ", ".join(steps)


def weakest_first(catalog: Catalog, store: Any, pool: list, count: int, seed: int | None = None) -> list:
    """Questions of the weakest task statements first; inside a task, those not yet answered
    right first; ties in random order (seeded), so equal tasks do not always give the same ids."""
    from tutor.quiz.engine import draw  # noqa: PLC0415

    scores = readiness(catalog, store)
    last = store.last_correct()
    shuffled = draw(pool, None, seed)
    ordered = sorted(shuffled, key=lambda q: (scores[q.task]["readiness"], last.get(q.id) is True))
    return ordered[:count]
