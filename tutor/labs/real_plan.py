"""What a real-mode solve will create and roughly what it costs, said before anything is made.

Read from the steps' own ``aws`` commands (the solutions build the same things) and priced with
the capstone's dated price table (tutor/capstone/data/prices.yaml, us-east-1 on-demand). An
estimate, not a bill: what the table has no row for is listed as "not priced", anything
billed by the hour is flagged as not free-tier eligible unless its row is a free-tier size, and
what has no hourly fee (CloudFront, EFS, on-demand DynamoDB) is $0/h with what its use is billed
by. A Fargate service is priced from its task definition's CPU and memory times its tasks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tutor.content.models import Lab

FREE_TIER = {"ec2:t3.micro", "rds:db.t4g.micro"}
#: Billed by use only, no fee by the hour: (row, what the use is billed by).
USAGE_ONLY = {"create-distribution": ("cloudfront:hour", "data transfer out and requests"),
              "create-file-system": ("efs:standard-gb", "GB stored a month (~$%.2f/GB-month) and data read or written")}
#: Priced per hour by one row each (count 1 per command).
FLAT_HOURLY = {"create-load-balancer": "alb:hour", "create-accelerator": "globalaccelerator:hour",
               "create-nat-gateway": "natgateway:hour"}
#: Made by a command but billed by nothing the plan should list as a cost.
NOT_COSTS = ("put-bucket-versioning", "put-role-policy", "create-launch-template-version")


def _flag(command: str, name: str) -> str | None:
    match = re.search(rf"--{name}[ =]([^ ]+)", command)
    return match.group(1).strip("'\"`,;.") if match else None


def _usd(price_id: str) -> float | None:
    from tutor.capstone.cost import price_table  # noqa: PLC0415

    row = price_table()["by_id"].get(price_id)
    return float(row["usd"]) if row else None


def _price(price_id: str) -> float | None:
    from tutor.capstone.cost import price_table  # noqa: PLC0415

    row = price_table()["by_id"].get(price_id)
    return float(row["usd"]) if row and row.get("unit") == "hour" else None


def _task_sizes(lab: Lab, folder: Path | None) -> dict[str, tuple[float, float]]:
    """Each task definition family the lab registers → (vCPU, GB): from the JSON file its
    ``register-task-definition --cli-input-json file://...`` reads, or ``--cpu``/``--memory``
    (task CPU units / 1024 = vCPU, MiB / 1024 = GB)."""
    sizes: dict[str, tuple[float, float]] = {}
    for command in (c for s in lab.steps for c in s.commands if "register-task-definition" in c):
        spec: dict[str, Any] = {"family": _flag(command, "family"), "cpu": _flag(command, "cpu"),
                                "memory": _flag(command, "memory")}
        source = _flag(command, "cli-input-json") or ""
        if source.startswith("file://") and folder is not None:
            path = folder / "files" / source[len("file://"):]
            if path.is_file():
                spec.update({k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if v})
        try:
            sizes[str(spec["family"])] = (float(spec["cpu"]) / 1024, float(spec["memory"]) / 1024)
        except (TypeError, ValueError, KeyError):
            continue  # no size written down: the service stays unpriced, and says so
    return sizes


def _fargate_hourly(command: str, sizes: dict[str, tuple[float, float]]) -> tuple[float, int, str] | None:
    """(hourly USD, tasks, what) of ``ecs create-service --launch-type FARGATE``, or None."""
    family = (_flag(command, "task-definition") or "").split(":")[0].rsplit("/", 1)[-1]
    vcpu_gb = sizes.get(family)
    vcpu_price, gb_price = _usd("fargate:vcpu"), _usd("fargate:gb")
    if vcpu_gb is None or vcpu_price is None or gb_price is None or "FARGATE" not in command:
        return None
    count = int(_flag(command, "desired-count") or 1)
    vcpu, gb = vcpu_gb
    return vcpu * vcpu_price + gb * gb_price, count, f"fargate:{vcpu:g}vCPU+{gb:g}GB"


def _default_folder(lab: Lab) -> Path | None:
    from tutor import paths  # noqa: PLC0415

    folder = paths.content_root() / "labs" / lab.id
    return folder if folder.is_dir() else None


def plan(lab: Lab, step_ids: list[str] | None = None, folder: Path | None = None) -> dict[str, Any]:
    """``{items: [{step, creates, hourly_usd?, monthly_usd?, free_tier, priced}], hourly_usd,
    monthly_usd, not_free_tier: [...]}``. ``folder`` is the lab's (its files hold the task
    definition a Fargate service runs); by default the shipped lab's."""
    from tutor.capstone.cost import price_table  # noqa: PLC0415

    hours = price_table()["hours_per_month"]
    wanted = set(step_ids or [s.id for s in lab.steps])
    sizes = _task_sizes(lab, folder or _default_folder(lab))
    instance_type = None
    items: list[dict[str, Any]] = []
    for step in lab.steps:
        for command in step.commands:
            text = " ".join(command.split())
            instance_type = instance_type or (re.search(r'InstanceType\\?"?\s*[:=]\s*\\?"?([a-z0-9]+\.[a-z0-9]+)', text) or [None, None])[1]
            found = re.search(r"\baws ([a-z0-9-]+) ((?:create|run|put|allocate)-[a-z-]+)", text)
            if step.id not in wanted or not found or found.group(2) in NOT_COSTS:
                continue
            op = found.group(2)
            item: dict[str, Any] = {"step": step.id, "creates": f"{found.group(1)} {op}", "priced": False}
            price_id, count, hourly = None, 1, None
            if op in ("create-db-instance", "create-db-instance-read-replica"):
                price_id = f"rds:{_flag(text, 'db-instance-class')}"
                count = 2 if "--multi-az" in text and "--no-multi-az" not in text else 1
            elif op == "create-replication-group":
                price_id = f"elasticache:{_flag(text, 'cache-node-type')}"
                count = int(_flag(text, "replicas-per-node-group") or 0) + 1
            elif op in FLAT_HOURLY:
                price_id = FLAT_HOURLY[op]
            elif op == "create-auto-scaling-group" and instance_type:
                price_id, count = f"ec2:{instance_type}", int(_flag(text, "desired-capacity") or _flag(text, "min-size") or 1)
            elif op == "run-instances":
                price_id, count = f"ec2:{_flag(text, 'instance-type')}", int(_flag(text, "count") or 1)
            elif op == "create-service" and (fargate := _fargate_hourly(text, sizes)):
                per_task, count, price_id = fargate
                hourly = per_task
            elif op in USAGE_ONLY or (op == "create-table" and "PAY_PER_REQUEST" in text):
                row, by = USAGE_ONLY.get(op, ("dynamodb:on-demand-hour", "requests (on-demand) and GB stored"))
                if _usd(row) is not None:  # no hourly fee: $0/h, the use is what is billed
                    price_id, hourly = row, 0.0
                    item["note"] = "no hourly fee; billed by " + (by % _usd(row) if "%" in by else by)
            hourly = hourly if hourly is not None else (_price(price_id) if price_id else None)
            if hourly is not None:
                item.update({"priced": True, "price_id": price_id, "count": count, "hourly_usd": round(hourly * count, 4),
                             "monthly_usd": round(hourly * count * hours, 2)})
                if hourly > 0:
                    item["free_tier"] = price_id in FREE_TIER
            elif price_id or op in ("create-service", "create-accelerator", "create-nat-gateway"):
                item.update({"free_tier": False, "note": "billed while it exists; not priced by the table"})
            items.append(item)
    hourly = sum(i.get("hourly_usd", 0.0) for i in items)
    return {"lab": lab.id, "items": items, "hourly_usd": round(hourly, 4),
            "monthly_usd": round(sum(i.get("monthly_usd", 0.0) for i in items), 2),  # what each line says, added
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
                if i.get("priced") else "") + (f" ({i['note']})" if i.get("note") else "")
        warn = " — NOT free-tier eligible" if i.get("free_tier") is False else ""
        out.append(f"{i['step']}: {i['creates']}{cost}{warn}")
    out.append(f"estimated total: ~${estimate['hourly_usd']:.4f}/hour, ~${estimate['monthly_usd']:.2f}/month "
               f"while it runs (prices: {estimate['source']}); delete it with tutor lab cleanup LAB --real")
    return out
