"""Which files are content: lessons (ko.md/en.md), question files (.yaml) and labs (lab.yaml).

Light on purpose (no YAML, no pydantic): the compiled cache keys on these files before
deciding whether the loader is needed at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from tutor import paths


def kind(file: Path) -> str | None:
    if file.suffix in (".yaml", ".yml"):
        if file.name in ("lab.yaml", "lab.yml"):
            return "lab"
        return "questions"
    if file.suffix == ".md" and file.stem in ("ko", "en"):
        return "lesson"
    return None


def content_files(targets: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for target in targets:
        if target.is_dir():
            found.extend(sorted(p for p in target.rglob("*") if p.is_file() and kind(p)))
        elif target.is_file():
            found.append(target)
    return found


def default_targets(root: Path | None = None) -> list[Path]:
    root = root or paths.content_root()
    return [root / "content", root / "quizzes", root / "labs"]
