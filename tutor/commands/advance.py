"""`tutor sandbox advance`: move the sandbox's clock forward so alarms fire and groups scale.

A thin front end over :func:`tutor.sim.clock.advance`. It runs on the tutor's sandbox (started
for the command if none runs, as lab commands do) or ``--endpoint-url``; ``--real`` is refused:
the clock writes alarm states and capacities, which it must never do to a real account.
Exit 0 whenever it produces its report.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from tutor.commands import Output
from tutor.errors import ExitCode, UsageError


def _load(args: argparse.Namespace) -> tuple[Any, str]:
    from tutor.sim import clock, engine  # noqa: PLC0415

    if args.from_loadtest:
        return clock.loadtest_load()
    if args.cpu is None:
        return engine.constant(clock.IDLE_CPU_PERCENT), f"idle: {clock.IDLE_CPU_PERCENT:g} % CPU (no --cpu given)"
    if not math.isfinite(args.cpu) or not 0 <= args.cpu <= 100:
        raise UsageError(f"--cpu must be a percentage between 0 and 100, not {args.cpu:g}")
    return engine.constant(args.cpu), f"CPU held at {args.cpu:g} %"


def human(report: dict[str, Any], out: Output) -> str:
    lines = [out.t(f"Advanced {report['minutes']} minutes ({report['load']}); sandbox time {report['clock']['time']}.",
                   f"{report['minutes']}분 진행했습니다({report['load']}). 샌드박스 시각 {report['clock']['time']}.")]
    events: list[tuple[int, str]] = []
    for name, alarm in report["alarms"].items():
        if alarm["changed_at_minute"] is not None:
            events.append((alarm["changed_at_minute"], out.t(f"alarm {name} -> {alarm['state']}: {alarm['reason']}",
                                                             f"경보 {name} -> {alarm['state']}: {alarm['reason']}")))
    for n in report["notifications"]:
        events.append((n["minute"], out.t(f"notification to {n['topic']} ({n['alarm']} {n['state']})",
                                          f"{n['topic']}에 알림 전송({n['alarm']} {n['state']})")))
    for group, changes in report["scaling"].items():
        for c in changes:
            events.append((c["minute"], out.t(f"{group}: desired capacity {c['desired']} — {c['reason']}",
                                              f"{group}: 원하는 용량 {c['desired']} — {c['reason']}")))
    for minute, text in sorted(events, key=lambda e: e[0]):
        lines.append(f"  +{minute:>3} min  {text}")
    if not events:
        lines.append(out.t("  Nothing changed: no alarm changed state and no group scaled.",
                           "  변화 없음: 상태가 바뀐 경보도, 조정된 그룹도 없습니다."))
    states = ", ".join(f"{n} {a['state']}" for n, a in report["alarms"].items())
    if states:
        lines.append(out.t(f"Alarms now: {states}", f"현재 경보: {states}"))
    return "\n".join(lines)


def advance(args: argparse.Namespace, out: Output) -> int:
    from tutor.labs.backend import resolve  # noqa: PLC0415 - boto3 only when the command runs
    from tutor.sim import clock  # noqa: PLC0415

    if args.minutes is None or args.minutes < 1 or args.minutes > clock.MAX_MINUTES:
        raise UsageError(f"--minutes must be between 1 and {clock.MAX_MINUTES}")
    if args.real:
        raise UsageError("--real is refused: the sandbox clock never advances real AWS (it would set alarm "
                         "states and capacities on a real account); use the sandbox or --endpoint-url URL")
    load, described = _load(args)
    with resolve(args.endpoint_url, args.real) as backend:
        if backend.temporary:
            out.info(out.t("no sandbox was running: advancing an empty one started for this command",
                           "실행 중인 샌드박스가 없어 이 명령을 위해 빈 샌드박스를 시작했습니다"))
        report = clock.advance(backend, args.minutes, load, getattr(args, "region", None))
    report = {"load": described, **report}
    out.emit(report, lambda: human(report, out))
    return ExitCode.OK
