"""The figures of the home screen and of `tutor plan`, gathered in one pass from the store.

Two parts, because the home screen draws them at two moments: :func:`week_status` (lesson,
quiz and lab progress per day) is what the day table shows in the first frame, so it runs on
the UI thread; :func:`gather` (readiness, exam history, due reviews, streak, the plan to the
exam and the next thing to do) runs right after it in a worker, on a store that worker opened.
Both front ends call these, so the numbers on the home screen and in `tutor plan` agree.
No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tutor.content.summary import DAYS, CatalogSummary
from tutor.quiz.engine import DEFAULT_COUNT
from tutor.quiz.plan import Plan, StudyItem, make_plan, todays_queue


@dataclass
class DayStatus:
    """One day of the course: what the day table and the week map show."""

    day: str
    has_lesson: bool
    lesson_read: bool
    questions: int
    answered: int  # distinct questions of the day answered
    right: int  # of those, answered right the last time
    labs: list[dict[str, Any]] = field(default_factory=list)  # tutor.labs.progress.lab_progress

    @property
    def quiz_share(self) -> float:
        """Done when a practice quiz's worth of the day's questions was answered."""
        want = min(self.questions, DEFAULT_COUNT)
        return min(1.0, self.answered / want) if want else 1.0

    @property
    def lab_share(self) -> float:
        steps = sum(p["steps"] for p in self.labs)
        if not steps:
            return 1.0
        return sum(p["steps"] if p["complete"] else len(p["steps_passed"]) for p in self.labs) / steps

    def todo(self) -> list[StudyItem]:
        """What is left of this day, in the order it is taught: lesson, quiz, labs."""
        items = []
        if self.has_lesson and not self.lesson_read:
            items.append(StudyItem("lesson", self.day))
        if self.quiz_share < 1.0:
            items.append(StudyItem("quiz", self.day))
        items += [StudyItem("lab", p["lab"]) for p in self.labs if not p["complete"]]
        return items


def week_status(store: Any, catalog: Any, lang: str) -> list[DayStatus]:
    """Per day: lesson, questions answered and labs. ``catalog`` is the catalog or its summary
    (tutor.content.summary): the home screen's first frame has only the summary."""
    from tutor.labs.progress import lab_progress  # noqa: PLC0415

    summary = catalog if isinstance(catalog, CatalogSummary) else CatalogSummary.of(catalog)
    reads = store.lessons_read()
    answers = store.accuracy_by_day(summary.question_days)
    out = []
    for day in DAYS:
        answered, right = answers.get(day, (0, 0))
        out.append(DayStatus(day, summary.has_lesson(day, lang), day in reads, summary.question_count(day),
                             answered, right, [lab_progress(store, lab) for lab in summary.labs_of(day)]))
    return out


@dataclass
class HomeFigures:
    """Everything home shows besides the day table."""

    readiness: dict[str, int]
    scores: list[int]  # scaled scores of finished exams, oldest first
    due_today: int
    mistakes: int
    streak: int
    plan: Plan
    next_action: StudyItem  # kinds of plan.StudyItem, plus "due" (the review queue)
    exam_in_progress: bool


def streak(times: list[str], today: date, tz: Any) -> int:
    """Days in a row with any study, ending today (or yesterday: today is not over yet)."""
    return streak_of_days({datetime.fromisoformat(t).astimezone(tz).date() for t in times if t}, today)


def streak_of_days(days: set[date], today: date) -> int:
    """:func:`streak` over the local dates studied (tutor.store.Store.study_days)."""
    day = today if today in days else date.fromordinal(today.toordinal() - 1)
    count = 0
    while day in days:
        count += 1
        day = date.fromordinal(day.toordinal() - 1)
    return count


def plan_for(store: Any, catalog: Any, week: list[DayStatus], exam_date: date | None, now: datetime,
             readiness: dict[str, int] | None = None) -> Plan:
    from tutor.quiz.readiness import TARGET  # noqa: PLC0415
    from tutor.quiz.readiness import readiness as readiness_of

    scores = readiness if readiness is not None else {
        t: r["readiness"] for t, r in readiness_of(catalog, store, now).items()}
    todo = [item for status in week for item in status.todo()]
    return make_plan(now, exam_date, store.cards(), scores, todo, TARGET, store.card_dues())


def gather(store: Any, catalog: Any, week: list[DayStatus], exam_date: date | None,
           now: datetime | None = None) -> HomeFigures:
    """The home figures; ``now`` is an aware local time (default: now)."""
    from tutor.quiz.readiness import readiness as readiness_of  # noqa: PLC0415

    now = now or datetime.now().astimezone()
    ready = {t: r["readiness"] for t, r in readiness_of(catalog, store, now).items()}
    plan = plan_for(store, catalog, week, exam_date, now, ready)
    due = todays_queue(store.due(now), plan)
    in_exam = store.active_exam() is not None
    if in_exam:
        action = StudyItem("exam")
    elif due:
        action = StudyItem("due")
    else:
        action = next(iter(plan.today.study), StudyItem("exam"))
    return HomeFigures(
        readiness=ready, scores=[e["scaled_score"] for e in store.exams() if e["scaled_score"] is not None],
        due_today=len(due), mistakes=len(store.mistakes()),
        streak=streak_of_days({date.fromisoformat(d) for d in store.study_days(now.utcoffset())}, now.date()),
        plan=plan, next_action=action, exam_in_progress=in_exam)


def due_queue(store: Any, catalog: Any | None = None, now: datetime | None = None) -> list[str]:
    """The due-review queue: ``Store.due()``, or, with an exam date set in the settings, the
    share of reviews the plan gives today (backlog spread, cards pulled before the exam).
    A settings file that does not read leaves the plain queue (`tutor plan` reports it)."""
    from tutor import settings  # noqa: PLC0415
    from tutor.errors import UsageError  # noqa: PLC0415
    now = now or datetime.now().astimezone()
    try:
        exam_date = settings.load().exam_date
    except UsageError:
        exam_date = None
    due = store.due(now)
    if exam_date is None:
        return due
    return todays_queue(due, make_plan(now, exam_date, store.cards(), {}, [], dues=store.card_dues()))
