"""The lab containers-fargate, provisioned and verified for real against a moto server.

Every check fails on an empty account, every step passes after its solution, and each wrong
configuration a step rules out fails that step's check with a message saying what to change.
"""

from __future__ import annotations

import boto3
import pytest

from tutor.labs.runner import LabSolveConflict

from conftest import aws

LAB = "containers-fargate"
STEPS = ["cluster", "task-definition", "service"]


def client(endpoint, service):
    return aws(service, endpoint)


def checks_of(report, step):
    entry = next(s for s in report["steps"] if s["id"] == step)
    return {c["id"]: c for c in entry["checks"]}


def default_network(endpoint, zones=2):
    ec2 = client(endpoint, "ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                            {"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    group = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                  {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
    by_zone = {s["AvailabilityZone"]: s["SubnetId"] for s in subnets}
    return list(by_zone.values())[:zones], group["GroupId"]


def register(endpoint, family="streamcloud-web", compat=("FARGATE",), mode="awsvpc", cpu="512", memory="1024"):
    spec = {"family": family, "containerDefinitions": [
        {"name": "web", "image": "public.ecr.aws/nginx/nginx:stable", "memoryReservation": 256}]}
    if compat:
        spec["requiresCompatibilities"] = list(compat)
    if mode:
        spec["networkMode"] = mode
    if cpu:
        spec["cpu"] = cpu
    if memory:
        spec["memory"] = memory
    return client(endpoint, "ecs").register_task_definition(**spec)["taskDefinition"]["taskDefinitionArn"]


def build(endpoint, *, launch="FARGATE", desired=2, zones=2, service=True, **task):
    """What a student builds with the CLI, with one knob per wrong configuration."""
    ecs = client(endpoint, "ecs")
    ecs.create_cluster(clusterName="streamcloud-cluster")
    register(endpoint, **task)
    if service:
        subnets, group = default_network(endpoint, zones)
        ecs.create_service(cluster="streamcloud-cluster", serviceName="streamcloud-web-svc", taskDefinition="streamcloud-web",
                           desiredCount=desired, launchType=launch, networkConfiguration={"awsvpcConfiguration": {
                               "subnets": subnets, "securityGroups": [group], "assignPublicIp": "ENABLED"}})




def test_solve_of_all_steps_on_an_empty_account(lab_runner):
    runner = lab_runner(LAB)
    assert runner.solve() == STEPS
    assert runner.verify()["passed"] is True


def test_solution_is_idempotent(lab_runner, endpoint):
    runner = lab_runner(LAB)
    runner.solve()
    runner.solve()
    ecs = client(endpoint, "ecs")
    assert len(ecs.list_task_definitions(familyPrefix="streamcloud-web")["taskDefinitionArns"]) == 1
    assert len(ecs.list_services(cluster="streamcloud-cluster")["serviceArns"]) == 1
    assert runner.verify()["passed"] is True


def test_a_correct_student_build_passes(lab_runner, endpoint):
    build(endpoint)
    report = lab_runner(LAB).verify()
    assert report["passed"] is True, report


FARGATE_SIZES = [("256", "512"), ("256", "2048"), ("512", "4096"), ("1024", "8192"), ("2048", "16384"),
                 ("4096", "30720"), ("8192", "61440"), ("16384", "122880"), ("1 vCPU", "2 GB")]


def test_every_fargate_size_passes(lab_runner, endpoint):
    build(endpoint, service=False)
    runner = lab_runner(LAB)
    for cpu, memory in FARGATE_SIZES:  # each registration becomes the latest revision
        register(endpoint, cpu=cpu, memory=memory)
        size = checks_of(runner.verify("task-definition"), "task-definition")["size"]
        assert size["passed"] is True, (cpu, memory, size)


@pytest.mark.parametrize("knob, step, check, words", [
    ({"compat": ("EC2",)}, "task-definition", "requires-fargate", "\"FARGATE\""),
    ({"compat": None}, "task-definition", "requires-fargate", "requiresCompatibilities"),
    # moto (like AWS) turns a FARGATE task definition to awsvpc, so a wrong mode comes without FARGATE
    ({"compat": ("EC2",), "mode": "bridge"}, "task-definition", "network-mode", "\"networkMode\": \"awsvpc\""),
    ({"compat": None, "mode": None}, "task-definition", "network-mode", "network mode bridge"),
    ({"cpu": "256", "memory": "4096"}, "task-definition", "size", "512, 1024, 2048"),
    ({"cpu": "512", "memory": "512"}, "task-definition", "size", "1024-4096"),
    ({"cpu": "1024", "memory": "1000"}, "task-definition", "size", "2048-8192"),
    ({"cpu": "4096", "memory": "32768"}, "task-definition", "size", "8192-30720"),
    ({"cpu": "8192", "memory": "18432"}, "task-definition", "size", "steps of 4096"),
    ({"cpu": "300", "memory": "1024"}, "task-definition", "size", "cpu of 256"),
    ({"cpu": None, "memory": None}, "task-definition", "size", "unset"),
    ({"launch": "EC2"}, "service", "launch-type", "--launch-type FARGATE"),
    ({"desired": 1}, "service", "desired-count", "--desired-count 2"),
    ({"desired": 0}, "service", "desired-count", "Desired count is 0"),
    ({"zones": 1}, "service", "zones", "at least 2 AZs"),
])
def test_wrong_configuration_fails_its_step(lab_runner, endpoint, knob, step, check, words):
    build(endpoint, **knob)
    report = lab_runner(LAB).verify()
    checks = checks_of(report, step)
    assert checks[check]["passed"] is False, checks[check]
    assert words in checks[check]["message"], checks[check]["message"]
    assert report["passed"] is False
    # the other steps are judged on their own requirements only
    assert all(s["passed"] for s in report["steps"] if s["id"] != step), report


def test_latest_active_revision_is_judged(lab_runner, endpoint):
    build(endpoint, service=False, cpu="256", memory="4096")
    register(endpoint)  # the fix, as revision 2
    register(endpoint, family="streamcloud-web-old", cpu="300")  # another family sharing the prefix
    assert lab_runner(LAB).verify("task-definition")["passed"] is True
    client(endpoint, "ecs").deregister_task_definition(taskDefinition="streamcloud-web:2")
    size = checks_of(lab_runner(LAB).verify("task-definition"), "task-definition")["size"]
    assert size["passed"] is False and "streamcloud-web:1" in size["message"]


def test_deleted_service_and_cluster_do_not_count(lab_runner, endpoint):
    build(endpoint)
    ecs = client(endpoint, "ecs")
    ecs.delete_service(cluster="streamcloud-cluster", service="streamcloud-web-svc", force=True)
    assert checks_of(lab_runner(LAB).verify("service"), "service")["exists"]["passed"] is False
    ecs.delete_cluster(cluster="streamcloud-cluster")
    assert lab_runner(LAB).verify("cluster")["passed"] is False


def test_service_naming_a_deleted_subnet_fails(lab_runner, endpoint):
    build(endpoint)
    ec2, ecs = client(endpoint, "ec2"), client(endpoint, "ecs")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    extra = ec2.create_subnet(VpcId=vpc, CidrBlock="172.31.200.0/24", AvailabilityZone="us-east-1c")["Subnet"]["SubnetId"]
    subnets, group = default_network(endpoint, 1)
    ecs.update_service(cluster="streamcloud-cluster", service="streamcloud-web-svc", networkConfiguration={
        "awsvpcConfiguration": {"subnets": subnets + [extra], "securityGroups": [group]}})
    ec2.delete_subnet(SubnetId=extra)
    zones = checks_of(lab_runner(LAB).verify("service"), "service")["zones"]
    assert zones["passed"] is False and extra in zones["message"]


def test_korean_messages(lab_runner):
    message = lab_runner(LAB, lang="ko").verify("cluster")["steps"][0]["checks"][0]["message"]
    assert "streamcloud-cluster" in message and "만드십시오" in message


@pytest.mark.parametrize("step", STEPS)
def test_solution_never_adopts_the_students_resource(lab_runner, endpoint, step):
    build(endpoint)
    with pytest.raises(LabSolveConflict, match="not created by the tutor"):
        lab_runner(LAB).solve([step])


def _decoys(endpoint):
    """Resources of the same kinds that carry none of the lab's names."""
    ecs = client(endpoint, "ecs")
    ecs.create_cluster(clusterName="keep-cluster")
    register(endpoint, family="streamcloud-web-old")  # shares the family's prefix, not its name
    subnets, group = default_network(endpoint)
    ecs.create_service(cluster="keep-cluster", serviceName="streamcloud-web-svc", taskDefinition="streamcloud-web-old",
                       desiredCount=1, launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {
                           "subnets": subnets, "securityGroups": [group]}})


@pytest.mark.parametrize("who", ["student", "tutor"])
def test_cleanup_deletes_lab_resources_only(lab_runner, endpoint, who):
    _decoys(endpoint)
    if who == "student":
        build(endpoint)
    else:
        lab_runner(LAB).solve()
    removed = lab_runner(LAB).cleanup()
    kinds = {r["type"] for r in removed if r["deleted"]}
    assert {"ecs-service", "ecs-cluster", "ecs-task-definition"} <= kinds, removed
    ecs = client(endpoint, "ecs")
    active = [c["clusterName"] for c in ecs.describe_clusters(clusters=["keep-cluster", "streamcloud-cluster"])["clusters"]
              if c["status"] == "ACTIVE"]
    assert active == ["keep-cluster"]
    kept = ecs.describe_services(cluster="keep-cluster", services=["streamcloud-web-svc"])["services"]
    assert kept[0]["status"] == "ACTIVE"
    assert ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"][0].endswith("streamcloud-web-old:1")
    assert all(not c["passed"] for s in lab_runner(LAB).verify()["steps"] for c in s["checks"])


def test_cleanup_keeps_the_cluster_while_another_service_runs_in_it(lab_runner, endpoint):
    build(endpoint)
    subnets, group = default_network(endpoint)
    client(endpoint, "ecs").create_service(
        cluster="streamcloud-cluster", serviceName="reports", taskDefinition="streamcloud-web", desiredCount=1,
        launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group]}})
    removed = lab_runner(LAB).cleanup()
    cluster = next(r for r in removed if r["type"] == "ecs-cluster")
    assert cluster["deleted"] is False and "reports" in cluster["reason"]
    assert lab_runner(LAB).verify("cluster")["passed"] is True


