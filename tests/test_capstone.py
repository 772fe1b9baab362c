"""The StreamCloud capstone: calibration on the test endpoint (the week's minimal build scores
>= 85, a weak design < 50 with findings saying what to change), the report's contract, and one
test per rubric criterion (pure, on the rubric with synthetic check outcomes)."""

from __future__ import annotations

import boto3
import pytest

from tutor.capstone import rubric
from tutor.capstone.rubric import Outcome

CRITERIA = [c.id for c in rubric.load_rubric().criteria]


def _grade(lab_runner, lang="en"):
    return lab_runner("streamcloud", lang).verify()


def test_empty_account_scores_zero_with_every_area_failing(lab_runner):
    report = _grade(lab_runner)
    assert report["score"] == 0 and report["passed"] is False
    assert [s["id"] for s in report["steps"]] == ["scalability", "performance", "availability", "cost"]
    assert not any(s["passed"] for s in report["steps"])
    assert report["availability_percent"] is None


def test_minimal_build_of_every_lab_scores_at_least_85(lab_runner, catalog):
    for lab_id, lab in catalog.labs.items():
        if lab_id != "streamcloud" and lab.region == "us-east-1":
            lab_runner(lab_id).solve()
    report = _grade(lab_runner)
    assert report["score"] >= 85, [f["text"] for a in report["rubric"].values() for f in a["findings"] if not f["earned"]]
    assert report["passed"] is True and all(s["passed"] for s in report["steps"])
    assert report["availability_percent"] < 99.99  # one Region: below the target
    assert report["monthly_cost_usd"] > 0
    for area, data in report["rubric"].items():
        assert set(data) == {"points", "max", "findings"}
        assert all({"text", "points", "lesson"} <= set(f) for f in data["findings"])


def test_solve_builds_the_reference_design(lab_runner):
    runner = lab_runner("streamcloud")
    assert runner.solve() == ["scalability", "performance", "availability", "cost"]
    report = lab_runner("streamcloud").verify()
    assert report["passed"] and report["score"] >= 85


def _weak_design(endpoint):
    """One AZ, MinSize 1, no CDN, no cache, a single-AZ database, all media in S3 Standard."""
    kw = dict(endpoint_url=endpoint, region_name="us-east-1")
    ec2, asg, rds, s3 = (boto3.client(s, **kw) for s in ("ec2", "autoscaling", "rds", "s3"))
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "streamcloud-vpc"}]}])["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.1.0/24", AvailabilityZone="us-east-1a", TagSpecifications=[
        {"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": "streamcloud-public-a"}]}])["Subnet"]["SubnetId"]
    ec2.create_launch_template(LaunchTemplateName="streamcloud-web-lt", LaunchTemplateData={
        "ImageId": "ami-12c6146b", "InstanceType": "t3.micro"})
    asg.create_auto_scaling_group(AutoScalingGroupName="streamcloud-web-asg", MinSize=1, MaxSize=2, DesiredCapacity=1,
                                  LaunchTemplate={"LaunchTemplateName": "streamcloud-web-lt"}, VPCZoneIdentifier=subnet)
    rds.create_db_instance(DBInstanceIdentifier="streamcloud-db", Engine="mysql", DBInstanceClass="db.t4g.micro",
                           AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="secret-password-1",
                           MultiAZ=False)
    s3.create_bucket(Bucket="streamcloud-media-weak")


def test_weak_design_scores_under_50_and_says_what_to_change(lab_runner, endpoint):
    _weak_design(endpoint)
    report = _grade(lab_runner)
    assert report["score"] < 50 and report["passed"] is False
    lost = {f["criterion"]: f for a in report["rubric"].values() for f in a["findings"] if not f["earned"]}
    for cid in ("web-multi-az", "web-asg", "rds-multi-az", "cache", "s3-lifecycle", "target-tracking"):
        assert cid in lost and "To change:" in lost[cid]["text"] and "#" in lost[cid]["lesson"], cid
    assert "Region" in lost["composite"]["text"] and report["availability_percent"] < 99.5
    assert "all in s3-standard" in report["cost"]["items"][-1]["name"]


