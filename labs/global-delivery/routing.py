"""The Route 53 and Global Accelerator parts of the lab `global-delivery`.

A hosted zone is judged on its failover (or latency) record pair and the health check that
guards the primary record: moto accepts a HealthCheckId that names nothing, so the check looks
the health check up. Global Accelerator exists on real AWS only (no endpoint emulates it) and
its API lives in us-west-2 whatever Regions its endpoints are in.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Callable

from tutor.labs.backend import API_REGIONS
from tutor.labs.kit import OWNER_TAG, Cleanup, Context, Result, absent, fail, missing, ok, tag, wait_on_aws

ALB = "streamcloud-alb"
HEALTH_PATH = "/health"
ZONE = "streamcloud.example."
HEALTH_CHECK_NAME = "streamcloud-alb-health"
ACCELERATOR = "streamcloud-ga"
GA_API_REGION = API_REGIONS["globalaccelerator"]
FILES = Path(__file__).parent / "files"
WAIT_SECONDS = 900  # an accelerator takes minutes to deploy a change on AWS
Findings = dict[str, Result]  # requirement -> its verdict on one zone or accelerator

NO_ZONE = missing("hosted zone", "호스팅 영역", ZONE.rstrip("."),
                  "aws route53 create-hosted-zone --name streamcloud.example --caller-reference streamcloud-$(date +%s)")
CHANGE = "aws route53 change-resource-record-sets --hosted-zone-id ZONE_ID --change-batch file://records.json"


def zones(ctx: Context) -> list[dict]:
    found = ctx.client("route53").list_hosted_zones_by_name(DNSName=ZONE)["HostedZones"]
    return [z for z in found if z["Name"] == ZONE]


def _records(ctx: Context, zone_id: str) -> list[dict]:
    out: list[dict] = []
    for page in ctx.client("route53").get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id):
        out += page["ResourceRecordSets"]
    return out


def _routed_pairs(records: list[dict]) -> list[tuple[str, list[dict]]]:
    """(name, the records that need a health check) of each failover or latency pair."""
    sets: dict[tuple[str, str], list[dict]] = {}
    for r in records:
        sets.setdefault((r["Name"], r["Type"]), []).append(r)
    pairs = []
    for (name, _), group in sorted(sets.items()):
        roles = {r.get("Failover") for r in group}
        if {"PRIMARY", "SECONDARY"} <= roles:
            pairs.append((name, [r for r in group if r.get("Failover") == "PRIMARY"]))
        elif len({r["Region"] for r in group if r.get("Region")}) >= 2:
            pairs.append((name, [r for r in group if r.get("Region")]))
    return pairs


def zone_findings(ctx: Context, zone: dict) -> Findings:
    records = [r for r in _records(ctx, zone["Id"]) if not (r["Name"] == ZONE and r["Type"] in ("NS", "SOA"))]
    pairs = _routed_pairs(records)
    found: Findings = {"zone": ok(f"Hosted zone {ZONE} found ({zone['Id'].split('/')[-1]}).", f"호스팅 영역 {ZONE}을(를) 찾았습니다({zone['Id'].split('/')[-1]}).")}
    if pairs:
        found["routing"] = ok(f"{pairs[0][0]} has a failover (or latency) record pair.", f"{pairs[0][0]}에 장애 조치(또는 지연 시간 기반) 레코드 쌍이 있습니다.")
    else:
        half = sorted({r["Name"] for r in records if r.get("Failover")})
        simple = sorted({r["Name"] for r in records if not r.get("SetIdentifier")})
        what = (f"{', '.join(half)} has only one failover record" if half else
                f"{', '.join(simple)} use(s) simple routing" if simple else "the zone holds only its NS and SOA records",
                f"{', '.join(half)}에는 장애 조치 레코드가 하나뿐입니다" if half else
                f"{', '.join(simple)}은(는) 단순 라우팅을 씁니다" if simple else "영역에 NS와 SOA 레코드만 있습니다")
        found["routing"] = fail(f"No record pair uses failover routing: {what[0]}; create a PRIMARY and a SECONDARY record of one name, each with its SetIdentifier ({CHANGE}), or a latency pair in two Regions.",
                                f"장애 조치 라우팅을 쓰는 레코드 쌍이 없습니다: {what[1]}. 같은 이름으로 SetIdentifier가 각각 있는 PRIMARY와 SECONDARY 레코드를 만들거나({CHANGE}), 두 리전에 지연 시간 기반 레코드 쌍을 만드십시오.")
        found["health"] = fail("There is no failover record pair for a health check to guard yet: create the pair first.",
                               "아직 상태 확인이 지킬 장애 조치 레코드 쌍이 없습니다: 먼저 레코드 쌍을 만드십시오.")
        return found
    exists: dict[str, bool] = {}
    route53 = ctx.client("route53")
    for name, guarded in pairs:
        ids = [r.get("HealthCheckId") for r in guarded]
        for hid in ids:
            if hid and hid not in exists:
                exists[hid] = absent(lambda hid=hid: route53.get_health_check(HealthCheckId=hid), "NoSuchHealthCheck") is not None
        if all(hid and exists[hid] for hid in ids):
            found["health"] = ok(f"The primary record of {name} is guarded by health check {ids[0]}.", f"{name}의 프라이머리 레코드를 상태 확인 {ids[0]}이(가) 지킵니다.")
            return found
    name, guarded = pairs[0]
    dangling = [r["HealthCheckId"] for r in guarded if r.get("HealthCheckId") and not exists[r["HealthCheckId"]]]
    if dangling:
        found["health"] = fail(f"The primary record of {name} names health check {dangling[0]}, which does not exist: create one (aws route53 create-health-check) and UPSERT the record with its id ({CHANGE}).",
                               f"{name}의 프라이머리 레코드가 존재하지 않는 상태 확인 {dangling[0]}을(를) 가리킵니다: aws route53 create-health-check로 만들고 그 ID로 레코드를 UPSERT하십시오({CHANGE}).")
    else:
        found["health"] = fail(f"The primary record of {name} has no health check, so Route 53 never fails over to the secondary: create one (aws route53 create-health-check) and UPSERT the PRIMARY record with its HealthCheckId ({CHANGE}).",
                               f"{name}의 프라이머리 레코드에 상태 확인이 없어 Route 53이 보조 레코드로 장애 조치하지 않습니다: aws route53 create-health-check로 만들고 PRIMARY 레코드에 HealthCheckId를 넣어 UPSERT하십시오({CHANGE}).")
    return found



def _zone_id(zone: dict) -> str:
    return zone["Id"].split("/")[-1]


def solve_dns(ctx: Context, alb_dns: str, standby: Callable[[], str]) -> None:
    """The tutor's zone with a failover pair: the ALB (health-checked), else `standby()`."""
    route53 = ctx.client("route53")
    for zone in zones(ctx):
        tags = route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=_zone_id(zone))["ResourceTagSet"].get("Tags")
        if tag({"Tags": tags}, OWNER_TAG) == ctx.lab_id:
            return
    check = route53.create_health_check(CallerReference=f"saa-tutor-{uuid.uuid4().hex}", HealthCheckConfig={
        "Type": "HTTP", "FullyQualifiedDomainName": alb_dns, "Port": 80, "ResourcePath": HEALTH_PATH,
        "RequestInterval": 30, "FailureThreshold": 3})["HealthCheck"]
    route53.change_tags_for_resource(ResourceType="healthcheck", ResourceId=check["Id"], AddTags=ctx.owner_tags(HEALTH_CHECK_NAME))
    zone = route53.create_hosted_zone(Name=ZONE, CallerReference=f"saa-tutor-{uuid.uuid4().hex}")["HostedZone"]
    route53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=_zone_id(zone), AddTags=ctx.owner_tags(ZONE.rstrip(".")))
    route53.change_resource_record_sets(HostedZoneId=zone["Id"], ChangeBatch=json.loads((FILES / "records.json").read_text(encoding="utf-8").replace(
        "ALB_DNS_NAME", alb_dns).replace("HEALTH_CHECK_ID", check["Id"]).replace("STANDBY_DNS_NAME", standby())))


