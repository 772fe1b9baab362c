"""Checks, solutions and cleanup of the lab `global-delivery`: StreamCloud served worldwide.

An Application Load Balancer over two AZs, a CloudFront distribution (S3 media behind origin
access control with an origin group for failover, the ALB for `/api/*`, HTTPS and compression),
Route 53 failover records with a health check, and (real AWS only) a Global Accelerator.
Checks read configuration only and judge every value themselves, since moto accepts what AWS
rejects (an ALB in one AZ, a health check id that names nothing). Where several resources carry
a step's name (distributions share a comment, zones a name), every check of the step judges the
one that meets most requirements. Solutions create their own resources, tagged as the tutor's;
later steps may point at streamcloud-alb whoever built it (they only read its DNS name or ARN).
The CloudFront part lives in cdn.py, Route 53 and Global Accelerator in routing.py: the runner
loads this file by path, so it loads them by path too.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from tutor.labs.kit import (
    Cleanup,
    Context,
    Result,
    absent,
    already_mine,
    cleanup_steps,
    default_network,
    fail,
    finder,
    judged,
    missing,
    ok,
    with_tags,
)

ALB, TG = "streamcloud-alb", "streamcloud-web-tg"
HEALTH_PATH = "/health"


def _sibling(name: str) -> ModuleType:
    full = f"tutor_lab_global_delivery_{name}"
    if full not in sys.modules:
        spec = importlib.util.spec_from_file_location(full, Path(__file__).with_name(f"{name}.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[full] = module
        spec.loader.exec_module(module)
    return sys.modules[full]


cdn, routing = _sibling("cdn"), _sibling("routing")

Findings = dict[str, Result]  # requirement -> its verdict on one resource


def _best(candidates: list[Any], judge: Callable[[Any], Findings]) -> tuple[Any, Findings]:
    """The candidate meeting most requirements (the first among equals) and its findings."""
    judged = [(c, judge(c)) for c in candidates]
    if not judged:
        return None, {}
    return min(judged, key=lambda pair: sum(not r.passed for r in pair[1].values()))


# step alb ------------------------------------------------------------------------------
CREATE_ALB = ("aws elbv2 create-load-balancer --name streamcloud-alb --type application "
              "--subnets SUBNET_A SUBNET_B --security-groups SG_ID")
NO_ALB = missing("load balancer", "로드 밸런서", ALB, CREATE_ALB)
NO_TG = missing("target group", "대상 그룹", TG,
                f"aws elbv2 create-target-group --name {TG} --protocol HTTP --port 80 --vpc-id VPC_ID --health-check-path {HEALTH_PATH}")


def _lb(ctx: Context) -> dict | None:
    found = absent(lambda: ctx.client("elbv2").describe_load_balancers(Names=[ALB])["LoadBalancers"],
                   "LoadBalancerNotFound")
    return (found or [None])[0]


def _tg(ctx: Context) -> dict | None:
    found = absent(lambda: ctx.client("elbv2").describe_target_groups(Names=[TG])["TargetGroups"],
                   "TargetGroupNotFound")
    return (found or [None])[0]


def _forwards_to(action: dict, tg_arn: str) -> bool:
    if action.get("Type") != "forward":
        return False
    arns = {action.get("TargetGroupArn")} | {t.get("TargetGroupArn") for t in
                                             (action.get("ForwardConfig") or {}).get("TargetGroups") or []}
    return tg_arn in arns


_find_lb = finder(_lb, NO_ALB)


@judged(_find_lb)
def check_alb_exists(ctx: Context, lb: dict) -> Result:
    return ok(f"Load balancer {ALB} found ({lb.get('DNSName')}).", f"로드 밸런서 {ALB}을(를) 찾았습니다({lb.get('DNSName')}).")


@judged(_find_lb)
def check_alb_type(ctx: Context, lb: dict) -> Result:
    kind = lb.get("Type")
    if kind == "application":
        return ok(f"{ALB} is an Application Load Balancer (layer 7: path rules, HTTP health checks).",
                  f"{ALB}은(는) Application Load Balancer입니다(7계층: 경로 규칙, HTTP 상태 확인).")
    return fail(f"{ALB} is a {kind} load balancer, not an application one: a load balancer's type cannot change; delete it (aws elbv2 delete-load-balancer --load-balancer-arn ARN) and create it with --type application.",
                f"{ALB}은(는) application이 아닌 {kind} 유형의 로드 밸런서입니다: 유형은 바꿀 수 없으므로 삭제(aws elbv2 delete-load-balancer --load-balancer-arn ARN)한 뒤 --type application으로 다시 만드십시오.")


@judged(_find_lb)
def check_alb_zones(ctx: Context, lb: dict) -> Result:
    zones = sorted({z.get("ZoneName") for z in lb.get("AvailabilityZones") or []})
    if len(zones) >= 2:
        return ok(f"{ALB} spans {len(zones)} AZs: {', '.join(zones)}.", f"{ALB}은(는) 가용 영역 {len(zones)}개에 걸쳐 있습니다: {', '.join(zones)}.")
    return fail(f"{ALB} is in {len(zones)} AZ ({', '.join(zones) or 'none'}): a single AZ is a single point of failure; add a subnet of another AZ with aws elbv2 set-subnets --load-balancer-arn ARN --subnets SUBNET_A SUBNET_B.",
                f"{ALB}이(가) 가용 영역 {len(zones)}개({', '.join(zones) or '없음'})에만 있어 단일 장애 지점입니다: aws elbv2 set-subnets --load-balancer-arn ARN --subnets SUBNET_A SUBNET_B로 다른 가용 영역의 서브넷을 추가하십시오.")


_find_tg = finder(_tg, NO_TG)


@judged(_find_tg)
def check_target_group(ctx: Context, tg: dict) -> Result:
    return ok(f"Target group {TG} found ({tg.get('Protocol')}:{tg.get('Port')}).",
              f"대상 그룹 {TG}을(를) 찾았습니다({tg.get('Protocol')}:{tg.get('Port')}).")


@judged(_find_tg)
def check_health_check_path(ctx: Context, tg: dict) -> Result:
    path = tg.get("HealthCheckPath") or "none"
    if path == HEALTH_PATH:
        return ok(f"{TG} checks {HEALTH_PATH}.", f"{TG}은(는) {HEALTH_PATH}을(를) 상태 확인합니다.")
    return fail(f"{TG}'s health check path is {path}, not {HEALTH_PATH}: a page that answers even when the app's dependencies are down keeps broken targets in service; set it with aws elbv2 modify-target-group --target-group-arn ARN --health-check-path {HEALTH_PATH}.",
                f"{TG}의 상태 확인 경로가 {HEALTH_PATH}이(가) 아닌 {path}입니다: 앱이 의존하는 서비스가 중단되어도 응답하는 페이지를 확인하면 고장 난 대상이 계속 트래픽을 받습니다. aws elbv2 modify-target-group --target-group-arn ARN --health-check-path {HEALTH_PATH}로 설정하십시오.")


@judged(_find_lb)
def check_listener(ctx: Context, lb: dict) -> Result:
    listeners = ctx.client("elbv2").describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    http = [li for li in listeners if li.get("Protocol") == "HTTP"]
    create = "aws elbv2 create-listener --load-balancer-arn ARN --protocol HTTP --port 80 --default-actions Type=forward,TargetGroupArn=TG_ARN"
    if not http:
        return fail(f"{ALB} has no HTTP listener: create one that forwards to {TG} ({create}).",
                    f"{ALB}에 HTTP 리스너가 없습니다: {TG}(으)로 전달하는 리스너를 만드십시오({create}).")
    tg = _tg(ctx)
    if tg is not None and any(_forwards_to(a, tg["TargetGroupArn"]) for li in http for a in li.get("DefaultActions") or []):
        return ok(f"An HTTP listener of {ALB} forwards to {TG}.", f"{ALB}의 HTTP 리스너가 {TG}(으)로 전달합니다.")
    return fail(f"{ALB}'s HTTP listener does not forward to {TG}: make its default action forward there (aws elbv2 modify-listener --listener-arn ARN --default-actions Type=forward,TargetGroupArn=TG_ARN).",
                f"{ALB}의 HTTP 리스너가 {TG}(으)로 전달하지 않습니다: 기본 작업이 그 대상 그룹으로 전달하게 하십시오(aws elbv2 modify-listener --listener-arn ARN --default-actions Type=forward,TargetGroupArn=TG_ARN).")


def _tags_of(ctx: Context, arn: str) -> list[dict]:
    found = ctx.client("elbv2").describe_tags(ResourceArns=[arn])["TagDescriptions"]
    return found[0].get("Tags") or [] if found else []


def _own_alb(ctx: Context) -> dict:
    """The tutor's ALB, target group and listener; raises if the student's carry the names."""
    elbv2 = ctx.client("elbv2")
    lb, tg = _lb(ctx), _tg(ctx)
    lb_mine = already_mine(ctx, with_tags(lb, lb and _tags_of(ctx, lb["LoadBalancerArn"])), "a load balancer", "로드 밸런서", ALB)
    tg_mine = already_mine(ctx, with_tags(tg, tg and _tags_of(ctx, tg["TargetGroupArn"])), "a target group", "대상 그룹", TG)
    subnets, group = default_network(ctx)
    vpc = ctx.client("ec2").describe_subnets(SubnetIds=subnets[:1])["Subnets"][0]["VpcId"]
    if not lb_mine:
        lb = elbv2.create_load_balancer(Name=ALB, Type="application", Scheme="internet-facing", Subnets=subnets,
                                        SecurityGroups=[group], Tags=ctx.owner_tags(ALB))["LoadBalancers"][0]
    if not tg_mine:
        tg = elbv2.create_target_group(Name=TG, Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance",
                                       HealthCheckPath=HEALTH_PATH, Tags=ctx.owner_tags(TG))["TargetGroups"][0]
    listeners = elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    if not any(li.get("Protocol") == "HTTP" for li in listeners):
        elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                              DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}])
    return lb


def solve_alb(ctx: Context) -> None:
    _own_alb(ctx)


def _alb_or_own(ctx: Context) -> dict:
    """streamcloud-alb whoever built it (later steps only read its name), else the tutor's."""
    return _lb(ctx) or _own_alb(ctx)


