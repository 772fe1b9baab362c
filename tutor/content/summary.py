"""What the home screen's first frame needs of the catalog, without the catalog.

The day table shows, per day, whether there is a lesson, how many questions there are and how
far the labs are; answered questions are counted by their day. Loading the validated catalog
for that means importing pydantic and the models (about 100 ms before anything is drawn), so
the compiled cache (tutor.content.cache) keeps this summary beside the catalog, under the same
key, as plain data. Everything else reads the full catalog, which the app loads right after
the first frame. Imports nothing heavy: the first frame imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The course's days, in order ("extra": the exam topics outside the week).
DAYS = ("1", "2", "3", "4", "5", "extra")


@dataclass(frozen=True)
class StepSummary:
    id: str
    real_aws_only: bool


@dataclass(frozen=True)
class LabSummary:
    """A lab as tutor.labs.progress.lab_progress reads it (the same attribute names as the model)."""

    id: str
    day: str
    steps: tuple[StepSummary, ...]


@dataclass(frozen=True)
class CatalogSummary:
    question_days: dict[str, str]  # question id -> day
    lessons: frozenset[tuple[str, str]]  # (day, lang)
    labs: dict[str, LabSummary]

    @classmethod
    def of(cls, catalog: Any) -> CatalogSummary:
        return cls(
            question_days={qid: q.day for qid, q in catalog.questions.items()},
            lessons=frozenset(catalog.lessons),
            labs={lab.id: LabSummary(lab.id, lab.day, tuple(StepSummary(s.id, s.real_aws_only) for s in lab.steps))
                  for lab in catalog.labs.values()},
        )

    def has_lesson(self, day: str, lang: str) -> bool:
        """In either language, as tutor.content.loader.Catalog.lesson falls back to the other."""
        return (day, lang) in self.lessons or (day, "en" if lang == "ko" else "ko") in self.lessons

    def question_count(self, day: str) -> int:
        return sum(1 for d in self.question_days.values() if d == day)

    def labs_of(self, day: str) -> list[LabSummary]:
        return sorted((lab for lab in self.labs.values() if lab.day == day), key=lambda lab: lab.id)
