"""The minute-by-minute loop: publish each group's metric, evaluate alarms, apply policies.

Pure: it takes a :class:`World` (what the clock read from the account, or what the what-if
simulator made up) and a load, and returns what happened. Writing it back is the clock's job.

Each minute ``t`` of an advance, in this order (CloudWatch and Auto Scaling run concurrently in
AWS; one fixed order keeps the sandbox reproducible):

0. the scheduled actions of minute ``t`` run (:func:`tutor.sim.scaling.scheduled`);
1. every group reports the minute's CPUUtilization from the load (a datapoint at ``t``);
2. at the end of the minute every alarm is evaluated (:mod:`tutor.sim.alarms`); a change of
   state sends its actions' SNS notifications; an alarm in ALARM invokes its step and simple
   scaling policies (every minute it stays there, as Auto Scaling alarm actions do);
3. every target tracking policy is evaluated (:mod:`tutor.sim.scaling`).

Minutes in the result count from the start of the advance: minute 1 is the end of its first
minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from tutor.sim import alarms as alarm_model
from tutor.sim import scaling

SeriesKey = tuple[str, str, tuple[tuple[str, str], ...]]
#: CPU % of a group at an absolute minute, given how many of its instances are in service.
Load = Callable[[str, int, int], float]


def cpu_key(group: str) -> SeriesKey:
    """The series CloudWatch keeps for a group's CPU (what alarms on the group watch)."""
    return ("AWS/EC2", "CPUUtilization", (("AutoScalingGroupName", group),))


@dataclass
class AlarmInfo:
    spec: alarm_model.AlarmSpec
    state: str
    actions: Mapping[str, list[str]] = field(default_factory=dict)  # state -> action ARNs
    actions_enabled: bool = True


@dataclass
class World:
    groups: dict[str, scaling.GroupConfig]
    states: dict[str, scaling.GroupState]
    policies: list[scaling.Policy] = field(default_factory=list)
    alarms: dict[str, AlarmInfo] = field(default_factory=dict)
    series: dict[SeriesKey, dict[int, float]] = field(default_factory=dict)  # absolute minute -> value
    scheduled: list[scaling.ScheduledAction] = field(default_factory=list)  # run at the start of their minute


@dataclass
class Result:
    start: int
    minutes: int
    alarms: dict[str, dict] = field(default_factory=dict)
    scaling: dict[str, list[scaling.Change]] = field(default_factory=dict)
    notifications: list[dict] = field(default_factory=list)
    timeline: list[dict] = field(default_factory=list)
    published: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "minutes": self.minutes,
            "alarms": self.alarms,
            "scaling": {g: [{"minute": c.minute, "desired": c.desired, "reason": c.reason} for c in changes]
                        for g, changes in self.scaling.items()},
            "notifications": self.notifications,
        }


def constant(percent: float) -> Load:
    """A held reading: the group's average CPU stays at ``percent`` whatever its size."""
    return lambda group, minute, in_service: percent


def run(world: World, minutes: int, load: Load, start: int = 0) -> Result:
    """Advance ``world`` by ``minutes`` from absolute minute ``start``; mutates its states and
    series and returns what happened."""
    result = Result(start, minutes)
    result.scaling = {g: [] for g in world.groups}
    result.alarms = {name: {"state": a.state, "changed_at_minute": None, "reason": None}
                     for name, a in world.alarms.items()}
    by_arn = {p.arn: p for p in world.policies if p.arn}
    due: dict[int, list[scaling.ScheduledAction]] = {}
    for action in world.scheduled:
        if start <= action.minute < start + minutes:
            due.setdefault(action.minute, []).append(action)
    for t in range(start, start + minutes):
        now, rel = t + 1, t + 1 - start
        for action in due.get(t, ()):
            group = world.groups.get(action.group)
            if group is not None:
                world.groups[action.group], change = scaling.scheduled(group, world.states[action.group], action, t)
                _record(result, action.group, change, rel - 1)
        for name, state in world.states.items():
            cpu = round(float(load(name, t, state.in_service(t))), 3)
            world.series.setdefault(cpu_key(name), {})[t] = cpu
            result.published.setdefault(name, []).append((t, cpu))
        for name, info in world.alarms.items():
            _evaluate_alarm(world, info, now, rel, result, by_arn)
        for policy in world.policies:
            if policy.kind != "TargetTrackingScaling" or policy.metric != scaling.CPU_METRIC:
                continue
            group = world.groups.get(policy.group)
            if group is None:
                continue
            series = world.series.get(cpu_key(policy.group), {})
            recent = [series[m] for m in range(now - scaling.SCALE_IN_DATAPOINTS, now) if m in series]
            change = scaling.target_tracking(group, policy, world.states[policy.group], recent, now)
            _record(result, policy.group, change, rel)
        result.timeline.append({
            "minute": rel,
            "cpu": {g: world.series[cpu_key(g)][t] for g in world.states},
            "desired": {g: s.desired for g, s in world.states.items()},
            "in_service": {g: s.in_service(now) for g, s in world.states.items()},
            "alarms": {n: a.state for n, a in world.alarms.items()},
        })
    return result


def _record(result: Result, group: str, change: scaling.Change | None, rel: int) -> None:
    if change is not None:
        result.scaling.setdefault(group, []).append(scaling.Change(rel, change.desired, change.reason))


def _evaluate_alarm(world: World, info: AlarmInfo, now: int, rel: int, result: Result,
                    by_arn: Mapping[str, scaling.Policy]) -> None:
    spec = info.spec
    series = world.series.get((spec.namespace, spec.metric, spec.dimensions), {})
    evaluation = alarm_model.evaluate(spec, series, now, info.state)
    old = info.state
    if evaluation.state != old:
        info.state = evaluation.state
        result.alarms[spec.name] = {"state": info.state, "changed_at_minute": rel, "reason": evaluation.reason}
        if info.actions_enabled:
            for arn in info.actions.get(info.state, []):
                if arn.startswith("arn:aws:sns:"):
                    result.notifications.append({"minute": rel, "topic": arn, "alarm": spec.name, "state": info.state,
                                                 "old_state": old, "reason": evaluation.reason})
    if info.state != alarm_model.ALARM or not info.actions_enabled:
        return
    latest = next((v for v in reversed(evaluation.periods) if v is not None), None)
    for arn in info.actions.get(alarm_model.ALARM, []):
        policy = by_arn.get(arn)
        if policy is None or policy.kind not in ("StepScaling", "SimpleScaling") or latest is None:
            continue
        group = world.groups.get(policy.group)
        if group is None:
            continue
        change = scaling.alarm_policy(group, policy, world.states[policy.group], latest, spec.threshold, now, spec.name)
        _record(result, policy.group, change, rel)
