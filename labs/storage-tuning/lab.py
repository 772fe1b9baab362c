"""Checks, solutions and cleanup of the lab `storage-tuning`: EBS gp3, S3 tiering, multipart
upload with Transfer Acceleration, and a Multi-AZ EFS file system, in us-east-1.

Several resources may carry a step's name (volumes and file systems by their Name tag, buckets
by the prefix streamcloud-media-). All checks of a step judge the same one: the resource that
meets most of the step's requirements, so a step passes only when one resource meets them all.
moto accepts settings AWS rejects (gp3 IOPS 99999, Standard-IA after 1 day), so the checks also
judge AWS's own limits. Solutions create their own resources, tagged as the tutor's, beside the
student's; their bucket gets its own random suffix.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any, Callable

from tutor.labs.kit import (
    OWNER_TAG,
    Cleanup,
    Context,
    Result,
    absent,
    already_mine,
    cleanup_steps,
    default_network,
    empty_bucket,
    fail,
    missing,
    named,
    ok,
    owned,
    tag,
    wait_on_aws,
)

VOLUME_NAME = "streamcloud-db-data"
BUCKET_PREFIX = "streamcloud-media-"
MASTERS = "masters/"
MASTER_KEY = "masters/episode-001.mp4"
FS_NAME = "streamcloud-shared"
FS_TOKEN = "saa-tutor-streamcloud-shared"  # the solution's own token; the student's differs
MIB = 1024 * 1024
MASTER_BYTES = 16 * MIB
# What the step asks of the volume, and gp3's limits (raised in 2025 to 64 TiB, 80,000 IOPS,
# 2,000 MiB/s; at most 500 IOPS per GiB and 0.25 MiB/s per provisioned IOPS).
WANT_SIZE, WANT_IOPS, WANT_THROUGHPUT = 100, 6000, 250
GP3_MAX_SIZE, GP3_MAX_IOPS, GP3_MAX_THROUGHPUT = 65536, 80000, 2000
LIFECYCLE_FILE = Path(__file__).parent / "files" / "lifecycle.json"
LIVE_VOLUME = ("creating", "available", "in-use")
LIVE_FS = ("creating", "available", "updating")
LIVE_MOUNT = ("creating", "available", "updating")

Findings = dict[str, Result]  # requirement -> its verdict on one resource


def _best(candidates: list[Any], judge: Callable[[Any], Findings]) -> tuple[Any, Findings]:
    """The candidate meeting most requirements (the first among equals) and its findings."""
    judged = [(c, judge(c)) for c in candidates]
    if not judged:
        return None, {}
    return min(judged, key=lambda pair: sum(not r.passed for r in pair[1].values()))


def _verdict(ok_: bool, en: tuple[str, str], ko: tuple[str, str]) -> Result:
    """ok(en[0], ko[0]) or fail(en[1], ko[1])."""
    return ok(en[0], ko[0]) if ok_ else fail(en[1], ko[1])


# step ebs ------------------------------------------------------------------------------
NO_VOLUME = missing("EBS volume", "EBS 볼륨", VOLUME_NAME,
                    f"aws ec2 create-volume --volume-type gp3 --tag-specifications "
                    f"'ResourceType=volume,Tags=[{{Key=Name,Value={VOLUME_NAME}}}]'")


def _volumes(ctx: Context) -> list[dict]:
    found = ctx.client("ec2").describe_volumes(
        Filters=[{"Name": "tag:Name", "Values": [VOLUME_NAME]}])["Volumes"]
    return [v for v in found if v.get("State") in LIVE_VOLUME]


def _volume_findings(v: dict) -> Findings:
    vid, vtype = v["VolumeId"], v.get("VolumeType")
    size, iops, tput = v.get("Size") or 0, v.get("Iops") or 0, v.get("Throughput") or 0
    gp3 = vtype == "gp3"
    modify = f"aws ec2 modify-volume --volume-id {vid}"
    found: Findings = {"type": _verdict(gp3, (
        f"{vid} is gp3.",
        f"{vid} is {vtype}: change it to gp3 ({modify} --volume-type gp3); gp3 sets IOPS and throughput apart from size, gp2 ties them to size."), (
        f"{vid}은(는) gp3입니다.",
        f"{vid}은(는) {vtype}입니다: gp3로 바꾸십시오({modify} --volume-type gp3). gp3는 IOPS와 처리량을 크기와 별도로 정하고, gp2는 크기에 묶여 있습니다."))}
    found["size"] = _verdict(WANT_SIZE <= size <= GP3_MAX_SIZE, (
        f"{vid} is {size} GiB.",
        f"{vid} is {size} GiB: set --size between {WANT_SIZE} and {GP3_MAX_SIZE} GiB (64 TiB, gp3's maximum) ({modify} --size {WANT_SIZE}; a volume can grow, never shrink)."), (
        f"{vid}의 크기는 {size}GiB입니다.",
        f"{vid}의 크기가 {size}GiB입니다: --size를 {WANT_SIZE}~{GP3_MAX_SIZE}GiB(gp3 최대 64TiB)로 설정하십시오({modify} --size {WANT_SIZE}. 볼륨은 늘릴 수만 있고 줄일 수는 없습니다)."))
    cap = min(GP3_MAX_IOPS, 500 * size) if gp3 else None
    iops_ok = iops >= WANT_IOPS and (cap is None or iops <= cap)
    why_en = (f"at least {WANT_IOPS}" if iops < WANT_IOPS else
              f"at most {cap} (gp3 allows up to {GP3_MAX_IOPS:,} IOPS and 500 IOPS per GiB)")
    why_ko = (f"{WANT_IOPS} 이상으로" if iops < WANT_IOPS else
              f"{cap} 이하(gp3는 최대 {GP3_MAX_IOPS:,} IOPS, GiB당 500 IOPS까지 허용)로")
    found["iops"] = _verdict(iops_ok, (
        f"{vid} has {iops} IOPS.", f"{vid} has {iops} IOPS: set --iops to {why_en} ({modify} --iops {WANT_IOPS})."), (
        f"{vid}의 IOPS는 {iops}입니다.", f"{vid}의 IOPS가 {iops}입니다: --iops를 {why_ko} 설정하십시오({modify} --iops {WANT_IOPS})."))
    tcap = min(GP3_MAX_THROUGHPUT, iops // 4)
    if not gp3:
        found["throughput"] = fail(
            f"{vid} is {vtype}, which has no throughput setting: make it gp3 and set --throughput {WANT_THROUGHPUT}.",
            f"{vid}은(는) 처리량을 설정할 수 없는 {vtype}입니다: gp3로 바꾸고 --throughput {WANT_THROUGHPUT}을(를) 지정하십시오.")
    else:
        low = tput < WANT_THROUGHPUT
        found["throughput"] = _verdict(not low and tput <= tcap, (
            f"{vid} has {tput} MiB/s.",
            f"{vid} has {tput} MiB/s: set --throughput to "
            + (f"at least {WANT_THROUGHPUT} (the gp3 baseline is 125)" if low else
               f"at most {tcap} (gp3 allows up to {GP3_MAX_THROUGHPUT:,} MiB/s and 0.25 MiB/s per provisioned IOPS)")
            + f" ({modify} --throughput {WANT_THROUGHPUT})."), (
            f"{vid}의 처리량은 {tput}MiB/s입니다.",
            f"{vid}의 처리량이 {tput}MiB/s입니다: --throughput을 "
            + (f"{WANT_THROUGHPUT} 이상(gp3 기준 처리량은 125)으로" if low else
               f"{tcap} 이하(gp3는 최대 {GP3_MAX_THROUGHPUT:,}MiB/s, 프로비저닝된 IOPS당 0.25MiB/s까지 허용)로")
            + f" 설정하십시오({modify} --throughput {WANT_THROUGHPUT})."))
    return found


def _judge_volume(ctx: Context, key: str) -> Result:
    volume, findings = _best(_volumes(ctx), _volume_findings)
    return NO_VOLUME if volume is None else findings[key]


def check_volume(ctx: Context) -> Result:
    vols = _volumes(ctx)
    if not vols:
        return NO_VOLUME
    ids = ", ".join(v["VolumeId"] for v in vols)
    return ok(f"Volume {VOLUME_NAME}: {ids}.", f"볼륨 {VOLUME_NAME}: {ids}.")


def check_volume_type(ctx: Context) -> Result:
    return _judge_volume(ctx, "type")


def check_volume_size(ctx: Context) -> Result:
    return _judge_volume(ctx, "size")


def check_volume_iops(ctx: Context) -> Result:
    return _judge_volume(ctx, "iops")


def check_volume_throughput(ctx: Context) -> Result:
    return _judge_volume(ctx, "throughput")


def _first_zone(ctx: Context) -> str:
    zones = ctx.client("ec2").describe_availability_zones(
        Filters=[{"Name": "state", "Values": ["available"]}])["AvailabilityZones"]
    return sorted(z["ZoneName"] for z in zones)[0]


def solve_ebs(ctx: Context) -> None:
    if owned(_volumes(ctx), ctx.lab_id):
        return
    ctx.client("ec2").create_volume(
        AvailabilityZone=_first_zone(ctx), VolumeType="gp3", Size=WANT_SIZE, Iops=WANT_IOPS,
        Throughput=WANT_THROUGHPUT, TagSpecifications=[{"ResourceType": "volume", "Tags": ctx.owner_tags(VOLUME_NAME)}])


def cleanup_ebs(ctx: Context) -> list[dict]:
    ec2, done = ctx.client("ec2"), Cleanup()
    for v in _volumes(ctx):
        vid = v["VolumeId"]
        users = [a["InstanceId"] for a in v.get("Attachments") or []]
        if users:  # an instance still uses it: deleting would fail, detaching is the student's call
            done.kept("volume", vid, f"attached to {', '.join(users)}: detach it first")
            continue
        done.attempt("volume", vid, lambda vid=vid: ec2.delete_volume(VolumeId=vid), "InvalidVolume.NotFound")
    return done.done


# buckets (steps s3-lifecycle and multipart) ---------------------------------------------
NO_BUCKET = fail(
    f"No bucket named {BUCKET_PREFIX}<suffix>: create one (aws s3api create-bucket --bucket {BUCKET_PREFIX}<your-suffix>; bucket names are global, so pick a suffix of your own).",
    f"{BUCKET_PREFIX}<접미사> 이름의 버킷이 없습니다: aws s3api create-bucket --bucket {BUCKET_PREFIX}<접미사>로 만드십시오(버킷 이름은 전역에서 고유하므로 접미사는 직접 정하십시오).")


def _buckets(ctx: Context) -> list[str]:
    return sorted(b["Name"] for b in ctx.client("s3").list_buckets().get("Buckets", [])
                  if b["Name"].startswith(BUCKET_PREFIX))


def _bucket_tags(ctx: Context, name: str) -> dict:
    tags = absent(lambda: ctx.client("s3").get_bucket_tagging(Bucket=name)["TagSet"], "NoSuchTagSet") or []
    return {"Tags": tags}


def check_bucket(ctx: Context) -> Result:
    names = _buckets(ctx)
    if not names:
        return NO_BUCKET
    return ok(f"Bucket {', '.join(names)}.", f"버킷 {', '.join(names)}.")


def _own_bucket(ctx: Context) -> str:
    """The tutor's own bucket (created with a random suffix if missing); never the student's."""
    s3 = ctx.client("s3")
    for name in _buckets(ctx):
        if tag(_bucket_tags(ctx, name), OWNER_TAG) == ctx.lab_id:
            return name
    name = f"{BUCKET_PREFIX}tutor-{secrets.token_hex(6)}"
    where = {} if ctx.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": ctx.region}}
    s3.create_bucket(Bucket=name, **where)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": ctx.owner_tags(name)})
    return name


def cleanup_s3_lifecycle(ctx: Context) -> list[dict]:
    """The step creates the bucket, so its cleanup deletes the bucket, with every version in it."""
    s3, done = ctx.client("s3"), Cleanup()
    for name in _buckets(ctx):
        try:
            empty_bucket(ctx, name)
        except RuntimeError as exc:  # an object the account cannot delete (Object Lock...)
            done.kept("bucket", name, str(exc))
            continue
        done.attempt("bucket", name, lambda name=name: s3.delete_bucket(Bucket=name), "NoSuchBucket")
    return done.done


# step s3-lifecycle ----------------------------------------------------------------------
def _enabled_rules(ctx: Context, bucket: str) -> tuple[list[dict], list[dict]]:
    rules = absent(lambda: ctx.client("s3").get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"],
                   "NoSuchLifecycleConfiguration") or []
    return [r for r in rules if r.get("Status") == "Enabled"], [r for r in rules if r.get("Status") != "Enabled"]


def _chain_problems(rule: dict) -> list[tuple[str, str]]:
    """What a rule's transitions lack: Standard-IA at >= 30 days, Glacier IR or Flexible
    Retrieval at least 30 days later (S3 keeps objects 30 days in Standard-IA), Deep Archive at
    >= 180 days after that."""
    days: dict[str, int] = {}
    out: list[tuple[str, str]] = []
    for t in rule.get("Transitions") or []:
        if "Days" in t:
            days.setdefault(t.get("StorageClass", ""), t["Days"])
        else:
            out.append((f"its transition to {t.get('StorageClass')} uses a Date: use Days, so each object moves at its own age",
                        f"{t.get('StorageClass')} 전환이 Date를 사용합니다: 객체마다 생성 후 경과 일수로 전환되도록 Days를 사용하십시오"))
    ia, deep = days.get("STANDARD_IA"), days.get("DEEP_ARCHIVE")
    glacier = sorted((d, c) for c, d in days.items() if c in ("GLACIER_IR", "GLACIER"))
    if ia is None:
        out.append(("no transition to STANDARD_IA: add {Days: 30, StorageClass: STANDARD_IA}",
                    "STANDARD_IA 전환이 없습니다: {Days: 30, StorageClass: STANDARD_IA}를 추가하십시오"))
    elif ia < 30:
        out.append((f"STANDARD_IA at {ia} days: S3 moves objects to Standard-IA after 30 days at the earliest; set Days to 30",
                    f"STANDARD_IA 전환이 {ia}일입니다: S3는 생성 후 30일이 지나야 Standard-IA로 전환하므로 Days를 30으로 설정하십시오"))
    if not glacier:
        out.append(("no transition to GLACIER_IR or GLACIER: add one after Standard-IA, for example {Days: 90, StorageClass: GLACIER_IR}",
                    "GLACIER_IR 또는 GLACIER 전환이 없습니다: Standard-IA 다음에 추가하십시오(예: {Days: 90, StorageClass: GLACIER_IR})"))
    elif ia is not None and glacier[0][0] < max(ia, 30) + 30:
        (d, c), floor = glacier[0], max(ia, 30) + 30
        out.append((f"{c} at {d} days is less than 30 days after STANDARD_IA ({ia}): objects stay at least 30 days in Standard-IA; set it to {floor} days or more (for example 90)",
                    f"{c} 전환({d}일)이 STANDARD_IA({ia}일) 후 30일이 되지 않습니다: 객체는 Standard-IA에 최소 30일 머물러야 하므로 {floor}일 이상(예: 90)으로 설정하십시오"))
    if deep is None:
        out.append(("no transition to DEEP_ARCHIVE: add {Days: 180, StorageClass: DEEP_ARCHIVE}",
                    "DEEP_ARCHIVE 전환이 없습니다: {Days: 180, StorageClass: DEEP_ARCHIVE}를 추가하십시오"))
    elif deep < 180:
        out.append((f"DEEP_ARCHIVE at {deep} days: set it to 180 days or more",
                    f"DEEP_ARCHIVE 전환이 {deep}일입니다: 180일 이상으로 설정하십시오"))
    elif glacier and deep <= glacier[-1][0]:
        out.append((f"DEEP_ARCHIVE at {deep} days does not come after {glacier[-1][1]} ({glacier[-1][0]} days): make Deep Archive the last, latest transition",
                    f"DEEP_ARCHIVE 전환({deep}일)이 {glacier[-1][1]}({glacier[-1][0]}일)보다 늦지 않습니다: Deep Archive를 가장 늦은 마지막 전환으로 하십시오"))
    expire = (rule.get("Expiration") or {}).get("Days")
    if expire and days and expire <= max(days.values()):
        out.append((f"its Expiration deletes objects at {expire} days, before their last transition ({max(days.values())} days): remove Expiration or set it later",
                    f"Expiration이 {expire}일에 객체를 삭제하여 마지막 전환({max(days.values())}일)보다 빠릅니다: Expiration을 없애거나 더 늦게 설정하십시오"))
    return out


def _never(status: str | None) -> tuple[str, str]:
    """A bucket setting's status as a message says it, in English and Korean."""
    return (status, f"{status} 상태") if status else ("never enabled", "활성화된 적이 없는 상태")