# step accelerator (real AWS only: the sandbox has no Global Accelerator) -----------------
NO_ACCELERATOR = missing("accelerator", "액셀러레이터", ACCELERATOR,
                         f"aws globalaccelerator create-accelerator --name {ACCELERATOR} --region {GA_API_REGION}", GA_API_REGION)


def accelerator_api(ctx: Context) -> Any:
    """A Global Accelerator client: the backend makes it in us-west-2, where its API lives
    (tutor.labs.backend.API_REGIONS), whatever the lab's region."""
    return ctx.client("globalaccelerator")


def accelerators(ctx: Context) -> list[dict]:
    out: list[dict] = []
    for page in accelerator_api(ctx).get_paginator("list_accelerators").paginate():
        out += [a for a in page["Accelerators"] if a.get("Name") == ACCELERATOR]
    return out


def accelerator_findings(ctx: Context, accel: dict, alb_arn: str | None) -> Findings:
    ga = accelerator_api(ctx)
    found: Findings = {"exists": ok(f"Accelerator {ACCELERATOR} found (static IPs {', '.join(ip for s in accel.get('IpSets') or [] for ip in s.get('IpAddresses') or [])}).",
                                    f"액셀러레이터 {ACCELERATOR}을(를) 찾았습니다(정적 IP 주소 {', '.join(ip for s in accel.get('IpSets') or [] for ip in s.get('IpAddresses') or [])}).")
                       if accel.get("Enabled") else fail(f"{ACCELERATOR} is disabled: aws globalaccelerator update-accelerator --accelerator-arn ARN --enabled --region {GA_API_REGION}.",
                                                         f"{ACCELERATOR}이(가) 비활성화되어 있습니다: aws globalaccelerator update-accelerator --accelerator-arn ARN --enabled --region {GA_API_REGION}.")}
    listeners = ga.list_listeners(AcceleratorArn=accel["AcceleratorArn"])["Listeners"]
    tcp = [li for li in listeners if li.get("Protocol") == "TCP" and any(
        p["FromPort"] <= port <= p["ToPort"] for p in li.get("PortRanges") or [] for port in (80, 443))]
    found["listener"] = ok("A TCP listener takes port 80 or 443.", "TCP 리스너가 포트 80 또는 443을 받습니다.") if tcp else fail(
        f"{ACCELERATOR} has no TCP listener on port 80 or 443: aws globalaccelerator create-listener --accelerator-arn ARN --protocol TCP --port-ranges FromPort=80,ToPort=80 --region {GA_API_REGION}.",
        f"{ACCELERATOR}에 포트 80 또는 443의 TCP 리스너가 없습니다: aws globalaccelerator create-listener --accelerator-arn ARN --protocol TCP --port-ranges FromPort=80,ToPort=80 --region {GA_API_REGION}.")
    groups = [g for li in tcp for g in ga.list_endpoint_groups(ListenerArn=li["ListenerArn"])["EndpointGroups"]]
    served = [g for g in groups if g.get("EndpointGroupRegion") == "us-east-1"
              and alb_arn in {e.get("EndpointId") for e in g.get("EndpointDescriptions") or []}]
    found["endpoint-group"] = ok(f"An endpoint group in us-east-1 sends traffic to {ALB}.", f"us-east-1의 엔드포인트 그룹이 {ALB}(으)로 트래픽을 보냅니다.") if served else fail(
        f"No endpoint group in us-east-1 has {ALB} as an endpoint{'' if alb_arn else f' (there is no {ALB}: build the alb step first)'}: aws globalaccelerator create-endpoint-group --listener-arn LISTENER_ARN --endpoint-group-region us-east-1 --endpoint-configurations EndpointId=ALB_ARN,Weight=128 --region {GA_API_REGION}.",
        f"us-east-1에 {ALB}을(를) 엔드포인트로 둔 엔드포인트 그룹이 없습니다{'' if alb_arn else f'({ALB}이(가) 없으므로 alb 단계부터 하십시오)'}: aws globalaccelerator create-endpoint-group --listener-arn LISTENER_ARN --endpoint-group-region us-east-1 --endpoint-configurations EndpointId=ALB_ARN,Weight=128 --region {GA_API_REGION}.")
    return found



