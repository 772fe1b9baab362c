"""`tutor lab files|hint|skip|reset|watch`: what a student needs around a lab's steps."""

from __future__ import annotations

import argparse
import filecmp
import shutil
from pathlib import Path
from typing import Any

from tutor.commands import Output
from tutor.commands.labs import _checked_lab, _record_events, _runner, _say_if_temporary, shipped_files
from tutor.errors import ExitCode, UsageError
from tutor.store import Store


def _files_dir(folder: Path) -> Path:
    return folder / "files"


def files(args: argparse.Namespace, out: Output) -> int:
    """Write the files a lab's commands refer to (function code, policies...) into DIR."""
    lab, folder = _checked_lab(args)
    source = _files_dir(folder)
    target = Path(args.dir or ".").expanduser()
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is not a folder")
    shipped = shipped_files(folder)
    written, kept = [], []
    for path in shipped:
        rel = path.relative_to(source)
        dest = target / rel
        if dest.exists() and not filecmp.cmp(path, dest, shallow=False) and not args.force:
            kept.append(str(rel))  # the student's edited copy is never overwritten silently
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        written.append(str(rel))
    data = {"lab": lab.id, "dir": str(target.resolve()), "written": written, "kept": kept}

    def human() -> str:
        if not shipped:
            return out.t(f"{lab.id}: this lab needs no files", f"{lab.id}: 이 실습에는 필요한 파일이 없습니다")
        lines = [out.t(f"wrote {f}", f"작성: {f}") for f in written]
        lines += [out.t(f"kept {f} (yours differs; --force overwrites it)", f"유지: {f}(내용이 다름, --force로 덮어씀)")
                  for f in kept]
        lines.append(out.t(f"in {data['dir']}: run the lab's commands from this folder",
                           f"{data['dir']}에 작성했습니다. 이 폴더에서 실습 명령을 실행하십시오"))
        return "\n".join(lines)

    out.emit(data, human)
    return ExitCode.OK


def hint(args: argparse.Namespace, out: Output) -> int:
    """A step's next hint (or the one asked for); using it is recorded in progress."""
    from tutor.labs.progress import lab_progress  # noqa: PLC0415

    lab, _ = _checked_lab(args)
    step = lab.step(args.step)
    assert step is not None  # _checked_lab validated it
    levels = len(step.hints)
    store = Store(args.db)
    try:
        used = next(s["hints_used"] for s in lab_progress(store, lab)["step_status"] if s["id"] == step.id)
        level = args.level if args.level is not None else min(used + 1, levels)
        if not 1 <= level <= levels:
            raise UsageError(f"step {step.id} has hints 1 to {levels}, not {level}")
        store.record_lab_event(lab.id, step.id, "hint", detail=str(level))
    finally:
        store.close()
    text = step.hints[level - 1].get(out.lang)
    data = {"lab": lab.id, "step": step.id, "level": level, "levels": levels, "hint": text}
    out.emit(data, lambda: out.t(f"hint {level}/{levels} for {step.id}: {text}", f"{step.id} 힌트 {level}/{levels}: {text}"))
    return ExitCode.OK


def skip(args: argparse.Namespace, out: Output) -> int:
    lab, _ = _checked_lab(args)
    _record_events(args, lab.id, [args.step], "skip")
    data = {"lab": lab.id, "step": args.step, "skipped": True}
    out.emit(data, lambda: out.t(f"{args.step}: skipped (recorded as skipped, not as passed)",
                                 f"{args.step}: 건너뜀(통과가 아니라 건너뜀으로 기록됩니다)"))
    return ExitCode.OK


