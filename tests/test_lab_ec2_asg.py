"""The lab ec2-asg, provisioned and verified for real against a moto server.

Every check fails on an empty account, every step passes after its solution, and each wrong
configuration the lab names fails the check of its step with a message saying what to change.
"""

from __future__ import annotations

import base64

import pytest

from tutor.labs.runner import LabSolveConflict

from conftest import aws

LAB = "ec2-asg"
SANDBOX_STEPS = ["network", "launch-template", "asg", "scaling-policy"]


def clients(endpoint):
    return aws("ec2", endpoint), aws("autoscaling", endpoint)


def checks_of(report, step):
    entry = next(s for s in report["steps"] if s["id"] == step)
    return {c["id"]: c for c in entry["checks"]}


def build(endpoint, *, azs=("us-east-1a", "us-east-1b"), itype="c7g.large", tokens="required",
          user_data=True, min_size=2, max_size=6, desired=2, grace=300, target=50.0, policy=True):
    """What a student builds with the CLI, with one knob per wrong configuration."""
    ec2, asg = clients(endpoint)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "streamcloud-vpc"}]}])["Vpc"]["VpcId"]
    subnets = []
    for i, az in enumerate(azs):
        subnets.append(ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i + 1}.0/24", AvailabilityZone=az,
                                         TagSpecifications=[{"ResourceType": "subnet", "Tags": [
                                             {"Key": "Name", "Value": f"streamcloud-public-{i}"}]}])["Subnet"]["SubnetId"])
    data = {"ImageId": "ami-12c6146b", "InstanceType": itype}
    if tokens:
        data["MetadataOptions"] = {"HttpTokens": tokens}
    if user_data:
        data["UserData"] = base64.b64encode(b"#!/bin/bash\necho hi\n").decode()
    ec2.create_launch_template(LaunchTemplateName="streamcloud-web-lt", LaunchTemplateData=data)
    asg.create_auto_scaling_group(
        AutoScalingGroupName="streamcloud-web-asg", LaunchTemplate={"LaunchTemplateName": "streamcloud-web-lt"},
        MinSize=min_size, MaxSize=max_size, DesiredCapacity=desired, VPCZoneIdentifier=",".join(subnets),
        HealthCheckGracePeriod=grace)
    if policy:
        asg.put_scaling_policy(
            AutoScalingGroupName="streamcloud-web-asg", PolicyName="cpu", PolicyType="TargetTrackingScaling",
            TargetTrackingConfiguration={"PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"},
                                         "TargetValue": target})




def test_solution_is_idempotent(lab_runner, endpoint):
    runner = lab_runner(LAB)
    runner.solve()
    runner.solve()
    ec2, _ = clients(endpoint)
    assert len(ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["streamcloud-vpc"]}])["Vpcs"]) == 1
    assert runner.verify()["passed"] is True


def test_a_correct_student_build_passes(lab_runner, endpoint):
    build(endpoint)
    report = lab_runner(LAB).verify()
    assert report["passed"] is True, report


@pytest.mark.parametrize("knob, step, check, words", [
    ({"azs": ("us-east-1a",)}, "network", "subnets", "another AZ"),
    ({"azs": ("us-east-1a",)}, "asg", "zones", "at least 2 AZs"),
    ({"min_size": 1, "desired": 1}, "asg", "sizes", "MinSize is 1"),
    ({"max_size": 4}, "asg", "sizes", "MaxSize is 4"),
    ({"grace": 0}, "asg", "grace-period", "grace period"),
    ({"tokens": "optional"}, "launch-template", "imdsv2", "HttpTokens=required"),
    ({"tokens": None}, "launch-template", "imdsv2", "HttpTokens=required"),
    ({"itype": "t3.micro"}, "launch-template", "instance-type", "t3.micro"),
    ({"itype": "t2.large"}, "launch-template", "instance-type", "t2.large"),
    ({"itype": "c5.large"}, "launch-template", "instance-type", "c5.large"),
    ({"user_data": False}, "launch-template", "user-data", "UserData"),
    ({"target": 90.0}, "scaling-policy", "target", "90"),
    ({"target": 30.0}, "scaling-policy", "target", "30"),
    ({"policy": False}, "scaling-policy", "policy", "put-scaling-policy"),
])
def test_wrong_configuration_fails_its_step(lab_runner, endpoint, knob, step, check, words):
    build(endpoint, **knob)
    report = lab_runner(LAB).verify()
    checks = checks_of(report, step)
    assert checks[check]["passed"] is False
    assert words in checks[check]["message"]
    assert report["passed"] is False
    # the other steps are judged on their own requirements only
    untouched = {"network", "launch-template", "asg", "scaling-policy"} - {step}
    if "azs" not in knob and "policy" not in knob:
        assert all(s["passed"] for s in report["steps"] if s["id"] in untouched), report


