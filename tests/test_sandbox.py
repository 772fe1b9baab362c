"""The sandbox as a student uses it: a moto server that outlives commands and keeps its state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import boto3
import pytest

from conftest import run_tutor
from tutor import sandbox


@pytest.fixture
def port():
    return sandbox.free_port()


def ec2(endpoint):
    return boto3.client("ec2", endpoint_url=endpoint, region_name="us-east-1")


def test_start_status_restart_keeps_state_reset_stop(port):
    try:
        status = sandbox.start(port)
        assert status.running and status.endpoint == f"http://127.0.0.1:{port}"
        assert sandbox.start(port).pid == status.pid  # starting twice returns the running one
        vpc = ec2(status.endpoint).create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2(status.endpoint).create_subnet(VpcId=vpc, CidrBlock="10.7.1.0/24",
                                                    AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
        assert sandbox.stop() is True
        assert sandbox.status().running is False
        again = sandbox.start(port)
        client = ec2(again.endpoint)
        assert vpc in [v["VpcId"] for v in client.describe_vpcs()["Vpcs"]]
        restored = client.describe_subnets(SubnetIds=[subnet])["Subnets"][0]
        assert restored["VpcId"] == vpc and restored["AvailabilityZone"] == "us-east-1b"
        sandbox.reset()
        assert vpc not in [v["VpcId"] for v in client.describe_vpcs()["Vpcs"]]
    finally:
        sandbox.stop()
    assert sandbox.stop() is False


def test_port_in_use_is_environment_failure(port):
    import socket

    from tutor.errors import EnvironmentFailure

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", port))
        busy.listen()
        with pytest.raises(EnvironmentFailure, match="in use"):
            sandbox.start(port)


def test_cli_status_prints_env_lines(port):
    try:
        started = run_tutor("sandbox", "start", "--port", str(port), "--json")
        assert started.returncode == 0, started.stderr
        status = run_tutor("sandbox", "status", "--json")
        data = json.loads(status.stdout)
        assert data["running"] is True
        assert f"export AWS_ENDPOINT_URL=http://127.0.0.1:{port}" in data["env"]
        human = run_tutor("sandbox", "status")
        assert "export AWS_DEFAULT_REGION=us-east-1" in human.stdout
        verify = run_tutor("lab", "verify", "ec2-asg", "--json")  # uses the running sandbox
        assert verify.returncode == 1
        assert json.loads(verify.stdout)["backend"] == {"kind": "sandbox", "endpoint": f"http://127.0.0.1:{port}",
                                                        "temporary": False}
    finally:
        run_tutor("sandbox", "stop")


def test_lab_command_starts_a_temporary_sandbox():
    done = run_tutor("lab", "verify", "ec2-asg", "--json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["backend"]["temporary"] is True and report["passed"] is False
    assert "started an empty one" in done.stderr
    assert sandbox.status().running is False


def test_sandbox_behaves_like_aws_where_labs_depend_on_it(port):
    try:
        endpoint = sandbox.start(port).endpoint
        client = ec2(endpoint)
        client.create_launch_template(LaunchTemplateName="web-lt", LaunchTemplateData={
            "InstanceType": "t3.micro", "MetadataOptions": {"HttpTokens": "required"}})
        client.create_launch_template_version(LaunchTemplateName="web-lt", SourceVersion="1",
                                              LaunchTemplateData={"InstanceType": "c7g.large"})
        data = client.describe_launch_template_versions(LaunchTemplateName="web-lt", Versions=["2"])[
            "LaunchTemplateVersions"][0]["LaunchTemplateData"]
        assert data["InstanceType"] == "c7g.large" and data["MetadataOptions"]["HttpTokens"] == "required"
        vpc = client.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
        subnet = client.create_subnet(VpcId=vpc, CidrBlock="10.8.1.0/24")["Subnet"]["SubnetId"]
        autoscaling = boto3.client("autoscaling", endpoint_url=endpoint, region_name="us-east-1")
        autoscaling.create_auto_scaling_group(AutoScalingGroupName="g", MinSize=0, MaxSize=1,
                                              LaunchTemplate={"LaunchTemplateName": "web-lt"}, VPCZoneIdentifier=subnet)
        group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["g"])["AutoScalingGroups"][0]
        assert group["HealthCheckGracePeriod"] == 0
    finally:
        sandbox.stop()


def test_sandbox_port_from_environment(monkeypatch):
    from tutor.errors import UsageError

    monkeypatch.setenv("TUTOR_SANDBOX_PORT", "6123")
    assert sandbox.default_port() == 6123
    monkeypatch.setenv("TUTOR_SANDBOX_PORT", "99999")
    with pytest.raises(UsageError):
        sandbox.default_port()


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads /proc")
def test_a_server_that_exited_is_gone_before_its_parent_collects_it():
    """`tutor sandbox stop` waits until the server is gone. The server's parent is init, which may
    collect it late or never (a container without an init): exited is gone. A process whose first
    thread has ended while another still runs is not."""
    exited = subprocess.Popen([sys.executable, "-c", "pass"])
    half = subprocess.Popen([sys.executable, "-c", "import ctypes, threading, time\n"
                             "threading.Thread(target=time.sleep, args=(60,)).start()\n"
                             "ctypes.CDLL(None).pthread_exit(None)"])
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        deadline = time.monotonic() + 30
        while _state(exited.pid) != "Z" or _state(half.pid) != "Z":  # not collected: we have not waited
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert not sandbox._pid_alive(exited.pid)
        assert sandbox._pid_alive(half.pid)
        assert sandbox._pid_alive(running.pid)
    finally:
        for proc in (exited, half, running):
            proc.kill()
            proc.wait()


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as file:
        return file.read().rsplit(")", 1)[1].split()[0]
