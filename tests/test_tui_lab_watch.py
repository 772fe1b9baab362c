"""The lab screen watches the account: a step turns green after a CLI change, no key pressed."""

from __future__ import annotations

import asyncio

import boto3

from tutor import sandbox
from tutor.store import Store
from tutor.tui.app import TutorApp
from tutor.tui.lab import LabScreen


async def wait_for(predicate, pilot, seconds=30.0):
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await pilot.pause(0.2)
    return True


def build_network(endpoint):
    ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "streamcloud-vpc"}]}])["Vpc"]["VpcId"]
    for i, az in enumerate(("us-east-1a", "us-east-1b")):
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i + 1}.0/24", AvailabilityZone=az, TagSpecifications=[
            {"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": f"streamcloud-public-{i}"}]}])


async def test_watch_turns_the_step_green_and_moves_on(tmp_path):
    status = sandbox.start(sandbox.free_port())
    try:
        app = TutorApp(Store(tmp_path / "p.db"), endpoint_url=status.endpoint, start_sandbox=False, lang="en", check_content=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("b")
            lab = app.screen
            assert isinstance(lab, LabScreen) and lab.step.id == "network"
            assert await wait_for(lambda: "network" in lab.last, pilot)  # the watch checked once
            assert lab.last["network"]["passed"] is False
            await asyncio.to_thread(build_network, status.endpoint)  # "another terminal"
            assert await wait_for(lambda: lab.last.get("network", {}).get("passed"), pilot)
            assert await wait_for(lambda: lab.step.id == "launch-template", pilot, 5)
            assert "on each change" in str(lab.query_one("#watch").render())
            await pilot.press("escape")
    finally:
        sandbox.stop()


async def test_hint_skip_and_marks(tmp_path, endpoint):
    app = TutorApp(Store(tmp_path / "p.db"), endpoint_url=endpoint, start_sandbox=False, lang="en", watch_labs=False, check_content=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("b")
        lab = app.screen
        await pilot.press("h")
        await pilot.press("h")
        assert "Hint 2/3" in str(lab.query_one("#hints").render())
        assert "(Hint 2)" in lab.step_label(0)
        await pilot.press("n")  # skip: recorded as skipped, and the next step is shown
        await pilot.pause()
        assert lab.step.id == "launch-template"
        assert lab.step_label(0).startswith("↷")
        assert app.store.lab_events("ec2-asg")[-1]["kind"] == "skip"


async def test_a_day_with_two_labs_asks_which(tmp_path, endpoint):
    from tutor.tui.lab_picker import LabPicker

    app = TutorApp(Store(tmp_path / "p.db"), endpoint_url=endpoint, start_sandbox=False, lang="ko", watch_labs=False, check_content=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down", "b")  # day 2: containers-fargate and serverless-api
        await pilot.pause()
        assert isinstance(app.screen, LabPicker)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LabScreen) and app.screen.lab_id == "serverless-api"