def _lifecycle_findings(ctx: Context, bucket: str) -> Findings:
    s3 = ctx.client("s3")
    status, status_ko = _never(s3.get_bucket_versioning(Bucket=bucket).get("Status"))
    found: Findings = {"versioning": _verdict(status == "Enabled", (
        f"Versioning is Enabled on {bucket}.",
        f"Versioning on {bucket} is {status}: enable it (aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled)."), (
        f"{bucket}의 버전 관리가 Enabled입니다.",
        f"{bucket}의 버전 관리가 {status_ko}입니다: aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled(으)로 활성화하십시오."))}
    rules, disabled = _enabled_rules(ctx, bucket)
    put = f"aws s3api put-bucket-lifecycle-configuration --bucket {bucket} --lifecycle-configuration file://lifecycle.json"
    off_en = (f" (rule {', '.join(r.get('ID', '?') for r in disabled)} is Disabled and does not count: set its Status to Enabled)"
              if disabled else "")
    off_ko = (f"(규칙 {', '.join(r.get('ID', '?') for r in disabled)}은(는) Disabled라 인정되지 않습니다: Status를 Enabled로 설정하십시오)"
              if disabled else "")
    chains = sorted(([p for p in _chain_problems(r)], r.get("ID", "?")) for r in rules)
    if chains and not chains[0][0]:
        found["transitions"] = ok(f"Rule {chains[0][1]} moves objects to Standard-IA, Glacier and Deep Archive in order.",
                                  f"규칙 {chains[0][1]}이(가) 객체를 Standard-IA, Glacier, Deep Archive 순으로 전환합니다.")
    elif chains:
        problems, rid = min(((p, i) for p, i in chains), key=lambda pair: len(pair[0]))
        found["transitions"] = fail(f"Lifecycle rule {rid} on {bucket}: " + "; ".join(e for e, _ in problems) + f"{off_en}.",
                                    f"{bucket}의 수명 주기 규칙 {rid}: " + "; ".join(k for _, k in problems) + f"{off_ko}.")
    else:
        found["transitions"] = fail(f"{bucket} has no enabled lifecycle rule{off_en}: add one ({put}).",
                                    f"{bucket}에 활성화된 수명 주기 규칙이 없습니다{off_ko}: {put}(으)로 추가하십시오.")
    aborts = sorted((r.get("AbortIncompleteMultipartUpload") or {}).get("DaysAfterInitiation", 0) for r in rules)
    aborts = [d for d in aborts if d > 0]
    found["abort-multipart"] = _verdict(bool(aborts) and aborts[0] <= 7, (
        f"Incomplete multipart uploads are aborted after {aborts[0] if aborts else '-'} days.",
        (f"Incomplete multipart uploads are aborted only after {aborts[0]} days: set AbortIncompleteMultipartUpload DaysAfterInitiation to 7 or less"
         if aborts else "No enabled rule aborts incomplete multipart uploads: add AbortIncompleteMultipartUpload {DaysAfterInitiation: 7} to a rule")
        + f", since their parts are billed until then{off_en}."), (
        f"완료되지 않은 멀티파트 업로드가 {aborts[0] if aborts else '-'}일 후 중단됩니다.",
        (f"완료되지 않은 멀티파트 업로드가 {aborts[0]}일이 지나야 중단됩니다: AbortIncompleteMultipartUpload의 DaysAfterInitiation을 7 이하로 설정하십시오"
         if aborts else "완료되지 않은 멀티파트 업로드를 중단하는 활성 규칙이 없습니다: 규칙에 AbortIncompleteMultipartUpload {DaysAfterInitiation: 7}을 추가하십시오")
        + f". 중단될 때까지 업로드된 파트에 요금이 부과됩니다{off_ko}."))
    return found


