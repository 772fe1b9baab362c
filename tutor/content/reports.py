"""Students' reports that a question is wrong, read against the content as it is now.

A report is kept with the question's *content version*: a short hash of what the student saw
(stem, choices, explanations, answer). When an author changes the question its version changes
and the report becomes stale: the review screens stop marking the question, and
`tutor content reports` says the report was about an older text. The store keeps the rows
(`Store.report_question`, `Store.question_reports`); this module only reads them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable, Mapping

from tutor.content.models import Question

VERSION_LENGTH = 12


def content_version(q: Question) -> str:
    """A stable short hash of the question's content; tags, ids and references do not count."""
    content = {
        "stem": q.stem.model_dump(),
        "choices": [{"key": c.key, "text": c.text.model_dump(), "explanation": c.explanation.model_dump()}
                    for c in q.choices],
        "answer": sorted(q.answer),
    }
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:VERSION_LENGTH]


def report_rows(rows: Iterable[Mapping[str, Any]], questions: Mapping[str, Question]) -> list[dict[str, Any]]:
    """Each stored report with ``stale``: the question changed (or is gone) since it was reported."""
    out = []
    for row in rows:
        q = questions.get(row["question_id"])
        current = content_version(q) if q is not None else None
        out.append({
            "id": row["id"], "question_id": row["question_id"], "content_version": row["content_version"],
            "current_version": current, "stale": current != row["content_version"],
            "reason": row["reason"], "reported_at": row["reported_at"],
        })
    return out


def open_reports(rows: Iterable[Mapping[str, Any]], questions: Mapping[str, Question]) -> set[str]:
    """Ids of questions reported in their current version: the review screens mark these."""
    return {r["question_id"] for r in report_rows(rows, questions) if not r["stale"]}