def test_desired_outside_bounds_fails(lab_runner, endpoint):
    build(endpoint, min_size=2, max_size=6, desired=8)  # moto accepts it; the check must not
    assert checks_of(lab_runner(LAB).verify("asg"), "asg")["sizes"]["passed"] is False


def test_group_from_another_template_fails(lab_runner, endpoint):
    build(endpoint)
    ec2, asg = clients(endpoint)
    ec2.create_launch_template(LaunchTemplateName="other-lt", LaunchTemplateData={"InstanceType": "c7g.large"})
    asg.update_auto_scaling_group(AutoScalingGroupName="streamcloud-web-asg",
                                  LaunchTemplate={"LaunchTemplateName": "other-lt"})
    check = checks_of(lab_runner(LAB).verify("asg"), "asg")["exists"]
    assert check["passed"] is False and "streamcloud-web-lt" in check["message"]


def test_fixed_version_must_become_default(lab_runner, endpoint):
    build(endpoint, itype="t3.micro")
    ec2, _ = clients(endpoint)
    ec2.create_launch_template_version(LaunchTemplateName="streamcloud-web-lt", SourceVersion="1",
                                       LaunchTemplateData={"InstanceType": "m7g.large"})
    assert checks_of(lab_runner(LAB).verify("launch-template"), "launch-template")["instance-type"]["passed"] is False
    ec2.modify_launch_template(LaunchTemplateName="streamcloud-web-lt", DefaultVersion="2")
    assert checks_of(lab_runner(LAB).verify("launch-template"), "launch-template")["instance-type"]["passed"] is True


def test_korean_messages(lab_runner):
    report = lab_runner(LAB, lang="ko").verify("network")
    assert "VPC" in report["steps"][0]["checks"][0]["message"]
    assert "만드십시오" in report["steps"][0]["checks"][0]["message"]


def test_solution_never_adopts_the_students_template(lab_runner, endpoint):
    build(endpoint, itype="t3.micro")
    with pytest.raises(LabSolveConflict, match="not created by the tutor"):
        lab_runner(LAB).solve(["launch-template"])


def test_solution_creates_its_own_vpc_beside_the_students(lab_runner, endpoint):
    ec2, _ = clients(endpoint)
    ec2.create_vpc(CidrBlock="10.9.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "streamcloud-vpc"}]}])
    lab_runner(LAB).solve(["network"])
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["streamcloud-vpc"]}])["Vpcs"]
    assert len(vpcs) == 2


