"""Grade StreamCloud on the course rubric from the outcomes of the week's lab checks.

Pure: it never talks to AWS. :mod:`tutor.capstone.evidence` runs the labs' checks and hands
their outcomes here through an object with ``outcome(lab, step, check)`` and
``step_checks(lab, step)``; tests hand a dictionary-backed one. A criterion earns all its points
when every judged check of its evidence passes, none otherwise; a criterion nothing can judge
(its lab is not installed, or the endpoint skips every check) leaves the area's max.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from typing import Any, Iterable, Protocol

from tutor import yaml_data
from tutor.capstone import availability as av

AREAS = ("scalability", "performance", "availability", "cost")


@dataclass(frozen=True)
class Outcome:
    passed: bool
    en: str
    ko: str
    skipped: bool = False


class Evidence(Protocol):
    def outcome(self, lab: str, step: str, check: str) -> Outcome | None: ...

    def step_checks(self, lab: str, step: str) -> list[str] | None: ...


@dataclass(frozen=True)
class Criterion:
    id: str
    area: str
    points: int
    lesson: str
    evidence: tuple[tuple[str, str, tuple[str, ...]], ...]
    change_en: str
    change_ko: str


@dataclass(frozen=True)
class Rubric:
    areas: dict[str, int]
    criteria: tuple[Criterion, ...]
    pass_fraction: Fraction
    composite_points: tuple[tuple[Fraction, int], ...]

    def criterion(self, cid: str) -> Criterion:
        return next(c for c in self.criteria if c.id == cid)


@functools.lru_cache(maxsize=1)
def load_rubric() -> Rubric:
    raw = yaml_data.safe_load(resources.files("tutor.capstone").joinpath("data/rubric.yaml").read_text(encoding="utf-8"))
    criteria = tuple(
        Criterion(id=c["id"], area=c["area"], points=int(c["points"]), lesson=c["lesson"],
                  evidence=tuple((e["lab"], e["step"], tuple(e.get("checks") or ())) for e in c["evidence"]),
                  change_en=c["change"]["en"], change_ko=c["change"]["ko"])
        for c in raw["criteria"])
    return Rubric(areas={k: int(v) for k, v in raw["areas"].items()}, criteria=criteria,
                  pass_fraction=Fraction(str(raw["pass_fraction"])),
                  composite_points=tuple((Fraction(str(t["at_least"])), int(t["points"])) for t in raw["composite_points"]))


# the design the account holds, as an availability expression ----------------------------
def _passed(ev: Evidence, lab: str, step: str, check: str) -> bool:
    got = ev.outcome(lab, step, check)
    return bool(got and got.passed and not got.skipped)


def _step_passed(ev: Evidence, lab: str, step: str) -> bool:
    ids = ev.step_checks(lab, step)
    if not ids:
        return False
    outs = [ev.outcome(lab, step, c) for c in ids]
    judged = [o for o in outs if o is not None and not o.skipped]
    return bool(judged) and all(o.passed for o in judged)


def application_path(ev: Evidence) -> list[av.Node]:
    """The Regional tiers a viewer's request needs, each at the SLA of how it was built (a tier
    over two AZs at its multi-AZ figure). Route 53 in front when the failover records exist."""
    tiers: list[av.Node] = []
    if _step_passed(ev, "global-delivery", "dns"):
        tiers.append(av.part("route53"))
    if _step_passed(ev, "global-delivery", "alb"):
        tiers.append(av.part("alb"))
    if _passed(ev, "ec2-asg", "asg", "exists"):
        tiers.append(av.part("ec2-multi-az" if _passed(ev, "ec2-asg", "asg", "zones") else "ec2"))
    if _passed(ev, "containers-fargate", "service", "exists") and _passed(ev, "containers-fargate", "service", "zones"):
        tiers.append(av.part("fargate"))
    if _passed(ev, "serverless-api", "api", "http-api"):
        tiers.append(av.part("api-gateway"))
    if _passed(ev, "serverless-api", "function", "exists"):
        tiers.append(av.part("lambda"))
    if _passed(ev, "serverless-api", "table", "exists") or _passed(ev, "database-performance", "dynamodb", "exists"):
        tiers.append(av.part("dynamodb"))
    if _passed(ev, "database-performance", "rds", "exists"):
        tiers.append(av.part("rds-multi-az" if _passed(ev, "database-performance", "rds", "multi-az") else "rds"))
    if _passed(ev, "database-performance", "cache", "exists"):
        multi = _passed(ev, "database-performance", "cache", "multi-az")
        tiers.append(av.part("elasticache-multi-az" if multi else "elasticache-single-az"))
    return tiers


def media_path(ev: Evidence) -> av.Node | None:
    """CloudFront in front of the media bucket (two buckets in an origin group when the
    cloudfront step passes, since it requires one), or the bucket alone."""
    if _step_passed(ev, "global-delivery", "cloudfront"):
        return av.series(av.part("cloudfront"), av.parallel(av.part("s3"), av.part("s3")))
    if _passed(ev, "storage-tuning", "s3-lifecycle", "bucket"):
        return av.part("s3")
    return None


def two_regions(tiers: list[av.Node]) -> av.Node:
    """The same Regional tiers run active-active in two Regions behind Route 53 failover."""
    regional = [t for t in tiers if not (isinstance(t, av.Part) and t.label == "route53")]
    region = av.series(*regional)
    return av.series(av.part("route53"), av.parallel(region, region))


# grading -------------------------------------------------------------------------------
@dataclass
class Finding:
    criterion: str
    points: int
    max: int
    en: str
    ko: str
    lesson: str
    earned: bool
    judged: bool = True

    def to_json(self, lang: str) -> dict[str, Any]:
        return {"text": self.ko if lang == "ko" else self.en, "points": self.points, "lesson": self.lesson,
                "criterion": self.criterion, "max": self.max, "earned": self.earned,
                "en": self.en, "ko": self.ko}


@dataclass
class AreaResult:
    id: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def points(self) -> int:
        return sum(f.points for f in self.findings if f.judged)

    @property
    def max(self) -> int:
        return sum(f.max for f in self.findings if f.judged)


def _judge(c: Criterion, ev: Evidence, titles: dict[str, tuple[str, str]]) -> Finding:
    title_en, title_ko = titles.get(c.id, (c.id, c.id))
    outcomes: list[tuple[str, Outcome]] = []
    missing_labs = []
    for lab, step, checks in c.evidence:
        ids = list(checks) or (ev.step_checks(lab, step) or [])
        if ev.step_checks(lab, step) is None:
            missing_labs.append(lab)
            continue
        for cid in ids:
            got = ev.outcome(lab, step, cid)
            if got is not None:
                outcomes.append((f"{lab}/{step}/{cid}", got))
    judged = [(k, o) for k, o in outcomes if not o.skipped]
    if missing_labs or not judged:
        why_en = (f"lab {', '.join(sorted(set(missing_labs)))} is not installed in this version" if missing_labs
                  else "the endpoint cannot show it (verified on real AWS only)")
        why_ko = (f"이 버전에는 실습 {', '.join(sorted(set(missing_labs)))}이(가) 없습니다" if missing_labs
                  else "이 엔드포인트로는 확인할 수 없습니다(실제 AWS에서만 검증)")
        return Finding(c.id, 0, 0, f"{title_en}: not judged, {why_en}; left out of the max.",
                       f"{title_ko}: 판정하지 않음, {why_ko}. 만점에서 제외했습니다.", c.lesson, False, judged=False)
    failed = [(k, o) for k, o in judged if not o.passed]
    if not failed:
        return Finding(c.id, c.points, c.points, f"{title_en}: +{c.points}/{c.points}.",
                       f"{title_ko}: +{c.points}/{c.points}.", c.lesson, True)
    first_key, first = failed[0]
    more = f" (+{len(failed) - 1} more)" if len(failed) > 1 else ""
    more_ko = f" (외 {len(failed) - 1}건)" if len(failed) > 1 else ""
    return Finding(c.id, 0, c.points,
                   f"{title_en}: 0/{c.points}. {first_key}: {first.en}{more} To change: {c.change_en}.",
                   f"{title_ko}: 0/{c.points}. {first_key}: {first.ko}{more_ko} 바꿀 점: {c.change_ko}.",
                   c.lesson, False)


def _composite_finding(c: Criterion, rubric: Rubric, tiers: list[av.Node],
                       titles: dict[str, tuple[str, str]]) -> tuple[Finding, dict[str, Any]]:
    title_en, title_ko = titles.get(c.id, (c.id, c.id))
    if not tiers:
        info = {"expression": None, "availability_percent": None, "meets_9999": False}
        return Finding(c.id, 0, c.points,
                       f"{title_en}: 0/{c.points}. No Regional tier of StreamCloud was found, so there is no "
                       f"composite to compare with 99.99 %. To change: build the web, API and data tiers first.",
                       f"{title_ko}: 0/{c.points}. StreamCloud의 리전 계층을 하나도 찾지 못해 99.99%와 비교할 "
                       f"합성 가용성이 없습니다. 바꿀 점: 웹, API, 데이터 계층부터 만드십시오.", c.lesson, False), info
    found = av.compose(av.series(*tiers))
    twin = av.compose(two_regions(tiers))
    info = found.to_json()
    info["two_regions_percent"] = twin.percent
    info["two_regions_expression"] = twin.node.expr()
    pct = found.fraction * 100
    points = next((p for at, p in rubric.composite_points if pct >= at), 0)
    expr = found.node.expr()
    head_en = (f"{title_en}: +{points}/{c.points}. The application path {expr} composes to "
               f"{found.percent:.4f} % ({found.downtime_minutes_per_year:.0f} min of downtime a year)")
    head_ko = (f"{title_ko}: +{points}/{c.points}. 애플리케이션 경로 {expr}의 합성 가용성은 "
               f"{found.percent:.4f}%(연간 다운타임 {found.downtime_minutes_per_year:.0f}분)")
    if found.meets_target:
        return Finding(c.id, points, c.points, head_en + ", which meets 99.99 %.",
                       head_ko + "로 99.99%를 충족합니다.", c.lesson, True), info
    return Finding(c.id, points, c.points,
                   f"{head_en}, below 99.99 %: every tier in one Region is in series, and the product of "
                   f"published SLAs stays under 99.99 %. The same tiers active-active in two Regions behind "
                   f"Route 53 failover compose to {twin.percent:.4f} %. To change: {c.change_en}.",
                   f"{head_ko}로 99.99%에 못 미칩니다. 한 리전의 모든 계층은 직렬이며, 공개된 SLA의 곱은 "
                   f"99.99% 아래에 머뭅니다. 같은 계층을 Route 53 장애 조치 뒤의 두 리전에서 액티브-액티브로 "
                   f"운영하면 {twin.percent:.4f}%가 됩니다. 바꿀 점: {c.change_ko}.",
                   c.lesson, points == c.points), info


def area_steps(areas: Iterable[str]) -> dict[str, set[str]]:
    """``{lab: step ids}`` the capstone's ``areas`` read (each criterion's evidence, and the
    composite with availability): what solving those areas must build."""
    wanted: dict[str, set[str]] = {}
    for area in areas:
        for c in load_rubric().criteria:
            if c.area == area or (area == "availability" and c.id == "composite"):
                for lab, step, _checks in c.evidence:
                    wanted.setdefault(lab, set()).add(step)
        if area == "availability":
            # the composite reads the data tiers too: the database and cache the scalability and
            # performance areas may not have built yet
            wanted.setdefault("database-performance", set()).add("cache")
    return wanted


def evidence_keys(ev: Evidence) -> list[tuple[str, str, str]]:
    """Every (lab, step, check) the rubric's criteria read, in the order grading reads them."""
    keys = []
    for c in load_rubric().criteria:
        for lab, step, checks in c.evidence:
            keys += [(lab, step, cid) for cid in (list(checks) or ev.step_checks(lab, step) or [])]
    return keys


