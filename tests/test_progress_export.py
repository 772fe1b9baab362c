"""`tutor progress export|import`: everything as one JSON document, restored exactly elsewhere."""

from __future__ import annotations

import json

from conftest import run_tutor
from tutor.cli import main
from tutor.store import Store


def _busy_student(path) -> None:
    store = Store(path)
    session = store.start_session("practice", {"day": "1"})
    store.record_answer(question_id="d1-001", chosen=["B", "A"], correct=True, seconds=12.5,
                        mode="practice", session_id=session, task="3.2", domain=3)
    store.record_answer(question_id="d1-002", chosen=["C"], correct=False, seconds=None,
                        mode="practice", session_id=session, task="2.1", domain=2)
    store.finish_session(session, {"total": 2, "correct": 1, "score_percent": 50.0})
    store.flag("d1-003")
    store.record_lab_checks("ec2-asg", [{"id": "network", "checks": [
        {"id": "vpc", "passed": True, "message": "VPC 있음"}, {"id": "subnets", "passed": False, "message": "no"}]}], "sandbox")
    store.record_lab_event("ec2-asg", "network", "hint", "1", "sandbox")
    store.record_lesson_read("1", "ko", "placement-groups")
    store.report_question("d1-004", "abc123", "the key looks wrong")
    store.set_setting("lang", "en")
    store.close()


def test_round_trip_is_exact(tmp_path, capsys):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    _busy_student(first)
    assert main(["progress", "export", "--db", str(first)]) == 0
    exported = capsys.readouterr().out
    doc = json.loads(exported)
    assert doc["format"] == "saa-tutor-progress"
    for table in ("answers", "quiz_sessions", "cards", "flags", "exams", "lab_checks", "lab_events",
                  "lesson_reads", "question_reports", "settings"):
        assert table in doc["tables"]
    assert len(doc["tables"]["answers"]) == 2 and doc["tables"]["settings"] == [{"key": "lang", "value": "en"}]

    file = tmp_path / "moving.json"
    file.write_text(exported)
    assert main(["progress", "import", str(file), "--db", str(second), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"]["answers"] == 2
    assert main(["progress", "export", "-", "--db", str(second)]) == 0
    assert capsys.readouterr().out == exported

    restored = Store(second)
    assert restored.accuracy()["answered"] == 2 and restored.mistakes() == ["d1-002", "d1-003"]
    assert restored.lab_status("ec2-asg")["network"]["checks"]["vpc"]["message"] == "VPC 있음"
    restored.close()


def test_export_to_a_file_and_progress_still_reports(tmp_path, capsys):
    db = tmp_path / "a.db"
    _busy_student(db)
    target = tmp_path / "out" / "progress.json"
    assert main(["progress", "export", str(target), "--db", str(db), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"]["answers"] == 2 and json.loads(target.read_text())["tables"]["flags"][0]["question_id"] == "d1-003"
    assert main(["progress", "--json", "--db", str(db)]) == 0  # without an action: the report, as before
    assert json.loads(capsys.readouterr().out)["answered"] == 2


def test_import_refuses_a_database_that_is_not_empty(tmp_path, capsys):
    db = tmp_path / "a.db"
    _busy_student(db)
    assert main(["progress", "export", str(tmp_path / "x.json"), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["progress", "import", str(tmp_path / "x.json"), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "not empty" in err and len(err.strip().splitlines()) == 1
    assert Store(db).accuracy()["answered"] == 2  # nothing doubled


def test_import_bad_documents_exit_2_and_import_nothing(tmp_path):
    db = tmp_path / "new.db"
    cases = {
        "missing.json": None,
        "notjson.json": "{not json",
        "other.json": json.dumps({"format": "something-else"}),
        "table.json": json.dumps({"format": "saa-tutor-progress", "version": 1, "migrations": [], "tables": {"photos": []}}),
        "column.json": json.dumps({"format": "saa-tutor-progress", "version": 1, "migrations": [],
                                   "tables": {"answers": [{"question_id": "q", "evil": 1}]}}),
        "dupe.json": json.dumps({"format": "saa-tutor-progress", "version": 1, "migrations": [],
                                 "tables": {"settings": [{"key": "lang", "value": "en"}, {"key": "lang", "value": "ko"}]}}),
        "newer.json": json.dumps({"format": "saa-tutor-progress", "version": 1, "migrations": ["m999"], "tables": {}}),
    }
    for name, text in cases.items():
        if text is not None:
            (tmp_path / name).write_text(text)
        done = run_tutor("progress", "import", str(tmp_path / name), "--db", str(db))
        assert done.returncode == 2, (name, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr, name
    store = Store(db)
    assert store.get_setting("lang") is None and store.accuracy()["answered"] == 0
    store.close()


def test_import_needs_a_file(capsys, tmp_path):
    assert main(["progress", "import", "--db", str(tmp_path / "a.db")]) == 2
    assert "needs FILE" in capsys.readouterr().err
