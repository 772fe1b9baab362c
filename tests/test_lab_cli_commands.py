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
import sys

import pytest

import awsfork
from conftest import ROOT, VENV_BIN, run_tutor, tutor_fork
from tutor import sandbox
from tutor.content.loader import load_catalog

CATALOG = load_catalog([ROOT / "labs"])
LABS = sorted(CATALOG.labs)


@pytest.fixture(scope="module")
def aws_shim(tmp_path_factory):
    """The real aws CLI behind a fork server (tests/awsfork.py): same code, a fraction of the start-up."""
    folder = tmp_path_factory.mktemp("aws-fork")
    sock = str(folder / "sock")
    server = subprocess.Popen([sys.executable, str(ROOT / "tests" / "awsfork.py"), sock, str(ROOT / "labs")],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              env={**os.environ, "AWS_ACCESS_KEY_ID": "warm", "AWS_SECRET_ACCESS_KEY": "warm"})
    try:
        assert server.stdout.readline().strip() == "ready"
        yield {"bin": str(awsfork.write_shim(folder / "bin", str(VENV_BIN / "aws"))), "sock": sock}
    finally:
        server.kill()
        server.wait()


@pytest.fixture(scope="module")
def cli_sandbox(tmp_path_factory):
    """One tutor sandbox for the module's labs, in a data folder of its own, emptied before each
    lab: a start costs a second of CPU, a reset 0.02 s. ``(home, port, endpoint)``."""
    home = tmp_path_factory.mktemp("cli-sandbox-home")
    port = sandbox.free_port()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TUTOR_HOME", str(home))
        endpoint = sandbox.start(port).endpoint
    yield home, port, endpoint
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TUTOR_HOME", str(home))
        sandbox.stop()


def aws_env(endpoint: str, shim: dict | None = None) -> dict:
    """A student's shell pointed at ``endpoint``; with ``shim``, its aws and tutor are the fork servers'."""
    fork = tutor_fork()  # the steps' own `tutor` commands too (tests/tutorfork.py)
    first = [shim["bin"], fork["bin"]] if shim else []
    env = {**os.environ, **fork["env"], "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
           "PATH": os.pathsep.join([*first, str(VENV_BIN), os.environ.get("PATH", "")])}
    if shim:
        env["TUTOR_TEST_AWS_FORK"] = shim["sock"]
    env.pop("AWS_PROFILE", None)
    return env


def runner_for(lab_id: str, endpoint: str):
    from tutor.labs.backend import Backend
    from tutor.labs.runner import LabRunner

    return LabRunner(CATALOG.labs[lab_id], CATALOG.lab_dirs[lab_id], Backend("sandbox", endpoint))


def test_aws_cli_is_installed():
    assert shutil.which("aws", path=str(VENV_BIN)), "awscli belongs to the test extras"


def test_the_fork_server_is_the_aws_cli(aws_shim, endpoint):
    """What the labs' commands rely on: output, exit codes, stdin, the working folder."""
    env = aws_env(endpoint, aws_shim)
    script = ('aws s3 mb s3://fork-check && echo payload | aws s3 cp - s3://fork-check/k && '
              'aws s3 cp s3://fork-check/k - && aws s3api head-object --bucket fork-check --key k '
              '--query ContentLength --output text && pwd')
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, cwd="/", timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-3:] == ["payload", "8", "/"]
    wrong = subprocess.run(["bash", "-c", "aws ec2 no-such-operation"], env=env, capture_output=True, text=True)
    assert wrong.returncode == 2 and "Invalid choice" in wrong.stderr


@pytest.mark.parametrize("lab_id", LABS)
def test_lab_commands_then_verify(lab_id, tmp_path, aws_shim, cli_sandbox, monkeypatch):
    lab = CATALOG.labs[lab_id]
    home, port, endpoint = cli_sandbox
    monkeypatch.setenv("TUTOR_HOME", str(home))  # the module's sandbox, its tutor commands' progress
    sandbox.start(port)  # running already, unless an earlier lab failed between its stop and start
    sandbox.reset()
    env = aws_env(endpoint, aws_shim)
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
