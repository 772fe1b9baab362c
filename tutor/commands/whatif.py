"""`tutor whatif ...`: calculators over the tutor's models (availability of a design)."""

from __future__ import annotations

import argparse

from tutor.commands import Output
from tutor.errors import ExitCode


def availability(args: argparse.Namespace, out: Output) -> int:
    """Compose EXPR from the SLA table; exit 0 whenever it reports (meeting 99.99 % or not): a
    what-if is an answer, not a check. A bad expression raises a usage error (exit 2)."""
    from tutor.capstone.availability import evaluate  # noqa: PLC0415 - reads the SLA table

    result = evaluate(args.expr)
    data = result.to_json()

    def human() -> str:
        verdict = out.t("meets 99.99 %" if data["meets_9999"] else "below 99.99 %",
                        "99.99% 충족" if data["meets_9999"] else "99.99% 미달")
        lines = [data["expression"],
                 out.t(f"availability {data['availability_percent']:.6f} %, about "
                       f"{data['downtime_minutes_per_year']:.1f} minutes of downtime a year: {verdict}",
                       f"가용성 {data['availability_percent']:.6f}%, 연간 다운타임 약 "
                       f"{data['downtime_minutes_per_year']:.1f}분: {verdict}")]
        for c in data["components"]:
            source = f"  {c['source']} ({c['checked']})" if "source" in c else ""
            lines.append(f"  {c['name']:<22} {c['percent']:g} %{source}")
        lines.append(out.t("Parts are assumed to fail independently; figures are the published SLAs.",
                           "각 구성 요소가 독립적으로 장애를 일으킨다고 가정하며, 수치는 공개된 SLA입니다."))
        return "\n".join(lines)

    out.emit(data, human)
    return ExitCode.OK
