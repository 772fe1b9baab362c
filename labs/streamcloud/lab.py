"""StreamCloud capstone (day 5, graded): the week's pieces, graded on the course rubric.

Verify calls ``grade(ctx, step_id)``: it runs the week's own lab checks (tutor.capstone.evidence),
scores them on the rubric (tutor.capstone.rubric), and adds the monthly cost estimate
(tutor.capstone.cost). The steps are the rubric's four areas; a step's solution runs the other
labs' solutions for the pieces its area reads; cleanup is the union of their cleanups.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tutor.capstone import cost as cost_estimate
from tutor.capstone import evidence, rubric
from tutor.labs.kit import Context

LAB_ID = "streamcloud"
LABS_DIR = Path(__file__).resolve().parent.parent


def _week(ctx: Context):
    return evidence.week_labs(LABS_DIR, exclude=LAB_ID)


def _titles() -> dict[str, tuple[str, str]]:
    """Each criterion's title: its check's describe in lab.yaml, without the points suffix."""
    lab = evidence.labs_catalog(LABS_DIR).labs[LAB_ID]
    return {c.id: (c.describe.en.rsplit(": ", 1)[0], c.describe.ko.rsplit(": ", 1)[0])
            for s in lab.steps for c in s.checks}


def _lang(ctx: Context) -> str:
    return ctx.lang


def grade(ctx: Context, step_id: str | None = None) -> dict[str, Any]:
    labs, dirs = _week(ctx)
    ev = evidence.LabEvidence(ctx, labs, dirs)
    with ThreadPoolExecutor(1, thread_name_prefix="capstone-cost") as pool:
        # the cost inventory's describes overlap the checks' (they read the same account)
        stock = pool.submit(cost_estimate.inventory, ev.clients, False)
        ev.prefetch(rubric.evidence_keys(ev))
        report = rubric.grade(ev, _titles(), lang=_lang(ctx), step_id=step_id)
        inventory = stock.result()
    inventory.lifecycle = bool((o := ev.outcome("storage-tuning", "s3-lifecycle", "transitions"))
                               and o.passed and not o.skipped)
    estimate = cost_estimate.estimate(inventory)
    report["monthly_cost_usd"] = estimate["monthly_cost_usd"]
    report["cost"] = estimate
    return report


# solutions: the pieces each area reads, built by their own labs' solutions --------------
def _solve_area(ctx: Context, area: str) -> None:
    labs, dirs = _week(ctx)
    evidence.solve_steps(ctx, labs, dirs, rubric.area_steps([area]))


def solve_scalability(ctx: Context) -> None:
    _solve_area(ctx, "scalability")


def solve_performance(ctx: Context) -> None:
    _solve_area(ctx, "performance")


def solve_availability(ctx: Context) -> None:
    _solve_area(ctx, "availability")


def solve_cost(ctx: Context) -> None:
    _solve_area(ctx, "cost")


def cleanup(ctx: Context) -> list[dict[str, Any]]:
    labs, dirs = _week(ctx)
    return evidence.cleanup_all(ctx, labs, dirs)
