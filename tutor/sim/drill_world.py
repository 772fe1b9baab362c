"""Failure drills against an account: read the build, show the failure in the sandbox, undo it.

The judgement is the pure model in :mod:`tutor.sim.drills`; this module is its boundary with
AWS. It reads the build (groups and their subnets' AZs, load balancers and their target groups,
RDS DB instances, ElastiCache replication groups) and, so the student can *see* an outage in
the sandbox, makes a reversible change while the drill runs:

- ``az-outage``: each Auto Scaling group that uses the lost AZ has that AZ's subnets taken out
  of its ``VPCZoneIdentifier`` and loses its instances there (moto relaunches them at once, now
  in a surviving AZ); a group whose only AZ is lost gets MinSize and desired capacity 0
  (nothing can run). What the group looks like then is read back into the report,
  and its original subnets and sizes are restored at the end (also on Ctrl-C: try/finally).
  Before changing anything, the originals are written to ``drill-in-progress.json`` in the
  data folder so ``--restore`` (or the next drill) can repair a drill that was killed.
- ``instance-failure``: one instance of the group is terminated through Auto Scaling without
  lowering the desired capacity, so the group replaces it (nothing to restore).
- ``traffic-spike``: the sandbox clock (:func:`tutor.sim.clock.advance`) runs with ten times
  the group's load; like ``tutor sandbox advance`` its metrics, alarms and capacity stay.
- ``region-outage``: nothing changes; the model only.

Drills never run against real AWS.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any, Callable

from tutor import paths
from tutor.errors import NotEmulated, UsageError
from tutor.sim import drills
from tutor.sim.clock import _call  # the clock's translation of boto3 failures into one-line errors

MARKER_FILE = "drill-in-progress.json"
DEFAULT_REGION = "us-east-1"


# ---- the marker of a drill in progress -------------------------------------------------

def marker_path() -> Any:
    return paths.data_dir() / MARKER_FILE


def _markers() -> dict[str, Any]:
    try:
        return json.loads(marker_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_markers(markers: dict[str, Any]) -> None:
    path = marker_path()
    if not markers:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(markers, indent=1), encoding="utf-8")
    tmp.replace(path)


def pending(endpoint: str) -> dict[str, Any] | None:
    """The unrestored changes of an interrupted drill on ``endpoint``, if any."""
    return _markers().get(endpoint)


# ---- reading the build -----------------------------------------------------------------

def _pages(client: Any, operation: str, key: str) -> list[dict]:
    return [item for page in client.get_paginator(operation).paginate() for item in page.get(key) or []]


def _subnets(value: str | None) -> list[str]:
    return [s.strip() for s in (value or "").split(",") if s.strip()]


def _read_groups(client: Callable[[str], Any]) -> list[drills.GroupView]:
    groups = _pages(client("autoscaling"), "describe_auto_scaling_groups", "AutoScalingGroups")
    zone_of = subnet_zones(client) if any(g.get("VPCZoneIdentifier") for g in groups) else {}
    views = []
    for g in groups:
        subnets = _subnets(g.get("VPCZoneIdentifier"))
        zones = {zone_of[s] for s in subnets if s in zone_of} if subnets else set(g.get("AvailabilityZones") or [])
        views.append(drills.GroupView(g["AutoScalingGroupName"], tuple(sorted(zones)), int(g["DesiredCapacity"]),
                                      int(g["MinSize"]), int(g["MaxSize"]), int(g.get("HealthCheckGracePeriod") or 0),
                                      tuple(g.get("TargetGroupARNs") or ())))
    return views


def subnet_zones(client: Callable[[str], Any]) -> dict[str, str]:
    return {s["SubnetId"]: s["AvailabilityZone"] for s in _pages(client("ec2"), "describe_subnets", "Subnets")}


def _read_balancers(client: Callable[[str], Any]) -> list[drills.BalancerView]:
    elbv2 = client("elbv2")
    balancers = _pages(elbv2, "describe_load_balancers", "LoadBalancers")
    if not balancers:
        return []
    target_groups = _pages(elbv2, "describe_target_groups", "TargetGroups")
    return [drills.BalancerView(lb["LoadBalancerName"], tuple(sorted(z["ZoneName"] for z in lb.get("AvailabilityZones") or [])),
                                tuple(tg["TargetGroupArn"] for tg in target_groups
                                      if lb["LoadBalancerArn"] in (tg.get("LoadBalancerArns") or [])))
            for lb in balancers]


def _read_databases(client: Callable[[str], Any]) -> list[drills.DatabaseView]:
    views = []
    for db in _pages(client("rds"), "describe_db_instances", "DBInstances"):
        if db.get("ReadReplicaSourceDBInstanceIdentifier") or db.get("DBClusterIdentifier"):
            continue  # replicas and Aurora cluster members are not a primary of their own
        zone, multi = db.get("AvailabilityZone"), bool(db.get("MultiAZ"))
        standby = db.get("SecondaryAvailabilityZone")
        if multi and not standby:  # moto leaves it empty: any other AZ of its subnet group
            others = sorted({(s.get("SubnetAvailabilityZone") or {}).get("Name") for s in
                             (db.get("DBSubnetGroup") or {}).get("Subnets") or []} - {zone, None})
            standby = others[0] if others else None
        views.append(drills.DatabaseView(db["DBInstanceIdentifier"], zone, multi, standby))
    return views


def _read_caches(client: Callable[[str], Any]) -> list[drills.CacheView]:
    elasticache = client("elasticache")
    views = []
    for rg in _pages(elasticache, "describe_replication_groups", "ReplicationGroups"):
        failover = rg.get("AutomaticFailover") in ("enabled", "enabling")
        shards = rg.get("NodeGroups") or [{}]
        for shard in shards:
            members = shard.get("NodeGroupMembers") or []
            primary = next((m.get("PreferredAvailabilityZone") for m in members if m.get("CurrentRole") == "primary"), None)
            replicas = tuple(m.get("PreferredAvailabilityZone") for m in members if m.get("CurrentRole") != "primary")
            if not members:  # no node details: count the member clusters, AZs unknown
                replicas = (None,) * max(0, len(rg.get("MemberClusters") or []) - 1)
            name = rg["ReplicationGroupId"] if len(shards) == 1 else f"{rg['ReplicationGroupId']}/{shard.get('NodeGroupId')}"
            views.append(drills.CacheView(name, primary, replicas, failover))
    for cluster in _pages(elasticache, "describe_cache_clusters", "CacheClusters"):
        if not cluster.get("ReplicationGroupId"):
            views.append(drills.CacheView(cluster["CacheClusterId"], cluster.get("PreferredAvailabilityZone")))
    return views


def read_build(backend: Any, client: Callable[[str], Any], region: str) -> tuple[drills.Build, list[str]]:
    """The build, and the parts an endpoint does not emulate (left out of the drill); any other
    failure is the one-line environment error of :func:`tutor.labs.backend.translate`."""
    from tutor.labs.backend import translate  # noqa: PLC0415 - botocore only when a drill runs

    parts: dict[str, Any] = {}
    skipped: list[str] = []
    for key, reader in (("groups", _read_groups), ("balancers", _read_balancers),
                        ("databases", _read_databases), ("caches", _read_caches)):
        try:
            parts[key] = tuple(reader(client))
        except Exception as exc:
            failure = translate(exc, backend)
            if failure is None:
                raise
            if not isinstance(failure, NotEmulated):
                raise failure from None
            skipped.append(key)
    return drills.Build(region, **parts), skipped


# ---- the reversible change -------------------------------------------------------------

def _group(asg: Any, name: str) -> dict | None:
    found = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return found[0] if found else None


def _observe(asg: Any, name: str) -> dict[str, Any]:
    g = _group(asg, name) or {}
    return {"group": name, "zones": sorted(g.get("AvailabilityZones") or []), "desired": g.get("DesiredCapacity"),
            "instances": [{"id": i["InstanceId"], "az": i["AvailabilityZone"]} for i in g.get("Instances") or []]}


def stage_az_outage(client: Callable[[str], Any], endpoint: str, build: drills.Build, az: str) -> list[dict]:
    """Take ``az`` away from every group that uses it; the marker is written first."""
    asg = client("autoscaling")
    hit = [g for g in build.groups if az in g.zones]
    saved = {}
    for view in hit:
        g = _group(asg, view.name)
        if g is not None and g.get("VPCZoneIdentifier"):
            saved[view.name] = {k: g[k] for k in ("VPCZoneIdentifier", "MinSize", "MaxSize", "DesiredCapacity")}
    if not saved:
        return []
    markers = _markers()
    markers[endpoint] = {"drill": "az-outage", "az": az, "started": dt.datetime.now(dt.timezone.utc).isoformat(),
                         "groups": saved}
    _save_markers(markers)
    zone_of = subnet_zones(client)
    seen = []
    for view in hit:
        if view.name not in saved:
            continue
        surviving = [s for s in _subnets(saved[view.name]["VPCZoneIdentifier"]) if zone_of.get(s) != az]
        if not surviving:
            asg.update_auto_scaling_group(AutoScalingGroupName=view.name, MinSize=0, DesiredCapacity=0)
        else:
            asg.update_auto_scaling_group(AutoScalingGroupName=view.name, VPCZoneIdentifier=",".join(surviving))
            # every instance the sandbox has in the lost AZ dies (moto keeps them all in the first
            # AZ, so this may be more than the model's even spread); moto relaunches each at once,
            # now in a surviving subnet, which is what the report reads back
            for inst in (_group(asg, view.name) or {}).get("Instances") or []:
                if inst["AvailabilityZone"] == az:
                    asg.terminate_instance_in_auto_scaling_group(InstanceId=inst["InstanceId"],
                                                                 ShouldDecrementDesiredCapacity=False)
        seen.append(_observe(asg, view.name))
    return seen


def restore(client: Callable[[str], Any], endpoint: str) -> list[str]:
    """Put back what an (interrupted) drill changed on ``endpoint``; the groups restored."""
    markers = _markers()
    entry = markers.get(endpoint)
    if not entry:
        return []
    asg, done = client("autoscaling"), []
    for name, saved in entry.get("groups", {}).items():
        if _group(asg, name) is None:
            continue  # deleted since: nothing to put back
        asg.update_auto_scaling_group(AutoScalingGroupName=name, **saved)
        done.append(name)
    markers.pop(endpoint, None)
    _save_markers(markers)
    return done


def fail_one_instance(client: Callable[[str], Any], group: str) -> dict[str, Any]:
    asg = client("autoscaling")
    before = _group(asg, group) or {}
    instances = before.get("Instances") or []
    if not instances:
        return {"group": group, "terminated": None}
    victim = instances[0]["InstanceId"]
    asg.terminate_instance_in_auto_scaling_group(InstanceId=victim, ShouldDecrementDesiredCapacity=False)
    return {"terminated": victim, **_observe(asg, group)}


# ---- running a drill -------------------------------------------------------------------

def _spike(backend: Any, build: drills.Build, minutes: int, region: str) -> tuple[drills.Report, dict]:
    from tutor.sim import clock  # noqa: PLC0415

    demand = drills.spike_demand(build)

    def load(group: str, minute: int, in_service: int) -> float:
        return drills.spike_cpu(demand.get(group, 0.0), in_service)

    advanced = clock.advance(backend, minutes, load, region)
    report = drills.traffic_spike(build, minutes, clock.last_timeline(backend.endpoint or ""))
    return report, {"clock": advanced["clock"], "scaling": advanced["scaling"]}


def run(backend: Any, drill: str, az: str | None = None, minutes: int | None = None,
        region: str | None = None, lang: str = "en") -> dict[str, Any]:
    """Run ``drill`` on the account behind ``backend``; the report (JSON-ready)."""
    if backend.kind == "real":
        raise UsageError("drills never run against real AWS: use the sandbox or --endpoint-url URL")
    if drill not in drills.DRILLS:
        raise UsageError(f"unknown drill {drill!r}: choose one of {', '.join(drills.DRILLS)}")
    if minutes is None:
        minutes = drills.SPIKE_MINUTES if drill == "traffic-spike" else drills.DEFAULT_MINUTES
    if not 1 <= minutes <= 24 * 60:
        raise UsageError(f"--minutes must be between 1 and 1440, not {minutes}")
    region = region or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    endpoint = backend.endpoint or ""
    clients: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in clients:
            clients[service] = backend.client(service, region)
        return clients[service]

    repaired = _call(backend, restore, client=client, endpoint=endpoint)
    build, skipped = read_build(backend, client, region)
    sandbox: dict[str, Any] = {"restored_first": repaired} if repaired else {}
    if drill == "az-outage":
        az = az or (build.zones() or [f"{region}a"])[0]
        report = drills.az_outage(build, az, minutes)
        try:
            sandbox["during"] = _call(backend, stage_az_outage, client=client, endpoint=endpoint, build=build, az=az)
        finally:
            sandbox["restored"] = _call(backend, restore, client=client, endpoint=endpoint)
    elif drill == "instance-failure":
        report = drills.instance_failure(build, minutes)
        victim = drills.failing_group(build)
        if victim is not None:
            sandbox["during"] = [_call(backend, fail_one_instance, client=client, group=victim.name)]
    elif drill == "traffic-spike":
        report, sandbox["clock"] = _spike(backend, build, minutes, region)
    else:
        report = drills.region_outage(build, minutes)
    data = report.to_json(lang)
    data.update(sandbox=sandbox, skipped=skipped, backend=backend.to_json())
    return data


def restore_only(backend: Any, region: str | None = None) -> dict[str, Any]:
    """``--restore``: repair an interrupted drill on ``backend``; what was put back."""
    if backend.kind == "real":
        raise UsageError("drills never run against real AWS: use the sandbox or --endpoint-url URL")
    region = region or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    asg = backend.client("autoscaling", region)
    endpoint = backend.endpoint or ""
    had = pending(endpoint)
    done = _call(backend, restore, client=lambda _service: asg, endpoint=endpoint)
    return {"restored": done, "drill": (had or {}).get("drill"), "backend": backend.to_json()}
