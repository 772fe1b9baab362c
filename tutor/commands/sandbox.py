"""`tutor sandbox start|stop|status|reset`: the local moto server students type at."""

from __future__ import annotations

import argparse

from tutor import sandbox
from tutor.commands import Output
from tutor.errors import ExitCode


def _human(status: sandbox.SandboxStatus, out: Output) -> str:
    if not status.running:
        return out.t("The sandbox is not running. Start it with: tutor sandbox start",
                     "샌드박스가 실행 중이 아닙니다. 시작하려면: tutor sandbox start")
    lines = [out.t(f"Sandbox running at {status.endpoint} (pid {status.pid}).",
                   f"샌드박스가 {status.endpoint}에서 실행 중입니다(pid {status.pid})."),
             out.t("Paste these lines into a shell that has the aws CLI (after `source .venv/bin/activate`, for example):",
                   "aws CLI가 있는 셸(예: `source .venv/bin/activate` 후)에 다음 줄을 붙여 넣으십시오:"), ""]
    lines += sandbox.env_lines(status.endpoint)
    lines += ["", out.t("State is kept across restarts; `tutor sandbox reset` empties it.",
                        "상태는 재시작 후에도 유지됩니다. 비우려면 `tutor sandbox reset`.")]
    return "\n".join(lines)


def handle(args: argparse.Namespace, out: Output) -> int:
    action = args.action
    if action == "start":
        out.info(out.t("starting the sandbox ...", "샌드박스 시작 중 ..."))
        status = sandbox.start(args.port)
        if status.reused:
            out.info(out.t(f"reused this data folder's sandbox already running on port {status.port} (pid {status.pid})",
                           f"이미 포트 {status.port}에서 실행 중인 이 데이터 폴더의 샌드박스를 다시 사용합니다(pid {status.pid})"))
    elif action == "stop":
        stopped = sandbox.stop()
        data = {"stopped": stopped, "running": False}
        out.emit(data, out.t("Sandbox stopped (its state is kept for the next start)." if stopped else "No sandbox was running.",
                             "샌드박스를 멈췄습니다(상태는 다음 시작 때 복원됩니다)." if stopped else "실행 중인 샌드박스가 없습니다."))
        return ExitCode.OK
    elif action == "reset":
        status = sandbox.reset()
        out.info(out.t("sandbox emptied", "샌드박스를 비웠습니다"))
    else:
        status = sandbox.status()
    out.emit(status.to_json(), lambda: _human(status, out))
    return ExitCode.OK  # status is a report: "not running" is an answer, not a failure
