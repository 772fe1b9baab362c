"""Real AWS mode, with a moto server playing the account (AWS_ENDPOINT_URL): real AWS is never
called here. Moto's account is 123456789012; `iam create-account-alias` stages a "prod" alias.
Fault injection for the error classes uses botocore's Stubber, and a before-send hook for
throttling (so botocore's own adaptive retry really runs)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber

from conftest import run_tutor

ACCOUNT = "123456789012"
CONFIRMED = ("--yes", "--account", ACCOUNT)


@pytest.fixture
def account(endpoint, monkeypatch):
    """The moto server as the student's account: every real-mode call goes there."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    return endpoint


def tutor(*args: str):
    return run_tutor(*args, "--lang", "en", input="")  # stdin is a pipe: no terminal to ask


def ec2(endpoint):
    return boto3.client("ec2", region_name="us-east-1", endpoint_url=endpoint)


def lab_vpcs(endpoint):
    return ec2(endpoint).describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["streamcloud-vpc"]}])["Vpcs"]


def records(home):
    from tutor.store import Store

    store = Store(home / "progress.db")
    try:
        return store.created_resources()
    finally:
        store.close()


def settings(home, text):
    home.mkdir(parents=True, exist_ok=True)
    (home / "settings.toml").write_text(text, encoding="utf-8")


# guard rails ------------------------------------------------------------------------------
def test_solve_without_confirmation_is_refused_and_creates_nothing(account, isolated_home):
    result = tutor("lab", "run", "ec2-asg", "--solve", "--real")
    assert result.returncode == 2, result.stderr
    assert "no terminal to ask" in result.stderr and ACCOUNT in result.stderr
    assert "estimated total" in result.stderr  # it said what it would create and its cost first
    assert lab_vpcs(account) == []
    assert not (isolated_home / "progress.db").exists() or records(isolated_home) == []


def test_yes_needs_the_callers_account(account):
    wrong = tutor("lab", "run", "ec2-asg", "--solve", "--real", "--yes", "--account", "111111111111")
    assert wrong.returncode == 2 and "not the caller's account" in wrong.stderr
    bare = tutor("lab", "run", "ec2-asg", "--solve", "--real", "--yes")
    assert bare.returncode == 2 and "--yes needs --account" in bare.stderr
    assert lab_vpcs(account) == []


def test_deny_list_refuses_even_a_verify(account, isolated_home):
    settings(isolated_home, f'deny_accounts = ["{ACCOUNT}"]\n')
    result = tutor("lab", "verify", "ec2-asg", "--real")
    assert result.returncode == 2 and "deny list" in result.stderr
    assert result.stderr.count("\n") == 1


def test_allow_list_is_the_only_way_in(account, isolated_home):
    settings(isolated_home, 'allow_accounts = ["111122223333"]\n')
    refused = tutor("lab", "verify", "ec2-asg", "--real")
    assert refused.returncode == 2 and "allow list" in refused.stderr
    settings(isolated_home, f'allow_accounts = ["{ACCOUNT}"]\n')
    allowed = tutor("lab", "verify", "ec2-asg", "--real", "--json")
    assert allowed.returncode == 1, allowed.stderr  # judged: nothing built yet
    assert json.loads(allowed.stdout)["backend"]["kind"] == "real"


def test_prod_alias_is_refused(account):
    boto3.client("iam", region_name="us-east-1", endpoint_url=account).create_account_alias(AccountAlias="acme-prod-1")
    result = tutor("lab", "run", "ec2-asg", "--solve", "--real", *CONFIRMED)
    assert result.returncode == 2 and "acme-prod-1" in result.stderr
    assert lab_vpcs(account) == []


def test_bad_settings_file_is_usage(account, isolated_home):
    settings(isolated_home, 'deny_accounts = [123]\n')
    result = tutor("lab", "verify", "ec2-asg", "--real")
    assert result.returncode == 2 and "12-digit" in result.stderr