def _judge_lifecycle(ctx: Context, key: str) -> Result:
    bucket, findings = _best(_buckets(ctx), lambda name: _lifecycle_findings(ctx, name))
    return NO_BUCKET if bucket is None else findings[key]


def check_versioning(ctx: Context) -> Result:
    return _judge_lifecycle(ctx, "versioning")


def check_transitions(ctx: Context) -> Result:
    return _judge_lifecycle(ctx, "transitions")


def check_abort_multipart(ctx: Context) -> Result:
    return _judge_lifecycle(ctx, "abort-multipart")


def solve_s3_lifecycle(ctx: Context) -> None:
    s3, bucket = ctx.client("s3"), _own_bucket(ctx)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=json.loads(LIFECYCLE_FILE.read_text()))


# step multipart -------------------------------------------------------------------------
def _masters(ctx: Context, bucket: str) -> list[dict]:
    pages = ctx.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=MASTERS)
    return [o for page in pages for o in page.get("Contents") or []]


def _is_multipart(obj: dict) -> bool:
    return bool(re.search(r"-\d+$", (obj.get("ETag") or "").strip('"')))


def _multipart_findings(ctx: Context, bucket: str) -> Findings:
    objects = _masters(ctx, bucket)
    big = sorted((o for o in objects if o["Size"] >= MASTER_BYTES), key=lambda o: not _is_multipart(o))
    upload = f"aws s3 cp master.bin s3://{bucket}/{MASTER_KEY}"
    largest = max((o["Size"] for o in objects), default=0) / MIB
    found: Findings = {"object": _verdict(bool(big), (
        f"{big[0]['Key'] if big else ''} is {big[0]['Size'] / MIB if big else 0:.1f} MiB.",
        (f"The largest object under {MASTERS} in {bucket} is {largest:.1f} MiB" if objects else f"{bucket} has no object under {MASTERS}")
        + f": upload one of at least 16 MiB ({upload})."), (
        f"{big[0]['Key'] if big else ''}의 크기는 {big[0]['Size'] / MIB if big else 0:.1f}MiB입니다.",
        (f"{bucket}의 {MASTERS} 아래 가장 큰 객체가 {largest:.1f}MiB입니다" if objects else f"{bucket}의 {MASTERS} 아래에 객체가 없습니다")
        + f": 16MiB 이상인 객체를 업로드하십시오({upload})."))}
    if not big:
        found["multipart"] = fail(f"No object of 16 MiB or more under {MASTERS} in {bucket} to judge: upload one with {upload}.",
                                  f"{bucket}의 {MASTERS} 아래에 판단할 16MiB 이상 객체가 없습니다: {upload}(으)로 업로드하십시오.")
    else:
        etag = big[0].get("ETag", "").strip('"')
        found["multipart"] = _verdict(_is_multipart(big[0]), (
            f"{big[0]['Key']} was uploaded in parts (ETag {etag}).",
            f"{big[0]['Key']} has ETag {etag} without a -N part count: it was uploaded by one PUT; upload it again by multipart upload ({upload}: the CLI uses multipart above 8 MB; or s3api create-multipart-upload)."), (
            f"{big[0]['Key']}은(는) 멀티파트 업로드로 올라갔습니다(ETag {etag}).",
            f"{big[0]['Key']}의 ETag {etag}에 -N 파트 수가 없습니다: 단일 PUT으로 업로드되었습니다. 멀티파트 업로드로 다시 업로드하십시오({upload}: CLI는 8MB를 넘으면 멀티파트를 사용합니다. 또는 s3api create-multipart-upload)."))
    status, status_ko = _never(ctx.client("s3").get_bucket_accelerate_configuration(Bucket=bucket).get("Status"))
    enable = f"aws s3api put-bucket-accelerate-configuration --bucket {bucket} --accelerate-configuration Status=Enabled"
    if "." in bucket:
        found["acceleration"] = fail(f"{bucket} has a period in its name, and Transfer Acceleration needs a DNS-compliant name without periods: create a bucket {BUCKET_PREFIX}<suffix> without periods.",
                                     f"{bucket} 이름에 마침표가 있습니다. Transfer Acceleration에는 마침표 없는 DNS 호환 이름이 필요합니다: 마침표 없는 {BUCKET_PREFIX}<접미사> 버킷을 만드십시오.")
    else:
        found["acceleration"] = _verdict(status == "Enabled", (
            f"Transfer Acceleration is Enabled on {bucket}.",
            f"Transfer Acceleration on {bucket} is {status}: enable it ({enable})."), (
            f"{bucket}의 Transfer Acceleration이 Enabled입니다.",
            f"{bucket}의 Transfer Acceleration이 {status_ko}입니다: {enable}(으)로 활성화하십시오."))
    return found


