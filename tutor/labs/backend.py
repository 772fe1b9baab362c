"""Where a lab runs: the local sandbox, another AWS-compatible endpoint, or real AWS.

The backend builds boto3 clients for a lab's region and turns every way a call can fail for
reasons that are not the student's (unreachable endpoint, no credentials, an action the sandbox
does not emulate, throttling) into one typed :class:`EnvironmentFailure` with a one-line reason.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from typing import Any, Iterator

from tutor import sandbox
from tutor.errors import EnvironmentFailure, NotEmulated, TutorError, UsageError

REAL_NOT_HERE = ("--real is not available for this command: it would change a real account in a way "
                 "the tutor has no guard rails for. Use the sandbox (the default) or --endpoint-url URL.")


#: Services whose API answers in one Region only, whatever Region their resources serve: a client
#: of theirs is made there, whichever Region a lab or a cleanup asks for.
API_REGIONS = {"globalaccelerator": "us-west-2"}

_SESSION: dict[str, Any] = {}
_SESSION_LOCK = threading.Lock()
_CLIENTS: dict[tuple[Any, ...], Any] = {}


def _session() -> Any:
    """One boto3 session for the process: building one loads the SDK's data (~0.3 s each).
    Sessions are not thread-safe, so clients are made under a lock (clients themselves are)."""
    import boto3  # noqa: PLC0415 - only when a lab really talks to AWS

    from tutor.labs import sdk_cache  # noqa: PLC0415

    if "session" not in _SESSION:
        _SESSION["session"] = sdk_cache.install(boto3.session.Session())
    return _SESSION["session"]


@dataclass
class Backend:
    kind: str  # "sandbox" | "endpoint" | "real"
    endpoint: str | None
    temporary: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "endpoint": self.endpoint, "temporary": self.temporary}

    def describe(self) -> str:
        if self.kind == "real":
            return "real AWS"
        extra = " (started for this command; empty)" if self.temporary else ""
        return f"{self.kind} {self.endpoint}{extra}"

    def confirm(self, action: str, lines: list[str], info: Any) -> None:
        """Before a change: only real AWS asks (see tutor.labs.real); elsewhere nothing to ask."""

    def client(self, service: str, region: str, lab_id: str | None = None) -> Any:
        from botocore.config import Config  # noqa: PLC0415

        region = API_REGIONS.get(service, region)
        config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5,
                        read_timeout=120)
        kwargs: dict[str, Any] = {"region_name": region, "config": config}
        if self.endpoint:
            kwargs["endpoint_url"] = self.endpoint
            if not (os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY")):
                kwargs["aws_access_key_id"] = sandbox.CREDENTIALS["AWS_ACCESS_KEY_ID"]
                kwargs["aws_secret_access_key"] = sandbox.CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
        with _SESSION_LOCK:
            # a plain "real" backend is the capstone's read-only client cache (tutor.capstone.evidence):
            # it reads the account real mode checked, with that command's --profile
            session = _SESSION.get("real") if self.kind == "real" else None
            if session is not None or not self.endpoint:
                return (session or _session()).client(service, **kwargs)
            # Building a client builds its whole API (5-30 ms); an endpoint's clients carry no
            # hooks, and are thread-safe, so one per service, Region, endpoint and key serves all.
            key = (service, region, self.endpoint, kwargs.get("aws_access_key_id") or os.environ.get("AWS_ACCESS_KEY_ID"),
                   kwargs.get("aws_secret_access_key") or os.environ.get("AWS_SECRET_ACCESS_KEY"))
            cached = _CLIENTS.get(key)
            if cached is None:
                cached = _CLIENTS[key] = _session().client(service, **kwargs)
            return cached


@contextlib.contextmanager
def resolve(endpoint_url: str | None = None, real: bool = False, options: Any = None) -> Iterator[Backend]:
    """Pick the backend for one command: real AWS (``--real``, or ``backend = "real"`` in
    settings.toml), ``--endpoint-url``, ``AWS_ENDPOINT_URL``, the sandbox.

    Real AWS needs ``options`` (a :class:`tutor.labs.real.RealOptions`): a command that passes
    none has no guard rails for a real account and refuses ``--real``. Real mode still honours
    an endpoint (then it runs against e.g. a moto server playing the account).
    """
    if options is not None and not real and not endpoint_url:
        from tutor import settings  # noqa: PLC0415

        real = settings.load().backend == "real"
    if real:
        if options is None:
            raise UsageError(REAL_NOT_HERE)
        yield open_real(endpoint_url, options)
        return
    url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    if url:
        yield Backend("endpoint", check_endpoint(url))
        return
    with sandbox.endpoint_for_command() as (endpoint, temporary):
        yield Backend("sandbox", endpoint, temporary)


def open_real(endpoint_url: str | None, options: Any) -> Backend:
    """The real backend, its caller known and its account past the deny/allow/alias checks."""
    from tutor import settings  # noqa: PLC0415
    from tutor.errors import TutorError  # noqa: PLC0415
    from tutor.labs.real import RealBackend  # noqa: PLC0415

    url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    backend = RealBackend(check_endpoint(url) if url else None, options, settings.load())
    try:
        backend.check_account()
    except TutorError:
        raise
    except Exception as exc:  # noqa: BLE001 - the SDK's many errors, made into guidance
        failure = translate(exc, backend)
        if failure is None:
            raise
        raise failure from exc
    use_real_session(backend.session)  # only once the account passed the checks
    return backend


def use_real_session(session: Any) -> None:
    """Real mode opened ``session`` (its --profile): plain real-backend clients use it too."""
    with _SESSION_LOCK:
        _SESSION["real"] = session


def check_endpoint(url: str) -> str:
    """An endpoint URL as boto3 needs it, or a usage error saying what is wrong with it."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        port = parts.port  # raises ValueError when out of range or not a number
    except ValueError as exc:
        raise UsageError(f"--endpoint-url {url!r} is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url.strip():
        raise UsageError(f"--endpoint-url must look like http://127.0.0.1:5599, not {url!r}")
    if port == 0:
        raise UsageError(f"--endpoint-url {url!r}: port 0 is not a port a server listens on")
    return url.strip().rstrip("/")


def translate(exc: BaseException, backend: Backend) -> TutorError | None:
    """The environment failure behind an exception from a boto3 call, or None if it is a bug.
    An unknown profile is the command line's mistake, not the environment's: a usage error (2)."""
    import botocore.exceptions as bce  # noqa: PLC0415
    from botocore.parsers import ResponseParserError  # not in botocore.exceptions

    if isinstance(exc, bce.ProfileNotFound):  # wherever botocore first notices it
        return UsageError(aws_guidance(exc, backend) or str(exc))
    where = backend.describe()
    if isinstance(exc, NotImplementedError):
        return NotEmulated(f"this action is not emulated by the sandbox ({where}): {exc}")
    if isinstance(exc, (bce.EndpointConnectionError, bce.ConnectTimeoutError, bce.ConnectionClosedError,
                        bce.ReadTimeoutError)):
        hint = " — start it with `tutor sandbox start`" if backend.kind == "sandbox" else ""
        return EnvironmentFailure(f"cannot reach {where}{hint}")
    guidance = aws_guidance(exc, backend)
    if guidance is not None:
        return EnvironmentFailure(guidance)
    if isinstance(exc, ResponseParserError):
        return NotEmulated(f"an action is not emulated by {where} (unreadable error page)")
    if isinstance(exc, bce.ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        op = getattr(exc, "operation_name", "a call")
        if code in ("500", "InternalFailure", "NotImplemented") or status in (500, 501) or "not yet implemented" in str(err.get("Message", "")).lower():
            return NotEmulated(f"{op} is not emulated by {where}")
        return EnvironmentFailure(f"{op} failed on {where}: {code}: {err.get('Message', '')}".strip())
    if isinstance(exc, bce.BotoCoreError):
        return EnvironmentFailure(f"AWS SDK error on {where}: {exc}")
    if isinstance(exc, (ConnectionError, OSError)):
        return EnvironmentFailure(f"cannot reach {where}: {exc}")
    return None


# AWS errors made into guidance: one line that says what to do ------------------------------
THROTTLING = {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException", "SlowDown",
              "RequestThrottled", "RequestThrottledException", "ProvisionedThroughputExceededException"}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
          "UnauthorizedAccess", "Forbidden"}
QUOTAS = {"VpcLimitExceeded": "VPCs per Region", "InstanceLimitExceeded": "running On-Demand instances",
          "VcpuLimitExceeded": "running On-Demand vCPUs", "AddressLimitExceeded": "Elastic IP addresses per Region",
          "TooManyBuckets": "general purpose buckets per account", "SubnetLimitExceeded": "subnets per VPC",
          "DBInstanceQuotaExceeded": "DB instances per Region", "NodeQuotaForCustomerExceeded": "ElastiCache nodes per Region",
          "TooManyLoadBalancers": "load balancers per Region", "TooManyTargetGroups": "target groups per Region"}
IAM_PREFIX = {"monitoring": "cloudwatch", "email": "ses", "elasticmapreduce": "elasticmapreduce"}


def _profile(backend: Backend) -> str:
    options = getattr(backend, "options", None)
    return getattr(options, "profile", None) or os.environ.get("AWS_PROFILE") or "default"


def aws_guidance(exc: BaseException, backend: Backend) -> str | None:
    """The one-line guidance for an AWS error the student (not the tutor) can act on, or None."""
    import re  # noqa: PLC0415

    import botocore.exceptions as bce  # noqa: PLC0415

    profile = _profile(backend)
    if isinstance(exc, (bce.SSOTokenLoadError, bce.UnauthorizedSSOTokenError, bce.TokenRetrievalError)) or (
            isinstance(exc, bce.BotoCoreError) and "sso" in type(exc).__name__.lower()):
        return f"your AWS SSO session has expired or was never started: run `aws sso login --profile {profile}`, then the command again"
    if isinstance(exc, bce.ProfileNotFound):
        return f"AWS profile {profile!r}: no such profile in your AWS config (`aws configure list-profiles` lists them)"
    if isinstance(exc, (bce.NoCredentialsError, bce.PartialCredentialsError)):
        return ("no AWS credentials in the standard chain (environment, --profile/AWS_PROFILE, SSO): run `aws configure` "
                f"or `aws sso login --profile {profile}`, or use the sandbox (no --real)")
    if isinstance(exc, bce.WaiterError):
        name = getattr(exc, "name", "a waiter")
        return (f"a resource is stuck: still not done after the tutor waited ({name}: {getattr(exc, 'last_response', {}).get('Error', {}).get('Message', exc)}); "
                "AWS finishes deletions in the background: run the cleanup again in a few minutes")
    if not isinstance(exc, bce.ClientError):
        return None
    err = exc.response.get("Error", {})
    code, message = str(err.get("Code", "")), str(err.get("Message", "")).strip()
    op = getattr(exc, "operation_name", "a call")
    call = getattr(backend, "last_error_call", None) or {}
    region = call.get("region") or getattr(backend, "region", None) or "this region"
    if code in THROTTLING:
        attempts = exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
        return (f"AWS throttled {op} ({code}: {message}) and kept throttling after {attempts} retries with adaptive backoff: "
                "wait a minute and run the command again (what is done stays done)")
    if code in EXPIRED or ("expired" in message.lower() and code in ("InvalidClientTokenId", "UnrecognizedClientException")):
        return (f"your AWS credentials have expired ({code}): refresh them (`aws sso login --profile {profile}`, or new "
                "temporary keys), then run the command again")
    if code in DENIED or code.endswith("AccessDenied") or code.endswith("AccessDeniedException"):
        named = re.search(r"perform: ([a-z0-9-]+:[A-Za-z0-9]+)", message)
        prefix = IAM_PREFIX.get(call.get("prefix", ""), call.get("prefix", "")) if call.get("op") == op else ""
        action = named.group(1) if named else (f"{prefix}:{op}" if prefix else op)
        return f"access denied: this profile may not call {action} ({code}); allow the IAM action {action} for it, or use a profile that has it"
    if code == "OptInRequired" or (code in ("UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure")
                                   and region not in ("us-east-1", "this region")):
        return (f"region {region} is not enabled for this account ({code}): enable it (AWS console, Account, AWS Regions) "
                "or use a region that is, such as us-east-1")
    quota = QUOTAS.get(code)
    if quota or "LimitExceeded" in code or "QuotaExceeded" in code or code.startswith("TooMany"):
        what = quota or (message or code)
        return (f"a service quota is exceeded on {op}: {what} ({code}); delete what you no longer use or request an "
                "increase in the Service Quotas console")
    return None