def solve_accelerator(ctx: Context, alb_arn: Callable[[], str]) -> None:
    ga = accelerator_api(ctx)
    for accel in accelerators(ctx):
        if tag({"Tags": ga.list_tags_for_resource(ResourceArn=accel["AcceleratorArn"]).get("Tags")}, OWNER_TAG) == ctx.lab_id:
            return
    accel = ga.create_accelerator(Name=ACCELERATOR, IpAddressType="IPV4", Enabled=True,
                                  IdempotencyToken=uuid.uuid4().hex, Tags=ctx.owner_tags(ACCELERATOR))["Accelerator"]
    listener = ga.create_listener(AcceleratorArn=accel["AcceleratorArn"], Protocol="TCP", IdempotencyToken=uuid.uuid4().hex,
                                  PortRanges=[{"FromPort": 80, "ToPort": 80}])["Listener"]
    ga.create_endpoint_group(ListenerArn=listener["ListenerArn"], EndpointGroupRegion="us-east-1", IdempotencyToken=uuid.uuid4().hex,
                             EndpointConfigurations=[{"EndpointId": alb_arn(), "Weight": 128, "ClientIPPreservationEnabled": True}])


# cleanup ------------------------------------------------------------------------------
def cleanup_accelerator(ctx: Context) -> list[dict]:
    done = Cleanup()
    if ctx.on_endpoint:  # no endpoint emulates Global Accelerator; the step is never built there
        return done.done
    ga = accelerator_api(ctx)
    for accel in accelerators(ctx):
        arn = accel["AcceleratorArn"]
        for li in ga.list_listeners(AcceleratorArn=arn)["Listeners"]:
            for group in ga.list_endpoint_groups(ListenerArn=li["ListenerArn"])["EndpointGroups"]:
                done.attempt("endpoint-group", group["EndpointGroupArn"], lambda g=group: ga.delete_endpoint_group(
                    EndpointGroupArn=g["EndpointGroupArn"]), "EndpointGroupNotFoundException")
            done.attempt("accelerator-listener", li["ListenerArn"], lambda li=li: ga.delete_listener(
                ListenerArn=li["ListenerArn"]), "ListenerNotFoundException")
        if accel.get("Enabled"):  # an enabled accelerator cannot be deleted
            ga.update_accelerator(AcceleratorArn=arn, Enabled=False)
        wait_on_aws(ctx, lambda: ga.describe_accelerator(AcceleratorArn=arn)["Accelerator"]["Status"] == "DEPLOYED", WAIT_SECONDS)
        done.attempt("accelerator", arn, lambda: ga.delete_accelerator(AcceleratorArn=arn), "AcceleratorNotFoundException")
    return done.done