def _judge_multipart(ctx: Context, key: str) -> Result:
    bucket, findings = _best(_buckets(ctx), lambda name: _multipart_findings(ctx, name))
    return NO_BUCKET if bucket is None else findings[key]


def check_master_object(ctx: Context) -> Result:
    return _judge_multipart(ctx, "object")


def check_multipart(ctx: Context) -> Result:
    return _judge_multipart(ctx, "multipart")


def check_acceleration(ctx: Context) -> Result:
    return _judge_multipart(ctx, "acceleration")


def solve_multipart(ctx: Context) -> None:
    s3, bucket = ctx.client("s3"), _own_bucket(ctx)
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Enabled"})
    if any(o["Size"] >= MASTER_BYTES and _is_multipart(o) for o in _masters(ctx, bucket)):
        return
    upload = s3.create_multipart_upload(Bucket=bucket, Key=MASTER_KEY)["UploadId"]
    part = bytes(8 * MIB)  # two 8 MiB parts: every part but the last must be at least 5 MiB
    etags = [s3.upload_part(Bucket=bucket, Key=MASTER_KEY, UploadId=upload, PartNumber=n, Body=part)["ETag"]
             for n in (1, 2)]
    s3.complete_multipart_upload(Bucket=bucket, Key=MASTER_KEY, UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]})


