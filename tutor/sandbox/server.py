"""The sandbox process: a moto server on 127.0.0.1 that keeps its state across restarts.

Run as ``python -m tutor.sandbox.server --port N --state DIR``. moto keeps state only in memory,
so the server records every request to ``DIR/recording.jsonl`` and replays it at the next start.
moto's ids come from a random generator; seeding it with the same value before recording and
before replaying makes the replayed VPCs, subnets and groups come back with their old ids, so
what the student typed with the CLI still refers to the right resources.

This module imports moto and must only run in its own process (moto holds hundreds of MB).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import urllib.request
from pathlib import Path

from tutor.sandbox import HEALTH_PATH, SEED  # the package never imports moto


def _post(base: str, path: str) -> None:
    req = urllib.request.Request(base + path, data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=600) as resp:
        resp.read()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tutor-sandbox-server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state", type=Path, help="folder for the recording; omit for a throwaway sandbox")
    args = parser.parse_args(argv)

    recording = None
    if args.state:
        args.state.mkdir(parents=True, exist_ok=True)
        recording = args.state / "recording.jsonl"
        os.environ["MOTO_RECORDER_FILEPATH"] = str(recording)
    os.environ.pop("MOTO_ENABLE_RECORDING", None)  # recording starts only after the replay

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.moto_server.werkzeug_app import (  # noqa: PLC0415 - heavy, only in this process
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from tutor.sandbox import fidelity

    fidelity.apply()
    moto_app = DomainDispatcherApplication(create_backend_app)
    state = {"sandbox": "saa-tutor", "pid": os.getpid(), "port": args.port,
             "persistent": recording is not None, "ready": False}

    def app(environ, start_response):
        # Answered here, not by moto, so health checks are never recorded or replayed.
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps(state).encode()]
        return moto_app(environ, start_response)

    class QuietHandler(MotoRequestHandler):
        def log_request(self, *a, **k):  # one line per request would flood the log
            pass

    try:
        server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=QuietHandler)
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 3
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{args.port}"
    _post(base, f"/moto-api/seed?a={SEED}")
    if recording is not None:
        if recording.exists() and recording.stat().st_size:
            _post(base, "/moto-api/recorder/replay-recording")
        _post(base, "/moto-api/recorder/start-recording")
    state["ready"] = True  # the manager waits for this: replayed state is complete
    print(f"sandbox ready on {base}", file=sys.stderr, flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
