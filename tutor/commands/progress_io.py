"""`tutor progress export [FILE]` and `tutor progress import FILE`: a student's progress as one
JSON document, so it can move to another machine.

The document holds every row of every tutor table (answers, quiz sessions, cards, flags, exams,
lab checks and events, lesson reads, question reports, settings, and what real mode recorded
creating), ids included, in insertion order, and nothing that changes between two exports (no
export time, no path): export, import into a new database, export again gives the same bytes.
Import only fills an empty database; it never merges, so nothing is counted twice.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from tutor import store_guard as guard
from tutor.commands import Output
from tutor.errors import ExitCode, UsageError
from tutor.store import SCHEMA, Store
from tutor.store_schema import migrations

FORMAT = "saa-tutor-progress"
VERSION = 1
_SCALARS = (str, int, float, type(None))


def _tables(store: Store) -> list[str]:
    """The tutor's tables this database has, in a stable order."""
    present = set(store.db.table_names())
    return sorted(t for t in guard.known_tables(SCHEMA) if t in present)


def _columns(store: Store, table: str) -> list[str]:
    return [row[1] for row in store.db.execute(f'pragma table_info("{table}")')]


def export_progress(store: Store) -> dict[str, Any]:
    """Every row of every tutor table, read in one snapshot."""
    conn = store.db.conn
    conn.execute("BEGIN")  # one read snapshot: a writer in another process cannot tear the export
    try:
        applied = [m.name for m in migrations.applied(store.db)]
        tables: dict[str, list[dict[str, Any]]] = {}
        for table in _tables(store):
            cursor = conn.execute(f'select * from "{table}" order by rowid')
            names = [d[0] for d in cursor.description]
            tables[table] = [dict(zip(names, row)) for row in cursor]
    finally:
        conn.execute("COMMIT")
    return {"format": FORMAT, "version": VERSION, "migrations": applied, "tables": tables}


def _validate(doc: Any, store: Store) -> dict[str, list[dict[str, Any]]]:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise UsageError(f'not a tutor progress export (expected "format": "{FORMAT}")')
    if doc.get("version") != VERSION:
        raise UsageError(f"unsupported progress export version {doc.get('version')!r} (this tutor reads {VERSION})")
    applied = doc.get("migrations", [])
    known = {m.name for m in migrations.applied(store.db)}
    if not isinstance(applied, list) or not set(map(str, applied)) <= known:
        raise UsageError("the export was written by a newer version of the tutor; update the tutor to import it")
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        raise UsageError('the export has no "tables" object')
    ours = set(_tables(store))
    for table, rows in tables.items():
        if table not in ours:
            raise UsageError(f"the export has a table this tutor does not know: {table!r}")
        if not isinstance(rows, list):
            raise UsageError(f"table {table}: expected a list of rows")
        columns = set(_columns(store, table))
        for n, row in enumerate(rows, 1):
            if not isinstance(row, dict):
                raise UsageError(f"table {table}, row {n}: expected an object")
            unknown = set(row) - columns
            if unknown:
                raise UsageError(f"table {table}, row {n}: unknown columns {', '.join(sorted(unknown))}")
            bad = [k for k, v in row.items() if not isinstance(v, _SCALARS)]
            if bad:
                raise UsageError(f"table {table}, row {n}: {bad[0]} must be a string, number or null")
    return tables


def import_progress(store: Store, doc: Any) -> dict[str, int]:
    """Fill an empty database from an export; all or nothing. Returns rows imported per table."""
    tables = _validate(doc, store)
    counts: dict[str, int] = {}
    with guard.write(store.db.conn, store.path):
        filled = {t: n for t in _tables(store)
                  if (n := store.db.execute(f'select count(*) from "{t}"').fetchone()[0])}
        if filled:
            listed = ", ".join(f"{t} {n}" for t, n in sorted(filled.items()))
            raise UsageError(f"the progress database {store.path} is not empty ({listed} rows); "
                             "import only into an empty one, e.g. --db NEW.db")
        for table, rows in tables.items():
            for n, row in enumerate(rows, 1):
                cols = list(row)
                sql = (f'insert into "{table}" ({", ".join(f"[{c}]" for c in cols)}) '
                       f'values ({", ".join("?" * len(cols))})')
                try:
                    store.db.conn.execute(sql, [row[c] for c in cols])
                except sqlite3.IntegrityError as exc:
                    raise UsageError(f"table {table}, row {n}: {exc}; nothing was imported") from None
            counts[table] = len(rows)
    return counts


def _read_document(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {source}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"cannot read {source}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise UsageError(f"{source} is not JSON ({getattr(exc, 'msg', exc)})") from None


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _write_atomically(target: Path, text: str) -> None:
    """A crash mid-write leaves the old file (or none), never half a document."""
    target = target.expanduser()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None


def export(args: argparse.Namespace, out: Output) -> int:
    store = Store(args.db)
    try:
        doc = export_progress(store)
    finally:
        store.close()
    target = getattr(args, "file", None)
    if not target or target == "-":
        out.emit(doc, lambda: _dump(doc))  # the same document with or without --json
        return ExitCode.OK
    _write_atomically(Path(target), _dump(doc))
    rows = {t: len(r) for t, r in doc["tables"].items()}
    out.emit({"file": str(target), "rows": rows},
             out.t(f"Exported {sum(rows.values())} rows to {target}.",
                   f"{target}에 {sum(rows.values())}행을 내보냈습니다."))
    return ExitCode.OK


def import_(args: argparse.Namespace, out: Output) -> int:
    source = getattr(args, "file", None)
    if not source:
        raise UsageError("progress import needs FILE (an export, or - for standard input)")
    doc = _read_document(source)
    store = Store(args.db)
    try:
        counts = import_progress(store, doc)
        path = store.path
    finally:
        store.close()
    out.emit({"file": source, "db": str(path), "rows": counts},
             out.t(f"Imported {sum(counts.values())} rows from {source} into {path}.",
                   f"{source}에서 {sum(counts.values())}행을 {path}에 가져왔습니다."))
    return ExitCode.OK
