"""The one Auto Scaling model: what a group's desired capacity becomes, minute by minute.

Pure functions over a group's configuration, its policies and a metric series; the sandbox
clock (:mod:`tutor.sim.clock`) and the what-if simulator both call them, so a student sees
the same behaviour in both. moto stores policies but never scales (shared/SANDBOX.md).

The model, from the Amazon EC2 Auto Scaling User Guide:

- **Target tracking** keeps a metric near ``TargetValue``. The desired capacity is proportional:
  ``ceil(capacity × metric / target)``. Auto Scaling creates two alarms for the policy: a
  high one that needs the metric above the target for 3 one-minute datapoints, and a low one
  that needs it below for 15, so scale-out is fast and scale-in waits until the metric has
  stayed low ("scale in gradually"); ``DisableScaleIn`` turns scale-in off.
  https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
  https://docs.aws.amazon.com/autoscaling/ec2/userguide/target-tracking-scaling-policy-overview.html
- **Instance warm-up**: a new instance does not count in the group's aggregated metrics until
  its warm-up ends. While instances warm up, the group scales out only when the metric of the
  warmed-up instances still calls for it, counting the warming instances as part of the current
  capacity (so repeated breaches add only the difference), and it does not scale in at all.
  The warm-up is the policy's ``EstimatedInstanceWarmup``, else the group's
  ``DefaultInstanceWarmup``, else its ``DefaultCooldown`` (300 s by default).
  https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html
- **Step scaling** adds the adjustment of the step whose bounds (relative to the alarm's
  threshold) hold the breach, each time its alarm is evaluated in ALARM (Auto Scaling alarm
  actions repeat every minute the alarm stays in ALARM); warm-up as above, no cooldown.
  https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
- **Simple scaling** applies one adjustment and then waits for the cooldown (the policy's
  ``Cooldown``, else the group's ``DefaultCooldown``, 300 s) before any further simple scaling.
  https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scaling-cooldowns.html
- **Scheduled actions** set ``MinSize``, ``MaxSize`` and/or ``DesiredCapacity`` at a time; as
  with UpdateAutoScalingGroup, a new minimum above the desired capacity raises it and a new
  maximum below it lowers it (instances launched here warm up as the group's default says).
  https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html
- **Adjustment types** ``ChangeInCapacity``, ``ExactCapacity``, ``PercentChangeInCapacity``
  (rounded toward zero, at least 1 in magnitude, then ``MinAdjustmentMagnitude``); the result
  is always clamped to ``MinSize``..``MaxSize``.
  https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html#as-scaling-adjustment

Time is in whole minutes (the clock publishes one datapoint a minute); launches are instant,
so an instance is InService the minute it is launched and starts its warm-up then.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Mapping, Sequence

DEFAULT_COOLDOWN_SECONDS = 300
SCALE_OUT_DATAPOINTS = 3  # the target tracking high alarm: 3 of 3 one-minute datapoints
SCALE_IN_DATAPOINTS = 15  # the target tracking low alarm: 15 of 15
CPU_METRIC = "ASGAverageCPUUtilization"


def _minutes(seconds: float | None) -> int:
    return max(0, math.ceil((seconds or 0) / 60))


@dataclass(frozen=True)
class GroupConfig:
    name: str
    min_size: int
    max_size: int
    default_cooldown_s: int = DEFAULT_COOLDOWN_SECONDS
    default_instance_warmup_s: int | None = None

    @classmethod
    def from_describe(cls, group: Mapping) -> "GroupConfig":
        warmup = group.get("DefaultInstanceWarmup")
        return cls(group["AutoScalingGroupName"], int(group["MinSize"]), int(group["MaxSize"]),
                   int(group.get("DefaultCooldown") or DEFAULT_COOLDOWN_SECONDS),
                   None if warmup is None or warmup < 0 else int(warmup))

    def clamp(self, desired: int) -> int:
        return max(self.min_size, min(self.max_size, desired))


@dataclass(frozen=True)
class StepAdjustment:
    lower: float | None  # bounds relative to the alarm threshold; None is unbounded
    upper: float | None
    adjustment: int


@dataclass(frozen=True)
class Policy:
    name: str
    group: str
    kind: str  # TargetTrackingScaling | StepScaling | SimpleScaling
    arn: str = ""
    target: float | None = None
    metric: str | None = None  # the predefined metric type of a target tracking policy
    disable_scale_in: bool = False
    adjustment_type: str = "ChangeInCapacity"
    scaling_adjustment: int = 0
    steps: tuple[StepAdjustment, ...] = ()
    cooldown_s: int | None = None
    warmup_s: int | None = None
    min_adjustment_magnitude: int | None = None

    @classmethod
    def from_describe(cls, p: Mapping) -> "Policy":
        tt = p.get("TargetTrackingConfiguration") or {}
        metric = (tt.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
        if not metric and (tt.get("CustomizedMetricSpecification") or {}).get("MetricName") == "CPUUtilization":
            metric = CPU_METRIC  # a customised CPUUtilization of the group is the same series
        return cls(
            name=p["PolicyName"], group=p["AutoScalingGroupName"], kind=p.get("PolicyType") or "SimpleScaling",
            arn=p.get("PolicyARN", ""), target=tt.get("TargetValue"), metric=metric,
            disable_scale_in=bool(tt.get("DisableScaleIn")), adjustment_type=p.get("AdjustmentType") or "ChangeInCapacity",
            scaling_adjustment=int(p.get("ScalingAdjustment") or 0),
            steps=tuple(StepAdjustment(s.get("MetricIntervalLowerBound"), s.get("MetricIntervalUpperBound"),
                                       int(s["ScalingAdjustment"])) for s in p.get("StepAdjustments") or []),
            cooldown_s=p.get("Cooldown"), warmup_s=p.get("EstimatedInstanceWarmup"),
            min_adjustment_magnitude=p.get("MinAdjustmentMagnitude"))


@dataclass
class GroupState:
    """What the model remembers about a group between minutes (and between advances)."""

    desired: int
    warming: list[tuple[int, int]] = field(default_factory=list)  # (minute its warm-up ends, instances)
    cooldown_until: int | None = None  # simple scaling waits until this minute

    def warming_count(self, minute: int) -> int:
        return sum(n for ends, n in self.warming if ends > minute)

    def in_service(self, minute: int) -> int:
        """Instances whose warm-up is over: the ones the group's metric comes from."""
        return max(0, self.desired - self.warming_count(minute))

    def to_json(self) -> dict:
        return {"desired": self.desired, "warming": [list(w) for w in self.warming], "cooldown_until": self.cooldown_until}

    @classmethod
    def from_json(cls, data: Mapping, desired: int) -> "GroupState":
        """The remembered state, with the desired capacity the account has now."""
        return cls(desired, [tuple(w) for w in data.get("warming", [])], data.get("cooldown_until"))


