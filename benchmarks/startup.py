"""Start-up as a student sees it: `tutor` in a real terminal until the home screen's day table shows.

Each program runs in a pseudo-terminal of 120×40 with TERM=xterm-256color, as from a shell; the
clock stops at the first output that holds the marker text (the Day 1 row of the day table,
"Auto Scaling", in the default language). The yardsticks are measured the same way in the same
run: a Textual app that shows one label (what any Textual app costs) and `aws --version`.
Run alone with `python benchmarks/startup.py`; `make bench` includes it.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ONE_LABEL = """
from textual.app import App
from textual.widgets import Label

class OneLabel(App):
    def compose(self):
        yield Label("Auto Scaling")

OneLabel().run()
"""


def _set_size(fd: int, rows: int = 40, cols: int = 120) -> None:
    import fcntl  # noqa: PLC0415
    import struct  # noqa: PLC0415
    import termios  # noqa: PLC0415

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def time_to_text(cmd: list[str], marker: bytes, env: dict[str, str], timeout: float = 20.0) -> float:
    """Seconds from spawning ``cmd`` in a 120×40 pty to the first output holding ``marker``."""
    leader, follower = pty.openpty()
    _set_size(follower)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=follower, stdout=follower, stderr=follower, env=env, cwd=ROOT,
                            start_new_session=True)
    os.close(follower)
    seen = b""
    elapsed = float("nan")
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([leader], [], [], 0.05)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            seen += chunk
            if marker in seen:
                elapsed = time.perf_counter() - start
                break
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(leader)
    return elapsed


def median(fn, repeat: int) -> float:
    return statistics.median(fn() for _ in range(repeat))


def measure(repeat: int = 5) -> dict[str, float]:
    """``{tutor, one_label, aws_version, tutor_version}`` in seconds (medians)."""
    home = tempfile.mkdtemp(prefix="tutor-startup-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUTOR_", "AWS_ENDPOINT"))}
    env.update(TERM="xterm-256color", TUTOR_HOME=home, COLUMNS="120", LINES="40")
    tutor = str(BIN / "tutor")
    # One start first: the data folder, the compiled catalog and the sandbox's first launch are
    # a first-run cost; a student opens the tutor many times a day after that.
    time_to_text([tutor], b"Auto Scaling", env)
    got = {
        "tutor": median(lambda: time_to_text([tutor], b"Auto Scaling", env), repeat),
        "one_label": median(lambda: time_to_text([sys.executable, "-c", ONE_LABEL], b"Auto Scaling", env), repeat),
    }

    def run(cmd: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(cmd, env=env, capture_output=True, check=False)
        return time.perf_counter() - start

    got["aws_version"] = median(lambda: run([str(BIN / "aws"), "--version"]), repeat)
    got["tutor_version"] = median(lambda: run([tutor, "--version"]), repeat)
    subprocess.run([tutor, "sandbox", "stop"], env=env, capture_output=True, check=False)
    return got


if __name__ == "__main__":
    for name, value in measure().items():
        print(f"{name:14} {value:.3f} s")
