"""Cleanup in every mode: `tutor lab cleanup|reset`, `tutor cleanup --all`, and real mode's flags.

On the sandbox or an endpoint a cleanup deletes at once what carries the labs' names. With
``--real`` it is a dry run unless ``--yes --account N``: it lists exactly what would be
deleted — only what is tagged as the tutor's or recorded in the store, never an untagged
resource that merely has a lab's name (see tutor.labs.real_guard) — and deletes only then.
"""

from __future__ import annotations

import argparse
from typing import Any

from tutor.commands import Output
from tutor.errors import ExitCode, UsageError
from tutor.store import Store


#: The capstone builds through the week's labs with clients of its own, outside real mode's
#: tagging, records and guard: on a real account it is refused rather than run unguarded.

def real_options(args: argparse.Namespace) -> Any:
    """The real-mode flags every lab command takes (tutor.labs.real.RealOptions)."""
    from tutor.labs.real import RealOptions  # noqa: PLC0415

    account = getattr(args, "account", None)
    if account is not None and not (account.isdigit() and len(account) == 12):
        raise UsageError(f"--account must be a 12-digit AWS account id, not {account!r}")
    return RealOptions(profile=getattr(args, "profile", None), region=getattr(args, "region", None),
                       account=account, yes=bool(getattr(args, "yes", False)))


def attach_store(backend: Any, store: Store) -> None:
    """Real mode records each created resource in the store before the create call returns."""
    if backend.kind == "real":
        backend.recorder = lambda row: store.record_created(**row)


def say_retries(out: Output, backend: Any) -> None:
    if getattr(backend, "retries", 0):
        out.info(out.t(f"AWS throttled or failed {backend.retries} call(s); the tutor retried them with adaptive backoff",
                       f"AWS가 호출 {backend.retries}건을 제한하거나 실패시켜 튜터가 적응형 백오프로 다시 시도했습니다"))


def run_cleanups(runners: list[Any], backend: Any, store: Store, out: Output, step_id: str | None = None,
                 confirm_action: str = "delete") -> tuple[list[dict[str, Any]], bool]:
    """Each runner's cleanup; with real AWS a guarded dry run, then (with --yes, or a terminal
    for a reset) the guarded deletion. Returns the report and whether it was a dry run."""
    if backend.kind != "real":
        report: list[dict[str, Any]] = []
        for runner in runners:
            report += [{**r, "lab": runner.lab.id} if len(runners) > 1 else r for r in runner.cleanup(step_id)]
        return report, False
    from tutor.labs.real import guarded_cleanup  # noqa: PLC0415

    runners = [r for r in runners if not r.lab.graded]  # its resources are the week's labs'
    def records(runner: Any) -> list[dict[str, Any]]:
        return store.created_resources(lab=runner.lab.id, account=backend.account,
                                       endpoint=backend.endpoint or "", region=runner.lab.region)

    planned: list[dict[str, Any]] = []
    for runner in runners:
        log, _ = guarded_cleanup(runner, records(runner), dry_run=True, step_id=step_id)
        planned += [{**r, "lab": runner.lab.id} for r in log]
    if confirm_action == "delete" and not backend.options.yes:
        return planned, True
    would = [f"{r['lab']}: {r['type']} {r['id']}" for r in planned if r.get("would_delete")]
    if not would:
        return planned, confirm_action == "delete"
    backend.confirm("it will delete (only what is tagged or recorded as the tutor's)", would, out.info)
    done: list[dict[str, Any]] = []
    for runner in runners:
        log, deleted = guarded_cleanup(runner, records(runner), dry_run=False, step_id=step_id)
        store.mark_deleted(deleted, account=backend.account, region=runner.lab.region, endpoint=backend.endpoint or "")
        done += [{**r, "lab": runner.lab.id} for r in log]
    return done, False


def human(resources: list[dict[str, Any]], dry_run: bool, label: str, out: Output) -> str:
    if not resources:
        return out.t(f"{label}: nothing to delete", f"{label}: 삭제할 리소스가 없습니다")
    lines = []
    for r in resources:
        state = "would delete" if r.get("would_delete") else ("deleted" if r["deleted"] else "KEPT   ")
        lines.append(f"{state} {r['type']} {r['id']}" + (f" ({r['reason']})" if r.get("reason") else ""))
    if dry_run:
        lines.append(out.t("dry run: nothing was deleted; add --yes --account ACCOUNT_ID to delete what is listed",
                           "시험 실행: 아무것도 삭제하지 않았습니다. 나열된 리소스를 삭제하려면 --yes --account ACCOUNT_ID를 추가하십시오"))
    return "\n".join(lines)


def report_data(label: str, backend: Any, resources: list[dict[str, Any]], dry_run: bool) -> dict[str, Any]:
    data = {"lab": label, "backend": backend.to_json(), "resources": resources,
            "ok": all(r["deleted"] or r.get("would_delete") for r in resources)}
    if backend.kind == "real":
        data["dry_run"] = dry_run
    return data


def cleanup_all(args: argparse.Namespace, out: Output) -> int:
    """`tutor cleanup --all`: every lab's cleanup, as `tutor lab cleanup` does for one."""
    from tutor.commands.labs import _runner  # noqa: PLC0415
    from tutor.commands.labs import _say_if_temporary  # noqa: PLC0415
    from tutor.content.loader import load_catalog  # noqa: PLC0415
    from tutor.labs.backend import resolve  # noqa: PLC0415

    if not args.all:
        raise UsageError("tutor cleanup needs --all (one lab: tutor lab cleanup LAB)")
    catalog = load_catalog()
    store = Store(args.db)
    try:
        with resolve(args.endpoint_url, args.real, real_options(args)) as backend:
            _say_if_temporary(out, backend)
            runners = [_runner(catalog.labs[i], catalog.lab_dirs[i], out, backend) for i in sorted(catalog.labs)]
            resources, dry_run = run_cleanups(runners, backend, store, out)
            say_retries(out, backend)
    finally:
        store.close()
    out.emit(report_data("all", backend, resources, dry_run), lambda: human(resources, dry_run, "all", out))
    return ExitCode.OK
