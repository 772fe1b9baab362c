"""What keeps the progress database whole: one writer at a time, bad files moved aside, backups.

Several processes share one database (the app in one terminal, `tutor quiz` in another, six CI
jobs at once). SQLite allows that in WAL mode, but a deferred transaction that later needs the
write lock fails at once with "database is locked" instead of waiting. So every write here takes
the lock up front (``BEGIN IMMEDIATE``) and waits for it (a busy timeout, then a few retries);
a database still busy after that is an :class:`DatabaseBusy` (exit 3), never a lost answer.

A database that is damaged, or is not the tutor's, is never written over: it is renamed aside
byte for byte as ``NAME.corrupt-<UTC time>`` and a fresh one starts only when the student said
so (``--fresh-db``, ``TUTOR_FRESH_DB=1``, or yes in the app's dialog). Before a pending
migration changes an older database, a copy is kept as ``NAME.pre-migration-<UTC time>``.

This module is core: it never imports Textual and never prints.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from tutor.errors import EnvironmentFailure, UsageError

#: The first 16 bytes of every SQLite 3 database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
#: Where sqlite-utils records applied migrations, and the name of the tutor's set.
MIGRATIONS_TABLE = "_sqlite_migrations"
MIGRATION_SET = "tutor"
#: Tries at the write lock, each waiting up to the busy timeout.
WRITE_ATTEMPTS = 3
#: SQLite's result codes for "someone else holds the lock".
_BUSY_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
#: Result codes that say the file itself is bad (not a lock, not a permission problem).
_DAMAGED_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


@dataclass(frozen=True)
class Schema:
    """A migration set, known by what it makes: checking a database against it needs no
    sqlite-utils; only migrating does (``load`` returns the sqlite-utils Migrations)."""

    names: frozenset[str]  # the migrations, by name
    tables: frozenset[str]  # the tables they make, the migrations table included
    load: Callable[[], Any]
    derived: frozenset[str] = frozenset()  # of those, the ones triggers keep from the others


class DatabaseBusy(EnvironmentFailure):
    """Another process kept the write lock longer than the tutor waits (exit 3)."""


class DatabaseProblem(UsageError):
    """The database is damaged or not the tutor's; nothing was changed (exit 2)."""

    def __init__(self, message: str, path: Path, reason: str):
        super().__init__(message)
        self.path, self.reason = path, reason


_fresh_override: bool | None = None
_notice: Callable[[str], None] | None = None


def set_notice(callback: Callable[[str], None] | None) -> None:
    """Where to say that a database was moved aside or copied before a migration (the CLI: stderr)."""
    global _notice
    _notice = callback


def _tell(text: str) -> None:
    if _notice is not None:
        _notice(text)


def allow_fresh_db(on: bool | None) -> None:
    """The front end's ``--fresh-db`` for this command (None: only ``TUTOR_FRESH_DB`` decides)."""
    global _fresh_override
    _fresh_override = on


def fresh_db_allowed() -> bool:
    """May a damaged or foreign database be moved aside without asking?"""
    if _fresh_override:
        return True
    return os.environ.get("TUTOR_FRESH_DB", "").strip().lower() in ("1", "true", "yes")


def busy_timeout() -> float:
    """Seconds a statement waits for another process's lock (``TUTOR_DB_BUSY_TIMEOUT``, default 10)."""
    try:
        return max(0.0, float(os.environ.get("TUTOR_DB_BUSY_TIMEOUT", "10")))
    except ValueError:
        return 10.0


def is_busy(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _BUSY_CODES
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _busy(path: Path | str) -> DatabaseBusy:
    return DatabaseBusy(f"the progress database {path} stayed locked by another tutor process for "
                        f"{busy_timeout() * WRITE_ATTEMPTS:.0f} s; nothing was written, try again")


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(path), timeout=busy_timeout())


def enable_wal(conn: sqlite3.Connection, path: Path) -> None:
    """WAL: readers never wait for the writer, and a kill -9 loses at most the write in flight."""
    for attempt in range(WRITE_ATTEMPTS):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            if attempt == WRITE_ATTEMPTS - 1:
                raise _busy(path) from None
            time.sleep(0.2 * (attempt + 1))


