"""Read content/, quizzes/ and labs/ into models, returning what loaded *and* what failed.

Every problem names its file, its line and what is wrong, so an author can jump to it. The
loader never prints and never raises for bad content; front ends decide how to show problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ValidationError

from tutor import yaml_data
from tutor.content.files import content_files, default_targets, kind
from tutor.content.models import Lab, Lesson, LessonMeta, Question


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.message}


@dataclass
class Catalog:
    """Everything the tutor teaches, keyed by stable ids."""

    questions: dict[str, Question] = field(default_factory=dict)
    question_paths: dict[str, tuple[str, int]] = field(default_factory=dict)
    lessons: dict[tuple[str, str], Lesson] = field(default_factory=dict)
    labs: dict[str, Lab] = field(default_factory=dict)
    lab_dirs: dict[str, Path] = field(default_factory=dict)
    #: Line of each step (and of each check, keyed "step/check") in its lab.yaml, for problems.
    lab_lines: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def lesson(self, day: str, lang: str) -> Lesson | None:
        return self.lessons.get((day, lang)) or self.lessons.get((day, "en" if lang == "ko" else "ko"))

    def questions_for(self, *, day: str | None = None, task: str | None = None) -> list[Question]:
        return [
            q
            for q in self.questions.values()
            if (day is None or q.day == day) and (task is None or q.task == task)
        ]


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _node_line(node: yaml.Node | None, loc: Iterable[Any]) -> int:
    """The 1-based line of the YAML node at a pydantic error location (as deep as it goes)."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                key = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
                return key.start_mark.line + 1 if key is not None else line
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _describe(error: dict[str, Any]) -> str:
    loc = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function-"))
    msg = error["msg"]
    if error["type"] == "extra_forbidden":
        msg = "unknown key (typo?)"
    elif error["type"] == "missing":
        msg = "required key is missing"
    msg = msg.removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


def _validate(model: type[BaseModel], data: Any, node: yaml.Node | None, path: str,
              problems: list[Problem], line_offset: int = 0) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            line = _node_line(node, [p for p in err["loc"]]) + line_offset
            problems.append(Problem(path, line, _describe(err)))
        return None


def _compose(text: str, path: str, problems: list[Problem], line_offset: int = 0):
    """Parse YAML keeping the node tree (for line numbers) and the plain data."""
    try:
        loader = yaml_data.LOADER(text)
        try:
            nodes, docs = [], []
            while loader.check_node():
                node = loader.get_node()
                nodes.append(node)
                docs.append(loader.construct_document(node))
            return nodes, docs
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + 1 if mark else 1) + line_offset
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(Problem(path, line, f"YAML syntax: {problem}"))
        return None


def load_questions(file: Path, catalog: Catalog) -> None:
    rel = _rel(file)
    parsed = _compose(file.read_text(encoding="utf-8"), rel, catalog.problems)
    if parsed is None:
        return
    for node, doc in zip(*parsed):
        items = list(zip(node.value, doc)) if isinstance(doc, list) else [(node, doc)]
        for item_node, item in items:
            line = item_node.start_mark.line + 1
            if not isinstance(item, dict):
                catalog.problems.append(Problem(rel, line, "a question must be a mapping"))
                continue
            question = _validate(Question, item, item_node, rel, catalog.problems)
            if question is None:
                continue
            if question.id in catalog.questions:
                first = catalog.question_paths[question.id]
                catalog.problems.append(
                    Problem(rel, line, f"duplicate question id {question.id!r} (first at {first[0]}:{first[1]})")
                )
                continue
            catalog.questions[question.id] = question
            catalog.question_paths[question.id] = (rel, line)


