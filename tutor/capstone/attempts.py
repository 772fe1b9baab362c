"""Graded attempts of the capstone, kept in progress so the student sees improvement.

Each grade is stored as a lab event of kind "grade" whose detail is a small JSON summary (the
store's existing API; no schema change). Core: no Textual, no boto3.
"""

from __future__ import annotations

import json
from typing import Any

from tutor.store import Store

LAB = "streamcloud"
KIND = "grade"


def summary(report: dict[str, Any]) -> dict[str, Any]:
    return {"score": report.get("score"), "passed": report.get("passed"),
            "areas": {a: {"points": v["points"], "max": v["max"]} for a, v in (report.get("rubric") or {}).items()},
            "availability_percent": report.get("availability_percent"),
            "monthly_cost_usd": report.get("monthly_cost_usd")}


def record_grade(store: Store, report: dict[str, Any], backend: str = "") -> None:
    """Store one whole-lab grade (a single-area verify is not an attempt)."""
    if "rubric" not in report or len(report.get("steps") or []) < 4:
        return
    store.record_lab_event(LAB, "", KIND, detail=json.dumps(summary(report)), backend=backend)


def attempts(store: Store) -> list[dict[str, Any]]:
    """Earlier grades, oldest first: ``{at, score, passed, areas, ...}``."""
    out = []
    for event in store.lab_events(LAB):
        if event["kind"] != KIND:
            continue
        try:
            data = json.loads(event["detail"] or "{}")
        except ValueError:
            continue
        out.append({"at": event["at"], "backend": event["backend"], **data})
    return out


def human(report: dict[str, Any], lang: str = "en") -> str:
    """The graded report as text, for `tutor lab verify streamcloud` without --json."""
    ko = lang == "ko"
    lines = []
    for step in report["steps"]:
        mark = ("통과" if ko else "PASS") if step["passed"] else ("미통과" if ko else "FAIL")
        lines.append(f"[{mark}] {step['id']} {step.get('points', 0)}/{step.get('max', 0)}")
        for f in (report["rubric"].get(step["id"]) or {}).get("findings", []):
            sign = "+" if f["earned"] else "-"
            lines.append(f"    {sign} {f['ko'] if ko else f['en']}  [{f['lesson']}]")
    for n in report.get("not_judged", []):
        lines.append(f"    ~ {n['text']}")
    pct = report.get("availability_percent")
    if pct is not None:
        lines.append((f"합성 가용성 {pct:.4f}% (목표 99.99%)" if ko else f"composite availability {pct:.4f} % (target 99.99 %)"))
    cost = report.get("monthly_cost_usd")
    if cost is not None:
        lines.append(f"월 비용 추정 ${cost:,.2f}" if ko else f"monthly cost estimate ${cost:,.2f}")
    verdict = ("통과" if ko else "PASSED") if report["passed"] else ("미통과" if ko else "NOT PASSED")
    lines.append(f"{report['lab']}: {report['score']}/100 {verdict}")
    return "\n".join(lines)