@contextlib.contextmanager
def write(conn: sqlite3.Connection, path: Path | str = "") -> Iterator[None]:
    """One write transaction holding the write lock from its first statement.

    Nested inside another, it joins it (sqlite-utils' ``atomic()`` then uses savepoints).
    """
    if conn.in_transaction:
        yield
        return
    for attempt in range(WRITE_ATTEMPTS):
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            if attempt == WRITE_ATTEMPTS - 1:
                raise _busy(path) from None
            time.sleep(0.1 * (attempt + 1))
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if is_busy(exc):
            raise _busy(path) from None
        raise


# what is in the file -----------------------------------------------------------------------
def built_schema(migrations: Any) -> tuple[frozenset[str], frozenset[str]]:
    """The tables and migration names a database made by these migrations has (built in memory;
    tests compare it with a :class:`Schema`)."""
    import sqlite_utils  # noqa: PLC0415

    db = sqlite_utils.Database(memory=True)
    migrations.apply(db)
    names = frozenset(m.name for m in migrations.applied(db))
    tables = frozenset(t for t in db.table_names() if not t.startswith("sqlite_"))
    db.close()
    return tables, names


def known_tables(schema: Schema) -> set[str]:
    """The tutor's own tables of recorded progress (not the migrations table, not what triggers
    derive from the others)."""
    return set(schema.tables) - {MIGRATIONS_TABLE} - schema.derived


def _fingerprint(path: Path) -> str | None:
    """Size and modification time of a database at rest (None while a WAL file holds changes)."""
    try:
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size:
            return None
        stat = path.stat()
    except OSError:
        return None
    return f"{stat.st_size} {stat.st_mtime_ns}"


def _mark_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def is_verified(path: Path) -> bool:
    """Whether the file is byte for byte the one a full check last passed. PRAGMA quick_check
    reads every page (about a second for a year of answers on a slow disk); any write since, by
    the tutor or anything else, changes the size or the time and brings the full check back."""
    try:
        return _fingerprint(path) is not None and _mark_path(path).read_text() == _fingerprint(path)
    except OSError:
        return False


def mark_verified(path: Path) -> None:
    """Remember that the database as it is now passed the check (after a check, or after the
    tutor closed it cleanly). Best effort: without the mark the next start checks again."""
    fingerprint = _fingerprint(path)
    if fingerprint is None:
        return
    try:
        tmp = _mark_path(path).with_name(_mark_path(path).name + f".{os.getpid()}")
        tmp.write_text(fingerprint)
        os.replace(tmp, _mark_path(path))
    except OSError:
        pass


def diagnose(path: Path, schema: Schema) -> str | None:
    """Why ``path`` cannot be the tutor's database, or None (it is, or it is new or empty).

    Raises :class:`DatabaseBusy` when the file is locked (a lock is not damage) and
    :class:`UsageError` when it cannot be read at all (permissions, a folder).
    """
    try:
        if not path.exists() or (path.is_file() and path.stat().st_size == 0):
            return None
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise UsageError(f"cannot open the progress database {path}: {exc.strerror or exc}") from None
    if header != SQLITE_MAGIC:
        return "it is not a SQLite database"
    conn = connect(path)
    try:
        if not is_verified(path):
            check = conn.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                return f"it is damaged ({check[0][0] if check else 'integrity check failed'})"
            mark_verified(path)
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")
                  if not r[0].startswith("sqlite_")}
        applied = _applied(conn)
    except sqlite3.DatabaseError as exc:
        if is_busy(exc):
            raise _busy(path) from None
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and (code & 0xFF) not in _DAMAGED_CODES:
            raise UsageError(f"cannot open the progress database {path}: {exc}") from None
        return f"it is damaged ({exc})"
    finally:
        conn.close()
    if not tables:
        return None  # an empty SQLite file: the migrations make it the tutor's
    if not applied:
        return "it is not a tutor database (no tutor migrations table)"
    ours, names = schema.tables, schema.names
    if applied - names:
        raise UsageError(f"the progress database {path} was written by a newer version of the tutor "
                         f"(migrations {', '.join(sorted(applied - names))}); update the tutor to open it")
    unknown = tables - ours
    if unknown:
        return f"it is not a tutor database (unknown tables: {', '.join(sorted(unknown))})"
    return None


