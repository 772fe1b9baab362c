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
    from tutor.labs.backend import Backend
    from tutor.labs.runner import LabRunner

    urllib.request.urlopen(urllib.request.Request(plain_moto + "/moto-api/reset", data=b"", method="POST")).read()
    catalog = load_catalog([ROOT / "labs"])
    runner = LabRunner(catalog.labs[lab_id], catalog.lab_dirs[lab_id], Backend("endpoint", plain_moto))
    empty = runner.verify()
    assert empty["passed"] is False
    assert not any(c["passed"] and not c.get("skipped") for s in empty["steps"] for c in s["checks"])
    runner.solve()
    solved = runner.verify()
    assert solved["passed"] is True, solved
    runner.cleanup()
    assert runner.verify()["passed"] is False
    # and once through the student's command, as `tutor lab verify --endpoint-url` runs it
    done = run_tutor("lab", "verify", lab_id, "--endpoint-url", plain_moto, "--json", "--lang", "en")
    assert done.returncode == 1 and json.loads(done.stdout)["passed"] is False
