"""Real AWS: a backend on the student's own account, behind guard rails.

A tutor that deletes the wrong thing or runs up a bill is worse than none, so real mode:

- builds clients from the standard credential chain (``--profile``, ``AWS_PROFILE``, SSO, the
  environment) with adaptive retries, honouring ``AWS_ENDPOINT_URL`` / ``--endpoint-url`` (then
  the whole mode runs against a moto server playing the account, which is how it is tested);
- asks STS who the caller is and refuses an account on the settings' deny list, one outside a
  non-empty allow list, and one whose IAM account alias contains "prod" — for every command;
- before the first change of a command shows the account, caller ARN, region and what will be
  created or deleted with its estimated cost, and asks on a terminal; ``--yes`` is accepted
  only with an explicit ``--account`` equal to the caller's; otherwise exit 2, nothing changed;
- tags, records and guards through :mod:`tutor.labs.real_hooks` and :mod:`tutor.labs.real_guard`.
"""

from __future__ import annotations

import os
import re
import sys
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from tutor.errors import EnvironmentFailure, UsageError
from tutor.labs.backend import API_REGIONS, Backend
from tutor.labs.real_hooks import recording_hook, run_tags, tagging_hook
from tutor.settings import Settings

DEFAULT_REGION = "us-east-1"


@dataclass
class RealOptions:
    """What the command line says about real mode (every lab command takes these flags)."""

    profile: str | None = None
    region: str | None = None
    account: str | None = None
    yes: bool = False


@dataclass
class Identity:
    account: str
    arn: str
    aliases: list[str] = field(default_factory=list)


