"""Game-day failure drills as a model: what StreamCloud keeps serving when part of AWS fails.

moto cannot stage these failures (shared/SANDBOX.md: every group instance sits in the first AZ,
a terminated instance is relaunched there at once, RDS force-failover and ElastiCache
TestFailover change nothing). So a drill is computed from the build's *configuration*, read
from the account by :mod:`tutor.sim.drill_world`: pure functions from a :class:`Build` to a
:class:`Report` of components, each with whether it survived and why (English and Korean).

The model, from the AWS documentation:

- **Auto Scaling group**: its AZs are its subnets' AZs and its instances are spread evenly over
  them (Auto Scaling balances capacity across the group's AZs). When instances are lost, Auto
  Scaling replaces them to keep the desired capacity, launching in a healthy AZ when launches
  fail in one (``balanced-best-effort``, the default). Health checks notice a lost instance
  within a minute (EC2 status checks run every minute); a replacement counts as serving once
  its health check grace period (the time the student said the app needs to boot) is over.
  https://docs.aws.amazon.com/autoscaling/ec2/userguide/healthcheck.html
  https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_AvailabilityZoneDistribution.html
- **Load balancer**: it has a node in each AZ of its subnets and routes only to healthy targets;
  it keeps serving while it has a node outside the lost AZ and a healthy target behind it.
  https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html
- **RDS DB instance**: Multi-AZ fails over to the standby in another AZ, "typically 60–120
  seconds"; a single-AZ instance in the lost AZ is unavailable until the AZ recovers (or it is
  restored from a backup elsewhere).
  https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.Failover.html
- **ElastiCache (Valkey/Redis OSS) replication group**: with Multi-AZ automatic failover a read
  replica is promoted when the primary's AZ fails; without a replica (or without automatic
  failover) the primary's loss stops writes until someone acts.
  https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html

Components a build lacks are left out; ``served`` is true when there is at least one component
and every one still serves. Nothing here talks to AWS or imports Textual.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

GROUP, BALANCER, DATABASE, CACHE = "auto-scaling-group", "load-balancer", "database", "cache"
DRILLS = ("az-outage", "instance-failure", "traffic-spike", "region-outage")
DEFAULT_MINUTES = 10
DETECT_MINUTES = 1  # EC2 status checks run every minute
RDS_FAILOVER_MINUTES = 2  # "typically 60-120 seconds": the upper end
SPIKE_FACTOR = 10
SPIKE_MINUTES = 15
#: StreamCloud's ordinary load before a spike: the group's average CPU on its current capacity.
BASELINE_CPU_PERCENT = 20.0


@dataclass(frozen=True)
class GroupView:
    name: str
    zones: tuple[str, ...]
    desired: int
    min_size: int
    max_size: int
    grace_s: int = 0
    target_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class BalancerView:
    name: str
    zones: tuple[str, ...]
    target_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class DatabaseView:
    name: str
    zone: str | None
    multi_az: bool
    standby_zone: str | None = None


@dataclass(frozen=True)
class CacheView:
    name: str
    primary_zone: str | None
    replica_zones: tuple[str | None, ...] = ()
    automatic_failover: bool = False


@dataclass(frozen=True)
class Build:
    """What a drill needs from the account: read by drill_world, or made up by a test."""

    region: str = "us-east-1"
    groups: tuple[GroupView, ...] = ()
    balancers: tuple[BalancerView, ...] = ()
    databases: tuple[DatabaseView, ...] = ()
    caches: tuple[CacheView, ...] = ()

    def zones(self) -> list[str]:
        """Every AZ the build uses, sorted (the drill screen offers them)."""
        found = {z for g in self.groups for z in g.zones} | {z for b in self.balancers for z in b.zones}
        found |= {d.zone for d in self.databases if d.zone} | {c.primary_zone for c in self.caches if c.primary_zone}
        return sorted(found)


@dataclass(frozen=True)
class Outcome:
    name: str  # one of GROUP, BALANCER, DATABASE, CACHE
    resource: str
    survived: bool
    en: str
    ko: str

    def to_json(self, lang: str) -> dict[str, Any]:
        return {"name": self.name, "resource": self.resource, "survived": self.survived,
                "reason": self.ko if lang == "ko" else self.en, "reasons": {"en": self.en, "ko": self.ko}}


@dataclass
class Report:
    drill: str
    minutes: int
    outcomes: list[Outcome]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def served(self) -> bool:
        return bool(self.outcomes) and all(o.survived for o in self.outcomes)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {"drill": self.drill, "minutes": self.minutes, **self.extra,
                "components": [o.to_json(lang) for o in self.outcomes], "served": self.served}


# ---- shared pieces ---------------------------------------------------------------------

def spread(desired: int, zones: tuple[str, ...]) -> dict[str, int]:
    """Instances per AZ as Auto Scaling balances them: even, the remainder in the first AZs."""
    ordered = sorted(zones)
    if not ordered:
        return {}
    base, extra = divmod(desired, len(ordered))
    return {z: base + (1 if i < extra else 0) for i, z in enumerate(ordered)}


def ready_minute(group: GroupView) -> int:
    """The minute a replacement instance serves: detection, then its grace period (at least 1)."""
    return DETECT_MINUTES + max(1, math.ceil(group.grace_s / 60))


def _replacement(group: GroupView, lost: int, where: str, minutes: int) -> tuple[str, str]:
    ready = ready_minute(group)
    if minutes >= ready:
        en = f"{lost} replacement(s) launched in {where}; back to {group.desired} in service at minute {ready}"
        ko = f"{where}에 대체 인스턴스 {lost}개를 시작했고 {ready}분에 다시 {group.desired}개가 서비스 중입니다"
        return f"{en} (grace period {group.grace_s} s)", f"{ko}(유예 기간 {group.grace_s}초)"
    return (f"{lost} replacement(s) launched in {where}, still booting at minute {minutes} (serving from minute {ready})",
            f"{where}에 대체 인스턴스 {lost}개를 시작했지만 {minutes}분에는 아직 부팅 중입니다({ready}분부터 서비스)")


def _balancers(build: Build, lost_zone: str | None, groups: dict[str, bool]) -> list[Outcome]:
    """Each load balancer, given which groups still serve (``groups``: name -> survived)."""
    out = []
    for lb in build.balancers:
        nodes = [z for z in lb.zones if z != lost_zone]
        if not nodes:
            out.append(Outcome(BALANCER, lb.name, False,
                               f"every subnet of the load balancer is in {lost_zone}: no node is left to accept traffic",
                               f"로드 밸런서의 서브넷이 모두 {lost_zone}에 있어 트래픽을 받을 노드가 남지 않았습니다"))
            continue
        behind = [g for g in build.groups if set(g.target_groups) & set(lb.target_groups)]
        healthy = [g.name for g in behind if groups.get(g.name, True)]
        where = ", ".join(nodes)
        if behind and not healthy:
            out.append(Outcome(BALANCER, lb.name, False,
                               f"nodes in {where}, but no healthy target: every group behind it lost its instances",
                               f"{where}에 노드가 있지만 정상 대상이 없습니다: 뒤의 그룹이 모두 인스턴스를 잃었습니다"))
        elif behind:
            out.append(Outcome(BALANCER, lb.name, True,
                               f"nodes in {where} kept routing to the healthy targets of {', '.join(healthy)}",
                               f"{where}의 노드가 {', '.join(healthy)}의 정상 대상으로 계속 라우팅했습니다"))
        else:
            out.append(Outcome(BALANCER, lb.name, True,
                               f"nodes in {where} kept accepting traffic (no Auto Scaling group registers its targets)",
                               f"{where}의 노드가 계속 트래픽을 받았습니다(대상을 등록하는 Auto Scaling 그룹 없음)"))
    return out


def _untouched(build: Build, why_en: str, why_ko: str) -> list[Outcome]:
    """The database and cache tiers, which a web-tier drill does not reach."""
    items = [(DATABASE, d.name) for d in build.databases] + [(CACHE, c.name) for c in build.caches]
    return [Outcome(kind, name, True, why_en, why_ko) for kind, name in items]


# ---- az-outage -------------------------------------------------------------------------

def _group_in_outage(group: GroupView, az: str, minutes: int) -> Outcome:
    per_zone = spread(group.desired, group.zones)
    lost, others = per_zone.get(az, 0), [z for z in sorted(group.zones) if z != az]
    if group.desired == 0:
        return Outcome(GROUP, group.name, False, "the group has no instances (desired capacity 0): nothing serves",
                       "그룹에 인스턴스가 없습니다(원하는 용량 0): 서비스하는 것이 없습니다")
    if az not in group.zones:
        return Outcome(GROUP, group.name, True, f"no instance in {az}: all {group.desired} run in {', '.join(others)}",
                       f"{az}에 인스턴스가 없습니다: {group.desired}개 모두 {', '.join(others)}에서 실행됩니다")
    if not others:
        return Outcome(GROUP, group.name, False,
                       f"all {group.desired} instances were in {az}, the group's only AZ: it cannot launch anywhere "
                       "else until the AZ recovers (give it subnets in a second AZ)",
                       f"인스턴스 {group.desired}개가 모두 그룹의 유일한 가용 영역 {az}에 있었습니다: 가용 영역이 복구될 "
                       "때까지 다른 곳에 시작할 수 없습니다(두 번째 가용 영역의 서브넷을 추가하십시오)")
    en, ko = _replacement(group, lost, ", ".join(others), minutes)
    kept = group.desired - lost
    return Outcome(GROUP, group.name, True,
                   f"lost {lost} of {group.desired} instances in {az}; {kept} kept serving in {', '.join(others)}; {en}",
                   f"{az}에서 인스턴스 {group.desired}개 중 {lost}개를 잃었고 {', '.join(others)}의 {kept}개가 계속 "
                   f"서비스했습니다. {ko}")


def _database_in_outage(db: DatabaseView, az: str, minutes: int) -> Outcome:
    if db.zone != az:
        extra_en = f"; its standby in {az} is replaced" if db.multi_az and db.standby_zone == az else ""
        extra_ko = f". {az}의 대기 인스턴스는 교체됩니다" if db.multi_az and db.standby_zone == az else ""
        return Outcome(DATABASE, db.name, True, f"its primary is in {db.zone or 'another AZ'}: it kept answering{extra_en}",
                       f"기본 인스턴스가 {db.zone or '다른 가용 영역'}에 있어 계속 응답했습니다{extra_ko}")
    if not db.multi_az:
        return Outcome(DATABASE, db.name, False,
                       f"single-AZ in {az}: lost until the AZ recovers or it is restored from a backup in another AZ "
                       "(Multi-AZ would fail over to a standby)",
                       f"{az}의 단일 AZ 인스턴스: 가용 영역이 복구되거나 다른 가용 영역에 백업에서 복원할 때까지 "
                       "사용할 수 없습니다(Multi-AZ라면 대기 인스턴스로 장애 조치됩니다)")
    standby = db.standby_zone or "another AZ"
    if minutes < RDS_FAILOVER_MINUTES:
        return Outcome(DATABASE, db.name, False, f"Multi-AZ: still failing over to the standby in {standby} at minute {minutes}",
                       f"Multi-AZ: {minutes}분에는 아직 {standby}의 대기 인스턴스로 장애 조치 중입니다")
    return Outcome(DATABASE, db.name, True,
                   f"Multi-AZ: RDS failed over to the standby in {standby} and it answered again within "
                   f"{RDS_FAILOVER_MINUTES} minutes (same endpoint, no data lost)",
                   f"Multi-AZ: RDS가 {standby}의 대기 인스턴스로 장애 조치했고 {RDS_FAILOVER_MINUTES}분 안에 다시 "
                   "응답했습니다(엔드포인트 동일, 데이터 손실 없음)")


def _cache_in_outage(cache: CacheView, az: str) -> Outcome:
    if cache.primary_zone is not None and cache.primary_zone != az:
        return Outcome(CACHE, cache.name, True, f"its primary is in {cache.primary_zone}: it kept serving",
                       f"기본 노드가 {cache.primary_zone}에 있어 계속 서비스했습니다")
    spares = [z for z in cache.replica_zones if z != az]
    where = cache.primary_zone or f"{az} (its AZ is unknown: assumed the worst)"
    where_ko = cache.primary_zone or f"{az}(가용 영역을 알 수 없어 최악을 가정)"
    if spares and cache.automatic_failover:
        to = spares[0] or "another AZ"
        return Outcome(CACHE, cache.name, True, f"primary lost in {where}; automatic failover promoted the replica in {to}",
                       f"{where_ko}의 기본 노드를 잃었고 자동 장애 조치가 {to}의 복제본을 승격했습니다")
    if spares:
        return Outcome(CACHE, cache.name, False,
                       f"primary lost in {where}; a replica is left but automatic failover is off: writes stop until "
                       "someone promotes it",
                       f"{where_ko}의 기본 노드를 잃었습니다. 복제본은 남았지만 자동 장애 조치가 꺼져 있어 누군가 승격할 "
                       "때까지 쓰기가 멈춥니다")
    return Outcome(CACHE, cache.name, False, f"primary lost in {where} and no replica in another AZ: the cache is gone "
                   "(the app falls back to the database, cold)",
                   f"{where_ko}의 기본 노드를 잃었고 다른 가용 영역에 복제본이 없습니다: 캐시가 사라졌습니다"
                   "(앱은 빈 캐시로 데이터베이스에 의존합니다)")


def az_outage(build: Build, az: str, minutes: int = DEFAULT_MINUTES) -> Report:
    """One AZ is gone for ``minutes``: each component, and whether StreamCloud kept serving."""
    groups = [_group_in_outage(g, az, minutes) for g in build.groups]
    outcomes = groups + _balancers(build, az, {o.resource: o.survived for o in groups})
    outcomes += [_database_in_outage(d, az, minutes) for d in build.databases]
    outcomes += [_cache_in_outage(c, az) for c in build.caches]
    return Report("az-outage", minutes, outcomes, {"az": az})


# ---- instance-failure ------------------------------------------------------------------

def failing_group(build: Build) -> GroupView | None:
    """The group that loses an instance: the first by name that has any."""
    return next((g for g in sorted(build.groups, key=lambda g: g.name) if g.desired > 0), None)


def instance_failure(build: Build, minutes: int = DEFAULT_MINUTES) -> Report:
    """One instance of one group dies; the group replaces it after the grace period."""
    victim = failing_group(build)
    outcomes: list[Outcome] = []
    for group in build.groups:
        if victim is None or group.name != victim.name:
            outcomes.append(Outcome(GROUP, group.name, group.desired > 0, "no instance of this group failed",
                                    "이 그룹의 인스턴스는 장애가 나지 않았습니다"))
            continue
        en, ko = _replacement(group, 1, ", ".join(sorted(group.zones)) or "its AZ", minutes)
        if group.desired == 1:
            outcomes.append(Outcome(GROUP, group.name, False,
                                    f"its only instance died: nothing served until the replacement (MinSize 2 avoids this); {en}",
                                    f"유일한 인스턴스가 종료되어 대체 인스턴스가 준비될 때까지 서비스가 멈췄습니다"
                                    f"(MinSize 2면 피할 수 있습니다). {ko}"))
        else:
            outcomes.append(Outcome(GROUP, group.name, True,
                                    f"1 of {group.desired} instances died; {group.desired - 1} kept serving; {en}",
                                    f"인스턴스 {group.desired}개 중 1개가 종료되었고 {group.desired - 1}개가 계속 서비스했습니다. {ko}"))
    outcomes += _balancers(build, None, {o.resource: o.survived for o in outcomes})
    outcomes += _untouched(build, "not affected: an instance failure reaches only the web tier",
                           "영향 없음: 인스턴스 장애는 웹 계층에만 미칩니다")
    return Report("instance-failure", minutes, outcomes, {"instance_of": victim.name if victim else None})


# ---- traffic-spike ---------------------------------------------------------------------

def spike_demand(build: Build) -> dict[str, float]:
    """Each group's demand during the spike, in percent of one instance's CPU."""
    return {g.name: SPIKE_FACTOR * BASELINE_CPU_PERCENT * max(g.desired, 1) for g in build.groups}


def spike_cpu(demand: float, in_service: int) -> float:
    """The group's average CPU when ``demand`` is shared by its in-service instances."""
    return min(100.0, demand / max(in_service, 1))


