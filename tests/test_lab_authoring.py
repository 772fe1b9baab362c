"""The authoring check every lab must pass (rustlings' rule): every step starts failing on an
empty account, and every step's solution makes it pass, in the lab's order.

Lab-specific behaviour (wrong configurations, cleanup, adoption) lives in each lab's own test
file; this one holds every lab to the same two promises.
"""

from __future__ import annotations

import pytest

from conftest import ROOT
from tutor.content.loader import load_catalog

CATALOG = load_catalog([ROOT / "labs"])
LABS = sorted(lab_id for lab_id, lab in CATALOG.labs.items() if not lab.graded)


@pytest.mark.parametrize("lab_id", LABS)
def test_every_check_fails_on_an_empty_account(lab_id, lab_runner):
    lab = CATALOG.labs[lab_id]
    report = lab_runner(lab_id).verify()
    assert [s["id"] for s in report["steps"]] == [s.id for s in lab.steps if not s.real_aws_only]
    assert report["real_aws_only"] == [s.id for s in lab.steps if s.real_aws_only]
    assert report["passed"] is False
    for step in report["steps"]:
        declared = {c.id for c in lab.step(step["id"]).checks if c.real_aws_only}
        for check in step["checks"]:
            assert check["message"], (step["id"], check)
            if check["id"] in declared:  # skipped on an endpoint, as lab.yaml says
                assert check.get("skipped") and "real AWS" in check["message"]
                continue
            assert check["passed"] is False, (step["id"], check)


@pytest.mark.parametrize("lab_id", LABS)
def test_each_solution_makes_its_step_pass(lab_id, lab_runner):
    lab = CATALOG.labs[lab_id]
    runner = lab_runner(lab_id)
    for step in [s.id for s in lab.steps if not s.real_aws_only]:
        assert runner.verify(step)["passed"] is False, step
        runner.solve([step])
        result = runner.verify(step)
        assert result["passed"] is True, result
    assert runner.verify()["passed"] is True
