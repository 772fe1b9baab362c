"""The load generators behind `tutor loadtest`: Apache Bench when installed, else a built-in one.

Why two: the curriculum teaches ``ab``, so the tutor uses it when it is on PATH; a fresh machine
may not have it, so the built-in generator (C threads, one keep-alive ``http.client`` connection
each) produces the same report. Both count as failed every request that got no response or a
non-2xx one, and neither raises for a dead server: a closed port is a report in which every
request failed.

Report figures: ``rps`` is successful requests a second over the run's wall time (a dead tier
serves 0); ``latency_ms`` percentiles (nearest rank) are over every request, as ab's are.
"""

from __future__ import annotations

import csv
import http.client
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from typing import Any, Callable
from urllib.parse import urlsplit

Progress = Callable[[int, int], None]
TIMEOUT_S = 10.0


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def report(requests: int, failed: int, duration_s: float, latencies_ms: list[float], concurrency: int,
           url: str, tool: str) -> dict[str, Any]:
    lat = sorted(latencies_ms)
    ok = requests - failed
    return {
        "requests": requests, "failed": failed,
        "rps": round(ok / duration_s, 2) if duration_s > 0 else 0.0,
        "latency_ms": {k: round(percentile(lat, p), 3) for k, p in (("p50", 50), ("p90", 90), ("p99", 99))}
        | {"max": round(lat[-1], 3) if lat else 0.0},
        "concurrency": concurrency, "url": url, "tool": tool, "duration_s": round(duration_s, 3),
    }


# ---- built-in ------------------------------------------------------------------------------

def run_builtin(url: str, requests: int, concurrency: int, progress: Progress | None = None, *,
                samples: list[float] | None = None, cancel: threading.Event | None = None) -> dict[str, Any]:
    """``requests`` GETs of ``url`` from ``concurrency`` threads; the report.

    ``samples`` (when given) receives every request's latency in ms, for a histogram; setting
    ``cancel`` stops issuing requests (the TUI's escape): the report then counts what was done.
    """
    parts = urlsplit(url)
    conn_cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    host, port = parts.hostname or "127.0.0.1", parts.port
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lock = threading.Lock()
    state = {"issued": 0, "done": 0, "failed": 0}
    latencies: list[float] = []
    stop = cancel if cancel is not None else threading.Event()

    def take() -> bool:
        with lock:
            if stop.is_set() or state["issued"] >= requests:
                return False
            state["issued"] += 1
            return True

    def worker() -> None:
        conn: http.client.HTTPConnection | None = None
        while take():
            started = time.perf_counter()
            ok = False
            try:
                if conn is None:
                    conn = conn_cls(host, port, timeout=TIMEOUT_S)
                conn.request("GET", target, headers={"Connection": "keep-alive"})
                resp = conn.getresponse()
                resp.read()
                ok = 200 <= resp.status < 300
                if resp.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
            elapsed = (time.perf_counter() - started) * 1000.0
            with lock:
                latencies.append(elapsed)
                state["done"] += 1
                state["failed"] += 0 if ok else 1
                done = state["done"]
            if progress is not None:
                progress(done, requests)
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True, name=f"loadtest-{i}") for i in range(concurrency)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    try:
        for t in threads:
            while t.is_alive():
                t.join(0.2)  # short joins so Ctrl-C reaches the main thread
    except BaseException:
        stop.set()
        raise
    duration = time.perf_counter() - began
    if samples is not None:
        samples.extend(latencies)
    return report(state["done"], state["failed"], duration, latencies, concurrency, url, "builtin")


# ---- Apache Bench --------------------------------------------------------------------------

def ab_path() -> str | None:
    return shutil.which("ab")


def _number(pattern: str, text: str, default: float = 0.0) -> float:
    m = re.search(pattern, text, re.MULTILINE)
    return float(m.group(1)) if m else default


def parse_ab(stdout: str, csv_text: str, concurrency: int, url: str) -> dict[str, Any] | None:
    """ab's report (its stdout and its ``-e`` percentile CSV) as ours; None if ab gave none."""
    if "Complete requests:" not in stdout:
        return None
    complete = int(_number(r"^Complete requests:\s+(\d+)", stdout))
    failed = int(_number(r"^Failed requests:\s+(\d+)", stdout)) + int(_number(r"^Non-2xx responses:\s+(\d+)", stdout))
    failed = min(failed, complete)
    duration = _number(r"^Time taken for tests:\s+([\d.]+)", stdout)
    table: dict[int, float] = {}
    for row in csv.reader(csv_text.splitlines()[1:]):
        try:
            table[int(float(row[0]))] = float(row[1])
        except (ValueError, IndexError):
            continue
    out = report(complete, failed, duration, [], concurrency, url, "ab")
    if table:
        out["latency_ms"] = {"p50": table.get(50, 0.0), "p90": table.get(90, 0.0), "p99": table.get(99, 0.0),
                             "max": table.get(100, max(table.values()))}
    else:
        longest = _number(r"^\s*100%\s+(\d+)", stdout)
        out["latency_ms"] = {k: _number(rf"^\s*{p}%\s+(\d+)", stdout, longest)
                             for k, p in (("p50", 50), ("p90", 90), ("p99", 99))} | {"max": longest}
    return out


def run_ab(ab: str, url: str, requests: int, concurrency: int, progress: Progress | None = None,
           info: Callable[[str], None] | None = None) -> dict[str, Any] | None:
    """Run ``ab -k -r -n N -c C -e CSV URL``; the report, or None if ab produced none."""
    target = url if urlsplit(url).path else url + "/"  # ab insists on a path
    with tempfile.TemporaryDirectory(prefix="tutor-ab-") as tmp:
        csv_path = os.path.join(tmp, "percentiles.csv")
        cmd = [ab, "-k", "-r", "-s", str(int(TIMEOUT_S)), "-n", str(requests), "-c", str(concurrency),
               "-e", csv_path, target]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                stdin=subprocess.DEVNULL)
        err_lines: list[str] = []

        def pump() -> None:  # ab prints "Completed N requests" every 10 % on stderr
            assert proc.stderr is not None
            for line in proc.stderr:
                err_lines.append(line.strip())
                m = re.match(r"Completed (\d+) requests", line)
                if m and progress is not None:
                    progress(int(m.group(1)), requests)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        try:
            stdout = proc.stdout.read() if proc.stdout else ""
            proc.wait()
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait()
        reader.join(2)
        try:
            with open(csv_path, encoding="utf-8") as fh:
                csv_text = fh.read()
        except OSError:
            csv_text = ""
    result = parse_ab(stdout, csv_text, concurrency, url)
    if result is None and info is not None:
        last = next((line for line in reversed(err_lines) if line), f"exit code {proc.returncode}")
        info(f"ab gave no report ({last}); using the built-in generator")
    return result
