"""Checks, solutions and cleanup of the lab `containers-fargate`: an ECS service on AWS Fargate.

Checks judge configuration only: the sandbox stores clusters, task definitions and services but
never runs a task, so the service is judged by its desired count and its subnets' AZs, never by
running tasks. moto accepts any cpu/memory pair, so the check judges it against Fargate's table.
A check requires what its step states, nothing more. Solutions create their own resources,
tagged as the tutor's, in the default VPC, and never adopt the student's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tutor.labs.kit import (
    OWNER_TAG,
    Cleanup,
    Context,
    Problems,
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
    subnet_zones,
    with_tags,
)

CLUSTER_NAME = "streamcloud-cluster"
FAMILY = "streamcloud-web"
SERVICE_NAME = "streamcloud-web-svc"
MIN_DESIRED = 2
FILES = Path(__file__).resolve().parent / "files"
NO_CLUSTER_CODES = ("ClusterNotFoundException",)

# Fargate's task sizes: CPU units -> the memory (MiB) each allows (AWS ECS developer guide,
# "Task CPU and memory"; 8 and 16 vCPU need Linux platform version 1.4.0 or later).
FARGATE_SIZES: dict[int, range | tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: range(1024, 4096 + 1, 1024),
    1024: range(2048, 8192 + 1, 1024),
    2048: range(4096, 16384 + 1, 1024),
    4096: range(8192, 30720 + 1, 1024),
    8192: range(16384, 61440 + 1, 4096),
    16384: range(32768, 122880 + 1, 8192),
}


# lookups ------------------------------------------------------------------------------
def _cluster(ctx: Context) -> dict | None:
    found = ctx.client("ecs").describe_clusters(clusters=[CLUSTER_NAME], include=["TAGS"]).get("clusters", [])
    return next((c for c in found if c.get("status") == "ACTIVE"), None)  # a deleted one stays INACTIVE


def _task_definition(ctx: Context) -> dict | None:
    """The family's latest ACTIVE revision (what `--task-definition streamcloud-web` uses), with tags."""
    ecs = ctx.client("ecs")
    arns = ecs.list_task_definitions(familyPrefix=FAMILY, status="ACTIVE", sort="DESC").get("taskDefinitionArns", [])
    # familyPrefix is a prefix: streamcloud-web-old would match too.
    revisions = sorted((int(a.rsplit(":", 1)[1]), a) for a in arns if a.rsplit("/", 1)[1].rsplit(":", 1)[0] == FAMILY)
    if not revisions:
        return None
    found = ecs.describe_task_definition(taskDefinition=revisions[-1][1], include=["TAGS"])
    return {**found["taskDefinition"], "tags": found.get("tags", [])}


def _service(ctx: Context) -> dict | None:
    found = absent(lambda: ctx.client("ecs").describe_services(
        cluster=CLUSTER_NAME, services=[SERVICE_NAME], include=["TAGS"]), *NO_CLUSTER_CODES)
    services = (found or {}).get("services", [])
    return next((s for s in services if s.get("status") == "ACTIVE"), None)


def _units(value: str | int | None, unit: str) -> int | None:
    """Task cpu or memory as AWS stores it (an integer string); `1 vCPU` / `2 GB` forms converted
    as AWS converts them at registration (an endpoint may keep them as typed)."""
    if value is None:
        return None
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    match = re.fullmatch(rf"(\d+(?:\.\d+)?)\s*{unit}", text, flags=re.IGNORECASE)
    return round(float(match.group(1)) * 1024) if match else None


def no_cluster(ctx: Context) -> Result:
    """The one resource message naming a region: this lab may run outside us-east-1 on real AWS."""
    return missing("ECS cluster", "ECS 클러스터", CLUSTER_NAME, f"aws ecs create-cluster --cluster-name {CLUSTER_NAME}",
                   region=ctx.region)
