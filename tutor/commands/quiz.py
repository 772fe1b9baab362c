"""`tutor quiz ...`, `tutor quiz export`, `tutor progress`: quizzes without a screen."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tutor.commands import Output
from tutor.content.loader import load_catalog
from tutor.content.models import DAYS, TASKS
from tutor.errors import ExitCode, UsageError
from tutor.quiz.engine import DEFAULT_COUNT, Attempt, draw, report
from tutor.store import Store


def selection(catalog, day: str | None, task: str | None):
    if day is not None and day not in DAYS:
        raise UsageError(f"--day must be one of {', '.join(DAYS)}, not {day!r}")
    if task is not None and task not in TASKS:
        raise UsageError(f"--task must be one of {', '.join(TASKS)}, not {task!r}")
    pool = catalog.questions_for(day=day, task=task)
    if not pool:
        raise UsageError("no questions match that selection")
    return pool


def read_answers(source: str) -> dict[str, list[str]]:
    """JSON lines ``{"id": ..., "answer": [keys]}``; any malformed line is a usage error."""
    try:
        text = sys.stdin.read() if source == "-" else open(source, encoding="utf-8").read()
    except OSError as exc:
        raise UsageError(f"cannot read answers from {source}: {exc.strerror}") from exc
    answers: dict[str, list[str]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise UsageError(f"answers line {n}: not JSON ({exc.msg})") from exc
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise UsageError(f'answers line {n}: expected {{"id": "...", "answer": ["A"]}}')
        answer = item.get("answer")
        if isinstance(answer, str):
            answer = [answer]
        if not isinstance(answer, list) or not all(isinstance(k, str) for k in answer):
            raise UsageError(f"answers line {n}: `answer` must be a list of option keys")
        answers[item["id"]] = [k.strip().upper() for k in answer]
    return answers


def run_headless(args: argparse.Namespace, out: Output) -> int:
    if args.mode != "practice":
        raise UsageError(f"--mode {args.mode} is not available yet; use --mode practice")
    if not args.answers:
        raise UsageError("--headless needs --answers FILE (or - for standard input)")
    if args.count is not None and args.count < 1:
        raise UsageError("--count must be at least 1")
    catalog = load_catalog()
    pool = selection(catalog, args.day, args.task)
    drawn = draw(pool, args.count or DEFAULT_COUNT, args.seed)
    given = read_answers(args.answers)
    attempts = []
    for q in drawn:
        chosen = given.get(q.id, [])
        keys = {c.key for c in q.choices}
        bad = [k for k in chosen if k not in keys]
        if bad:
            raise UsageError(f"answer for {q.id} names keys that are not options: {', '.join(bad)}")
        attempts.append(Attempt(q, chosen))
    result = report(attempts, args.mode)
    store = Store(args.db)
    try:
        session = store.start_session(args.mode, {"day": args.day, "task": args.task, "count": args.count,
                                                  "seed": args.seed, "headless": True})
        for a in attempts:
            if a.answered:
                store.record_answer(question_id=a.question.id, chosen=a.chosen, correct=a.correct,
                                    seconds=None, mode=args.mode, session_id=session,
                                    task=a.question.task, domain=a.question.domain)
        store.finish_session(session, result)
    finally:
        store.close()

    def human() -> str:
        lines = [f"{'O' if r['is_correct'] else 'X'} {r['id']} ({r['task']}): "
                 f"{','.join(r['answer']) or '-'} / {','.join(r['correct'])}" for r in result["questions"]]
        lines.append(out.t(f"Score: {result['correct']}/{result['total']} ({result['score_percent']} %), estimated scaled score {result['scaled_score']}",
                           f"점수: {result['correct']}/{result['total']} ({result['score_percent']}%), 추정 환산 점수 {result['scaled_score']}"))
        return "\n".join(lines)

    out.emit(result, human)
    return ExitCode.OK  # practice reports its score; it does not pass or fail


def export(args: argparse.Namespace, out: Output) -> int:
    catalog = load_catalog()
    pool = catalog.questions_for(day=args.day, task=args.task)
    data: list[dict[str, Any]] = [
        {"id": q.id, "domain": q.domain, "task": q.task, "day": q.day, "type": q.type,
         "choose": q.choose, "difficulty": q.difficulty, "services": list(q.services),
         "stem": q.stem.model_dump(),
         "choices": [{"key": c.key, "text": c.text.model_dump(), "explanation": c.explanation.model_dump()}
                     for c in q.choices],
         "answer": list(q.answer), "references": list(q.references)}
        for q in sorted(pool, key=lambda q: q.id)
    ]
    out.emit(data, lambda: "\n".join(f"{d['id']:<8} {d['task']} day {d['day']:<5} {d['type']:<6} {','.join(d['answer'])}" for d in data))
    return ExitCode.OK


def progress(args: argparse.Namespace, out: Output) -> int:
    catalog = load_catalog()
    store = Store(args.db)
    try:
        acc = store.accuracy()
        reads = store.lessons_read()
        labs = {lab_id: store.lab_status(lab_id) for lab_id in catalog.labs}
    finally:
        store.close()
    data = {
        **acc,
        "questions_in_bank": len(catalog.questions),
        "lessons_read": sorted(reads),
        "labs": {lab_id: {"steps_passed": sorted(s for s, r in st.items() if r["passed"]),
                          "steps": len(catalog.labs[lab_id].steps)}
                 for lab_id, st in labs.items()},
    }

    def human() -> str:
        lines = [out.t(f"Answered {acc['answered']} ({acc['distinct_questions']} distinct of {len(catalog.questions)}), accuracy {acc['accuracy'] if acc['accuracy'] is not None else '-'} %",
                       f"답변 {acc['answered']}회(문항 {len(catalog.questions)}개 중 {acc['distinct_questions']}개), 정답률 {acc['accuracy'] if acc['accuracy'] is not None else '-'}%")]
        for d, v in acc["by_domain"].items():
            lines.append(out.t(f"  domain {d}: {v['correct']}/{v['answered']} ({v['accuracy']} %)",
                               f"  도메인 {d}: {v['correct']}/{v['answered']} ({v['accuracy']}%)"))
        for lab_id, v in data["labs"].items():
            lines.append(out.t(f"  lab {lab_id}: {len(v['steps_passed'])}/{v['steps']} steps passed",
                               f"  실습 {lab_id}: {v['steps']}단계 중 {len(v['steps_passed'])}단계 통과"))
        return "\n".join(lines)

    out.emit(data, human)
    return ExitCode.OK
