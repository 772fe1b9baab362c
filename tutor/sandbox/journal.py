"""The sandbox's journal: the requests that changed state, written one line at a time, and
replayed at the next start so that everything comes back with the same ids.

moto keeps state only in memory and its own recorder is not safe to rebuild a lab from: it
records reads too (a long recording slows every start), it appends from parallel request
threads without a lock (two part uploads once shared one line), and ids drawn between
requests shift whenever a replay differs from the original run by one read. So the sandbox
serves every request under one lock, records only successful state-changing requests, and
reseeds moto's random generator before each of them with the request's index in the journal:
request N gets the same ids whatever reads came before it, in the original run and in a
replay. Lazily created backends (EC2's default VPC...) draw from their own seed, so when they
happen to be created does not matter either.

Imported only by the sandbox process (it imports moto).
"""

from __future__ import annotations

import base64
import io
import json
import sys
import threading
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs

READ_PREFIXES = ("Describe", "List", "Get", "Query", "Scan", "BatchGet", "Search", "Lookup", "Check", "Test")
# Environ keys that, with the headers and the body, describe a request completely.
REQUEST_KEYS = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "RAW_URI", "REQUEST_URI", "CONTENT_TYPE",
                "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme")
FORMAT = 3  # 3: recorded without the ECS-optimized AMIs (tutor.sandbox.lean)
#: Bodies from this size on (a lab's multipart parts are 8 MiB) are kept as raw bytes in the
#: journal's bodies file, the line saying where: as base64 inside JSON, two parts made 22 MB of
#: lines whose parsing took half a second of every later start.
BLOB_FROM = 64 * 1024


def seed_for(seed: int, index: int) -> str:
    return f"{seed}:{index}"


def changes_state(environ: dict[str, Any], body: bytes) -> bool:
    """Whether a request may change state (reads are never recorded and never wake a watch)."""
    method = environ.get("REQUEST_METHOD", "GET").upper()
    path = environ.get("PATH_INFO", "")
    if method in ("GET", "HEAD", "OPTIONS") or path.startswith(("/moto-api", "/_tutor")):
        return False
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:  # JSON protocol: DynamoDB_20120810.DescribeTable
        return not target.rsplit(".", 1)[-1].startswith(READ_PREFIXES)
    action = _query_action(environ, body)
    if action:  # query protocol: Action=DescribeVpcs
        return not action.startswith(READ_PREFIXES)
    if path.endswith("/invocations"):  # Lambda Invoke runs code; it changes no configuration
        return False
    return True


def _query_action(environ: dict[str, Any], body: bytes) -> str | None:
    for source in (environ.get("QUERY_STRING", ""),
                   body.decode("utf-8", "replace") if "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", "") else ""):
        values = parse_qs(source).get("Action")
        if values:
            return values[0]
    return None


