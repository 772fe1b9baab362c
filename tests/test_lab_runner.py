"""The runner around the labs: hints, skip, solve one step, reset, files, watch, and checks an
endpoint does not emulate. Run as a student does, through the real `tutor` command."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import textwrap
import time

import pytest

from conftest import ROOT, VENV_BIN, run_tutor
from tutor import sandbox


def progress_of(lab_id, db):
    data = json.loads(run_tutor("progress", "--json", "--db", str(db)).stdout)
    return data["labs"][lab_id]


def state_of(progress, step):
    return next(s for s in progress["step_status"] if s["id"] == step)


def test_hints_go_from_a_nudge_to_the_answer_and_are_recorded(tmp_path):
    db = tmp_path / "p.db"
    first = json.loads(run_tutor("lab", "hint", "ec2-asg", "--step", "network", "--json", "--db", str(db)).stdout)
    second = json.loads(run_tutor("lab", "hint", "ec2-asg", "--step", "network", "--json", "--db", str(db)).stdout)
    assert (first["level"], second["level"], second["levels"]) == (1, 2, 3)
    assert first["hint"] != second["hint"]
    assert state_of(progress_of("ec2-asg", db), "network")["hints_used"] == 2
    bad = run_tutor("lab", "hint", "ec2-asg", "--step", "network", "--level", "9", "--db", str(db))
    assert bad.returncode == 2 and "hints 1 to 3" in bad.stderr
    unknown = run_tutor("lab", "hint", "ec2-asg", "--step", "nope", "--db", str(db))
    assert unknown.returncode == 2 and "no step 'nope'" in unknown.stderr


def test_skip_is_recorded_as_skipped_never_as_passed(tmp_path):
    db = tmp_path / "p.db"
    done = run_tutor("lab", "skip", "ec2-asg", "--step", "network", "--json", "--db", str(db))
    assert done.returncode == 0 and json.loads(done.stdout)["skipped"] is True
    progress = progress_of("ec2-asg", db)
    assert progress["skipped"] == ["network"] and progress["steps_passed"] == []
    assert progress["current"] == "launch-template"


def test_solved_steps_count_as_solved_and_complete_needs_a_whole_recheck(tmp_path, endpoint):
    db = tmp_path / "p.db"
    args = ("--endpoint-url", endpoint, "--db", str(db), "--json")
    assert run_tutor("lab", "run", "ec2-asg", "--solve", "--step", "network", *args).returncode == 0
    progress = progress_of("ec2-asg", db)
    assert state_of(progress, "network")["state"] == "solved" and progress["complete"] is False
    for step in ("launch-template", "asg", "scaling-policy"):
        assert run_tutor("lab", "verify", "ec2-asg", "--step", step, *args).returncode == 1
    assert progress_of("ec2-asg", db)["complete"] is False
    whole = run_tutor("lab", "run", "ec2-asg", "--solve", *args)
    assert whole.returncode == 0 and json.loads(whole.stdout)["complete"] is True
    assert progress_of("ec2-asg", db)["complete"] is True


def test_reset_cleans_up_and_forgets_progress(tmp_path, endpoint):
    db = tmp_path / "p.db"
    args = ("--endpoint-url", endpoint, "--db", str(db))
    run_tutor("lab", "run", "ec2-asg", "--solve", *args)
    run_tutor("lab", "hint", "ec2-asg", "--step", "asg", "--db", str(db))
    assert progress_of("ec2-asg", db)["steps_passed"]
    step = json.loads(run_tutor("lab", "reset", "ec2-asg", "--step", "asg", "--json", *args).stdout)
    assert step["next"] == "asg"
    progress = progress_of("ec2-asg", db)
    assert state_of(progress, "asg") == {**state_of(progress, "asg"), "state": "not_checked", "hints_used": 0}
    assert state_of(progress, "network")["state"] == "solved"  # other steps keep their progress
    whole = json.loads(run_tutor("lab", "reset", "ec2-asg", "--json", *args).stdout)
    assert whole["ok"] and {"vpc", "autoscaling-group"} <= {r["type"] for r in whole["resources"]}
    progress = progress_of("ec2-asg", db)
    assert progress["steps_passed"] == [] and progress["complete"] is False
    verify = run_tutor("lab", "verify", "ec2-asg", "--json", *args)
    assert json.loads(verify.stdout)["passed"] is False


def test_files_are_written_and_a_changed_copy_is_kept(tmp_path):
    lab = next(p.parent.name for p in sorted((ROOT / "labs").glob("*/files")) if any(p.iterdir()))
    first = json.loads(run_tutor("lab", "files", lab, str(tmp_path), "--json").stdout)
    assert first["written"] and not first["kept"]
    name = first["written"][0]
    (tmp_path / name).write_text("my edit\n")
    again = json.loads(run_tutor("lab", "files", lab, str(tmp_path), "--json").stdout)
    assert again["kept"] == [name] and (tmp_path / name).read_text() == "my edit\n"
    forced = json.loads(run_tutor("lab", "files", lab, str(tmp_path), "--force", "--json").stdout)
    assert name in forced["written"] and (tmp_path / name).read_text() != "my edit\n"


def test_a_labs_files_never_include_pythons_bytecode_cache(tmp_path):
    """serverless-api ships handler.py: once any Python imported it there, a __pycache__ sat
    beside it, and `tutor lab files` copied it to the student."""
    folder = ROOT / "labs" / "serverless-api" / "files"
    cache = folder / "__pycache__"
    made = not cache.exists()
    cache.mkdir(exist_ok=True)
    stray = cache / "handler.cpython-311.pyc"
    had_stray = stray.exists()
    if not had_stray:
        stray.write_bytes(b"not for students")
    try:
        written = json.loads(run_tutor("lab", "files", "serverless-api", str(tmp_path), "--json").stdout)["written"]
        shown = json.loads(run_tutor("lab", "show", "serverless-api", "--json").stdout)["files"]
        assert "handler.py" in written and written == shown
        assert not any("__pycache__" in f or f.endswith(".pyc") for f in written)
        assert not (tmp_path / "__pycache__").exists()
    finally:
        if not had_stray:
            stray.unlink()
        if made:
            cache.rmdir()


def test_a_call_the_endpoint_does_not_emulate_skips_one_check(tmp_path, endpoint):
    """Global Accelerator does not exist in moto: that check is skipped, the rest still judged."""
    from tutor.content.loader import load_catalog
    from tutor.labs.backend import Backend
    from tutor.labs.runner import LabRunner

    folder = tmp_path / "labs" / "partly"
    folder.mkdir(parents=True)
    (folder / "lab.py").write_text(textwrap.dedent("""
        from tutor.labs.kit import fail, ok
        def check_accelerator(ctx):
            ctx.client("globalaccelerator").list_accelerators()
            return ok("found", "있음")
        def check_vpcs(ctx):
            return fail("no vpc named x", "x VPC 없음")
        def solve(ctx):
            pass
        def cleanup(ctx):
            return []
    """))
    (folder / "lab.yaml").write_text(textwrap.dedent("""
        id: partly
        day: 5
        title: {ko: 일부, en: Partly}
        intro: {ko: 일부, en: Partly}
        steps:
          - id: one
            title: {ko: 하나, en: One}
            instructions: {ko: 하나, en: One}
            commands: [aws globalaccelerator list-accelerators]
            solution: solve
            hints: [{ko: 힌트, en: Hint}, {ko: 답, en: Answer}]
            checks:
              - {id: accelerator, fn: check_accelerator, describe: {ko: 가속기, en: Accelerator}}
              - {id: vpcs, fn: check_vpcs, describe: {ko: VPC, en: VPC}}
    """))
    catalog = load_catalog([tmp_path / "labs"])
    lab = catalog.labs["partly"]
    report = LabRunner(lab, folder, Backend("endpoint", endpoint)).verify()
    checks = {c["id"]: c for c in report["steps"][0]["checks"]}
    assert checks["accelerator"]["skipped"] is True and "not emulated by this endpoint" in checks["accelerator"]["message"]
    assert checks["vpcs"]["passed"] is False and report["passed"] is False


@pytest.fixture
def tutor_sandbox():
    status = sandbox.start(sandbox.free_port())
    try:
        yield status
    finally:
        sandbox.stop()


def _watch(tmp_path, *extra):
    env = {**os.environ, "TUTOR_LANG": "en"}
    return subprocess.Popen([str(VENV_BIN / "tutor"), "lab", "watch", "ec2-asg", "--json", "--db", str(tmp_path / "p.db"), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=str(ROOT))


def _first_check_recorded(db, timeout: float = 30) -> None:
    """Until the watch has recorded its first check of the account (read from its database, as
    polling `tutor progress` would cost a process a tenth of a second)."""
    import sqlite3

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if db.exists():
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                try:
                    if conn.execute("select count(*) from lab_checks where lab = 'ec2-asg'").fetchone()[0]:
                        return
                finally:
                    conn.close()
            except sqlite3.Error:  # still being created by the watch
                pass
        time.sleep(0.1)
    raise AssertionError("the watch never checked the account")


def test_watch_follows_the_students_commands_and_exits_when_complete(tmp_path, tutor_sandbox):
    from tutor.content.loader import load_catalog
    from tutor.labs.backend import Backend
    from tutor.labs.runner import LabRunner

    watch = _watch(tmp_path)
    try:
        _first_check_recorded(tmp_path / "p.db")  # it checks the empty account first
        catalog = load_catalog([ROOT / "labs"])
        runner = LabRunner(catalog.labs["ec2-asg"], catalog.lab_dirs["ec2-asg"], Backend("sandbox", tutor_sandbox.endpoint))
        for step in ("network", "launch-template", "asg", "scaling-policy"):
            runner.solve([step])  # as the student's commands in another terminal would
            time.sleep(0.5)
        out, err = watch.communicate(timeout=90)
    finally:
        watch.kill()
    assert watch.returncode == 0, err
    assert json.loads(out)["complete"] is True
    assert "on each change" in err  # the tutor's sandbox wakes the watch, no polling
    for step in ("network", "launch-template", "asg", "scaling-policy"):
        assert f"[PASS] {step}" in err


def test_watch_stops_on_ctrl_c_with_exit_130_and_keeps_progress(tmp_path, tutor_sandbox):
    watch = _watch(tmp_path)
    _first_check_recorded(tmp_path / "p.db")
    watch.send_signal(signal.SIGINT)
    out, err = watch.communicate(timeout=30)
    assert watch.returncode == 130, err
    assert state_of(progress_of("ec2-asg", tmp_path / "p.db"), "network")["state"] == "failed"


def test_endpoint_clients_are_built_once_per_service_region_endpoint_and_key(monkeypatch):
    from tutor.labs.backend import Backend

    one = Backend("endpoint", "http://127.0.0.1:1")
    assert one.client("ec2", "us-east-1") is Backend("sandbox", "http://127.0.0.1:1").client("ec2", "us-east-1")
    assert one.client("ec2", "us-west-2") is not one.client("ec2", "us-east-1")
    assert Backend("endpoint", "http://127.0.0.1:2").client("ec2", "us-east-1") is not one.client("ec2", "us-east-1")
    first = one.client("s3", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "another-student")
    assert one.client("s3", "us-east-1") is not first
