"""What the labs' resources cost while they exist: per hour and so far.

Why: the curriculum insists on cleaning up after every lab, and a student learns that faster
when the tutor shows the meter running. Two readings, both plain dicts (the TUI's status line
and quit warning read them; no Textual here):

- :func:`sandbox_meter` prices what the sandbox holds with the capstone's inventory and price
  table (:mod:`tutor.capstone.cost`): "what this would cost on AWS". The estimate's media
  library is an assumption about a catalogue, not something running, so it is left out. "So
  far" counts from each resource's creation time when the describe call gives one (read from
  the very responses the inventory got: no second round of calls), else from when the tutor
  first saw it (kept in a small JSON file in the data folder);
- :func:`real_meter` prices the real-mode resources the store recorded and has not seen
  deleted, each by the same price table through the lab's plan (:mod:`tutor.labs.real_plan`,
  the figures the real-mode confirmation showed), "so far" from when the tutor created it. It
  makes no AWS call: the records are what the tutor knows it left behind.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable

from tutor import paths

SEEN_FILE = "cost-meter-seen.json"
MEDIA_PREFIX = "media "  # the capstone estimate's stated assumption, not a running resource

#: Estimate item name prefix -> (kind, describe operation, result list, creation-time field,
#: which entry of the list). The first matching prefix wins, so the replica comes before "RDS ".
CREATION_TIMES: tuple[tuple[str, str, str, str, str, Callable[[dict[str, Any]], bool]], ...] = (
    ("EC2 ", "web-tier", "describe_auto_scaling_groups", "AutoScalingGroups", "CreatedTime", lambda r: True),
    ("RDS read replica", "db-replicas", "describe_db_instances", "DBInstances", "InstanceCreateTime",
     lambda r: str(r.get("DBInstanceIdentifier", "")).startswith("streamcloud-db-replica")),
    ("RDS ", "db", "describe_db_instances", "DBInstances", "InstanceCreateTime",
     lambda r: r.get("DBInstanceIdentifier") == "streamcloud-db"),
    ("ElastiCache", "cache", "describe_replication_groups", "ReplicationGroups", "ReplicationGroupCreateTime",
     lambda r: True),
    ("Application Load Balancer", "alb", "describe_load_balancers", "LoadBalancers", "CreatedTime", lambda r: True),
    ("EBS ", "volume", "describe_volumes", "Volumes", "CreateTime", lambda r: True),
    ("Fargate", "fargate", "describe_services", "services", "createdAt", lambda r: r.get("status") != "INACTIVE"),
)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(when: Any) -> datetime | None:
    if isinstance(when, str):
        try:
            when = datetime.fromisoformat(when)
        except ValueError:
            return None
    if not isinstance(when, datetime):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _hours_since(when: datetime, now: datetime) -> float:
    return max(0.0, (now - when).total_seconds() / 3600.0)


def _totals(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"items": items,
            "hourly_usd": round(sum(i.get("hourly_usd") or 0.0 for i in items), 4),
            "so_far_usd": round(sum(i.get("so_far_usd") or 0.0 for i in items), 4)}


# the sandbox --------------------------------------------------------------------------------
class _RecordingClient:
    """A boto3 client that keeps each operation's last response (the creation times are in them)."""

    def __init__(self, client: Any, responses: dict[str, Any]):
        self._client, self._responses = client, responses

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            self._responses[name] = result
            return result
        return call


def _creation_time(responses: dict[str, Any], op: str, key: str, field: str,
                   pick: Callable[[dict[str, Any]], bool]) -> datetime | None:
    found = [_aware(r.get(field)) for r in (responses.get(op) or {}).get(key) or [] if isinstance(r, dict) and pick(r)]
    found = [f for f in found if f is not None]
    return min(found) if found else None


def _seen_path() -> Any:
    return paths.data_dir() / SEEN_FILE


def _first_seen(where: str, kinds: set[str], now: datetime) -> dict[str, datetime]:
    """When the tutor first saw each kind at ``where``; kinds gone since are forgotten (a
    resource made again later starts a new count)."""
    path = _seen_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    known = data.get(where) if isinstance(data.get(where), dict) else {}
    seen = {k: _aware(known.get(k)) or now for k in kinds}
    data[where] = {k: v.isoformat() for k, v in seen.items()}
    try:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        tmp.replace(path)
    except OSError:  # a read-only data folder only loses the "first seen" memory
        pass
    return seen


