"""Nothing built is lost on a restart: what --solve builds on the tutor's sandbox survives
`sandbox stop` / `start` with the same ids and verdicts (what the lab's own CLI commands build is
checked the same way in tests/test_lab_cli_commands.py).

The verify reports name the resources they found (ids included), so equal reports before and
after the restart mean the same resources came back.
"""

from __future__ import annotations

from test_lab_cli_commands import CATALOG, runner_for
from tutor import sandbox

LABS = sorted(lab_id for lab_id, lab in CATALOG.labs.items() if not lab.graded)


def test_solved_labs_survive_a_sandbox_restart():
    """Every lab solved side by side on one sandbox (as a student's week builds them), then one
    restart: a restart replays the whole recording, so one covers them all at a seventh of the cost."""
    port = sandbox.free_port()
    endpoint = sandbox.start(port).endpoint
    try:
        before = {}
        for lab_id in LABS:
            runner_for(lab_id, endpoint).solve()
            before[lab_id] = runner_for(lab_id, endpoint).verify()
            assert before[lab_id]["passed"] is True, (lab_id, before[lab_id])
        sandbox.stop()
        sandbox.start(port)
        for lab_id in LABS:
            assert runner_for(lab_id, endpoint).verify()["steps"] == before[lab_id]["steps"], lab_id
    finally:
        sandbox.stop()
