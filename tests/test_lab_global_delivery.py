"""The lab global-delivery, provisioned and verified for real against a moto server.

Every check fails on an empty account, every step passes after its solution, and each wrong
configuration a step rules out fails that step's check with a message saying what to change.
The Global Accelerator step is real-AWS-only: its checks are run here against a stand-in client.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from botocore.config import Config

from tutor.labs.kit import Context

from conftest import aws

LAB = "global-delivery"
STEPS = ["alb", "cloudfront", "dns"]
FILES = Path(__file__).resolve().parent.parent / "labs" / LAB / "files"
ALLOW_ALL = "allow-all"


VALIDATED, UNVALIDATED = Config(parameter_validation=True), Config(parameter_validation=False)


def client(endpoint, service, validate=True):
    # moto stores what botocore would refuse (an origin group of one): tests build it unvalidated
    return aws(service, endpoint, config=VALIDATED if validate else UNVALIDATED)


def checks_of(report, step):
    entry = next(s for s in report["steps"] if s["id"] == step)
    return {c["id"]: c for c in entry["checks"]}


def build_alb(endpoint, *, zones=2, kind="application", health="/health", listener="tg", tg=True, name="streamcloud-alb",
              other="other-tg"):
    ec2, elb = client(endpoint, "ec2"), client(endpoint, "elbv2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = sorted(ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"],
                     key=lambda s: s["AvailabilityZone"])
    extra = {} if kind == "network" else {"SecurityGroups": [ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]]}
    lb = elb.create_load_balancer(Name=name, Type=kind, Subnets=[s["SubnetId"] for s in subnets[:zones]], **extra)["LoadBalancers"][0]
    arns, protocol = {}, "TCP" if kind == "network" else "HTTP"
    for tg_name in (["streamcloud-web-tg"] if tg else []) + [other]:
        arns[tg_name] = elb.create_target_group(Name=tg_name, Protocol=protocol, Port=80, VpcId=vpc, HealthCheckPath=health,
                                                TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
    if listener:
        target = arns.get("streamcloud-web-tg" if listener == "tg" else other, arns[other])
        elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol=protocol, Port=80,
                            DefaultActions=[{"Type": "forward", "TargetGroupArn": target}])
    return lb


def distribution_config(endpoint, *, alb_dns, oac="own", members=2, api="alb", default_vpp="redirect-to-https",
                        api_vpp="redirect-to-https", compress=True, enabled=True, group=True, caller="student"):
    cf, s3 = client(endpoint, "cloudfront"), client(endpoint, "s3")
    for bucket, where in (("streamcloud-cdn-student", None), ("streamcloud-cdn-student-failover", "us-west-2")):
        s3.create_bucket(Bucket=bucket, **({"CreateBucketConfiguration": {"LocationConstraint": where}} if where else {}))
    oac_id = {"own": lambda: cf.create_origin_access_control(OriginAccessControlConfig={
        "Name": f"oac-{caller}", "SigningProtocol": "sigv4", "SigningBehavior": "always",
        "OriginAccessControlOriginType": "s3"})["OriginAccessControl"]["Id"], "none": lambda: "", "bogus": lambda: "E2BOGUSOAC0000"}[oac]()
    text = (FILES / "distribution-sandbox.json").read_text()
    for k, v in {"PRIMARY_BUCKET": "streamcloud-cdn-student", "FAILOVER_BUCKET": "streamcloud-cdn-student-failover",
                 "OAC_ID": oac_id, "ALB_DNS_NAME": alb_dns, "CALLER_REFERENCE": caller}.items():
        text = text.replace(k, v)
    config = json.loads(text)
    config["Enabled"] = enabled
    config["DefaultCacheBehavior"].update(ViewerProtocolPolicy=default_vpp, Compress=compress)
    behavior = config["CacheBehaviors"]["Items"][0]
    behavior["ViewerProtocolPolicy"] = api_vpp
    if api is None:
        config["CacheBehaviors"] = {"Quantity": 0}
    elif api == "bucket":
        behavior["TargetOriginId"] = "streamcloud-media-primary"
    group_def = config["OriginGroups"]["Items"][0]
    if members == 1:
        group_def["Members"] = {"Quantity": 1, "Items": group_def["Members"]["Items"][:1]}
    elif members == "alb":
        group_def["Members"]["Items"][1] = {"OriginId": "streamcloud-alb"}
    if not group:
        config["OriginGroups"] = {"Quantity": 0}
    return config


def build_cdn(endpoint, alb_dns="streamcloud-alb-1.us-east-1.elb.amazonaws.com", **knobs):
    config = distribution_config(endpoint, alb_dns=alb_dns, **knobs)
    return client(endpoint, "cloudfront", validate=False).create_distribution(DistributionConfig=config)["Distribution"]


def build_dns(endpoint, *, routing="failover", health="ok", target="streamcloud-alb-1.us-east-1.elb.amazonaws.com"):
    r53 = client(endpoint, "route53")
    zone = r53.create_hosted_zone(Name="streamcloud.example", CallerReference=f"zone-{routing}-{health}")["HostedZone"]["Id"]
    hc = {"ok": lambda: r53.create_health_check(CallerReference=f"hc-{routing}", HealthCheckConfig={
        "Type": "HTTP", "FullyQualifiedDomainName": target, "Port": 80, "ResourcePath": "/health"})["HealthCheck"]["Id"],
          "none": lambda: None, "bogus": lambda: "00000000-0000-0000-0000-000000000000"}[health]()
    guard = {"HealthCheckId": hc} if hc else {}

    def record(ident=None, value=target, **extra):
        return {"Action": "CREATE", "ResourceRecordSet": {"Name": "www.streamcloud.example", "Type": "CNAME", "TTL": 60,
                                                         "ResourceRecords": [{"Value": value}],
                                                         **({"SetIdentifier": ident} if ident else {}), **extra}}
    changes = {
        "failover": [record("p", Failover="PRIMARY", **guard), record("s", "d111.cloudfront.net", Failover="SECONDARY")],
        "unguarded-primary": [record("p", Failover="PRIMARY"), record("s", "d111.cloudfront.net", Failover="SECONDARY", **guard)],
        "latency": [record("e", Region="us-east-1", **guard), record("w", "d111.cloudfront.net", Region="us-west-2", **guard)],
        "primary-only": [record("p", Failover="PRIMARY", **guard)],
        "simple": [record()],
    }[routing]
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": changes})
    return zone


def build(endpoint, *, alb=None, cdn=None, dns=None):
    """What a student builds with the CLI, with knobs for each wrong configuration."""
    lb = build_alb(endpoint, **(alb or {}))
    build_cdn(endpoint, alb_dns=lb["DNSName"], **(cdn or {}))
    build_dns(endpoint, target=lb["DNSName"], **(dns or {}))




@pytest.mark.parametrize("step", ["cloudfront", "dns"])
def test_a_later_step_solves_alone_on_an_empty_account(lab_runner, step):
    runner = lab_runner(LAB)
    runner.solve([step])
    assert runner.verify(step)["passed"] is True


def test_solve_of_all_steps_on_an_empty_account_is_idempotent(lab_runner, endpoint):
    runner = lab_runner(LAB)
    assert runner.solve() == STEPS
    runner.solve()
    assert runner.verify()["passed"] is True
    assert len(client(endpoint, "cloudfront").list_distributions()["DistributionList"]["Items"]) == 1
    assert len(client(endpoint, "route53").list_hosted_zones()["HostedZones"]) == 1
    assert len(client(endpoint, "route53").list_health_checks()["HealthChecks"]) == 1
    assert len(client(endpoint, "elbv2").describe_load_balancers()["LoadBalancers"]) == 1


def test_a_correct_student_build_passes(lab_runner, endpoint):
    build(endpoint)
    report = lab_runner(LAB).verify()
    assert report["passed"] is True, report


@pytest.mark.parametrize("knobs", [
    {"cdn": {"default_vpp": "https-only", "api_vpp": "https-only"}},
    {"dns": {"routing": "latency"}},
])
def test_other_good_choices_pass(lab_runner, endpoint, knobs):
    build(endpoint, **knobs)
    assert lab_runner(LAB).verify()["passed"] is True


def test_without_streamcloud_alb_any_elb_origin_passes(lab_runner, endpoint):
    build_cdn(endpoint, alb_dns="web-123.us-east-1.elb.amazonaws.com")
    assert lab_runner(LAB).verify("cloudfront")["passed"] is True


def test_with_streamcloud_alb_the_origin_must_be_that_alb(lab_runner, endpoint):
    build_alb(endpoint)
    build_cdn(endpoint, alb_dns="web-123.us-east-1.elb.amazonaws.com")
    checks = checks_of(lab_runner(LAB).verify("cloudfront"), "cloudfront")
    assert checks["alb-origin"]["passed"] is False and "streamcloud-alb-1.us-east-1.elb.amazonaws.com" in checks["alb-origin"]["message"]
    assert checks["api-behavior"]["passed"] is False


@pytest.mark.parametrize("knobs, step, check, words", [
    ({"alb": {"zones": 1}}, "alb", "zones", "single point of failure"),
    ({"alb": {"kind": "network"}}, "alb", "type", "--type application"),
    ({"alb": {"health": "/"}}, "alb", "health-check", "--health-check-path /health"),
    ({"alb": {"listener": None}}, "alb", "listener", "create-listener"),
    ({"alb": {"listener": "other"}}, "alb", "listener", "does not forward"),
    ({"alb": {"tg": False}}, "alb", "target-group", "create-target-group"),
    ({"cdn": {"enabled": False}}, "cloudfront", "exists", "disabled"),
    ({"cdn": {"default_vpp": ALLOW_ALL}}, "cloudfront", "https", "default (*)"),
    ({"cdn": {"api_vpp": ALLOW_ALL}}, "cloudfront", "https", "/api/*"),
    ({"cdn": {"compress": False}}, "cloudfront", "compression", "Compress"),
    ({"cdn": {"oac": "none"}}, "cloudfront", "s3-oac", "create-origin-access-control"),
    ({"cdn": {"oac": "bogus"}}, "cloudfront", "s3-oac", "does not exist"),
    ({"cdn": {"members": 1}}, "cloudfront", "origin-group", "1 distinct member"),
    ({"cdn": {"members": "alb"}}, "cloudfront", "origin-group", "not S3 origins"),
    ({"cdn": {"group": False}}, "cloudfront", "origin-group", "no origin group"),
    ({"cdn": {"api": None}}, "cloudfront", "api-behavior", "/api/*"),
    ({"cdn": {"api": "bucket"}}, "cloudfront", "api-behavior", "targets origin streamcloud-media-primary"),
    ({"dns": {"routing": "simple"}}, "dns", "failover-records", "simple routing"),
    ({"dns": {"routing": "primary-only"}}, "dns", "failover-records", "only one failover record"),
    ({"dns": {"health": "none"}}, "dns", "health-check", "no health check"),
    ({"dns": {"routing": "unguarded-primary"}}, "dns", "health-check", "no health check"),
    ({"dns": {"health": "bogus"}}, "dns", "health-check", "does not exist"),
])
def test_wrong_configuration_fails_its_step(lab_runner, endpoint, knobs, step, check, words):
    build(endpoint, **knobs)
    report = lab_runner(LAB).verify()
    checks = checks_of(report, step)
    assert checks[check]["passed"] is False, checks
    assert words in checks[check]["message"]
    # the other steps are judged on their own requirements only
    assert all(s["passed"] for s in report["steps"] if s["id"] != step), report


def test_a_good_distribution_passes_beside_a_wrong_one(lab_runner, endpoint):
    lb = build_alb(endpoint)
    build_cdn(endpoint, alb_dns=lb["DNSName"], default_vpp=ALLOW_ALL, compress=False, caller="first")
    client(endpoint, "s3").delete_bucket(Bucket="streamcloud-cdn-student")
    client(endpoint, "s3").delete_bucket(Bucket="streamcloud-cdn-student-failover")
    build_cdn(endpoint, alb_dns=lb["DNSName"], caller="second")
    assert lab_runner(LAB).verify("cloudfront")["passed"] is True


def test_an_endpoint_that_drops_the_oac_id_makes_that_part_skipped(lab_runner, endpoint):
    lb = build_alb(endpoint)
    build_cdn(endpoint, alb_dns=lb["DNSName"])
    module = lab_runner(LAB).module
    real = client(endpoint, "cloudfront")

    class OlderCloudFront:
        def __getattr__(self, name):
            return getattr(real, name)

        def get_paginator(self, name):
            pages = list(real.get_paginator(name).paginate())
            for page in pages:
                for dist in (page.get("DistributionList") or {}).get("Items") or []:
                    for origin in dist["Origins"]["Items"]:
                        origin.pop("OriginAccessControlId", None)

            class Pages:
                def paginate(self, **_):
                    return copy.deepcopy(pages)
            return Pages()

    ctx = Context(lab_id=LAB, region="us-east-1", endpoint=endpoint,
                  make_client=lambda s: OlderCloudFront() if s == "cloudfront" else client(endpoint, s))
    result = module.check_s3_oac(ctx)
    assert result.skipped and result.passed and "real AWS" in result.en
    assert module.check_origin_group(ctx).passed


def test_korean_messages(lab_runner):
    report = lab_runner(LAB, lang="ko").verify()
    messages = [c["message"] for s in report["steps"] for c in s["checks"] if not c.get("skipped")]
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in m) for m in messages), messages
    assert "만드십시오" in checks_of(report, "alb")["exists"]["message"]


def test_solution_never_adopts_the_students_alb(lab_runner, endpoint):
    from tutor.labs.runner import LabSolveConflict

    build_alb(endpoint, zones=1)
    with pytest.raises(LabSolveConflict, match="not created by the tutor"):
        lab_runner(LAB).solve(["alb"])


def test_solutions_build_their_own_distribution_and_zone_beside_the_students(lab_runner, endpoint):
    build(endpoint, cdn={"default_vpp": ALLOW_ALL}, dns={"routing": "simple"})
    before = lab_runner(LAB).verify()
    assert not checks_of(before, "cloudfront")["https"]["passed"] and not checks_of(before, "dns")["failover-records"]["passed"]
    lab_runner(LAB).solve(["cloudfront", "dns"])
    assert lab_runner(LAB).verify()["passed"] is True
    dists = client(endpoint, "cloudfront").list_distributions()["DistributionList"]["Items"]
    assert sorted(d["DefaultCacheBehavior"]["ViewerProtocolPolicy"] for d in dists) == [ALLOW_ALL, "redirect-to-https"]
    assert len(client(endpoint, "route53").list_hosted_zones()["HostedZones"]) == 2


def _decoys(endpoint):
    """Resources of the same kinds that are not the lab's: cleanup must leave them."""
    lb = build_alb(endpoint, name="keep-alb", tg=False, other="keep-tg")
    cf = client(endpoint, "cloudfront")
    oac = cf.create_origin_access_control(OriginAccessControlConfig={
        "Name": "keep-oac", "SigningProtocol": "sigv4", "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"})["OriginAccessControl"]["Id"]
    client(endpoint, "s3").create_bucket(Bucket="keep-media")
    cf.create_distribution(DistributionConfig={
        "CallerReference": "keep", "Comment": "other site", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "m", "DomainName": "keep-media.s3.us-east-1.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}, "OriginAccessControlId": oac}]},
        "DefaultCacheBehavior": {"TargetOriginId": "m", "ViewerProtocolPolicy": "https-only"}})
    r53 = client(endpoint, "route53")
    r53.create_hosted_zone(Name="keep.example", CallerReference="keep")
    r53.create_health_check(CallerReference="keep-hc", HealthCheckConfig={"Type": "HTTP", "FullyQualifiedDomainName": lb["DNSName"], "Port": 80})


