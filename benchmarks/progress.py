"""A student after a long year: 100 000 recorded answers and 2 000 cards, and how fast home reads them.

`python benchmarks/progress.py` builds the database (once; kept in the benchmark folder given or
a temporary one) with the tutor's own schema, then times the store calls the home screen makes
and the due queue, each the median of several runs on a warm connection. The generator writes
plain rows in one transaction: the point is the reads, not how the answers got there.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANSWERS = 100_000
CARDS = 2_000
TASKS = ("2.1", "2.2", "3.1", "3.2", "3.3", "3.4", "3.5")


def generate(path: Path, answers: int = ANSWERS, cards: int = CARDS, seed: int = 7) -> None:
    """Fill a new progress database at ``path`` (the tutor's schema, then plain inserts)."""
    from tutor.content.loader import load_catalog
    from tutor.store import Store

    rng = random.Random(seed)
    ids = sorted(load_catalog().questions)
    # More cards than the bank has questions: a long-lived student's store also holds ids of
    # retired questions, which the tutor keeps (progress is keyed by stable ids).
    card_ids = ids + [f"retired-{n:05d}" for n in range(max(0, cards - len(ids)))]
    store = Store(path)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    conn = store.db.conn
    with conn:
        session = "bench-session"
        conn.execute("INSERT INTO quiz_sessions (id, mode, params, started_at) VALUES (?, 'practice', '{}', ?)",
                     (session, start.isoformat()))
        rows = []
        for n in range(answers):
            qid = rng.choice(card_ids[: cards])
            when = start + timedelta(minutes=5 * n)
            rows.append((qid, json.dumps([rng.choice("ABCD")]), int(rng.random() < 0.7), rng.uniform(20, 120),
                         "practice", session, rng.choice(TASKS), rng.choice((2, 3)), when.isoformat(timespec="seconds")))
        conn.executemany("INSERT INTO answers (question_id, chosen, correct, seconds, mode, session_id, task, domain,"
                         " answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        now = datetime.now(timezone.utc)
        conn.executemany("INSERT INTO cards (question_id, card, due, updated_at) VALUES (?, ?, ?, ?)",
                         [(qid, json.dumps({"card_id": i, "state": 2, "step": None, "stability": 5.0,
                                            "difficulty": 5.0, "due": (now + timedelta(days=rng.randint(-30, 60))).isoformat(),
                                            "last_review": now.isoformat()}),
                           (now + timedelta(days=rng.randint(-30, 60))).isoformat(), now.isoformat())
                          for i, qid in enumerate(card_ids[:cards])])
    store.close()


def timed_ms(fn, repeat: int = 7) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def measure(folder: Path | None = None) -> dict[str, float]:
    """``{home_queries_ms, due_queue_ms, db_mb}`` for the generated database."""
    from tutor.content.loader import load_catalog
    from tutor.store import Store

    folder = folder or Path(tempfile.mkdtemp(prefix="tutor-progress-"))
    path = folder / f"progress-{ANSWERS}-{CARDS}.db"
    if not path.exists():
        generate(path)
    catalog = load_catalog()
    store = Store(path)
    try:
        from tutor.content.summary import CatalogSummary
        from tutor.quiz.dashboard import gather, week_status

        def home() -> None:  # what the home screen runs: the day table, then its figures' worker
            week = week_status(store, CatalogSummary.of(catalog), "ko")
            worker = Store(path)  # the worker reads on a connection of its own, opened each time
            try:
                gather(worker, catalog, week, None)
                worker.accuracy()
                worker.active_exam()
            finally:
                worker.close()

        return {
            "home_queries_ms": timed_ms(home),
            "due_queue_ms": timed_ms(store.due),
            "db_mb": os.path.getsize(path) / 1e6,
        }
    finally:
        store.close()


if __name__ == "__main__":
    for name, value in measure(Path(sys.argv[1]) if len(sys.argv) > 1 else None).items():
        print(f"{name:16} {value:.1f}")
