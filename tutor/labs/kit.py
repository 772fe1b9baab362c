"""What a lab's own Python module (``labs/<id>/lab.py``) builds on.

A check returns a :class:`Result` (the student's work passes or not, with a message saying what
to change). It raises only when the tutor cannot judge: that is an environment failure, handled
by the runner. Never mix the two.
"""

from __future__ import annotations

import fnmatch
import functools
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

OWNER_TAG = "saa-tutor-lab"
#: Real mode's tags on everything the tutor creates: which lab, which command run, and whose.
TAG_LAB, TAG_RUN, TAG_CREATED_BY = "tutor:lab", "tutor:run", "tutor:created-by"
CREATED_BY = "saa-tutor"


@dataclass(frozen=True)
class Result:
    passed: bool
    en: str
    ko: str
    skipped: bool = False

    def message(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


def ok(en: str, ko: str) -> Result:
    return Result(True, en, ko)


def fail(en: str, ko: str) -> Result:
    return Result(False, en, ko)


@dataclass
class Context:
    """What a check or a solution gets: clients for the lab's region and who owns what."""

    lab_id: str
    region: str
    endpoint: str | None
    make_client: Callable[[str], Any]
    notes: list[str] = field(default_factory=list)
    #: The language of the student's messages, for what a check cannot give in both (reports).
    lang: str = "en"
    #: Real mode: the id of this command's run (tagged ``tutor:run``); None elsewhere.
    run_id: str | None = None
    #: Real mode: told of each resource created (kind, id), so the store records it at once.
    on_created: Callable[[str, str], None] | None = None
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.make_client(service)
        return self._clients[service]

    @property
    def on_endpoint(self) -> bool:
        return self.endpoint is not None

    def owner_tags(self, name: str) -> list[dict[str, str]]:
        """Tags a solution puts on what it creates, so it never adopts the student's work."""
        return [{"Key": "Name", "Value": name}, {"Key": OWNER_TAG, "Value": self.lab_id}, *self.run_tags()]

    def run_tags(self) -> list[dict[str, str]]:
        """Real mode's ``tutor:*`` tags (none on the sandbox, whose resources stay as they were)."""
        if self.run_id is None:
            return []
        return [{"Key": TAG_LAB, "Value": self.lab_id}, {"Key": TAG_RUN, "Value": self.run_id},
                {"Key": TAG_CREATED_BY, "Value": CREATED_BY}]

    def created(self, kind: str, ident: str) -> None:
        """A solution made ``ident``: in real mode the store records it before the call returns
        (real mode's client hook calls this for every create; a solution may call it too)."""
        if self.on_created is not None:
            self.on_created(kind, ident)

    def note(self, text: str) -> None:
        self.notes.append(text)


def tag(resource: dict[str, Any], key: str) -> str | None:
    for item in resource.get("Tags") or []:
        if item.get("Key") == key:
            return item.get("Value")
    return None


def named(resources: Iterable[dict[str, Any]], pattern: str) -> list[dict[str, Any]]:
    """Resources whose Name tag matches ``pattern`` (shell-style wildcards)."""
    return [r for r in resources if fnmatch.fnmatchcase(tag(r, "Name") or "", pattern)]


def owned(resources: Iterable[dict[str, Any]], lab_id: str) -> list[dict[str, Any]]:
    return [r for r in resources if tag(r, OWNER_TAG) == lab_id]


def is_tutors(resource: dict[str, Any], lab_id: str | None = None) -> bool:
    """Whether real mode's tags say the tutor made it (for ``lab_id``, when given)."""
    if tag(resource, TAG_CREATED_BY) != CREATED_BY:
        return False
    return lab_id is None or tag(resource, TAG_LAB) == lab_id


def error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


class SolveConflict(Exception):
    """A solution cannot create its own resource: one of that name exists and is not the tutor's."""

    def __init__(self, en: str, ko: str):
        super().__init__(en)
        self.en, self.ko = en, ko


def already_mine(ctx: Context, resource: dict[str, Any] | None, kind_en: str, kind_ko: str, name: str) -> bool:
    """For a solution about to create ``name``: True if the tutor already made it (nothing to
    do), False if it does not exist (create it); raises if the student's resource has the name."""
    if resource is None:
        return False
    if tag(resource, OWNER_TAG) == ctx.lab_id or is_tutors(resource, ctx.lab_id):
        return True
    raise SolveConflict(
        f"{kind_en} named {name} exists and was not created by the tutor; fix it yourself or run "
        f"`tutor lab cleanup {ctx.lab_id}` first",
        f"{name} {kind_ko}이(가) 이미 있고 튜터가 만든 것이 아닙니다. 직접 고치거나 먼저 "
        f"`tutor lab cleanup {ctx.lab_id}`를 실행하십시오")


# message building: every lab says the same things the same way ------------------------
SKIPPED_EN = "verified on real AWS only: the sandbox cannot show this"
SKIPPED_KO = "실제 AWS에서만 검증됩니다: 샌드박스는 이 부분을 보여 줄 수 없습니다"


def skip(en: str = "", ko: str = "") -> Result:
    """A part of a check the endpoint cannot show (a field it omits): neither pass nor fail."""
    return Result(True, f"{SKIPPED_EN} ({en})" if en else SKIPPED_EN,
                  f"{SKIPPED_KO} ({ko})" if ko else SKIPPED_KO, skipped=True)


def missing(kind_en: str, kind_ko: str, name: str, how: str, region: str = "us-east-1") -> Result:
    """The failure of a check whose resource does not exist: what is missing and the command."""
    return fail(f"No {kind_en} named {name} in {region}: create it ({how}).",
                f"{region}에 {name} {kind_ko}이(가) 없습니다: {how}(으)로 만드십시오.")


class Problems:
    """What is wrong with one resource, collected in both languages, then one result."""

    def __init__(self) -> None:
        self.en: list[str] = []
        self.ko: list[str] = []

    def add(self, en: str, ko: str) -> None:
        self.en.append(en)
        self.ko.append(ko)

    def __bool__(self) -> bool:
        return bool(self.en)

    def result(self, ok_en: str, ok_ko: str, prefix: str = "") -> Result:
        if not self.en:
            return ok(ok_en, ok_ko)
        head = f"{prefix}: " if prefix else ""
        return fail(head + "; ".join(self.en) + ".", head + "; ".join(self.ko) + ".")


def absent(call: Callable[[], Any], *codes: str) -> Any:
    """``call()``, or None when it fails with one of ``codes`` (a describe-by-name of nothing)."""
    try:
        return call()
    except Exception as exc:
        if error_code(exc) in codes:
            return None
        raise


# cleanup ------------------------------------------------------------------------------
class Cleanup:
    """The report of a cleanup: each resource the lab named, deleted or kept with the reason."""

    def __init__(self) -> None:
        self.done: list[dict[str, Any]] = []

    def deleted(self, kind: str, ident: str) -> None:
        self.done.append({"type": kind, "id": ident, "deleted": True})

    def kept(self, kind: str, ident: str, reason: str) -> None:
        self.done.append({"type": kind, "id": ident, "deleted": False, "reason": reason})

    def attempt(self, kind: str, ident: str, delete: Callable[[], Any], *gone_codes: str) -> bool:
        """Delete one resource; an error is kept with its code (something else still needs it),
        except the codes that mean it is already gone."""
        try:
            delete()
        except Exception as exc:
            code = error_code(exc)
            if code and code in gone_codes:
                return False
            if not code:  # not an AWS answer (unreachable, a bug): the runner reports it
                raise
            self.kept(kind, ident, f"{code}: {getattr(exc, 'response', {}).get('Error', {}).get('Message', '')}".strip(": "))
            return False
        self.deleted(kind, ident)
        return True

    def extend(self, other: list[dict[str, Any]] | None) -> None:
        self.done.extend(other or [])

    def run(self, ctx: Context, *step_cleanups: Callable[[Context], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        """A whole lab's cleanup: its steps' cleanups in dependency order (dependents first)."""
        for step_cleanup in step_cleanups:
            self.extend(step_cleanup(ctx))
        return self.done


def cleanup_steps(ctx: Context, *step_cleanups: Callable[[Context], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return Cleanup().run(ctx, *step_cleanups)


# shared lookups -------------------------------------------------------------------------
def tags_as_list(tags: Any) -> list[dict[str, str]]:
    """Tags in the Key/Value list form the kit reads, from a map (Lambda, API Gateway, EFS's
    describe) or lowercase key/value pairs (ECS)."""
    if isinstance(tags, dict):
        return [{"Key": k, "Value": v} for k, v in tags.items()]
    return [{"Key": t.get("Key", t.get("key")), "Value": t.get("Value", t.get("value"))} for t in tags or []]


def with_tags(resource: dict[str, Any] | None, tags: Any) -> dict[str, Any] | None:
    """``resource`` with its tags (fetched separately by many services) under ``Tags``."""
    return None if resource is None else {**resource, "Tags": tags_as_list(tags)}


def arn_like(pattern: str, value: str) -> bool:
    """IAM's ArnLike: ``*`` matches any run of characters, ``?`` one character."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value) is not None


def subnet_zones(ctx: Context, subnet_ids: list[str]) -> tuple[list[str], list[str]]:
    """The AZs of the given subnets, and the ids among them that no longer exist."""
    if not subnet_ids:
        return [], []
    # A filter, not SubnetIds=: a deleted subnet is then missing from the answer, not an error.
    found = ctx.client("ec2").describe_subnets(Filters=[{"Name": "subnet-id", "Values": subnet_ids}])["Subnets"]
    gone = sorted(set(subnet_ids) - {s["SubnetId"] for s in found})
    return sorted({s["AvailabilityZone"] for s in found}), gone


def default_network(ctx: Context, zones: int = 2) -> tuple[list[str], str]:
    """For a solution: one default subnet in each of ``zones`` AZs and the default security
    group, both of the default VPC (what an account that holds nothing else still has)."""
    ec2 = ctx.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]},
                                            {"Name": "default-for-az", "Values": ["true"]}])["Subnets"] if vpcs else []
    by_zone = {s["AvailabilityZone"]: s["SubnetId"] for s in sorted(subnets, key=lambda s: s["SubnetId"])}
    if len(by_zone) < zones:
        raise SolveConflict(
            f"the tutor's solution uses the default VPC's subnets in {zones} AZs and this account has "
            f"{len(by_zone)} in {ctx.region}: create the default VPC (aws ec2 create-default-vpc) or build this step yourself",
            f"튜터의 풀이는 기본 VPC의 서브넷을 가용 영역 {zones}개에서 사용하는데 이 계정의 {ctx.region}에는 "
            f"{len(by_zone)}개뿐입니다: 기본 VPC를 만들거나(aws ec2 create-default-vpc) 이 단계를 직접 구성하십시오")
    group = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]},
                                                  {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
    return [by_zone[z] for z in sorted(by_zone)[:zones]], group["GroupId"]


def judged(find: Callable[[Context], Any]) -> Callable[[Callable[[Context, Any], Result]], Callable[[Context], Result]]:
    """A check written as ``judge(ctx, resource)``: ``find`` gives the resource, or the failure
    when there is none to judge, which every check of the step then reports the same way."""
    def wrap(judge: Callable[[Context, Any], Result]) -> Callable[[Context], Result]:
        @functools.wraps(judge)
        def check(ctx: Context) -> Result:
            found = find(ctx)
            return found if isinstance(found, Result) else judge(ctx, found)
        return check
    return wrap


def wait_on_aws(ctx: Context, done: Callable[[], bool], seconds: float = 180) -> None:
    """Real AWS creates and deletes some resources in the background; an endpoint at once."""
    deadline = time.monotonic() + (0 if ctx.on_endpoint else seconds)
    while not done() and time.monotonic() < deadline:
        time.sleep(3)


def empty_bucket(ctx: Context, bucket: str, prefix: str = "") -> int:
    """Delete every object version and delete marker under ``prefix`` and abort unfinished
    multipart uploads (a versioned bucket keeps old versions; deletes only add markers)."""
    s3, count = ctx.client("s3"), 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        keys = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in (page.get("Versions") or []) + (page.get("DeleteMarkers") or [])]
        if keys:
            answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise RuntimeError(f"{bucket}: {first.get('Key')}: {first.get('Code')} {first.get('Message')}")
            count += len(keys)
    for page in s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket, Prefix=prefix):
        for upload in page.get("Uploads") or []:
            s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    return count


def finder(lookup: Callable[[Context], Any],
           missing_result: Result | Callable[[Context], Result]) -> Callable[[Context], Any]:
    """For :func:`judged`: the resource ``lookup`` finds, or ``missing_result`` when it finds none
    (a function of the context where the message names where it looked, e.g. its region)."""
    def find(ctx: Context) -> Any:
        found = lookup(ctx)
        if found is not None:
            return found
        return missing_result(ctx) if callable(missing_result) else missing_result
    return find