class RealBackend(Backend):
    """``kind`` "real"; ``endpoint`` is the endpoint URL when one is set (steps the sandbox
    cannot emulate then stay skipped), None on AWS itself."""

    def __init__(self, endpoint: str | None, options: RealOptions, settings: Settings):
        super().__init__("real", endpoint)
        import boto3  # noqa: PLC0415
        import botocore.exceptions as bce  # noqa: PLC0415

        from tutor.labs import sdk_cache  # noqa: PLC0415

        self.options, self.settings = options, settings
        self.run_id = "run-" + uuid.uuid4().hex[:12]
        try:
            self.session = sdk_cache.install(boto3.session.Session(profile_name=options.profile))
            # --region, then the SDK's environment (boto3 itself reads only AWS_DEFAULT_REGION), then
            # settings.toml, then the profile's region: the region every lab not pinned to one runs in
            # (reading the profile's region is where botocore may notice an unknown profile, too)
            self.region = (options.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
                           or settings.region or self.session.region_name or DEFAULT_REGION)
        except bce.ProfileNotFound:
            raise UsageError(f"--profile {options.profile or os.environ.get('AWS_PROFILE')}: no such profile in your "
                             "AWS config (aws configure list-profiles shows them)") from None
        self.lab_regions: dict[str, str] = {}  # lab id -> the region its calls, checks and cleanup use
        self.identity: Identity | None = None
        self.recorder: Callable[[dict[str, Any]], None] | None = None
        self.guards: dict[str, Any] = {}  # lab id -> CleanupGuard while a cleanup runs
        self.retries = 0
        self.last_error_call: dict[str, str] = {}
        self.confirmed = False
        #: Asks in place of the terminal (the TUI's dialog): ``asker(account, shown_lines) -> bool``.
        self.asker: Callable[[str, list[str]], bool] | None = None

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data.update({"region": self.region, "run": self.run_id,
                     "account": self.identity.account if self.identity else None})
        if self.lab_regions:
            data["lab_regions"] = dict(self.lab_regions)
        return data

    def describe(self) -> str:
        where = f" via {self.endpoint}" if self.endpoint else ""
        account = f" account {self.identity.account}" if self.identity else ""
        return f"real AWS{account}{where}"

    def client(self, service: str, region: str, lab_id: str | None = None) -> Any:
        from botocore.config import Config  # noqa: PLC0415

        region = API_REGIONS.get(service, region)
        config = Config(retries={"max_attempts": 8, "mode": "adaptive"}, connect_timeout=10, read_timeout=120)
        kwargs: dict[str, Any] = {"region_name": region, "config": config}
        if self.endpoint:
            kwargs["endpoint_url"] = self.endpoint
        client = self.session.client(service, **kwargs)
        events = client.meta.events
        events.register("after-call", self._count_retries)

        def remember_error(http_response: Any, model: Any, **_: Any) -> None:
            if getattr(http_response, "status_code", 200) >= 300:  # for the guidance: which IAM action, where
                self.last_error_call = {"op": model.name, "prefix": model.service_model.endpoint_prefix,
                                        "region": region}
        events.register("after-call", remember_error)
        if lab_id is not None:
            events.register("before-parameter-build", tagging_hook(lambda: run_tags(lab_id, self.run_id)))
            events.register("after-call", recording_hook(service, self._recorder(lab_id, region)))
            events.register("after-call", self._tag_new_bucket(client, lab_id) if service == "s3" else _noop)
            guard = self.guards.get(lab_id)
            if guard is not None:
                before, after = guard.hooks(service)
                events.register("before-call", before)
                events.register("after-call", after)
        return client

    # hooks -------------------------------------------------------------------------------
    def _count_retries(self, parsed: dict[str, Any] | None = None, **_: Any) -> None:
        self.retries += int(((parsed or {}).get("ResponseMetadata") or {}).get("RetryAttempts") or 0)

    def _recorder(self, lab_id: str, region: str) -> Callable[[str, str, str], None]:
        def record(kind: str, ident: str, name: str) -> None:
            if self.recorder is not None:
                self.recorder({"kind": kind, "resource_id": ident, "name": name, "region": region, "lab": lab_id,
                               "run": self.run_id, "backend": self.kind, "account": self.account,
                               "endpoint": self.endpoint or ""})
        return record

    def _tag_new_bucket(self, client: Any, lab_id: str) -> Callable[..., None]:
        """S3 takes no tags on CreateBucket (everywhere): tag the bucket right after it."""
        def after_call(http_response: Any, model: Any, context: dict[str, Any], **_: Any) -> None:
            bucket = (context.get("tutor_params") or {}).get("Bucket")
            if model.name == "CreateBucket" and bucket and getattr(http_response, "status_code", 500) < 300:
                client.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": []})  # the hook adds the tags
        return after_call

    @property
    def account(self) -> str:
        return self.identity.account if self.identity else ""

    # guard rails -------------------------------------------------------------------------
    def who(self) -> Identity:
        """The caller (STS) and the account's aliases (IAM), asked once per command."""
        if self.identity is None:
            sts, iam = self.client("sts", self.region), self.client("iam", self.region)
            me = sts.get_caller_identity()
            try:
                aliases = iam.list_account_aliases().get("AccountAliases") or []
            except Exception as exc:  # noqa: BLE001
                code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
                if "AccessDenied" not in code:
                    raise
                raise EnvironmentFailure(
                    "real AWS: the tutor must read the account alias (iam:ListAccountAliases) to make sure "
                    "this is not a production account; allow that action for this profile") from None
            self.identity = Identity(me["Account"], me["Arn"], list(aliases))
        return self.identity

    def check_account(self) -> Identity:
        """Refuse (exit 2) accounts the settings or the alias rule out."""
        me, s = self.who(), self.settings
        where = f" ({s.path})" if s.path else ""
        if me.account in s.deny_accounts:
            raise UsageError(f"real AWS: account {me.account} is on the deny list in settings.toml{where}: refused")
        if s.allow_accounts and me.account not in s.allow_accounts:
            raise UsageError(f"real AWS: account {me.account} is not on the allow list in settings.toml{where} "
                             f"({', '.join(s.allow_accounts)}): refused")
        prod = [a for a in me.aliases if "prod" in a.lower()]
        if prod:
            raise UsageError(f"real AWS: account {me.account} has the alias {prod[0]!r}, which says production: "
                             "refused (labs belong in a sandbox account)")
        if self.options.account and self.options.account != me.account:
            raise UsageError(f"real AWS: --account {self.options.account} is not the caller's account {me.account} "
                             f"({me.arn}): refused, nothing changed")
        return me

    def confirm(self, action: str, lines: list[str], info: Callable[[str], None]) -> None:
        """Before the first change: say where and what, then ask (or accept --yes --account)."""
        if self.confirmed:
            return
        me = self.check_account()
        regions = ", ".join(sorted(set(self.lab_regions.values()))) or self.region
        shown: list[str] = []

        def say(line: str) -> None:
            shown.append(line)
            info(line)

        say(f"real AWS: account {me.account}, caller {me.arn}, region {regions}"
            + (f", endpoint {self.endpoint}" if self.endpoint else "") + f", run {self.run_id}")
        say(f"{action}:")
        for line in lines or ["(nothing listed)"]:
            say(f"  {line}")
        if self.asker is not None and not self.options.yes:
            if not self.asker(me.account, shown):
                raise UsageError("real AWS: not confirmed; nothing changed")
            self.confirmed = True
            return
        if self.options.yes:
            if not self.options.account:
                raise UsageError(f"real AWS: --yes needs --account {me.account} (the account you mean), so a wrong "
                                 "profile can never change another account: refused, nothing changed")
            self.confirmed = True
            return
        if not (sys.stdin.isatty() and sys.stderr.isatty()):
            raise UsageError(f"real AWS: this changes account {me.account} and there is no terminal to ask: run it "
                             f"in a terminal, or add --yes --account {me.account}; nothing changed")
        sys.stderr.write(f"Type the account id {me.account} to go ahead (anything else stops): ")
        sys.stderr.flush()
        answer = sys.stdin.readline().strip()
        if answer != me.account:
            raise UsageError("real AWS: not confirmed; nothing changed")
        self.confirmed = True


def _noop(**_: Any) -> None:
    return None


# region -------------------------------------------------------------------------------------
#: A region or Availability Zone name in a lab's text (us-east-1, us-east-1a, ap-northeast-2).
REGION_NAME = re.compile(r"\b(?:us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d[a-z]?\b")
#: Services managed from one region whatever region the student picks.
GLOBAL_SERVICES = {"cloudfront": "CloudFront (its certificates live in us-east-1)",
                   "globalaccelerator": "Global Accelerator (managed through us-west-2)"}


