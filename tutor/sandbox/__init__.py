"""The local sandbox: start, stop and find the moto server that labs run against.

This module only manages the process (``tutor.sandbox.server``) over HTTP and signals; it never
imports moto, so the TUI's home screen and the CLI stay light. The server records itself (its
state file, its folder lock, its health answer naming its folder), so a tutor killed while
starting it never leaves an orphan: the next start finds that sandbox and reuses it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

from tutor import paths
from tutor.errors import EnvironmentFailure, UsageError

DEFAULT_PORT = 5599
HEALTH_PATH = "/_tutor/health"
#: Long poll: ``?since=N&wait=S`` answers ``{"changes": M}`` once M > N state-changing
#: requests have been served (or after S seconds), so a lab watch wakes on the student's command.
CHANGES_PATH = "/_tutor/changes"
#: Empties the sandbox and its journal in one step (POST).
RESET_PATH = "/_tutor/reset"
#: moto's ids come from a random generator; the same seed before recording and before replaying
#: brings resources back with their old ids.
SEED = 20260525
#: What keeps the sandbox's state between runs: the journal, the large request bodies it points
#: into, and recording.jsonl, the format of earlier versions.
JOURNAL_FILES = ("journal.jsonl", "recording.jsonl", "journal.bodies")
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@dataclass
class SandboxStatus:
    running: bool
    port: int | None = None
    pid: int | None = None
    endpoint: str | None = None
    persistent: bool = False
    recording: str | None = None
    #: ``start`` found this data folder's sandbox already there (perhaps orphaned) and kept it.
    reused: bool = False

    def to_json(self) -> dict:
        data = asdict(self)
        data["env"] = env_lines(self.endpoint) if self.endpoint else []
        return data


def env_lines(endpoint: str, region: str = "us-east-1") -> list[str]:
    """Shell lines that point a student's `aws` CLI at the sandbox."""
    return [
        f"export AWS_ENDPOINT_URL={endpoint}",
        f"export AWS_ACCESS_KEY_ID={CREDENTIALS['AWS_ACCESS_KEY_ID']}",
        f"export AWS_SECRET_ACCESS_KEY={CREDENTIALS['AWS_SECRET_ACCESS_KEY']}",
        f"export AWS_DEFAULT_REGION={region}",
    ]


def default_port() -> int:
    """5599, or ``TUTOR_SANDBOX_PORT`` (for a machine where 5599 is taken)."""
    value = os.environ.get("TUTOR_SANDBOX_PORT")
    if not value:
        return DEFAULT_PORT
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise UsageError(f"TUTOR_SANDBOX_PORT must be a port between 1 and 65535, not {value!r}")
    return int(value)


def _state_file() -> Path:
    return paths.sandbox_dir() / "state.json"


def _health(port: int, timeout: float = 1.0) -> dict | None:
    try:
        import urllib.request  # noqa: PLC0415 - 13 ms with http and ssl: not before the home screen

        with urllib.request.urlopen(f"http://127.0.0.1:{port}{HEALTH_PATH}", timeout=timeout) as resp:
            data = json.loads(resp.read())
            return data if data.get("sandbox") == "saa-tutor" else None
    except (OSError, ValueError):  # urllib.error.URLError is an OSError
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _exited(pid)


def _exited(pid: int) -> bool:
    """A process that has exited but not yet been collected by its parent (a zombie) still answers
    kill(pid, 0). The sandbox outlives the command that started it, so its parent is init; where
    init is slow to collect (1-1.5 s in a container here) `tutor sandbox stop` and every restart
    waited for it, and where nothing collects (a container without an init) for the whole timeout."""
    try:
        with open(f"/proc/{pid}/status", "rb") as file:
            fields = dict(line.split(b":", 1) for line in file.read().splitlines() if b":" in line)
    except OSError:
        return False  # no /proc (macOS): kill(pid, 0) is the answer there
    # Its first thread shows Z while the others are still being torn down (its port still open):
    # exited is Z with one thread left.
    return fields.get(b"State", b"").strip()[:1] == b"Z" and fields.get(b"Threads", b"").strip() == b"1"


def _own_folder() -> str:
    return str(paths.sandbox_dir().resolve())


def _whose(health: dict) -> str | None:
    """The folder a sandbox serves (None: an older server that does not say)."""
    return health.get("state_dir")


def _running(port: int, health: dict, pid: int | None = None) -> SandboxStatus:
    return SandboxStatus(
        running=True, port=port, pid=health.get("pid", pid), endpoint=f"http://127.0.0.1:{port}",
        persistent=bool(health.get("persistent")), recording=str(paths.sandbox_dir() / JOURNAL_FILES[0]),
    )


def status() -> SandboxStatus:
    """This data folder's sandbox, if it runs and answers: found by the state file its server
    writes, else on the default port (a sandbox whose state file was lost), by its folder."""
    try:
        state = json.loads(_state_file().read_text())
    except (OSError, ValueError):
        state = {}
    port, pid = state.get("port"), state.get("pid")
    if port:
        health = _health(port)
        if health and health.get("ready") and _whose(health) in (None, _own_folder()):
            return _running(port, health, pid)
        return SandboxStatus(running=False, port=port)
    try:
        port = default_port()
    except UsageError:
        return SandboxStatus(running=False)
    health = _health(port, timeout=0.5)
    if health and health.get("ready") and _whose(health) == _own_folder():
        return _running(port, health)
    return SandboxStatus(running=False)