NO_TASK_DEFINITION = fail(
    f"No ACTIVE task definition in family {FAMILY}: register one (aws ecs register-task-definition --cli-input-json file://task-definition.json).",
    f"{FAMILY} 패밀리에 ACTIVE 작업 정의가 없습니다: aws ecs register-task-definition --cli-input-json file://task-definition.json으로 등록하십시오.")
NO_SERVICE = fail(
    f"No service {SERVICE_NAME} in cluster {CLUSTER_NAME}: create it with aws ecs create-service --cluster {CLUSTER_NAME} --service-name {SERVICE_NAME} --launch-type FARGATE.",
    f"클러스터 {CLUSTER_NAME}에 서비스 {SERVICE_NAME}이(가) 없습니다: aws ecs create-service --cluster {CLUSTER_NAME} --service-name {SERVICE_NAME} --launch-type FARGATE로 만드십시오.")


# step cluster ---------------------------------------------------------------------------
_find_cluster = finder(_cluster, no_cluster)


@judged(_find_cluster)
def check_cluster(ctx: Context, cluster: dict) -> Result:
    return ok(f"Cluster {CLUSTER_NAME} is ACTIVE.", f"클러스터 {CLUSTER_NAME}이(가) ACTIVE입니다.")


def _own_cluster(ctx: Context) -> None:
    cluster = _cluster(ctx)
    if already_mine(ctx, with_tags(cluster, cluster.get("tags")) if cluster else None, "an ECS cluster", "ECS 클러스터", CLUSTER_NAME):
        return
    ctx.client("ecs").create_cluster(clusterName=CLUSTER_NAME, tags=[
        {"key": "Name", "value": CLUSTER_NAME}, {"key": OWNER_TAG, "value": ctx.lab_id}])


def solve_cluster(ctx: Context) -> None:
    _own_cluster(ctx)


def _other_services(ctx: Context) -> list[str]:
    """ACTIVE services in the lab's cluster that the lab did not name."""
    ecs = ctx.client("ecs")
    arns = [a for page in ecs.get_paginator("list_services").paginate(cluster=CLUSTER_NAME) for a in page["serviceArns"]]
    others = [a for a in arns if a.rsplit("/", 1)[1] != SERVICE_NAME]
    found = []
    for start in range(0, len(others), 10):  # describe_services takes at most 10
        found += ecs.describe_services(cluster=CLUSTER_NAME, services=others[start:start + 10])["services"]
    return [s["serviceName"] for s in found if s.get("status") != "INACTIVE"]


def cleanup_cluster(ctx: Context) -> list[dict]:
    done = Cleanup()
    if _cluster(ctx) is None:
        return done.done
    others = _other_services(ctx)
    if others:
        done.kept("ecs-cluster", CLUSTER_NAME, f"still holds services the lab did not create: {', '.join(others)}")
    else:
        done.attempt("ecs-cluster", CLUSTER_NAME,
                     lambda: ctx.client("ecs").delete_cluster(cluster=CLUSTER_NAME), *NO_CLUSTER_CODES)
    return done.done


# step task-definition -------------------------------------------------------------------
def _revision(ctx: Context) -> tuple[dict | None, Result | None]:
    found = _task_definition(ctx)
    return (found, None) if found else (None, NO_TASK_DEFINITION)


def _name(td: dict) -> str:
    return f"{td['family']}:{td['revision']}"


def check_task_definition(ctx: Context) -> Result:
    td, problem = _revision(ctx)
    if problem:
        return problem
    return ok(f"Task definition {_name(td)} is the family's latest ACTIVE revision.",
              f"작업 정의 {_name(td)}이(가) 패밀리의 최신 ACTIVE 개정입니다.")


REVISION_NOTE = ("A task definition cannot be edited: register a new revision with the fix (it becomes the latest).",
                 "작업 정의는 수정할 수 없습니다: 고친 내용으로 새 개정을 등록하십시오(그 개정이 최신이 됩니다).")


