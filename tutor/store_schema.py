"""The progress database's schema: the sqlite-utils migrations that make and update it.

Imported only to migrate (a new or older database) or to export and import progress: every
other start checks the file against :data:`tutor.store.SCHEMA`, which names what these make
without importing sqlite-utils (tests/test_store.py proves the two agree).
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("tutor")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db["answers"].create(
        {
            "id": int, "question_id": str, "chosen": str, "correct": int, "seconds": float,
            "mode": str, "session_id": str, "task": str, "domain": int, "answered_at": str,
        },
        pk="id",
    )
    db["answers"].create_index(["question_id"])
    db["quiz_sessions"].create(
        {
            "id": str, "mode": str, "params": str, "started_at": str, "finished_at": str,
            "total": int, "correct": int, "score_percent": float, "report": str,
        },
        pk="id",
    )
    db["lab_checks"].create(
        {
            "id": int, "lab": str, "step": str, "check_id": str, "passed": int, "skipped": int,
            "message": str, "backend": str, "checked_at": str,
        },
        pk="id",
    )
    db["lab_checks"].create_index(["lab", "step"])
    db["lesson_reads"].create(
        {"id": int, "day": str, "lang": str, "section": str, "read_at": str}, pk="id"
    )
    db["settings"].create({"key": str, "value": str}, pk="key")


@migrations()
def m002_exams_cards_flags(db: sqlite_utils.Database) -> None:
    db["exams"].create(
        {
            "id": str, "question_ids": str, "minutes": int, "started_at": str, "seed": int,
            "answers": str, "flagged": str, "seconds": str, "current": int, "esl": int,
            "finished_at": str, "report": str,
        },
        pk="id",
    )
    db["cards"].create({"question_id": str, "card": str, "due": str, "updated_at": str}, pk="question_id")
    db["cards"].create_index(["due"])
    db["flags"].create({"question_id": str, "flagged_at": str}, pk="question_id")


@migrations()
def m003_lab_events_and_reports(db: sqlite_utils.Database) -> None:
    # What the runner records beside check results: hints used, steps skipped or solved by the
    # tutor, resets, and a whole lab passing in one re-check (the only way it is complete).
    db["lab_events"].create(
        {"id": int, "lab": str, "step": str, "kind": str, "detail": str, "backend": str, "at": str},
        pk="id",
    )
    db["lab_events"].create_index(["lab", "step"])
    # A student's report that a question is wrong, kept with the content version it was about.
    db["question_reports"].create(
        {"id": int, "question_id": str, "content_version": str, "reason": str, "reported_at": str},
        pk="id",
    )
    db["question_reports"].create_index(["question_id"])


@migrations()
def m004_created_resources(db: sqlite_utils.Database) -> None:
    # Real mode: every resource a command of the tutor created, recorded before the call
    # returns, so cleanup finds what an endpoint cannot tag (or list the tags of).
    db["created_resources"].create(
        {"id": int, "type": str, "resource_id": str, "name": str, "region": str, "lab": str,
         "run": str, "backend": str, "account": str, "endpoint": str, "created_at": str,
         "deleted_at": str},
        pk="id",
    )
    db["created_resources"].create_index(["lab", "account", "region"])


@migrations()
def m005_answer_indexes(db: sqlite_utils.Database) -> None:
    # The home screen's figures read a year of answers (100 000 rows) by task and by time;
    # these indexes keep each of those reads to a few milliseconds (benchmarks/progress.py).
    db["answers"].create_index(["task", "domain", "correct"], if_not_exists=True)  # accuracy()
    db["answers"].create_index(["task"], if_not_exists=True)  # recent_answers(): (task, id) order
    db["answers"].create_index(["answered_at"], if_not_exists=True)


@migrations()
def m006_answer_summaries(db: sqlite_utils.Database) -> None:
    # The home screen read a year of answers (100 000 rows) four ways on every show: the latest
    # answer per question, totals per task and domain, and the hours anything was studied (for
    # the streak). Triggers keep each of those as a small table in the transaction of the write
    # itself, whoever writes (the store, an import, a script), so home reads 2 000 rows, not
    # 100 000. Nothing deletes answers, lesson reads or lab records. The three tables are
    # derived (tutor.store.SCHEMA.derived): never exported or imported (an import fills them by
    # inserting the answers), never written by hand.
    db.execute("create table answer_latest (question_id text primary key, answer_id integer not null, "
               "correct integer not null)")
    db.execute("create table answer_totals (task text, domain integer, answered integer not null, "
               "correct integer not null, primary key (task, domain))")
    db.execute("create table study_hours (hour text primary key)")
    db.execute("""create trigger answers_keep_summaries after insert on answers begin
        insert into answer_latest (question_id, answer_id, correct)
            values (new.question_id, new.id, coalesce(new.correct, 0))
            on conflict (question_id) do update set answer_id = excluded.answer_id, correct = excluded.correct
            where excluded.answer_id > answer_latest.answer_id;
        insert into answer_totals (task, domain, answered, correct)
            values (new.task, new.domain, 1, coalesce(new.correct, 0))
            on conflict (task, domain) do update set answered = answered + 1, correct = correct + excluded.correct;
        insert or ignore into study_hours select substr(new.answered_at, 1, 13) where new.answered_at is not null;
    end""")
    for table, column in (("lesson_reads", "read_at"), ("lab_checks", "checked_at"), ("lab_events", "at")):
        db.execute(f"""create trigger {table}_keep_study_hours after insert on {table} begin
            insert or ignore into study_hours select substr(new.{column}, 1, 13) where new.{column} is not null;
        end""")
    db.execute("insert into answer_latest select question_id, id, coalesce(correct, 0) from answers "
               "where id in (select max(id) from answers group by question_id)")
    db.execute("insert into answer_totals select task, domain, count(*), coalesce(sum(correct), 0) from answers "
               "group by task, domain")
    db.execute("insert or ignore into study_hours select h from ("
               "select substr(answered_at, 1, 13) as h from answers union select substr(read_at, 1, 13) "
               "from lesson_reads union select substr(checked_at, 1, 13) from lab_checks "
               "union select substr(at, 1, 13) from lab_events) where h is not null")