def grade(ev: Evidence, titles: dict[str, tuple[str, str]], lang: str = "en",
          step_id: str | None = None) -> dict[str, Any]:
    """The graded report (without the cost estimate, which the lab adds): ``passed``,
    ``score``, ``steps`` (the four areas, each with one check per criterion), ``rubric``,
    ``availability_percent``, ``availability`` and ``not_judged``."""
    rubric = load_rubric()
    areas = {a: AreaResult(a) for a in AREAS}
    tiers = application_path(ev)
    composite_info: dict[str, Any] = {}
    for c in rubric.criteria:
        if c.id == "composite":
            finding, composite_info = _composite_finding(c, rubric, tiers, titles)
        else:
            finding = _judge(c, ev, titles)
        areas[c.area].findings.append(finding)
    media = media_path(ev)
    if media is not None:
        composite_info["media_path"] = {"expression": media.expr(), "availability_percent": av.compose(media).percent}
    total_points = sum(a.points for a in areas.values())
    total_max = sum(a.max for a in areas.values())
    score = round(100 * total_points / total_max) if total_max else 0
    steps = []
    for a in areas.values():
        passed = a.max == 0 or Fraction(a.points, a.max) >= rubric.pass_fraction
        checks = []
        for f in a.findings:
            entry: dict[str, Any] = {"id": f.criterion, "passed": f.earned or not f.judged,
                                     "message": f.ko if lang == "ko" else f.en}
            if not f.judged:
                entry["skipped"] = True
            checks.append(entry)
        steps.append({"id": a.id, "passed": passed, "points": a.points, "max": a.max, "checks": checks})
    if step_id is not None:
        steps = [s for s in steps if s["id"] == step_id]
    return {
        "passed": steps[0]["passed"] if step_id is not None else score >= 70,
        "score": score,
        "steps": steps,
        "rubric": {a.id: {"points": a.points, "max": a.max,
                          "findings": [f.to_json(lang) for f in a.findings if f.judged]} for a in areas.values()},
        "availability_percent": composite_info.get("availability_percent"),
        "availability": composite_info,
        "not_judged": [{"criterion": f.criterion, "area": a.id, "lesson": f.lesson,
                        "text": f.ko if lang == "ko" else f.en}
                       for a in areas.values() for f in a.findings if not f.judged],
    }
