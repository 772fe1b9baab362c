"""`tutor content check|stats`: validate the curriculum and count it."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from tutor.commands import Output
from tutor.content.check import check_catalog, prose_words
from tutor.content.cues import cue_stats
from tutor.content.loader import default_targets, load_catalog
from tutor.errors import ExitCode


def _known_labs() -> set[str]:
    return set(load_catalog([default_targets()[2]]).labs)


def check(args: argparse.Namespace, out: Output) -> int:
    targets = [Path(p) for p in args.paths] if args.paths else None
    catalog = load_catalog(targets)
    problems = check_catalog(catalog, known_labs=_known_labs() if targets else None)
    data = {
        "ok": not problems,
        "questions": len(catalog.questions),
        "lessons": len(catalog.lessons),
        "labs": len(catalog.labs),
        "problems": [p.to_json() for p in problems],
    }

    def human() -> str:
        lines = [str(p) for p in problems]
        summary = out.t(
            f"{len(catalog.questions)} questions, {len(catalog.lessons)} lessons, {len(catalog.labs)} labs: ",
            f"문항 {len(catalog.questions)}개, 레슨 {len(catalog.lessons)}개, 실습 {len(catalog.labs)}개: ",
        )
        summary += out.t(f"{len(problems)} problem(s)", f"문제 {len(problems)}건") if problems else out.t("OK", "이상 없음")
        return "\n".join(lines + [summary])

    out.emit(data, human)
    return ExitCode.FAILED if problems else ExitCode.OK


def stats(args: argparse.Namespace, out: Output) -> int:
    catalog = load_catalog()
    qs = list(catalog.questions.values())
    data = {
        "questions": len(qs),
        "by_domain": dict(sorted(Counter(str(q.domain) for q in qs).items())),
        "by_task": dict(sorted(Counter(q.task for q in qs).items())),
        "by_day": dict(sorted(Counter(q.day for q in qs).items())),
        "by_type": dict(sorted(Counter(q.type for q in qs).items())),
        "by_difficulty": dict(sorted(Counter(q.difficulty for q in qs).items())),
        "scenario": dict(sorted(Counter(q.scenario for q in qs if q.scenario).items())),
        # A question missing a language does not load; its problem names the field (stem.ko, ...).
        "missing_translation": sum(1 for p in catalog.problems if p.message.split(":")[0].endswith((".ko", ".en"))),
        "missing_reference": sum(1 for q in qs if not any(r.startswith("https://docs.aws.amazon.com/") for r in q.references)),
        "invalid": len(catalog.problems),
        "lessons": [
            {"day": l.meta.day, "lang": l.meta.lang, "words": prose_words(l.body), "sections": len(l.meta.sections)}
            for (_, _), l in sorted(catalog.lessons.items())
        ],
        "labs": [{"id": lab.id, "day": lab.day, "steps": len(lab.steps)} for lab in catalog.labs.values()],
        # How far the options alone lead to the answer (issue 10; thresholds in tutor.content.cues).
        "cues": {lang: cue_stats(qs, lang) for lang in ("en", "ko")},
    }

    def human() -> str:
        lines = [out.t(f"Questions: {data['questions']}", f"문항: {data['questions']}개")]
        for key in ("by_domain", "by_task", "by_day", "by_type", "by_difficulty"):
            lines.append(f"  {key[3:]:<11} " + "  ".join(f"{k}: {v}" for k, v in data[key].items()))
        lines.append(f"  missing_translation {data['missing_translation']}  missing_reference {data['missing_reference']}")
        for lang, cue in data["cues"].items():
            lines.append(out.t(f"  cues ({lang}): ", f"  단서({lang}): ") + "  ".join(f"{k} {v}" for k, v in cue.items()))
        for l in data["lessons"]:
            lines.append(out.t(f"Lesson day {l['day']} ({l['lang']}): {l['words']} words, {l['sections']} sections",
                               f"레슨 {l['day']}일차({l['lang']}): {l['words']}단어, 섹션 {l['sections']}개"))
        return "\n".join(lines)

    out.emit(data, human)
    return ExitCode.OK


def reports(args: argparse.Namespace, out: Output) -> int:
    """Questions students reported as wrong, each marked stale once its question has changed."""
    from tutor.content.reports import report_rows  # noqa: PLC0415
    from tutor.store import Store  # noqa: PLC0415

    store = Store(args.db)
    try:
        stored = store.question_reports()
    finally:
        store.close()
    rows = report_rows(stored, load_catalog().questions if stored else {})

    def human() -> str:
        if not rows:
            return out.t("no reports", "신고된 문항이 없습니다")
        changed = out.t("changed since", "이후 수정됨")
        current = out.t("current", "현재 버전")
        return "\n".join(f"{r['reported_at']}  {r['question_id']}  {r['content_version']} "
                         f"({changed if r['stale'] else current})  {r['reason']}" for r in rows)

    out.emit(rows, human)
    return ExitCode.OK