@dataclass(frozen=True)
class Change:
    minute: int
    desired: int
    reason: str


def warmup_minutes(group: GroupConfig, policy: Policy | None = None) -> int:
    chosen = policy.warmup_s if policy is not None and policy.warmup_s is not None else group.default_instance_warmup_s
    return _minutes(group.default_cooldown_s if chosen is None else chosen)


def apply(group: GroupConfig, state: GroupState, wanted: int, minute: int, reason: str,
          warmup: int, cooldown: int | None = None) -> Change | None:
    """Set the desired capacity (clamped); new instances start their warm-up now."""
    clamped = group.clamp(wanted)
    if clamped == state.desired:
        return None
    if clamped > state.desired:
        state.warming.append((minute + warmup, clamped - state.desired))
    else:
        state.warming.clear()
    state.warming[:] = [w for w in state.warming if w[0] > minute]
    if clamped != wanted:
        reason += f" (clamped to {group.min_size}..{group.max_size})"
    state.desired = clamped
    if cooldown is not None:
        state.cooldown_until = minute + cooldown
    return Change(minute, clamped, reason)


def proportional(capacity: int, metric: float, target: float) -> int:
    """Target tracking's capacity: ceil(capacity × metric / target), robust to float noise."""
    return math.ceil(round(capacity * metric / target, 9))


def target_tracking(group: GroupConfig, policy: Policy, state: GroupState, recent: Sequence[float],
                    minute: int) -> Change | None:
    """Evaluate a target tracking policy at ``minute``; ``recent`` holds the policy's metric,
    one value a minute, newest last."""
    target = policy.target
    if not target or not recent:
        return None
    metric, in_service = recent[-1], state.in_service(minute)
    wanted = proportional(max(in_service, 1), metric, target)
    high = len(recent) >= SCALE_OUT_DATAPOINTS and all(v > target for v in recent[-SCALE_OUT_DATAPOINTS:])
    low = len(recent) >= SCALE_IN_DATAPOINTS and all(v < target for v in recent[-SCALE_IN_DATAPOINTS:])
    how = f"ceil({in_service} × {metric:g} / {target:g}) = {wanted}"
    if high and wanted > state.desired:
        reason = (f"target tracking {policy.name}: metric {metric:g} above target {target:g} for "
                  f"{SCALE_OUT_DATAPOINTS} minutes: {how}")
        return apply(group, state, wanted, minute, reason, warmup_minutes(group, policy), group_cooldown(group))
    if (low and not policy.disable_scale_in and state.warming_count(minute) == 0
            and group.clamp(wanted) < state.desired):
        reason = (f"target tracking {policy.name}: metric {metric:g} below target {target:g} for "
                  f"{SCALE_IN_DATAPOINTS} minutes: {how}")
        return apply(group, state, wanted, minute, reason, warmup_minutes(group, policy), group_cooldown(group))
    return None


