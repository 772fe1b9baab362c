"""Same verdicts on any endpoint: every lab against a plain `moto_server` (no sandbox fidelity
patches, no journal), reached with --endpoint-url as a student with their own moto would."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request

import pytest

from conftest import ROOT, VENV_BIN, _free_port, run_tutor
from tutor.content.loader import load_catalog

LABS = sorted(load_catalog([ROOT / "labs"]).labs)


@pytest.fixture(scope="module")
def plain_moto():
    port = _free_port()
    proc = subprocess.Popen([str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).read()
            break
        except OSError:
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.mark.parametrize("lab_id", LABS)
def test_empty_fails_solve_passes_cleanup_empties(lab_id, plain_moto):
    urllib.request.urlopen(urllib.request.Request(plain_moto + "/moto-api/reset", data=b"", method="POST")).read()
    args = ("--endpoint-url", plain_moto, "--json", "--lang", "en")
    empty = run_tutor("lab", "verify", lab_id, *args)
    assert empty.returncode == 1, empty.stderr
    assert not any(c["passed"] and not c.get("skipped") for s in json.loads(empty.stdout)["steps"] for c in s["checks"])
    solved = run_tutor("lab", "run", lab_id, "--solve", *args)
    assert solved.returncode == 0, solved.stdout[-3000:] + solved.stderr
    cleaned = run_tutor("lab", "cleanup", lab_id, *args)
    assert cleaned.returncode == 0, cleaned.stderr
    again = run_tutor("lab", "verify", lab_id, *args)
    assert again.returncode == 1, again.stdout[-2000:]
