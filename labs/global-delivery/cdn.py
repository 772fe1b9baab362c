"""The CloudFront part of the lab `global-delivery`: judge a StreamCloud distribution, build
the tutor's own, delete the lab's.

A distribution is judged from its summary in ListDistributions (origins, origin groups and
behaviors are all there), so a verify costs one CloudFront call however many checks read it.
moto 5.2.6 refuses a default behavior that targets an origin group (NoSuchOrigin) but keeps the
group and the origins' OriginAccessControlId; AWS needs a distribution disabled and deployed
before it deletes it, and each change carries the last ETag.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Callable

from tutor.labs.kit import OWNER_TAG, Cleanup, Context, Result, empty_bucket, fail, ok, skip, tag

ALB = "streamcloud-alb"
COMMENT = "StreamCloud"
API_PATTERN = "/api/*"
HTTPS_POLICIES = ("redirect-to-https", "https-only")
BUCKET_PREFIX = "streamcloud-cdn-"  # the buckets the lab's commands create (the origins may use any)
OAC_NAMES = ("streamcloud-media-oac", "streamcloud-tutor-oac")  # the commands' and the tutor's
FILES = Path(__file__).parent / "files"
WAIT_SECONDS = 900  # a CloudFront change takes minutes to deploy on AWS
Findings = dict[str, Result]  # requirement -> its verdict on one distribution

NO_DISTRIBUTION = fail(
    f"No CloudFront distribution with the comment {COMMENT}: create it (aws cloudfront create-distribution --distribution-config file://distribution.json, after the step's sed command fills in distribution-sandbox.json).",
    f"설명(comment)이 {COMMENT}인 CloudFront 배포가 없습니다: 이 단계의 sed 명령으로 distribution-sandbox.json을 채운 뒤 aws cloudfront create-distribution --distribution-config file://distribution.json으로 만드십시오.")
UPDATE = "aws cloudfront update-distribution --id ID --if-match ETAG --distribution-config file://distribution.json"


def distributions(ctx: Context) -> list[dict]:
    items: list[dict] = []
    for page in ctx.client("cloudfront").get_paginator("list_distributions").paginate():
        items += (page.get("DistributionList") or {}).get("Items") or []
    return [d for d in items if (d.get("Comment") or "").strip() == COMMENT]


def oac_ids(ctx: Context) -> set[str]:
    found = ctx.client("cloudfront").list_origin_access_controls().get("OriginAccessControlList") or {}
    return {o["Id"] for o in found.get("Items") or []}


def items(container: dict | None) -> list:
    return (container or {}).get("Items") or []


def _behaviors(dist: dict) -> list[dict]:
    return [dist.get("DefaultCacheBehavior") or {}] + items(dist.get("CacheBehaviors"))


def _named(behaviors: list[dict], lang: str) -> str:
    """Behaviors by path pattern, the default one by name, for a message."""
    default = "default (*)" if lang == "en" else "기본(*)"
    return ", ".join(b.get("PathPattern") or default for b in behaviors)


def _alb_origins(dist: dict, alb_dns: str | None) -> list[dict]:
    """Custom origins that are streamcloud-alb (by its DNS name) or, without it, any ELB."""
    def host(o: dict) -> str:
        name = (o.get("DomainName") or "").lower().rstrip(".")
        return name[len("dualstack."):] if name.startswith("dualstack.") else name
    custom = [o for o in items(dist.get("Origins")) if "CustomOriginConfig" in o]
    if alb_dns:
        return [o for o in custom if host(o) == alb_dns.lower()]
    return [o for o in custom if host(o).endswith(".elb.amazonaws.com")]


def _oac_finding(origins: list[dict], oac_ids: set[str]) -> Result:
    s3 = [o for o in origins if "S3OriginConfig" in o]
    if not s3:
        return fail("The distribution has no S3 origin: add the media bucket's REST endpoint (BUCKET.s3.us-east-1.amazonaws.com) with an origin access control.",
                    "배포에 S3 오리진이 없습니다: 미디어 버킷의 REST 엔드포인트(BUCKET.s3.us-east-1.amazonaws.com)를 오리진 액세스 제어와 함께 추가하십시오.")
    if any("OriginAccessControlId" not in o for o in s3):  # an older endpoint drops the field
        return skip("the origins' OriginAccessControlId is not returned by this endpoint",
                    "이 엔드포인트는 오리진의 OriginAccessControlId를 반환하지 않습니다")
    for o in s3:
        oac, oai = o.get("OriginAccessControlId"), (o.get("S3OriginConfig") or {}).get("OriginAccessIdentity")
        if not oac:
            legacy = (" (it uses a legacy origin access identity: move to OAC and empty OriginAccessIdentity)", " (레거시 오리진 액세스 ID를 사용합니다: OAC로 옮기고 OriginAccessIdentity를 비우십시오)") if oai else ("", "")
            return fail(f"S3 origin {o['Id']} has no origin access control{legacy[0]}: create one (aws cloudfront create-origin-access-control) and set its id as the origin's OriginAccessControlId ({UPDATE}).",
                        f"S3 오리진 {o['Id']}에 오리진 액세스 제어가 없습니다{legacy[1]}: aws cloudfront create-origin-access-control로 만들고 그 ID를 오리진의 OriginAccessControlId로 지정하십시오({UPDATE}).")
        if oac not in oac_ids:
            return fail(f"S3 origin {o['Id']} names origin access control {oac}, which does not exist: use the id that aws cloudfront list-origin-access-controls shows ({UPDATE}).",
                        f"S3 오리진 {o['Id']}이(가) 존재하지 않는 오리진 액세스 제어 {oac}을(를) 가리킵니다: aws cloudfront list-origin-access-controls에 나오는 ID를 쓰십시오({UPDATE}).")
    names = ", ".join(o["Id"] for o in s3)
    return ok(f"S3 origins {names} are reached through an origin access control.", f"S3 오리진 {names}은(는) 오리진 액세스 제어를 거쳐 접근합니다.")


def _group_problem(group: dict, origins: dict[str, dict]) -> tuple[str, str] | None:
    members = [m.get("OriginId") for m in items(group.get("Members"))]
    gid = group.get("Id")
    if len(members) != 2 or len(set(members)) != 2:
        return (f"origin group {gid} has {len(set(members))} distinct member(s): it needs two S3 origins, a primary and a failover",
                f"오리진 그룹 {gid}의 서로 다른 멤버가 {len(set(members))}개입니다: 프라이머리와 장애 조치용, 두 S3 오리진이 필요합니다")
    not_s3 = [m for m in members if "S3OriginConfig" not in origins.get(m, {})]
    if not_s3:
        return (f"origin group {gid}'s member(s) {', '.join(not_s3)} are not S3 origins of this distribution",
                f"오리진 그룹 {gid}의 멤버 {', '.join(not_s3)}은(는) 이 배포의 S3 오리진이 아닙니다")
    if not items((group.get("FailoverCriteria") or {}).get("StatusCodes")):
        return (f"origin group {gid} has no failover status codes (e.g. 500, 502, 503, 504)",
                f"오리진 그룹 {gid}에 장애 조치 상태 코드(예: 500, 502, 503, 504)가 없습니다")
    return None


def findings(dist: dict, alb_dns: str | None, oac_ids: set[str]) -> Findings:
    did = dist.get("Id")
    found: Findings = {}
    found["exists"] = ok(f"Distribution {did} ({dist.get('DomainName')}) has the comment {COMMENT}.",
                         f"배포 {did}({dist.get('DomainName')})의 설명이 {COMMENT}입니다.") if dist.get("Enabled") else fail(
        f"Distribution {did} is disabled, so it serves nothing: set Enabled to true ({UPDATE}).",
        f"배포 {did}이(가) 비활성화되어 아무것도 제공하지 않습니다: Enabled를 true로 설정하십시오({UPDATE}).")
    origins = items(dist.get("Origins"))
    found["s3-oac"] = _oac_finding(origins, oac_ids)
    albs = _alb_origins(dist, alb_dns)
    want = f"the DNS name of {ALB} ({alb_dns})" if alb_dns else "a load balancer's DNS name (*.elb.amazonaws.com)"
    want_ko = f"{ALB}의 DNS 이름({alb_dns})" if alb_dns else "로드 밸런서의 DNS 이름(*.elb.amazonaws.com)"
    found["alb-origin"] = ok(f"Origin {albs[0]['Id']} is the load balancer {albs[0]['DomainName']}.",
                             f"오리진 {albs[0]['Id']}은(는) 로드 밸런서 {albs[0]['DomainName']}입니다.") if albs else fail(
        f"No custom origin of {did} has {want} as its domain: add the ALB as an origin with a CustomOriginConfig ({UPDATE}).",
        f"{did}에 도메인이 {want_ko}인 사용자 지정 오리진이 없습니다: CustomOriginConfig로 ALB를 오리진에 추가하십시오({UPDATE}).")
    api = [b for b in items(dist.get("CacheBehaviors")) if b.get("PathPattern") == API_PATTERN]
    alb_ids = {o["Id"] for o in albs}
    if any(b.get("TargetOriginId") in alb_ids for b in api):
        found["api-behavior"] = ok(f"{API_PATTERN} goes to the ALB origin.", f"{API_PATTERN}은(는) ALB 오리진으로 갑니다.")
    elif api:
        target = api[0].get("TargetOriginId")
        found["api-behavior"] = fail(f"The {API_PATTERN} behavior targets origin {target}, not the ALB origin: set its TargetOriginId to the ALB origin's Id ({UPDATE}).",
                                     f"{API_PATTERN} 캐시 동작의 대상이 ALB 오리진이 아닌 {target}입니다: TargetOriginId를 ALB 오리진의 Id로 설정하십시오({UPDATE}).")
    else:
        found["api-behavior"] = fail(f"{did} has no cache behavior with the path pattern {API_PATTERN}: add one that targets the ALB origin, so API calls reach the application instead of the bucket ({UPDATE}).",
                                     f"{did}에 경로 패턴이 {API_PATTERN}인 캐시 동작이 없습니다: API 호출이 버킷이 아닌 애플리케이션에 닿도록 ALB 오리진을 대상으로 하는 캐시 동작을 추가하십시오({UPDATE}).")
    loose = [b for b in _behaviors(dist) if b.get("ViewerProtocolPolicy") not in HTTPS_POLICIES]
    found["https"] = ok("Every behavior redirects viewers to HTTPS or requires it.", "모든 캐시 동작이 뷰어를 HTTPS로 리디렉션하거나 HTTPS만 허용합니다.") if not loose else fail(
        f"Behavior(s) {_named(loose, 'en')} let viewers use plain HTTP: set ViewerProtocolPolicy to redirect-to-https (or https-only) on every behavior, the default one too ({UPDATE}).",
        f"{_named(loose, 'ko')} 캐시 동작이 뷰어의 일반 HTTP를 허용합니다: 기본 캐시 동작을 포함해 모든 캐시 동작의 ViewerProtocolPolicy를 redirect-to-https(또는 https-only)로 설정하십시오({UPDATE}).")
    found["compression"] = ok("The default behavior compresses objects.", "기본 캐시 동작이 객체를 압축합니다.") if (dist.get("DefaultCacheBehavior") or {}).get("Compress") is True else fail(
        f"The default behavior does not compress: set Compress to true (with a cache policy that enables Gzip and Brotli, such as CachingOptimized) so text assets download faster and cost less to transfer ({UPDATE}).",
        f"기본 캐시 동작이 압축하지 않습니다: Compress를 true로 설정하십시오(CachingOptimized처럼 Gzip과 Brotli를 켠 캐시 정책과 함께). 그래야 텍스트 파일을 더 빨리 내려받고 전송 비용도 줄어듭니다({UPDATE}).")
    by_id = {o["Id"]: o for o in origins}
    groups = items(dist.get("OriginGroups"))
    problems = [(g, _group_problem(g, by_id)) for g in groups]
    good = [g for g, p in problems if p is None]
    if good:
        found["origin-group"] = ok(f"Origin group {good[0]['Id']} fails over between two S3 origins.", f"오리진 그룹 {good[0]['Id']}이(가) 두 S3 오리진 사이에서 장애 조치합니다.")
    elif problems:
        en, ko = problems[0][1]
        found["origin-group"] = fail(f"{en} ({UPDATE}).", f"{ko}({UPDATE}).")
    else:
        found["origin-group"] = fail(f"{did} has no origin group: add one with the primary and the failover S3 origins and failover status codes ({UPDATE}).",
                                     f"{did}에 오리진 그룹이 없습니다: 프라이머리와 장애 조치용 S3 오리진, 장애 조치 상태 코드를 넣은 오리진 그룹을 추가하십시오({UPDATE}).")
    group_ids = {g["Id"] for g in good}
    used = [b for b in _behaviors(dist) if b.get("TargetOriginId") in group_ids]
    found["group-used"] = ok(f"Behavior(s) {_named(used, 'en')} use the origin group, so they fail over.", f"{_named(used, 'ko')} 캐시 동작이 오리진 그룹을 사용하므로 장애 조치됩니다.") if used else fail(
        "No behavior targets the origin group, so nothing fails over: make the default behavior's TargetOriginId the group's Id (distribution-aws.json does).",
        "오리진 그룹을 대상으로 하는 캐시 동작이 없어 장애 조치가 일어나지 않습니다: 기본 캐시 동작의 TargetOriginId를 그룹의 Id로 하십시오(distribution-aws.json이 그렇게 합니다).")
    return found


def _distribution_tags(ctx: Context, dist: dict) -> list[dict]:
    return (ctx.client("cloudfront").list_tags_for_resource(Resource=dist["ARN"]).get("Tags") or {}).get("Items") or []


def _own_oac(ctx: Context) -> str:
    """The tutor's origin access control (OACs carry no tags: the tutor's has its own name)."""
    cf = ctx.client("cloudfront")
    found = [o for o in items(cf.list_origin_access_controls().get("OriginAccessControlList")) if o.get("Name") == OAC_NAMES[1]]
    if found:
        return found[0]["Id"]
    return cf.create_origin_access_control(OriginAccessControlConfig={
        "Name": OAC_NAMES[1], "SigningProtocol": "sigv4", "SigningBehavior": "always",
        "OriginAccessControlOriginType": "s3"})["OriginAccessControl"]["Id"]


def filled(name: str, values: dict[str, str]) -> str:
    text = (FILES / name).read_text(encoding="utf-8")
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def own_distribution(ctx: Context, alb_dns: Callable[[], str]) -> dict:
    """The tutor's StreamCloud distribution, built as the step's commands build it: on real AWS
    from distribution-aws.json (the default behavior uses the origin group), on an endpoint
    from distribution-sandbox.json (moto refuses a default behavior that targets a group)."""
    mine = [d for d in distributions(ctx) if tag({"Tags": _distribution_tags(ctx, d)}, OWNER_TAG) == ctx.lab_id]
    if mine:
        return mine[0]
    s3, suffix = ctx.client("s3"), uuid.uuid4().hex[:12]
    primary, failover = f"{BUCKET_PREFIX}{suffix}", f"{BUCKET_PREFIX}{suffix}-failover"
    s3.create_bucket(Bucket=primary)
    s3.create_bucket(Bucket=failover, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    for bucket in (primary, failover):
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": ctx.owner_tags(bucket)})
    config = json.loads(filled("distribution-sandbox.json" if ctx.on_endpoint else "distribution-aws.json", {
        "PRIMARY_BUCKET": primary, "FAILOVER_BUCKET": failover, "OAC_ID": _own_oac(ctx),
        "ALB_DNS_NAME": alb_dns(), "CALLER_REFERENCE": f"saa-tutor-{suffix}"}))
    dist = ctx.client("cloudfront").create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": config, "Tags": {"Items": ctx.owner_tags(COMMENT)}})["Distribution"]
    for bucket in (primary, failover):  # OAC signs requests; the bucket must let this distribution in
        s3.put_bucket_policy(Bucket=bucket, Policy=filled("bucket-policy.json", {"BUCKET": bucket, "DISTRIBUTION_ARN": dist["ARN"]}))
    return dist



def _delete_distribution(ctx: Context, dist: dict) -> Callable[[], None]:
    """AWS deletes only a disabled, deployed distribution, and each change needs the last ETag."""
    cf, did = ctx.client("cloudfront"), dist["Id"]

    def delete() -> None:
        current = cf.get_distribution_config(Id=did)
        config, etag = current["DistributionConfig"], current["ETag"]
        if config.get("Enabled"):
            etag = cf.update_distribution(Id=did, IfMatch=etag, DistributionConfig={**config, "Enabled": False})["ETag"]
        if not ctx.on_endpoint:
            cf.get_waiter("distribution_deployed").wait(Id=did, WaiterConfig={"Delay": 30, "MaxAttempts": WAIT_SECONDS // 30})
            etag = cf.get_distribution(Id=did)["ETag"]
        cf.delete_distribution(Id=did, IfMatch=etag)
    return delete


def _empty_and_delete_bucket(ctx: Context, name: str) -> None:
    empty_bucket(ctx, name)
    ctx.client("s3").delete_bucket(Bucket=name)


def cleanup(ctx: Context) -> list[dict]:
    """The StreamCloud distributions, the OACs they used or the lab named (if no other
    distribution still uses them), and the buckets named streamcloud-cdn-*."""
    done, cf = Cleanup(), ctx.client("cloudfront")
    dists = distributions(ctx)
    oacs = {o.get("OriginAccessControlId") for d in dists for o in items(d.get("Origins"))} - {None, ""}
    for dist in dists:
        done.attempt("cloudfront-distribution", dist["Id"], _delete_distribution(ctx, dist), "NoSuchDistribution")
    remaining: list[dict] = []
    for page in cf.get_paginator("list_distributions").paginate():
        remaining += (page.get("DistributionList") or {}).get("Items") or []
    still_used = {o.get("OriginAccessControlId") for d in remaining for o in items(d.get("Origins"))}
    listed = items(cf.list_origin_access_controls().get("OriginAccessControlList"))
    oacs |= {o["Id"] for o in listed if o.get("Name") in OAC_NAMES}
    for oid in sorted(oacs & {o["Id"] for o in listed}):
        if oid in still_used:
            done.kept("origin-access-control", oid, "another distribution still uses it")
            continue
        etag = cf.get_origin_access_control(Id=oid)["ETag"]
        done.attempt("origin-access-control", oid, lambda oid=oid, etag=etag: cf.delete_origin_access_control(Id=oid, IfMatch=etag),
                     "NoSuchOriginAccessControl")
    for bucket in ctx.client("s3").list_buckets().get("Buckets", []):
        if bucket["Name"].startswith(BUCKET_PREFIX):
            done.attempt("s3-bucket", bucket["Name"], lambda b=bucket["Name"]: _empty_and_delete_bucket(ctx, b), "NoSuchBucket")
    return done.done