_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def load_lesson(file: Path, catalog: Catalog) -> None:
    rel = _rel(file)
    text = file.read_text(encoding="utf-8")
    match = _FRONT.match(text)
    if not match:
        catalog.problems.append(Problem(rel, 1, "missing YAML front matter between --- lines"))
        return
    parsed = _compose(match.group(1), rel, catalog.problems, line_offset=1)
    if parsed is None:
        return
    nodes, docs = parsed
    if len(docs) != 1 or not isinstance(docs[0], dict):
        catalog.problems.append(Problem(rel, 2, "front matter must be one mapping"))
        return
    meta = _validate(LessonMeta, docs[0], nodes[0], rel, catalog.problems, line_offset=1)
    if meta is None:
        return
    lesson = Lesson(meta=meta, body=text[match.end():], path=rel, body_line=text[:match.end()].count("\n"),
                    section_lines=_section_lines(nodes[0]))
    key = (meta.day, meta.lang)
    if key in catalog.lessons:
        catalog.problems.append(
            Problem(rel, 1, f"a lesson for day {meta.day} in {meta.lang} already exists: {catalog.lessons[key].path}")
        )
        return
    catalog.lessons[key] = lesson


def load_lab(file: Path, catalog: Catalog) -> None:
    rel = _rel(file)
    parsed = _compose(file.read_text(encoding="utf-8"), rel, catalog.problems)
    if parsed is None:
        return
    nodes, docs = parsed
    if len(docs) != 1 or not isinstance(docs[0], dict):
        catalog.problems.append(Problem(rel, 1, "a lab file holds one mapping"))
        return
    lab = _validate(Lab, docs[0], nodes[0], rel, catalog.problems)
    if lab is None:
        return
    if lab.id in catalog.labs:
        catalog.problems.append(Problem(rel, 1, f"duplicate lab id {lab.id!r}"))
        return
    catalog.labs[lab.id] = lab
    catalog.lab_dirs[lab.id] = file.parent
    catalog.lab_lines[lab.id] = _lab_lines(nodes[0])


def _field(node: yaml.Node, name: str) -> yaml.Node | None:
    return next((v for k, v in getattr(node, "value", []) if getattr(k, "value", None) == name), None)


def _section_lines(root: yaml.Node) -> dict[str, int]:
    # +2: the front matter starts on the line after the opening ---, and lines count from 1.
    return {getattr(_field(item, "id"), "value", ""): item.start_mark.line + 2
            for item in getattr(_field(root, "sections"), "value", [])}


def _lab_lines(root: yaml.Node) -> dict[str, int]:
    lines: dict[str, int] = {}
    for step in getattr(_field(root, "steps"), "value", []):
        step_id = getattr(_field(step, "id"), "value", None)
        lines[str(step_id)] = step.start_mark.line + 1
        for check in getattr(_field(step, "checks"), "value", []):
            lines[f"{step_id}/{getattr(_field(check, 'id'), 'value', None)}"] = check.start_mark.line + 1
    return lines


def load_catalog(targets: Iterable[Path] | None = None) -> Catalog:
    """Load every lesson, question file and lab under ``targets`` (default: the project's, read
    through the compiled cache of :mod:`tutor.content.cache` when nothing changed)."""
    if targets is None:
        from tutor.content import cache  # noqa: PLC0415

        wanted = default_targets()
        files = content_files(wanted)
        return cache.load_or_build(files, lambda: _read(wanted, files))  # type: ignore[return-value]
    return _read(list(targets))


def _read(wanted: list[Path], files: list[Path] | None = None) -> Catalog:
    catalog = Catalog()
    for target in wanted:
        if not target.exists():
            catalog.problems.append(Problem(_rel(target), 0, "no such file or folder"))
    for file in files if files is not None else content_files(wanted):
        file_kind = kind(file)
        try:
            if file_kind == "questions":
                load_questions(file, catalog)
            elif file_kind == "lesson":
                load_lesson(file, catalog)
            elif file_kind == "lab":
                load_lab(file, catalog)
            else:
                catalog.problems.append(Problem(_rel(file), 0, "not a lesson (ko.md/en.md), question file (.yaml) or lab.yaml"))
        except (OSError, UnicodeDecodeError) as exc:
            catalog.problems.append(Problem(_rel(file), 0, f"cannot read: {exc}"))
    return catalog
