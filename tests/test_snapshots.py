"""How the screens look: SVG snapshots at a fixed size, on a fixed fixture catalog.

Regenerate after an intended change with `pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from conftest import ROOT
from tutor.content.loader import load_catalog
from tutor.store import Store
from tutor.tui.app import TutorApp

FIXTURE = [ROOT / "tests" / "fixtures" / "catalog" / "quizzes", ROOT / "content" / "day1", ROOT / "labs"]


SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
LANGS = pytest.mark.parametrize("lang", ["ko", "en"])


def app_for(tmp_path, lang, start=None):
    return TutorApp(Store(tmp_path / "p.db"), load_catalog(FIXTURE), lang=lang, start=start,
                    endpoint_url="http://127.0.0.1:5599", start_sandbox=False, watch_labs=False, check_content=False)


async def home_figures_drawn(pilot):
    """The home figures come from a worker after the first frame: wait for them."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@SIZES
@LANGS
def test_home(snap_compare, tmp_path, lang, size):
    assert snap_compare(app_for(tmp_path, lang), terminal_size=size, run_before=home_figures_drawn)


@SIZES
@LANGS
def test_lab_screen(snap_compare, tmp_path, lang, size):
    assert snap_compare(app_for(tmp_path, lang), press=["b"], terminal_size=size, run_before=home_figures_drawn)


@SIZES
@LANGS
def test_quiz(snap_compare, tmp_path, lang, size):
    """A practice quiz of Day 1 on a fixed seed, its first question answered (explanations shown)."""
    async def answer_first(pilot):
        await pilot.pause()
        await pilot.press("1", "enter")
        await pilot.pause()

    app = app_for(tmp_path, lang, start={"mode": "practice", "day": "1", "count": 3, "seed": 7})
    assert snap_compare(app, terminal_size=size, run_before=answer_first)


@SIZES
@LANGS
def test_exam_report(snap_compare, tmp_path, lang, size, monkeypatch):
    """An exam of three questions on a fixed seed, submitted unanswered: the scaled-score report.
    The exam's clocks stand still, so the seconds it reports are the same on every run."""
    import datetime as dt
    import types

    import tutor.quiz.exam as exam_model
    import tutor.tui.exam as exam_screen

    monkeypatch.setattr(exam_screen, "time", types.SimpleNamespace(monotonic=lambda: 1000.0))
    monkeypatch.setattr(exam_model, "utcnow", lambda: dt.datetime(2026, 12, 7, 12, tzinfo=dt.timezone.utc))
    async def submit(pilot):
        await pilot.pause()
        await pilot.press("S")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    app = app_for(tmp_path, lang, start={"mode": "exam", "count": 3, "seed": 7})
    assert snap_compare(app, terminal_size=size, run_before=submit)


@SIZES
@LANGS
def test_scaling_simulator(snap_compare, tmp_path, lang, size):
    """The what-if simulator's defaults (spike; target tracking against none), run."""
    async def run(pilot):
        from tutor.tui.whatif_scaling import WhatIfScalingScreen

        await pilot.app.push_screen(WhatIfScalingScreen())
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app_for(tmp_path, lang), terminal_size=size, run_before=run)