def _aside_name(path: Path, label: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
        n += 1
    return target


@contextlib.contextmanager
def _guard_lock(path: Path) -> Iterator[None]:
    """Several processes finding the same bad file: one moves it, the others see the fresh one."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # pragma: no cover
        yield
        return
    lock = path.with_name(f".{path.name}.guard")
    with open(lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def move_aside(path: Path, label: str = "corrupt") -> Path:
    """Rename the file (and its -wal/-shm/-journal) beside it, byte for byte; return the new name."""
    target = _aside_name(path, label)
    os.replace(path, target)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            os.replace(companion, Path(f"{target}{suffix}"))
    return target


def problem_message(path: Path, reason: str) -> str:
    return (f"cannot open the progress database {path}: {reason}. Nothing was changed; "
            f"run again with --fresh-db (or TUTOR_FRESH_DB=1) to move it aside as "
            f"{path.name}.corrupt-<time> and start a fresh one")


def check_or_move_aside(path: Path, schema: Schema, fresh: bool) -> Path | None:
    """Leave a good database alone; a bad one raises :class:`DatabaseProblem`, or with ``fresh``
    is moved aside (its new path is returned)."""
    reason = diagnose(path, schema)
    if reason is None:
        return None
    if not fresh:
        raise DatabaseProblem(problem_message(path, reason), path, reason)
    with _guard_lock(path):
        if diagnose(path, schema) is None:
            return None  # another process moved it aside first
        aside = move_aside(path)
    _tell(f"the progress database {path} could not be used ({reason}); it was moved aside, byte for "
          f"byte, as {aside.name}, and a fresh one starts now")
    return aside


def backup_copy(path: Path, label: str = "pre-migration") -> Path:
    """A consistent copy (SQLite's online backup, the WAL included) beside the database."""
    target = _aside_name(path, label)
    src, dst = connect(path), sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def _applied(conn: sqlite3.Connection) -> set[str]:
    """The names of the tutor's migrations this database has had (none without the table)."""
    if not conn.execute("select 1 from sqlite_master where type = 'table' and name = ?", [MIGRATIONS_TABLE]).fetchone():
        return set()
    return {r[0] for r in conn.execute(f"select name from {MIGRATIONS_TABLE} where migration_set = ?", [MIGRATION_SET])}


def _migrate(conn: sqlite3.Connection, path: Path, schema: Schema) -> Path | None:
    """Apply pending migrations under the write lock; an older database is copied first.
    A database that has them all (every start but the first after an update) is only read."""
    if schema.names <= _applied(conn):
        return None
    import sqlite_utils  # noqa: PLC0415

    db, migrations = sqlite_utils.Database(conn), schema.load()
    with write(conn, path):
        if not migrations.pending(db):
            return None  # another process migrated it while this one waited for the lock
        copy = backup_copy(path) if migrations.applied(db) else None
        migrations.apply(db)
    if copy is not None:
        _tell(f"the progress database {path} was updated to the new schema; the old one is kept as {copy.name}")
    return copy


def open_database(path: Path, schema: Schema, fresh: bool | None = None) -> tuple[sqlite3.Connection, Path | None, Path | None]:
    """``(connection, moved-aside path or None, pre-migration copy or None)``."""
    fresh = fresh_db_allowed() if fresh is None else fresh
    moved = check_or_move_aside(path, schema, fresh)
    conn = None
    try:
        conn = connect(path)
        enable_wal(conn, path)
        return conn, moved, _migrate(conn, path, schema)
    except BaseException as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, OSError):
            raise UsageError(f"cannot open the progress database {path}: {exc}") from None
        if not isinstance(exc, sqlite3.DatabaseError):
            raise
        if is_busy(exc):
            raise _busy(path) from None
        raise UsageError(f"cannot open the progress database {path}: {exc}") from None
