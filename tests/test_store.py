"""The progress store: migrations, durable writes, reads after a restart."""

from __future__ import annotations

import sqlite3

from tutor import store_guard
from tutor.store import SCHEMA, Store
from tutor.store_schema import migrations


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


def _straight_from_the_records(conn):
    """What the summary tables stand for, read the slow way over every record."""
    latest = {qid: bool(ok) for qid, ok in conn.execute(
        "select question_id, correct from answers where id in (select max(id) from answers group by question_id) "
        "order by id")}
    totals = sorted(conn.execute("select task, domain, count(*), sum(correct) from answers group by task, domain"))
    hours = sorted(r[0] + ":00:00+00:00" for r in conn.execute(
        "select substr(answered_at, 1, 13) from answers union select substr(read_at, 1, 13) from lesson_reads "
        "union select substr(checked_at, 1, 13) from lab_checks union select substr(at, 1, 13) from lab_events"))
    return latest, totals, hours


def test_summary_tables_match_the_records_after_a_migration_writes_and_an_import(tmp_path):
    """m006's tables (latest answer per question, totals, study hours) are backfilled from an
    older database and then kept by triggers through the store's writes and a progress import."""
    import random
    from datetime import datetime, timedelta, timezone

    import sqlite_utils

    from tutor.commands.progress_io import export_progress, import_progress

    path, rng = tmp_path / "old.db", random.Random(5)
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m006_answer_summaries")
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    old["answers"].insert_all([{"question_id": f"q{rng.randrange(30)}", "chosen": '["A"]', "correct": rng.random() < .6,
                                "task": rng.choice(["2.1", "3.2"]), "domain": rng.choice([2, 3]),
                                "answered_at": (start + timedelta(minutes=37 * i)).isoformat(timespec="seconds")}
                               for i in range(300)])
    old["lesson_reads"].insert({"day": "1", "lang": "ko", "section": "", "read_at": "2026-02-20T08:00:00+00:00"})
    old.close()

    store = Store(path)
    for i in range(40):
        store.record_answer(question_id=f"q{rng.randrange(40)}", chosen=["B"], correct=i % 3 == 0, seconds=9,
                            mode="practice", session_id=None, task="3.1", domain=3,
                            when=start + timedelta(days=20, hours=i))
    store.record_lab_checks("ec2-asg", [{"id": "network", "checks": [{"id": "vpc", "passed": True, "message": ""}]}],
                            "sandbox")
    store.record_lab_event("ec2-asg", "network", "hint", "1")
    latest, totals, hours = _straight_from_the_records(store.conn)
    assert store.last_correct() == latest and list(store.last_correct()) == list(latest)
    got = store.accuracy()
    assert got["answered"] == sum(t[2] for t in totals) and got["correct"] == sum(t[3] for t in totals)
    assert got["distinct_questions"] == len(latest)
    assert store.activity_times() == hours

    doc = export_progress(store)
    assert not {"answer_latest", "answer_totals", "study_hours"} & set(doc["tables"])  # derived, never exported
    fresh = Store(tmp_path / "new.db")
    import_progress(fresh, doc)
    assert (fresh.last_correct(), fresh.accuracy(), fresh.activity_times()) == (
        store.last_correct(), store.accuracy(), store.activity_times())
    assert export_progress(fresh) == doc
    store.close()
    fresh.close()


def test_study_days_are_the_local_dates_of_the_hours(tmp_path):
    from datetime import date, datetime, timedelta, timezone

    from tutor.quiz.dashboard import streak, streak_of_days

    store = Store(tmp_path / "p.db")
    for when in ("2026-05-01T14:10:00+00:00", "2026-05-01T15:30:00+00:00", "2026-05-02T23:59:00+00:00"):
        store.record_answer(question_id="q", chosen=["A"], correct=True, seconds=1, mode="practice", session_id=None,
                            task="2.1", domain=2, when=datetime.fromisoformat(when))
    seoul = timezone(timedelta(hours=9))
    assert store.study_days(timedelta(hours=9)) == {"2026-05-01", "2026-05-02", "2026-05-03"}
    assert store.study_days(timedelta(0)) == {"2026-05-01", "2026-05-02"}
    days = {date.fromisoformat(d) for d in store.study_days(timedelta(hours=9))}
    assert streak_of_days(days, date(2026, 5, 3)) == streak(store.activity_times(), date(2026, 5, 3), seoul) == 3
    store.close()
