"""Real mode's cleanup guard: a lab's cleanup deletes by NAME; this lets through only the tutor's.

The labs' cleanup functions are written for the sandbox, where everything named is fair game.
On a real account a same-named resource may be the student's, so each call that changes
anything is checked against the resource's own tags (``tutor:created-by=saa-tutor`` and
``tutor:lab``) where the type's tags can be read, and against the store's records where they
cannot. A tag that can be read and does not say "the tutor's" wins over a record (a name the
tutor once used may now belong to the student). Unknown target: refused.
"""

from __future__ import annotations

from typing import Any, Callable

from tutor.labs.real_hooks import (
    DELETE_VERBS,
    EC2_PREFIXES,
    is_read,
    is_tutor_tags,
    matches,
    noun,
    targets,
)

REFUSED = "TutorRefused"
NOT_LOGGED = {"DeleteObjects", "DeleteObject"}


def _pairs(tags: Any) -> dict[str, str]:
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items()}
    return {t.get("Key", t.get("key")): t.get("Value", t.get("value")) for t in tags or []}


def read_tags(client: Callable[[str], Any], service: str, op: str, target: str) -> dict[str, str] | None:
    """The target's tags where its type's can be read, else None (then records decide)."""
    try:
        if service == "ec2":
            if target.startswith(EC2_PREFIXES):
                found = client("ec2").describe_tags(Filters=[{"Name": "resource-id", "Values": [target]}])["Tags"]
                return _pairs(found)
            if "LaunchTemplate" in op:
                return _pairs(client("ec2").describe_launch_templates(LaunchTemplateNames=[target])["LaunchTemplates"][0].get("Tags"))
            if "PlacementGroup" in op:
                return _pairs(client("ec2").describe_placement_groups(GroupNames=[target])["PlacementGroups"][0].get("Tags"))
        elif service == "autoscaling" and "AutoScalingGroup" in op:
            return _pairs(client("autoscaling").describe_tags(
                Filters=[{"Name": "auto-scaling-group", "Values": [target]}])["Tags"])
        elif service == "s3" and "Bucket" in op or service == "s3" and op in NOT_LOGGED:
            try:
                return _pairs(client("s3").get_bucket_tagging(Bucket=target)["TagSet"])
            except Exception as exc:
                if getattr(exc, "response", {}).get("Error", {}).get("Code") == "NoSuchTagSet":
                    return {}
                raise
        elif service == "elbv2" and target.startswith("arn:"):
            return _pairs(client("elbv2").describe_tags(ResourceArns=[target])["TagDescriptions"][0]["Tags"])
        elif service == "globalaccelerator" and ":accelerator/" in target:
            # listeners and endpoint groups have no tags of their own: their accelerator's (the
            # start of their ARN) say whose they are
            accelerator = target.split("/listener/")[0]
            return _pairs(client("globalaccelerator").list_tags_for_resource(ResourceArn=accelerator).get("Tags"))
        elif service == "efs" and op == "DeleteFileSystem":
            return _pairs(client("efs").describe_file_systems(FileSystemId=target)["FileSystems"][0].get("Tags"))
        elif service == "efs" and op == "DeleteMountTarget":  # a mount target is its file system's
            fs = client("efs").describe_mount_targets(MountTargetId=target)["MountTargets"][0]["FileSystemId"]
            return _pairs(client("efs").describe_file_systems(FileSystemId=fs)["FileSystems"][0].get("Tags"))
        elif service == "lambda" and op == "DeleteFunction":
            return _pairs(client("lambda").get_function(FunctionName=target).get("Tags"))
        elif service == "dynamodb" and op == "DeleteTable":
            arn = client("dynamodb").describe_table(TableName=target)["Table"]["TableArn"]
            return _pairs(client("dynamodb").list_tags_of_resource(ResourceArn=arn).get("Tags"))
        elif service == "rds" and op == "DeleteDBInstance":
            return _pairs(client("rds").describe_db_instances(DBInstanceIdentifier=target)["DBInstances"][0].get("TagList"))
    except Exception:  # noqa: BLE001 - gone or unreadable: the store's records decide
        return None
    return None


class CleanupGuard:
    """Decides each call of one lab's cleanup; keeps the report of what it let through."""

    def __init__(self, lab_id: str, records: list[dict[str, Any]], client: Callable[[str], Any],
                 dry_run: bool):
        self.lab_id, self.records, self.client, self.dry_run = lab_id, records, client, dry_run
        self.log: list[dict[str, Any]] = []
        self.deleted: list[str] = []

    def refusal(self, service: str, op: str, tgts: list[str]) -> str | None:
        if not tgts:
            return f"{op}: the tutor cannot tell which resource it acts on, so it does not call it"
        for target in tgts:
            tags = read_tags(self.client, service, op, target)
            if tags is not None:
                if is_tutor_tags(tags, self.lab_id):
                    continue
                return (f"not tagged tutor:created-by=saa-tutor and tutor:lab={self.lab_id}: not the tutor's, "
                        f"left alone")
            if any(matches(target, r["resource_id"]) or matches(target, r["name"]) for r in self.records):
                continue
            return "its tags cannot be read and the tutor has no record of creating it: left alone"
        return None

    @staticmethod
    def _listed(op: str) -> bool:
        return op.startswith(DELETE_VERBS) and op not in NOT_LOGGED and not (
            op.startswith("DeleteBucket") and op != "DeleteBucket")

    def hooks(self, service: str) -> tuple[Callable[..., Any], Callable[..., None]]:
        from botocore.awsrequest import AWSResponse  # noqa: PLC0415
        from botocore.exceptions import ClientError  # noqa: PLC0415

        def before_call(model: Any, context: dict[str, Any], **_: Any) -> Any:
            op = model.name
            if is_read(op):
                return None
            tgts = targets(model, context.get("tutor_params") or {})
            reason = self.refusal(service, op, tgts)
            kind = f"{service}:{noun(op)}"
            if reason is not None:
                self.log.append({"type": kind, "id": ", ".join(tgts) or "?", "deleted": False, "reason": reason})
                raise ClientError({"Error": {"Code": REFUSED, "Message": reason}}, op)
            context["tutor_targets"] = tgts
            if self.dry_run:
                context["tutor_dry"] = True
                if self._listed(op):
                    self.log.append({"type": kind, "id": ", ".join(tgts), "deleted": False, "would_delete": True})
                return AWSResponse(None, 200, {}, None), {"ResponseMetadata": {"HTTPStatusCode": 200}}
            return None

        def after_call(http_response: Any, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
            op, tgts = model.name, context.get("tutor_targets")
            if context.get("tutor_dry") or tgts is None or not self._listed(op):
                return
            kind = f"{service}:{noun(op)}"
            if getattr(http_response, "status_code", 500) < 300:
                self.log.append({"type": kind, "id": ", ".join(tgts), "deleted": True})
                self.deleted.extend(tgts)
            else:
                err = (parsed or {}).get("Error", {})
                gone = "NotFound" in str(err.get("Code", "")) or str(err.get("Code", "")).startswith("NoSuch")
                if not gone:
                    self.log.append({"type": kind, "id": ", ".join(tgts), "deleted": False,
                                     "reason": f"{err.get('Code', '')}: {err.get('Message', '')}".strip(": ")})

        return before_call, after_call
