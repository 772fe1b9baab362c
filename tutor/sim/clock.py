"""The sandbox clock: read an account, advance it some minutes, write what happened back.

moto stores alarms, policies and groups but nothing in it ever happens over time
(shared/SANDBOX.md). ``advance`` reads the groups, scaling policies and metric alarms through
boto3, runs the pure engine (:mod:`tutor.sim.engine`) and writes the outcome back so that
every ordinary describe call (and the student's ``aws`` CLI) sees it:

- ``PutMetricData``: each group's CPUUtilization (namespace ``AWS/EC2``, dimension
  ``AutoScalingGroupName``), one datapoint a minute, stamped with the sandbox's time;
- ``SetAlarmState``: every alarm whose state changed, with the reason;
- ``sns Publish``: the notification of each state change to the topics in the alarm's actions
  for the new state (an SQS queue subscribed to the topic receives it);
- ``SetDesiredCapacity``: each group whose desired capacity changed.

The clock never runs against real AWS (the command refuses ``--real``). Its offset is kept per
endpoint in the data folder (``sandbox-clock.json``): the sandbox's time is the moment the
clock first ran there plus the minutes advanced since, and it remembers the last day of each
group's CPU, its warm-up and cooldown timers and the last advance's minutes (for the timeline).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from pathlib import Path
from typing import Any, Callable

from tutor import paths
from tutor.errors import EnvironmentFailure, UsageError
from tutor.sim import alarms as alarm_model
from tutor.sim import engine, scaling

STATE_FILE = "sandbox-clock.json"
LOADTEST_FILE = "loadtest-last.json"
HISTORY_MINUTES = 24 * 60
MAX_MINUTES = 24 * 60
IDLE_CPU_PERCENT = 5.0  # a web instance with no traffic (no --cpu and no --from-loadtest)
#: Requests a second one StreamCloud web instance serves at 100 % CPU (the --from-loadtest mapping).
RPS_AT_FULL_CPU = 100.0
DEFAULT_REGION = "us-east-1"


def state_path() -> Path:
    return paths.data_dir() / STATE_FILE


def _load_states() -> dict[str, Any]:
    try:
        return json.loads(state_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_states(states: dict[str, Any]) -> None:
    path = state_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(states, indent=1), encoding="utf-8")
    tmp.replace(path)


def endpoint_state(endpoint: str) -> dict[str, Any]:
    """What the clock remembers about one endpoint (empty if it never ran there)."""
    return _load_states().get(endpoint, {})


def forget(endpoint: str) -> None:
    """Drop an endpoint's clock (call it when that sandbox is emptied)."""
    states = _load_states()
    if states.pop(endpoint, None) is not None:
        _save_states(states)


def last_timeline(endpoint: str) -> list[dict]:
    """The minutes of the last advance on ``endpoint`` (what the timeline screen draws)."""
    return endpoint_state(endpoint).get("last_timeline", [])


# ---- loads ---------------------------------------------------------------------------------

def loadtest_path() -> Path:
    """Where `tutor loadtest` leaves its last run: ``{"rps": ..., "latency_ms": {...}, ...}``."""
    return paths.data_dir() / LOADTEST_FILE


def loadtest_load() -> tuple[engine.Load, str]:
    """The load of the last load test: its requests per second shared by each group's in-service
    instances, each at 100 % CPU at ``RPS_AT_FULL_CPU`` requests a second (capped at 100 %)."""
    path = loadtest_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rps = float(data["rps"])
    except FileNotFoundError:
        raise UsageError(f"no load test to replay: run `tutor loadtest` first (it leaves its figures in {path})") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path} is not a load test report with a numeric 'rps': {exc}") from None
    if not math.isfinite(rps) or rps < 0:
        raise UsageError(f"{path}: 'rps' must be a number >= 0, not {rps}")

    def load(group: str, minute: int, in_service: int) -> float:
        return min(100.0, 100.0 * rps / (RPS_AT_FULL_CPU * max(in_service, 1)))

    return load, f"last load test: {rps:g} requests/s, {RPS_AT_FULL_CPU:g} requests/s per instance at 100 % CPU"


# ---- reading the account -------------------------------------------------------------------

def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict]:
    items: list[dict] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items.extend(page.get(key) or [])
    return items