def check_requires_fargate(ctx: Context) -> Result:
    td, problem = _revision(ctx)
    if problem:
        return problem
    needs = td.get("requiresCompatibilities") or []
    if "FARGATE" in needs:
        return ok(f"{_name(td)} requires FARGATE.", f"{_name(td)}은(는) FARGATE를 요구합니다.")
    shown = ", ".join(needs) or "nothing"
    return fail(f"{_name(td)} requires {shown}: set \"requiresCompatibilities\": [\"FARGATE\"] so ECS validates it for Fargate. {REVISION_NOTE[0]}",
                f"{_name(td)}의 requiresCompatibilities가 {shown}입니다: Fargate용으로 검증되도록 \"requiresCompatibilities\": [\"FARGATE\"]로 설정하십시오. {REVISION_NOTE[1]}")


def check_network_mode(ctx: Context) -> Result:
    td, problem = _revision(ctx)
    if problem:
        return problem
    mode = td.get("networkMode") or "bridge (the default)"
    if mode == "awsvpc":
        return ok(f"{_name(td)} uses network mode awsvpc.", f"{_name(td)}은(는) awsvpc 네트워크 모드를 사용합니다.")
    return fail(f"{_name(td)} uses network mode {mode}: Fargate supports only awsvpc (each task gets its own ENI and security groups); set \"networkMode\": \"awsvpc\". {REVISION_NOTE[0]}",
                f"{_name(td)}의 네트워크 모드가 {mode}입니다: Fargate는 awsvpc만 지원합니다(작업마다 자체 ENI와 보안 그룹). \"networkMode\": \"awsvpc\"로 설정하십시오. {REVISION_NOTE[1]}")


def _allowed_memory(cpu: int) -> tuple[str, str]:
    sizes = FARGATE_SIZES[cpu]
    if isinstance(sizes, range):
        return (f"{sizes.start}-{sizes.stop - 1} MiB in steps of {sizes.step}",
                f"{sizes.start}~{sizes.stop - 1}MiB({sizes.step} 단위)")
    listed = ", ".join(str(m) for m in sizes)
    return f"{listed} MiB", f"{listed}MiB"


def check_task_size(ctx: Context) -> Result:
    td, problem = _revision(ctx)
    if problem:
        return problem
    cpu, memory = _units(td.get("cpu"), "vcpu"), _units(td.get("memory"), "gb")
    if cpu in FARGATE_SIZES and memory in FARGATE_SIZES[cpu]:
        return ok(f"cpu {cpu} / memory {memory} MiB is a Fargate size.", f"cpu {cpu} / 메모리 {memory}MiB는 Fargate 크기입니다.")
    shown = f"cpu {td.get('cpu') or 'unset'} / memory {td.get('memory') or 'unset'}"
    if cpu not in FARGATE_SIZES:
        cpus = ", ".join(str(c) for c in FARGATE_SIZES)
        return fail(f"{_name(td)} has {shown}: Fargate needs a task-level cpu of {cpus} with a memory that cpu allows (for example \"cpu\": \"512\", \"memory\": \"1024\"). {REVISION_NOTE[0]}",
                    f"{_name(td)}의 크기가 {shown}입니다: Fargate에는 작업 수준 cpu {cpus} 중 하나와 그 cpu가 허용하는 메모리가 필요합니다(예: \"cpu\": \"512\", \"memory\": \"1024\"). {REVISION_NOTE[1]}")
    allowed_en, allowed_ko = _allowed_memory(cpu)
    return fail(f"{_name(td)} has {shown}: with cpu {cpu} Fargate allows memory {allowed_en}; register a revision with a valid pair. {REVISION_NOTE[0]}",
                f"{_name(td)}의 크기가 {shown}입니다: cpu {cpu}에서 Fargate가 허용하는 메모리는 {allowed_ko}입니다. 올바른 조합으로 새 개정을 등록하십시오. {REVISION_NOTE[1]}")


