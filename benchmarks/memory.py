"""Peak memory of the TUI process while a student uses it, the sandbox running in its own process.

`tutor` runs in a 120×40 pseudo-terminal; once home shows, the script opens Day 1's lesson, goes
back, starts a practice quiz, goes back and quits, then reads the process's peak RSS from the
kernel (``VmHWM``, the process's own high-water mark, read just before it quits).
Run alone with `python benchmarks/memory.py`; `make bench` includes it.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import BIN, ROOT, _set_size  # noqa: E402

#: Keys a student presses, each sent after the app had time to draw what the last one opened.
SCRIPT = [b"\r", b"\x1b", b"z", b"\x1b", b"q"]


def _drain(fd: int, seconds: float) -> bytes:
    seen, end = b"", time.perf_counter() + seconds
    while time.perf_counter() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def _hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tui_peak_rss_mb(env: dict[str, str]) -> float:
    leader, follower = pty.openpty()
    _set_size(follower)
    proc = subprocess.Popen([str(BIN / "tutor")], stdin=follower, stdout=follower, stderr=follower,
                            env=env, cwd=ROOT, start_new_session=True)
    os.close(follower)
    try:
        seen = b""
        deadline = time.perf_counter() + 30
        while b"Auto Scaling" not in seen and time.perf_counter() < deadline:
            seen += _drain(leader, 0.2)
        _drain(leader, 2.0)  # the workers after the first frame (figures, content check, sandbox)
        peak = 0.0
        for key in SCRIPT:
            peak = max(peak, _hwm_mb(proc.pid))
            os.write(leader, key)
            _drain(leader, 1.5)
        os.write(leader, b"\x11")  # ctrl+q, in case a screen kept the q
        usage = None
        for _ in range(50):
            pid, _status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            usage = None
            _drain(leader, 0.1)
        if usage is None:
            proc.terminate()  # still open: its peak memory is known all the same
            usage = os.wait4(proc.pid, 0)[2]
    finally:
        os.close(leader)
    # VmHWM is this process's own peak; wait4's ru_maxrss would also count the sandbox server if
    # the tutor had waited for it, so it is only the fallback for a process gone before sampling.
    return peak or usage.ru_maxrss / 1024


def measure() -> dict[str, float]:
    home = tempfile.mkdtemp(prefix="tutor-memory-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUTOR_", "AWS_ENDPOINT"))}
    env.update(TERM="xterm-256color", TUTOR_HOME=home)
    try:
        return {"tui_peak_rss_mb": tui_peak_rss_mb(env)}
    finally:
        subprocess.run([str(BIN / "tutor"), "sandbox", "stop"], env=env, capture_output=True, check=False)


if __name__ == "__main__":
    for name, value in measure().items():
        print(f"{name} {value:.1f}")