def cleanup_dns(ctx: Context) -> list[dict]:
    """The zones named streamcloud.example (their records first), then the health checks their
    records used and those named streamcloud-alb-health."""
    done, route53 = Cleanup(), ctx.client("route53")
    checks: set[str] = set()
    for zone in zones(ctx):
        records = [r for r in _records(ctx, zone["Id"]) if not (r["Name"] == ZONE and r["Type"] in ("NS", "SOA"))]
        checks |= {r["HealthCheckId"] for r in records if r.get("HealthCheckId")}
        if records:
            route53.change_resource_record_sets(HostedZoneId=zone["Id"], ChangeBatch={
                "Changes": [{"Action": "DELETE", "ResourceRecordSet": r} for r in records]})
        done.attempt("hosted-zone", _zone_id(zone), lambda z=zone: route53.delete_hosted_zone(Id=z["Id"]), "NoSuchHostedZone")
    ids = [c["Id"] for page in route53.get_paginator("list_health_checks").paginate() for c in page["HealthChecks"]]
    for start in range(0, len(ids), 10):  # the tags API takes ten ids at a time
        for entry in route53.list_tags_for_resources(ResourceType="healthcheck", ResourceIds=ids[start:start + 10])["ResourceTagSets"]:
            if tag(entry, "Name") == HEALTH_CHECK_NAME:
                checks.add(entry["ResourceId"])
    for hid in sorted(checks & set(ids)):
        done.attempt("health-check", hid, lambda hid=hid: route53.delete_health_check(HealthCheckId=hid), "NoSuchHealthCheck")
    return done.done


