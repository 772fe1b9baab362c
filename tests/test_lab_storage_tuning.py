"""The lab storage-tuning, provisioned and verified for real against a moto server.

Every check fails on an empty account, every step passes after its solution, a correct student
build passes, and each wrong configuration a step rules out fails that step's check with a
message naming what to change.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tutor.labs.runner import LabSolveConflict

from conftest import aws

LAB = "storage-tuning"
STEPS = ["ebs", "s3-lifecycle", "multipart", "efs"]
BUCKET = "streamcloud-media-student1"
MIB = 1024 * 1024
LIFECYCLE = json.loads((Path(__file__).resolve().parent.parent / "labs" / LAB / "files" / "lifecycle.json").read_text())


def client(endpoint, service):
    return aws(service, endpoint)


def checks_of(report, step):
    entry = next(s for s in report["steps"] if s["id"] == step)
    return {c["id"]: c for c in entry["checks"]}


def rule(transitions=((30, "STANDARD_IA"), (90, "GLACIER_IR"), (180, "DEEP_ARCHIVE")), abort=7,
         status="Enabled", prefix=""):
    out = {"ID": "media", "Filter": {"Prefix": prefix}, "Status": status,
           "Transitions": [{"Days": d, "StorageClass": c} for d, c in transitions]}
    if abort is not None:
        out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": abort}
    return out


def default_subnets(endpoint, zones=("us-east-1a", "us-east-1b")):
    ec2 = client(endpoint, "ec2")
    found = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    return [next(s["SubnetId"] for s in found if s["AvailabilityZone"] == z) for z in zones]


def upload(s3, key, size, multipart=True, bucket=BUCKET):
    if not multipart:
        s3.put_object(Bucket=bucket, Key=key, Body=bytes(size))
        return
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    half = size // 2
    parts = []
    for n, chunk in enumerate((half, size - half), 1):
        etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=bytes(chunk))["ETag"]
        parts.append({"PartNumber": n, "ETag": etag})
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})


def build(endpoint, *, vtype="gp3", size=100, iops=6000, throughput=250, versioning="Enabled",
          rules=None, key="masters/ep1.mp4", obj_size=16 * MIB, multipart=True, accelerate="Enabled",
          fs_mode="elastic", provisioned=None, zones=("us-east-1a", "us-east-1b"), one_zone=None):
    """What a student builds with the CLI, with one knob per wrong configuration."""
    ec2, s3, efs = client(endpoint, "ec2"), client(endpoint, "s3"), client(endpoint, "efs")
    volume = {"AvailabilityZone": "us-east-1a", "VolumeType": vtype, "Size": size,
              "TagSpecifications": [{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "streamcloud-db-data"}]}]}
    if vtype in ("gp3", "io2", "io1"):
        volume["Iops"] = iops
    if vtype == "gp3":
        volume["Throughput"] = throughput
    ec2.create_volume(**volume)
    s3.create_bucket(Bucket=BUCKET)
    if versioning:
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": versioning})
    rules = [rule()] if rules is None else rules
    if rules:
        s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": rules})
    for status in {"Enabled": ["Enabled"], "Suspended": ["Enabled", "Suspended"]}.get(accelerate or "", []):
        s3.put_bucket_accelerate_configuration(Bucket=BUCKET, AccelerateConfiguration={"Status": status})
    if key:
        upload(s3, key, obj_size, multipart)
    kwargs = {"ThroughputMode": fs_mode}
    if provisioned:
        kwargs["ProvisionedThroughputInMibps"] = provisioned
    if one_zone:
        kwargs["AvailabilityZoneName"] = one_zone
    fs = efs.create_file_system(CreationToken="student", Tags=[{"Key": "Name", "Value": "streamcloud-shared"}], **kwargs)
    for subnet in default_subnets(endpoint, zones):
        efs.create_mount_target(FileSystemId=fs["FileSystemId"], SubnetId=subnet)




def test_solution_is_idempotent(lab_runner, endpoint):
    runner = lab_runner(LAB)
    runner.solve()
    runner.solve()
    buckets = [b["Name"] for b in client(endpoint, "s3").list_buckets()["Buckets"]]
    assert len(buckets) == 1 and buckets[0].startswith("streamcloud-media-tutor-")
    assert len(client(endpoint, "ec2").describe_volumes()["Volumes"]) == 1
    systems = client(endpoint, "efs").describe_file_systems()["FileSystems"]
    assert len(systems) == 1 and systems[0]["NumberOfMountTargets"] == 2
    assert runner.verify()["passed"] is True


def test_a_correct_student_build_passes(lab_runner, endpoint):
    build(endpoint)
    report = lab_runner(LAB).verify()
    assert report["passed"] is True, report


@pytest.mark.parametrize("knob, step, check, words", [
    # ebs
    ({"vtype": "gp2"}, "ebs", "type", "gp3"),
    ({"vtype": "io2", "iops": 6000}, "ebs", "type", "modify-volume"),
    ({"vtype": "gp2"}, "ebs", "throughput", "no throughput"),
    ({"size": 50}, "ebs", "size", "--size"),
    ({"size": 70000}, "ebs", "size", "64 TiB"),
    ({"iops": 3000}, "ebs", "iops", "at least 6000"),
    ({"iops": 99999}, "ebs", "iops", "80,000"),
    ({"size": 100, "iops": 60000}, "ebs", "iops", "500 IOPS per GiB"),
    ({"throughput": 125}, "ebs", "throughput", "at least 250"),
    ({"throughput": 3000}, "ebs", "throughput", "2,000"),
    ({"iops": 6000, "throughput": 1600}, "ebs", "throughput", "0.25 MiB/s per provisioned IOPS"),
    # s3-lifecycle
    ({"versioning": None}, "s3-lifecycle", "versioning", "Status=Enabled"),
    ({"versioning": "Suspended"}, "s3-lifecycle", "versioning", "Suspended"),
    ({"rules": []}, "s3-lifecycle", "transitions", "put-bucket-lifecycle-configuration"),
    ({"rules": [rule(status="Disabled")]}, "s3-lifecycle", "transitions", "Disabled"),
    ({"rules": [rule(status="Disabled")]}, "s3-lifecycle", "abort-multipart", "Disabled"),
    ({"rules": [rule(transitions=((90, "GLACIER_IR"), (180, "DEEP_ARCHIVE")))]}, "s3-lifecycle", "transitions", "STANDARD_IA"),
    ({"rules": [rule(transitions=((10, "STANDARD_IA"), (90, "GLACIER_IR"), (180, "DEEP_ARCHIVE")))]}, "s3-lifecycle", "transitions", "30 days"),
    ({"rules": [rule(transitions=((30, "STANDARD_IA"), (180, "DEEP_ARCHIVE")))]}, "s3-lifecycle", "transitions", "GLACIER_IR or GLACIER"),
    ({"rules": [rule(transitions=((30, "STANDARD_IA"), (45, "GLACIER"), (180, "DEEP_ARCHIVE")))]}, "s3-lifecycle", "transitions", "less than 30 days after"),
    ({"rules": [rule(transitions=((30, "STANDARD_IA"), (90, "GLACIER_IR")))]}, "s3-lifecycle", "transitions", "DEEP_ARCHIVE"),
    ({"rules": [rule(transitions=((30, "STANDARD_IA"), (90, "GLACIER_IR"), (120, "DEEP_ARCHIVE")))]}, "s3-lifecycle", "transitions", "180 days"),
    ({"rules": [rule(transitions=((30, "STANDARD_IA"), (200, "GLACIER"), (190, "DEEP_ARCHIVE")))]}, "s3-lifecycle", "transitions", "does not come after"),
    ({"rules": [{**rule(), "Expiration": {"Days": 120}}]}, "s3-lifecycle", "transitions", "Expiration"),
    ({"rules": [rule(abort=None)]}, "s3-lifecycle", "abort-multipart", "AbortIncompleteMultipartUpload"),
    ({"rules": [rule(abort=30)]}, "s3-lifecycle", "abort-multipart", "7 or less"),
    # multipart
    ({"key": None}, "multipart", "object", "no object under masters/"),
    ({"key": "videos/ep1.mp4"}, "multipart", "object", "no object under masters/"),
    ({"obj_size": 10 * MIB}, "multipart", "object", "16 MiB"),
    ({"multipart": False}, "multipart", "multipart", "one PUT"),
    ({"accelerate": None}, "multipart", "acceleration", "put-bucket-accelerate-configuration"),
    ({"accelerate": "Suspended"}, "multipart", "acceleration", "Suspended"),
    # efs
    ({"fs_mode": "bursting"}, "efs", "throughput-mode", "elastic"),
    ({"zones": ("us-east-1a",)}, "efs", "mount-targets", "2 AZs"),
    ({"zones": ("us-east-1a",), "one_zone": "us-east-1a"}, "efs", "mount-targets", "One Zone"),
])
def test_wrong_configuration_fails_its_step(lab_runner, endpoint, knob, step, check, words):
    build(endpoint, **knob)
    report = lab_runner(LAB).verify()
    checks = checks_of(report, step)
    assert checks[check]["passed"] is False, checks[check]
    assert words in checks[check]["message"]
    assert report["passed"] is False
    # the other steps are judged on their own requirements only
    assert all(s["passed"] for s in report["steps"] if s["id"] != step), report


@pytest.mark.parametrize("knob", [
    {"rules": [rule(prefix="masters/")]},  # a prefix filter is the student's choice
    {"rules": [rule(abort=None), {"ID": "abort", "Filter": {"Prefix": ""}, "Status": "Enabled",
                                  "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 3}}]},
    {"rules": [rule(transitions=((30, "STANDARD_IA"), (60, "GLACIER"), (180, "DEEP_ARCHIVE")))]},
    {"fs_mode": "provisioned", "provisioned": 128},
    {"zones": ("us-east-1a", "us-east-1b", "us-east-1c")},
    {"size": 500, "iops": 16000, "throughput": 1000},
])
def test_other_valid_choices_pass(lab_runner, endpoint, knob):
    build(endpoint, **knob)
    report = lab_runner(LAB).verify()
    assert report["passed"] is True, report


def test_all_checks_of_a_step_judge_one_resource(lab_runner, endpoint):
    """A small fast volume and a big slow one do not make one good volume."""
    ec2 = client(endpoint, "ec2")
    tags = [{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "streamcloud-db-data"}]}]
    ec2.create_volume(AvailabilityZone="us-east-1a", VolumeType="gp3", Size=20, Iops=6000, Throughput=250, TagSpecifications=tags)
    ec2.create_volume(AvailabilityZone="us-east-1a", VolumeType="gp3", Size=200, Iops=3000, Throughput=250, TagSpecifications=tags)
    assert lab_runner(LAB).verify("ebs")["passed"] is False
    ec2.create_volume(AvailabilityZone="us-east-1a", VolumeType="gp3", Size=100, Iops=6000, Throughput=250, TagSpecifications=tags)
    assert lab_runner(LAB).verify("ebs")["passed"] is True  # any volume meeting them all passes


def test_a_fixed_volume_passes(lab_runner, endpoint):
    build(endpoint, vtype="gp2", size=100)
    ec2 = client(endpoint, "ec2")
    vid = ec2.describe_volumes()["Volumes"][0]["VolumeId"]
    ec2.modify_volume(VolumeId=vid, VolumeType="gp3", Iops=6000, Throughput=250)
    assert lab_runner(LAB).verify("ebs")["passed"] is True


def test_the_bucket_is_found_by_prefix_only(lab_runner, endpoint):
    s3 = client(endpoint, "s3")
    s3.create_bucket(Bucket="media-streamcloud-x")
    s3.put_bucket_versioning(Bucket="media-streamcloud-x", VersioningConfiguration={"Status": "Enabled"})
    check = checks_of(lab_runner(LAB).verify("s3-lifecycle"), "s3-lifecycle")["bucket"]
    assert check["passed"] is False and "streamcloud-media-" in check["message"]


def test_korean_messages(lab_runner, endpoint):
    build(endpoint, fs_mode="bursting", versioning=None)
    report = lab_runner(LAB, lang="ko").verify()
    assert "버전 관리" in checks_of(report, "s3-lifecycle")["versioning"]["message"]
    assert "처리량 모드" in checks_of(report, "efs")["throughput-mode"]["message"]
    volume = checks_of(lab_runner(LAB, lang="ko").verify("ebs"), "ebs")["volume"]
    assert volume["passed"] is True and "볼륨" in volume["message"]
    versioning = checks_of(report, "s3-lifecycle")["versioning"]["message"]
    assert "활성화된 적이 없는 상태" in versioning and "never" not in versioning


def test_solution_never_touches_the_students_bucket(lab_runner, endpoint):
    build(endpoint, versioning=None, rules=[], accelerate=None, key=None)
    lab_runner(LAB).solve(["s3-lifecycle", "multipart"])
    s3 = client(endpoint, "s3")
    assert s3.get_bucket_versioning(Bucket=BUCKET).get("Status") is None
    assert s3.get_bucket_accelerate_configuration(Bucket=BUCKET).get("Status") is None
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0
    assert len(s3.list_buckets()["Buckets"]) == 2


def test_solution_creates_its_own_volume_and_file_system_beside_the_students(lab_runner, endpoint):
    build(endpoint, vtype="gp2", fs_mode="bursting")
    lab_runner(LAB).solve(["ebs", "efs"])
    volumes = client(endpoint, "ec2").describe_volumes()["Volumes"]
    assert sorted(v["VolumeType"] for v in volumes) == ["gp2", "gp3"]
    systems = client(endpoint, "efs").describe_file_systems()["FileSystems"]
    assert sorted(fs["ThroughputMode"] for fs in systems) == ["bursting", "elastic"]


def test_solution_never_adopts_a_file_system_with_its_token(lab_runner, endpoint):
    client(endpoint, "efs").create_file_system(CreationToken="saa-tutor-streamcloud-shared")
    with pytest.raises(LabSolveConflict, match="not created by the tutor"):
        lab_runner(LAB).solve(["efs"])


def decoys(endpoint):
    ec2, s3, efs = client(endpoint, "ec2"), client(endpoint, "s3"), client(endpoint, "efs")
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "keep-me"}]}])["VolumeId"]
    s3.create_bucket(Bucket="keep-me-media")
    s3.put_object(Bucket="keep-me-media", Key="masters/x", Body=b"x")
    fs = efs.create_file_system(CreationToken="keep", Tags=[{"Key": "Name", "Value": "keep-me"}])["FileSystemId"]
    return vol, fs


def assert_decoys_survive(endpoint, vol, fs):
    assert [v["VolumeId"] for v in client(endpoint, "ec2").describe_volumes()["Volumes"]] == [vol]
    s3 = client(endpoint, "s3")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["keep-me-media"]
    assert s3.list_objects_v2(Bucket="keep-me-media")["KeyCount"] == 1
    assert [f["FileSystemId"] for f in client(endpoint, "efs").describe_file_systems()["FileSystems"]] == [fs]


def test_cleanup_deletes_lab_resources_only(lab_runner, endpoint):
    build(endpoint)
    lab_runner(LAB).solve()
    s3 = client(endpoint, "s3")
    s3.put_object(Bucket=BUCKET, Key="masters/ep1.mp4", Body=b"v2")  # a second version
    s3.delete_object(Bucket=BUCKET, Key="masters/ep1.mp4")  # and a delete marker
    vol, fs = decoys(endpoint)
    removed = lab_runner(LAB).cleanup()
    assert all(r["deleted"] for r in removed), removed
    kinds = {r["type"] for r in removed}
    assert {"volume", "bucket", "efs-mount-target", "efs-file-system"} <= kinds
    assert_decoys_survive(endpoint, vol, fs)
    assert lab_runner(LAB).cleanup() == []
    report = lab_runner(LAB).verify()
    assert not any(c["passed"] for s in report["steps"] for c in s["checks"])


@pytest.mark.parametrize("step", STEPS)
def test_each_steps_cleanup_removes_that_steps_resources(lab_runner, endpoint, step):
    build(endpoint)
    vol, fs = decoys(endpoint)
    runner = lab_runner(LAB)
    removed = runner.cleanup(step)
    assert removed and all(r["deleted"] for r in removed), removed
    report = runner.verify()
    assert checks_of(report, step) and not all(c["passed"] for c in checks_of(report, step).values())
    if step != "s3-lifecycle":  # the bucket carries the later step's object; the others stay
        assert all(s["passed"] for s in report["steps"] if s["id"] != step), report
    ec2 = client(endpoint, "ec2")
    assert vol in [v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]]
    assert fs in [f["FileSystemId"] for f in client(endpoint, "efs").describe_file_systems()["FileSystems"]]
    assert "keep-me-media" in [b["Name"] for b in client(endpoint, "s3").list_buckets()["Buckets"]]


def test_cleanup_keeps_an_attached_volume(lab_runner, endpoint):
    build(endpoint)
    ec2 = client(endpoint, "ec2")
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                                 Placement={"AvailabilityZone": "us-east-1a"})["Instances"][0]["InstanceId"]
    vid = ec2.describe_volumes(Filters=[{"Name": "tag:Name", "Values": ["streamcloud-db-data"]}])["Volumes"][0]["VolumeId"]
    ec2.attach_volume(VolumeId=vid, InstanceId=instance, Device="/dev/sdf")
    removed = lab_runner(LAB).cleanup("ebs")
    assert removed == [{"type": "volume", "id": vid, "deleted": False,
                        "reason": f"attached to {instance}: detach it first"}]


def test_lifecycle_file_is_what_the_solution_puts(lab_runner, endpoint):
    lab_runner(LAB).solve(["s3-lifecycle"])
    s3 = client(endpoint, "s3")
    bucket = s3.list_buckets()["Buckets"][0]["Name"]
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [t["StorageClass"] for t in rules[0]["Transitions"]] == [
        t["StorageClass"] for t in LIFECYCLE["Rules"][0]["Transitions"]]
