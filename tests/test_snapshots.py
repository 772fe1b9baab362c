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


def app_for(tmp_path, lang):
    return TutorApp(Store(tmp_path / "p.db"), load_catalog(FIXTURE), lang=lang,
                    endpoint_url="http://127.0.0.1:5599", start_sandbox=False, watch_labs=False, check_content=False)


async def home_figures_drawn(pilot):
    """The home figures come from a worker after the first frame: wait for them."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_home(snap_compare, tmp_path, lang, size):
    assert snap_compare(app_for(tmp_path, lang), terminal_size=size, run_before=home_figures_drawn)


def test_lab_screen(snap_compare, tmp_path):
    assert snap_compare(app_for(tmp_path, "ko"), press=["b"], terminal_size=(130, 40))
