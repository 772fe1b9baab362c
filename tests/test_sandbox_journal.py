"""The sandbox's journal: only state-changing requests, one line each, replayed with the same ids.

These run the real sandbox process (tutor.sandbox.start) as a student's `tutor sandbox start`
does, then stop and start it again.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from tutor import paths, sandbox
from tutor.sandbox import journal as jr


@pytest.fixture
def running():
    port = sandbox.free_port()
    status = sandbox.start(port)
    try:
        yield status
    finally:
        sandbox.stop()


def clients(endpoint):
    kw = dict(endpoint_url=endpoint, region_name="us-east-1")
    return boto3.client("ec2", **kw), boto3.client("s3", **kw), boto3.client("efs", **kw)


def journal_lines():
    return (paths.sandbox_dir() / "journal.jsonl").read_text().splitlines()


def changes(endpoint, since=0, wait=0.0):
    with urllib.request.urlopen(f"{endpoint}{sandbox.CHANGES_PATH}?since={since}&wait={wait}", timeout=30) as resp:
        return json.loads(resp.read())["changes"]


def multipart(s3, bucket, key, sizes):
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]

    def part(number):
        body = bytes([number]) * sizes[number - 1]
        return {"PartNumber": number, "ETag": s3.upload_part(Bucket=bucket, Key=key, PartNumber=number,
                                                             UploadId=upload, Body=body)["ETag"]}

    with ThreadPoolExecutor(len(sizes)) as pool:  # parts in parallel, as `aws s3 cp` sends them
        parts = sorted(pool.map(part, range(1, len(sizes) + 1)), key=lambda p: p["PartNumber"])
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts})


def test_reads_are_not_recorded_and_writes_are_one_line_each(running):
    ec2, s3, _ = clients(running.endpoint)
    ec2.create_vpc(CidrBlock="10.3.0.0/16")
    for _ in range(5):
        ec2.describe_vpcs()
        s3.list_buckets()
    s3.create_bucket(Bucket="journal-b1")
    multipart(s3, "journal-b1", "big", [5 * 1024 * 1024] * 3)
    lines = journal_lines()
    assert all(json.loads(line)["v"] == jr.FORMAT for line in lines)  # every line whole: no interleaving
    actions = [json.loads(line)["environ"].get("REQUEST_METHOD") for line in lines]
    assert "GET" not in actions and len(lines) == 1 + 1 + 1 + 3 + 1


def test_multipart_object_and_later_ids_survive_a_restart(running):
    ec2, s3, efs = clients(running.endpoint)
    s3.create_bucket(Bucket="media")
    multipart(s3, "media", "masters/m.bin", [5 * 1024 * 1024, 5 * 1024 * 1024, 1024])
    etag = s3.head_object(Bucket="media", Key="masters/m.bin")["ETag"]
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]  # a read first touches EC2
    fs = efs.create_file_system(CreationToken="shared")["FileSystemId"]
    target = efs.create_mount_target(FileSystemId=fs, SubnetId=subnet)["MountTargetId"]
    sandbox.stop()
    again = sandbox.start(running.port)
    ec2, s3, efs = clients(again.endpoint)
    assert s3.head_object(Bucket="media", Key="masters/m.bin")["ETag"] == etag and etag.endswith('-3"')
    # the two large parts as raw bytes beside the journal; the small one inside its line
    assert (paths.sandbox_dir() / "journal.bodies").stat().st_size == 2 * 5 * 1024 * 1024
    assert max(len(line) for line in journal_lines()) < jr.BLOB_FROM
    assert [t["MountTargetId"] for t in efs.describe_mount_targets(FileSystemId=fs)["MountTargets"]] == [target]


def test_large_bodies_come_back_and_a_lost_bodies_file_costs_only_their_requests(tmp_path, capsys):
    journal = jr.Journal(tmp_path / "journal.jsonl")
    big = bytes(range(256)) * 512  # 128 KiB
    env = {"REQUEST_METHOD": "PUT", "PATH_INFO": "/b/k"}
    for body in (b"small", big, b"x" * jr.BLOB_FROM):
        journal.append({"v": jr.FORMAT, "environ": env, **({"_raw": body} if len(body) >= jr.BLOB_FROM
                                                          else {"body": base64.b64encode(body).decode()})})
    records = list(jr.Journal(journal.path).entries())
    assert [jr.environ_for(r)[1] for r in records] == [b"small", big, b"x" * jr.BLOB_FROM]
    (tmp_path / "journal.bodies").unlink()
    kept = list(jr.Journal(journal.path).entries())
    assert [jr.environ_for(r)[1] for r in kept] == [b"small"]
    assert "line 2: its body is missing from journal.bodies" in capsys.readouterr().err
    journal.clear()
    assert journal.path.read_text() == "" and not (tmp_path / "journal.bodies").exists()


def test_changes_long_poll_wakes_on_a_write_not_on_a_read(running):
    ec2, _, _ = clients(running.endpoint)
    start = changes(running.endpoint)
    ec2.describe_vpcs()
    assert changes(running.endpoint, start, 0.3) == start  # a read is not a change
    woke = {}

    def waiter():
        woke["count"] = changes(running.endpoint, start, 20)

    thread = threading.Thread(target=waiter)
    thread.start()
    ec2.create_vpc(CidrBlock="10.4.0.0/16")
    thread.join(10)
    assert woke.get("count") == start + 1


def test_reset_empties_state_and_journal(running):
    ec2, _, _ = clients(running.endpoint)
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    sandbox.reset()
    assert vpc not in [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
    assert journal_lines() == [] and not (paths.sandbox_dir() / "journal.bodies").exists()
    sandbox.stop()
    again = sandbox.start(running.port)
    assert vpc not in [v["VpcId"] for v in clients(again.endpoint)[0].describe_vpcs()["Vpcs"]]


def test_a_recording_of_earlier_versions_is_replayed(running):
    """An older tutor recorded with moto's own recorder (reads included): its state comes back."""
    ec2, _, _ = clients(running.endpoint)
    sandbox.stop()
    folder = paths.sandbox_dir()
    (folder / "journal.jsonl").unlink(missing_ok=True)
    legacy = {"headers": {"Host": f"127.0.0.1:{running.port}", "Content-Type": "application/x-www-form-urlencoded",
                          "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261207/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=x"},
              "method": "POST", "url": f"http://127.0.0.1:{running.port}/",
              "body": "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.6.0.0%2F16", "body_encoded": False}
    (folder / "recording.jsonl").write_text(json.dumps(legacy) + "\n")
    again = sandbox.start(running.port)
    cidrs = [v["CidrBlock"] for v in clients(again.endpoint)[0].describe_vpcs()["Vpcs"]]
    assert "10.6.0.0/16" in cidrs


