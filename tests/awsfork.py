"""The real `aws` CLI, started in milliseconds: a fork server for the tests that type lab commands.

tests/test_lab_cli_commands.py runs every command a lab shows through the aws CLI, about 280 of
them. Each fresh `aws` process spends ~0.35 s of CPU importing awscli/botocore and parsing the
same service models before it sends one request; that was a sixth of the suite's time. Here one
process imports awscli once, loads the models the labs use into botocore's loader cache, and
forks a child per command: the child is the aws CLI (the same `awscli.clidriver.main`, the
command's own argv, environment, working folder and stdin/stdout/stderr, passed over a Unix
socket), so what a student's shell would see is what the test sees, exit code included.

An `aws` shim first on the test's PATH connects to the server; with no server it execs the real
`aws`. Only tests use this; the product never does.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import re
import signal
import socket
import struct
import sys
from pathlib import Path
from typing import Any, Callable

SHIM = '''#!{python} -S
import json, os, socket, struct, sys
path = os.environ.get({env_var!r}, "")
try:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
except OSError:
    os.execv({real!r}, [{real!r}] + sys.argv[1:])
body = json.dumps({{"argv": sys.argv[1:], "env": dict(os.environ), "cwd": os.getcwd()}}).encode()
socket.send_fds(conn, [struct.pack("!I", len(body))], [0, 1, 2])
conn.sendall(body)
data = b""
while len(data) < 4:
    chunk = conn.recv(4 - len(data))
    if not chunk:
        sys.exit(255)
    data += chunk
sys.exit(struct.unpack("!i", data)[0])
'''


def write_shim(folder: Path, real: str, name: str = "aws", env_var: str = "TUTOR_TEST_AWS_FORK") -> Path:
    """``folder/name``: a program that hands its command to the fork server whose socket ``env_var``
    names, and execs ``real`` when there is none."""
    folder.mkdir(parents=True, exist_ok=True)
    shim = folder / name
    shim.write_text(SHIM.format(python=sys.executable, real=real, env_var=env_var))
    shim.chmod(0o755)
    return folder


def _share_model_cache() -> None:
    """Every botocore Loader in this process and its children reads one cache of parsed models."""
    import botocore.loaders

    shared: dict = {}
    original = botocore.loaders.Loader.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self._cache = shared

    botocore.loaders.Loader.__init__ = init


def _warm(commands: list[tuple[str, str]]) -> None:
    """Parse, in the server, the models and command tables the labs' commands will need."""
    from awscli.clidriver import main

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    for service, operation in commands:
        argv = sys.argv
        sys.argv = ["aws", service, operation, "--generate-cli-skeleton"]
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                main()
        except BaseException:  # noqa: BLE001 - s3 cp and friends have no skeleton: warming is best effort
            pass
        finally:
            sys.argv = argv
    # A client per service: its endpoint rules, partitions and waiters are parsed once, here.
    import botocore.session

    session = botocore.session.get_session()
    available = set(session.get_available_services())
    for service in {{"s3api": "s3"}.get(s, s) for s, _ in commands} & available:
        with contextlib.suppress(Exception):
            session.create_client(service, region_name="us-east-1", aws_access_key_id="warm",
                                  aws_secret_access_key="warm")


def lab_commands(labs_dir: Path) -> list[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for file in labs_dir.glob("*/lab.yaml"):
        found.update(re.findall(r"\baws ([a-z0-9-]+) ([a-z][a-z0-9-]+)", file.read_text(encoding="utf-8")))
    return sorted(found)


def _aws_main() -> int:
    from awscli.clidriver import main

    return main()


def _run_child(conn: socket.socket, listener: socket.socket, argv0: str = "aws",
               main: Callable[[], Any] = _aws_main, finish: Callable[[], None] | None = None) -> None:
    """In the forked child: become the program (``main``) for one command, then report its exit
    code; ``finish`` runs after it, as the interpreter's exit would."""
    listener.close()
    rc = 255
    try:
        msg, fds, _, _ = socket.recv_fds(conn, 4, 3)
        size = struct.unpack("!I", msg)[0]
        body = b""
        while len(body) < size:
            body += conn.recv(size - len(body))
        request = json.loads(body)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - the shim's own stdin
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.argv = [argv0, *request["argv"]]
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        try:
            rc = main()
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if finish is not None:
            finish()
    except BaseException as exc:  # noqa: BLE001 - report, never hang the shim
        with contextlib.suppress(Exception):
            os.write(2, f"{argv0} fork server: {type(exc).__name__}: {exc}\n".encode())
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        with contextlib.suppress(Exception):
            conn.sendall(struct.pack("!i", int(rc or 0)))
        os._exit(0)


def fork_per_command(sock_path: str, run_child: Callable[[socket.socket, socket.socket], None],
                     collector: bool) -> None:
    """Say "ready", then fork a child per connection on ``sock_path`` to run ``run_child``. The warm
    heap is shared with each child, frozen out of the collector so no child's collection walks it
    or copies its pages; ``collector=False``: a child has none at all (it runs one short command)."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sock_path)
    listener.listen(64)
    gc.collect()
    gc.freeze()
    if not collector:
        gc.disable()
    print("ready", flush=True)
    while True:
        conn, _ = listener.accept()
        if os.fork() == 0:
            run_child(conn, listener)
        conn.close()


def serve(sock_path: str, labs_dir: str) -> None:
    _share_model_cache()
    _warm(lab_commands(Path(labs_dir)))  # awscli, botocore, every lab command's model
    fork_per_command(sock_path, _run_child, collector=False)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