def _own_task_definition(ctx: Context) -> str:
    """The tutor's revision in the family (registered if the family has no ACTIVE one); its ARN."""
    td = _task_definition(ctx)
    if already_mine(ctx, with_tags(td, td.get("tags")) if td else None, "a task definition family", "작업 정의 패밀리", FAMILY):
        return td["taskDefinitionArn"]
    spec = json.loads((FILES / "task-definition.json").read_text())
    return ctx.client("ecs").register_task_definition(**spec, tags=[
        {"key": "Name", "value": FAMILY}, {"key": OWNER_TAG, "value": ctx.lab_id}])["taskDefinition"]["taskDefinitionArn"]


def solve_task_definition(ctx: Context) -> None:
    _own_task_definition(ctx)


def cleanup_task_definition(ctx: Context) -> list[dict]:
    """Every revision of the family: ACTIVE ones are deregistered, then all are deleted."""
    ecs, done = ctx.client("ecs"), Cleanup()

    def revisions(status: str) -> list[str]:
        arns = [a for page in ecs.get_paginator("list_task_definitions").paginate(familyPrefix=FAMILY, status=status)
                for a in page["taskDefinitionArns"]]
        return [a for a in arns if a.rsplit("/", 1)[1].rsplit(":", 1)[0] == FAMILY]

    for arn in revisions("ACTIVE"):
        ecs.deregister_task_definition(taskDefinition=arn)
    inactive = revisions("INACTIVE")
    for start in range(0, len(inactive), 10):  # delete_task_definitions takes at most 10
        batch = inactive[start:start + 10]
        answer = ecs.delete_task_definitions(taskDefinitions=batch)
        failed = {f.get("arn"): f.get("reason", "") for f in answer.get("failures", [])}
        for arn in batch:
            name = arn.rsplit("/", 1)[1]
            if arn in failed:
                done.kept("ecs-task-definition", name, failed[arn])
            else:
                done.deleted("ecs-task-definition", name)
    return done.done


# step service ---------------------------------------------------------------------------
def check_service(ctx: Context) -> Result:
    if _cluster(ctx) is None:
        return no_cluster(ctx)
    service = _service(ctx)
    if service is None:
        return NO_SERVICE
    return ok(f"Service {SERVICE_NAME} is ACTIVE in {CLUSTER_NAME}.", f"서비스 {SERVICE_NAME}이(가) {CLUSTER_NAME}에서 ACTIVE입니다.")


_find_service = finder(_service, NO_SERVICE)


@judged(_find_service)
def check_launch_type(ctx: Context, service: dict) -> Result:
    if service.get("launchType") == "FARGATE":
        return ok("Launch type FARGATE.", "시작 유형 FARGATE.")
    providers = [p.get("capacityProvider") for p in service.get("capacityProviderStrategy") or []]
    if providers and set(providers) <= {"FARGATE", "FARGATE_SPOT"}:
        return ok(f"Capacity provider strategy {', '.join(providers)} (Fargate).",
                  f"용량 공급자 전략 {', '.join(providers)}(Fargate).")
    shown = service.get("launchType") or (f"capacity providers {', '.join(providers)}" if providers else "none")
    return fail(f"The service runs on {shown}, not Fargate: delete it (aws ecs delete-service --cluster {CLUSTER_NAME} --service {SERVICE_NAME} --force) and create it again with --launch-type FARGATE, so AWS runs the tasks without EC2 instances to manage. A launch type cannot be changed in place; on real AWS update-service --capacity-provider-strategy capacityProvider=FARGATE,weight=1 also moves it to Fargate, but the sandbox drops a capacity provider strategy, so the lab uses --launch-type.",
                f"서비스가 Fargate가 아닌 {shown}에서 실행됩니다: 관리할 EC2 인스턴스 없이 AWS가 작업을 실행하도록 서비스를 삭제하고(aws ecs delete-service --cluster {CLUSTER_NAME} --service {SERVICE_NAME} --force) --launch-type FARGATE로 다시 만드십시오. 시작 유형은 그 자리에서 바꿀 수 없습니다. 실제 AWS에서는 update-service --capacity-provider-strategy capacityProvider=FARGATE,weight=1로도 Fargate로 옮길 수 있지만 샌드박스는 용량 공급자 전략을 저장하지 않으므로 실습은 --launch-type을 사용합니다.")


