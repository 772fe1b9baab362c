"""`tutor loadtest`: the local tier, the built-in generator, ab's report, failures, --publish."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, VENV_BIN
from tutor.cli import main
from tutor.loadtest import generator
from tutor.loadtest.tier import LocalTier


def run_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["loadtest", *args, "--json"])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out.strip() else {})


def assert_ordered(lat: dict) -> None:
    assert set(lat) == {"p50", "p90", "p99", "max"}
    assert 0 <= lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["max"]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def no_ab(tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return empty


def test_local_tier_report_and_saved_for_the_clock(capsys, isolated_home):
    code, report = run_json(capsys, "--requests", "200", "--concurrency", "4", "--workers", "2", "--work-ms", "2")
    assert code == 0
    assert report["requests"] == 200 and report["failed"] == 0
    assert report["rps"] > 0
    assert_ordered(report["latency_ms"])
    assert report["workers"] == 2 and report["concurrency"] == 4
    assert report["tool"] in ("ab", "builtin") and report["url"].startswith("http://127.0.0.1:")
    saved = json.loads((isolated_home / "loadtest-last.json").read_text())
    assert saved["rps"] == report["rps"] and saved["latency_ms"] == report["latency_ms"]
    from tutor.sim import clock

    load, described = clock.loadtest_load()
    assert load("g", 0, 1) > 0 and "load test" in described


def test_builtin_generator_when_ab_is_absent(capsys, no_ab):
    code, report = run_json(capsys, "--requests", "60", "--concurrency", "3", "--workers", "1", "--work-ms", "1")
    assert code == 0 and report["tool"] == "builtin" and report["workers"] == 1
    assert report["failed"] == 0 and report["rps"] > 0


def test_closed_port_every_request_fails_and_still_reports(capsys, no_ab):
    url = f"http://127.0.0.1:{closed_port()}/catalog"
    code, report = run_json(capsys, "--url", url, "--requests", "20", "--concurrency", "2")
    assert code == 0
    assert report["requests"] == 20 and report["failed"] == 20 and report["rps"] == 0
    assert "workers" not in report and report["url"] == url
    assert_ordered(report["latency_ms"])


def test_failures_counted_when_the_tier_stops_midway():
    tier = LocalTier(workers=1, work_ms=1).start()
    stopped = threading.Event()
    procs = list(tier.procs)

    def progress(done: int, total: int) -> None:
        if done >= 40 and not stopped.is_set():
            stopped.set()
            tier.stop()

    try:
        report = generator.run_builtin(f"{tier.url}/manifest/sintel", 200, 4, progress)
    finally:
        tier.stop()
    assert report["requests"] == 200
    assert 0 < report["failed"] < 200
    assert report["rps"] > 0
    assert_ordered(report["latency_ms"])
    assert all(p.poll() is not None for p in procs)  # no worker left behind


def test_tier_serves_catalog_and_manifest():
    import urllib.error
    import urllib.request

    with LocalTier(workers=1, work_ms=0) as tier:
        with urllib.request.urlopen(f"{tier.url}/catalog", timeout=5) as resp:
            items = json.loads(resp.read())["items"]
        with urllib.request.urlopen(f"{tier.url}{items[0]['manifest']}", timeout=5) as resp:
            assert resp.read().startswith(b"#EXTM3U")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{tier.url}/nope", timeout=5)


FAKE_AB = """#!/bin/sh
csv=""
while [ $# -gt 0 ]; do
  if [ "$1" = "-e" ]; then csv="$2"; shift; fi
  shift
done
printf 'Percentage served,Time in ms\\n0,1\\n50,4\\n90,9\\n99,15\\n100,21\\n' > "$csv"
echo "Completed 10 requests" >&2
cat <<'EOF'
Concurrency Level:      2
Time taken for tests:   0.500 seconds
Complete requests:      100
Failed requests:        3
Non-2xx responses:      2
Requests per second:    200.00 [#/sec] (mean)
EOF
"""


def test_ab_report_is_parsed(capsys, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    ab = bin_dir / "ab"
    ab.write_text(FAKE_AB)
    ab.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}/usr/bin:/bin")
    code, report = run_json(capsys, "--url", f"http://127.0.0.1:{closed_port()}/", "--requests", "100",
                            "--concurrency", "2")
    assert code == 0 and report["tool"] == "ab"
    assert report["requests"] == 100 and report["failed"] == 5
    assert report["rps"] == pytest.approx(95 / 0.5)
    assert report["latency_ms"] == {"p50": 4.0, "p90": 9.0, "p99": 15.0, "max": 21.0}


@pytest.mark.parametrize("args", [
    ["--requests", "5", "--concurrency", "10"],
    ["--requests", "0", "--concurrency", "1"],
    ["--requests", "10", "--concurrency", "2", "--workers", "0"],
    ["--requests", "10", "--concurrency", "2", "--work-ms", "-1"],
    ["--requests", "10", "--concurrency", "2", "--url", "ftp://x/"],
    ["--requests", "10", "--concurrency", "2", "--url", "http://127.0.0.1:1/", "--workers", "2"],
])
def test_bad_flags_exit_2_in_one_line(capsys, args):
    assert main(["loadtest", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_publish_puts_the_metrics(capsys, endpoint, no_ab):
    import datetime as dt

    import boto3

    code, report = run_json(capsys, "--requests", "40", "--concurrency", "2", "--workers", "1", "--work-ms", "1",
                            "--publish", "--endpoint-url", endpoint)
    assert code == 0 and report["published"]["namespace"] == "StreamCloud"
    cw = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=endpoint)
    now = dt.datetime.now(dt.timezone.utc)
    names = {"rps": "RequestsPerSecond", "p50": "LatencyP50", "p99": "LatencyP99", "failed": "FailedRequests"}
    got = cw.get_metric_data(
        MetricDataQueries=[{"Id": key, "MetricStat": {"Metric": {"Namespace": "StreamCloud", "MetricName": name},
                                                      "Period": 60, "Stat": "Maximum"}} for key, name in names.items()],
        StartTime=now - dt.timedelta(minutes=10), EndTime=now + dt.timedelta(minutes=10))
    values = {r["Id"]: r["Values"] for r in got["MetricDataResults"]}
    assert values["rps"] == [pytest.approx(report["rps"])]
    assert values["p50"] == [pytest.approx(report["latency_ms"]["p50"])]
    assert values["p99"] == [pytest.approx(report["latency_ms"]["p99"])]
    assert values["failed"] == [0.0]


def _tier_workers_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"tutor.loadtest.tier" in cmd and str(pid).encode() in cmd:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
def test_ctrl_c_exits_130_and_leaves_no_worker(no_ab):
    env = {**os.environ}
    proc = subprocess.Popen([str(VENV_BIN / "tutor"), "loadtest", "--requests", "1000000", "--concurrency", "4",
                             "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=str(ROOT), start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not _tier_workers_of(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _tier_workers_of(proc.pid), "the tier never started"
        time.sleep(0.5)
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
        assert proc.wait(timeout=30) == 130
        err = proc.stderr.read() if proc.stderr else ""
        assert "Traceback" not in err
        time.sleep(0.3)
        assert _tier_workers_of(proc.pid) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