@pytest.mark.parametrize("who", ["student", "tutor"])
def test_cleanup_deletes_lab_resources_only(lab_runner, endpoint, who):
    build(endpoint) if who == "student" else lab_runner(LAB).solve()
    _decoys(endpoint)
    removed = lab_runner(LAB).cleanup()
    assert removed and all(r["deleted"] for r in removed), removed
    kinds = {r["type"] for r in removed}
    assert {"load-balancer", "target-group", "cloudfront-distribution", "origin-access-control", "s3-bucket",
            "hosted-zone", "health-check"} <= kinds
    cf, r53, s3 = client(endpoint, "cloudfront"), client(endpoint, "route53"), client(endpoint, "s3")
    assert [d["Comment"] for d in cf.list_distributions()["DistributionList"]["Items"]] == ["other site"]
    assert [o["Name"] for o in cf.list_origin_access_controls()["OriginAccessControlList"]["Items"]] == ["keep-oac"]
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["keep-media"]
    assert [z["Name"] for z in r53.list_hosted_zones()["HostedZones"]] == ["keep.example."]
    assert [c["CallerReference"] for c in r53.list_health_checks()["HealthChecks"]] == ["keep-hc"]
    elb = client(endpoint, "elbv2")
    assert [lb["LoadBalancerName"] for lb in elb.describe_load_balancers()["LoadBalancers"]] == ["keep-alb"]
    groups = {t["TargetGroupName"] for t in elb.describe_target_groups()["TargetGroups"]}
    assert "keep-tg" in groups and "streamcloud-web-tg" not in groups
    report = lab_runner(LAB).verify()
    assert not any(c["passed"] for s in report["steps"] for c in s["checks"] if not c.get("skipped")), report
    assert lab_runner(LAB).cleanup() == []  # nothing left to delete


