"""Nothing built is lost on a restart: what --solve builds on the tutor's sandbox survives
`sandbox stop` / `start` with the same ids and verdicts (what the lab's own CLI commands build is
checked the same way in tests/test_lab_cli_commands.py).

The verify reports name the resources they found (ids included), so equal reports before and
after the restart mean the same resources came back.
"""

from __future__ import annotations

import pytest

from test_lab_cli_commands import CATALOG, runner_for
from tutor import sandbox

LABS = sorted(lab_id for lab_id, lab in CATALOG.labs.items() if not lab.graded)


@pytest.mark.parametrize("lab_id", LABS)
def test_solved_lab_survives_a_sandbox_restart(lab_id):
    port = sandbox.free_port()
    endpoint = sandbox.start(port).endpoint
    try:
        runner_for(lab_id, endpoint).solve()
        before = runner_for(lab_id, endpoint).verify()
        assert before["passed"] is True, before
        sandbox.stop()
        sandbox.start(port)
        assert runner_for(lab_id, endpoint).verify()["steps"] == before["steps"]
    finally:
        sandbox.stop()