def cleanup_multipart(ctx: Context) -> list[dict]:
    """What the step adds to the buckets: every version under masters/ and the acceleration."""
    s3, done = ctx.client("s3"), Cleanup()
    for name in _buckets(ctx):
        try:
            if empty_bucket(ctx, name, MASTERS):
                done.deleted("objects", f"{name}/{MASTERS}")
        except RuntimeError as exc:
            done.kept("objects", f"{name}/{MASTERS}", str(exc))
        if s3.get_bucket_accelerate_configuration(Bucket=name).get("Status") == "Enabled":
            done.attempt("transfer-acceleration", name, lambda name=name: s3.put_bucket_accelerate_configuration(
                Bucket=name, AccelerateConfiguration={"Status": "Suspended"}))
    return done.done


# step efs --------------------------------------------------------------------------------
NO_FS = missing("EFS file system", "EFS 파일 시스템", FS_NAME,
                f"aws efs create-file-system --throughput-mode elastic --tags Key=Name,Value={FS_NAME}")


def _file_systems(ctx: Context) -> list[dict]:
    pages = ctx.client("efs").get_paginator("describe_file_systems").paginate()
    found = [fs for page in pages for fs in page.get("FileSystems") or []]
    return [fs for fs in named(found, FS_NAME) if fs.get("LifeCycleState") in LIVE_FS]


