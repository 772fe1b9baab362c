"""The Auto Scaling what-if simulator (issue 13): this traffic against that policy, minute by minute.

Not a second scaling model: it builds an :class:`tutor.sim.engine.World` with one group, the
policies as :class:`tutor.sim.scaling.Policy` objects and their CloudWatch alarms as
:class:`tutor.sim.alarms.AlarmSpec`, and runs :func:`tutor.sim.engine.run` (the sandbox clock's
loop) with a :class:`DemandLoad` that turns requests into CPU. What it adds is the traffic and
the capacity model, deliberately simple (every figure is a named constant below):

- each instance serves ``REQUESTS_PER_INSTANCE`` requests a minute at 100 % CPU;
- an instance serves only once its warm-up is over ("in service" here means warmed up: the
  capacity changes after the warm-up), the simplification that makes warm-up visible;
- CPU = demand / (in-service instances × ``REQUESTS_PER_INSTANCE``), capped at 100 %;
- dropped = the demand beyond what the in-service instances can serve;
- cost (``cost_instance_hours``) = the running instances of each minute, warming ones included
  (EC2 bills from launch), summed and divided by 60.

The group starts with 2 warmed-up instances (min 2, max 20) sized for steady demand: 1,000
requests a minute, 50 % CPU. Time of day matters for the daily patterns, so each pattern says
when its minute 0 is (``starts_at``).

Policies (``--policy``): ``none``; ``simple`` (+1 when CPU > 70 % for 3 minutes, −1 when < 30 %
for 15, the cooldown between); ``step`` (CPU > 60 % for 3 minutes: +1 up to 75 %, +2 up to 90 %,
+4 above; −1 below 30 % for 15); ``target:N`` (target tracking on average CPU at N %);
``scheduled`` (the actions an operator who reads the calendar writes for the pattern: none for
an unannounced spike); ``predictive`` (below). Warm-up and cooldown are the group's
``DefaultInstanceWarmup`` and ``DefaultCooldown``.

Predictive scaling, simplified: AWS forecasts each hour's load from up to 14 days of history
(at least 24 hours) and, in forecast-and-scale mode, raises capacity to the hour's forecast at
the start of the hour, launching ``SchedulingBufferTime`` early (default 300 s); it never scales
in, so AWS pairs it with a dynamic policy for that.
https://docs.aws.amazon.com/autoscaling/ec2/userguide/predictive-scaling-policy-overview.html
https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredictiveScalingConfiguration.html
Here the forecast of an hour is the busiest minute of the same hour the day before (the
pattern's previous "day"), the capacity is ``ceil(forecast / (REQUESTS_PER_INSTANCE × target))``, it is
applied as the group's minimum from the hour's start less the warm-up (the buffer), and a target
tracking policy at the same target scales back in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from tutor.errors import UsageError
from tutor.sim import engine, scaling
from tutor.sim.alarms import AlarmSpec

GROUP = "streamcloud-web"
REQUESTS_PER_INSTANCE = 1000  # requests a minute one instance serves at 100 % CPU
STEADY_DEMAND = 1000  # requests a minute: 2 instances at 50 % CPU
START_INSTANCES, MIN_SIZE, MAX_SIZE = 2, 2, 20
DEFAULT_TARGET = 50.0
DEFAULT_WARMUP_S = DEFAULT_COOLDOWN_S = scaling.DEFAULT_COOLDOWN_SECONDS
MAX_MINUTES = 2 * 24 * 60
MAX_SECONDS = 3600
DAY = 24 * 60
SPIKE_AT, SPIKE_MINUTES, SPIKE_FACTOR = 30, 15, 10
PREMIERE_AT = 21 * 60  # StreamCloud's premiere: 21:00 on the simulated day
PATTERNS = ("steady", "wave", "spike", "premiere")
POLICY_KINDS = ("none", "simple", "step", "target", "scheduled", "predictive")


def daily_wave(minute_of_day: int) -> float:
    """A streaming service's day: 0.3 × steady at 09:00, 2.5 × steady at 21:00 (a cosine)."""
    return STEADY_DEMAND * (0.3 + 1.1 * (1 - math.cos(2 * math.pi * (minute_of_day - 9 * 60) / DAY)))