def test_sandbox_only_commands_still_refuse_real():
    from tutor.errors import UsageError
    from tutor.labs.backend import resolve

    with pytest.raises(UsageError):
        with resolve(None, real=True):  # no RealOptions: a command without guard rails
            pass


# tags and records -----------------------------------------------------------------------------
def test_everything_created_is_tagged_and_recorded(account, isolated_home):
    result = tutor("lab", "run", "ec2-asg", "--solve", "--real", *CONFIRMED, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    run = report["backend"]["run"]
    # an endpoint is set (the moto account): the step the sandbox cannot emulate stays skipped, --real or not
    assert report["real_aws_only"] == ["placement-group"] and "solving placement-group" not in result.stderr
    rows = records(isolated_home)
    kinds = sorted(r["type"] for r in rows)
    assert kinds.count("ec2:subnet") == 2 and "ec2:vpc" in kinds and "ec2:launch-template" in kinds
    assert "autoscaling:auto-scaling-group" in kinds
    assert all(r["lab"] == "ec2-asg" and r["run"] == run and r["account"] == ACCOUNT and r["backend"] == "real"
               for r in rows)
    want = {"tutor:lab": "ec2-asg", "tutor:run": run, "tutor:created-by": "saa-tutor"}
    client = ec2(account)
    for row in rows:
        if row["type"].startswith("ec2:"):
            tags = {t["Key"]: t["Value"] for t in client.describe_tags(
                Filters=[{"Name": "resource-id", "Values": [row["resource_id"]]}])["Tags"]}
            assert want.items() <= tags.items(), row
    asg = boto3.client("autoscaling", region_name="us-east-1", endpoint_url=account)
    tags = {t["Key"]: t["Value"] for t in asg.describe_tags(
        Filters=[{"Name": "auto-scaling-group", "Values": ["streamcloud-web-asg"]}])["Tags"]}
    assert want.items() <= tags.items()


def test_an_unpinned_lab_runs_in_the_chosen_region_and_is_cleaned_up_there(account, isolated_home):
    solved = run_tutor("lab", "run", "containers-fargate", "--solve", "--real", *CONFIRMED, "--json", "--lang", "en",
                       input="", env={"AWS_REGION": "eu-west-1"})
    assert solved.returncode == 0, solved.stderr
    assert json.loads(solved.stdout)["backend"]["lab_regions"] == {"containers-fargate": "eu-west-1"}
    assert "2 x fargate:0.5vCPU+1GB" in solved.stderr  # priced before anything was made
    ecs = boto3.client("ecs", region_name="eu-west-1", endpoint_url=account)
    assert ecs.list_clusters()["clusterArns"] and \
        not boto3.client("ecs", region_name="us-east-1", endpoint_url=account).list_clusters()["clusterArns"]
    assert {r["region"] for r in records(isolated_home)} == {"eu-west-1"}
    dry = tutor("lab", "cleanup", "containers-fargate", "--real", "--region", "eu-west-1", "--json")
    assert any(r.get("would_delete") for r in json.loads(dry.stdout)["resources"]), dry.stdout
    pinned = tutor("lab", "verify", "ec2-asg", "--real", "--region", "eu-west-1")
    assert "this lab runs in us-east-1" in pinned.stderr and "eu-west-1" in pinned.stderr


def test_already_mine_knows_the_tutors_tags():
    from tutor.labs.kit import Context, already_mine

    ctx = Context(lab_id="ec2-asg", region="us-east-1", endpoint=None, make_client=lambda s: None)
    mine = {"Tags": [{"Key": "tutor:created-by", "Value": "saa-tutor"}, {"Key": "tutor:lab", "Value": "ec2-asg"}]}
    assert already_mine(ctx, mine, "a thing", "것", "x") is True
    ctx.run_id = "run-1"
    assert {"Key": "tutor:run", "Value": "run-1"} in ctx.owner_tags("x")


# cleanup ------------------------------------------------------------------------------------
def _decoys(endpoint):
    """Same names as the lab's, untagged: the student's own work."""
    client = ec2(endpoint)
    vpc = client.create_vpc(CidrBlock="10.9.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "streamcloud-vpc"}]}])["Vpc"]["VpcId"]
    subnet = client.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24", TagSpecifications=[
        {"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": "streamcloud-public-z"}]}])["Subnet"]["SubnetId"]
    return vpc, subnet


