"""`tutor lab list|show|run|verify|cleanup`: labs from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tutor.commands import Output
from tutor.content.loader import Catalog, load_catalog
from tutor.errors import ExitCode, NotFound, UsageError
from tutor.store import Store


def _lab(catalog: Catalog, lab_id: str):
    lab = catalog.labs.get(lab_id)
    if lab is None:
        known = ", ".join(sorted(catalog.labs)) or "none"
        raise NotFound(f"no lab {lab_id!r} (labs: {known})")
    return lab, catalog.lab_dirs[lab_id]


def list_labs(args: argparse.Namespace, out: Output) -> int:
    catalog = load_catalog()
    data = [{"id": lab.id, "day": lab.day, "title": lab.title.get(out.lang), "steps": [s.id for s in lab.steps]}
            for lab in sorted(catalog.labs.values(), key=lambda l: (l.day, l.id))]
    width = max((len(d["id"]) for d in data), default=0)
    out.emit(data, lambda: "\n".join(
        out.t(f"{d['id']:<{width}}  day {d['day']}  {d['title']}  ({len(d['steps'])} steps: {', '.join(d['steps'])})",
              f"{d['id']:<{width}}  {d['day']}일차  {d['title']}  ({len(d['steps'])}단계: {', '.join(d['steps'])})")
        for d in data))
    return ExitCode.OK


def _show_real(args: argparse.Namespace) -> bool:
    """`lab show --real`, or real mode set in settings.toml (--endpoint-url is not a lab show flag)."""
    if getattr(args, "real", False):
        return True
    from tutor import settings  # noqa: PLC0415

    return settings.load().backend == "real"


def shipped_files(folder: Path) -> list[Path]:
    """The files a lab gives students (its ``files/`` folder), never Python's bytecode caches: a
    handler the tutor's tests or a student's Python imported there leaves a ``__pycache__``."""
    source = folder / "files"
    if not source.is_dir():
        return []
    return sorted(p for p in source.rglob("*")
                  if p.is_file() and p.suffix != ".pyc" and "__pycache__" not in p.relative_to(source).parts)


def show(args: argparse.Namespace, out: Output) -> int:
    lab, folder = _lab(load_catalog(), args.lab)
    lang = out.lang
    real = _show_real(args)
    data: dict[str, Any] = {
        "id": lab.id, "day": lab.day, "region": lab.region, "title": lab.title.get(lang),
        "intro": lab.intro.get(lang),
        "files": [str(p.relative_to(folder / "files")) for p in shipped_files(folder)],
        "steps": [{"id": s.id, "title": s.title.get(lang), "instructions": s.instructions.get(lang),
                   "commands": s.commands, "real_aws_only": s.real_aws_only, "lesson": s.lesson,
                   "hints": len(s.hints),
                   "checks": [{"id": c.id, "describe": c.describe.get(lang), "real_aws_only": c.real_aws_only}
                              for c in s.checks]}
                  for s in lab.steps],
    }
    if real:  # the same commands with the tutor's tags, so a real cleanup finds the student's work
        from tutor.labs.real_commands import CLI_RUN, tagged_commands  # noqa: PLC0415
        from tutor.labs.real_hooks import run_tags  # noqa: PLC0415

        tagged = tagged_commands(lab, CLI_RUN)
        data["tags"] = run_tags(lab.id, CLI_RUN)
        for step in data["steps"]:
            step["commands_real"] = tagged[step["id"]]

    def human() -> str:
        lines = [f"# {lab.id}: {data['title']}", "", data["intro"].strip(), ""]
        if real:
            lines += [out.t("Real AWS: the commands carry the tutor's tags (tutor:lab, tutor:run=cli, "
                            "tutor:created-by=saa-tutor), so `tutor lab cleanup --real` finds what you make.",
                            "실제 AWS: 명령에 튜터의 태그(tutor:lab, tutor:run=cli, tutor:created-by=saa-tutor)가 붙어 "
                            "있어 `tutor lab cleanup --real`이 직접 만든 리소스도 찾습니다."), ""]
        if data["files"]:
            lines += [out.t(f"Files the commands use ({', '.join(data['files'])}): run `tutor lab files {lab.id}` first, in the folder you type the commands in.",
                            f"명령이 사용하는 파일({', '.join(data['files'])}): 명령을 입력할 폴더에서 먼저 `tutor lab files {lab.id}`를 실행하십시오."), ""]
        for i, s in enumerate(data["steps"], 1):
            flag = out.t(" (real AWS only)", " (실제 AWS 전용)") if s["real_aws_only"] else ""
            title = s["title"] if flag.strip() in s["title"] else s["title"] + flag
            lines += [f"## {i}. {s['id']}: {title}", "", s["instructions"].strip(), ""]
            lines += [f"    {c}" for c in s.get("commands_real", s["commands"])] + [""]
            lines += [f"  - [{c['id']}] {c['describe']}" for c in s["checks"]]
            lines += [out.t(f"  hints: tutor lab hint {lab.id} --step {s['id']} ({s['hints']})",
                            f"  힌트: tutor lab hint {lab.id} --step {s['id']} ({s['hints']}개)"), ""]
        return "\n".join(lines)

    out.emit(data, human)
    return ExitCode.OK


def _human_report(report: dict[str, Any], out: Output) -> str:
    if "rubric" in report:  # a graded lab (the capstone) reports its score and findings
        return __import__("tutor.capstone.attempts", fromlist=["human"]).human(report, out.lang)
    lines = []
    for step in report["steps"]:
        mark = "PASS" if step["passed"] else "FAIL"
        lines.append(f"[{mark}] {step['id']}")
        for c in step["checks"]:
            cm = "skip" if c.get("skipped") else ("ok" if c["passed"] else "FAIL")
            lines.append(f"    {cm:<4} {c['id']}: {c['message']}")
    for sid in report.get("real_aws_only", []):
        lines.append(out.t(f"[SKIP] {sid}: real AWS only, not checked on {report['backend']['kind']}",
                           f"[SKIP] {sid}: 실제 AWS 전용, {report['backend']['kind']}에서는 검사하지 않습니다"))
    total = out.t("PASSED" if report["passed"] else "NOT PASSED", "통과" if report["passed"] else "미통과")
    lines.append(f"{report['lab']}: {total}")
    return "\n".join(lines)


def _checked_lab(args: argparse.Namespace):
    """The lab and step named on the command line, validated before any backend starts."""
    from tutor.labs.runner import require_step  # noqa: PLC0415 - imports no AWS SDK

    lab, folder = _lab(load_catalog(), args.lab)
    if getattr(args, "step", None):
        require_step(lab, args.step)
    return lab, folder


def _runner(lab, folder, out: Output, backend, region: str | None = None):
    from tutor.labs.real import lab_in_region  # noqa: PLC0415
    from tutor.labs.runner import LabRunner  # noqa: PLC0415 - boto3 only for lab commands

    # real mode: the lab in the region it runs in (--region/AWS_REGION unless pinned), so its
    # solutions, checks, records and cleanup all use that one
    return LabRunner(lab_in_region(lab, backend, region), folder, backend, lang=out.lang)


def _verify_and_record(args, out, runner, backend) -> int:
    from tutor.labs.progress import record_report  # noqa: PLC0415

    store = Store(args.db)  # opened first: a bad --db fails before any check runs
    try:
        report = runner.verify(args.step, progress=lambda s: out.info(out.t(f"checking {s} ...", f"{s} 검사 중 ...")))
        report["complete"] = record_report(store, runner.lab, report, backend.kind, whole_lab=not args.step)
        if runner.lab.graded:  # each graded attempt is kept, so the student sees the trend
            from tutor.capstone.attempts import record_grade  # noqa: PLC0415

            record_grade(store, report, backend.kind)
    finally:
        store.close()
    out.emit(report, lambda: _human_report(report, out))
    return ExitCode.OK if report["passed"] else ExitCode.FAILED


def _say_if_temporary(out: Output, backend) -> None:
    if backend.temporary:
        out.info(out.t("no sandbox is running: started an empty one for this command only; nothing it holds is kept "
                       "(tutor sandbox start keeps one running)",
                       "실행 중인 샌드박스가 없어 이 명령만을 위해 빈 샌드박스를 시작했습니다. 그 안의 내용은 남지 않습니다"
                       "(계속 실행하려면 tutor sandbox start)"))


def verify(args: argparse.Namespace, out: Output) -> int:
    from tutor.labs.backend import resolve  # noqa: PLC0415

    from tutor.commands.cleanup import real_options  # noqa: PLC0415

    lab, folder = _checked_lab(args)
    with resolve(args.endpoint_url, args.real, real_options(args)) as backend:
        _say_if_temporary(out, backend)
        _say_region(out, backend, lab)
        runner = _runner(lab, folder, out, backend)
        return _verify_and_record(args, out, runner, backend)


def _say_region(out: Output, backend, lab) -> None:
    """Real mode: a lab pinned to its region says so (tutor.labs.real.pinned_reason)."""
    from tutor.labs.real import region_note  # noqa: PLC0415

    note = region_note(lab, backend)
    if note:
        out.info(out.t(*note))


def run(args: argparse.Namespace, out: Output) -> int:
    from tutor.labs.backend import resolve  # noqa: PLC0415

    if not args.solve:
        raise UsageError("tutor lab run needs --solve (run every step's solution, then verify)")
    from tutor.commands.cleanup import attach_store, real_options, say_retries  # noqa: PLC0415

    lab, folder = _checked_lab(args)
    Store(args.db).close()  # a bad --db fails before anything is built
    with resolve(args.endpoint_url, args.real, real_options(args)) as backend:
        _say_if_temporary(out, backend)
        _say_region(out, backend, lab)
        runner = _runner(lab, folder, out, backend)
        steps = [args.step] if args.step else None
        solvers = [(runner, steps)]
        if backend.kind == "real":
            from tutor.labs.real_plan import combined, lines, plan  # noqa: PLC0415

            if lab.graded:  # the week's labs' steps, each through its own lab (tags, records, guard)
                solvers = _capstone_solvers(lab, steps, out, backend)
            todo = [(r.lab, [s for s in (st or [s.id for s in r.lab.steps]) if s not in r.skipped_steps()])
                    for r, st in solvers]
            labs = ", ".join(r.lab.id for r, _ in solvers)
            backend.confirm(f"{lab.id} --solve will create (tagged tutor:created-by=saa-tutor, tutor:lab={labs}, "
                            f"tutor:run={backend.run_id})", lines(combined([plan(l, t) for l, t in todo])), out.info)
        store = Store(args.db)
        try:
            attach_store(backend, store)
            solved = []
            for one, st in solvers:
                solved += one.solve(st, progress=lambda s: out.info(out.t(f"solving {s} ...", f"{s} 풀이 실행 중 ...")))
            if solvers[0][0] is not runner:  # the capstone's areas are what was asked for
                solved = steps or [s.id for s in lab.steps]
        finally:
            store.close()
            say_retries(out, backend)
        _record_events(args, lab.id, solved, "solve", backend.kind)
        out.info(out.t(f"solved: {', '.join(solved) or 'nothing'}", f"풀이 실행: {', '.join(solved) or '없음'}"))
        return _verify_and_record(args, out, runner, backend)


def _week_runners(capstone, out: Output, backend) -> tuple[dict[str, Any], dict[str, Any]]:
    """Real mode: the week's labs and their runners in the capstone's region, where the capstone
    builds them (a capstone is pinned to its region, so --region does not move it)."""
    catalog = load_catalog()
    week = {k: v for k, v in catalog.labs.items() if not v.graded}
    return week, {k: _runner(v, catalog.lab_dirs[k], out, backend, region=capstone.region) for k, v in week.items()}


def _capstone_solvers(lab, steps, out: Output, backend) -> list:
    """Real mode: runners of the week's labs for the capstone's areas, in the capstone's region."""
    from tutor.labs.real import capstone_steps  # noqa: PLC0415

    week, runners = _week_runners(lab, out, backend)
    return [(runners[i], st) for i, st in capstone_steps(lab, steps or [s.id for s in lab.steps], week)]


