"""Speed and memory of what a student waits for, against the budgets of the speed issue.

`make bench` runs every script here and writes benchmarks/RESULTS.md: one table (figure, budget,
measured, pass/fail) with the date and the machine. Budgets live here, never as timed
assertions in tests. Figures too slow for a benchmark run (the whole test suite) are measured
by hand and kept in the file's "Measured by hand" section.

- startup.py: `tutor` to the home screen's day table in a 120×40 pty, beside a one-label Textual
  app and `aws --version` measured the same way in the same run;
- progress.py: the home screen's queries and the due queue over 100 000 answers and 2 000 cards;
- memory.py: peak RSS of the TUI process (the sandbox runs in its own process);
- labs.py: sandbox start, every lab's verify and --solve, the capstone with every lab built.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
BY_HAND = "## Measured by hand"

# Prints the seconds of the import (pydantic, the models) and of the load itself.
CATALOG_SNIPPET = ("import time; t = time.perf_counter(); from tutor.content.loader import load_catalog; "
                   "u = time.perf_counter(); load_catalog(); v = time.perf_counter(); print(u - t, v - u)")


def timed(cmd: list[str], env: dict, repeat: int = 1) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, check=False)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def catalog_load(env: dict, cold: bool, repeat: int = 3) -> tuple[float, float]:
    """(the loader's imports, the whole catalog's load) in a fresh process (cold: no compiled cache)."""
    imports, loads = [], []
    for _ in range(repeat):
        run_env = {**env, "TUTOR_CACHE_DIR": tempfile.mkdtemp(prefix="tutor-cache-")} if cold else env
        out = subprocess.run([sys.executable, "-c", CATALOG_SNIPPET], env=run_env, cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
        imports.append(float(out[0]))
        loads.append(float(out[1]))
    return statistics.median(imports), statistics.median(loads)


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, bool | None]] = []

    def add(self, figure: str, measured: float, budget: float | None, unit: str, note: str = "") -> None:
        digits = 3 if unit == "s" else 1  # a 2.004 s must not print as "2 s" beside "≤ 2 s"
        shown_budget = f"≤ {budget:.{digits}f} {unit}{note}" if budget is not None else "reported"
        self.rows.append((figure, f"{measured:.{digits}f} {unit}", shown_budget,
                          None if budget is None else measured <= budget))

    def lines(self) -> list[str]:
        out = ["| figure | budget | measured | pass |", "|---|---|---|---|"]
        for figure, measured, budget, ok in self.rows:
            out.append(f"| {figure} | {budget} | {measured} | {'—' if ok is None else 'yes' if ok else 'NO'} |")
        return out


def main() -> int:
    import labs
    import memory
    import progress
    import startup

    home = tempfile.mkdtemp(prefix="tutor-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUTOR_", "AWS_ENDPOINT"))}
    env.update(TUTOR_HOME=home, TUTOR_LANG="en")
    tutor = str(BIN / "tutor")
    table = Table()

    print("start-up ...", flush=True)
    s = startup.measure()
    table.add("`tutor` to the home screen's day table (120×40 pty)", s["tutor"], 1.5 * s["one_label"], "s",
              f" (1.5 × one-label app: {s['one_label']:.3f} s)")
    table.add("`tutor` start-up below `aws --version`", s["tutor"], s["aws_version"], "s", " (aws --version)")
    table.add("a Textual app of the home screen's widgets, made-up data, no tutor code (what Textual "
              "alone costs for this screen; same run)", s["home_shaped"], None, "s")
    table.add("`tutor --version`", s["tutor_version"], s["aws_version"] / 2, "s", " (½ aws --version)")

    print("content ...", flush=True)
    subprocess.run([tutor, "content", "stats"], env=env, capture_output=True)  # builds the compiled cache
    imports, warm = catalog_load(env, cold=False)
    table.add("catalog load, warm (compiled cache)", warm, 0.1, "s")
    table.add("catalog load, cold (no cache)", catalog_load(env, cold=True)[1], 0.6, "s")
    table.add("the loader's imports before either (pydantic, the models)", imports, None, "s")
    table.add("`tutor content check`", timed([tutor, "content", "check"], env, 3), 1.0, "s")

    print("progress ...", flush=True)
    p = progress.measure(Path(home))
    table.add("home screen's queries, 100 000 answers / 2 000 cards (the day table on the app's connection, "
              "the figures on the worker's own, as home runs them)", p["home_queries_ms"], 50, "ms")
    table.add("due queue, 2 000 cards", p["due_queue_ms"], 20, "ms")
    table.add("progress database size (100 000 answers)", p["db_mb"], None, "MB")

    print("memory ...", flush=True)
    table.add("TUI peak RSS (sandbox in its own process)", memory.measure()["tui_peak_rss_mb"], 150, "MB")

    print("labs ...", flush=True)
    for figure, value, budget, unit in labs.rows(env):
        table.add(figure, value, budget, unit)

    header = [
        "# Benchmark results",
        "",
        f"Measured {date.today().isoformat()} with `make bench` on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; medians of repeated runs; each command a fresh process, as a "
        "student runs it. Budgets: the speed issue's (benchmarks/run.py).",
        "",
    ]
    ok_all = all(ok is not False for *_, ok in table.rows)
    kept = RESULTS.read_text().split(BY_HAND, 1)[1] if RESULTS.exists() and BY_HAND in RESULTS.read_text() else ""
    RESULTS.write_text("\n".join(header + table.lines()) + "\n" + (f"\n{BY_HAND}{kept}" if kept else ""))
    print("\n".join(table.lines()))
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