def premiere_extra(clock_minute: int) -> float:
    """The premiere on top of the evening (day 0 only): +6 × steady within 10 minutes of 21:00,
    held to 22:30, fading out by 23:30."""
    since = clock_minute - PREMIERE_AT
    if since < 0 or since >= 150:
        return 0.0
    share = min(1.0, (since + 1) / 10) if since < 90 else (150 - since) / 60
    return 6 * STEADY_DEMAND * share


@dataclass(frozen=True)
class Pattern:
    name: str
    starts_at: int  # clock minute (since midnight of day 0) of the simulation's minute 0
    minutes: int  # the default length
    at_clock: Callable[[int], float]  # requests a minute at a clock minute (negative: the day before)
    schedule: tuple[tuple[int, int], ...] = ()  # (minute of day, desired), every day
    one_off: tuple[tuple[int, int], ...] = ()  # (clock minute, desired), once

    def demand(self, minute: int) -> float:
        """Requests in the simulation's ``minute`` (negative minutes are before it started)."""
        return self.at_clock(self.starts_at + minute)


WAVE_SCHEDULE = ((14 * 60, 3), (16 * 60 + 30, 5), (2 * 60, 3), (5 * 60, 2))
PATTERN_TABLE = {
    "steady": Pattern("steady", 0, 120, lambda c: STEADY_DEMAND),
    "spike": Pattern("spike", 0, 120, lambda c: STEADY_DEMAND * (SPIKE_FACTOR if SPIKE_AT <= c < SPIKE_AT + SPIKE_MINUTES
                                                                 else 1)),
    "wave": Pattern("wave", 9 * 60, DAY, lambda c: daily_wave(c % DAY), WAVE_SCHEDULE),
    "premiere": Pattern("premiere", 12 * 60, 12 * 60, lambda c: daily_wave(c % DAY) + premiere_extra(c), WAVE_SCHEDULE,
                        ((PREMIERE_AT - 20, 18), (PREMIERE_AT + 150, 5))),
}


@dataclass(frozen=True)
class PolicyChoice:
    kind: str  # one of POLICY_KINDS
    target: float = DEFAULT_TARGET

    @property
    def label(self) -> str:
        return f"target:{self.target:g}" if self.kind == "target" else self.kind


def parse_policy(text: str) -> PolicyChoice:
    """``none``, ``simple``, ``step``, ``target:N`` (0 < N <= 100), ``scheduled``, ``predictive``
    (or ``predictive:N`` for its target); a UsageError names what is wrong."""
    kind, _, value = text.strip().partition(":")
    if kind not in POLICY_KINDS:
        raise UsageError(f"unknown policy {text!r}: use none, simple, step, target:N, scheduled or predictive")
    if kind not in ("target", "predictive"):
        if value:
            raise UsageError(f"policy {kind} takes no value: {text!r}")
        return PolicyChoice(kind)
    if not value and kind == "predictive":
        return PolicyChoice(kind)
    try:
        target = float(value)
    except ValueError:
        raise UsageError(f"{kind}:N needs a CPU percent N, e.g. {kind}:50, not {text!r}") from None
    if not 0 < target <= 100:
        raise UsageError(f"{kind}:N needs 0 < N <= 100 (a CPU percent), not {value}")
    return PolicyChoice(kind, target)


def pattern_named(name: str) -> Pattern:
    if name not in PATTERN_TABLE:
        raise UsageError(f"unknown pattern {name!r}: use {', '.join(PATTERNS)}")
    return PATTERN_TABLE[name]


class DemandLoad:
    """The engine's Load: CPU from demand and warmed-up instances; keeps each minute's figures."""

    def __init__(self, pattern: Pattern, world: engine.World, start: int = 0):
        self.pattern, self.world, self.start = pattern, world, start
        self.rows: list[dict] = []
        self.running: list[int] = []

    def __call__(self, group: str, minute: int, in_service: int) -> float:
        demand = round(self.pattern.demand(minute - self.start))
        servable = in_service * REQUESTS_PER_INSTANCE
        cpu = 100.0 if servable <= 0 else min(100.0, 100.0 * demand / servable)
        self.rows.append({"minute": minute - self.start, "demand": demand, "capacity": in_service,
                          "cpu": round(cpu, 1), "dropped": max(0, demand - servable)})
        self.running.append(self.world.states[group].desired)
        return cpu


