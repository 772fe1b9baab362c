"""Real mode's botocore hooks: tag what is created, record it, and guard every cleanup call.

They sit on each client's event system, so every lab gets them without editing its module:

- ``before-parameter-build``: a create call (Create*/Run*/Allocate*, and the Put* calls in
  :data:`CREATING_PUTS`) gets ``tutor:lab``, ``tutor:run`` and ``tutor:created-by=saa-tutor``
  added to whatever tag parameter its API has (EC2's ``TagSpecifications``, a ``Tags``/``tags``
  list of Key/Value or key/value pairs, or a tag map); S3's ``PutBucketTagging`` keeps them, and
  a new bucket is tagged right after ``CreateBucket``.
- ``after-call``: a create that succeeded is recorded (:func:`created_ids`) before the call
  returns: the type is ``service:noun`` (``ec2:vpc`` from CreateVpc), the id the response's
  ``<Noun>Id``/``Arn``/``Name`` (one level deep), else the request's name parameter.
- ``before-call`` (cleanup only): a call that changes anything is let through only when its
  target is the tutor's — tagged ``tutor:created-by=saa-tutor`` and ``tutor:lab`` where the
  type's tags can be read, else recorded in the store. Anything else raises ``TutorRefused``
  (a ClientError, so a lab's cleanup lists it as kept). In a dry run an allowed call is not
  sent: it answers an empty success and is listed as what would be deleted.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from tutor.labs.kit import CREATED_BY, TAG_CREATED_BY, TAG_LAB, TAG_RUN

READ_VERBS = ("Describe", "Get", "List", "Head", "Lookup", "Search", "Scan", "Query", "BatchGet",
              "Select", "Test", "Simulate", "Estimate")
CREATE_VERBS = ("Create", "Run", "Allocate")
CREATING_PUTS = {"PutScalingPolicy", "PutMetricAlarm", "PutDashboard", "PutCompositeAlarm", "PutRule"}
NOT_RESOURCES = {"CreateTags", "CreateMultipartUpload", "CreateSession", "CreateToken", "CreateInvalidation",
                 "CreateLaunchTemplateVersion", "CreatePresignedUrl"}
DELETE_VERBS = ("Delete", "Terminate", "Deregister", "Release")
#: Parameters that never name the resource a call acts on.
NOT_TARGETS = {"AccountId", "IfMatch", "StatementId", "VersionId", "Key", "DryRun", "PolicyArn", "ExpectedBucketOwner"}
#: EC2 ids whose tags describe_tags can read.
EC2_PREFIXES = ("vpc-", "subnet-", "sg-", "vol-", "i-", "lt-", "igw-", "rtb-", "nat-", "eipalloc-", "pg-", "eni-")


def is_read(op: str) -> bool:
    return op.startswith(READ_VERBS)


def is_create(op: str) -> bool:
    return (op.startswith(CREATE_VERBS) or op in CREATING_PUTS) and op not in NOT_RESOURCES


def noun(op: str) -> str:
    """``DeleteAutoScalingGroup`` → ``auto-scaling-group``."""
    for verb in (*CREATE_VERBS, *DELETE_VERBS, "Put", "Update", "Modify", "Detach", "Remove"):
        if op.startswith(verb) and len(op) > len(verb):
            op = op[len(verb):]
            break
    return re.sub(r"(?<!^)(?=[A-Z][a-z])", "-", op).lower()


# tagging ------------------------------------------------------------------------------------
def _tag_pairs(shape: Any) -> tuple[str, str] | None:
    """The key/value member names of a tag structure (Key/Value, key/value, TagKey/TagValue)."""
    members = getattr(shape, "members", {}) or {}
    for k, v in (("Key", "Value"), ("key", "value"), ("TagKey", "TagValue")):
        if k in members and v in members:
            return k, v
    return None


def add_tags(params: dict[str, Any], model: Any, tags: dict[str, str]) -> None:
    """Add ``tags`` (without overwriting a key already given) to the call's tag parameter."""
    members = model.input_shape.members if model.input_shape else {}
    if "TagSpecifications" in members and params.get("TagSpecifications"):
        for spec in params["TagSpecifications"]:
            have = {t.get("Key") for t in spec.get("Tags") or []}
            spec["Tags"] = list(spec.get("Tags") or []) + [{"Key": k, "Value": v} for k, v in tags.items() if k not in have]
        return
    for name in ("Tags", "tags", "TagList"):
        shape = members.get(name)
        if shape is None:
            continue
        if shape.type_name == "map":
            params[name] = {**tags, **(params.get(name) or {})}
        elif shape.type_name == "list" and (pair := _tag_pairs(shape.member)):
            k, v = pair
            given = list(params.get(name) or [])
            have = {t.get(k) for t in given}
            extra = [{k: key, v: value} for key, value in tags.items() if key not in have]
            if "PropagateAtLaunch" in shape.member.members:  # Auto Scaling: instances carry them too
                extra = [{**t, "PropagateAtLaunch": True} for t in extra]
            params[name] = given + extra
        return


