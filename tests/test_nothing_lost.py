"""Nothing lost: several processes on one database, kill -9 mid-write, a damaged or foreign
database, an older schema, and random answer lines that must never crash the quiz."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, VENV_BIN, run_tutor
from tutor import store_guard
from tutor.cli import main
from tutor.store import Store
from tutor.store_schema import migrations


@pytest.fixture(autouse=True)
def no_fresh_db_left_over():
    """main(--fresh-db) sets the policy for its process; in-process tests put it back."""
    yield
    store_guard.allow_fresh_db(None)
    store_guard.set_notice(None)


@pytest.fixture(scope="module")
def day1_ids():
    from tutor.content.loader import load_catalog

    return sorted(q.id for q in load_catalog().questions_for(day="1"))


def answer_all(tmp_path: Path, ids: list[str]) -> Path:
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps({"id": i, "answer": ["A"]}) + "\n" for i in ids))
    return path


def tutor_cmd(*args: str) -> list[str]:
    return [str(VENV_BIN / "tutor"), *args]


def count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("pragma integrity_check").fetchone()[0]
    finally:
        conn.close()


# several processes -----------------------------------------------------------------------------
def test_six_headless_quizzes_at_once_lose_no_answer(tmp_path, day1_ids):
    db, answers = tmp_path / "p.db", answer_all(tmp_path, day1_ids)
    env = {**os.environ, "TUTOR_DB": str(db)}
    procs = [subprocess.Popen(tutor_cmd("quiz", "--day", "1", "--headless", "--answers", str(answers), "--json"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
             for _ in range(6)]
    results = [(p.wait(timeout=180), p.stdout.read(), p.stderr.read()) for p in procs]
    for code, out, err in results:
        assert code == 0, err
        assert "internal error" not in err and "locked" not in err
        assert len(json.loads(out)["questions"]) == 10
    assert count(db, "answers") == 60
    assert count(db, "quiz_sessions") == 6
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from quiz_sessions where finished_at is null").fetchone()[0] == 0
    conn.close()


def test_the_apps_store_and_a_cli_write_at_once(tmp_path, day1_ids):
    db, answers = tmp_path / "p.db", answer_all(tmp_path, day1_ids)
    app_store = Store(db)  # as the TUI holds it: one long-lived connection
    env = {**os.environ, "TUTOR_DB": str(db)}
    procs = [subprocess.Popen(tutor_cmd("quiz", "--day", "1", "--headless", "--answers", str(answers)),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
             for _ in range(2)]
    written = 0
    while any(p.poll() is None for p in procs) or written < 40:
        app_store.record_answer(question_id=f"app-{written}", chosen=["A"], correct=True, seconds=1.0,
                                mode="practice", session_id=None, task="2.1", domain=2)
        app_store.record_lab_event("ec2-asg", "network", "hint", "1", "sandbox")
        assert app_store.accuracy()["answered"] >= written  # reads between writes never block
        written += 1
        # A student answers at most a few times a second; back to back, the app's writes kept the
        # lock so busy that the two quizzes waited seconds for their turns (slow, never lost).
        time.sleep(0.01)
    for p in procs:
        assert p.wait(timeout=60) == 0, p.stderr.read()
    app_store.close()
    assert count(db, "answers") == written + 20
    assert count(db, "lab_events") == written


def test_a_database_locked_too_long_is_one_line_exit_3(tmp_path, day1_ids):
    db = tmp_path / "p.db"
    Store(db).close()
    holder = sqlite3.connect(db)
    holder.execute("BEGIN IMMEDIATE")  # another process keeps the write lock
    try:
        done = run_tutor("quiz", "--day", "1", "--headless", "--answers", str(answer_all(tmp_path, day1_ids)),
                         env={"TUTOR_DB": str(db), "TUTOR_DB_BUSY_TIMEOUT": "0.2"})
    finally:
        holder.rollback()
        holder.close()
    assert done.returncode == 3
    assert len(done.stderr.strip().splitlines()) == 1
    assert "locked" in done.stderr and "internal error" not in done.stderr and "Traceback" not in done.stderr


# kill -9 ------------------------------------------------------------------------------------------
WRITER = """
import sys
from tutor.store import Store
store = Store(sys.argv[1])
n = 0
while True:
    store.record_answer(question_id=f"q{n}", chosen=["A"], correct=n % 2 == 0, seconds=1.0,
                        mode="practice", session_id=None, task="2.1", domain=2)
    store.record_lab_checks("ec2-asg", [{"id": "network", "checks": [
        {"id": f"c{n}", "passed": True, "message": "ok"}]}], "sandbox")
    store.record_lab_event("ec2-asg", "network", "hint", str(n), "sandbox")
    n += 1
    print(n, flush=True)