def _cpu_alarm(name: str, threshold: float, comparison: str, periods: int, action: str) -> engine.AlarmInfo:
    spec = AlarmSpec(name, "AWS/EC2", "CPUUtilization", (("AutoScalingGroupName", GROUP),), "Average", 60, periods,
                     threshold, comparison)
    return engine.AlarmInfo(spec, "INSUFFICIENT_DATA", {"ALARM": [action]})


def _target_tracking(target: float) -> scaling.Policy:
    return scaling.Policy(f"cpu-target-{target:g}", GROUP, "TargetTrackingScaling", arn="arn:whatif:target",
                          target=target, metric=scaling.CPU_METRIC)


def dynamic_policies(choice: PolicyChoice) -> tuple[list[scaling.Policy], dict[str, engine.AlarmInfo]]:
    """The scaling policies (and the alarms that invoke the step and simple ones) of a choice."""
    low = ("cpu-low", 30.0, "LessThanThreshold", scaling.SCALE_IN_DATAPOINTS)
    if choice.kind == "simple":
        up = scaling.Policy("add-one", GROUP, "SimpleScaling", arn="arn:whatif:up", scaling_adjustment=1)
        down = scaling.Policy("remove-one", GROUP, "SimpleScaling", arn="arn:whatif:down", scaling_adjustment=-1)
        return [up, down], {"cpu-high": _cpu_alarm("cpu-high", 70.0, "GreaterThanThreshold", 3, up.arn),
                            "cpu-low": _cpu_alarm(*low, down.arn)}
    if choice.kind == "step":
        steps = (scaling.StepAdjustment(0, 15, 1), scaling.StepAdjustment(15, 30, 2), scaling.StepAdjustment(30, None, 4))
        up = scaling.Policy("steps-out", GROUP, "StepScaling", arn="arn:whatif:up", steps=steps)
        down = scaling.Policy("steps-in", GROUP, "StepScaling", arn="arn:whatif:down",
                              steps=(scaling.StepAdjustment(None, 0, -1),))
        return [up, down], {"cpu-high": _cpu_alarm("cpu-high", 60.0, "GreaterThanThreshold", 3, up.arn),
                            "cpu-low": _cpu_alarm(*low, down.arn)}
    if choice.kind in ("target", "predictive"):
        return [_target_tracking(choice.target)], {}
    return [], {}


