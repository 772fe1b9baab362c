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
from tutor.quiz import exam
from tutor.quiz.engine import DEFAULT_COUNT, Attempt, draw, report
from tutor.store import Store


def check_day_task(day: str | None, task: str | None) -> None:
    if day is not None and day not in DAYS:
        raise UsageError(f"--day must be one of {', '.join(DAYS)}, not {day!r}")
    if task is not None and task not in TASKS:
        raise UsageError(f"--task must be one of {', '.join(TASKS)}, not {task!r}")


def selection(catalog, day: str | None, task: str | None):
    check_day_task(day, task)
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
    except UnicodeDecodeError:
        raise UsageError(f"cannot read answers from {source}: not UTF-8 text") from None
    answers: dict[str, list[str]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as exc:  # RecursionError: absurdly nested JSON
            raise UsageError(f"answers line {n}: not JSON ({getattr(exc, 'msg', 'nested too deeply')})") from None
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise UsageError(f'answers line {n}: expected {{"id": "...", "answer": ["A"]}}')
        answer = item.get("answer")
        if isinstance(answer, str):
            answer = [answer]
        if not isinstance(answer, list) or not all(isinstance(k, str) for k in answer):
            raise UsageError(f"answers line {n}: `answer` must be a list of option keys")
        keys = [k.strip().upper() for k in answer]
        if len(set(keys)) != len(keys):
            raise UsageError(f"answers line {n}: a key is given twice")
        answers[item["id"]] = keys
    return answers


def _practice_pool(catalog, args) -> list:
    pool = selection(catalog, args.day, args.task) if (args.day or args.task) else list(catalog.questions.values())
    if args.service:
        wanted = args.service.lower()
        pool = [q for q in pool if any(wanted in s.lower() for s in q.services)]
        if not pool:
            raise UsageError(f"no questions about a service matching {args.service!r}")
    return pool


def build_quiz(catalog, store, args) -> tuple[list, int | None]:
    """The questions of a quiz in the requested mode, and its time limit (exams only)."""
    mode = args.mode
    if args.count is not None and args.count < 1:
        raise UsageError("--count must be at least 1")
    if args.minutes is not None and args.minutes < 1:
        raise UsageError("--minutes must be at least 1")
    if mode == "exam":
        count = args.count or exam.DEFAULT_COUNT
        if count > len(catalog.questions):
            raise UsageError(f"--count {count} is more than the {len(catalog.questions)} questions in the bank")
        questions = exam.draw_exam(list(catalog.questions.values()), count, args.seed)
        if not questions:
            raise UsageError("the question bank is empty")
        return questions, exam.minutes_for(len(questions), args.minutes, args.esl)
    if mode in ("review", "due"):
        from tutor.quiz.dashboard import due_queue  # noqa: PLC0415 - with an exam date: the plan's share today

        ids = store.mistakes() if mode == "review" else due_queue(store)
        questions = [catalog.questions[i] for i in ids if i in catalog.questions]
        questions = [q for q in questions if (args.day is None or q.day == args.day) and (args.task is None or q.task == args.task)]
        return (questions[: args.count] if args.count else questions), None
    pool = _practice_pool(catalog, args)
    if args.weakest:
        from tutor.quiz.readiness import weakest_first  # noqa: PLC0415

        return weakest_first(catalog, store, pool, args.count or DEFAULT_COUNT, args.seed), None
    return draw(pool, args.count or DEFAULT_COUNT, args.seed), None


def run_headless(args: argparse.Namespace, out: Output) -> int:
    if not args.answers:
        raise UsageError("--headless needs --answers FILE (or - for standard input)")
    check_day_task(args.day, args.task)
    catalog = load_catalog()
    store = Store(args.db)
    try:
        questions, minutes = build_quiz(catalog, store, args)
        given = read_answers(args.answers)
        attempts = []
        for q in questions:
            chosen = given.get(q.id, [])
            keys = {c.key for c in q.choices}
            bad = [k for k in chosen if k not in keys]
            if bad:
                raise UsageError(f"answer for {q.id} names keys that are not options: {', '.join(bad)}")
            attempts.append(Attempt(q, chosen))
        result = report(attempts, args.mode, minutes)
        _record(store, args, attempts, result, minutes)
    finally:
        store.close()

    def human() -> str:
        if not result["questions"]:
            return out.t(f"No questions in the {args.mode} queue.", f"{args.mode} 대기열에 문항이 없습니다.")
        lines = [f"{'O' if r['is_correct'] else 'X'} {r['id']} ({r['task']}): "
                 f"{','.join(r['answer']) or '-'} / {','.join(r['correct'])}" for r in result["questions"]]
        lines.append(out.t(f"Score: {result['correct']}/{result['total']} ({result['score_percent']} %), estimated scaled score {result['scaled_score']}",
                           f"점수: {result['correct']}/{result['total']} ({result['score_percent']}%), 추정 환산 점수 {result['scaled_score']}"))
        if args.mode == "exam":
            lines.append(out.t("PASSED (720 or more, estimated)" if result["passed"] else "NOT PASSED (under 720, estimated)",
                               "합격(추정 720점 이상)" if result["passed"] else "불합격(추정 720점 미만)"))
        return "\n".join(lines)

    out.emit(result, human)
    if args.mode == "exam":
        return ExitCode.OK if result["passed"] else ExitCode.FAILED
    return ExitCode.OK  # practice and review report a score; they do not pass or fail


def _record(store: Store, args, attempts, result, minutes) -> None:
    session = store.start_session(args.mode, {"day": args.day, "task": args.task, "count": args.count,
                                              "seed": args.seed, "headless": True})
    for a in attempts:
        # In an exam an unanswered question is wrong (as on the real exam) and joins the mistakes.
        if a.answered or args.mode == "exam":
            store.record_answer(question_id=a.question.id, chosen=a.chosen, correct=a.correct,
                                seconds=None, mode=args.mode, session_id=session,
                                task=a.question.task, domain=a.question.domain)
    store.finish_session(session, result)
    if args.mode == "exam":
        state = exam.ExamState(id=session, question_ids=[a.question.id for a in attempts], minutes=minutes or 0,
                               started_at=exam.utcnow(), seed=args.seed, esl=args.esl,
                               answers={a.question.id: a.chosen for a in attempts if a.chosen})
        store.save_exam(state)
        store.finish_exam(session, result)


def export(args: argparse.Namespace, out: Output) -> int:
    check_day_task(args.day, args.task)
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
        from tutor.labs.progress import lab_progress  # noqa: PLC0415

        labs = {lab_id: lab_progress(store, lab) for lab_id, lab in sorted(catalog.labs.items(), key=lambda kv: (kv[1].day, kv[0]))}
        from tutor.quiz.readiness import readiness  # noqa: PLC0415

        ready = readiness(catalog, store, lang=out.lang)
        due = len(store.due())
        mistakes = len(store.mistakes())
        exams = store.exams()
    finally:
        store.close()
    data = {
        **acc,
        "readiness": ready,
        "due": due,
        "mistakes": mistakes,
        "exams": exams,
        "questions_in_bank": len(catalog.questions),
        "lessons_read": sorted(reads),
        # Per lab and step: passed by the student, solved by the tutor, skipped, hints used.
        "labs": {lab_id: {k: v for k, v in p.items() if k != "lab"} for lab_id, p in labs.items()},
    }

    def human() -> str:
        lines = [out.t(f"Answered {acc['answered']} ({acc['distinct_questions']} distinct of {len(catalog.questions)}), accuracy {acc['accuracy'] if acc['accuracy'] is not None else '-'} %",
                       f"답변 {acc['answered']}회(문항 {len(catalog.questions)}개 중 {acc['distinct_questions']}개), 정답률 {acc['accuracy'] if acc['accuracy'] is not None else '-'}%")]
        for d, v in acc["by_domain"].items():
            lines.append(out.t(f"  domain {d}: {v['correct']}/{v['answered']} ({v['accuracy']} %)",
                               f"  도메인 {d}: {v['correct']}/{v['answered']} ({v['accuracy']}%)"))
        lines.append(out.t(f"  due today: {due}   mistakes to review: {mistakes}", f"  오늘 복습할 카드: {due}   오답 복습: {mistakes}"))
        for task, r in ready.items():
            lines.append(f"  {task}: {out.t('readiness', '준비도')} {r['readiness']} %" + (f"  ({r['recommendation']})" if r["recommendation"] else ""))
        for e in exams[-5:]:
            lines.append(out.t(f"  exam {e['finished_at']}: {e['score_percent']} % -> {e['scaled_score']}", f"  모의고사 {e['finished_at']}: {e['score_percent']}% -> {e['scaled_score']}"))
        for lab_id, v in data["labs"].items():
            extra = len(v["real_aws_only"])
            lines.append(out.t(f"  lab {lab_id} (day {v['day']}): {len(v['steps_passed'])}/{v['steps']} steps passed"
                               f" ({len(v['solved'])} solved by the tutor, {len(v['skipped'])} skipped, {v['hints_used']} hints)"
                               + (f", {extra} checked on real AWS only" if extra else "")
                               + (", complete" if v["complete"] else ""),
                               f"  실습 {lab_id}({v['day']}일차): {v['steps']}단계 중 {len(v['steps_passed'])}단계 통과"
                               f"(튜터 풀이 {len(v['solved'])}, 건너뜀 {len(v['skipped'])}, 힌트 {v['hints_used']})"
                               + (f", {extra}단계는 실제 AWS에서만 검사" if extra else "")
                               + (", 완료" if v["complete"] else "")))
            for s in v["step_status"]:
                lines.append(f"      {s['id']}: {out.t(s['state'], s['state'])}" + (f" (hints {s['hints_used']})" if s["hints_used"] else ""))
        return "\n".join(lines)

    out.emit(data, human)
    return ExitCode.OK