"""


def test_kill_9_mid_answers_and_lab_checks_keeps_every_recorded_one(tmp_path):
    db = tmp_path / "p.db"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    acknowledged = 0
    while acknowledged < 40:
        acknowledged = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)  # in the middle of the next iteration's writes
    proc.wait(timeout=10)
    assert integrity(db) == "ok"
    store = Store(db)
    try:
        answers, checks, events = (count(db, t) for t in ("answers", "lab_checks", "lab_events"))
        assert acknowledged <= answers <= acknowledged + 2
        assert acknowledged <= checks <= acknowledged + 2 and acknowledged <= events <= acknowledged + 2
        assert {f"q{i}" for i in range(acknowledged)} <= {a["question_id"] for a in store.answers()}
        assert len(store.cards()) == answers  # each answer's card was written with it, never apart
        assert store.lab_status("ec2-asg")["network"]["passed"] is True
    finally:
        store.close()


def test_kill_9_of_a_quiz_reading_answers_slowly_keeps_the_earlier_quiz(tmp_path, day1_ids):
    db = tmp_path / "p.db"
    env = {**os.environ, "TUTOR_DB": str(db)}
    first = run_tutor("quiz", "--day", "1", "--seed", "3", "--headless", "--answers",
                      str(answer_all(tmp_path, day1_ids)), env={"TUTOR_DB": str(db)})
    assert first.returncode == 0, first.stderr
    slow = subprocess.Popen(tutor_cmd("quiz", "--day", "1", "--headless", "--answers", "-"), stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    slow.stdin.write(json.dumps({"id": day1_ids[0], "answer": ["A"]}) + "\n")
    slow.stdin.flush()
    time.sleep(1.5)  # the store is open, the quiz waits for the rest of its answers
    slow.send_signal(signal.SIGKILL)
    slow.wait(timeout=10)
    assert integrity(db) == "ok"
    assert count(db, "answers") == 10 and count(db, "quiz_sessions") == 1
    again = run_tutor("progress", "--json", env={"TUTOR_DB": str(db)})
    assert again.returncode == 0 and json.loads(again.stdout)["answered"] == 10


# a damaged or foreign database ------------------------------------------------------------------
def _tutor_db_with_answer(path: Path) -> None:
    store = Store(path)
    store.record_answer(question_id="d1-001", chosen=["A"], correct=True, seconds=None, mode="practice",
                        session_id=None, task="3.2", domain=3)
    store.close()


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("create table invoices (id integer primary key, total real)")
    conn.execute("insert into invoices (total) values (12.5)")
    conn.commit()
    conn.close()


def _tutor_plus_unknown_table(path: Path) -> None:
    _tutor_db_with_answer(path)
    conn = sqlite3.connect(path)
    conn.execute("create table photos (id integer primary key)")
    conn.commit()
    conn.close()


def _damaged(path: Path) -> None:
    _tutor_db_with_answer(path)
    data = bytearray(path.read_bytes())
    page = 4096
    data[page:page * 3] = b"\xa5" * (page * 2)  # the first tables' pages are now noise
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("make", [
    lambda p: p.write_text("these are my notes, not a database\n"),
    _foreign_sqlite, _tutor_plus_unknown_table, _damaged,
], ids=["not-sqlite", "foreign-sqlite", "unknown-table", "damaged"])
def test_a_bad_database_is_refused_then_moved_aside_byte_for_byte(tmp_path, make):
    db = tmp_path / "progress.db"
    make(db)
    original = db.read_bytes()
    refused = run_tutor("progress", "--json", "--db", str(db))
    assert refused.returncode == 2, refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "--fresh-db" in refused.stderr
    assert db.read_bytes() == original and not list(tmp_path.glob("progress.db.corrupt-*"))

    fresh = run_tutor("progress", "--json", "--db", str(db), "--fresh-db")
    assert fresh.returncode == 0, fresh.stderr
    assert json.loads(fresh.stdout)["answered"] == 0
    (aside,) = tmp_path.glob("progress.db.corrupt-*")
    assert aside.read_bytes() == original
    assert "moved aside" in fresh.stderr and aside.name in fresh.stderr


def test_tutor_fresh_db_env_and_every_store_command_take_the_option(tmp_path):
    db = tmp_path / "p.db"
    db.write_bytes(b"\x00" * 300)
    done = run_tutor("lesson", "show", "1", "--db", str(db), env={"TUTOR_FRESH_DB": "1"})
    assert done.returncode == 0, done.stderr
    assert len(list(tmp_path.glob("p.db.corrupt-*"))) == 1
    db.write_bytes(b"\x00" * 300)
    assert main(["quiz", "--day", "1", "--headless", "--answers", os.devnull, "--db", str(db), "--fresh-db"]) == 0
    assert len(list(tmp_path.glob("p.db.corrupt-*"))) == 2


def test_an_older_schema_is_migrated_with_a_copy_kept_first(tmp_path):
    import sqlite_utils

    db = tmp_path / "p.db"
    old = sqlite_utils.Database(db)
    migrations.apply(old, stop_before="m002_exams_cards_flags")
    old["answers"].insert({"question_id": "d1-001", "chosen": '["A"]', "correct": 1, "task": "3.2", "domain": 3})
    old.close()
    before = sqlite_utils.Database(db)
    assert "exams" not in before.table_names()
    before.close()

    store = Store(db)
    assert store.pre_migration is not None and store.pre_migration.name.startswith("p.db.pre-migration-")
    assert store.answers()[0]["question_id"] == "d1-001" and migrations.pending(store.db) == []
    store.close()
    copy = sqlite_utils.Database(store.pre_migration)
    assert "exams" not in copy.table_names() and copy["answers"].count == 1
    copy.close()
    Store(db).close()  # nothing pending: no second copy
    assert len(list(tmp_path.glob("p.db.pre-migration-*"))) == 1


def test_a_database_from_a_newer_tutor_is_never_moved_aside(tmp_path):
    db = tmp_path / "p.db"
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) values ('tutor', 'm999_future', 'x')")
    conn.commit()
    conn.close()
    done = run_tutor("progress", "--db", str(db), "--fresh-db")
    assert done.returncode == 2 and "newer version" in done.stderr
    assert not list(tmp_path.glob("p.db.corrupt-*"))


async def test_the_app_asks_before_starting_fresh(tmp_path):
    from tutor.tui.app import DatabaseProblemApp

    app = DatabaseProblemApp(str(tmp_path / "p.db"), "it is not a SQLite database", "en")
    async with app.run_test() as pilot:
        assert "cannot be used" in str(app.query_one("#problem-text").render())
        await pilot.press("y")
    assert app.return_value is True
    declined = DatabaseProblemApp(str(tmp_path / "p.db"), "it is damaged", "ko")
    async with declined.run_test() as pilot:
        await pilot.click("#no")
    assert declined.return_value is False


def test_the_app_moves_aside_only_after_yes(tmp_path, monkeypatch):
    from tutor.errors import UsageError
    from tutor.tui import app as app_module

    db = tmp_path / "p.db"
    db.write_text("not a database")
    monkeypatch.setattr(app_module.DatabaseProblemApp, "run", lambda self: False)
    with pytest.raises(UsageError, match="cannot open the progress database"):
        app_module._open_store(str(db), "en")
    assert db.read_text() == "not a database"
    monkeypatch.setattr(app_module.DatabaseProblemApp, "run", lambda self: True)
    store = app_module._open_store(str(db), "en")
    assert store.moved_aside is not None and store.moved_aside.read_text() == "not a database"
    store.close()
    assert main(["--db", str(db), "progress"]) == 0  # the fresh one is a tutor database


# random answer lines ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cached_catalog():
    from tutor.content.loader import load_catalog

    return load_catalog()


_json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                            max_leaves=6)


def _line(ids: list[str]):
    keys = st.sampled_from(["A", "B", "C", "D", "E", "F", "a", " b ", "Z", ""])
    answer = st.lists(keys, max_size=4) | keys | _json_values
    obj = st.fixed_dictionaries({"id": st.sampled_from(ids) | st.text(max_size=6), "answer": answer})
    return obj.map(json.dumps) | _json_values.map(json.dumps) | st.text(max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_answer_lines_give_exit_0_or_2_never_a_crash(data, tmp_path, monkeypatch, capsys, cached_catalog, day1_ids):
    from tutor.commands import quiz

    monkeypatch.setattr(quiz, "load_catalog", lambda: cached_catalog)
    lines = data.draw(st.lists(_line(day1_ids), max_size=6))
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines)))
    capsys.readouterr()
    code = main(["quiz", "--day", "1", "--count", "3", "--seed", "5", "--headless", "--answers", "-",
                 "--db", str(tmp_path / "p.db")])
    out, err = capsys.readouterr()
    assert code in (0, 2), err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("tutor: ")
    assert "internal error" not in err and "Traceback" not in err


def test_a_deeply_nested_answer_line_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("[" * 5000 + "\n"))
    code = main(["quiz", "--day", "1", "--count", "1", "--headless", "--answers", "-", "--db", str(tmp_path / "p.db")])
    assert code == 2 and "internal error" not in capsys.readouterr().err


# the sandbox is never orphaned ---------------------------------------------------------------------
def _server_gone(pid: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_a_tutor_killed_while_starting_the_sandbox_leaves_one_the_next_start_reuses(isolated_home):
    from tutor import paths, sandbox

    port = sandbox.free_port()
    log = paths.sandbox_dir() / "sandbox.log"
    starter = subprocess.Popen(tutor_cmd("sandbox", "start", "--port", str(port)), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, cwd=ROOT, env=os.environ.copy())
    deadline = time.monotonic() + 20
    while not log.exists() and time.monotonic() < deadline:  # the server is being spawned
        time.sleep(0.05)
    time.sleep(0.5)
    starter.send_signal(signal.SIGKILL)  # a closed terminal, in the tutor's first second
    starter.wait(timeout=10)
    server_pid = None
    try:
        again = run_tutor("sandbox", "start", "--port", str(port), "--json")
        assert again.returncode == 0, again.stderr
        data = json.loads(again.stdout)
        assert data["running"] is True and data["reused"] is True and "reused" in again.stderr
        server_pid = data["pid"]
        state = json.loads((paths.sandbox_dir() / "state.json").read_text())
        assert state["pid"] == server_pid and state["port"] == port  # written by the server itself
        status = run_tutor("sandbox", "status", "--json")
        assert json.loads(status.stdout)["pid"] == server_pid
        # one folder, one sandbox: a second server for this folder refuses before touching the journal
        second = subprocess.run([sys.executable, "-m", "tutor.sandbox.server", "--port", str(sandbox.free_port()),
                                 "--state", str(paths.sandbox_dir())], capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert second.returncode == 3 and "already serves" in second.stderr and str(server_pid) in second.stderr
        # another data folder finds the port taken by a sandbox that is not its own
        other = run_tutor("sandbox", "start", "--port", str(port), env={"TUTOR_HOME": str(isolated_home.parent / "other")})
        assert other.returncode == 3 and "another data folder" in other.stderr
        other_status = run_tutor("sandbox", "status", "--json", env={"TUTOR_HOME": str(isolated_home.parent / "other"),
                                                                     "TUTOR_SANDBOX_PORT": str(port)})
        assert json.loads(other_status.stdout)["running"] is False
    finally:
        stopped = run_tutor("sandbox", "stop")
        assert stopped.returncode == 0
    assert server_pid is not None and _server_gone(server_pid)


def test_a_sandbox_whose_state_file_was_lost_is_found_on_its_port(monkeypatch):
    from tutor import paths, sandbox

    port = sandbox.free_port()
    monkeypatch.setenv("TUTOR_SANDBOX_PORT", str(port))
    started = sandbox.start()
    try:
        (paths.sandbox_dir() / "state.json").unlink()
        found = sandbox.status()
        assert found.running and found.pid == started.pid
        assert sandbox.start().reused is True
    finally:
        assert sandbox.stop() is True
    assert _server_gone(started.pid)


def test_a_cleanly_closed_database_is_not_fully_rechecked_until_it_changes(tmp_path, monkeypatch):
    """The full page check runs once per change of the file, not on every start; a file damaged
    after the tutor closed it is still caught."""
    from tutor import store_guard
    from tutor.store import SCHEMA, Store

    path = tmp_path / "progress.db"
    store = Store(path)
    store.set_setting("k", "v")
    store.close()
    assert store_guard.is_verified(path)
    checks = []
    real_connect = store_guard.connect

    class Counting:
        def __init__(self, conn):
            self.conn = conn

        def execute(self, sql, *args):
            checks.append(sql) if "quick_check" in sql else None
            return self.conn.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self.conn, name)

    monkeypatch.setattr(store_guard, "connect", lambda p: Counting(real_connect(p)))
    assert store_guard.diagnose(path, SCHEMA) is None and checks == []
    data = bytearray(path.read_bytes())
    data[4096 + 200: 4096 + 400] = b"\xff" * 200  # damage a page after the clean close
    path.write_bytes(bytes(data))
    store_guard.diagnose(path, SCHEMA)
    assert checks, "a changed file must get the full check again"


def test_a_tutor_whose_terminal_is_gone_quits_instead_of_spinning(isolated_home):
    """An SSH connection that drops without a SIGHUP leaves the app reading a terminal that is
    gone: it quits (Textual alone spun a core at 100 % for as long as the process lived)."""
    import pty
    import select

    from tutor import sandbox

    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "TUTOR_SANDBOX_PORT": str(sandbox.free_port())}
    app = subprocess.Popen(tutor_cmd(), stdin=follower, stdout=follower, stderr=follower, cwd=ROOT, env=env,
                           start_new_session=True)  # a session of its own: no SIGHUP when the pty closes
    os.close(follower)
    try:
        seen, deadline = b"", time.monotonic() + 30
        while b"Auto Scaling" not in seen and time.monotonic() < deadline:  # the home screen is up
            if select.select([leader], [], [], 0.1)[0]:
                seen += os.read(leader, 65536)
        assert b"Auto Scaling" in seen
        os.close(leader)
        leader = -1
        assert app.wait(timeout=15) is not None
    finally:
        if leader >= 0:
            os.close(leader)
        if app.poll() is None:
            app.kill()
            app.wait()
        run_tutor("sandbox", "stop")  # the one it started in the background, if it got that far