# step cloudfront -----------------------------------------------------------------------
def _find_distribution(ctx: Context) -> tuple[dict, Findings] | Result:
    dists = cdn.distributions(ctx)
    if not dists:
        return cdn.NO_DISTRIBUTION
    lb, oac_ids = _lb(ctx), cdn.oac_ids(ctx)
    alb_dns = lb.get("DNSName") if lb else None
    return _best(dists, lambda d: cdn.findings(d, alb_dns, oac_ids))


def _judge_distribution(ctx: Context, key: str) -> Result:
    found = _find_distribution(ctx)
    return found if isinstance(found, Result) else found[1][key]


def check_distribution(ctx: Context) -> Result:
    return _judge_distribution(ctx, "exists")


def check_s3_oac(ctx: Context) -> Result:
    return _judge_distribution(ctx, "s3-oac")


def check_alb_origin(ctx: Context) -> Result:
    return _judge_distribution(ctx, "alb-origin")


def check_api_behavior(ctx: Context) -> Result:
    return _judge_distribution(ctx, "api-behavior")


def check_viewer_https(ctx: Context) -> Result:
    return _judge_distribution(ctx, "https")


def check_compression(ctx: Context) -> Result:
    return _judge_distribution(ctx, "compression")


def check_origin_group(ctx: Context) -> Result:
    return _judge_distribution(ctx, "origin-group")


