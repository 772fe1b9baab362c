"""Real mode's printed commands, region choice and cost plan: pure functions, in-process.

The tagged commands are proved the strongest way short of AWS: each is parsed by the aws CLI
itself (awscli v1, in-process) with a botocore hook that answers every call before it is sent
(and an endpoint on a closed loopback port behind that), and the request parameters must carry
the tutor's tags in the API's own shape.
"""

from __future__ import annotations

import re
import shlex

import pytest

from tutor.content.loader import load_catalog
from tutor.labs.real_commands import tag_command, tagged_commands

TAGS = {"tutor:lab": "lab-x", "tutor:run": "cli", "tutor:created-by": "saa-tutor"}
PAIRS = [{"Key": k, "Value": v} for k, v in TAGS.items()]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def aws_cli():
    """``run(command) -> [(operation, params)]``: the aws CLI's parse of a shell command, never sent."""
    from awscli.clidriver import create_clidriver
    from botocore.awsrequest import AWSResponse

    driver = create_clidriver()
    calls: list[tuple[str, dict]] = []
    driver.session.register("before-parameter-build", lambda model, params, **_: calls.append((model.name, dict(params))))
    driver.session.register("before-call", lambda **_: (AWSResponse("http://127.0.0.1:9", 200, {}, None), {}))
    shell = {"VPC_ID": "vpc-1", "SUBNETS": "subnet-1", "SG_ID": "sg-1", "ROLE_ARN": "arn:aws:iam::1:role/r",
             "PRIMARY": "b1", "FAILOVER": "b2", "BUCKET": "b3", "DIST_ARN": "arn:aws:cloudfront::1:distribution/D",
             "HC_ID": "hc-1", "ZONE_ID": "/hostedzone/Z1", "API_ID": "api1", "ACCOUNT_ID": "123456789012",
             "TOPIC_ARN": "arn:aws:sns:us-east-1:1:t", "ALB_ARN": "arn:a", "TG_ARN": "arn:t", "LISTENER_ARN": "arn:l",
             "GA_ARN": "arn:g", "FS_ID": "fs-1"}

    def run(command: str) -> list[tuple[str, dict]]:
        text = command[command.index("aws "):]
        if re.match(r"\s*[A-Z_]+=\$\(", command):
            text = text[: text.rindex(")")]
        text = re.sub(r"\$\{AWS_ENDPOINT_URL:\+[^}]*\}", "", text)
        text = text.replace("$(aws sts get-caller-identity --query Account --output text)", "123456789012")
        text = re.sub(r"\$\{(\w+)##\*/\}", lambda m: shell[m.group(1)].rsplit("/", 1)[-1], text)
        text = re.sub(r"\$(\w+)", lambda m: shell.get(m.group(1), m.group(0)), text)
        calls.clear()
        assert driver.main(shlex.split(text)[1:] + ["--region", "us-east-1"] * ("--region" not in text)) == 0, text
        return list(calls)
    return run


