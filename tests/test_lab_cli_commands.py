"""Every CLI command a lab shows, typed by the real `aws` CLI at a moto server, then verified.

This is what a student does: copy the commands of each step into a shell pointed at the
sandbox, then run `tutor lab verify`. Steps the sandbox cannot emulate are left out.
"""

from __future__ import annotations

import json
import os
import subprocess
import shutil

import pytest

from conftest import ROOT, VENV_BIN, run_tutor
from tutor.content.loader import load_catalog

LABS = sorted(load_catalog([ROOT / "labs"]).labs)


def aws_env(endpoint: str) -> dict:
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
           "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("AWS_PROFILE", None)
    return env


def test_aws_cli_is_installed():
    assert shutil.which("aws", path=str(VENV_BIN)), "awscli belongs to the test extras"


@pytest.mark.parametrize("lab_id", LABS)
def test_lab_commands_then_verify(lab_id, endpoint, tmp_path):
    lab = load_catalog([ROOT / "labs"]).labs[lab_id]
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
        verify = run_tutor("lab", "verify", lab_id, "--step", step.id, "--json", "--endpoint-url", endpoint)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        assert json.loads(verify.stdout)["passed"] is True
    final = run_tutor("lab", "verify", lab_id, "--json", "--endpoint-url", endpoint)
    report = json.loads(final.stdout)
    assert final.returncode == 0 and report["passed"] is True, final.stdout
    assert report["real_aws_only"] == [s.id for s in lab.steps if s.real_aws_only]
