"""`tutor loadtest`: load a web tier (the local StreamCloud tier, or ``--url``) and report.

A thin front end over :mod:`tutor.loadtest`: it checks the flags (exit 2), starts the local tier
when no ``--url`` is given (always stopped afterwards, Ctrl-C included: exit 130), runs ``ab``
when it is on PATH or the built-in generator, prints progress on stderr (a line per 10 %),
leaves the report in ``data_dir()/loadtest-last.json`` (what ``tutor sandbox advance
--from-loadtest`` reads) and, with ``--publish``, sends the figures to CloudWatch. Exit 0
whenever it produces its report, even when every request failed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
from typing import Any, Callable
from urllib.parse import urlsplit

from tutor import paths
from tutor.commands import Output
from tutor.errors import EnvironmentFailure, ExitCode, UsageError

LOADTEST_FILE = "loadtest-last.json"  # the name tutor.sim.clock reads
MAX_REQUESTS = 1_000_000
MAX_CONCURRENCY = 1000


def _check(args: argparse.Namespace) -> None:
    from tutor.loadtest.tier import MAX_WORKERS  # noqa: PLC0415

    if not 1 <= args.requests <= MAX_REQUESTS:
        raise UsageError(f"--requests must be between 1 and {MAX_REQUESTS}, not {args.requests}")
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        raise UsageError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}, not {args.concurrency}")
    if args.concurrency > args.requests:
        raise UsageError(f"--concurrency ({args.concurrency}) cannot exceed --requests ({args.requests})")
    if args.workers is not None and not 1 <= args.workers <= MAX_WORKERS:
        raise UsageError(f"--workers must be between 1 and {MAX_WORKERS}, not {args.workers}")
    if not math.isfinite(args.work_ms) or not 0 <= args.work_ms <= 1000:
        raise UsageError(f"--work-ms must be between 0 and 1000, not {args.work_ms:g}")
    if args.url is not None:
        if args.workers is not None:
            raise UsageError("--workers is for the local tier; it cannot be combined with --url")
        try:
            parts = urlsplit(args.url)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as exc:
            raise UsageError(f"--url {args.url!r} is not a valid URL: {exc}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--url must look like http://127.0.0.1:8080/catalog, not {args.url!r}")


def _progress(out: Output, requests: int) -> Callable[[int, int], None]:
    """A callback that prints a line on stderr at each 10 % step (thread-safe enough: monotonic)."""
    shown = {"tenth": 0}

    def progress(done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth > shown["tenth"]:
            shown["tenth"] = tenth
            out.info(out.t(f"loadtest: {done}/{total} requests ({tenth * 10} %)",
                           f"loadtest: {done}/{total} 요청 ({tenth * 10} %)"))

    return progress


def _generate(url: str, args: argparse.Namespace, out: Output) -> dict[str, Any]:
    from tutor.loadtest import generator  # noqa: PLC0415

    progress = _progress(out, args.requests)
    ab = generator.ab_path()
    result = None
    if ab:
        result = generator.run_ab(ab, url, args.requests, args.concurrency, progress, out.info)
    if result is None:
        result = generator.run_builtin(url, args.requests, args.concurrency, progress)
    return result


def save(report: dict[str, Any]) -> str:
    path = paths.data_dir() / LOADTEST_FILE
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(report, indent=1), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise EnvironmentFailure(f"cannot save the load test report in {path}: {exc}") from None
    return str(path)


def human(report: dict[str, Any], out: Output) -> str:
    lat = report["latency_ms"]
    where = report["url"] + (out.t(f" (local tier, {report['workers']} workers)", f" (로컬 티어, 워커 {report['workers']}개)")
                             if "workers" in report else "")
    lines = [
        out.t(f"Load test of {where} with {report['tool']}", f"{where} 부하 테스트 ({report['tool']})"),
        out.t(f"  requests {report['requests']}, failed {report['failed']}, concurrency {report['concurrency']}",
              f"  요청 {report['requests']}, 실패 {report['failed']}, 동시성 {report['concurrency']}"),
        out.t(f"  {report['rps']:g} requests/s", f"  초당 {report['rps']:g} 요청"),
        out.t(f"  latency ms: p50 {lat['p50']:g}, p90 {lat['p90']:g}, p99 {lat['p99']:g}, max {lat['max']:g}",
              f"  지연 시간(ms): p50 {lat['p50']:g}, p90 {lat['p90']:g}, p99 {lat['p99']:g}, 최대 {lat['max']:g}"),
    ]
    if "published" in report:
        pub = report["published"]
        lines.append(out.t(f"  published to CloudWatch namespace {pub['namespace']}: {', '.join(pub['metrics'])}",
                           f"  CloudWatch 네임스페이스 {pub['namespace']}에 게시: {', '.join(pub['metrics'])}"))
    return "\n".join(lines)


def loadtest(args: argparse.Namespace, out: Output) -> int:
    _check(args)
    if args.url is None:
        from tutor.loadtest.tier import LocalTier  # noqa: PLC0415

        workers = args.workers or 2
        tier = LocalTier(workers=workers, work_ms=args.work_ms)
        try:
            tier.start()
        except OSError as exc:
            raise EnvironmentFailure(f"cannot start the local web tier: {exc}") from None
        try:
            out.info(out.t(f"loadtest: local StreamCloud web tier at {tier.url} ({workers} workers, {args.work_ms:g} ms of CPU a request)",
                           f"loadtest: 로컬 StreamCloud 웹 티어 {tier.url} (워커 {workers}개, 요청당 CPU {args.work_ms:g} ms)"))
            report = _generate(f"{tier.url}/catalog", args, out)
        finally:
            tier.stop()
        report["workers"] = workers
        report["work_ms"] = args.work_ms
    else:
        report = _generate(args.url, args, out)
    if args.publish:
        from tutor.labs.backend import resolve  # noqa: PLC0415 - boto3 only with --publish
        from tutor.loadtest import publish  # noqa: PLC0415

        with resolve(args.endpoint_url, False) as backend:
            report["published"] = publish.publish(backend, report, os.environ.get("AWS_DEFAULT_REGION"))
    report["saved_to"] = save(report)
    out.emit(report, lambda: human(report, out))
    return ExitCode.OK
