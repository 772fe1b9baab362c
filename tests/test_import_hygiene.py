"""The core never imports Textual; the TUI's home screen never imports boto3 or moto."""

from __future__ import annotations

import subprocess
import sys

CORE = ["tutor.cli", "tutor.store", "tutor.sandbox", "tutor.content.loader", "tutor.content.check",
        "tutor.quiz.engine", "tutor.labs.runner", "tutor.labs.backend", "tutor.commands.labs",
        "tutor.commands.quiz", "tutor.commands.content"]


def imported_after(code: str) -> set[str]:
    probe = code + "\nimport sys; print('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_core_never_imports_textual():
    modules = imported_after("\n".join(f"import {m}" for m in CORE))
    assert not any(m == "textual" or m.startswith("textual.") for m in modules)


def test_home_screen_does_not_import_boto3_or_moto():
    modules = imported_after("import tutor.tui.app, tutor.tui.home")
    heavy = {m.split(".")[0] for m in modules} & {"boto3", "botocore", "moto"}
    assert not heavy, heavy
