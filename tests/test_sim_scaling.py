"""The scaling model against hand-worked cases (issue 12): target tracking, step and simple
policies, warm-up, cooldowns, min/max."""

from __future__ import annotations

from tutor.sim import engine
from tutor.sim.alarms import AlarmSpec
from tutor.sim.scaling import GroupConfig, GroupState, Policy, StepAdjustment, adjusted, proportional

WEB = GroupConfig("web", min_size=2, max_size=6)
TARGET_50 = Policy("cpu50", "web", "TargetTrackingScaling", arn="arn:tt", target=50.0, metric="ASGAverageCPUUtilization")


def world(desired: int, *policies: Policy, group: GroupConfig = WEB, alarms=None) -> engine.World:
    return engine.World({group.name: group}, {group.name: GroupState(desired)}, list(policies), alarms or {})


def changes(result: engine.Result, group: str = "web") -> list[tuple[int, int]]:
    return [(c.minute, c.desired) for c in result.scaling[group]]


def test_proportional_capacity_is_the_ceiling():
    assert proportional(2, 90, 50) == 4  # ceil(3.6)
    assert proportional(4, 50, 50) == 4
    assert proportional(3, 50.0000000001, 50) == 3  # float noise does not add an instance


def test_two_instances_at_90_percent_become_four_after_the_first_evaluation():
    w = world(2, TARGET_50)
    result = engine.run(w, 3, engine.constant(90))
    assert changes(result) == [(3, 4)]  # the high alarm needs 3 one-minute datapoints
    assert "ceil(2 × 90 / 50) = 4" in result.scaling["web"][0].reason


def test_warming_instances_count_so_a_held_breach_does_not_overshoot_during_warmup():
    w = world(2, TARGET_50)
    result = engine.run(w, 7, engine.constant(90))
    assert changes(result) == [(3, 4)]  # 300 s warm-up: no second launch before minute 8
    result = engine.run(w, 1, engine.constant(90), start=7)
    assert changes(result) == [(1, 6)]  # warmed up at minute 8: ceil(4 × 1.8) = 8, clamped to max 6
    assert "clamped to 2..6" in result.scaling["web"][0].reason


def test_low_cpu_for_20_minutes_returns_to_the_minimum_and_never_below():
    w = world(4, TARGET_50)
    result = engine.run(w, 20, engine.constant(10))
    assert changes(result) == [(15, 2)]  # scale-in waits for 15 low datapoints; ceil(4 × 0.2) = 1 -> min 2
    assert min(m["desired"]["web"] for m in result.timeline) == 2


def test_scale_in_waits_for_warmup_and_can_be_disabled():
    w = world(4, TARGET_50)
    w.states["web"].warming.append((30, 2))  # two instances still warming until minute 30
    assert changes(engine.run(w, 20, engine.constant(10))) == []
    no_scale_in = Policy("cpu50", "web", "TargetTrackingScaling", target=50.0, metric="ASGAverageCPUUtilization",
                         disable_scale_in=True)
    assert changes(engine.run(world(4, no_scale_in), 20, engine.constant(10))) == []


def test_target_near_the_metric_changes_nothing():
    assert changes(engine.run(world(3, TARGET_50), 30, engine.constant(50))) == []


def _alarm(name: str, threshold: float, op: str, action: str) -> engine.AlarmInfo:
    spec = AlarmSpec(name, "AWS/EC2", "CPUUtilization", (("AutoScalingGroupName", "web"),), "Average", 60, 1,
                     threshold, op)
    return engine.AlarmInfo(spec, "OK", {"ALARM": [action]})


def test_simple_policy_waits_for_its_cooldown():
    simple = Policy("add1", "web", "SimpleScaling", arn="arn:simple", scaling_adjustment=1, cooldown_s=300)
    w = world(2, simple, alarms={"high": _alarm("high", 70, "GreaterThanThreshold", "arn:simple")})
    result = engine.run(w, 11, engine.constant(90))
    # alarm in ALARM from minute 1, invoking the policy every minute; 5-minute cooldown between
    assert changes(result) == [(1, 3), (6, 4), (11, 5)]


def test_step_policy_picks_the_step_and_adds_only_the_difference_while_warming():
    steps = (StepAdjustment(0, 20, 1), StepAdjustment(20, None, 3))
    step = Policy("steps", "web", "StepScaling", arn="arn:step", steps=steps, warmup_s=300)
    w = world(2, step, alarms={"high": _alarm("high", 60, "GreaterThanThreshold", "arn:step")})
    result = engine.run(w, 3, engine.constant(70))  # breach +10: first step, +1
    assert changes(result) == [(1, 3)]  # repeated invocations while warming add nothing
    result = engine.run(w, 1, engine.constant(95), start=3)  # breach +35: +3 over the 2 in service
    assert changes(result) == [(1, 5)]


def test_step_policy_scale_in_and_max_clamp():
    down = Policy("down", "web", "StepScaling", arn="arn:down", steps=(StepAdjustment(None, 0, -2),))
    w = world(5, down, alarms={"low": _alarm("low", 30, "LessThanThreshold", "arn:down")})
    result = engine.run(w, 3, engine.constant(10))
    assert changes(result) == [(1, 3), (2, 2)]  # no warm-up on scale-in; clamped at MinSize 2
    big = Policy("big", "web", "SimpleScaling", arn="arn:big", adjustment_type="ExactCapacity", scaling_adjustment=50)
    w = world(2, big, alarms={"high": _alarm("high", 70, "GreaterThanThreshold", "arn:big")})
    assert changes(engine.run(w, 2, engine.constant(90))) == [(1, 6)]


def test_percent_change_rounds_toward_zero_with_at_least_one():
    pct = Policy("p", "web", "SimpleScaling", adjustment_type="PercentChangeInCapacity")
    assert adjusted(pct, 50, 5) == 7  # +2.5 -> +2
    assert adjusted(pct, 10, 3) == 4  # +0.3 -> +1
    assert adjusted(pct, -10, 3) == 2  # -0.3 -> -1
    magnitude = Policy("p", "web", "SimpleScaling", adjustment_type="PercentChangeInCapacity", min_adjustment_magnitude=2)
    assert adjusted(magnitude, 10, 3) == 5


def test_policies_read_from_describe_policies():
    policy = Policy.from_describe({
        "PolicyName": "cpu50", "AutoScalingGroupName": "web", "PolicyType": "TargetTrackingScaling", "PolicyARN": "arn:x",
        "TargetTrackingConfiguration": {"PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"},
                                        "TargetValue": 50.0}})
    assert (policy.kind, policy.target, policy.metric) == ("TargetTrackingScaling", 50.0, "ASGAverageCPUUtilization")
    group = GroupConfig.from_describe({"AutoScalingGroupName": "web", "MinSize": 2, "MaxSize": 6, "DefaultCooldown": 120,
                                       "DefaultInstanceWarmup": 60})
    assert (group.default_cooldown_s, group.default_instance_warmup_s) == (120, 60)