def tagging_hook(tags: Callable[[], dict[str, str]]) -> Callable[..., None]:
    def before_parameter_build(params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        op = model.name
        if is_create(op):
            add_tags(params, model, tags())
        elif op == "PutBucketTagging":  # it replaces the whole set: keep the tutor's in it
            tagset = params.setdefault("Tagging", {}).setdefault("TagSet", [])
            have = {t.get("Key") for t in tagset}
            tagset.extend({"Key": k, "Value": v} for k, v in tags().items() if k not in have)
        context["tutor_params"] = dict(params)
    return before_parameter_build


# recording ----------------------------------------------------------------------------------
def _find(data: Any, keys: tuple[str, ...]) -> str | None:
    if not isinstance(data, dict):
        return None
    for key in keys:
        if isinstance(data.get(key), str):
            return data[key]
    for value in data.values():
        if isinstance(value, dict):
            for key in keys:
                if isinstance(value.get(key), str):
                    return value[key]
    return None


def created_ids(op: str, params: dict[str, Any], parsed: dict[str, Any]) -> list[tuple[str, str]]:
    """``[(id, name)]`` of what a successful create made (several for RunInstances)."""
    if op == "RunInstances":
        return [(i["InstanceId"], "") for i in parsed.get("Instances") or []]
    base = op
    for verb in (*CREATE_VERBS, "Put"):
        if base.startswith(verb):
            base = base[len(verb):]
            break
    lower = base[:1].lower() + base[1:]
    name = _find(params, (f"{base}Name", f"{lower}Name", "Bucket", "Name", "name", f"{base}Identifier",
                          f"{base}Id", "PolicyName", "AlarmName", "DashboardName")) or ""
    ident = _find(parsed, (f"{base}Id", f"{base}Arn", f"{base}ARN", f"{lower}Arn", f"{lower}Id", "PolicyARN",
                           "AlarmArn", "Arn", "ARN", "Id", "arn")) or name
    return [(ident, name)] if ident else []


def recording_hook(service: str, record: Callable[[str, str, str], None]) -> Callable[..., None]:
    def after_call(http_response: Any, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        if not is_create(model.name) or getattr(http_response, "status_code", 500) >= 300 or context.get("tutor_dry"):
            return
        for ident, name in created_ids(model.name, context.get("tutor_params") or {}, parsed or {}):
            record(f"{service}:{noun(model.name)}", ident, name)
    return after_call


# the cleanup guard ----------------------------------------------------------------------------
def targets(model: Any, params: dict[str, Any]) -> list[str]:
    """What a call acts on: its first required naming parameter, else its required lists of ids,
    else the first naming parameter given. Empty when it cannot tell (then it is refused)."""
    shape = model.input_shape
    if shape is None:
        return []
    required = [m for m in shape.required_members if m not in NOT_TARGETS]
    for m in required:
        if shape.members[m].type_name == "string" and isinstance(params.get(m), str):
            return [params[m]]
    lists = [v for m in required if shape.members[m].type_name == "list"
             and isinstance(v := params.get(m), list) and all(isinstance(x, str) for x in v)]
    if lists:
        return [x for v in lists for x in v]
    for m, member in shape.members.items():
        if m not in NOT_TARGETS and member.type_name == "string" and isinstance(params.get(m), str) \
                and m.endswith(("Id", "Name", "Arn", "ARN", "Identifier")):
            return [params[m]]
    return []


def matches(value: str, known: str) -> bool:
    """An id, name or ARN naming the same resource (an ARN ends with the name or id)."""
    if not value or not known:
        return False
    return value == known or value.endswith(("/" + known, ":" + known)) or known.endswith(("/" + value, ":" + value))


def is_tutor_tags(tags: dict[str, str], lab_id: str) -> bool:
    return tags.get(TAG_CREATED_BY) == CREATED_BY and tags.get(TAG_LAB) == lab_id


def run_tags(lab_id: str, run_id: str) -> dict[str, str]:
    return {TAG_LAB: lab_id, TAG_RUN: run_id, TAG_CREATED_BY: CREATED_BY}