def _mount_targets(ctx: Context, fs_id: str, states: tuple[str, ...] = LIVE_MOUNT) -> list[dict]:
    found = ctx.client("efs").describe_mount_targets(FileSystemId=fs_id).get("MountTargets") or []
    return [m for m in found if m.get("LifeCycleState") in states]


def _mount_zones(ctx: Context, targets: list[dict]) -> list[str]:
    zones = {m["AvailabilityZoneName"] for m in targets if m.get("AvailabilityZoneName")}
    unnamed = [m["SubnetId"] for m in targets if not m.get("AvailabilityZoneName")]
    if unnamed:  # an endpoint that omits the zone: the subnet knows it
        subnets = ctx.client("ec2").describe_subnets(Filters=[{"Name": "subnet-id", "Values": unnamed}])["Subnets"]
        zones |= {s["AvailabilityZone"] for s in subnets}
    return sorted(zones)


def _efs_findings(ctx: Context, fs: dict) -> Findings:
    fid, mode = fs["FileSystemId"], fs.get("ThroughputMode") or "bursting"
    provisioned = fs.get("ProvisionedThroughputInMibps") or 0
    good = mode == "elastic" or (mode == "provisioned" and provisioned > 0)
    change = (f"aws efs update-file-system --file-system-id {fid} --throughput-mode elastic; a sandbox without "
              f"update-file-system needs the file system deleted and created again with --throughput-mode elastic")
    change_ko = (f"aws efs update-file-system --file-system-id {fid} --throughput-mode elastic. update-file-system이 "
                 f"없는 샌드박스에서는 파일 시스템을 삭제하고 --throughput-mode elastic으로 다시 만드십시오")
    found: Findings = {"throughput-mode": _verdict(good, (
        f"{fid} uses {mode} throughput" + (f" ({provisioned:g} MiB/s)." if mode == "provisioned" else "."),
        f"{fid} uses {mode} throughput, which ties throughput to the data stored (credits run out on a small file system): switch to elastic ({change})."), (
        f"{fid}은(는) {mode} 처리량 모드를 사용합니다.",
        f"{fid}이(가) {mode} 처리량 모드를 사용합니다. 이 모드는 처리량이 저장된 데이터 양에 묶여 작은 파일 시스템에서는 크레딧이 소진됩니다: elastic으로 바꾸십시오({change_ko})."))}
    zones = _mount_zones(ctx, _mount_targets(ctx, fid))
    one_zone = fs.get("AvailabilityZoneName")
    add = f"aws efs create-mount-target --file-system-id {fid} --subnet-id <a subnet in another AZ>"
    add_ko = f"aws efs create-mount-target --file-system-id {fid} --subnet-id <다른 가용 영역의 서브넷>"
    if one_zone:
        how_en = f"{fid} is a One Zone file system in {one_zone}, which has one mount target only: create a Regional file system (without --availability-zone-name) and mount targets in 2 AZs"
        how_ko = f"{fid}은(는) {one_zone}의 One Zone 파일 시스템이라 탑재 대상을 하나만 가질 수 있습니다: --availability-zone-name 없이 리전 파일 시스템을 만들고 두 가용 영역에 탑재 대상을 만드십시오"
    else:
        how_en = f"{fid} has mount targets in {len(zones)} AZ ({', '.join(zones) or 'none'}): add one per AZ until 2 AZs have one ({add}), so clients keep a local mount target when an AZ fails"
        how_ko = f"{fid}의 탑재 대상이 가용 영역 {len(zones)}개({', '.join(zones) or '없음'})에만 있습니다: 한 가용 영역에 장애가 나도 클라이언트가 자기 가용 영역의 탑재 대상을 쓰도록 두 가용 영역 이상에 하나씩 만드십시오({add_ko})"
    found["mount-targets"] = _verdict(len(zones) >= 2, (
        f"{fid} has mount targets in {len(zones)} AZs: {', '.join(zones)}.", how_en + "."), (
        f"{fid}의 탑재 대상이 가용 영역 {len(zones)}개에 있습니다: {', '.join(zones)}.", how_ko + "."))
    return found