def traffic_spike(build: Build, minutes: int, timeline: list[dict]) -> Report:
    """Judge a spike from the clock's minutes (``timeline``: what tutor.sim.clock.advance ran)."""
    demand = spike_demand(build)
    outcomes = []
    for group in build.groups:
        served = [m["in_service"].get(group.name, 0) for m in timeline] or [group.desired]
        desired = [m["desired"].get(group.name, group.desired) for m in timeline] or [group.desired]
        need = math.floor(demand[group.name] / 100) + 1  # below 100 % CPU: not saturated
        end_cpu = spike_cpu(demand[group.name], served[-1])
        grew = f"{desired[0] if timeline else group.desired} -> {desired[-1]} (max {group.max_size})"
        if served[-1] >= need:
            outcomes.append(Outcome(GROUP, group.name, True,
                                    f"scaled {grew}; {served[-1]} in service carry the {SPIKE_FACTOR}x load at {end_cpu:.0f} % CPU",
                                    f"{grew}로 조정했고 서비스 중인 {served[-1]}개가 {SPIKE_FACTOR}배 부하를 CPU {end_cpu:.0f}%로 처리합니다"))
        else:
            outcomes.append(Outcome(GROUP, group.name, False,
                                    f"capacity {grew}: {served[-1]} in service at 100 % CPU after {minutes} minutes, "
                                    f"{need} needed; requests queue and time out (a scaling policy and a higher MaxSize help)",
                                    f"용량 {grew}: {minutes}분 뒤 서비스 중 {served[-1]}개가 CPU 100%, 필요한 수는 {need}개입니다. "
                                    "요청이 밀려 시간 초과됩니다(조정 정책과 더 큰 MaxSize가 필요합니다)"))
    outcomes += _balancers(build, None, {o.resource: o.survived for o in outcomes})
    outcomes += _untouched(build, "not modelled: the spike loads the web tier only",
                           "모델링하지 않음: 급증 부하는 웹 계층에만 적용합니다")
    return Report("traffic-spike", minutes, outcomes, {"factor": SPIKE_FACTOR, "baseline_cpu": BASELINE_CPU_PERCENT})