def default_vpc(ec2):
    return ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]


def ecs_optimized(ec2):
    return ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["*ecs*"]}])["Images"]


def test_ecs_amis_are_left_out_but_an_older_journal_keeps_them_and_its_ids(running):
    """The sandbox leaves moto's 1 284 ECS-optimized AMIs per Region out (tutor.sandbox.lean);
    a journal begun before that (format 2) drew the default VPC's ids after them, so it is
    replayed with them until it is reset."""
    ec2, _, _ = clients(running.endpoint)
    ssm = boto3.client("ssm", endpoint_url=running.endpoint, region_name="us-east-1")
    latest = ssm.get_parameter(Name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")
    assert ec2.describe_images(ImageIds=[latest["Parameter"]["Value"]])["Images"]  # what labs resolve stays
    assert ecs_optimized(ec2) == []
    lean_vpc = default_vpc(ec2)
    ec2.create_vpc(CidrBlock="10.7.0.0/16")
    sandbox.stop()
    journal = paths.sandbox_dir() / "journal.jsonl"
    record = json.loads(journal.read_text().splitlines()[0])
    assert record["v"] == 3
    journal.write_text(json.dumps({**record, "v": 2}) + "\n")  # as the previous version wrote it

    ec2 = clients(sandbox.start(running.port).endpoint)[0]
    assert ecs_optimized(ec2)
    assert default_vpc(ec2) != lean_vpc
    assert "10.7.0.0/16" in [v["CidrBlock"] for v in ec2.describe_vpcs()["Vpcs"]]
    sandbox.reset()
    assert ecs_optimized(ec2) == [] and default_vpc(ec2) == lean_vpc
