"""The study plan up to the exam day, and the review queue aimed at that day.

Pure: it takes the time, the exam date, the FSRS cards and what is left to study, and returns a
day-by-day plan; no store, no settings, no Textual (the dashboard module gathers the inputs).

Reviews (when an exam date is set):
- a backlog (cards that fell due before today: missed days) is spread evenly over the days left,
  at most ``ceil(backlog / days)`` a day, the most overdue first: never all on one day;
- a card due on a day before the exam keeps its FSRS day;
- a card FSRS would next show on the exam day or after it is *pulled* when its predicted
  retrievability on exam day is under ``EXAM_RECALL``: it is reviewed on the day its recall
  falls to that level (never after the eve of the exam), so the last review before the exam
  leaves recall high on exam day instead of piling reviews up after it.
Without an exam date the FSRS queue is left as it is (the backlog stays on today).
The review days are today up to the day before the exam; an exam today leaves only today.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from tutor.errors import UsageError

if TYPE_CHECKING:
    from fsrs import Card

#: Predicted recall we aim for on exam day (FSRS's own target between exams is 0.9).
EXAM_RECALL = 0.95
#: The hour of the exam day at which recall is predicted.
EXAM_HOUR = 9
#: Days shown (and planned) when no exam date is set.
HORIZON = 7


# FSRS is imported where a plan is computed, not with the module: the home screen's first frame
# imports the plan's types (its figures' worker is what schedules).
def _card(raw: str) -> Card:
    from fsrs import Card  # noqa: PLC0415

    return Card.from_json(raw)


@dataclass(frozen=True)
class StudyItem:
    """One thing to study: ``kind`` lesson/quiz (ref: the day), lab (ref: lab id),
    task (ref: a task statement to practise) or exam (a full mock exam, ref "")."""

    kind: str
    ref: str = ""

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "ref": self.ref}


@dataclass
class DayPlan:
    day: date
    reviews: list[str] = field(default_factory=list)
    study: list[StudyItem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "reviews": len(self.reviews),
                "study": [s.to_json() for s in self.study]}


@dataclass
class Plan:
    exam_date: date | None
    days_left: int | None
    days: list[DayPlan]

    @property
    def today(self) -> DayPlan:
        return self.days[0]

    def to_json(self) -> dict[str, Any]:
        return {"exam_date": self.exam_date.isoformat() if self.exam_date else None,
                "days_left": self.days_left, "days": [d.to_json() for d in self.days]}


def parse_exam_date(text: str, today: date) -> date:
    """``YYYY-MM-DD``, today or later; anything else is a usage error (one line)."""
    try:
        chosen = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"exam date must look like 2027-01-15 (YYYY-MM-DD), not {text!r}") from None
    if chosen < today:
        raise UsageError(f"exam date {chosen.isoformat()} is in the past (today is {today.isoformat()})")
    return chosen


def study_label(item: StudyItem, lang: str) -> str:
    """One study item in words, for `tutor plan` and the home screen alike."""
    ko = lang == "ko"
    day = ("추가 주제" if ko else "extra topics") if item.ref == "extra" else (f"{item.ref}일차" if ko else f"Day {item.ref}")
    return {
        "lesson": f"{day} 레슨" if ko else f"{day} lesson",
        "quiz": f"{day} 퀴즈" if ko else f"{day} quiz",
        "lab": f"실습 {item.ref}" if ko else f"lab {item.ref}",
        "task": f"과제 {item.ref} 연습" if ko else f"practise task {item.ref}",
        "exam": "모의고사" if ko else "mock exam",
        "due": "오늘의 복습" if ko else "today's reviews",
    }.get(item.kind, item.kind)


def active_exam_date(exam_date: date | None, today: date) -> date | None:
    """The exam date if it is still ahead (or today); a past exam plans like no exam."""
    return exam_date if exam_date is not None and exam_date >= today else None


def review_days(now: datetime, exam_date: date | None) -> list[date]:
    """The days reviews are planned on: today to the eve of the exam, or a week without one."""
    today = now.date()
    exam = active_exam_date(exam_date, today)
    count = max(1, (exam - today).days) if exam else HORIZON
    return [today + timedelta(days=i) for i in range(count)]


def _local_day(moment: datetime, now: datetime) -> date:
    return moment.astimezone(now.tzinfo).date()


def _recall(card: Card, day: date, now: datetime) -> float:
    from tutor.quiz.srs import SCHEDULER  # noqa: PLC0415 - the reviews' own scheduler

    when = datetime.combine(day, time(EXAM_HOUR), tzinfo=now.tzinfo)
    return SCHEDULER.get_card_retrievability(card, max(when, now))


def pull_day(card: Card, days: list[date], exam_date: date, now: datetime) -> date | None:
    """The review day for a card FSRS would show on or after the exam, or None when its recall
    on exam day is already at least ``EXAM_RECALL``: the first day recall falls under it
    (binary search; recall only falls between reviews), at the latest the eve of the exam."""
    if _recall(card, exam_date, now) >= EXAM_RECALL:
        return None
    low, high = 0, len(days) - 1
    while low < high:
        mid = (low + high) // 2
        if _recall(card, days[mid], now) < EXAM_RECALL:
            high = mid
        else:
            low = mid + 1
    return days[low]


def schedule_reviews(now: datetime, exam_date: date | None, cards: dict[str, str],
                     dues: dict[str, str] | None = None) -> dict[date, list[str]]:
    """``{day: question ids}`` over :func:`review_days`, each day most overdue first.

    ``dues`` (each card's due time as stored beside it, :meth:`tutor.store.Store.card_dues`)
    spares parsing every card: only a card the plan may pull forward before the exam is parsed.
    Over 2 000 cards that was 28 ms of the home screen's figures."""
    days = review_days(now, exam_date)
    today, exam = days[0], active_exam_date(exam_date, now.date())
    out: dict[date, list[str]] = {d: [] for d in days}
    if dues is None:
        due_of = {qid: _card(raw).due for qid, raw in cards.items()}
    else:
        due_of = {qid: datetime.fromisoformat(dues[qid]) for qid in cards}
    ordered = sorted(due_of, key=lambda qid: (due_of[qid], qid))
    backlog = [qid for qid in ordered if _local_day(due_of[qid], now) < today]
    if exam is None:
        out[today].extend(backlog)  # no exam: FSRS's queue as it is
    else:
        per_day = math.ceil(len(backlog) / len(days)) if backlog else 0
        for i, qid in enumerate(backlog):
            out[days[i // per_day]].append(qid)
    for qid in ordered:
        due_day = _local_day(due_of[qid], now)
        if due_day < today:
            continue
        if due_day in out:
            out[due_day].append(qid)
        elif exam is not None:
            pulled = pull_day(_card(cards[qid]), days, exam, now)
            if pulled is not None:
                out[pulled].append(qid)
    return out


def todays_queue(due_now: list[str], plan: Plan) -> list[str]:
    """The due queue with the plan's share for today: without an exam date ``due_now``
    unchanged; with one, the due cards the plan keeps for today (in their order), then the
    cards it pulls forward to today."""
    if plan.exam_date is None:
        return list(due_now)
    share = set(plan.today.reviews)
    kept = [q for q in due_now if q in share]
    return kept + [q for q in plan.today.reviews if q not in set(kept)]


def study_items(todo: list[StudyItem], readiness: dict[str, int], target: int) -> list[StudyItem]:
    """What is left of the course in course order, then the task statements under ``target``,
    weakest first."""
    weak = sorted((t for t, score in readiness.items() if score < target), key=lambda t: (readiness[t], t))
    return list(todo) + [StudyItem("task", t) for t in weak]


def make_plan(now: datetime, exam_date: date | None, cards: dict[str, str], readiness: dict[str, int],
              todo: list[StudyItem], target: int = 72, dues: dict[str, str] | None = None) -> Plan:
    """Reviews and study per day until the exam (a week without one). Study items are spread
    evenly, in order; days left over practise the weakest task statements in turn; the eve of
    the exam is a mock exam."""
    exam = active_exam_date(exam_date, now.date())
    reviews = schedule_reviews(now, exam, cards, dues)
    days = list(reviews)
    items = study_items(todo, readiness, target)
    per_day = math.ceil(len(items) / len(days)) if items else 0
    used = math.ceil(len(items) / per_day) if per_day else 0  # days the items fill
    weakest = sorted(readiness, key=lambda t: (readiness[t], t))
    plans = []
    for i, day in enumerate(days):
        study = items[i * per_day:(i + 1) * per_day] if per_day else []
        if not study and weakest:
            study = [StudyItem("task", weakest[(i - used) % len(weakest)])]
        if exam is not None and day == exam - timedelta(days=1):
            study = [*study, StudyItem("exam")]
        plans.append(DayPlan(day, reviews[day], study))
    days_left = (exam - now.date()).days if exam else None
    return Plan(exam, days_left, plans)