def sandbox_meter(client: Callable[[str], Any], where: str = "sandbox",
                  now: datetime | None = None) -> dict[str, Any]:
    """What the account behind ``client`` (service -> boto3 client) would cost on AWS.

    ``{backend: "sandbox", items: [{name, kind, hourly_usd, since, since_source, so_far_usd}],
    hourly_usd, so_far_usd, prices_checked}``; ``since_source`` is "api" or "first_seen".
    """
    from tutor.capstone.cost import estimate, inventory, price_table  # noqa: PLC0415

    now = now or _now()
    responses: dict[str, Any] = {}
    clients: dict[str, _RecordingClient] = {}

    def recording(service: str) -> _RecordingClient:
        if service not in clients:
            clients[service] = _RecordingClient(client(service), responses)
        return clients[service]

    hours = float(price_table()["hours_per_month"])
    priced = [i for i in estimate(inventory(recording, lifecycle=False))["items"]
              if not i["name"].startswith(MEDIA_PREFIX)]
    rows = []
    for item in priced:
        source = next((s for s in CREATION_TIMES if item["name"].startswith(s[0])), None)
        kind = source[1] if source else item["name"]
        created = _creation_time(responses, *source[2:]) if source else None
        rows.append((item, kind, created))
    seen = _first_seen(where, {kind for _, kind, created in rows if created is None}, now)
    items = []
    for item, kind, created in rows:
        since = created or seen[kind]
        hourly = item["usd"] / hours
        items.append({"name": item["name"], "kind": kind, "hourly_usd": round(hourly, 4),
                      "since": since.isoformat(), "since_source": "api" if created else "first_seen",
                      "so_far_usd": round(hourly * _hours_since(since, now), 4)})
    return {"backend": "sandbox", "where": where, **_totals(items), "prices_checked": str(price_table()["checked"])}


# real AWS -----------------------------------------------------------------------------------
def _noun(plan_item: dict[str, Any]) -> str:
    """``autoscaling create-auto-scaling-group`` -> ``autoscaling:auto-scaling-group`` (the
    kind the real-mode recorder writes: service, then the operation's noun)."""
    service, _, op = plan_item["creates"].partition(" ")
    return f"{service}:{op.split('-', 1)[1] if '-' in op else op}"


def real_meter(records: list[dict[str, Any]], labs: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """The recorded, not yet deleted real-mode resources, each priced by its lab's plan.

    ``records`` are rows of the store's ``created_resources`` (``Store.created_resources()``);
    ``labs`` maps lab ids to :class:`tutor.content.models.Lab`. Each item: ``{name, kind, lab,
    region, account, hourly_usd (None: not priced), since, so_far_usd}``.
    """
    from tutor.labs.real_plan import plan  # noqa: PLC0415

    now = now or _now()
    plans: dict[str, dict[str, dict[str, Any]]] = {}
    items = []
    for rec in records:
        if rec.get("backend") != "real" or rec.get("deleted_at"):
            continue
        lab_id = rec.get("lab", "")
        if lab_id not in plans:
            lab = labs.get(lab_id)
            plans[lab_id] = ({_noun(i): i for i in plan(lab)["items"] if i.get("priced")} if lab is not None else {})
        item = plans[lab_id].get(rec.get("type", ""))
        hourly = None
        if item is not None:
            # RunInstances records each instance; the plan prices all of them together
            per = item["count"] if rec["type"] == "ec2:instances" else 1
            hourly = item["hourly_usd"] / max(per, 1)
        since = _aware(rec.get("created_at")) or now
        items.append({"name": rec.get("name") or rec.get("resource_id", ""), "kind": rec.get("type", ""),
                      "id": rec.get("resource_id", ""), "lab": lab_id, "region": rec.get("region", ""),
                      "account": rec.get("account", ""), "endpoint": rec.get("endpoint", ""),
                      "hourly_usd": None if hourly is None else round(hourly, 4), "since": since.isoformat(),
                      "so_far_usd": 0.0 if hourly is None else round(hourly * _hours_since(since, now), 4)})
    return {"backend": "real", **_totals(items)}


CLEANUP_COMMAND = "tutor cleanup --all --real"