def test_cleanup_deletes_lab_resources_only(lab_runner, endpoint):
    build(endpoint)
    ec2, asg = clients(endpoint)
    keep_vpc = ec2.create_vpc(CidrBlock="10.99.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "my-other-vpc"}]}])["Vpc"]["VpcId"]
    ec2.create_launch_template(LaunchTemplateName="keep-me", LaunchTemplateData={"InstanceType": "t3.micro"})
    removed = lab_runner(LAB).cleanup()
    kinds = {r["type"] for r in removed if r["deleted"]}
    assert {"autoscaling-group", "launch-template", "subnet", "vpc"} <= kinds
    assert asg.describe_auto_scaling_groups(AutoScalingGroupNames=["streamcloud-web-asg"])["AutoScalingGroups"] == []
    names = [t["LaunchTemplateName"] for t in ec2.describe_launch_templates()["LaunchTemplates"]]
    assert names == ["keep-me"]
    vpc_ids = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
    assert keep_vpc in vpc_ids
    assert lab_runner(LAB).verify()["passed"] is False


def test_placement_group_step_is_real_aws_only(lab_runner):
    runner = lab_runner(LAB)
    assert runner.skipped_steps() == ["placement-group"]
    report = runner.verify("placement-group")
    assert report["steps"] == [] and report["real_aws_only"] == ["placement-group"]
    assert "placement-group" not in runner.solve()


def _second_version(endpoint, data, make_default=False):
    ec2, _ = clients(endpoint)
    version = ec2.create_launch_template_version(LaunchTemplateName="streamcloud-web-lt",
                                                 LaunchTemplateData=data)["LaunchTemplateVersion"]["VersionNumber"]
    if make_default:
        ec2.modify_launch_template(LaunchTemplateName="streamcloud-web-lt", DefaultVersion=str(version))
    return version


@pytest.mark.parametrize("spec", ["number", "$Latest"])
def test_group_pinned_to_a_bad_version_fails(lab_runner, endpoint, spec):
    build(endpoint)
    version = _second_version(endpoint, {"ImageId": "ami-12c6146b", "InstanceType": "t3.micro",
                                         "MetadataOptions": {"HttpTokens": "optional"}})
    _, asg = clients(endpoint)
    asg.update_auto_scaling_group(AutoScalingGroupName="streamcloud-web-asg", LaunchTemplate={
        "LaunchTemplateName": "streamcloud-web-lt", "Version": str(version) if spec == "number" else "$Latest"})
    report = lab_runner(LAB).verify()
    assert checks_of(report, "launch-template")["instance-type"]["passed"] is True  # the default is fine
    launches = checks_of(report, "asg")["launches"]
    assert launches["passed"] is False and "t3.micro" in launches["message"]


def recreate_group_with_overrides(endpoint, overrides):
    """Replace the student's group by one with a mixed instances policy over the lab template."""
    ec2, asg = clients(endpoint)
    asg.delete_auto_scaling_group(AutoScalingGroupName="streamcloud-web-asg", ForceDelete=True)
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": ["streamcloud-public-*"]}])["Subnets"]]
    asg.create_auto_scaling_group(
        AutoScalingGroupName="streamcloud-web-asg", MinSize=2, MaxSize=6, DesiredCapacity=2,
        VPCZoneIdentifier=",".join(subnets), HealthCheckGracePeriod=300,
        MixedInstancesPolicy={"LaunchTemplate": {
            "LaunchTemplateSpecification": {"LaunchTemplateName": "streamcloud-web-lt", "Version": "$Default"},
            "Overrides": overrides}})


def test_mixed_instances_with_burstable_overrides_fails(lab_runner, endpoint):
    build(endpoint)
    recreate_group_with_overrides(endpoint, [{"InstanceType": "t3.micro"}, {"InstanceType": "c7g.large"}])
    checks = checks_of(lab_runner(LAB).verify("asg"), "asg")
    assert checks["exists"]["passed"] is True
    assert checks["launches"]["passed"] is False and "t3.micro" in checks["launches"]["message"]


def test_new_version_without_full_data_explains_why(lab_runner, endpoint):
    build(endpoint, itype="t3.micro")
    _second_version(endpoint, {"InstanceType": "c7g.large"}, make_default=True)  # no source version
    checks = checks_of(lab_runner(LAB).verify("launch-template"), "launch-template")
    assert checks["instance-type"]["passed"] is True
    assert checks["imdsv2"]["passed"] is False and "--source-version" in checks["imdsv2"]["message"]
    assert checks["user-data"]["passed"] is False and "--source-version" in checks["user-data"]["message"]


def test_fix_with_source_version_works_on_the_sandbox(lab_runner, endpoint):
    build(endpoint, itype="t3.micro")
    ec2, _ = clients(endpoint)
    version = ec2.create_launch_template_version(LaunchTemplateName="streamcloud-web-lt", SourceVersion="1",
                                                 LaunchTemplateData={"InstanceType": "c7g.large"})
    number = version["LaunchTemplateVersion"]["VersionNumber"]
    ec2.modify_launch_template(LaunchTemplateName="streamcloud-web-lt", DefaultVersion=str(number))
    report = lab_runner(LAB).verify("launch-template")
    assert report["passed"] is True, report  # type fixed, IMDSv2 and user data kept from version 1


def test_cleanup_keeps_instances_the_lab_did_not_create(lab_runner, endpoint):
    build(endpoint)
    ec2, asg = clients(endpoint)
    subnet = ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": ["streamcloud-public-0"]}])["Subnets"][0]["SubnetId"]
    bastion = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "bastion"}]}])["Instances"][0]["InstanceId"]
    removed = lab_runner(LAB).cleanup()
    state = ec2.describe_instances(InstanceIds=[bastion])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state == "running"
    kept = [r for r in removed if r["type"] == "subnet" and not r["deleted"]]
    assert kept and bastion in kept[0]["reason"]
    assert asg.describe_auto_scaling_groups(AutoScalingGroupNames=["streamcloud-web-asg"])["AutoScalingGroups"] == []


