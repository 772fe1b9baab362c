"""A lab's ``aws`` commands as real mode prints them: carrying the tutor's tags.

On a real account the cleanup deletes only what is tagged ``tutor:created-by=saa-tutor`` and
``tutor:lab=LAB`` (or recorded in the store), and the cost estimate counts what is tagged. The
tutor's own solutions get those tags from botocore hooks (tutor.labs.real_hooks); a student's
own CLI work gets them only when the commands say so. So ``tutor lab show LAB --real`` prints
each create command with the tags added in that command's own syntax (EC2's
``--tag-specifications``, Auto Scaling's ``PropagateAtLaunch``, ECS's lowercase ``key``/``value``,
Lambda's tag map...) and, for a type its create command cannot tag (an S3 bucket, a CloudFront
distribution, a Route 53 health check or hosted zone, a CloudWatch dashboard), the tagging
command right after it. Each option name below is the CLI form of the API parameter in
botocore's service model (``Tags`` → ``--tags``, ``ResourceTags`` → ``--resource-tags``).

Pure: text in, text out; nothing here talks to AWS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from tutor.content.models import Lab
from tutor.labs.real_hooks import run_tags

#: The ``tutor:run`` value of commands a student types (the tutor's own runs use ``run-…``).
CLI_RUN = "cli"


@dataclass(frozen=True)
class Rule:
    """How one create command takes tags: ``style`` is one of ``spec`` (EC2 tag specifications of
    ``resource``), ``pairs`` (``Key=..,Value=..`` items), ``asg`` (pairs that propagate to the
    instances), ``ecs`` (``key=..,value=..``), ``map`` (``k=v,k=v``), or ``after`` (a tagging
    command printed after it, built by ``after``)."""

    style: str
    option: str = "--tags"
    resources: tuple[str, ...] = ()
    after: Callable[[str, str], str] | None = None


def _flag(segment: str, name: str) -> str | None:
    """The value of ``--name`` as written (quotes kept: "$BUCKET" stays a shell word)."""
    found = re.search(rf"--{name}[ =]((?:\"[^\"]*\"|'[^']*'|[^ ]+))", segment)
    return found.group(1) if found else None


def _assigned(command: str) -> str | None:
    """``X`` of a command written ``X=$(aws ...)``: the id or ARN the tagging command needs."""
    found = re.match(r"\s*([A-Z_][A-Z0-9_]*)=\$\(", command)
    return found.group(1) if found else None


def _bucket_tagging(command: str, tags: str) -> str:
    region = _flag(command, "region")
    return (f"aws s3api put-bucket-tagging --bucket {_flag(command, 'bucket') or 'BUCKET'} "
            f"--tagging 'TagSet=[{tags}]'" + (f" --region {region}" if region else ""))


def _distribution_tagging(command: str, tags: str) -> str:
    arn = f'"${_assigned(command)}"' if _assigned(command) else "DISTRIBUTION_ARN"
    return f"aws cloudfront tag-resource --resource {arn} --tags 'Items=[{tags}]'"


def _route53_tagging(kind: str, strip: bool) -> Callable[[str, str], str]:
    def build(command: str, tags: str) -> str:
        var = _assigned(command)
        # create-hosted-zone's HostedZone.Id is "/hostedzone/Z…"; the tagging call wants "Z…"
        ident = (f'"${{{var}##*/}}"' if strip else f'"${var}"') if var else kind.upper() + "_ID"
        pairs = tags.replace("},{", " ").strip("{}")
        return f"aws route53 change-tags-for-resource --resource-type {kind} --resource-id {ident} --add-tags {pairs}"
    return build


def _dashboard_tagging(command: str, tags: str) -> str:
    # a dashboard's ARN has no region: arn:aws:cloudwatch::ACCOUNT:dashboard/NAME (CloudWatch API
    # reference, TagResource / ListTagsForResource, checked 2026-12-07)
    name = (_flag(command, "dashboard-name") or "DASHBOARD").strip("'\"")
    pairs = tags.replace("},{", " ").strip("{}")
    return ("aws cloudwatch tag-resource --resource-arn "
            f"\"arn:aws:cloudwatch::$(aws sts get-caller-identity --query Account --output text):dashboard/{name}\" "
            f"--tags {pairs}")


PAIRS, ECS, MAP = Rule("pairs"), Rule("ecs"), Rule("map")
#: ``(service, operation)`` → how its create command takes tags. A create missing here makes
#: nothing the cleanup deletes on its own (a scaling policy, a mount target, a listener, an
#: API route, an inline role policy: each goes with its parent) or cannot be tagged at all.
RULES: dict[tuple[str, str], Rule] = {
    **{("ec2", op): Rule("spec", "--tag-specifications", (kind,)) for op, kind in (
        ("create-vpc", "vpc"), ("create-subnet", "subnet"), ("create-volume", "volume"),
        ("create-launch-template", "launch-template"), ("create-placement-group", "placement-group"),
        ("create-security-group", "security-group"), ("create-internet-gateway", "internet-gateway"),
        ("create-nat-gateway", "natgateway"), ("allocate-address", "elastic-ip"))},
    ("ec2", "run-instances"): Rule("spec", "--tag-specifications", ("instance", "volume")),
    ("autoscaling", "create-auto-scaling-group"): Rule("asg"),
    ("dynamodb", "create-table"): PAIRS,
    ("iam", "create-role"): PAIRS, ("iam", "create-policy"): PAIRS,
    ("rds", "create-db-instance"): PAIRS, ("rds", "create-db-instance-read-replica"): PAIRS,
    ("elasticache", "create-replication-group"): PAIRS,
    ("elbv2", "create-load-balancer"): PAIRS, ("elbv2", "create-target-group"): PAIRS,
    ("elbv2", "create-listener"): PAIRS,
    ("sns", "create-topic"): PAIRS,
    ("efs", "create-file-system"): PAIRS,
    ("globalaccelerator", "create-accelerator"): PAIRS,
    ("cloudwatch", "put-metric-alarm"): PAIRS,
    ("budgets", "create-budget"): Rule("pairs", "--resource-tags"),
    ("ecs", "create-cluster"): ECS, ("ecs", "create-service"): ECS, ("ecs", "register-task-definition"): ECS,
    ("lambda", "create-function"): MAP, ("sqs", "create-queue"): MAP,
    ("apigatewayv2", "create-api"): MAP, ("apigatewayv2", "create-stage"): MAP,
    ("s3api", "create-bucket"): Rule("after", after=_bucket_tagging),
    ("cloudfront", "create-distribution"): Rule("after", after=_distribution_tagging),
    ("route53", "create-health-check"): Rule("after", after=_route53_tagging("healthcheck", strip=False)),
    ("route53", "create-hosted-zone"): Rule("after", after=_route53_tagging("hostedzone", strip=True)),
    ("cloudwatch", "put-dashboard"): Rule("after", after=_dashboard_tagging),
}

AWS_CALL = re.compile(r"\baws ([a-z0-9-]+) ([a-z0-9-]+)")


def _segment_end(command: str, start: int) -> int:
    """Where the ``aws`` call starting at ``start`` ends: its ``$(...)``'s closing parenthesis
    when it is inside one, else the end of the command (quotes respected)."""
    if command[max(0, start - 2):start] != "$(":
        return len(command)
    depth, quote = 1, ""
    for i in range(start, len(command)):
        ch = command[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(command)


def _values(rule: Rule, tags: dict[str, str]) -> list[str]:
    """The tags as the values of ``rule.option``, in the command's own syntax."""
    if rule.style == "spec":
        inner = ",".join(f"{{Key={k},Value={v}}}" for k, v in tags.items())
        return [f"'ResourceType={kind},Tags=[{inner}]'" for kind in rule.resources]
    if rule.style == "asg":
        return [f"Key={k},Value={v},PropagateAtLaunch=true" for k, v in tags.items()]
    if rule.style == "ecs":
        return [f"key={k},value={v}" for k, v in tags.items()]
    if rule.style == "map":
        return [",".join(f"{k}={v}" for k, v in tags.items())]
    return [f"Key={k},Value={v}" for k, v in tags.items()]


