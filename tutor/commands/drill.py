"""`tutor sandbox drill`: a game-day failure drill on the sandbox, component by component.

A thin front end over :func:`tutor.sim.drill_world.run` (the model is :mod:`tutor.sim.drills`).
It runs on the tutor's sandbox (started for the command if none runs) or ``--endpoint-url``;
``--real`` is refused: a drill terminates instances and rewrites groups, never on a real
account. ``--restore`` repairs a drill that was interrupted before it undid its change.
Exit 0 whenever it reports, whether or not StreamCloud kept serving.
"""

from __future__ import annotations

import argparse
from typing import Any

from tutor.commands import Output
from tutor.errors import ExitCode, UsageError

REFUSED = ("--real is refused: a drill terminates instances and changes Auto Scaling groups, which it must "
           "never do to a real account; use the sandbox or --endpoint-url URL")


def _verdict(report: dict[str, Any], out: Output) -> str:
    if not report["components"]:
        return out.t("Nothing to drill: the account has no group, load balancer, database or cache "
                     "(solve Day 1 first: tutor lab run ec2-asg --solve).",
                     "훈련할 대상이 없습니다: 계정에 그룹, 로드 밸런서, 데이터베이스, 캐시가 없습니다"
                     "(먼저 1일차를 푸십시오: tutor lab run ec2-asg --solve).")
    return out.t(f"StreamCloud kept serving: {'yes' if report['served'] else 'NO'}",
                 f"StreamCloud 서비스 유지: {'예' if report['served'] else '아니요'}")


def _sandbox_lines(sandbox: dict[str, Any], out: Output) -> list[str]:
    lines = []
    if sandbox.get("restored_first"):
        names = ", ".join(sandbox["restored_first"])
        lines.append(out.t(f"An interrupted drill was restored first: {names}.", f"중단된 훈련을 먼저 복구했습니다: {names}."))
    for seen in sandbox.get("during") or []:
        where = ", ".join(f"{i['id']} ({i['az']})" for i in seen.get("instances", [])) or "-"
        lines.append(out.t(f"In the sandbox during the drill, {seen.get('group')}: desired {seen.get('desired')}, "
                           f"instances {where}", f"훈련 중 샌드박스의 {seen.get('group')}: 원하는 용량 "
                           f"{seen.get('desired')}, 인스턴스 {where}"))
    if sandbox.get("restored"):
        names = ", ".join(sandbox["restored"])
        lines.append(out.t(f"Restored afterwards (subnets and sizes as before): {names}.",
                           f"훈련 후 복구했습니다(서브넷과 크기를 원래대로): {names}."))
    return lines


def human(report: dict[str, Any], out: Output) -> str:
    """The report as a student reads it: one line a component, then the verdict."""
    head = {"az-outage": out.t(f"{report.get('az')} is lost", f"{report.get('az')} 상실"),
            "instance-failure": out.t("one instance dies", "인스턴스 1개 장애"),
            "traffic-spike": out.t("10x traffic", "트래픽 10배"),
            "region-outage": out.t(f"Region {report.get('region')} is lost", f"리전 {report.get('region')} 상실")}
    lines = [out.t(f"Drill {report['drill']}: {head[report['drill']]} for {report['minutes']} minutes.",
                   f"훈련 {report['drill']}: {head[report['drill']]}, {report['minutes']}분.")]
    for c in report["components"]:
        mark = out.t("OK  " if c["survived"] else "LOST", "유지" if c["survived"] else "중단")
        lines.append(f"  [{mark}] {c['name']:<18} {c['resource']}: {c['reason']}")
    lines.append(_verdict(report, out))
    availability = report.get("availability")
    if availability:
        one, two = availability["single_region"], availability["two_regions"]
        lines.append(out.t(
            f"Availability: one Region {one['availability_percent']:.4f} % ({one['downtime_minutes_per_year']:.0f} min "
            f"down a year); two Regions behind Route 53 failover {two['availability_percent']:.4f} % "
            f"({two['downtime_minutes_per_year']:.0f} min) — and a Region outage leaves the other serving.",
            f"가용성: 리전 1개 {one['availability_percent']:.4f}%(연간 {one['downtime_minutes_per_year']:.0f}분 중단), "
            f"Route 53 장애 조치 뒤 리전 2개 {two['availability_percent']:.4f}%(연간 "
            f"{two['downtime_minutes_per_year']:.0f}분) — 리전 장애 때에도 다른 리전이 계속 서비스합니다."))
    lines += _sandbox_lines(report.get("sandbox") or {}, out)
    if report.get("skipped"):
        lines.append(out.t(f"Not emulated here, left out: {', '.join(report['skipped'])}",
                           f"이 엔드포인트에서 에뮬레이트되지 않아 제외: {', '.join(report['skipped'])}"))
    return "\n".join(lines)


def drill(args: argparse.Namespace, out: Output) -> int:
    from tutor.labs.backend import resolve  # noqa: PLC0415 - boto3 only when the command runs
    from tutor.sim import drill_world  # noqa: PLC0415

    if args.real:
        raise UsageError(REFUSED)
    if not args.restore and args.drill is None:
        raise UsageError("name a drill (az-outage, instance-failure, traffic-spike, region-outage) or give --restore")
    if args.restore and args.drill is not None:
        raise UsageError("--restore repairs an interrupted drill: give it alone, without a drill name")
    if args.az and args.drill not in (None, "az-outage"):
        raise UsageError("--az is for az-outage only")
    with resolve(args.endpoint_url, args.real) as backend:
        if args.restore:
            report = drill_world.restore_only(backend, getattr(args, "region", None))
            out.emit(report, lambda: out.t(
                f"Restored: {', '.join(report['restored'])}." if report["restored"] else "No interrupted drill to restore.",
                f"복구했습니다: {', '.join(report['restored'])}." if report["restored"] else "복구할 중단된 훈련이 없습니다."))
            return ExitCode.OK
        if backend.temporary:
            out.info(out.t("no sandbox was running: drilling an empty one started for this command",
                           "실행 중인 샌드박스가 없어 이 명령을 위해 빈 샌드박스를 시작했습니다"))
        report = drill_world.run(backend, args.drill, args.az, args.minutes, getattr(args, "region", None), out.lang)
    out.emit(report, lambda: human(report, out))
    return ExitCode.OK
