"""The `tutor` console script, started in milliseconds: a fork server for the tests' tutor commands.

The suite runs about 140 `tutor` commands (lab verify, run --solve, cleanup, progress, quiz...)
as separate processes, as a student or CI does. Each spends 0.2-0.35 s of CPU importing the
tutor, pydantic, boto3 and botocore before it does anything, a sixth of the suite. As with the
aws CLI (tests/awsfork.py, whose shim and child this shares), one process imports the tutor's
command modules once and forks a child per command: the child runs the same `tutor.cli.main`
with the command's own argv, environment, working folder and stdin/stdout/stderr, and ends as
the interpreter would (non-daemon threads joined, atexit handlers run), exit code included.

Imported, nothing is built: no catalog, no boto3 session, no setting read, so no child inherits
another test's state. What only a real process shows (its imports, its collector, signals, Ctrl-C,
kill -9) is tested with real processes (tutor_cmd, the import and start-up tests).

An `tutor` shim (tests/awsfork.write_shim) connects to the server; with no server it execs the
real `tutor`. Only tests use this; the product never does.
"""

from __future__ import annotations

import atexit
import functools
import os
import sys
import threading
import traceback

import awsfork

SOCKET_VAR = "TUTOR_TEST_TUTOR_FORK"


def _warm() -> None:
    """Import what the commands import: the CLI, its parser, every command module, the content
    loader and models, boto3 and botocore. Nothing is called."""
    import boto3  # noqa: F401
    import botocore.session  # noqa: F401
    import pydantic  # noqa: F401

    import tutor.cli  # noqa: F401
    import tutor.cli_parser  # noqa: F401
    import tutor.content.loader  # noqa: F401
    import tutor.labs.backend  # noqa: F401
    import tutor.labs.runner  # noqa: F401
    from tutor import commands

    for name in sorted(os.listdir(os.path.dirname(commands.__file__))):
        if name.endswith(".py") and name != "__init__.py":
            __import__(f"tutor.commands.{name[:-3]}")


def _tutor_main() -> int:
    from tutor.cli import main

    try:
        return main()
    except SystemExit:
        raise
    except BaseException:  # noqa: BLE001 - as the interpreter would: the traceback, exit 1
        traceback.print_exc()
        return 1


def _finish() -> None:
    """What the interpreter does at exit before it tears the heap down."""
    threading._shutdown()  # type: ignore[attr-defined] - joins the command's non-daemon threads
    atexit._run_exitfuncs()


def serve(sock_path: str, real: str) -> None:
    _warm()
    # The child keeps a collector: tutor.cli.main pauses it and gives it back as a tutor process does.
    awsfork.fork_per_command(sock_path, functools.partial(awsfork._run_child, argv0=real, main=_tutor_main,
                                                          finish=_finish), collector=True)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