# ---- region-outage ---------------------------------------------------------------------

def sla_parts(build: Build) -> list[Any]:
    """The build's tiers as parts of the availability module, each at the SLA of how it is built."""
    from tutor.capstone import availability as av  # noqa: PLC0415 - reads the SLA table

    parts = [av.part("alb" if len(b.zones) >= 2 else "alb-single-az") for b in build.balancers]
    parts += [av.part("ec2-multi-az" if len(g.zones) >= 2 else "ec2") for g in build.groups]
    parts += [av.part("rds-multi-az" if d.multi_az else "rds") for d in build.databases]
    parts += [av.part("elasticache-multi-az" if c.automatic_failover and c.replica_zones else "elasticache-single-az")
              for c in build.caches]
    return parts


def region_outage(build: Build, minutes: int = DEFAULT_MINUTES) -> Report:
    """The whole Region is gone: a single-Region design loses everything; the availability module
    says what the same tiers would give in one Region and in two behind Route 53 failover."""
    from tutor.capstone import availability as av  # noqa: PLC0415

    kinds = [(GROUP, g.name) for g in build.groups] + [(BALANCER, b.name) for b in build.balancers]
    kinds += [(DATABASE, d.name) for d in build.databases] + [(CACHE, c.name) for c in build.caches]
    outcomes = [Outcome(kind, name, False, f"lives only in {build.region}, which is down: nothing in the Region serves",
                        f"{build.region}에만 있는데 리전 전체가 중단되었습니다: 리전 안의 어떤 것도 서비스하지 못합니다")
                for kind, name in kinds]
    extra: dict[str, Any] = {"region": build.region}
    parts = sla_parts(build)
    if parts:
        one = av.compose(av.series(*parts))
        two = av.compose(av.series(av.part("route53"), av.parallel(av.series(*parts), av.series(*parts))))
        keep = ("expression", "availability_percent", "downtime_minutes_per_year")
        extra["availability"] = {"single_region": {k: one.to_json()[k] for k in keep},
                                 "two_regions": {k: two.to_json()[k] for k in keep}}
    return Report("region-outage", minutes, outcomes, extra)