def test_step_verify_reports_one_area(lab_runner):
    report = lab_runner("streamcloud").verify("cost")
    assert [s["id"] for s in report["steps"]] == ["cost"]
    assert report["passed"] is False and "score" in report


def test_findings_follow_the_language(lab_runner, monkeypatch):
    monkeypatch.setenv("TUTOR_LANG", "ko")
    report = _grade(lab_runner, "ko")
    finding = report["rubric"]["cost"]["findings"][0]
    assert "바꿀 점" in finding["text"] and finding["en"] != finding["ko"]


# one test per criterion, on synthetic outcomes ----------------------------------------
class FakeEvidence:
    """Every check of every step listed passes, except those of ``failing`` criteria."""

    STEPS = {
        ("ec2-asg", "network"): ["vpc", "subnets"],
        ("ec2-asg", "launch-template"): ["exists", "instance-type", "imdsv2", "user-data"],
        ("ec2-asg", "asg"): ["exists", "launches", "zones", "sizes", "grace-period"],
        ("ec2-asg", "scaling-policy"): ["policy", "target", "alarms"],
        ("containers-fargate", "task-definition"): ["exists", "size"],
        ("containers-fargate", "service"): ["exists", "zones"],
        ("serverless-api", "table"): ["exists", "on-demand"],
        ("serverless-api", "function"): ["exists"],
        ("serverless-api", "api"): ["http-api"],
        ("storage-tuning", "ebs"): ["volume", "type", "size", "iops", "throughput"],
        ("storage-tuning", "s3-lifecycle"): ["bucket", "versioning", "transitions", "abort-multipart"],
        ("storage-tuning", "multipart"): ["object", "multipart", "acceleration"],
        ("storage-tuning", "efs"): ["file-system", "throughput-mode"],
        ("database-performance", "rds"): ["exists", "multi-az", "backups"],
        ("database-performance", "read-replica"): ["exists"],
        ("database-performance", "dynamodb"): ["exists", "capacity"],
        ("database-performance", "cache"): ["exists", "engine", "automatic-failover", "multi-az", "replicas"],
        ("global-delivery", "alb"): ["alb"], ("global-delivery", "cloudfront"): ["distribution"],
        ("global-delivery", "dns"): ["zone"],
        ("observability", "alarm"): ["exists"], ("observability", "dashboard"): ["exists"],
        ("observability", "budget"): ["exists"],
    }

    def __init__(self, failing: set[tuple[str, str, str]] = frozenset()):
        self.failing = failing

    def step_checks(self, lab, step):
        return self.STEPS.get((lab, step))

    def outcome(self, lab, step, check):
        if check not in (self.STEPS.get((lab, step)) or []):
            return None
        bad = (lab, step, check) in self.failing
        return Outcome(not bad, "broken" if bad else "ok", "고장" if bad else "정상")


def _keys(criterion: rubric.Criterion) -> set[tuple[str, str, str]]:
    return {(lab, step, c) for lab, step, checks in criterion.evidence
            for c in (checks or FakeEvidence.STEPS[(lab, step)])}


def test_everything_built_scores_all_but_the_composite():
    report = rubric.grade(FakeEvidence(), {})
    assert report["score"] == 97  # the composite of one Region earns 2 of 5
    assert report["rubric"]["availability"]["points"] == 22


@pytest.mark.parametrize("cid", [c for c in CRITERIA if c != "composite"])
def test_each_criterion_earns_its_points_only_when_its_checks_pass(cid):
    crit = rubric.load_rubric().criterion(cid)
    full = rubric.grade(FakeEvidence(), {})
    broken = rubric.grade(FakeEvidence(failing=_keys(crit)), {})
    before = next(f for f in full["rubric"][crit.area]["findings"] if f["criterion"] == cid)
    after = next(f for f in broken["rubric"][crit.area]["findings"] if f["criterion"] == cid)
    assert before["points"] == crit.points and before["earned"]
    assert after["points"] == 0 and not after["earned"]
    assert "To change:" in after["text"] and after["lesson"] == crit.lesson
    assert broken["rubric"][crit.area]["points"] <= full["rubric"][crit.area]["points"] - crit.points