@pytest.fixture
def in_lab_files(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # a closed port, should the hook ever fail
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")

    def go(catalog, lab_id):
        """In a copy of the lab's files, with the zip a step's commands would have made."""
        import shutil
        import zipfile

        files = catalog.lab_dirs[lab_id] / "files"
        if files.is_dir():
            shutil.copytree(files, tmp_path, dirs_exist_ok=True)
        with zipfile.ZipFile(tmp_path / "function.zip", "w") as archive:
            archive.writestr("handler.py", "")
        monkeypatch.chdir(tmp_path)
    return go


def _tagged(catalog, lab_id: str, step_id: str, marker: str) -> list[str]:
    """The step's tagged lines from the command containing ``marker`` (the command, then any
    tagging command after it), with the lab id in the tags replaced for comparison."""
    lab = catalog.labs[lab_id]
    command = next(c for c in lab.step(step_id).commands if marker in c)
    return tag_command(command, {**TAGS, "tutor:lab": lab_id})


# each create, in its own syntax --------------------------------------------------------------
@pytest.mark.parametrize(("lab_id", "step_id", "marker", "op", "param", "shape"), [
    ("ec2-asg", "network", "create-vpc", "CreateVpc", "TagSpecifications", "spec"),
    ("ec2-asg", "network", "us-east-1a", "CreateSubnet", "TagSpecifications", "spec"),
    ("ec2-asg", "launch-template", "create-launch-template", "CreateLaunchTemplate", "TagSpecifications", "spec"),
    ("ec2-asg", "placement-group", "create-placement-group", "CreatePlacementGroup", "TagSpecifications", "spec"),
    ("storage-tuning", "ebs", "create-volume", "CreateVolume", "TagSpecifications", "spec"),
    ("ec2-asg", "asg", "create-auto-scaling-group", "CreateAutoScalingGroup", "Tags", "asg"),
    ("containers-fargate", "cluster", "create-cluster", "CreateCluster", "tags", "ecs"),
    ("containers-fargate", "task-definition", "register-task-definition", "RegisterTaskDefinition", "tags", "ecs"),
    ("containers-fargate", "service", "create-service", "CreateService", "tags", "ecs"),
    ("database-performance", "rds", "create-db-instance", "CreateDBInstance", "Tags", "pairs"),
    ("database-performance", "read-replica", "create-db-instance-read-replica", "CreateDBInstanceReadReplica", "Tags", "pairs"),
    ("database-performance", "dynamodb", "create-table", "CreateTable", "Tags", "pairs"),
    ("database-performance", "cache", "create-replication-group", "CreateReplicationGroup", "Tags", "pairs"),
    ("serverless-api", "function", "create-role", "CreateRole", "Tags", "pairs"),
    ("serverless-api", "function", "create-function", "CreateFunction", "Tags", "map"),
    ("serverless-api", "api", "create-api", "CreateApi", "Tags", "map"),
    ("serverless-api", "api", "create-stage", "CreateStage", "Tags", "map"),
    ("global-delivery", "alb", "create-load-balancer", "CreateLoadBalancer", "Tags", "pairs"),
    ("global-delivery", "alb", "create-target-group", "CreateTargetGroup", "Tags", "pairs"),
    ("global-delivery", "alb", "create-listener", "CreateListener", "Tags", "pairs"),
    ("global-delivery", "accelerator", "create-accelerator", "CreateAccelerator", "Tags", "pairs"),
    ("observability", "alarm", "create-topic", "CreateTopic", "Tags", "pairs"),
    ("observability", "alarm", "put-metric-alarm", "PutMetricAlarm", "Tags", "pairs"),
    ("observability", "budget", "create-budget", "CreateBudget", "ResourceTags", "pairs"),
    ("storage-tuning", "efs", "create-file-system", "CreateFileSystem", "Tags", "pairs"),
])
def test_each_create_carries_the_tags_in_its_own_syntax(catalog, aws_cli, in_lab_files, lab_id, step_id, marker,
                                                       op, param, shape):
    in_lab_files(catalog, lab_id)
    lines = _tagged(catalog, lab_id, step_id, marker)
    assert len(lines) == 1  # the create takes the tags itself: no tagging command after it
    calls = dict(aws_cli(lines[0]))
    want = {**TAGS, "tutor:lab": lab_id}
    got = calls[op][param]
    if shape == "spec":
        got = {t["Key"]: t["Value"] for spec in got for t in spec["Tags"]}
    elif shape == "asg":
        assert all(t["PropagateAtLaunch"] is True for t in got)  # the instances carry them too
        got = {t["Key"]: t["Value"] for t in got}
    elif shape == "ecs":
        got = {t["key"]: t["value"] for t in got}
    elif shape == "pairs":
        got = {t["Key"]: t["Value"] for t in got}
    assert want.items() <= got.items(), lines[0]


def test_a_tag_the_command_already_gives_is_kept(catalog, aws_cli, in_lab_files):
    in_lab_files(catalog, "ec2-asg")
    vpc = aws_cli(_tagged(catalog, "ec2-asg", "network", "create-vpc")[0])
    specs = dict(vpc)["CreateVpc"]["TagSpecifications"]
    assert len(specs) == 1 and {"Key": "Name", "Value": "streamcloud-vpc"} in specs[0]["Tags"]  # one spec per type
    in_lab_files(catalog, "storage-tuning")
    efs = dict(aws_cli(_tagged(catalog, "storage-tuning", "efs", "create-file-system")[0]))["CreateFileSystem"]
    assert {"Key": "Name", "Value": "streamcloud-shared"} in efs["Tags"]


@pytest.mark.parametrize(("lab_id", "step_id", "marker", "op", "target", "tags"), [
    ("storage-tuning", "s3-lifecycle", "create-bucket", "PutBucketTagging",
     lambda p: p["Bucket"] == "b3", lambda p: p["Tagging"]["TagSet"]),
    ("global-delivery", "cloudfront", "--region us-west-2", "PutBucketTagging",
     lambda p: p["Bucket"] == "b2", lambda p: p["Tagging"]["TagSet"]),
    ("global-delivery", "cloudfront", "create-distribution", "TagResource",
     lambda p: p["Resource"].endswith("distribution/D"), lambda p: p["Tags"]["Items"]),
    ("global-delivery", "dns", "create-health-check", "ChangeTagsForResource",
     lambda p: p["ResourceType"] == "healthcheck" and p["ResourceId"] == "hc-1", lambda p: p["AddTags"]),
    ("global-delivery", "dns", "create-hosted-zone", "ChangeTagsForResource",
     lambda p: p["ResourceType"] == "hostedzone" and p["ResourceId"] == "Z1", lambda p: p["AddTags"]),
    ("observability", "dashboard", "put-dashboard", "TagResource",
     lambda p: p["ResourceARN"] == "arn:aws:cloudwatch::123456789012:dashboard/streamcloud-ops", lambda p: p["Tags"]),
])
def test_a_type_its_create_cannot_tag_gets_the_tagging_command_after_it(catalog, aws_cli, in_lab_files, lab_id,
                                                                        step_id, marker, op, target, tags):
    in_lab_files(catalog, lab_id)
    lines = _tagged(catalog, lab_id, step_id, marker)
    assert len(lines) == 2, lines
    (name, params), = aws_cli(lines[1])
    assert name == op and target(params), lines[1]
    assert {**TAGS, "tutor:lab": lab_id}.items() <= {t["Key"]: t["Value"] for t in tags(params)}.items()


def test_the_failover_bucket_is_tagged_in_its_region(catalog):
    lines = _tagged(catalog, "global-delivery", "cloudfront", "--region us-west-2")
    assert lines[1].endswith("--region us-west-2")


def test_what_creates_nothing_of_its_own_is_left_as_written(catalog):
    lab = catalog.labs["containers-fargate"]
    commands = tagged_commands(lab, "run-1")
    service = lab.step("service")
    assert commands["service"][:3] == service.commands[:3]  # the describe-* lines
    assert "key=tutor:run,value=run-1" in commands["service"][3]
    policy = catalog.labs["ec2-asg"].step("scaling-policy").commands
    assert tagged_commands(catalog.labs["ec2-asg"])["scaling-policy"] == policy  # a policy cannot be tagged


# lab show --real ---------------------------------------------------------------------------
def test_lab_show_real_adds_commands_real(capsys):
    import json

    from tutor.cli import main

    assert main(["lab", "show", "ec2-asg", "--real", "--json", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tags"] == {"tutor:lab": "ec2-asg", "tutor:run": "cli", "tutor:created-by": "saa-tutor"}
    network = data["steps"][0]
    assert network["commands"][0].startswith("VPC_ID=") and "tutor:lab" not in network["commands"][0]
    assert "{Key=tutor:lab,Value=ec2-asg}" in network["commands_real"][0]
    assert main(["lab", "show", "ec2-asg", "--json", "--lang", "en"]) == 0
    assert "commands_real" not in json.loads(capsys.readouterr().out)["steps"][0]
    assert main(["lab", "show", "storage-tuning", "--real", "--lang", "en"]) == 0
    assert "aws s3api put-bucket-tagging --bucket \"$BUCKET\"" in capsys.readouterr().out


# where a lab runs ----------------------------------------------------------------------------
def test_a_lab_is_pinned_by_its_own_words(catalog):
    from tutor.labs.real import pinned_reason

    assert "us-east-1a" in pinned_reason(catalog.labs["ec2-asg"])  # its create-subnet names the zone
    assert "CloudFront" in pinned_reason(catalog.labs["global-delivery"])
    assert "grades" in pinned_reason(catalog.labs["streamcloud"])
    assert pinned_reason(catalog.labs["containers-fargate"]) is None  # nothing in it names a region


def test_real_mode_moves_only_unpinned_labs_and_remembers_where(catalog):
    from types import SimpleNamespace

    from tutor.labs.real import lab_in_region, region_note

    real = SimpleNamespace(kind="real", region="eu-west-1", lab_regions={})
    assert lab_in_region(catalog.labs["containers-fargate"], real).region == "eu-west-1"
    assert lab_in_region(catalog.labs["ec2-asg"], real).region == "us-east-1"
    assert lab_in_region(catalog.labs["containers-fargate"], real, region="us-east-1").region == "us-east-1"  # the capstone's
    assert real.lab_regions == {"containers-fargate": "us-east-1", "ec2-asg": "us-east-1"}
    en, ko = region_note(catalog.labs["ec2-asg"], real)
    assert en.startswith("this lab runs in us-east-1") and "eu-west-1" in en and "us-east-1" in ko
    assert region_note(catalog.labs["containers-fargate"], real) is None
    sandbox = SimpleNamespace(kind="sandbox", region=None, lab_regions={})
    assert lab_in_region(catalog.labs["containers-fargate"], sandbox) is catalog.labs["containers-fargate"]


def test_region_comes_from_the_flag_then_the_environment_then_settings(monkeypatch):
    from tutor.labs.real import RealBackend, RealOptions
    from tutor.settings import Settings

    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")  # no profile region
    settings = Settings(region="ap-northeast-2")
    assert RealBackend(None, RealOptions(), settings).region == "ap-northeast-2"
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert RealBackend(None, RealOptions(), settings).region == "eu-west-1"
    assert RealBackend(None, RealOptions(region="us-west-2"), settings).region == "us-west-2"


# cost ----------------------------------------------------------------------------------------
def _item(estimate, creates):
    return next(i for i in estimate["items"] if i["creates"] == creates)


def test_a_fargate_service_is_priced_from_its_task_definition(catalog):
    from tutor.capstone.cost import price_table
    from tutor.labs.real_plan import plan

    rows = price_table()["by_id"]
    service = _item(plan(catalog.labs["containers-fargate"]), "ecs create-service")
    # task-definition.json: cpu 512 (0.5 vCPU), memory 1024 MiB (1 GB); --desired-count 2
    per_task = 0.5 * rows["fargate:vcpu"]["usd"] + 1 * rows["fargate:gb"]["usd"]
    assert service["count"] == 2 and service["hourly_usd"] == round(2 * per_task, 4)
    assert service["free_tier"] is False


def test_what_has_no_hourly_fee_is_zero_an_hour_with_its_use_said(catalog):
    from tutor.labs.real_plan import lines, plan

    delivery = plan(catalog.labs["global-delivery"])
    accelerator = _item(delivery, "globalaccelerator create-accelerator")
    assert accelerator["hourly_usd"] == 0.025 and accelerator["free_tier"] is False
    for lab_id, creates in (("global-delivery", "cloudfront create-distribution"),
                            ("storage-tuning", "efs create-file-system"),
                            ("serverless-api", "dynamodb create-table")):
        item = _item(plan(catalog.labs[lab_id]), creates)
        assert item["priced"] and item["hourly_usd"] == 0.0 and "no hourly fee" in item["note"], creates
        assert "free_tier" not in item  # not flagged, not claimed free either
    assert any("NOT free-tier eligible" in line and "globalaccelerator" in line for line in lines(delivery))


def test_a_nat_gateway_is_priced_by_the_hour(catalog):
    from tutor.labs.real_plan import plan

    lab = catalog.labs["ec2-asg"]
    step = lab.steps[0].model_copy(update={"commands": ["aws ec2 create-nat-gateway --subnet-id subnet-1"]})
    item = plan(lab.model_copy(update={"steps": [step]}))["items"][0]
    assert item["price_id"] == "natgateway:hour" and item["hourly_usd"] == 0.045 and item["free_tier"] is False


def test_every_new_price_row_says_where_it_was_seen_and_when():
    from tutor.capstone.cost import price_table

    rows = price_table()["by_id"]
    for price_id in ("fargate:vcpu", "fargate:gb", "globalaccelerator:hour", "natgateway:hour", "efs:standard-gb",
                     "cloudfront:hour", "dynamodb:on-demand-hour"):
        row = rows[price_id]
        assert row["source"].startswith("https://aws.amazon.com/") and row["seen"] and row["checked"], price_id