def read_world(clients: Callable[[str], Any], remembered: dict[str, Any], start: int) -> engine.World:
    groups = _pages(clients("autoscaling"), "describe_auto_scaling_groups", "AutoScalingGroups")
    configs = {g["AutoScalingGroupName"]: scaling.GroupConfig.from_describe(g) for g in groups}
    kept = remembered.get("groups", {})
    states = {g["AutoScalingGroupName"]: scaling.GroupState.from_json(kept.get(g["AutoScalingGroupName"], {}),
                                                                         int(g["DesiredCapacity"]))
              for g in groups}
    policies = [scaling.Policy.from_describe(p)
                for p in _pages(clients("autoscaling"), "describe_policies", "ScalingPolicies")
                if p.get("AutoScalingGroupName") in configs]
    alarms: dict[str, engine.AlarmInfo] = {}
    for a in _pages(clients("cloudwatch"), "describe_alarms", "MetricAlarms"):
        spec = alarm_model.AlarmSpec.from_describe(a)
        if spec is None:
            continue
        alarms[spec.name] = engine.AlarmInfo(
            spec, a.get("StateValue") or alarm_model.INSUFFICIENT,
            {alarm_model.ALARM: list(a.get("AlarmActions") or []), alarm_model.OK: list(a.get("OKActions") or []),
             alarm_model.INSUFFICIENT: list(a.get("InsufficientDataActions") or [])},
            a.get("ActionsEnabled", True) is not False)
    series: dict[engine.SeriesKey, dict[int, float]] = {}
    for group, points in remembered.get("series", {}).items():
        if group in configs:
            series[engine.cpu_key(group)] = {int(m): float(v) for m, v in points if int(m) >= start - HISTORY_MINUTES}
    return engine.World(configs, states, policies, alarms, series)


# ---- advancing -----------------------------------------------------------------------------

def _call(backend: Any, fn: Callable[..., Any], **kwargs: Any) -> Any:
    from tutor.labs.backend import translate  # noqa: PLC0415 - boto3 only when the clock runs

    try:
        return fn(**kwargs)
    except Exception as exc:
        failure = translate(exc, backend)
        if failure is None:
            raise
        raise failure from None


def _notification(n: dict, region: str, when: dt.datetime) -> tuple[str, str]:
    """The subject and JSON message CloudWatch sends for an alarm state change."""
    subject = f'{n["state"]}: "{n["alarm"]}" in {region}'
    message = {"AlarmName": n["alarm"], "NewStateValue": n["state"], "OldStateValue": n["old_state"],
               "NewStateReason": n["reason"], "StateChangeTime": when.isoformat(), "Region": region,
               "AlarmArn": "", "Source": "tutor sandbox clock"}
    return subject[:99], json.dumps(message)


def advance(backend: Any, minutes: int, load: engine.Load, region: str | None = None) -> dict[str, Any]:
    """Advance the account behind ``backend`` by ``minutes``; the report (JSON-ready)."""
    if backend.kind == "real":
        raise UsageError("the sandbox clock never advances real AWS")
    if not 1 <= minutes <= MAX_MINUTES:
        raise UsageError(f"--minutes must be between 1 and {MAX_MINUTES}, not {minutes}")
    region = region or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    endpoint = backend.endpoint or ""
    states = _load_states()
    remembered = states.get(endpoint, {})
    origin = dt.datetime.fromisoformat(remembered["origin"]) if "origin" in remembered else \
        dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    start = int(remembered.get("minute", 0))
    clients: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in clients:
            clients[service] = backend.client(service, region)
        return clients[service]

    world = _call(backend, read_world, clients=client, remembered=remembered, start=start)
    result = engine.run(world, minutes, load, start)
    at = lambda minute: origin + dt.timedelta(minutes=minute)  # noqa: E731 - the sandbox's time

    cw = client("cloudwatch")
    for group, points in result.published.items():
        data = [{"MetricName": "CPUUtilization", "Dimensions": [{"Name": "AutoScalingGroupName", "Value": group}],
                 "Timestamp": at(m), "Value": v, "Unit": "Percent"} for m, v in points]
        for i in range(0, len(data), 500):
            _call(backend, cw.put_metric_data, Namespace="AWS/EC2", MetricData=data[i:i + 500])
    for name, alarm in result.alarms.items():
        if alarm["changed_at_minute"] is not None:
            _call(backend, cw.set_alarm_state, AlarmName=name, StateValue=alarm["state"],
                  StateReason=f"tutor sandbox clock: {alarm['reason']}"[:1023])
    for n in result.notifications:
        subject, message = _notification(n, region, at(start + n["minute"]))
        _call(backend, client("sns").publish, TopicArn=n["topic"], Subject=subject, Message=message)
    for group, changes in result.scaling.items():
        if changes:
            _call(backend, client("autoscaling").set_desired_capacity, AutoScalingGroupName=group,
                  DesiredCapacity=changes[-1].desired, HonorCooldown=False)

    series_out = {g: sorted([m, v] for m, v in world.series.get(engine.cpu_key(g), {}).items()
                            if m >= start + minutes - HISTORY_MINUTES) for g in world.groups}
    states[endpoint] = {
        "origin": origin.isoformat(), "minute": start + minutes, "series": series_out,
        "groups": {g: s.to_json() for g, s in world.states.items()}, "last_timeline": result.timeline,
    }
    try:
        _save_states(states)
    except OSError as exc:
        raise EnvironmentFailure(f"cannot save the sandbox clock in {state_path()}: {exc}") from None
    report = result.to_json()
    report["clock"] = {"start_minute": start, "end_minute": start + minutes,
                       "time": at(start + minutes).isoformat()}
    report["backend"] = backend.to_json()
    return report
