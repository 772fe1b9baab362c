"""The progress store: migrations, durable writes, reads after a restart."""

from __future__ import annotations

import sqlite3

from tutor import store_guard
from tutor.store import SCHEMA, Store, migrations


def test_migrations_apply_once(tmp_path):
    path = tmp_path / "p.db"
    Store(path).close()
    store = Store(path)
    assert migrations.pending(store.db) == []
    assert {"answers", "quiz_sessions", "lab_checks", "lesson_reads", "settings"} <= set(store.db.table_names())
    store.close()


def test_the_schema_start_up_checks_against_is_what_the_migrations_make():
    """tutor.store.SCHEMA names the tables and migrations without importing sqlite-utils; a new
    migration must be named there too, or every start would take the database for a newer one."""
    assert store_guard.built_schema(migrations) == (SCHEMA.tables, SCHEMA.names)


def test_a_start_that_only_reads_never_imports_sqlite_utils(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "p.db"
    Store(path).close()
    code = ("import sys; from tutor.store import Store; s = Store(sys.argv[1]); s.lessons_read(); "
            "s.last_correct(); s.lab_status('ec2-asg'); s.get_setting('lang'); s.close(); "
            "print('sqlite_utils' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_everything_survives_a_reopen(tmp_path):
    path = tmp_path / "p.db"
    store = Store(path)
    session = store.start_session("practice", {"day": "1"})
    store.record_answer(question_id="d1-001", chosen=["B", "A"], correct=True, seconds=12.5,
                        mode="practice", session_id=session, task="3.2", domain=3)
    store.record_answer(question_id="d1-002", chosen=["C"], correct=False, seconds=3.0,
                        mode="practice", session_id=session, task="2.1", domain=2)
    store.record_lab_checks("ec2-asg", [{"id": "network", "checks": [
        {"id": "vpc", "passed": True, "message": "ok"}, {"id": "subnets", "passed": False, "message": "no"}]}], "sandbox")
    store.record_lesson_read("1", "ko", "placement-groups")
    store.set_setting("lang", "en")
    store.close()  # as if the app was killed after its last commit

    again = Store(path)
    acc = again.accuracy()
    assert acc["answered"] == 2 and acc["correct"] == 1
    assert acc["by_domain"]["3"]["accuracy"] == 100.0 and acc["by_task"]["2.1"]["accuracy"] == 0.0
    assert again.answers()[0]["chosen"] == '["A", "B"]'
    status = again.lab_status("ec2-asg")
    assert status["network"]["passed"] is False
    assert status["network"]["checks"]["vpc"]["passed"] is True
    assert again.lessons_read() == {"1": {"placement-groups"}}
    assert again.get_setting("lang") == "en"
    again.close()


def test_latest_lab_result_wins(tmp_path):
    store = Store(tmp_path / "p.db")
    store.record_lab_checks("ec2-asg", [{"id": "asg", "checks": [{"id": "sizes", "passed": False, "message": "x"}]}], "sandbox")
    store.db.execute("update lab_checks set checked_at = '2000-01-01T00:00:00+00:00'")
    store.record_lab_checks("ec2-asg", [{"id": "asg", "checks": [{"id": "sizes", "passed": True, "message": "y"}]}], "sandbox")
    assert store.lab_status("ec2-asg")["asg"]["passed"] is True


def test_writes_are_committed_at_once(tmp_path):
    path = tmp_path / "p.db"
    store = Store(path)
    store.record_answer(question_id="q", chosen=["A"], correct=True, seconds=None, mode="practice",
                        session_id=None, task="3.1", domain=3)
    # another connection (another process after a crash) sees the answer without a close
    other = sqlite3.connect(path)
    assert other.execute("select count(*) from answers").fetchone()[0] == 1
    other.close()
    store.close()


def test_db_path_from_environment(tmp_path, monkeypatch):
    target = tmp_path / "sub" / "custom.db"
    monkeypatch.setenv("TUTOR_DB", str(target))
    store = Store()
    assert store.path == target and target.exists()
    store.close()