def schedule_actions(pattern: Pattern, minutes: int) -> list[scaling.ScheduledAction]:
    """The operator's schedule for the pattern, as actions at simulation minutes."""
    actions = []
    for day in range(pattern.starts_at // DAY, (pattern.starts_at + minutes) // DAY + 1):
        for at, desired in pattern.schedule:
            minute = day * DAY + at - pattern.starts_at
            actions.append(scaling.ScheduledAction(GROUP, minute, f"daily-{at // 60:02d}{at % 60:02d}", desired=desired))
    for at, desired in pattern.one_off:
        actions.append(scaling.ScheduledAction(GROUP, at - pattern.starts_at, f"once-{at // 60:02d}{at % 60:02d}",
                                               desired=desired))
    return sorted((a for a in actions if 0 <= a.minute < minutes), key=lambda a: a.minute)


def predictive_actions(pattern: Pattern, minutes: int, target: float, buffer_minutes: int) -> list[scaling.ScheduledAction]:
    """Each clock hour's forecast (the same hour yesterday) as the group's minimum from
    ``buffer_minutes`` before the hour (see the module docstring)."""
    actions = []
    first_hour = pattern.starts_at - pattern.starts_at % 60 - pattern.starts_at
    for hour_start in range(first_hour, minutes, 60):
        forecast = max(pattern.demand(hour_start - DAY + i) for i in range(60))
        needed = math.ceil(round(forecast / (REQUESTS_PER_INSTANCE * target / 100), 9))
        clock = pattern.starts_at + hour_start
        actions.append(scaling.ScheduledAction(
            GROUP, max(0, hour_start - buffer_minutes), f"forecast-{clock % DAY // 60:02d}h-{round(forecast)}rpm",
            min_size=max(MIN_SIZE, min(MAX_SIZE, needed))))
    return actions


@dataclass
class ScenarioResult:
    """One policy's run: the per-minute series, the summary and the scaling decisions."""

    policy: str
    series: list[dict]
    summary: dict
    changes: list[dict]
    timeline: list[dict] = field(default_factory=list)  # the engine's, for the timeline screen

    def to_json(self) -> dict:
        return {"policy": self.policy, "series": self.series, "summary": self.summary, "changes": self.changes}


def check_settings(minutes: int, warmup_s: int, cooldown_s: int) -> None:
    if not 1 <= minutes <= MAX_MINUTES:
        raise UsageError(f"--minutes must be between 1 and {MAX_MINUTES}, not {minutes}")
    for flag, value in (("--warmup", warmup_s), ("--cooldown", cooldown_s)):
        if not 0 <= value <= MAX_SECONDS:
            raise UsageError(f"{flag} must be between 0 and {MAX_SECONDS} seconds, not {value}")


def simulate(pattern_name: str, policy: str | PolicyChoice, warmup_s: int = DEFAULT_WARMUP_S,
             cooldown_s: int = DEFAULT_COOLDOWN_S, minutes: int | None = None) -> ScenarioResult:
    """Run one policy against one traffic pattern through the engine (pure, fast)."""
    pattern = pattern_named(pattern_name)
    choice = policy if isinstance(policy, PolicyChoice) else parse_policy(policy)
    minutes = pattern.minutes if minutes is None else minutes
    check_settings(minutes, warmup_s, cooldown_s)
    group = scaling.GroupConfig(GROUP, MIN_SIZE, MAX_SIZE, cooldown_s, warmup_s)
    policies, alarms = dynamic_policies(choice)
    world = engine.World({GROUP: group}, {GROUP: scaling.GroupState(START_INSTANCES)}, policies, alarms)
    if choice.kind == "scheduled":
        world.scheduled = schedule_actions(pattern, minutes)
    elif choice.kind == "predictive":
        world.scheduled = predictive_actions(pattern, minutes, choice.target, scaling.warmup_minutes(group))
    load = DemandLoad(pattern, world)
    result = engine.run(world, minutes, load)
    series = load.rows
    summary = {
        "peak_capacity": max(r["capacity"] for r in series),
        "dropped_total": sum(r["dropped"] for r in series),
        "cost_instance_hours": round(sum(load.running) / 60, 2),
        "demand_total": sum(r["demand"] for r in series),
        "peak_cpu": max(r["cpu"] for r in series),
        "scaling_actions": len(result.scaling[GROUP]),
    }
    summary["dropped_percent"] = round(100 * summary["dropped_total"] / max(1, summary["demand_total"]), 2)
    changes = [{"minute": c.minute, "desired": c.desired, "reason": c.reason} for c in result.scaling[GROUP]]
    return ScenarioResult(choice.label, series, summary, changes, result.timeline)


def clock_text(pattern_name: str) -> str:
    start = pattern_named(pattern_name).starts_at
    return f"{start // 60 % 24:02d}:{start % 60:02d}"


def report(pattern_name: str, policy: str, warmup_s: int = DEFAULT_WARMUP_S, cooldown_s: int = DEFAULT_COOLDOWN_S,
           minutes: int | None = None, compare: str | None = None) -> dict:
    """The `tutor whatif scaling` document: one policy's run, and ``compare`` another's."""
    main = simulate(pattern_name, policy, warmup_s, cooldown_s, minutes)
    data = {"pattern": pattern_name, "starts_at": clock_text(pattern_name), "minutes": len(main.series),
            "warmup_s": warmup_s, "cooldown_s": cooldown_s,
            "model": {"requests_per_instance_per_minute": REQUESTS_PER_INSTANCE, "steady_demand_per_minute": STEADY_DEMAND,
                      "start_instances": START_INSTANCES, "min_size": MIN_SIZE, "max_size": MAX_SIZE}}
    data.update(main.to_json())
    if compare is not None:
        data["compare"] = simulate(pattern_name, compare, warmup_s, cooldown_s, minutes).to_json()
    return data
