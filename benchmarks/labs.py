"""Lab budgets (issue "Labs for days 2-4"): verify and --solve of every lab on a warm sandbox,
as a student runs them (a fresh `tutor` process each), and how soon a watch notices a change.

Called by benchmarks/run.py (`make bench`); also runnable alone: `python benchmarks/labs.py`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

# The speed issue's budgets (warm sandbox, its first call done): verify of any lab 1 s, --solve 3 s,
# the capstone's verify 2 s with every lab built; the sandbox ready in 1.5 s.
VERIFY_TARGET, SOLVE_TARGET, CAPSTONE_TARGET, WATCH_TARGET, SANDBOX_READY = 1.0, 3.0, 2.0, 1.0, 1.5


def _timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - start


def lab_rows(env: dict) -> list[tuple[str, float, float, str]]:
    """(figure, measured, target, unit) for every lab; the sandbox must be running in ``env``."""
    from tutor.content.loader import load_catalog

    tutor = str(BIN / "tutor")
    rows = []
    catalog = load_catalog([ROOT / "labs"])
    for lab_id, lab in sorted(catalog.labs.items(), key=lambda kv: (kv[1].day, kv[0])):
        subprocess.run([tutor, "lab", "verify", lab_id], env=env, capture_output=True)  # warm: first calls done
        solve = _timed([tutor, "lab", "run", lab_id, "--solve"], env)
        verify = statistics.median(_timed([tutor, "lab", "verify", lab_id], env) for _ in range(3))
        if lab.graded:  # last in day order: every lab is built by then
            rows.append((f"lab verify {lab_id}, every lab built (CLI process)", verify, CAPSTONE_TARGET, "s"))
            continue
        rows.append((f"lab verify {lab_id} (warm, CLI process)", verify, VERIFY_TARGET, "s"))
        rows.append((f"lab run {lab_id} --solve (CLI process)", solve, SOLVE_TARGET, "s"))
    return rows


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rows(env: dict) -> list[tuple[str, float, float | None, str]]:
    """Every lab figure, on a sandbox this function starts and stops in ``env``'s data folder."""
    import json

    tutor = str(BIN / "tutor")
    out: list[tuple[str, float, float | None, str]] = []
    try:
        out.append(("sandbox start to ready (`tutor sandbox start`)", _timed([tutor, "sandbox", "start"], env),
                    SANDBOX_READY, "s"))
        status = json.loads(subprocess.run([tutor, "sandbox", "status", "--json"], env=env, capture_output=True,
                                           text=True).stdout)
        if not status.get("running"):  # e.g. another data folder's sandbox holds the default port
            raise SystemExit("benchmarks: the sandbox did not start (is another one on its port? "
                             "`tutor sandbox status`)")
        out += lab_rows(env)
        os.environ["TUTOR_HOME"] = env["TUTOR_HOME"]
        out.append(("lab watch notices a change (tutor's sandbox)", watch_latency(status["endpoint"]),
                    WATCH_TARGET, "s"))
        out.append(("sandbox RSS after every lab", _rss_mb(status["pid"]), None, "MB"))
    finally:
        subprocess.run([tutor, "sandbox", "stop"], env=env, capture_output=True)
    return out


def watch_latency(endpoint: str) -> float:
    """Median seconds from a student's change landing to the watch seeing its step pass."""
    from tutor.content.loader import load_catalog
    from tutor.labs.backend import Backend
    from tutor.labs.runner import LabRunner
    from tutor.labs.watch import ChangeFeed, watch_steps

    catalog = load_catalog([ROOT / "labs"])
    lab, folder = catalog.labs["ec2-asg"], catalog.lab_dirs["ec2-asg"]
    samples = []
    for _ in range(3):
        student = LabRunner(lab, folder, Backend("sandbox", endpoint))
        student.cleanup()
        watcher = LabRunner(lab, folder, Backend("sandbox", endpoint))
        stop = threading.Event()
        passed = threading.Event()
        feed = ChangeFeed(endpoint, stop=stop)

        def watch() -> None:
            for event, step, _ in watch_steps(watcher, feed, lambda report, whole: None):
                if event == "passed" and step == "network":
                    passed.set()
                    stop.set()
                    return

        thread = threading.Thread(target=watch, daemon=True)
        thread.start()
        time.sleep(2.0)  # the watch has checked the empty account and waits
        student.solve(["network"])
        landed = time.perf_counter()
        passed.wait(30)
        samples.append(time.perf_counter() - landed)
        stop.set()
        thread.join(10)
    return statistics.median(samples)


if __name__ == "__main__":
    import tempfile

    from tutor import sandbox

    os.environ["TUTOR_HOME"] = tempfile.mkdtemp(prefix="tutor-bench-labs-")
    env = {**os.environ, "TUTOR_LANG": "en"}
    status = sandbox.start(sandbox.free_port())
    try:
        for name, value, target, unit in lab_rows(env):
            print(f"{name}: {value:.2f} {unit} (target {target:g})")
        print(f"watch notices a change: {watch_latency(status.endpoint):.2f} s (target {WATCH_TARGET:g})")
    finally:
        sandbox.stop()