def test_each_steps_cleanup_removes_that_step_only(lab_runner):
    runner = lab_runner(LAB)
    runner.solve()
    assert [r["type"] for r in runner.cleanup("service")] == ["ecs-service"]
    assert runner.verify("service")["passed"] is False
    assert runner.verify("cluster")["passed"] is True and runner.verify("task-definition")["passed"] is True
    assert [r["type"] for r in runner.cleanup("task-definition")] == ["ecs-task-definition"]
    assert runner.verify("task-definition")["passed"] is False and runner.verify("cluster")["passed"] is True
    assert [r["type"] for r in runner.cleanup("cluster")] == ["ecs-cluster"]
    assert runner.verify("cluster")["passed"] is False


def test_a_missing_cluster_is_looked_for_in_the_labs_region(endpoint, catalog):
    """This lab may run outside us-east-1 on real AWS: its missing-cluster message names the
    region it looked in, not a fixed us-east-1."""
    from tutor.labs.kit import Context
    from tutor.labs.runner import load_module

    module = load_module(catalog.labs[LAB], catalog.lab_dirs[LAB])
    ctx = Context(lab_id=LAB, region="eu-west-1", endpoint=endpoint,
                  make_client=lambda service: boto3.client(service, endpoint_url=endpoint, region_name="eu-west-1"))
    result = module.check_service(ctx)
    assert result.passed is False and "eu-west-1" in result.en and "eu-west-1" in result.ko
