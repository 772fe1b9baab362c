"""A lab's progress, from the store: each step passed, solved by the tutor, skipped or failing.

This is the one place that turns recorded checks and events into a step's state, for the CLI
(`tutor progress`, `tutor lab ...`), the home screen and the lab screen alike. It never talks to
AWS and never imports boto3.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tutor.store import Store

if TYPE_CHECKING:  # annotations only: pydantic is not imported before the home screen
    from tutor.content.models import Lab

#: A step's state. "solved": it passes because the tutor built it; "skipped": the student moved
#: on without it (never counted as passed).
STATES = ("passed", "solved", "skipped", "failed", "not_checked")


def record_report(store: Store, lab: Lab, report: dict[str, Any], backend: str, whole_lab: bool) -> bool:
    """Record a verify report; a whole-lab re-check in which every step passes completes the
    lab. Returns whether the lab is complete now."""
    store.record_lab_checks(lab.id, report["steps"], backend)
    if whole_lab and report["passed"] and report["steps"]:
        store.record_lab_event(lab.id, "", "complete", backend=backend)
        return True
    return False


def lab_progress(store: Store, lab: Lab, on_endpoint: bool = True) -> dict[str, Any]:
    """Per step: ``state``, ``hints_used``, ``checked_at``; per lab: counts and ``complete``."""
    status = store.lab_status(lab.id)
    events = store.lab_events(lab.id)
    steps = []
    for step in lab.steps:
        mine = [e for e in events if e["step"] == step.id]
        checked = status.get(step.id)
        solved = any(e["kind"] == "solve" for e in mine)
        skipped = any(e["kind"] == "skip" for e in mine)
        if checked and checked["passed"]:
            state = "solved" if solved else "passed"
        elif skipped:
            state = "skipped"
        elif checked:
            state = "failed"
        else:
            state = "not_checked"
        hints = [int(e["detail"]) for e in mine if e["kind"] == "hint" and str(e["detail"]).isdigit()]
        steps.append({
            "id": step.id, "state": state, "hints_used": max(hints, default=0),
            "checked_at": checked["checked_at"] if checked else None,
            "real_aws_only": step.real_aws_only,
        })
    by_state = {s: [x["id"] for x in steps if x["state"] == s] for s in STATES}
    return {
        "lab": lab.id, "day": lab.day, "steps": len(lab.steps),
        "complete": any(e["kind"] == "complete" for e in events),
        "steps_passed": sorted(by_state["passed"] + by_state["solved"]),
        "solved": by_state["solved"], "skipped": by_state["skipped"],
        "hints_used": sum(x["hints_used"] for x in steps),
        "real_aws_only": [s.id for s in lab.steps if s.real_aws_only],
        "step_status": steps,
        "current": current_step(lab, steps, on_endpoint),
    }


def current_step(lab: Lab, steps: list[dict[str, Any]], on_endpoint: bool = True) -> str | None:
    """The first step still to do (not passed, solved or skipped; real-AWS-only steps are
    left out on an endpoint), or None when none is left."""
    for step, entry in zip(lab.steps, steps):
        if on_endpoint and step.real_aws_only:
            continue
        if entry["state"] not in ("passed", "solved", "skipped"):
            return step.id
    return None


def summary_cell(progress: dict[str, Any], lang: str) -> str:
    """One short line for the home screen: ``id passed/total`` with solved and skipped counts."""
    done = len(progress["steps_passed"])
    cell = f"{progress['lab']} {done}/{progress['steps']}"
    extra = []
    if progress["solved"]:
        extra.append(("풀이 " if lang == "ko" else "solved ") + str(len(progress["solved"])))
    if progress["skipped"]:
        extra.append(("건너뜀 " if lang == "ko" else "skipped ") + str(len(progress["skipped"])))
    if extra:
        cell += f" ({', '.join(extra)})"
    if progress["complete"]:
        cell += " ✓"
    return cell