def reset(args: argparse.Namespace, out: Output) -> int:
    """Clean up (the whole lab, or what one step creates) and forget its progress."""
    from tutor.labs.backend import resolve  # noqa: PLC0415

    from tutor.commands.cleanup import real_options, run_cleanups, say_retries  # noqa: PLC0415

    lab, folder = _checked_lab(args)
    store = Store(args.db)  # a bad --db fails before anything is deleted
    try:
        with resolve(args.endpoint_url, args.real, real_options(args)) as backend:
            _say_if_temporary(out, backend)
            # Real AWS: a reset deletes only the tutor's, after the same confirmation as a solve.
            removed, _ = run_cleanups([_runner(lab, folder, out, backend)], backend, store, out,
                                      step_id=args.step, confirm_action="reset")
            say_retries(out, backend)
    finally:
        store.close()
    _record_events(args, lab.id, [args.step or ""], "reset", backend=backend.kind)
    step = lab.step(args.step) if args.step else None
    data = {"lab": lab.id, "step": args.step, "backend": backend.to_json(), "resources": removed,
            "ok": all(r["deleted"] for r in removed), "next": args.step or lab.steps[0].id}

    def human() -> str:
        lines = [f"{'deleted' if r['deleted'] else 'KEPT   '} {r['type']} {r['id']}"
                 + (f" ({r['reason']})" if r.get("reason") else "") for r in removed]
        if step is not None and not step.cleanup:
            lines.append(out.t(f"step {step.id} deletes nothing by itself: `tutor lab reset {lab.id}` cleans up the whole lab",
                               f"{step.id} 단계는 따로 삭제하는 리소스가 없습니다. 실습 전체를 정리하려면 `tutor lab reset {lab.id}`"))
        lines.append(out.t(f"{lab.id}: progress reset; next step: {data['next']}",
                           f"{lab.id}: 진행 상황을 초기화했습니다. 다음 단계: {data['next']}"))
        return "\n".join(lines)

    out.emit(data, human)
    return ExitCode.OK


def watch(args: argparse.Namespace, out: Output) -> int:
    """Re-check the current step whenever the account changes; exit 0 once every step passes."""
    from tutor.labs.backend import resolve  # noqa: PLC0415
    from tutor.labs.progress import lab_progress, record_report  # noqa: PLC0415
    from tutor.labs.watch import ChangeFeed, watch_steps  # noqa: PLC0415

    lab, folder = _checked_lab(args)
    store = Store(args.db)
    passed: list[str] = []
    try:
        from tutor.commands.cleanup import real_options  # noqa: PLC0415

        with resolve(args.endpoint_url, args.real, real_options(args)) as backend:
            _say_if_temporary(out, backend)
            runner = _runner(lab, folder, out, backend)
            feed = ChangeFeed(backend.endpoint, interval=args.interval)
            out.info(out.t(f"watching {lab.id} on {backend.describe()} ({feed.how()}); Ctrl-C stops, progress is kept",
                           f"{backend.describe()}에서 {lab.id}을(를) 지켜봅니다({feed.how()}). Ctrl-C로 멈춰도 진행 상황은 남습니다"))

            def record(report: dict[str, Any], whole: bool) -> None:
                record_report(store, lab, report, backend.kind, whole_lab=whole)

            skipped = set(lab_progress(store, lab)["skipped"])
            for event, step_id, report in watch_steps(runner, feed, record, skipped=skipped):
                if event == "passed":
                    passed.append(step_id)
                    line = out.t(f"[PASS] {step_id}", f"[통과] {step_id}")
                    sys_print(out, line, report)
                elif event == "waiting":
                    where = step_id or out.t("skipped steps", "건너뛴 단계")
                    sys_print(out, out.t(f"[....] {where}: waiting for your change", f"[....] {where}: 변경을 기다리는 중"),
                              report, failures_only=True)
                elif event == "complete":
                    out.emit({"lab": lab.id, "passed": True, "steps": passed, "complete": True},
                             out.t(f"{lab.id}: every step passed in one re-check: complete",
                                   f"{lab.id}: 전체 재검사에서 모든 단계 통과: 완료"))
                    return ExitCode.OK
    finally:
        store.close()
    return ExitCode.OK


def sys_print(out: Output, line: str, report: dict[str, Any], failures_only: bool = False) -> None:
    """Progress lines go to stderr with --json (stdout holds the one document) else stdout."""
    lines = [line]
    for step in report["steps"]:
        for c in step["checks"]:
            if failures_only and c["passed"]:
                continue
            mark = "skip" if c.get("skipped") else ("ok" if c["passed"] else "FAIL")
            lines.append(f"    {mark:<4} {c['id']}: {c['message']}")
    text = "\n".join(lines)
    if out.as_json:
        out.info(text)
    else:
        print(text, flush=True)

