"""The tests' `tutor` fork server (tests/tutorfork.py) is the tutor: the same output, exit codes,
standard input, environment and working folder as the console script run on its own."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import ROOT, VENV_BIN, run_tutor, tutor_fork


def _real(*args: str, input: str | None = None, env: dict | None = None, cwd: Path = ROOT):
    return subprocess.run([str(VENV_BIN / "tutor"), *args], input=input, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=str(cwd), timeout=120)


def test_run_tutor_goes_through_the_fork_server():
    fork = tutor_fork()
    assert fork["tutor"] == str(Path(fork["bin"]) / "tutor") and Path(fork["tutor"]).exists(), "no fork server"


def test_the_forked_tutor_answers_as_the_console_script(tmp_path):
    answers = '{"id": "d1-021", "answer": ["A", "E"]}\n'
    cases = [
        (("--version",), {}, None),
        (("lesson", "list", "--json"), {"TUTOR_LANG": "ko"}, None),
        (("lab", "verify", "no-such-lab", "--json"), {}, None),  # a usage error: exit code and stderr
        (("quiz", "--day", "1", "--count", "3", "--seed", "7", "--headless", "--answers", "-",
          "--db", str(tmp_path / "p.db")), {}, answers),  # standard input
    ]
    for args, env, stdin in cases:
        real = _real(*args, input=stdin, env=env)
        forked = run_tutor(*args, input=stdin, env=env)
        assert (forked.returncode, forked.stdout, forked.stderr) == (real.returncode, real.stdout, real.stderr), args


def test_the_forked_tutor_works_in_the_callers_folder(tmp_path):
    """A lab step's `tutor lab files LAB .`, typed in a shell, writes where the shell stands."""
    fork = tutor_fork()
    env = {**os.environ, **fork["env"], "PATH": os.pathsep.join([fork["bin"], str(VENV_BIN), os.environ["PATH"]])}
    done = subprocess.run(["bash", "-c", "tutor lab files global-delivery . --json"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    written = json.loads(done.stdout)["written"]
    assert written and all((tmp_path / name).is_file() for name in written), written