def test_composite_criterion_points_follow_the_composite():
    crit = rubric.load_rubric().criterion("composite")
    full = rubric.grade(FakeEvidence(), {})
    single_az = rubric.grade(FakeEvidence(failing={("ec2-asg", "asg", "zones"), ("database-performance", "rds", "multi-az"),
                                                   ("database-performance", "cache", "multi-az")}), {})
    pick = lambda r: next(f for f in r["rubric"]["availability"]["findings"] if f["criterion"] == "composite")
    assert pick(full)["points"] == 2 and pick(single_az)["points"] < 2 <= crit.points
    assert full["availability"]["two_regions_percent"] >= 99.99
    assert "two Regions" in pick(full)["text"]


def test_a_missing_lab_leaves_the_max_and_is_listed():
    class NoGlobal(FakeEvidence):
        def step_checks(self, lab, step):
            return None if lab == "global-delivery" else super().step_checks(lab, step)

    report = rubric.grade(NoGlobal(), {})
    assert {n["criterion"] for n in report["not_judged"]} == {"cdn", "alb-multi-az", "dns-failover"}
    assert report["rubric"]["performance"]["max"] == 22


def test_rubric_lessons_exist(catalog):
    from tutor.content.check import _section_exists

    for c in rubric.load_rubric().criteria:
        assert _section_exists(catalog, c.lesson), (c.id, c.lesson)


def test_lab_checks_are_the_rubric_criteria(catalog):
    lab = catalog.labs["streamcloud"]
    by_area = {s.id: [c.id for c in s.checks] for s in lab.steps}
    for c in rubric.load_rubric().criteria:
        assert c.id in by_area[c.area]
    assert sum(len(v) for v in by_area.values()) == len(CRITERIA)


def test_a_grading_pass_asks_each_read_once_and_never_keeps_a_write(endpoint):
    """tutor.capstone.evidence.ReadOnce: the same read answers from the pass's memory (a copy
    each time), an error is raised again, and writes always go to the account."""
    import boto3
    import pytest as _pytest
    from botocore.exceptions import ClientError

    from tutor.capstone.evidence import ReadOnce

    sent = []
    plain = boto3.client("elbv2", endpoint_url=endpoint, region_name="us-east-1")
    plain.meta.events.register("before-send", lambda request, **_: sent.append(request.url))
    reads = ReadOnce(lambda service: plain)
    elb = reads("elbv2")
    for _ in range(3):
        with _pytest.raises(ClientError):
            elb.describe_load_balancers(Names=["streamcloud-alb"])
    assert len(sent) == 1
    first = elb.describe_load_balancers()
    first["LoadBalancers"].append("changed by a caller")
    assert elb.describe_load_balancers()["LoadBalancers"] == [] and len(sent) == 2
    ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name="us-east-1")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    elb.create_load_balancer(Name="a", Subnets=subnets)
    elb.create_load_balancer(Name="b", Subnets=subnets)
    assert len(sent) == 4  # writes are never kept
    pages = elb.get_paginator("describe_load_balancers").paginate()
    assert len(sent) == 4  # fetched when iterated, as botocore does
    names = [lb["LoadBalancerName"] for page in pages for lb in page["LoadBalancers"]]
    again = [lb["LoadBalancerName"] for page in elb.get_paginator("describe_load_balancers").paginate()
             for lb in page["LoadBalancers"]]
    assert sorted(names) == sorted(again) == ["a", "b"] and len(sent) == 5
    missing = elb.get_paginator("describe_load_balancers").paginate(Names=["nope"])
    for _ in range(2):
        with _pytest.raises(ClientError):
            list(missing)
    assert len(sent) == 6