def pinned_reason(lab: Any) -> str | None:
    """Why a lab must run in its own region (``lab.region``), or None when it runs in any.

    The lab's own words decide: a graded lab reads the week's labs where they run; a lab using
    a global service, or whose commands or introduction name a region or zone (``us-east-1a``
    in a create-subnet, "in us-east-1" in the intro), is written for that region and its
    checks look there.
    """
    if lab.graded:
        return f"it grades the week's labs, which run in {lab.region}"
    commands = [c for s in lab.steps for c in s.commands]
    for service, why in GLOBAL_SERVICES.items():
        if any(re.search(rf"\baws {service}\b", c) for c in commands):
            return f"it uses {why}"
    for text in (*commands, lab.intro.en):
        named = REGION_NAME.search(text)
        if named:
            return f"it is written for {named.group(0)}"
    return None


def lab_in_region(lab: Any, backend: Any, region: str | None = None) -> Any:
    """The lab as real mode runs it: in ``region`` (a capstone's), else its own when pinned,
    else the backend's (--region / AWS_REGION / settings.toml). Its solutions, checks, records
    and cleanup all read ``lab.region``, so they use the same one. Other backends: unchanged."""
    if backend.kind != "real":
        return lab
    chosen = region or (lab.region if pinned_reason(lab) else backend.region)
    backend.lab_regions[lab.id] = chosen
    return lab if chosen == lab.region else lab.model_copy(update={"region": chosen})


def region_note(lab: Any, backend: Any) -> tuple[str, str] | None:
    """One line (en, ko) saying where a pinned lab runs in real mode, or None."""
    why = pinned_reason(lab) if backend.kind == "real" else None
    if why is None:
        return None
    moved = backend.region != lab.region
    return (f"this lab runs in {lab.region}: {why}" + (f" (not in {backend.region}, the region you chose)" if moved else ""),
            f"이 실습은 {lab.region}에 맞춰 작성되어 그곳에서 실행됩니다" + (f"(선택한 {backend.region}가 아님)" if moved else ""))


# cleanup ------------------------------------------------------------------------------------
def guarded_cleanup(runner: Any, records: list[dict[str, Any]], dry_run: bool,
                    step_id: str | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Run a lab's cleanup with every changing call guarded (tutor.labs.real_guard).

    Returns the report (the guard's log: what was — or in a dry run would be — deleted, and
    what was left alone and why, plus what the lab itself kept) and the ids deleted. A refusal
    a lab's cleanup does not catch ends that lab's cleanup there: reported, never forced.
    """
    from botocore.exceptions import ClientError  # noqa: PLC0415

    from tutor.errors import TutorError  # noqa: PLC0415
    from tutor.labs.real_guard import REFUSED, CleanupGuard  # noqa: PLC0415

    backend, lab = runner.backend, runner.lab
    guard = CleanupGuard(lab.id, records, lambda service: backend.client(service, lab.region), dry_run)
    backend.guards[lab.id] = guard
    saved_clients, saved_endpoint = dict(runner.ctx._clients), runner.ctx.endpoint
    runner.ctx._clients.clear()  # clients made from here on carry the guard
    if dry_run:  # a dry run deletes nothing, so it must wait for nothing: labs skip waits on an endpoint
        runner.ctx.endpoint = saved_endpoint or "dry-run"
    lab_report: list[dict[str, Any]] = []
    try:
        lab_report = runner.cleanup(step_id)
    except TutorError as exc:
        cause = exc.__cause__
        if not (isinstance(cause, ClientError) and cause.response.get("Error", {}).get("Code") == REFUSED):
            raise
        guard.log.append({"type": "cleanup", "id": lab.id, "deleted": False,
                          "reason": "stopped at the first resource that is not the tutor's (listed above); "
                                    "what follows it in the lab's cleanup was not reached"})
    finally:
        backend.guards.pop(lab.id, None)
        runner.ctx._clients.clear()
        runner.ctx._clients.update(saved_clients)
        runner.ctx.endpoint = saved_endpoint
    seen = {(r["id"]) for r in guard.log}
    kept = [r for r in lab_report if not r.get("deleted") and r.get("id") not in seen]
    return guard.log + kept, guard.deleted


# the capstone ------------------------------------------------------------------------------
def capstone_steps(capstone: Any, area_ids: list[str], week: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The week's lab steps a real-mode solve of the capstone's areas runs, lab by lab in day
    order: the same steps its sandbox solutions build (tutor.capstone.rubric.area_steps,
    tutor.capstone.evidence.steps_up_to). Real mode runs them through each lab's own runner, so
    they carry that lab's tags, records and cleanup guard."""
    from tutor.capstone import evidence, rubric  # noqa: PLC0415

    return [(lab.id, [s.id for s in steps])
            for lab, steps in evidence.steps_up_to(week, rubric.area_steps(area_ids), capstone.region)]
