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
#: The home screen's widgets (header, a 6-row day table, ten panels, a footer of 16 keys) with
#: made-up data and the tutor's own style sheets, no tutor code: what Textual alone costs to
#: draw the whole screen in one frame. The tutor's first frame is lighter (the panels and the
#: key bar come right after the day table), so it may open faster than this yardstick.
HOME_SHAPED = f"""
from textual.app import App
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

class Home(Screen):
    CSS_PATH = {str(ROOT / "tutor" / "tui" / "home.tcss")!r}
    BINDINGS = [Binding(k, "x", k.upper()) for k in "rztbemdpgvsnacoq"]

    def compose(self):
        yield Header()
        with VerticalScroll(id="home"):
            yield DataTable(id="days", cursor_type="row", zebra_stripes=True)
            yield Static("...", id="next-action")
            with Horizontal(id="figures"):
                with Vertical(id="today-column"):
                    for name in ("today", "queues", "accuracy", "sandbox"):
                        yield Static(id=name)
                with Vertical(id="charts-column"):
                    for name in ("readiness-bars", "score-chart", "week"):
                        yield Static(id=name)
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        for key, width in (("day", 6), ("topic", 24), ("lesson", 8), ("quiz", 16), ("lab", 50)):
            table.add_column(key, width=width)
        for day in ("1", "2", "3", "4", "5", "extra"):
            table.add_row(day, "EC2 & Auto Scaling", "read", "3/4 (60)", "ec2-asg 2/4", key=day)

class HomeShaped(App):
    CSS_PATH = {str(ROOT / "tutor" / "tui" / "app.tcss")!r}

    def on_mount(self):
        self.push_screen(Home())

HomeShaped().run()
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


def measure(repeat: int = 7) -> dict[str, float]:
    """``{tutor, one_label, home_shaped, aws_version, tutor_version}`` in seconds (medians)."""
    home = tempfile.mkdtemp(prefix="tutor-startup-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUTOR_", "AWS_ENDPOINT"))}
    env.update(TERM="xterm-256color", TUTOR_HOME=home, COLUMNS="120", LINES="40")
    tutor = str(BIN / "tutor")
    # One start first: the data folder, the compiled catalog and the sandbox's first launch are
    # a first-run cost; a student opens the tutor many times a day after that. The sandbox is
    # started and ready before: its start-up (a second of CPU) must not land in the runs timed.
    subprocess.run([tutor, "sandbox", "start"], env=env, capture_output=True, check=False)
    time_to_text([tutor], b"Auto Scaling", env)
    # Interleaved, so that a busy moment of the machine weighs on all three alike.
    programs = {"tutor": [tutor], "one_label": [sys.executable, "-c", ONE_LABEL],
                "home_shaped": [sys.executable, "-c", HOME_SHAPED]}
    # The two --version commands in the same rounds: measured apart, a quick moment of the machine
    # for one of them decided "below aws --version" (aws 0.31 s in one run, 0.41-0.49 s in others).
    commands = {"aws_version": [str(BIN / "aws"), "--version"], "tutor_version": [tutor, "--version"]}
    runs: dict[str, list[float]] = {name: [] for name in [*programs, *commands]}

    def run(cmd: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(cmd, env=env, capture_output=True, check=False)
        return time.perf_counter() - start

    for _ in range(repeat):
        for name, cmd in programs.items():
            runs[name].append(time_to_text(cmd, b"Auto Scaling", env))
        for name, cmd in commands.items():
            runs[name].append(run(cmd))
    got = {name: statistics.median(values) for name, values in runs.items()}
    subprocess.run([tutor, "sandbox", "stop"], env=env, capture_output=True, check=False)
    return got


if __name__ == "__main__":
    for name, value in measure().items():
        print(f"{name:14} {value:.3f} s")
