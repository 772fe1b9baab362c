"""Pydantic models of everything on disk: questions, lessons, labs.

Models use ``extra="forbid"`` so a typo in a YAML key is reported instead of ignored. They hold
the rules that concern one item alone; rules across items (duplicate ids, broken links) live in
``tutor.content.check``.
"""

from __future__ import annotations

import functools
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tutor.content.summary import DAYS  # noqa: F401 - defined where the first frame can import it

TASKS = ("2.1", "2.2", "3.1", "3.2", "3.3", "3.4", "3.5")
LANGS = ("ko", "en")

NonEmpty = Annotated[str, Field(min_length=1)]


@functools.lru_cache(maxsize=4096)  # content check compares every section with every question: 270 000 calls
def service_key(name: str) -> str:
    """A service name without its brand prefix, lowercase: "Amazon S3" and "S3" match."""
    key = re.sub(r"\s+", " ", name.strip().lower())
    for prefix in ("amazon ", "aws "):
        if key.startswith(prefix):
            key = key[len(prefix):]
    return key


def services_overlap(a: list[str], b: list[str]) -> int:
    """How many services of ``a`` name a service of ``b`` (one name contained in the other)."""
    keys = [service_key(x) for x in b]
    return sum(1 for key in map(service_key, a)
               if any(k == key or (len(k) > 2 and k in key) or (len(key) > 2 and key in k) for k in keys))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in both languages of the tutor; both are required."""

    ko: NonEmpty
    en: NonEmpty

    def get(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


class Choice(Strict):
    key: Annotated[str, Field(pattern=r"^[A-F]$")]
    text: Text
    explanation: Text


def _day_str(value: object) -> object:
    # YAML reads `day: 1` as an int; the catalog keys days as strings ("1".."5", "extra").
    return str(value) if isinstance(value, int) else value


class Question(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    domain: Literal[2, 3]
    task: Literal["2.1", "2.2", "3.1", "3.2", "3.3", "3.4", "3.5"]
    day: Literal["1", "2", "3", "4", "5", "extra"]
    services: Annotated[list[NonEmpty], Field(min_length=1)]
    type: Literal["single", "multi"]
    choose: int | None = None
    stem: Text
    choices: Annotated[list[Choice], Field(min_length=2)]
    answer: Annotated[list[str], Field(min_length=1)]
    references: Annotated[list[NonEmpty], Field(min_length=1)]
    difficulty: Literal["easy", "medium", "hard"]
    tags: list[NonEmpty] = []
    scenario: str | None = None
    lesson: str | None = None
    lab: str | None = None

    _day = field_validator("day", mode="before")(_day_str)

    @field_validator("task", mode="before")
    @classmethod
    def _task_str(cls, value: object) -> object:
        # `task: 2.1` is a float in YAML; accept it as the string the exam guide uses.
        return f"{value:.1f}" if isinstance(value, float) else value

    @model_validator(mode="after")
    def _consistent(self) -> "Question":
        if int(self.task[0]) != self.domain:
            raise ValueError(f"task {self.task} is not in domain {self.domain}")
        keys = [c.key for c in self.choices]
        if len(set(keys)) != len(keys):
            raise ValueError(f"choice keys repeat: {keys}")
        unknown = [a for a in self.answer if a not in keys]
        if unknown:
            raise ValueError(f"answer names keys that are not choices: {unknown}")
        if len(set(self.answer)) != len(self.answer):
            raise ValueError("answer repeats a key")
        if self.type == "single":
            if self.choose is not None:
                raise ValueError("`choose` is only for type multi")
            if len(self.answer) != 1:
                raise ValueError(f"a single question has exactly one answer, not {len(self.answer)}")
        else:
            if self.choose is None:
                raise ValueError("a multi question needs `choose: N`")
            if self.choose != len(self.answer):
                raise ValueError(
                    f"choose is {self.choose} but answer has {len(self.answer)} keys"
                )
        return self

    @property
    def correct(self) -> frozenset[str]:
        return frozenset(self.answer)


class LessonSection(Strict):
    """A section of a lesson: its heading and what it links to."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    heading: NonEmpty
    tasks: list[str] = []
    services: list[str] = []
    labs: list[str] = []


class LessonMeta(Strict):
    """The front matter of one lesson file."""

    day: Literal["1", "2", "3", "4", "5", "extra"]
    lang: Literal["ko", "en"]
    title: NonEmpty
    summary: str = ""
    minutes: int = 10
    sections: list[LessonSection] = []
    labs: list[str] = []

    _day = field_validator("day", mode="before")(_day_str)


class Lesson(Strict):
    meta: LessonMeta
    body: str
    path: str
    body_line: int = 0  # lines before the body (front matter), for problem line numbers
    section_lines: dict[str, int] = {}  # front-matter line of each section, for problems

    @property
    def id(self) -> str:
        return f"day{self.meta.day}" if self.meta.day != "extra" else "extra"

    def headings(self) -> list[str]:
        return [
            m.group(2).strip()
            for m in re.finditer(r"^(#{1,3})\s+(.+?)\s*$", self.body, flags=re.MULTILINE)
        ]


class LabCheck(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    describe: Text
    #: The function that judges it; a graded lab's checks name rubric criteria that its
    #: ``grade`` judges together, so they have none.
    fn: NonEmpty | None = None
    real_aws_only: bool = False


class LabStep(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: Text
    instructions: Text
    commands: Annotated[list[NonEmpty], Field(min_length=1)]
    solution: NonEmpty
    checks: list[LabCheck]
    #: Two or three hints, from a nudge to the answer; using one is recorded in progress.
    hints: Annotated[list[Text], Field(min_length=2, max_length=3)]
    #: A function deleting what this step creates (by the lab's names), for `lab reset --step`.
    cleanup: str | None = None
    real_aws_only: bool = False
    #: Optional: a step the lab can be complete without (real-AWS-only extras).
    optional: bool = False
    lesson: str | None = None


class Lab(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    day: Literal["1", "2", "3", "4", "5", "extra"]
    region: NonEmpty = "us-east-1"
    title: Text
    intro: Text
    module: NonEmpty = "lab.py"
    cleanup: NonEmpty = "cleanup"
    #: A graded lab (the capstone): verify calls the module's ``grade(ctx, step_id)``, which
    #: returns the whole report (its steps are the rubric's areas) instead of running checks.
    graded: bool = False
    steps: Annotated[list[LabStep], Field(min_length=1)]

    _day = field_validator("day", mode="before")(_day_str)

    def step(self, step_id: str) -> LabStep | None:
        return next((s for s in self.steps if s.id == step_id), None)
