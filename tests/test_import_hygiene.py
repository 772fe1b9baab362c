"""The core never imports Textual; the TUI's home screen never imports boto3 or moto."""

from __future__ import annotations

import subprocess
import sys

CORE = ["tutor.cli", "tutor.cli_parser", "tutor.store", "tutor.sandbox", "tutor.content.loader", "tutor.content.check",
        "tutor.quiz.engine", "tutor.labs.runner", "tutor.labs.backend", "tutor.commands.labs",
        "tutor.commands.quiz", "tutor.commands.content"]


def imported_after(code: str) -> set[str]:
    probe = code + "\nimport sys; print('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_core_never_imports_textual():
    modules = imported_after("\n".join(f"import {m}" for m in CORE))
    assert not any(m == "textual" or m.startswith("textual.") for m in modules)


def test_plain_tutor_builds_no_parser():
    """`tutor` alone opens the app: the parsers (and argparse) are for commands only."""
    modules = imported_after("import tutor.cli")
    assert "argparse" not in modules and "tutor.cli_parser" not in modules


def test_home_screen_does_not_import_boto3_or_moto():
    modules = imported_after("import tutor.tui.app, tutor.tui.home")
    heavy = {m.split(".")[0] for m in modules} & {"boto3", "botocore", "moto"}
    assert not heavy, heavy


def test_the_home_screens_first_frame_needs_neither_pydantic_nor_sqlite_utils(tmp_path):
    """What the day table runs before the first frame: the app, the store's reads and the
    catalog's summary from the compiled cache. pydantic, the models, YAML and sqlite-utils cost
    about 150 ms to import and come after the first frame (tests/test_catalog_cache.py covers
    the summary's freshness)."""
    from tutor.content.loader import load_catalog
    from tutor.store import Store

    load_catalog()  # the compiled cache and its summary, as any earlier start leaves them
    Store(tmp_path / "p.db").close()
    modules = imported_after(
        "import sys\n"
        "from tutor.tui.app import build_app\n"
        "from tutor.tui.home import HomeScreen\n"
        "from tutor.quiz.dashboard import week_status\n"
        "from tutor.store import Store\n"
        f"app = build_app(Store({str(tmp_path / 'p.db')!r}))\n"
        "week = week_status(app.store, app.catalog_summary, app.lang)\n"
        "assert sum(d.questions for d in week) > 300 and any(d.labs for d in week)\n")
    heavy = {m.split(".")[0] for m in modules} & {"pydantic", "yaml", "sqlite_utils"}
    assert not heavy and "tutor.content.models" not in modules, heavy


def test_the_plans_types_come_without_fsrs():
    """The day table's rows (tutor.quiz.dashboard) use the plan's types; FSRS is for the figures'
    worker, which computes the plan after the first frame."""
    modules = imported_after("import tutor.quiz.dashboard, tutor.tui.home_widgets")
    assert "fsrs" not in modules and "tutor.quiz.plan" in modules
