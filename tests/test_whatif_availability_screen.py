"""The availability calculator screen driven like a student: open it from home, compose a design,
switch a tier to multi-AZ and see the composite rise; load the own build without a sandbox."""

from __future__ import annotations

from fractions import Fraction

from textual.widgets import DataTable, OptionList, Static

from tutor.store import Store
from tutor.tui.app import TutorApp
from tutor.tui.whatif_availability import (
    AvailabilityWhatIfScreen,
    design,
    families,
    modes_of,
    tier_node,
    tier_of,
)

SIZE = (80, 24)


def make_app(tmp_path, endpoint=None):
    return TutorApp(Store(tmp_path / "progress.db"), endpoint_url=endpoint, start_sandbox=False, lang="en", check_content=False)


def test_tier_modes_use_the_sla_rows():
    assert tier_node("ec2", "single").expr() == "ec2"
    assert tier_node("ec2", "multi-az").expr() == "ec2-multi-az"
    assert tier_node("rds", "multi-region").expr() == "parallel(rds-multi-az, rds-multi-az)"
    assert tier_node("dynamodb", "multi-region").expr() == "dynamodb-global"
    assert modes_of("cloudfront") == ["single"] and modes_of("lambda") == ["single", "multi-region"]
    assert "ec2-multi-az" not in families() and "ec2" in families()
    assert tier_of(tier_node("alb", "multi-az")) == ("alb", "multi-az")
    # alb 99.99 x ec2 99.5 x rds 99.5 = 0.9999 * 0.995 * 0.995
    assert design([("alb", "multi-az"), ("ec2", "single"), ("rds", "single")]).fraction == \
        Fraction("0.9999") * Fraction("0.995") ** 2


async def test_compose_a_design_and_raise_it_with_multi_az(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        screen = app.screen
        assert isinstance(screen, AvailabilityWhatIfScreen)
        start = screen.result.percent
        assert "below 99.99 %" in str(screen.query_one("#wa-result", Static).render())
        assert f"{start:.4f}" in str(screen.query_one("#wa-result", Static).render())

        table = screen.query_one("#wa-tiers", DataTable)
        table.move_cursor(row=1)  # the ec2 tier
        await pilot.press("m")  # single AZ -> multi-AZ
        assert screen.tiers[1] == ("ec2", "multi-az")
        assert screen.result.percent > start

        services = screen.query_one("#wa-services", OptionList)
        services.focus()
        services.highlighted = families().index("dynamodb")
        await pilot.press("enter")  # adds a tier
        assert screen.tiers[-1] == ("dynamodb", "single")
        assert table.row_count == 4

        await pilot.press("x")  # removes the selected (new) tier
        assert len(screen.tiers) == 3

        await pilot.press("o")  # no sandbox, no endpoint: one line says so
        await pilot.pause()
        assert "No sandbox" in str(screen.query_one("#wa-status", Static).render())
        await pilot.press("escape")
        assert not isinstance(app.screen, AvailabilityWhatIfScreen)