def _merge_spec(segment: str, kind: str, tags: dict[str, str]) -> str | None:
    """Add the tags to an EC2 tag specification the command already has for ``kind`` (EC2
    refuses the same resource type twice), or None when it has none."""
    found = re.search(rf"ResourceType={re.escape(kind)},Tags=\[([^\]]*)\]", segment)
    if not found:
        return None
    extra = ",".join(f"{{Key={k},Value={v}}}" for k, v in tags.items())
    inner = f"{found.group(1)},{extra}" if found.group(1) else extra
    return segment[:found.start(1)] + inner + segment[found.end(1):]


def _tag_segment(segment: str, rule: Rule, tags: dict[str, str]) -> str:
    """One ``aws`` call with the tags in its own option (merged into the option when given)."""
    if rule.style == "spec":
        missing = []
        for kind, value in zip(rule.resources, _values(rule, tags)):
            merged = _merge_spec(segment, kind, tags)
            if merged is None:
                missing.append(value)
            else:
                segment = merged
        values = missing
    else:
        values = _values(rule, tags)
    if not values:
        return segment
    given = re.search(rf"{re.escape(rule.option)} ", segment)
    if given and rule.style == "map":  # one map: put the tutor's pairs inside the one given
        value_at = given.end() + (1 if segment[given.end():given.end() + 1] in "'\"" else 0)
        return segment[:value_at] + values[0] + "," + segment[value_at:]
    if given:  # a list option takes more values: the tutor's go first
        return segment[:given.end()] + " ".join(values) + " " + segment[given.end():]
    return segment.rstrip() + f" {rule.option} " + " ".join(values)


def tag_command(command: str, tags: dict[str, str]) -> list[str]:
    """A command as real mode prints it: with the tags, and any tagging command after it."""
    after: list[str] = []
    for call in reversed(list(AWS_CALL.finditer(command))):  # from the end: offsets stay valid
        rule = RULES.get((call.group(1), call.group(2)))
        if rule is None:
            continue
        end = _segment_end(command, call.start())
        if rule.style == "after" and rule.after is not None:
            pairs = ",".join(f"{{Key={k},Value={v}}}" for k, v in tags.items())
            after.insert(0, rule.after(command, pairs))
            continue
        command = command[:call.start()] + _tag_segment(command[call.start():end], rule, tags) + command[end:]
    return [command, *after]


def tagged_commands(lab: Lab, run_id: str = CLI_RUN) -> dict[str, list[str]]:
    """Each step's commands (step id → commands) with ``tutor:lab``, ``tutor:run`` and
    ``tutor:created-by=saa-tutor`` added to every create that takes tags, in its own syntax,
    and the tagging command after every create that cannot take them."""
    tags = run_tags(lab.id, run_id)
    return {step.id: [line for command in step.commands for line in tag_command(command, tags)]
            for step in lab.steps}