@judged(_find_service)
def check_desired_count(ctx: Context, service: dict) -> Result:
    desired = service.get("desiredCount", 0)
    if desired >= MIN_DESIRED:
        return ok(f"Desired count {desired}.", f"원하는 작업 수 {desired}.")
    return fail(f"Desired count is {desired}: set it to at least {MIN_DESIRED} (aws ecs update-service --cluster {CLUSTER_NAME} --service {SERVICE_NAME} --desired-count 2) so a task survives in another AZ.",
                f"원하는 작업 수가 {desired}입니다: 다른 가용 영역에 작업이 남도록 {MIN_DESIRED} 이상으로 설정하십시오(aws ecs update-service --cluster {CLUSTER_NAME} --service {SERVICE_NAME} --desired-count 2).")


@judged(_find_service)
def check_service_zones(ctx: Context, service: dict) -> Result:
    subnet_ids = ((service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}).get("subnets") or []
    zones, gone = subnet_zones(ctx, subnet_ids)
    how = "--network-configuration 'awsvpcConfiguration={subnets=[subnet-a,subnet-b],securityGroups=[sg-id],assignPublicIp=ENABLED}'"
    problems = Problems()
    if gone:
        problems.add(f"it names subnets that no longer exist ({', '.join(gone)})",
                     f"더 이상 없는 서브넷({', '.join(gone)})을 가리킵니다")
    if len(zones) < 2:
        problems.add(f"its subnets are in {len(zones)} AZ ({', '.join(zones) or 'none'}): give it subnets in at least 2 AZs with aws ecs update-service {how}, so ECS spreads the tasks and one AZ failing does not stop the service",
                     f"서브넷이 가용 영역 {len(zones)}개({', '.join(zones) or '없음'})에만 있습니다: ECS가 작업을 분산해 한 가용 영역의 장애가 서비스를 멈추지 않도록 aws ecs update-service {how}로 2개 이상 가용 영역의 서브넷을 지정하십시오")
    return problems.result(f"The service's subnets span {len(zones)} AZs: {', '.join(zones)}.",
                           f"서비스의 서브넷이 가용 영역 {len(zones)}개에 걸쳐 있습니다: {', '.join(zones)}.", prefix=SERVICE_NAME)


def _own_service(ctx: Context) -> None:
    _own_cluster(ctx)
    service = _service(ctx)
    if already_mine(ctx, with_tags(service, service.get("tags")) if service else None, "an ECS service", "ECS 서비스", SERVICE_NAME):
        return
    task_definition = _own_task_definition(ctx)
    subnets, group = default_network(ctx)
    ctx.client("ecs").create_service(
        cluster=CLUSTER_NAME, serviceName=SERVICE_NAME, taskDefinition=task_definition,
        desiredCount=MIN_DESIRED, launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {
            "subnets": subnets, "securityGroups": [group], "assignPublicIp": "ENABLED"}},
        tags=[{"key": "Name", "value": SERVICE_NAME}, {"key": OWNER_TAG, "value": ctx.lab_id}])


def solve_service(ctx: Context) -> None:
    _own_service(ctx)


def cleanup_service(ctx: Context) -> list[dict]:
    done = Cleanup()
    if _service(ctx) is not None:
        # --force deletes a service that still has a desired count above 0.
        done.attempt("ecs-service", f"{CLUSTER_NAME}/{SERVICE_NAME}",
                     lambda: ctx.client("ecs").delete_service(cluster=CLUSTER_NAME, service=SERVICE_NAME, force=True),
                     "ServiceNotFoundException", *NO_CLUSTER_CODES)
    return done.done


# cleanup --------------------------------------------------------------------------------
def cleanup(ctx: Context) -> list[dict]:
    """Delete everything that carries the lab's names, whoever made it; nothing else."""
    return cleanup_steps(ctx, cleanup_service, cleanup_cluster, cleanup_task_definition)
