"""What a real-mode solve will create and roughly what it costs, said before anything is made.

Read from the steps' own ``aws`` commands (the solutions build the same things) and priced with
the capstone's dated price table (tutor/capstone/data/prices.yaml, us-east-1 on-demand). An
estimate, not a bill: what the table has no row for is listed as "not priced", and anything
billed by the hour is flagged as not free-tier eligible unless its row is a free-tier size.
"""

from __future__ import annotations

import re
from typing import Any

from tutor.content.models import Lab

FREE_TIER = {"ec2:t3.micro", "rds:db.t4g.micro"}
#: What is billed while it exists although no price row covers it (said, never guessed).
HOURLY_UNPRICED = ("create-service", "create-accelerator", "create-file-system", "create-distribution")


def _flag(command: str, name: str) -> str | None:
    match = re.search(rf"--{name}[ =]([^ ]+)", command)
    return match.group(1).strip("'\"`,;.") if match else None


def _price(price_id: str) -> float | None:
    from tutor.capstone.cost import price_table  # noqa: PLC0415

    row = price_table()["by_id"].get(price_id)
    return float(row["usd"]) if row and row.get("unit") == "hour" else None


def plan(lab: Lab, step_ids: list[str] | None = None) -> dict[str, Any]:
    """``{items: [{step, creates, hourly_usd?, monthly_usd?, free_tier, priced}], hourly_usd,
    monthly_usd, not_free_tier: [...]}``."""
    from tutor.capstone.cost import price_table  # noqa: PLC0415

    hours = price_table()["hours_per_month"]
    wanted = set(step_ids or [s.id for s in lab.steps])
    instance_type = None
    items: list[dict[str, Any]] = []
    for step in lab.steps:
        for command in step.commands:
            text = " ".join(command.split())
            instance_type = instance_type or (re.search(r'InstanceType\\?"?\s*[:=]\s*\\?"?([a-z0-9]+\.[a-z0-9]+)', text) or [None, None])[1]
            found = re.search(r"\baws ([a-z0-9-]+) ((?:create|run|put|allocate)-[a-z-]+)", text)
            if step.id not in wanted or not found or found.group(2) in ("put-bucket-versioning", "put-role-policy",
                                                                         "create-launch-template-version"):
                continue
            what = f"{found.group(1)} {found.group(2)}"
            price_id, count = None, 1
            if found.group(2) in ("create-db-instance", "create-db-instance-read-replica"):
                price_id = f"rds:{_flag(text, 'db-instance-class')}"
                count = 2 if "--multi-az" in text and "--no-multi-az" not in text else 1
            elif found.group(2) == "create-replication-group":
                price_id = f"elasticache:{_flag(text, 'cache-node-type')}"
                count = int(_flag(text, "replicas-per-node-group") or 0) + 1
            elif found.group(2) == "create-load-balancer":
                price_id = "alb:hour"
            elif found.group(2) == "create-auto-scaling-group" and instance_type:
                price_id, count = f"ec2:{instance_type}", int(_flag(text, "desired-capacity") or _flag(text, "min-size") or 1)
            elif found.group(2) == "run-instances":
                price_id, count = f"ec2:{_flag(text, 'instance-type')}", int(_flag(text, "count") or 1)
            hourly = _price(price_id) if price_id else None
            item: dict[str, Any] = {"step": step.id, "creates": what, "priced": hourly is not None}
            if hourly is not None:
                item.update({"price_id": price_id, "count": count, "hourly_usd": round(hourly * count, 4),
                             "monthly_usd": round(hourly * count * hours, 2), "free_tier": price_id in FREE_TIER})
            elif found.group(2) in HOURLY_UNPRICED or price_id:
                item.update({"free_tier": False, "note": "billed while it exists; not priced by the table"})
            items.append(item)
    hourly = sum(i.get("hourly_usd", 0.0) for i in items)
    return {"lab": lab.id, "items": items, "hourly_usd": round(hourly, 4), "monthly_usd": round(hourly * hours, 2),
            "not_free_tier": [i["creates"] for i in items if i.get("free_tier") is False],
            "source": "tutor/capstone/data/prices.yaml (us-east-1 on-demand, checked "
                      f"{price_table()['checked']})"}


def combined(estimates: list[dict[str, Any]]) -> dict[str, Any]:
    """Several labs' estimates as one (the capstone's solve runs the week's labs)."""
    if len(estimates) == 1:
        return estimates[0]
    hourly = sum(e["hourly_usd"] for e in estimates)
    return {"items": [{**i, "step": f"{e['lab']}/{i['step']}"} for e in estimates for i in e["items"]],
            "hourly_usd": round(hourly, 4),
            "monthly_usd": round(sum(e["monthly_usd"] for e in estimates), 2),
            "not_free_tier": [x for e in estimates for x in e["not_free_tier"]],
            "source": estimates[0]["source"] if estimates else ""}


def lines(estimate: dict[str, Any]) -> list[str]:
    out = []
    for i in estimate["items"]:
        cost = (f" ~${i['hourly_usd']:.4f}/h, ~${i['monthly_usd']:.2f}/month ({i['count']} x {i['price_id']})"
                if i.get("priced") else f" ({i['note']})" if i.get("note") else "")
        warn = " — NOT free-tier eligible" if i.get("free_tier") is False else ""
        out.append(f"{i['step']}: {i['creates']}{cost}{warn}")
    out.append(f"estimated total: ~${estimate['hourly_usd']:.4f}/hour, ~${estimate['monthly_usd']:.2f}/month "
               f"while it runs (prices: {estimate['source']}); delete it with tutor lab cleanup LAB --real")
    return out