def _folder_busy() -> bool:
    """Does a live sandbox hold this folder's lock (running, starting, or orphaned while starting)?"""
    try:
        import fcntl  # noqa: PLC0415
    except ImportError:  # pragma: no cover - not POSIX: no lock to ask
        return False
    lock = paths.sandbox_dir() / "sandbox.lock"
    if not lock.exists():
        return False
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _await_own(timeout: float) -> SandboxStatus | None:
    """Wait for this folder's live sandbox to be ready; None if it dies first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = status()
        if current.running:
            return current
        if not _folder_busy():
            return None
        time.sleep(0.1)
    raise EnvironmentFailure(f"this folder's sandbox did not become ready within {timeout:.0f} s "
                             f"(log: {paths.sandbox_dir() / 'sandbox.log'})")


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _spawn(port: int, state_dir: Path | None, log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "tutor.sandbox.server", "--port", str(port)]
    if state_dir is not None:
        cmd += ["--state", str(state_dir)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTO_")}
    with open(log, "ab") as out:
        # A new session: the sandbox outlives the command (and the terminal) that started it.
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                start_new_session=True, env=env, cwd=str(paths.PROJECT_ROOT))


def _wait_ready(proc: subprocess.Popen, port: int, log: Path, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = _health(port, timeout=0.5)
        if health and health.get("ready"):
            return health["pid"]
        if proc.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
            raise EnvironmentFailure(
                f"the sandbox stopped while starting (exit {proc.returncode}): {' '.join(tail) or 'see ' + str(log)}"
            )
        time.sleep(0.1)
    proc.terminate()
    raise EnvironmentFailure(f"the sandbox did not answer within {timeout:.0f} s (log: {log})")


def start(port: int | None = None, timeout: float = 120.0) -> SandboxStatus:
    """Start the persistent sandbox (or return the one that runs)."""
    if port is not None and not 1 <= port <= 65535:
        raise UsageError(f"--port must be between 1 and 65535, not {port}")
    current = status()
    if not current.running and _folder_busy():  # starting, or left starting by a killed tutor
        current = _await_own(timeout) or current
    if current.running:
        if port is None or port == current.port:
            current.reused = True
            return current
        raise EnvironmentFailure(
            f"a sandbox already runs on port {current.port}; stop it first (tutor sandbox stop)"
        )
    port = default_port() if port is None else port
    if not _port_free(port):
        health = _health(port)
        if health and _whose(health) and _whose(health) != _own_folder():
            raise EnvironmentFailure(
                f"port {port} is used by the sandbox of another data folder ({_whose(health)}); "
                "stop it there, or choose another port with --port N (or TUTOR_SANDBOX_PORT)")
        raise EnvironmentFailure(f"port {port} on 127.0.0.1 is in use; choose another with --port N (or TUTOR_SANDBOX_PORT)")
    folder = paths.sandbox_dir()
    log = folder / "sandbox.log"
    proc = _spawn(port, folder, log)
    _wait_ready(proc, port, log, timeout)  # the server wrote state.json itself once it listened
    return status()


def stop(timeout: float = 10.0) -> bool:
    """Stop the persistent sandbox; its state is kept in the recording for the next start."""
    try:
        state = json.loads(_state_file().read_text())
    except (OSError, ValueError):
        found = status()  # a sandbox of this folder that lost its state file
        if not found.running:
            return False
        state = {"pid": found.pid, "port": found.port}
    pid = state.get("pid")
    stopped = False
    if pid and _pid_alive(pid) and _health(state.get("port", 0)):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) and time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.05)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # our own child (the TUI's, a test's): collected, not left a zombie
        stopped = True
    _state_file().unlink(missing_ok=True)
    return stopped


def reset() -> SandboxStatus:
    """Empty the sandbox: forget every resource and the recording that would bring them back."""
    current = status()
    if not current.running:
        for name in JOURNAL_FILES:
            (paths.sandbox_dir() / name).unlink(missing_ok=True)
        return current
    import urllib.request  # noqa: PLC0415

    req = urllib.request.Request(current.endpoint + RESET_PATH, data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=60) as resp:
        resp.read()
    _forget_clock(current.endpoint)
    return status()


def _forget_clock(endpoint: str) -> None:
    """An emptied sandbox starts its clock again (`tutor sandbox advance` keeps one per endpoint)."""
    from tutor.sim.clock import forget  # noqa: PLC0415 - a small JSON file, no moto

    forget(endpoint)


@contextlib.contextmanager
def endpoint_for_command(timeout: float = 120.0) -> Iterator[tuple[str, bool]]:
    """The running sandbox's endpoint, or a throwaway one for the duration of one command.

    Yields ``(endpoint, temporary)``. A throwaway sandbox starts empty and is stopped after.
    """
    current = status()
    if current.running:
        yield current.endpoint, False
        return
    port = free_port()
    log = paths.sandbox_dir() / "temporary.log"
    proc = _spawn(port, None, log)
    try:
        _wait_ready(proc, port, log, timeout)
        yield f"http://127.0.0.1:{port}", True
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
