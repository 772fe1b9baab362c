"""`tutor whatif ...`: calculators over the tutor's models (availability of a design, S3 storage cost)."""

from __future__ import annotations

import argparse
from typing import Any

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


def storage_cost(args: argparse.Namespace, out: Output) -> int:
    """Price a growing media library per S3 storage-class strategy (tutor.capstone.storage_cost);
    exit 0 whenever it reports. Bad numbers never get here: the parser rejects them (exit 2)."""
    from tutor.capstone.storage_cost import bar_strip, plan  # noqa: PLC0415 - reads the price table

    data = plan(args.tb_per_month, args.years, args.object_mb, args.profile)

    def human() -> str:
        ko = out.lang == "ko"
        inputs, rows = data["inputs"], data["strategies"]
        top = max((max(r["monthly_usd"]) for r in rows), default=0.0)
        lines = [out.t(f"{inputs['tb_per_month']:g} TB of new media a month for {inputs['years']} years, "
                       f"{inputs['object_mb']:g} MB objects; access: {data['profile']['en']}",
                       f"매월 신규 미디어 {inputs['tb_per_month']:g} TB, {inputs['years']}년, 객체 {inputs['object_mb']:g} MB; "
                       f"접근 패턴: {data['profile']['ko']}"),
                 out.t("monthly cost, one column per month (same scale for every strategy):",
                       "월별 비용, 한 칸이 한 달(모든 전략이 같은 눈금):")]
        for r in rows:
            mark = "*" if r["id"] == data["cheapest"] else " "
            name = r["name_ko"] if ko else r["name"]
            lines.append(f"{mark} {name}")
            lines.append(f"    {bar_strip(r['monthly_usd'], top, 60)}  ${r['total_usd']:,.2f}")
            note = r["note_ko"] if ko else r["note_en"]
            if note:
                lines.append(f"    ({note})")
        lines.append(out.t(f"* cheapest. us-east-1 list prices checked {data['assumptions']['prices_checked']}; "
                           "requests, data transfer out and the free tier are left out.",
                           f"* 가장 저렴. us-east-1 정가, {data['assumptions']['prices_checked']} 확인; "
                           "요청, 외부 데이터 전송, 프리 티어는 제외했습니다."))
        return "\n".join(lines)

    out.emit(data, human)
    return ExitCode.OK


# the parser of `tutor whatif storage-cost` (kept here so the shared cli.py only registers it) --
def _number(kind: type, low: float, high: float, what: str):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not (low < value <= high if kind is float else low <= value <= high):
            bounds = f"more than {low:g} and at most {high:g}" if kind is float else f"between {low} and {high}"
            raise argparse.ArgumentTypeError(f"{what} must be {bounds}, not {text}")
        return value
    return parse


def add_storage_cost_parser(actions: Any, common: argparse.ArgumentParser) -> None:
    from tutor.capstone.storage_cost import DEFAULT_OBJECT_MB, DEFAULT_PROFILE, PROFILES  # noqa: PLC0415

    p = actions.add_parser("storage-cost", parents=[common],
                           help="monthly S3 cost of a growing media library per storage-class strategy")
    p.add_argument("--tb-per-month", type=_number(float, 0, 100_000, "--tb-per-month"), default=2.0, metavar="N",
                   help="TB of new media each month, more than 0 (default 2)")
    p.add_argument("--years", type=_number(int, 1, 10, "--years"), default=3, metavar="N",
                   help="how many years to plan, 1-10 (default 3)")
    p.add_argument("--object-mb", type=_number(float, 0, 5 * 1024 * 1024, "--object-mb"), default=None, metavar="MB",
                   help=f"average object size in MB (default {DEFAULT_OBJECT_MB:g}); under 0.125 MB (128 KB) "
                        "objects are billed as 128 KB in IA classes and are not transitioned")
    p.add_argument("--profile", choices=sorted(PROFILES), default=DEFAULT_PROFILE,
                   help=f"access pattern by age (default {DEFAULT_PROFILE}): "
                        + "; ".join(f"{k}: {v.en}" for k, v in PROFILES.items()))


SPARK_MARKS = "▁▂▃▄▅▆▇█"


def spark_text(values: list[float], width: int = 60, high: float | None = None) -> str:
    """A one-line sparkline: the series cut into ``width`` buckets, each drawn by its maximum, on
    a scale from 0 to ``high`` (default: the series' own maximum)."""
    if not values:
        return ""
    size = max(1, -(-len(values) // width))  # ceil: every bucket but the last holds `size` minutes
    peaks = [max(values[i:i + size]) for i in range(0, len(values), size)]
    high = max(peaks) if high is None else high
    if high <= 0:
        return SPARK_MARKS[0] * len(peaks)
    return "".join(SPARK_MARKS[min(7, int(p / high * 7 + 0.5))] for p in peaks)


def scaling(args: argparse.Namespace, out: Output) -> int:
    """Simulate the pattern under --policy (and --compare); exit 0 whenever it reports, drops or
    not. A bad policy or an out-of-range number is a usage error (exit 2)."""
    from tutor.sim.whatif_scaling import report  # noqa: PLC0415

    data = report(args.pattern, args.policy, args.warmup, args.cooldown, args.minutes, args.compare)

    runs = [data, data["compare"]] if "compare" in data else [data]
    # one scale per series for both policies, so their sparklines compare at a glance
    highs = {key: max(r[key] for run in runs for r in run["series"]) for key in ("demand", "capacity", "cpu", "dropped")}

    def run_lines(run: dict) -> list[str]:
        s, series = run["summary"], run["series"]
        lines = [out.t(f"policy {run['policy']}: peak capacity {s['peak_capacity']}, dropped {s['dropped_total']:,} "
                       f"({s['dropped_percent']:g} %), cost {s['cost_instance_hours']:g} instance-hours, "
                       f"{s['scaling_actions']} scaling actions",
                       f"정책 {run['policy']}: 최대 용량 {s['peak_capacity']}, 드롭 {s['dropped_total']:,}건 "
                       f"({s['dropped_percent']:g}%), 비용 {s['cost_instance_hours']:g} 인스턴스-시간, "
                       f"스케일링 {s['scaling_actions']}회")]
        for key, en, ko in (("demand", "requests", "요청"), ("capacity", "capacity", "용량"), ("cpu", "CPU %", "CPU %"),
                            ("dropped", "dropped", "드롭")):
            values = [r[key] for r in series]
            label = out.t(en, ko)
            pad = " " * (9 - len(label) - sum(1 for ch in label if ord(ch) >= 0x1100))  # Hangul takes 2 columns
            lines.append(f"  {label}{pad} {spark_text(values, high=highs[key])}  max {max(values):g}")
        return lines

    def human() -> str:
        lines = [out.t(f"{data['pattern']} from {data['starts_at']}, {data['minutes']} minutes; warm-up "
                       f"{data['warmup_s']} s, cooldown {data['cooldown_s']} s; 1 instance = "
                       f"{data['model']['requests_per_instance_per_minute']} requests/min at 100 % CPU",
                       f"{data['pattern']}, {data['starts_at']}부터 {data['minutes']}분; 워밍업 {data['warmup_s']}초, "
                       f"쿨다운 {data['cooldown_s']}초; 인스턴스 1대 = CPU 100%에서 분당 "
                       f"{data['model']['requests_per_instance_per_minute']}건")]
        for run in runs:
            lines += run_lines(run)
        return "\n".join(lines)

    out.emit(data, human)
    return ExitCode.OK
