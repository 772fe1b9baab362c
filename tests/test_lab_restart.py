"""Nothing built is lost on a restart: every lab, built by its own CLI commands and by --solve on
the tutor's sandbox, survives `tutor sandbox stop` / `start` with the same ids and verdicts.

The verify reports name the resources they found (ids included), so equal reports before and
after the restart mean the same resources came back.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import ROOT, run_tutor
from test_lab_cli_commands import aws_env
from tutor import sandbox
from tutor.content.loader import load_catalog

CATALOG = load_catalog([ROOT / "labs"])
LABS = sorted(lab_id for lab_id, lab in CATALOG.labs.items() if not lab.graded)


def verify(lab_id):
    done = run_tutor("lab", "verify", lab_id, "--json", "--lang", "en")
    return done.returncode, json.loads(done.stdout)["steps"]


def restart(port):
    assert run_tutor("sandbox", "stop").returncode == 0
    assert run_tutor("sandbox", "start", "--port", str(port)).returncode == 0


@pytest.mark.parametrize("lab_id", LABS)
def test_lab_survives_a_sandbox_restart(lab_id, tmp_path):
    port = sandbox.free_port()
    endpoint = sandbox.start(port).endpoint
    try:
        lab = CATALOG.labs[lab_id]
        assert run_tutor("lab", "files", lab_id, str(tmp_path)).returncode == 0
        env = aws_env(endpoint)
        for step in lab.steps:  # the student's way: the commands the lab shows
            if step.real_aws_only:
                continue
            script = "set -euo pipefail\n" + "\n".join(step.commands) + "\n"
            done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True,
                                  timeout=300, cwd=tmp_path)
            assert done.returncode == 0, f"step {step.id}: {done.stderr[-1500:]}"
        code, before = verify(lab_id)
        assert code == 0, before
        restart(port)
        assert verify(lab_id) == (0, before)

        assert run_tutor("sandbox", "reset").returncode == 0  # the tutor's way: --solve
        assert run_tutor("lab", "run", lab_id, "--solve", "--json").returncode == 0
        code, before = verify(lab_id)
        assert code == 0, before
        restart(port)
        assert verify(lab_id) == (0, before)
    finally:
        sandbox.stop()