@pytest.mark.parametrize("step", STEPS)
def test_each_step_cleanup_removes_its_resources(lab_runner, endpoint, step):
    lab_runner(LAB).solve()
    removed = lab_runner(LAB).cleanup(step)
    assert removed and all(r["deleted"] for r in removed), removed
    report = lab_runner(LAB).verify()
    for entry in report["steps"]:
        # the later steps only point at the ALB by name: they still pass without it
        assert entry["passed"] is (entry["id"] != step), entry


def test_accelerator_cleanup_does_nothing_on_an_endpoint(lab_runner):
    assert lab_runner(LAB).cleanup("accelerator") == []


class FakeGlobalAccelerator:
    """Global Accelerator as real AWS answers it (no endpoint emulates it), in us-west-2."""

    class meta:  # noqa: N801 - mirrors botocore's client.meta
        region_name = "us-west-2"

    def __init__(self, alb_arn, *, enabled=True, protocol="TCP", port=80, region="us-east-1", endpoint=None):
        self.accel = {"Name": "streamcloud-ga", "AcceleratorArn": "arn:ga", "Enabled": enabled,
                      "IpSets": [{"IpAddresses": ["192.0.2.1", "198.51.100.1"]}]}
        self.listener = {"ListenerArn": "arn:ga/l", "Protocol": protocol, "PortRanges": [{"FromPort": port, "ToPort": port}]}
        self.group = {"EndpointGroupRegion": region, "EndpointDescriptions": [{"EndpointId": endpoint or alb_arn}]}

    def get_paginator(self, name):
        accel = self.accel

        class Pages:
            def paginate(self, **_):
                return [{"Accelerators": [accel]}]
        return Pages()

    def list_listeners(self, **_):
        return {"Listeners": [self.listener]}

    def list_endpoint_groups(self, **_):
        return {"EndpointGroups": [self.group]}


