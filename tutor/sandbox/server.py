"""The sandbox process: a moto server on 127.0.0.1 that keeps its state across restarts.

Run as ``python -m tutor.sandbox.server --port N --state DIR``. moto keeps state only in
memory, so every request that changes state is written to ``DIR/journal.jsonl`` and replayed
at the next start with the same ids (``tutor.sandbox.journal`` says how). The server also
counts those requests and answers a long poll on them (``/_tutor/changes``), so a lab watch
re-checks the moment a student's command lands.

The server, not the manager that starts it, owns its records: it holds ``DIR/sandbox.lock`` (one
sandbox per folder, so never two writing one journal), writes ``DIR/state.json`` (pid, port,
folder) as soon as it listens, and its health answer names its folder. A manager killed while
starting it therefore leaves a sandbox the next `tutor sandbox start` finds and reuses.

This module imports moto and must only run in its own process (moto holds hundreds of MB).
"""

from __future__ import annotations

import argparse
import gc
import http
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from tutor.sandbox import CHANGES_PATH, HEALTH_PATH, RESET_PATH, SEED  # the package never imports moto
from tutor.sandbox import journal as jr
from tutor.sandbox import lean


class Sandbox:
    """moto behind one lock, with the journal and the change counter."""

    def __init__(self, moto_app: Any, journal: jr.Journal, legacy: Path | None, preserved_key: str):
        from moto.moto_api._internal import mock_random

        self.moto_app, self.journal, self.legacy, self.preserved_key = moto_app, journal, legacy, preserved_key
        self.random = mock_random
        self.served = threading.Lock()  # one request at a time: the ids a write draws are reproducible
        self.changed = threading.Condition()
        self.changes = 0

    def replay(self) -> int:
        done = 0
        with self.served:
            records = list(self.journal.entries())
            has_legacy = self.legacy is not None and self.legacy.exists() and bool(self.legacy.stat().st_size)
            # Before the first backend is created: an older journal's ids were drawn after every AMI.
            lean.set_enabled(lean.lean_for(records[0] if records else None, has_legacy))
            if has_legacy:
                jr.legacy_replay(True)
                self.random.seed(SEED)
                try:
                    for line in self.legacy.read_text(encoding="utf-8").splitlines():
                        try:
                            self._quiet_call(jr.legacy_environ(json.loads(line))[0])
                            done += 1
                        except ValueError:
                            continue
                finally:
                    jr.legacy_replay(False)
            for index, record in enumerate(records):
                self.random.seed(jr.seed_for(SEED, index))
                self._quiet_call(jr.environ_for(record)[0])
                done += 1
            self.journal.count = len(records)
        return done

    def _quiet_call(self, environ: dict[str, Any]) -> None:
        status, _, _ = jr.call(self.moto_app, environ)
        if status >= 400:  # the sandbox may have changed under an old journal: say so, go on
            print(f"replay: {environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')} -> {status}", file=sys.stderr)

    def serve(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = jr.read_body(environ)
        write = jr.changes_state(environ, body)
        record = jr.entry(environ, body, self.preserved_key) if write else None
        with self.served:
            if write:
                self.random.seed(jr.seed_for(SEED, self.journal.count))
            status, headers, payload = jr.call(self.moto_app, environ)
            if record is not None and status < 400:
                self.journal.append(record)
                self._bump()
        start_response(f"{status} {_phrase(status)}", headers)
        return [payload]

    def _bump(self) -> None:
        with self.changed:
            self.changes += 1
            self.changed.notify_all()

    def wait_changes(self, since: int, wait: float) -> int:
        deadline = time.monotonic() + max(0.0, min(wait, 60.0))
        with self.changed:
            while self.changes <= since and time.monotonic() < deadline:
                self.changed.wait(deadline - time.monotonic())
            return self.changes

    def reset(self) -> None:
        """Forget every resource and the journal that would bring them back."""
        from werkzeug.test import EnvironBuilder

        with self.served:
            lean.set_enabled(True)  # the journal starts again, in this version's format
            jr.call(self.moto_app, EnvironBuilder(path="/moto-api/reset", method="POST").get_environ())
            self.journal.clear()
            if self.legacy is not None:
                self.legacy.unlink(missing_ok=True)
            self.journal.count = 0
        self._bump()


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def main(argv: list[str] | None = None) -> int:
    # Starting builds moto's and botocore's long-lived objects (modules, models, the replayed
    # state) and little garbage: the collector's passes over them were a third of a start with a
    # week's journal (0.97 -> 0.67 s). Off until ready, then those objects are frozen out of it.
    gc.disable()
    parser = argparse.ArgumentParser(prog="tutor-sandbox-server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state", type=Path, help="folder for the journal; omit for a throwaway sandbox")
    args = parser.parse_args(argv)

    journal_path = legacy = None
    if args.state:
        args.state.mkdir(parents=True, exist_ok=True)
        journal_path, legacy = args.state / "journal.jsonl", args.state / "recording.jsonl"
        # Before moto's slow import: a second sandbox of this folder stops here, not after replaying.
        folder_lock = _lock_folder(args.state)  # noqa: F841 - held (open) for the life of the process
        if folder_lock is None:
            print(f"another sandbox already serves {args.state} (pid {_lock_owner(args.state)}); "
                  "one folder, one sandbox, one journal", file=sys.stderr)
            return 3
    for var in ("MOTO_ENABLE_RECORDING", "MOTO_RECORDER_FILEPATH"):
        os.environ.pop(var, None)  # moto's own recorder stays off: the journal replaces it

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # Before anything imports moto: importing moto.core imports its EC2 models, which list the
    # Regions as they load (lean makes that cheap).
    lean.apply()
    from moto.core.request import PRESERVED_HEADER_NAMES_ENVIRON_KEY  # noqa: PLC0415 - heavy
    from moto.moto_server.werkzeug_app import (  # noqa: PLC0415
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from tutor.sandbox import fidelity

    fidelity.apply()
    jr.make_ids_reproducible(SEED)
    sandbox = Sandbox(DomainDispatcherApplication(create_backend_app), jr.Journal(journal_path), legacy,
                      PRESERVED_HEADER_NAMES_ENVIRON_KEY)
    state = {"sandbox": "saa-tutor", "pid": os.getpid(), "port": args.port,
             "persistent": journal_path is not None, "ready": False,
             # Whose it is: the manager reuses a sandbox of its own folder found on the port.
             "state_dir": str(args.state.resolve()) if args.state else None}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ.get("PATH_INFO")
        # Answered here, not by moto: never recorded, never replayed.
        if path == HEALTH_PATH:
            return _json(start_response, {**state, "changes": sandbox.changes})
        if path == CHANGES_PATH:
            query = parse_qs(environ.get("QUERY_STRING", ""))
            since = int((query.get("since") or ["0"])[0] or 0)
            wait = float((query.get("wait") or ["0"])[0] or 0)
            return _json(start_response, {"changes": sandbox.wait_changes(since, wait)})
        if path == RESET_PATH and environ.get("REQUEST_METHOD") == "POST":
            sandbox.reset()
            return _json(start_response, {"reset": True})
        return sandbox.serve(environ, start_response)

    class QuietHandler(MotoRequestHandler):
        def log_request(self, *a: Any, **k: Any) -> None:  # one line per request would flood the log
            pass

    try:
        server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=QuietHandler)
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 3
    if args.state:
        _write_state_file(args.state, args.port)  # the manager may die any moment now: the server says where it is
    threading.Thread(target=server.serve_forever, daemon=True).start()
    replayed = sandbox.replay()
    gc.freeze()
    gc.enable()
    state["ready"] = True  # the manager waits for this: replayed state is complete
    print(f"sandbox ready on http://127.0.0.1:{args.port} ({replayed} requests replayed)", file=sys.stderr, flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    # Stop at once, and whole: holding the lock, no request is between its change and its
    # journal line (each line is written and flushed inside it). Shutting down politely
    # (werkzeug's half-second poll, then the interpreter tearing down moto's heap) took over a
    # second of every `tutor sandbox stop` and restart.
    with sandbox.served:
        if args.state:
            _remove_state_file(args.state)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return 0  # not reached


STATE_FILE, LOCK_FILE = "state.json", "sandbox.lock"


def _lock_folder(folder: Path, attempts: int = 40) -> Any:
    """An exclusive flock on ``folder/sandbox.lock`` (the open file, to keep), or None if another
    live sandbox holds it. A manager peeking at the lock holds it for an instant: retried ~2 s."""
    import fcntl  # noqa: PLC0415 - POSIX; the sandbox runs where the tutor runs

    handle = open(folder / LOCK_FILE, "a+")
    for _ in range(attempts):
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            time.sleep(0.05)
            continue
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        return handle
    handle.close()
    return None


def _lock_owner(folder: Path) -> str:
    try:
        return (folder / LOCK_FILE).read_text().strip() or "?"
    except OSError:
        return "?"


def _write_state_file(folder: Path, port: int) -> None:
    data = {"port": port, "pid": os.getpid(), "state_dir": str(folder.resolve()), "started_at": time.time()}
    tmp = folder / f".{STATE_FILE}.{os.getpid()}"
    tmp.write_text(json.dumps(data))
    os.replace(tmp, folder / STATE_FILE)


def _remove_state_file(folder: Path) -> None:
    """Only this server's: a state file another start wrote since is left alone."""
    try:
        if json.loads((folder / STATE_FILE).read_text()).get("pid") == os.getpid():
            (folder / STATE_FILE).unlink()
    except (OSError, ValueError):
        pass


def _json(start_response: Any, data: dict[str, Any]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(data).encode()]


if __name__ == "__main__":
    sys.exit(main())
