"""The headless front end: `tutor ...` commands with JSON output and contract exit codes.

Exit codes (``tutor.errors.ExitCode``): 0 success, 1 a check failed or an exam was not passed,
2 bad usage or input, 3 the environment failed. With ``--json`` stdout holds exactly one JSON
document; progress and diagnostics go to stderr. Errors are one line, never a traceback.
"""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace
from typing import TYPE_CHECKING, Callable, Sequence

from tutor.commands import Output
from tutor.errors import ExitCode, TutorError

if TYPE_CHECKING:
    import argparse
    import threading


def _lang(args: argparse.Namespace) -> str:
    """--lang, else settings.toml, else $TUTOR_LANG, else the store's old choice (tutor.language)."""
    from tutor.language import resolve_lang  # noqa: PLC0415

    def store_lang() -> str | None:
        try:
            from tutor.store import Store  # noqa: PLC0415

            store = Store(getattr(args, "db", None))
            try:
                return store.get_setting("lang")
            finally:
                store.close()
        except Exception:  # a broken database must not stop a report; it fails later with a message
            return None

    return resolve_lang(getattr(args, "lang", None), store_lang)


#: (command, action) -> (module in tutor.commands, function): imported only when that command runs,
#: so `tutor` alone (the app) and each command pay for their own imports only.
HANDLERS = {
    ("content", "check"): ("content", "check"), ("content", "stats"): ("content", "stats"),
    ("content", "reports"): ("content", "reports"),
    ("lab", "list"): ("labs", "list_labs"), ("lab", "show"): ("labs", "show"), ("lab", "run"): ("labs", "run"),
    ("lab", "verify"): ("labs", "verify"), ("lab", "cleanup"): ("labs", "cleanup"),
    ("lab", "watch"): ("lab_steps", "watch"), ("lab", "reset"): ("lab_steps", "reset"),
    ("lab", "skip"): ("lab_steps", "skip"), ("lab", "hint"): ("lab_steps", "hint"),
    ("lab", "files"): ("lab_steps", "files"),
    ("whatif", "availability"): ("whatif", "availability"), ("whatif", "scaling"): ("whatif", "scaling"),
    ("whatif", "storage-cost"): ("whatif", "storage_cost"),
    ("progress", None): ("quiz", "progress"), ("export", None): ("quiz", "export"),
    ("lesson", "list"): ("lessons", "list_lessons"), ("lesson", "show"): ("lessons", "show"),
}


def _command(module: str, function: str) -> Callable[[argparse.Namespace, Output], int]:
    import importlib  # noqa: PLC0415

    return getattr(importlib.import_module(f"tutor.commands.{module}"), function)


def _handler(args: argparse.Namespace) -> Callable[[argparse.Namespace, Output], int] | None:
    if args.command is None:
        return None  # the app
    if args.command == "sandbox" and args.action in ("start", "stop", "status", "reset"):
        return _command("sandbox", "handle")
    if args.command == "sandbox" and args.action == "advance":
        from tutor.commands import advance  # noqa: PLC0415

        return advance.advance
    if args.command == "sandbox" and args.action == "drill":
        from tutor.commands import drill  # noqa: PLC0415

        return drill.drill
    if args.command == "plan":
        from tutor.commands import plan  # noqa: PLC0415

        return plan.plan
    if args.command == "loadtest":
        from tutor.commands import loadtest  # noqa: PLC0415

        return loadtest.loadtest
    if args.command == "cleanup":
        from tutor.commands import cleanup  # noqa: PLC0415

        return cleanup.cleanup_all
    if args.command == "progress" and getattr(args, "action", None) in ("export", "import"):
        from tutor.commands import progress_io  # noqa: PLC0415

        return progress_io.export if args.action == "export" else progress_io.import_
    if args.command == "quiz":
        return _command("quiz", "run_headless") if (args.headless or args.answers) else None
    found = HANDLERS.get((args.command, getattr(args, "action", None)))
    return _command(*found) if found else None


def _open_tui(args: argparse.Namespace) -> int:
    import gc  # noqa: PLC0415

    # Start-up makes some 200 000 long-lived objects (modules, classes, styles) and little garbage;
    # the collector's passes over them cost 50-60 ms before the first frame. The app turns it back
    # on once that frame is drawn, with start-up's objects frozen out of it (TutorApp.on_ready).
    gc.disable()
    try:
        from tutor.tui.app import run_app  # noqa: PLC0415 - Textual only when a screen is wanted

        start = None
        if args.command == "quiz":
            start = {"screen": "exam" if args.mode == "exam" else "quiz", "mode": args.mode, "day": args.day,
                     "task": args.task, "count": args.count, "seed": args.seed, "minutes": args.minutes,
                     "esl": args.esl, "service": args.service, "weakest": args.weakest}
        return run_app(db=getattr(args, "db", None), lang=getattr(args, "lang", None), start=start)
    finally:
        gc.enable()


def _database_policy(args: argparse.Namespace) -> None:
    """--fresh-db for this command; a database moved aside is said on stderr, in one line."""
    from tutor import store_guard  # noqa: PLC0415

    store_guard.allow_fresh_db(bool(getattr(args, "fresh_db", False)))
    store_guard.set_notice(lambda text: sys.stderr.write(f"tutor: {text}\n"))


#: A command that runs longer than this gets the collector back (a watch, a load test, a quiz).
COLLECTOR_PAUSE_SECONDS = 3.0


def _pause_collector() -> threading.Timer:
    """A command builds boto3's, botocore's and pydantic's long-lived objects (clients, service
    models, the catalog) and little garbage; the collector's passes over that growing heap were a
    quarter of a lab command (the capstone's solve of a step: 1.88 -> 1.33 s). It is off for the
    first seconds; a command still running then gets it back, with what start-up built frozen out
    of it. Only in a `tutor` process of its own: a caller of main() keeps its collector."""
    import gc  # noqa: PLC0415
    import threading  # noqa: PLC0415

    def resume() -> None:
        gc.freeze()
        gc.enable()

    gc.disable()
    timer = threading.Timer(COLLECTOR_PAUSE_SECONDS, resume)
    timer.daemon = True
    timer.start()
    return timer


def main(argv: Sequence[str] | None = None) -> int:
    own_process = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    resume = None
    try:
        if own_process and argv and argv[0] not in ("--version", "--help", "-h"):
            resume = _pause_collector()
        if not argv:  # plain `tutor`: the app; building every command's parser took 40 ms of its start
            args = SimpleNamespace(command=None)
        elif argv[:2] == ["quiz", "export"]:
            from tutor.cli_parser import build_export_parser  # noqa: PLC0415

            args = build_export_parser().parse_args(argv[2:])
            args.command = "export"
        else:
            from tutor.cli_parser import build_parser  # noqa: PLC0415

            args = build_parser().parse_args(argv)
        if not hasattr(args, "json"):
            args.json = False
        if not hasattr(args, "db"):
            args.db = None
        _database_policy(args)
        handler = _handler(args)
        if handler is None:
            if resume is not None:
                resume.cancel()  # the app turns the collector back on itself, after its first frame
            return _open_tui(args)
        return int(handler(args, Output(args.json, _lang(args))))
    except TutorError as exc:
        sys.stderr.write(f"tutor: {exc.message}\n")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("tutor: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say so in one line, details only on request
        if os.environ.get("TUTOR_DEBUG"):
            raise
        sys.stderr.write(f"tutor: internal error: {type(exc).__name__}: {exc} (set TUTOR_DEBUG=1 for details)\n")
        return int(ExitCode.ENVIRONMENT)


if __name__ == "__main__":
    sys.exit(main())
