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
from tutor.errors import EnvironmentFailure, NotEmulated, UsageError

REAL_AWS_REFUSAL = (
    "real AWS is not enabled in this version of the tutor: its guard rails (account check, "
    "budget alarm, confirmation, cleanup of tagged resources only) are not built yet. "
    "Run labs on the sandbox (the default) or on an endpoint with --endpoint-url URL."
)


_SESSION: dict[str, Any] = {}
_SESSION_LOCK = threading.Lock()


def _session() -> Any:
    """One boto3 session for the process: building one loads the SDK's data (~0.3 s each).
    Sessions are not thread-safe, so clients are made under a lock (clients themselves are)."""
    import boto3  # noqa: PLC0415 - only when a lab really talks to AWS

    if "session" not in _SESSION:
        _SESSION["session"] = boto3.session.Session()
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

    def client(self, service: str, region: str) -> Any:
        from botocore.config import Config  # noqa: PLC0415

        config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5,
                        read_timeout=120)
        kwargs: dict[str, Any] = {"region_name": region, "config": config}
        if self.endpoint:
            kwargs["endpoint_url"] = self.endpoint
            if not (os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY")):
                kwargs["aws_access_key_id"] = sandbox.CREDENTIALS["AWS_ACCESS_KEY_ID"]
                kwargs["aws_secret_access_key"] = sandbox.CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
        with _SESSION_LOCK:
            return _session().client(service, **kwargs)


@contextlib.contextmanager
def resolve(endpoint_url: str | None = None, real: bool = False) -> Iterator[Backend]:
    """Pick the backend for one command: ``--endpoint-url``, ``AWS_ENDPOINT_URL``, the sandbox.

    With ``real`` the command is refused until real-AWS guard rails exist.
    """
    if real:
        raise UsageError(REAL_AWS_REFUSAL)
    url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    if url:
        yield Backend("endpoint", check_endpoint(url))
        return
    with sandbox.endpoint_for_command() as (endpoint, temporary):
        yield Backend("sandbox", endpoint, temporary)


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


def translate(exc: BaseException, backend: Backend) -> EnvironmentFailure | None:
    """The environment failure behind an exception from a boto3 call, or None if it is a bug."""
    import botocore.exceptions as bce  # noqa: PLC0415
    from botocore.parsers import ResponseParserError  # not in botocore.exceptions

    where = backend.describe()
    if isinstance(exc, NotImplementedError):
        return NotEmulated(f"this action is not emulated by the sandbox ({where}): {exc}")
    if isinstance(exc, (bce.EndpointConnectionError, bce.ConnectTimeoutError, bce.ConnectionClosedError,
                        bce.ReadTimeoutError)):
        hint = " — start it with `tutor sandbox start`" if backend.kind == "sandbox" else ""
        return EnvironmentFailure(f"cannot reach {where}{hint}")
    if isinstance(exc, (bce.NoCredentialsError, bce.PartialCredentialsError)):
        return EnvironmentFailure("no AWS credentials: configure them (aws configure) or use the sandbox")
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
