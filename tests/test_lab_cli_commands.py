"""Every CLI command a lab shows, typed by the real `aws` CLI at the tutor's sandbox, then verified.

This is what a student does: `tutor lab files LAB` in a folder, copy the commands of each step
into a shell pointed at the sandbox, then `tutor lab verify`. Steps the sandbox cannot emulate
are left out. What the commands built must then survive a sandbox restart with the same ids and
verdicts (the --solve half of that promise is tests/test_lab_restart.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, VENV_BIN, run_tutor
from tutor import sandbox
from tutor.content.loader import load_catalog

CATALOG = load_catalog([ROOT / "labs"])
LABS = sorted(CATALOG.labs)


def aws_env(endpoint: str) -> dict:
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
           "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("AWS_PROFILE", None)
    return env


def runner_for(lab_id: str, endpoint: str):
    from tutor.labs.backend import Backend
    from tutor.labs.runner import LabRunner

    return LabRunner(CATALOG.labs[lab_id], CATALOG.lab_dirs[lab_id], Backend("sandbox", endpoint))


def test_aws_cli_is_installed():
    assert shutil.which("aws", path=str(VENV_BIN)), "awscli belongs to the test extras"


@pytest.mark.parametrize("lab_id", LABS)
def test_lab_commands_then_verify(lab_id, tmp_path):
    lab = CATALOG.labs[lab_id]
    port = sandbox.free_port()
    endpoint = sandbox.start(port).endpoint
    try:
        env = aws_env(endpoint)
        files = run_tutor("lab", "files", lab_id, str(tmp_path), "--json")  # as the lab tells students
        assert files.returncode == 0, files.stderr
        for step in lab.steps:
            if step.real_aws_only:
                continue
            # one shell per step, as a student types a step's lines into one terminal
            script = "set -euo pipefail\n" + "\n".join(step.commands) + "\n"
            done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True,
                                  timeout=300, cwd=tmp_path)
            assert done.returncode == 0, f"step {step.id}: {done.stderr[-2000:]}"
            if not lab.graded:
                report = runner_for(lab_id, endpoint).verify(step.id)
                assert report["passed"] is True, report
        final = run_tutor("lab", "verify", lab_id, "--json")  # the student's command, on the running sandbox
        report = json.loads(final.stdout)
        assert final.returncode == 0 and report["passed"] is True, final.stdout
        assert report["real_aws_only"] == [s.id for s in lab.steps if s.real_aws_only]
        if lab.graded:
            return
        sandbox.stop()  # nothing the commands built is lost on a restart
        sandbox.start(port)
        assert runner_for(lab_id, endpoint).verify()["steps"] == report["steps"]
    finally:
        sandbox.stop()
