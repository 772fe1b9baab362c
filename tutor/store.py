"""The progress store: every answer, lab check and lesson read, in SQLite via sqlite-utils.

The schema is versioned with sqlite-utils migrations. Each write is its own transaction that
takes the write lock up front (tutor.store_guard), so several processes share one file and a
crash or kill -9 loses at most the write in flight. A store belongs to the thread that opened it
(sqlite3 refuses cross-thread use): front ends send results to that thread to be written.
"""

from __future__ import annotations

import importlib
import json
import uuid
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from tutor import paths
from tutor import store_guard as guard

#: What tutor.store_schema's migrations make, known without importing sqlite-utils (40 ms with
#: click, before the home screen); tests/test_store.py proves the two agree.
SCHEMA = guard.Schema(
    names=frozenset({"m001_initial", "m002_exams_cards_flags", "m003_lab_events_and_reports",
                     "m004_created_resources", "m005_answer_indexes", "m006_answer_summaries"}),
    tables=frozenset({"answers", "quiz_sessions", "lab_checks", "lesson_reads", "settings", "exams", "cards",
                      "flags", "lab_events", "question_reports", "created_resources", "answer_latest",
                      "answer_totals", "study_hours", guard.MIGRATIONS_TABLE}),
    derived=frozenset({"answer_latest", "answer_totals", "study_hours"}),  # kept by m006's triggers
    load=lambda: importlib.import_module("tutor.store_schema").migrations,
)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def stamp() -> str:
    """A time that orders lab checks and lab events done within the same second."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


class Store:
    """Progress of one student, keyed by the catalog's stable ids (unknown ids are kept)."""

    def __init__(self, path: str | Path | None = None, *, fresh: bool | None = None):
        """A damaged or foreign file raises DatabaseProblem unless ``fresh`` (default: --fresh-db or
        TUTOR_FRESH_DB) moves it aside; ``moved_aside``/``pre_migration`` name the files kept."""
        self.path = paths.db_path(path)
        self.conn, self.moved_aside, self.pre_migration = guard.open_database(self.path, SCHEMA, fresh)
        self._db: Any = None
        self._reads: dict[str, tuple[tuple[int, int], Any]] = {}

    @property
    def db(self) -> Any:
        """The connection as a sqlite-utils Database, for migrations, export and import. The
        store's own reads and writes are plain SQL on ``conn``: sqlite-utils (and click under
        it) cost every command that records anything 55 ms to import."""
        if self._db is None:
            import sqlite_utils  # noqa: PLC0415

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def _write(self):
        """A write transaction that holds the write lock from the start (see tutor.store_guard)."""
        return guard.write(self.conn, self.path)

    def _insert(self, table: str, rows: list[dict[str, Any]], upsert_on: str | None = None) -> None:
        """Rows of the same columns into ``table`` (names are the store's own, never input);
        with ``upsert_on``, a row whose key exists updates the columns given instead."""
        if not rows:
            return
        cols = list(rows[0])
        sql = f"insert into {table} ({', '.join(cols)}) values ({', '.join('?' * len(cols))})"
        if upsert_on:
            others = [c for c in cols if c != upsert_on]
            sql += f" on conflict({upsert_on}) " + (
                "do update set " + ", ".join(f"{c} = excluded.{c}" for c in others) if others else "do nothing")
        self.conn.executemany(sql, [[row[c] for c in cols] for row in rows])

    def _update(self, table: str, key: str, values: dict[str, Any]) -> None:
        sets = ", ".join(f"{c} = ?" for c in values)
        self.conn.execute(f"update {table} set {sets} where id = ?", [*values.values(), key])

    def _rows(self, sql: str, args: Iterable[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, list(args))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor]

    def close(self) -> None:
        self.conn.close()
        # Closed cleanly by the tutor: the next start can trust the file without reading every
        # page again, until anything changes it (tutor.store_guard.is_verified).
        guard.mark_verified(self.path)

    # settings ---------------------------------------------------------------------------
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("select value from settings where key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self._write():
            self._insert("settings", [{"key": key, "value": value}], upsert_on="key")

    # quiz -------------------------------------------------------------------------------
    def start_session(self, mode: str, params: dict[str, Any]) -> str:
        session_id = uuid.uuid4().hex
        with self._write():
            self._insert("quiz_sessions", [
                {"id": session_id, "mode": mode, "params": json.dumps(params), "started_at": now()}])
        return session_id

    def record_answer(self, *, question_id: str, chosen: Iterable[str], correct: bool,
                      seconds: float | None, mode: str, session_id: str | None,
                      task: str, domain: int, when: datetime | None = None) -> None:
        """One answer, its spaced-repetition card and its flag, in one transaction."""
        from tutor.quiz import srs  # noqa: PLC0415 - fsrs is light, but only answers need it

        when = when or datetime.now(timezone.utc)
        with self._write():
            self._insert("answers", [
                {
                    "question_id": question_id, "chosen": json.dumps(sorted(chosen)),
                    "correct": int(correct), "seconds": seconds, "mode": mode,
                    "session_id": session_id, "task": task, "domain": domain,
                    "answered_at": when.isoformat(timespec="seconds"),
                }
            ])
            row = self.conn.execute("select card from cards where question_id = ?", [question_id]).fetchone()
            card = srs.review(row[0] if row else None, correct, seconds, when)
            self._insert("cards", [{"question_id": question_id, "card": card.to_json(),
                                    "due": card.due.isoformat(), "updated_at": when.isoformat()}],
                         upsert_on="question_id")
            if correct:
                self.conn.execute("delete from flags where question_id = ?", [question_id])

    # review queues -------------------------------------------------------------------------
    def flag(self, question_id: str, on: bool = True) -> None:
        with self._write():
            if on:
                self._insert("flags", [{"question_id": question_id, "flagged_at": now()}], upsert_on="question_id")
            else:
                self.conn.execute("delete from flags where question_id = ?", [question_id])

    def _version(self) -> tuple[int, int]:
        """Moves whenever the database changes: ``data_version`` when another connection
        commits, ``total_changes`` when this one writes."""
        return self.conn.execute("pragma data_version").fetchone()[0], self.conn.total_changes

    def _kept(self, name: str, read: Any) -> Any:
        """``read()``, kept until the database changes: the home figures ask for the same
        whole-table reads several times in one pass (readiness, mistakes, the plan)."""
        version = self._version()
        kept = self._reads.get(name)
        if kept is None or kept[0] != version:
            kept = self._reads[name] = (version, read())
        return kept[1]

    def last_correct(self) -> dict[str, bool]:
        """Whether each answered question's latest answer was right, oldest latest answer first."""
        # answer_latest: one row per question, kept by a trigger (tutor.store_schema, m006).
        return dict(self._kept("last_correct", lambda: {qid: bool(ok) for qid, ok in self.conn.execute(
            "select question_id, correct from answer_latest order by answer_id")}))

    def mistakes(self) -> list[str]:
        """Questions answered wrong and not answered right since, then flagged ones."""
        wrong = [qid for qid, ok in self.last_correct().items() if not ok]
        flagged = [r[0] for r in self.conn.execute("select question_id from flags order by flagged_at")]
        return wrong + [q for q in flagged if q not in wrong]

    def due(self, when: datetime | None = None) -> list[str]:
        """Cards due at ``when`` (default now), the most overdue first."""
        when = when or datetime.now(timezone.utc)
        rows = self.conn.execute("select question_id, due from cards order by due")
        return [qid for qid, due in rows if datetime.fromisoformat(due) <= when]

    def _card_rows(self) -> list[tuple[str, str, str]]:
        """Every card with its due time, one read kept until the database changes: the cards and
        their due times a plan gets come from the same snapshot."""
        return self._kept("cards", lambda: list(self.conn.execute("select question_id, card, due from cards")))

    def cards(self) -> dict[str, str]:
        return {qid: card for qid, card, _ in self._card_rows()}

    def card_dues(self) -> dict[str, str]:
        """Each card's due time (ISO, UTC) as stored beside it: what a plan needs of most cards
        without parsing them (tutor.quiz.plan.schedule_reviews)."""
        return {qid: due for qid, _, due in self._card_rows()}

    def activity_times(self) -> list[str]:
        """When anything was studied (answers, lesson reads, lab checks and events; ISO, UTC),
        to the hour: the home screen's streak. Kept by triggers (tutor.store_schema, m006)."""
        return [row[0] + ":00:00+00:00" for row in self.conn.execute("select hour from study_hours order by hour")]

    def study_days(self, utc_offset: Any) -> set[str]:
        """The local dates (ISO) anything was studied on, at a fixed ``utc_offset`` (a timedelta):
        computed by SQLite over the hours, not parsed one by one in Python."""
        minutes = int(utc_offset.total_seconds() // 60)
        return {row[0] for row in self.conn.execute(
            "select distinct date(hour || ':00:00', ?) from study_hours", [f"{minutes:+d} minutes"])}

    def recent_answers(self, limit_per_task: int = 20) -> dict[str, list[int]]:
        """The last answers per task (newest first), for readiness."""
        # Per task through the (task, id) index: a few short reads instead of every answer.
        tasks = [row[0] for row in self.conn.execute("select distinct task from answers")]
        return {task: [row[0] for row in self.conn.execute(
            "select correct from answers where task is ? order by id desc limit ?", [task, limit_per_task])]
            for task in tasks}

    # exams --------------------------------------------------------------------------------
    def save_exam(self, state: Any) -> None:
        with self._write():
            self._insert("exams", [state.to_row()], upsert_on="id")

    def active_exam(self) -> Any | None:
        from tutor.quiz.exam import ExamState  # noqa: PLC0415

        row = next(iter(self._rows("select * from exams where finished_at is null order by started_at desc limit 1")),
                   None)
        return ExamState.from_row(row) if row else None

    def finish_exam(self, exam_id: str, report: dict[str, Any]) -> None:
        with self._write():
            self._update("exams", exam_id, {"finished_at": now(), "report": json.dumps(report, ensure_ascii=False)})

    def exams(self) -> list[dict[str, Any]]:
        """Every finished exam, oldest first."""
        out = []
        for row in self._rows("select * from exams where finished_at is not null order by finished_at, started_at"):
            report = json.loads(row["report"] or "{}")
            out.append({
                "id": row["id"], "started_at": row["started_at"], "finished_at": row["finished_at"],
                "questions": report.get("total"), "score_percent": report.get("score_percent"),
                "scaled_score": report.get("scaled_score"), "passed": report.get("passed"),
                "minutes": report.get("minutes"), "by_domain": report.get("by_domain"),
            })
        return out

    def exam_report(self, exam_id: str) -> dict[str, Any] | None:
        row = self.conn.execute("select report from exams where id = ?", [exam_id]).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def finish_session(self, session_id: str, report: dict[str, Any]) -> None:
        with self._write():
            self._update(
                "quiz_sessions", session_id,
                {
                    "finished_at": now(), "total": report.get("total"),
                    "correct": report.get("correct"), "score_percent": report.get("score_percent"),
                    "report": json.dumps(report, ensure_ascii=False),
                },
            )

    def answers(self) -> list[dict[str, Any]]:
        return self._rows("select * from answers order by id")

    def accuracy(self) -> dict[str, Any]:
        """Totals plus accuracy per domain and per task (every answer counts)."""
        by_domain: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        by_task: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        total = correct = 0
        # answer_totals: one row per task and domain, kept by a trigger (tutor.store_schema, m006).
        for domain, task, n, ok in self.conn.execute(
                "select domain, task, sum(answered), sum(correct) from answer_totals group by task, domain"):
            total += n
            correct += ok
            for bucket in (by_domain[str(domain)], by_task[task]):
                bucket[0] += ok
                bucket[1] += n
        distinct = self.conn.execute("select count(*) from answer_latest").fetchone()[0]

        def pct(pair: list[int]) -> dict[str, Any]:
            return {"answered": pair[1], "correct": pair[0],
                    "accuracy": round(100 * pair[0] / pair[1], 1) if pair[1] else None}

        return {
            "answered": total,
            "correct": correct,
            "accuracy": round(100 * correct / total, 1) if total else None,
            "distinct_questions": distinct,
            "by_domain": {k: pct(v) for k, v in sorted(by_domain.items())},
            "by_task": {k: pct(v) for k, v in sorted(by_task.items())},
        }

    def accuracy_by_day(self, question_days: dict[str, str]) -> dict[str, tuple[int, int]]:
        """``{day: (distinct questions answered, of those answered right the last time)}``, by
        ``{question id: day}`` (tutor.content.summary)."""
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for qid, ok in self.last_correct().items():
            day = question_days.get(qid)
            if day is not None:  # answers to questions since removed are kept, not shown
                out[day][0] += 1
                out[day][1] += int(ok)
        return {day: (v[0], v[1]) for day, v in out.items()}

    # labs -------------------------------------------------------------------------------
    def record_lab_checks(self, lab: str, steps: list[dict[str, Any]], backend: str) -> None:
        at = stamp()
        rows = [
            {
                "lab": lab, "step": step["id"], "check_id": check["id"],
                "passed": int(check["passed"]), "skipped": int(check.get("skipped", False)),
                "message": check["message"], "backend": backend, "checked_at": at,
            }
            for step in steps
            for check in step["checks"]
        ]
        with self._write():
            self._insert("lab_checks", rows)

    def lab_status(self, lab: str) -> dict[str, dict[str, Any]]:
        """The last result of every step of a lab: ``{step: {passed, checked_at, checks}}``."""
        latest: dict[str, dict[str, Any]] = {}
        resets = self.last_lab_reset(lab)
        for row in self.conn.execute(
            "select step, check_id, passed, skipped, message, checked_at from lab_checks "
            "where lab = ? order by id", [lab]
        ):
            step, check_id, passed, skipped, message, at = row
            if at <= max(resets.get("", ""), resets.get(step, "")):
                continue  # checked before the lab or the step was reset
            entry = latest.get(step)
            if entry is None or entry["checked_at"] != at:
                entry = latest[step] = {"checked_at": at, "checks": {}}
            entry["checks"][check_id] = {"passed": bool(passed), "skipped": bool(skipped), "message": message}
        for entry in latest.values():
            entry["passed"] = all(c["passed"] for c in entry["checks"].values())
        return latest

    def record_lab_event(self, lab: str, step: str, kind: str, detail: str = "", backend: str = "") -> None:
        """``kind``: hint (detail = level), skip, solve, reset (step "" = whole lab), complete."""
        with self._write():
            self._insert("lab_events", [{"lab": lab, "step": step, "kind": kind, "detail": detail,
                                         "backend": backend, "at": stamp()}])

    def any_lab_activity(self) -> bool:
        """Whether any lab was ever checked or run (one query; the cost meter's gate)."""
        return self.conn.execute("select exists(select 1 from lab_checks) or exists(select 1 from lab_events)"
                               ).fetchone()[0] == 1

    def lab_events(self, lab: str) -> list[dict[str, Any]]:
        """The lab's events since its last whole-lab reset (a step reset hides that step's)."""
        rows = list(self.conn.execute(
            "select id, step, kind, detail, backend, at from lab_events where lab = ? order by id", [lab]))
        out: list[dict[str, Any]] = []
        for ident, step, kind, detail, backend, at in rows:
            if kind == "reset":
                out = [e for e in out if step and e["step"] != step]
                continue
            out.append({"id": ident, "step": step, "kind": kind, "detail": detail, "backend": backend, "at": at})
        return out

    def last_lab_reset(self, lab: str) -> dict[str, str]:
        """When each step (key "" for the whole lab) was last reset: checks before are forgotten."""
        return {step: at for step, at in self.conn.execute(
            "select step, max(at) from lab_events where lab = ? and kind = 'reset' group by step", [lab])}

    # question reports -----------------------------------------------------------------------
    def report_question(self, question_id: str, content_version: str, reason: str) -> None:
        with self._write():
            self._insert("question_reports", [{"question_id": question_id, "content_version": content_version,
                                               "reason": reason, "reported_at": now()}])

    def question_reports(self) -> list[dict[str, Any]]:
        return self._rows("select * from question_reports order by id")

    # lessons ----------------------------------------------------------------------------
    def record_lesson_read(self, day: str, lang: str, section: str | None = None) -> None:
        with self._write():
            self._insert("lesson_reads", [{"day": day, "lang": lang, "section": section or "", "read_at": now()}])

    def lessons_read(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for day, section in self.conn.execute("select day, section from lesson_reads"):
            out[day].add(section)
        return dict(out)

    # resources created in real mode --------------------------------------------------------
    def record_created(self, *, kind: str, resource_id: str, name: str = "", region: str, lab: str,
                       run: str, backend: str, account: str = "", endpoint: str = "") -> None:
        with self._write():
            self._insert("created_resources", [{
                "type": kind, "resource_id": resource_id, "name": name, "region": region, "lab": lab,
                "run": run, "backend": backend, "account": account, "endpoint": endpoint,
                "created_at": stamp(), "deleted_at": None}])

    def created_resources(self, *, lab: str | None = None, account: str | None = None,
                          region: str | None = None, endpoint: str | None = None,
                          live_only: bool = True) -> list[dict[str, Any]]:
        """What the tutor recorded creating (oldest first), narrowed to a lab, account, region
        and endpoint ("" = real AWS itself); by default only what it has not deleted since."""
        where, args = ["1 = 1"], []
        for column, value in (("lab", lab), ("account", account), ("region", region), ("endpoint", endpoint)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if live_only:
            where.append("deleted_at is null")
        return self._rows(f"select * from created_resources where {' and '.join(where)} order by id", args)

    def mark_deleted(self, idents: Iterable[str], *, account: str, region: str, endpoint: str) -> None:
        """Records whose id or name is among ``idents`` are deleted (they no longer open a guard)."""
        idents = [i for i in idents if i]
        if not idents:
            return
        marks = ",".join("?" * len(idents))
        with self._write():
            self.conn.execute(
                f"update created_resources set deleted_at = ? where deleted_at is null and account = ? "
                f"and region = ? and endpoint = ? and (resource_id in ({marks}) or name in ({marks}))",
                [stamp(), account, region, endpoint, *idents, *idents])