def read_body(environ: dict[str, Any]) -> bytes:
    """The whole body (chunked or not), put back so the application can read it again."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = stream.read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ["wsgi.input_terminated"] = False
    return body


def entry(environ: dict[str, Any], body: bytes, preserved_key: str) -> dict[str, Any]:
    keep = {k: v for k, v in environ.items() if (k.startswith("HTTP_") or k in REQUEST_KEYS) and isinstance(v, str)}
    keep.pop("HTTP_TRANSFER_ENCODING", None)
    if isinstance(environ.get(preserved_key), dict):
        keep[preserved_key] = environ[preserved_key]
    if len(body) >= BLOB_FROM:
        return {"v": FORMAT, "environ": keep, "_raw": body}  # the journal writes it to its bodies file
    return {"v": FORMAT, "environ": keep, "body": base64.b64encode(body).decode("ascii")}


def bodies_path(path: Path) -> Path:
    return path.with_name(path.stem + ".bodies")


class Journal:
    """Append-only, one line per successful state-changing request, written under a lock."""

    def __init__(self, path: Path | None):
        self.path = path
        self.count = 0
        self.lock = threading.Lock()

    def append(self, record: dict[str, Any]) -> None:
        if self.path is None:
            self.count += 1
            return
        raw = record.pop("_raw", None)
        with self.lock:
            if raw is not None:
                # The body first: a crash between the two leaves unused bytes, never a line
                # pointing at bytes that are not there.
                with open(bodies_path(self.path), "ab") as blobs:
                    record["blob"] = [blobs.tell(), len(raw)]
                    blobs.write(raw)
                    blobs.flush()
            line = json.dumps(record, separators=(",", ":")) + "\n"
            with open(self.path, "a", encoding="utf-8") as out:
                out.write(line)
                out.flush()
        self.count += 1

    def clear(self) -> None:
        if self.path is not None:
            with self.lock:
                self.path.write_text("")
                bodies_path(self.path).unlink(missing_ok=True)

    def entries(self) -> Iterable[dict[str, Any]]:
        """The records, each body kept apart read back into it (``_raw``). A record whose body
        cannot be read is skipped and said, like a torn line: the rest still comes back."""
        if self.path is None or not self.path.exists():
            return []
        out = []
        blobs = bodies_path(self.path)
        with open(blobs, "rb") if blobs.exists() else io.BytesIO() as stored:
            for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
                try:
                    record = json.loads(line)
                except ValueError:  # a line torn by a crash: everything before it is intact
                    print(f"journal line {number} is unreadable and was skipped", file=sys.stderr)
                    continue
                if "blob" in record:
                    offset, length = record["blob"]
                    stored.seek(offset)
                    record["_raw"] = stored.read(length)
                    if len(record["_raw"]) != length:
                        print(f"journal line {number}: its body is missing from {blobs.name}; skipped", file=sys.stderr)
                        continue
                out.append(record)
        return out


def environ_for(record: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """A WSGI environ that repeats a recorded request in-process."""
    from werkzeug.test import EnvironBuilder

    body = record["_raw"] if "_raw" in record else base64.b64decode(record.get("body") or "")
    saved = record["environ"]
    environ = EnvironBuilder(method=saved.get("REQUEST_METHOD", "POST"), data=body).get_environ()
    environ.update(saved)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return environ, body


def legacy_environ(record: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """A request of moto's own recorder format (``url``, ``headers``), from earlier versions."""
    from urllib.parse import urlsplit

    from werkzeug.test import EnvironBuilder

    body: Any = record.get("body") or b""
    if record.get("body_encoded"):
        body = base64.b64decode(body)
    elif isinstance(body, str):
        body = body.encode("utf-8")
    headers = {k: v for k, v in (record.get("headers") or {}).items() if k.lower() != "transfer-encoding"}
    url = urlsplit(record["url"])
    environ = EnvironBuilder(path=url.path, query_string=url.query, method=record.get("method", "GET"),
                             headers=headers, data=body, base_url=f"{url.scheme}://{url.netloc}").get_environ()
    environ["CONTENT_LENGTH"] = str(len(body))
    return environ, body


def call(app: Callable, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Run a WSGI app to completion: status code, headers, body."""
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list, exc_info: Any = None) -> Callable:
        captured["status"], captured["headers"] = status, headers
        return lambda data: None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return int(captured["status"].split()[0]), captured["headers"], body


class _Isolation:
    enabled = True


def make_ids_reproducible(seed: int) -> None:
    """Patch moto where ids would not come back the same in a replay.

    - A backend (per service, account and region) is created on first use, and creating
      EC2's draws ids for the default VPC; it now draws from its own seed, so it does not
      matter whether a read or a write first touched it.
    - Multipart upload ids come from ``os.urandom``; they now come from the seeded generator.
    - RDS names the secret of a managed master password with ``uuid.uuid4``; likewise.
    """
    import types
    import zlib

    from moto.core.base_backend import AccountSpecificBackend
    from moto.moto_api._internal import mock_random
    from moto.rds import models as rds_models
    from moto.s3.models import FakeMultipart

    original_get = AccountSpecificBackend.__getitem__
    if not getattr(original_get, "_tutor_patched", False):
        def getitem(self: Any, region_name: str) -> Any:
            if not _Isolation.enabled or dict.__contains__(self, region_name):
                return original_get(self, region_name)
            state = mock_random.getstate()
            mock_random.seed(zlib.crc32(f"{seed}:{self.service_name}:{self.account_id}:{region_name}".encode()))
            try:
                return original_get(self, region_name)
            finally:
                mock_random.setstate(state)

        getitem._tutor_patched = True  # type: ignore[attr-defined]
        AccountSpecificBackend.__getitem__ = getitem  # type: ignore[method-assign]

    original_init = FakeMultipart.__init__
    if not getattr(original_init, "_tutor_patched", False):
        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            original_init(self, *args, **kwargs)
            raw = mock_random.getrandbits(8 * 32).to_bytes(32, "little")
            self.id = base64.b64encode(raw).decode().replace("=", "").replace("+", "").replace("/", "")

        init._tutor_patched = True  # type: ignore[attr-defined]
        FakeMultipart.__init__ = init  # type: ignore[method-assign]

    rds_models.uuid = types.SimpleNamespace(uuid4=mock_random.uuid4, UUID=__import__("uuid").UUID)


def legacy_replay(enabled: bool) -> None:
    """Replaying an old recording (reads included, one seed) must draw ids as it was made."""
    _Isolation.enabled = not enabled