def test_group_naming_a_deleted_subnet_fails_its_check(lab_runner, endpoint):
    build(endpoint)
    ec2, asg = clients(endpoint)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["streamcloud-vpc"]}])["Vpcs"][0]["VpcId"]
    extra = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.9.0/24", AvailabilityZone="us-east-1c")["Subnet"]["SubnetId"]
    group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["streamcloud-web-asg"])["AutoScalingGroups"][0]
    asg.update_auto_scaling_group(AutoScalingGroupName="streamcloud-web-asg",
                                  VPCZoneIdentifier=group["VPCZoneIdentifier"] + "," + extra)
    for r in ec2.describe_instances(Filters=[{"Name": "subnet-id", "Values": [extra]}])["Reservations"]:
        ec2.terminate_instances(InstanceIds=[i["InstanceId"] for i in r["Instances"]])
    ec2.delete_subnet(SubnetId=extra)
    zones = checks_of(lab_runner(LAB).verify("asg"), "asg")["zones"]
    assert zones["passed"] is False and extra in zones["message"]


def test_made_up_instance_type_fails(lab_runner, endpoint):
    build(endpoint, itype="c7g.nonsense")
    check = checks_of(lab_runner(LAB).verify("launch-template"), "launch-template")["instance-type"]
    assert check["passed"] is False and "not an EC2 instance type" in check["message"]


def test_override_with_another_template_fails(lab_runner, endpoint):
    build(endpoint)
    ec2, asg = clients(endpoint)
    ec2.create_launch_template(LaunchTemplateName="other-lt", LaunchTemplateData={"InstanceType": "t3.micro"})
    recreate_group_with_overrides(endpoint, [
        {"InstanceType": "c7g.large"},
        {"InstanceType": "m7g.large", "LaunchTemplateSpecification": {"LaunchTemplateName": "other-lt"}}])
    launches = checks_of(lab_runner(LAB).verify("asg"), "asg")["launches"]
    assert launches["passed"] is False and "other-lt" in launches["message"]


def test_pinned_version_without_user_data_fails(lab_runner, endpoint):
    build(endpoint)
    version = _second_version(endpoint, {"ImageId": "ami-12c6146b", "InstanceType": "c7g.large",
                                         "MetadataOptions": {"HttpTokens": "required"}})
    _, asg = clients(endpoint)
    asg.update_auto_scaling_group(AutoScalingGroupName="streamcloud-web-asg",
                                  LaunchTemplate={"LaunchTemplateName": "streamcloud-web-lt", "Version": str(version)})
    assert checks_of(lab_runner(LAB).verify("asg"), "asg")["launches"]["passed"] is False


def test_omitted_grace_period_is_zero_as_on_aws(lab_runner, endpoint):
    build(endpoint)
    ec2, asg = clients(endpoint)
    asg.delete_auto_scaling_group(AutoScalingGroupName="streamcloud-web-asg", ForceDelete=True)
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": ["streamcloud-public-*"]}])["Subnets"]]
    asg.create_auto_scaling_group(AutoScalingGroupName="streamcloud-web-asg", MinSize=2, MaxSize=6,
                                  LaunchTemplate={"LaunchTemplateName": "streamcloud-web-lt"},
                                  VPCZoneIdentifier=",".join(subnets))
    assert checks_of(lab_runner(LAB).verify("asg"), "asg")["grace-period"]["passed"] is False