def check_origin_group_used(ctx: Context) -> Result:
    return _judge_distribution(ctx, "group-used")


def solve_cloudfront(ctx: Context) -> None:
    cdn.own_distribution(ctx, lambda: _alb_or_own(ctx)["DNSName"])


# step dns ------------------------------------------------------------------------------
def _judge_zone(ctx: Context, key: str) -> Result:
    zone, findings = _best(routing.zones(ctx), lambda z: routing.zone_findings(ctx, z))
    return routing.NO_ZONE if zone is None else findings[key]


def check_zone(ctx: Context) -> Result:
    return _judge_zone(ctx, "zone")


def check_failover_records(ctx: Context) -> Result:
    return _judge_zone(ctx, "routing")


def check_primary_health_check(ctx: Context) -> Result:
    return _judge_zone(ctx, "health")


# step accelerator (real AWS only) ------------------------------------------------------
def _judge_accelerator(ctx: Context, key: str) -> Result:
    lb = _lb(ctx)
    accel, findings = _best(routing.accelerators(ctx), lambda a: routing.accelerator_findings(ctx, a, lb and lb["LoadBalancerArn"]))
    return routing.NO_ACCELERATOR if accel is None else findings[key]


def check_accelerator(ctx: Context) -> Result:
    return _judge_accelerator(ctx, "exists")


def check_accelerator_listener(ctx: Context) -> Result:
    return _judge_accelerator(ctx, "listener")


def check_accelerator_endpoints(ctx: Context) -> Result:
    return _judge_accelerator(ctx, "endpoint-group")


# solutions of the later steps and cleanup -----------------------------------------------
def solve_dns(ctx: Context) -> None:
    alb_dns = _alb_or_own(ctx)["DNSName"]
    routing.solve_dns(ctx, alb_dns, lambda: (cdn.distributions(ctx) or [cdn.own_distribution(ctx, lambda: alb_dns)])[0]["DomainName"])


def solve_accelerator(ctx: Context) -> None:
    routing.solve_accelerator(ctx, lambda: _alb_or_own(ctx)["LoadBalancerArn"])


def cleanup_cloudfront(ctx: Context) -> list[dict]:
    return cdn.cleanup(ctx)


def cleanup_dns(ctx: Context) -> list[dict]:
    return routing.cleanup_dns(ctx)


def cleanup_accelerator(ctx: Context) -> list[dict]:
    return routing.cleanup_accelerator(ctx)


def cleanup_alb(ctx: Context) -> list[dict]:
    done, elbv2 = Cleanup(), ctx.client("elbv2")
    lb = _lb(ctx)
    if lb is not None and done.attempt("load-balancer", ALB, lambda: elbv2.delete_load_balancer(
            LoadBalancerArn=lb["LoadBalancerArn"]), "LoadBalancerNotFound") and not ctx.on_endpoint:
        elbv2.get_waiter("load_balancers_deleted").wait(LoadBalancerArns=[lb["LoadBalancerArn"]])  # its listeners free the group
    tg = _tg(ctx)
    if tg is not None:
        done.attempt("target-group", TG, lambda: elbv2.delete_target_group(TargetGroupArn=tg["TargetGroupArn"]), "TargetGroupNotFound")
    return done.done


def cleanup(ctx: Context) -> list[dict]:
    """The whole lab, dependents first: what points at the ALB before the ALB."""
    return cleanup_steps(ctx, routing.cleanup_accelerator, routing.cleanup_dns, cdn.cleanup, cleanup_alb)