def test_cleanup_dry_run_lists_the_tagged_set_and_yes_deletes_it_while_a_decoy_survives(account, isolated_home):
    solved = tutor("lab", "run", "ec2-asg", "--solve", "--real", *CONFIRMED)
    assert solved.returncode == 0, solved.stderr
    decoy_vpc, decoy_subnet = _decoys(account)
    tagged = {r["resource_id"] for r in records(isolated_home) if r["type"] in ("ec2:vpc", "ec2:subnet")}
    tagged |= {"streamcloud-web-asg", "streamcloud-web-lt"}

    dry = tutor("lab", "cleanup", "ec2-asg", "--real", "--json")
    assert dry.returncode == 0, dry.stderr
    data = json.loads(dry.stdout)
    assert data["dry_run"] is True and data["lab"] == "ec2-asg"
    assert {r["id"] for r in data["resources"] if r.get("would_delete")} == tagged
    kept = {r["id"]: r["reason"] for r in data["resources"] if not r["deleted"] and not r.get("would_delete")}
    assert set(kept) == {decoy_vpc, decoy_subnet} and all("not the tutor's" in v for v in kept.values())
    assert len(lab_vpcs(account)) == 2  # nothing deleted by the dry run

    done = tutor("lab", "cleanup", "ec2-asg", "--real", *CONFIRMED, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["dry_run"] is False
    assert {r["id"] for r in data["resources"] if r["deleted"]} == tagged
    assert [v["VpcId"] for v in lab_vpcs(account)] == [decoy_vpc]
    subnets = ec2(account).describe_subnets(Filters=[{"Name": "tag:Name", "Values": ["streamcloud-public-*"]}])["Subnets"]
    assert [s["SubnetId"] for s in subnets] == [decoy_subnet]
    assert {r["resource_id"] for r in records(isolated_home)} & tagged == set()  # marked deleted


def test_cleanup_all_real_is_a_dry_run_by_default(account, isolated_home):
    assert tutor("lab", "run", "ec2-asg", "--solve", "--real", *CONFIRMED).returncode == 0
    _decoys(account)
    result = tutor("cleanup", "--all", "--real", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lab"] == "all" and data["dry_run"] is True
    assert {r["lab"] for r in data["resources"] if r.get("would_delete")} == {"ec2-asg"}
    assert len(lab_vpcs(account)) == 2
    wrong = tutor("cleanup", "--all", "--real", "--yes", "--account", "111111111111")
    assert wrong.returncode == 2 and len(lab_vpcs(account)) == 2


def test_the_capstone_verifies_read_only_and_solves_through_the_week_labs(account, isolated_home):
    verify = tutor("lab", "verify", "streamcloud", "--real", "--json")  # read-only: nothing to confirm
    assert verify.returncode == 1, verify.stderr
    assert json.loads(verify.stdout)["backend"]["kind"] == "real"
    assert "this lab runs in us-east-1" in verify.stderr
    asked = tutor("lab", "run", "streamcloud", "--solve", "--real")
    assert asked.returncode == 2 and "no terminal to ask" in asked.stderr
    assert "ec2-asg/asg" in asked.stderr and "estimated total" in asked.stderr  # the week's steps, priced
    assert lab_vpcs(account) == []
    solved = tutor("lab", "run", "streamcloud", "--solve", "--step", "cost", "--real", *CONFIRMED, "--json")
    assert solved.returncode == 0, solved.stderr
    rows = records(isolated_home)
    # each piece is the lab's own: its tags and records, so that lab's (or --all's) cleanup finds it
    assert rows and {r["lab"] for r in rows} <= {"ec2-asg", "storage-tuning", "containers-fargate", "observability"}
    assert "streamcloud" not in {r["lab"] for r in rows}
    # its cleanup is the week's labs' own, guarded: a dry run first, then with --yes --account
    dry = tutor("lab", "cleanup", "streamcloud", "--real", "--json")
    assert dry.returncode == 0, dry.stderr
    planned = json.loads(dry.stdout)
    assert planned["dry_run"] is True and any(r.get("would_delete") for r in planned["resources"])
    done = tutor("lab", "cleanup", "streamcloud", "--real", *CONFIRMED, "--json")
    assert done.returncode == 0, done.stderr
    assert lab_vpcs(account) == [] and not records(isolated_home)  # live records only: all marked deleted


def test_the_capstone_cleans_up_where_it_built_even_with_another_region(account, isolated_home):
    """The capstone is pinned to its region: --region elsewhere does not move its solve, so its
    cleanup must look where the week's labs were built, not in the --region."""
    solved = tutor("lab", "run", "streamcloud", "--solve", "--step", "cost", "--real", "--region", "eu-west-1",
                   *CONFIRMED, "--json")
    assert solved.returncode == 0, solved.stderr
    assert {r["region"] for r in records(isolated_home)} == {"us-east-1"}
    done = tutor("lab", "cleanup", "streamcloud", "--real", "--region", "eu-west-1", *CONFIRMED, "--json")
    assert done.returncode == 0, done.stderr
    assert lab_vpcs(account) == [] and not records(isolated_home)


def test_cleanup_all_on_an_endpoint_deletes_at_once(endpoint):
    assert run_tutor("lab", "run", "ec2-asg", "--solve", "--endpoint-url", endpoint).returncode == 0
    result = run_tutor("cleanup", "--all", "--endpoint-url", endpoint, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lab"] == "all" and any(r["deleted"] for r in data["resources"])
    assert lab_vpcs(endpoint) == []


# AWS errors become guidance ------------------------------------------------------------------
@pytest.fixture
def real_backend(account):
    from tutor.labs.real import RealBackend, RealOptions
    from tutor.settings import Settings

    return RealBackend(account, RealOptions(), Settings())


def _guidance(backend, client, call):
    from tutor.labs.backend import translate

    with pytest.raises(Exception) as exc:
        call()
    failure = translate(exc.value, backend)
    assert failure is not None and failure.exit_code == 3 and "\n" not in failure.message
    return failure.message


def test_throttling_is_retried_with_backoff_then_succeeds(real_backend, monkeypatch):
    import types

    import botocore.endpoint
    import botocore.retries.bucket
    from botocore.awsrequest import AWSResponse

    # botocore waits between attempts (up to 2 s at random for the first retry): the wait is
    # recorded, not slept, and must have been asked for.
    waits: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=waits.append))
    # Adaptive mode's rate limiter then holds the retry until its token bucket refills (2 s of
    # wall clock here): what this test judges is the retry and its count, not the refill.
    monkeypatch.setattr(botocore.retries.bucket.TokenBucket, "_sleep_amount", lambda self, amount: 0)
    client = real_backend.client("ec2", "us-east-1")
    sent = []

    def throttle_once(request, **_):
        sent.append(request.url)
        if len(sent) == 1:
            body = (b"<Response><Errors><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
                    b"</Errors><RequestID>1</RequestID></Response>")
            return AWSResponse(request.url, 400, {}, type("Raw", (), {"stream": lambda self, **k: iter([body])})())
        return None

    client.meta.events.register_first("before-send.ec2.DescribeVpcs", throttle_once)
    assert "Vpcs" in client.describe_vpcs()
    assert len(sent) == 2 and real_backend.retries == 1 and len(waits) == 1 and waits[0] >= 0


def test_throttling_that_never_stops_says_so(real_backend):
    client = real_backend.client("ec2", "us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error("describe_vpcs", "Throttling", "Rate exceeded", 400)
        message = _guidance(real_backend, client, client.describe_vpcs)
    assert "throttled DescribeVpcs" in message and "backoff" in message


def test_access_denied_names_the_iam_action(real_backend):
    client = real_backend.client("ec2", "us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error("create_vpc", "UnauthorizedOperation", "You are not authorized", 403)
        message = _guidance(real_backend, client, lambda: client.create_vpc(CidrBlock="10.0.0.0/16"))
    assert "ec2:CreateVpc" in message


def test_expired_credentials_say_how_to_log_in(real_backend, monkeypatch):
    import botocore.exceptions as bce

    from tutor.labs.backend import translate

    client = real_backend.client("ec2", "us-east-1")
    monkeypatch.setenv("AWS_PROFILE", "student")  # named in the advice (set after the client is made)
    with Stubber(client) as stub:
        stub.add_client_error("describe_vpcs", "ExpiredToken", "The security token included in the request is expired", 400)
        message = _guidance(real_backend, client, client.describe_vpcs)
    assert "expired" in message and "aws sso login --profile student" in message
    sso = translate(bce.UnauthorizedSSOTokenError(), real_backend).message
    assert "aws sso login --profile student" in sso
    none = translate(bce.NoCredentialsError(), real_backend).message
    assert "no AWS credentials" in none


def test_quota_exceeded_names_the_quota(real_backend):
    client = real_backend.client("ec2", "us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error("create_vpc", "VpcLimitExceeded", "The maximum number of VPCs has been reached.", 400)
        message = _guidance(real_backend, client, lambda: client.create_vpc(CidrBlock="10.0.0.0/16"))
    assert "VPCs per Region" in message and "Service Quotas" in message


def test_region_not_enabled(real_backend):
    client = real_backend.client("ec2", "ap-east-1")
    with Stubber(client) as stub:
        stub.add_client_error("describe_vpcs", "OptInRequired", "You are not subscribed to this service.", 401)
        message = _guidance(real_backend, client, client.describe_vpcs)
    assert "not enabled" in message


def test_stuck_deleting(real_backend):
    import botocore.exceptions as bce

    from tutor.labs.backend import translate

    stuck = bce.WaiterError(name="DBInstanceDeleted", reason="Max attempts exceeded", last_response={})
    assert "stuck" in translate(stuck, real_backend).message


def test_the_cleanup_guard_reads_an_accelerators_tags_for_its_listeners_and_endpoint_groups(real_backend):
    """Global Accelerator tags only accelerators: a listener's or an endpoint group's ARN starts
    with its accelerator's, whose tags decide. (No endpoint emulates Global Accelerator.)"""
    from tutor.labs.backend import API_REGIONS
    from tutor.labs.real_guard import CleanupGuard, read_tags
    from tutor.labs.kit import CREATED_BY, TAG_CREATED_BY, TAG_LAB

    accelerator = "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh"
    asked = []

    class GlobalAccelerator:
        def list_tags_for_resource(self, ResourceArn):
            asked.append(ResourceArn)
            return {"Tags": [{"Key": TAG_CREATED_BY, "Value": CREATED_BY}, {"Key": TAG_LAB, "Value": "global-delivery"}]}

    listener = accelerator + "/listener/0123vxyz"
    group = listener + "/endpoint-group/098765zyxwvu"
    ops = {accelerator: "DeleteAccelerator", listener: "DeleteListener", group: "DeleteEndpointGroup"}
    for target, op in ops.items():
        assert read_tags(lambda service: GlobalAccelerator(), "globalaccelerator", op, target)[TAG_LAB] == "global-delivery"
    assert asked == [accelerator] * 3
    ours = CleanupGuard("global-delivery", [], lambda service: GlobalAccelerator(), dry_run=False)
    assert all(ours.refusal("globalaccelerator", op, [target]) is None for target, op in ops.items())
    theirs = CleanupGuard("streamcloud", [], lambda service: GlobalAccelerator(), dry_run=False)
    assert "not the tutor's" in theirs.refusal("globalaccelerator", "DeleteListener", [listener])
    assert API_REGIONS["globalaccelerator"] == "us-west-2"  # where the guard's own reads are made:
    assert real_backend.client("globalaccelerator", "us-east-1").meta.region_name == "us-west-2"