def _judge_efs(ctx: Context, key: str) -> Result:
    fs, findings = _best(_file_systems(ctx), lambda f: _efs_findings(ctx, f))
    return NO_FS if fs is None else findings[key]


def check_file_system(ctx: Context) -> Result:
    found = _file_systems(ctx)
    if not found:
        return NO_FS
    ids = ", ".join(fs["FileSystemId"] for fs in found)
    return ok(f"File system {FS_NAME}: {ids}.", f"파일 시스템 {FS_NAME}: {ids}.")


def check_throughput_mode(ctx: Context) -> Result:
    return _judge_efs(ctx, "throughput-mode")


def check_mount_targets(ctx: Context) -> Result:
    return _judge_efs(ctx, "mount-targets")


def solve_efs(ctx: Context) -> None:
    efs = ctx.client("efs")
    mine = efs.describe_file_systems(CreationToken=FS_TOKEN).get("FileSystems") or []
    if not already_mine(ctx, mine[0] if mine else None, "an EFS file system", "EFS 파일 시스템", FS_TOKEN):
        mine = [efs.create_file_system(CreationToken=FS_TOKEN, PerformanceMode="generalPurpose",
                                       ThroughputMode="elastic", Encrypted=True, Tags=ctx.owner_tags(FS_NAME))]
    fid = mine[0]["FileSystemId"]
    wait_on_aws(ctx, lambda: efs.describe_file_systems(FileSystemId=fid)["FileSystems"][0]["LifeCycleState"] == "available")
    have = set(_mount_zones(ctx, _mount_targets(ctx, fid)))
    subnets = ctx.client("ec2").describe_subnets(SubnetIds=default_network(ctx)[0])["Subnets"]
    for subnet in subnets:
        if subnet["AvailabilityZone"] not in have:
            efs.create_mount_target(FileSystemId=fid, SubnetId=subnet["SubnetId"])


def cleanup_efs(ctx: Context) -> list[dict]:
    efs, done = ctx.client("efs"), Cleanup()
    for fs in _file_systems(ctx):
        fid = fs["FileSystemId"]
        for target in _mount_targets(ctx, fid):
            mid = target["MountTargetId"]
            done.attempt("efs-mount-target", mid, lambda mid=mid: efs.delete_mount_target(MountTargetId=mid),
                         "MountTargetNotFound")
        # A file system with mount targets left cannot be deleted; real AWS removes them in the background.
        wait_on_aws(ctx, lambda fid=fid: not _mount_targets(ctx, fid, LIVE_MOUNT + ("deleting",)))
        done.attempt("efs-file-system", fid, lambda fid=fid: efs.delete_file_system(FileSystemId=fid),
                     "FileSystemNotFound")
    return done.done


# the whole lab ---------------------------------------------------------------------------
def cleanup(ctx: Context) -> list[dict]:
    """Delete everything that carries the lab's names, whoever made it; nothing else."""
    # The buckets go last, with every version (masters/ included).
    return cleanup_steps(ctx, cleanup_efs, cleanup_ebs, cleanup_s3_lifecycle)
