"""The local "StreamCloud web tier" that `tutor loadtest` loads when no ``--url`` is given.

Why processes and a shared socket: the lesson's point is that a tier scales *out*. The parent
binds one listening socket on 127.0.0.1 (a free port) and starts W worker processes
(``python -m tutor.loadtest.tier --fd N``) that inherit it and accept from it, as a pre-forked
web server does. Each request burns ``work_ms`` of the worker's own CPU time (SHA-256 over a
few KB until the thread's CPU clock has advanced that much), so one worker is bound by one core
and more workers serve more requests a second. Stdlib only.

Endpoints: ``GET /catalog`` (a JSON page of titles), ``GET /manifest/<title>`` (an HLS video
manifest), ``GET /healthz``; anything else 404.

No orphans: workers die with SIGINT/SIGTERM without a traceback, and each one watches its
parent and exits when the parent is gone (even after a kill -9 of the tutor).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TITLES = ("big-buck-bunny", "sintel", "tears-of-steel", "elephants-dream", "cosmos-laundromat",
          "spring", "agent-327", "coffee-run", "sprite-fright", "charge")
BLOCK = os.urandom(4096)
MAX_WORKERS = 32


def burn(work_ms: float) -> None:
    """Spend ``work_ms`` of this thread's CPU time hashing a 4 KB block (the request's work)."""
    if work_ms <= 0:
        return
    end = time.thread_time() + work_ms / 1000.0
    digest = BLOCK
    while time.thread_time() < end:
        digest = hashlib.sha256(digest + BLOCK).digest()


def catalog_page() -> bytes:
    items = [{"title": t, "manifest": f"/manifest/{t}", "duration_s": 600 + 37 * i} for i, t in enumerate(TITLES)]
    return json.dumps({"service": "StreamCloud", "page": 1, "items": items}).encode()


def manifest(title: str) -> bytes:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3"]
    for bandwidth, res in ((800_000, "640x360"), (2_800_000, "1280x720"), (5_000_000, "1920x1080")):
        lines += [f"#EXT-X-STREAM-INF:BANDWIDTH={bandwidth},RESOLUTION={res}", f"/video/{title}/{res}/index.m3u8"]
    return ("\n".join(lines) + "\n").encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as ab -k and the built-in generator use
    disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs (~40 ms a request)
    work_ms = 5.0

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = self.path.split("?", 1)[0]
        if path == "/healthz":
            body, ctype, status = b"ok\n", "text/plain", 200
        elif path == "/catalog":
            burn(self.work_ms)
            body, ctype, status = catalog_page(), "application/json", 200
        elif path.startswith("/manifest/") and path[len("/manifest/"):]:
            burn(self.work_ms)
            body, ctype, status = manifest(path[len("/manifest/"):]), "application/vnd.apple.mpegurl", 200
        else:
            body, ctype, status = b'{"error": "not found"}', "application/json", 404
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        return


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)


def serve(fd: int, work_ms: float, parent: int) -> None:
    """A worker: accept on the inherited socket ``fd`` until killed or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    Handler.work_ms = work_ms
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
    server.socket.close()
    server.socket = socket.socket(fileno=fd)
    server.daemon_threads = True
    server.serve_forever(poll_interval=0.2)


class LocalTier:
    """W worker processes behind one port on 127.0.0.1; a context manager that always stops them."""

    def __init__(self, workers: int = 2, work_ms: float = 5.0):
        self.workers, self.work_ms = workers, work_ms
        self.procs: list[subprocess.Popen] = []
        self.sock: socket.socket | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_timeout: float = 20.0) -> "LocalTier":
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(512)
        sock.set_inheritable(True)
        self.sock, self.port = sock, sock.getsockname()[1]
        fd = sock.fileno()
        cmd = [sys.executable, "-m", "tutor.loadtest.tier", "--fd", str(fd), "--work-ms", str(self.work_ms),
               "--parent", str(os.getpid())]
        try:
            for _ in range(self.workers):
                self.procs.append(subprocess.Popen(cmd, pass_fds=(fd,), stdin=subprocess.DEVNULL))
            self._wait_ready(ready_timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            dead = [p for p in self.procs if p.poll() is not None]
            if dead:
                raise OSError(f"a web tier worker exited with code {dead[0].returncode} at start")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as resp:
                    resp.read()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise OSError(f"the local web tier did not answer on {self.url} within {timeout:g} s") from None
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop every worker (SIGTERM, then SIGKILL after 3 s) and close the socket. Idempotent."""
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=3)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = []
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def __enter__(self) -> "LocalTier":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m tutor.loadtest.tier", description="one web tier worker")
    p.add_argument("--fd", type=int, required=True)
    p.add_argument("--work-ms", type=float, default=5.0)
    p.add_argument("--parent", type=int, default=os.getppid())
    args = p.parse_args(argv)
    serve(args.fd, args.work_ms, args.parent)


if __name__ == "__main__":
    main()
