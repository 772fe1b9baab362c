"""`tutor plan`: the day-by-day plan to the exam date, the headless form of the home screen's plan.

``--exam-date`` saves the date in settings.toml first (the same setting the home screen's
exam-date dialog writes); a past or malformed date is a usage error (exit 2) and saves nothing.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from tutor import settings
from tutor.commands import Output
from tutor.content.loader import load_catalog
from tutor.errors import ExitCode
from tutor.quiz.dashboard import plan_for, week_status
from tutor.quiz.plan import parse_exam_date, study_label
from tutor.store import Store


def plan(args: argparse.Namespace, out: Output) -> int:
    now = datetime.now().astimezone()
    if args.exam_date is not None:
        chosen = parse_exam_date(args.exam_date, now.date())
        settings.save({"exam_date": chosen})
        out.info(out.t(f"exam date saved: {chosen.isoformat()}", f"시험일을 저장했습니다: {chosen.isoformat()}"))
    exam_date = settings.load().exam_date
    catalog = load_catalog()
    store = Store(args.db)
    try:
        result = plan_for(store, catalog, week_status(store, catalog, out.lang), exam_date, now)
    finally:
        store.close()
    data = result.to_json()

    def human() -> str:
        if result.exam_date is None:
            lines = [out.t("No exam date set (tutor plan --exam-date YYYY-MM-DD): the next 7 days.",
                           "시험일이 설정되지 않았습니다(tutor plan --exam-date YYYY-MM-DD). 앞으로 7일:")]
        else:
            lines = [out.t(f"Exam on {result.exam_date.isoformat()}: {result.days_left} days left.",
                           f"시험일 {result.exam_date.isoformat()}: {result.days_left}일 남았습니다.")]
        for day in result.days:
            study = ", ".join(study_label(s, out.lang) for s in day.study) or "-"
            lines.append(out.t(f"  {day.day.isoformat()}  reviews {len(day.reviews):>3}  {study}",
                               f"  {day.day.isoformat()}  복습 {len(day.reviews):>3}  {study}"))
        return "\n".join(lines)

    out.emit(data, human)
    return ExitCode.OK