NO_LISTENER = ("check_accelerator_listener", "check_accelerator_endpoints")  # no traffic reaches the group either


@pytest.mark.parametrize("knobs, failing", [
    ({}, ()),
    ({"port": 443}, ()),
    ({"enabled": False}, ("check_accelerator",)),
    ({"protocol": "UDP"}, NO_LISTENER),
    ({"port": 8080}, NO_LISTENER),
    ({"region": "eu-west-1"}, ("check_accelerator_endpoints",)),
    ({"endpoint": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/other/1"}, ("check_accelerator_endpoints",)),
])
def test_accelerator_checks_judge_what_real_aws_returns(lab_runner, endpoint, knobs, failing):
    lb = build_alb(endpoint)
    module = lab_runner(LAB).module
    fake = FakeGlobalAccelerator(lb["LoadBalancerArn"], **knobs)
    ctx = Context(lab_id=LAB, region="us-east-1", endpoint=None,
                  make_client=lambda s: fake if s == "globalaccelerator" else client(endpoint, s))
    for name in ("check_accelerator", "check_accelerator_listener", "check_accelerator_endpoints"):
        assert getattr(module, name)(ctx).passed is (name not in failing), name


def test_the_accelerator_client_is_made_by_the_backend_in_us_west_2(labs_catalog, endpoint):
    """Global Accelerator's API lives in us-west-2. Its client is made by the backend like the
    lab's own: in real mode the student's --profile, run tags, records and cleanup guards (a fresh
    default session had none of them, and could be another account)."""
    from tutor.labs.backend import Backend
    from tutor.labs.runner import LabRunner

    made = []

    class Recording(Backend):
        def client(self, service, region, lab_id=None):
            made_client = super().client(service, region, lab_id)
            made.append((service, made_client.meta.region_name, lab_id))
            return made_client

    runner = LabRunner(labs_catalog.labs[LAB], labs_catalog.lab_dirs[LAB], Recording("endpoint", endpoint))
    ga = runner.module.routing.accelerator_api(runner.ctx)
    assert ga.meta.region_name == "us-west-2"
    assert made == [("globalaccelerator", "us-west-2", LAB)]
    assert runner.module.routing.accelerator_api(runner.ctx) is ga and len(made) == 1  # kept, like the lab's
    assert runner.ctx.client("s3").meta.region_name == "us-east-1"  # every other service: the lab's Region


def test_the_two_distribution_files_differ_only_in_the_default_behaviors_target():
    sandbox_form = json.loads((FILES / "distribution-sandbox.json").read_text())
    aws_form = json.loads((FILES / "distribution-aws.json").read_text())
    assert sandbox_form["DefaultCacheBehavior"].pop("TargetOriginId") == "streamcloud-media-primary"
    assert aws_form["DefaultCacheBehavior"].pop("TargetOriginId") == "streamcloud-media-group"
    assert sandbox_form == aws_form


def test_the_real_aws_form_passes_every_check_and_the_sandbox_refuses_it(lab_runner, endpoint):
    """moto 5.2.6 refuses a default behavior on an origin group; when it stops refusing, the
    check that a behavior uses the group can be judged on the sandbox too."""
    cdn = lab_runner(LAB).module.cdn
    alb_dns = "streamcloud-alb-1.us-east-1.elb.amazonaws.com"
    text = (FILES / "distribution-aws.json").read_text()
    for k, v in {"PRIMARY_BUCKET": "p", "FAILOVER_BUCKET": "f", "OAC_ID": "E1OAC", "ALB_DNS_NAME": alb_dns,
                 "CALLER_REFERENCE": "aws"}.items():
        text = text.replace(k, v)
    config = json.loads(text)
    summary = {**config, "Id": "E1", "DomainName": "d1.cloudfront.net"}  # ListDistributions' shape
    findings = cdn.findings(summary, alb_dns, {"E1OAC"})
    assert all(r.passed and not r.skipped for r in findings.values()), findings
    with pytest.raises(Exception, match="NoSuchOrigin"):
        client(endpoint, "cloudfront").create_distribution(DistributionConfig=config)