def group_cooldown(group: GroupConfig) -> int:
    return _minutes(group.default_cooldown_s)


def adjusted(policy: Policy, amount: int, capacity: int) -> int:
    """The capacity an adjustment asks for, by the policy's adjustment type."""
    if policy.adjustment_type == "ExactCapacity":
        return amount
    if policy.adjustment_type == "PercentChangeInCapacity":
        change = capacity * amount / 100
        step = math.trunc(change) if abs(change) >= 1 else (1 if change > 0 else -1 if change < 0 else 0)
        if policy.min_adjustment_magnitude and 0 < abs(step) < policy.min_adjustment_magnitude:
            step = policy.min_adjustment_magnitude * (1 if step > 0 else -1)
        return capacity + step
    return capacity + amount


def step_for(policy: Policy, breach: float) -> StepAdjustment | None:
    """The step whose interval holds ``breach`` (metric minus threshold): lower bound inclusive
    above the threshold, upper bound inclusive below it, as AWS documents."""
    for step in policy.steps:
        lower = -math.inf if step.lower is None else step.lower
        upper = math.inf if step.upper is None else step.upper
        inside = (lower <= breach < upper) if breach >= 0 else (lower < breach <= upper)
        if inside:
            return step
    return None


def alarm_policy(group: GroupConfig, policy: Policy, state: GroupState, metric: float, threshold: float,
                 minute: int, alarm: str) -> Change | None:
    """A step or simple policy invoked by ``alarm`` in ALARM at ``minute`` (metric is the value
    of the alarm's latest period)."""
    if policy.kind == "SimpleScaling":
        if state.cooldown_until is not None and minute < state.cooldown_until:
            return None
        wanted = adjusted(policy, policy.scaling_adjustment, state.desired)
        cooldown = _minutes(policy.cooldown_s if policy.cooldown_s is not None else group.default_cooldown_s)
        reason = f"simple scaling {policy.name} (alarm {alarm}): {policy.adjustment_type} {policy.scaling_adjustment:+d}"
        return apply(group, state, wanted, minute, reason, warmup_minutes(group, policy), cooldown)
    step = step_for(policy, metric - threshold)
    if step is None:
        return None
    warming = state.warming_count(minute)
    if step.adjustment < 0 and warming:
        return None  # no scale-in while instances warm up
    base = state.in_service(minute) if step.adjustment > 0 else state.desired
    wanted = adjusted(policy, step.adjustment, base)
    if step.adjustment > 0 and wanted <= state.desired:
        return None  # the warming instances already cover this step
    reason = (f"step scaling {policy.name} (alarm {alarm}): metric {metric:g} is {metric - threshold:+g} from "
              f"the threshold: {policy.adjustment_type} {step.adjustment:+d}")
    return apply(group, state, wanted, minute, reason, warmup_minutes(group, policy), group_cooldown(group))


@dataclass(frozen=True)
class ScheduledAction:
    """A scheduled action of ``group`` at absolute ``minute``; None leaves a value as it is."""

    group: str
    minute: int
    name: str = ""
    min_size: int | None = None
    max_size: int | None = None
    desired: int | None = None


def scheduled(group: GroupConfig, state: GroupState, action: ScheduledAction,
              minute: int) -> tuple[GroupConfig, Change | None]:
    """Run a scheduled action: the group's new configuration and the capacity change, if any."""
    new = dataclasses.replace(group, min_size=group.min_size if action.min_size is None else action.min_size,
                              max_size=group.max_size if action.max_size is None else action.max_size)
    wanted = state.desired if action.desired is None else action.desired
    parts = [f"{label} {value}" for label, value in (("min", action.min_size), ("max", action.max_size),
                                                     ("desired", action.desired)) if value is not None]
    reason = f"scheduled action {action.name}: " + ", ".join(parts)
    return new, apply(new, state, wanted, minute, reason, warmup_minutes(new))