def _record_events(args, lab_id: str, steps: list[str], kind: str, backend: str = "", detail: str = "") -> None:
    store = Store(args.db)
    try:
        for step in steps:
            store.record_lab_event(lab_id, step, kind, detail=detail, backend=backend)
    finally:
        store.close()


def cleanup(args: argparse.Namespace, out: Output) -> int:
    from tutor.commands.cleanup import human, real_options, report_data, run_cleanups, say_retries  # noqa: PLC0415
    from tutor.labs.backend import resolve  # noqa: PLC0415

    lab, folder = _checked_lab(args)
    store = Store(args.db)
    try:
        with resolve(args.endpoint_url, args.real, real_options(args)) as backend:
            _say_if_temporary(out, backend)
            _say_region(out, backend, lab)
            runners = [_runner(lab, folder, out, backend)]
            if lab.graded and backend.kind == "real":
                # The capstone owns nothing itself: what it built belongs to the week's labs (their
                # tags and records), so its cleanup is theirs, each guarded, in the region it built
                # them in (with --region elsewhere, the labs' own cleanup would look there instead).
                runners = [r for _, r in sorted(_week_runners(lab, out, backend)[1].items())]
            removed, dry_run = run_cleanups(runners, backend, store, out)
            say_retries(out, backend)
    finally:
        store.close()
    data = report_data(args.lab, backend, removed, dry_run)
    out.emit(data, lambda: human(removed, dry_run, args.lab, out))
    kept = [r for r in removed if not r["deleted"] and not r.get("would_delete")]
    if kept:
        # Not a failure of the tutor: what the lab named is kept because something else needs it.
        out.info(out.t(f"{len(kept)} resource(s) kept: see the reason beside each",
                       f"리소스 {len(kept)}개를 남겼습니다: 각 항목의 이유를 확인하십시오"))
    return ExitCode.OK
