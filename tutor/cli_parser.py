"""The headless CLI's parsers: every command, flag and help text of `tutor ...`.

Apart from tutor.cli so that plain `tutor` (the app) imports neither these nor argparse.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from tutor import __version__
from tutor.errors import ExitCode


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not argparse's usage block
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _common(json_flag: bool = True) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    if json_flag:
        p.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                       help="print one JSON document on stdout")
    p.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                   help="progress database (default: $TUTOR_DB or the user data folder)")
    p.add_argument("--lang", choices=("ko", "en"), default=argparse.SUPPRESS,
                   help="language of messages (default: the saved choice, else ko)")
    p.add_argument("--fresh-db", action="store_true", default=argparse.SUPPRESS,
                   help="if the progress database is damaged or not the tutor's, move it aside "
                        "(NAME.corrupt-<time>) and start a fresh one (also $TUTOR_FRESH_DB=1)")
    return p


def _backend_opts() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--endpoint-url", metavar="URL", default=None,
                   help="any AWS-compatible endpoint (moto server, LocalStack); also $AWS_ENDPOINT_URL")
    p.add_argument("--real", action="store_true",
                   help="your own AWS account, behind guard rails (see README, Real AWS); honours $AWS_ENDPOINT_URL")
    p.add_argument("--profile", metavar="NAME", default=None, help="real AWS: the credentials profile (else $AWS_PROFILE, the chain)")
    p.add_argument("--region", metavar="REGION", default=None, help="real AWS: the region labs run in (else $AWS_REGION, settings.toml); a lab pinned to its region says so and keeps it")
    p.add_argument("--account", metavar="ID", default=None, help="real AWS: the 12-digit account you mean; required with --yes")
    p.add_argument("--yes", action="store_true",
                   help="real AWS: go ahead without asking (only with a matching --account); cleanup: delete, not a dry run")
    return p


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 1 and 65535, not {value}")
    return value


def _quiz_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--day", help="1..5 or extra")
    p.add_argument("--task", help="task statement: 2.1, 2.2, 3.1 .. 3.5")


def build_parser() -> Parser:
    common, backend = _common(), _backend_opts()
    root = Parser(prog="tutor", parents=[_common(json_flag=False)],
                  description="SAA-C03 week 2 tutor. Without a command it opens the terminal app.")
    root.add_argument("--version", action="version", version=f"tutor {__version__}")
    sub = root.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    content = sub.add_parser("content", help="validate and count lessons, questions and labs")
    csub = content.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    c = csub.add_parser("check", parents=[common], help="validate content; exit 1 with one line per problem")
    c.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: all content)")
    csub.add_parser("stats", parents=[common], help="counts by domain, task, day, type, difficulty")
    csub.add_parser("reports", parents=[common], help="questions students reported as wrong, with their reasons")

    lab = sub.add_parser("lab", help="list, show, run, verify and clean up labs")
    lsub = lab.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    lsub.add_parser("list", parents=[common], help="the labs with their steps")
    s = lsub.add_parser("show", parents=[common], help="a lab's steps, instructions and CLI commands")
    s.add_argument("lab", metavar="LAB")
    s.add_argument("--real", action="store_true",
                   help="the commands as real AWS needs them: with the tutor's tags (JSON: commands_real per step)")
    r = lsub.add_parser("run", parents=[common, backend], help="run the solutions (--solve) then verify")
    r.add_argument("lab", metavar="LAB")
    r.add_argument("--solve", action="store_true", help="run every step's solution (required)")
    r.add_argument("--step", metavar="STEP", help="only this step (and what it needs)")
    v = lsub.add_parser("verify", parents=[common, backend], help="check the account's current state")
    v.add_argument("lab", metavar="LAB")
    v.add_argument("--step", metavar="STEP", help="only this step")
    cl = lsub.add_parser("cleanup", parents=[common, backend], help="delete what carries the lab's names")
    cl.add_argument("lab", metavar="LAB")
    w = lsub.add_parser("watch", parents=[common, backend],
                        help="re-check the current step on every change; exit 0 when all pass (Ctrl-C: 130)")
    w.add_argument("lab", metavar="LAB")
    w.add_argument("--interval", type=float, default=3.0, metavar="S",
                   help="seconds between checks on an endpoint that is not the tutor's sandbox (default 3)")
    rs = lsub.add_parser("reset", parents=[common, backend],
                         help="clean up the lab (or one step's resources) and forget its progress")
    rs.add_argument("lab", metavar="LAB")
    rs.add_argument("--step", metavar="STEP", help="only this step")
    sk = lsub.add_parser("skip", parents=[common], help="move past a step (recorded as skipped, never as passed)")
    sk.add_argument("lab", metavar="LAB")
    sk.add_argument("--step", metavar="STEP", required=True)
    h = lsub.add_parser("hint", parents=[common], help="the next hint of a step (using one is recorded)")
    h.add_argument("lab", metavar="LAB")
    h.add_argument("--step", metavar="STEP", required=True)
    h.add_argument("--level", type=int, metavar="N", help="this hint (1 = a nudge ... last = the answer)")
    f = lsub.add_parser("files", parents=[common], help="write the files the lab's commands use into DIR")
    f.add_argument("lab", metavar="LAB")
    f.add_argument("dir", metavar="DIR", nargs="?", default=None, help="folder (default: the current one)")
    f.add_argument("--force", action="store_true", help="overwrite files you changed")

    cu = sub.add_parser("cleanup", parents=[common, backend],
                        help="every lab's cleanup; with --real a dry run unless --yes --account N")
    cu.add_argument("--all", action="store_true", help="every lab (required)")

    sb = sub.add_parser("sandbox", help="the local moto server that labs run against")
    sbsub = sb.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    for action, text in (("start", "start the sandbox (or say which one runs)"), ("stop", "stop it; its state is kept"),
                         ("status", "whether it runs, and the lines that point the aws CLI at it"),
                         ("reset", "empty it: every resource and the journal that would bring them back")):
        sp = sbsub.add_parser(action, parents=[common], help=text)
        sp.add_argument("--port", type=_port, default=None, help="port on 127.0.0.1, 1-65535 (default 5599)")
    adv = sbsub.add_parser("advance", parents=[common, backend],
                           help="move the sandbox's clock: publish CPU, evaluate alarms, notify, scale groups")
    adv.add_argument("--minutes", type=int, required=True, metavar="M", help="minutes to advance (1-1440)")
    adv_load = adv.add_mutually_exclusive_group()
    adv_load.add_argument("--cpu", type=float, metavar="P", help="every group's average CPU %% during the minutes")
    adv_load.add_argument("--from-loadtest", action="store_true",
                          help="the CPU the last `tutor loadtest` run puts on each group")
    dr = sbsub.add_parser("drill", parents=[common, backend],
                          help="a failure drill: what StreamCloud keeps serving when an AZ, an instance or the Region fails")
    dr.add_argument("drill", nargs="?", choices=("az-outage", "instance-failure", "traffic-spike", "region-outage"),
                    metavar="DRILL", help="az-outage | instance-failure | traffic-spike | region-outage")
    dr.add_argument("--az", metavar="AZ", default=None,
                    help="az-outage: the Availability Zone to lose, e.g. us-east-1a (default: the first AZ the build uses)")
    dr.add_argument("--minutes", type=int, default=None, metavar="M",
                    help="minutes the failure lasts (default 10; traffic-spike: 15, the spike's length)")
    dr.add_argument("--restore", action="store_true",
                    help="undo what an interrupted drill changed in the sandbox (no drill name)")

    lt = sub.add_parser("loadtest", parents=[common],
                        help="load-test a web tier (a local StreamCloud tier unless --url); ab if installed")
    lt.add_argument("--url", metavar="URL", default=None,
                    help="the page to load (default: start a local StreamCloud web tier on 127.0.0.1)")
    lt.add_argument("--requests", type=int, required=True, metavar="N", help="requests in all")
    lt.add_argument("--concurrency", type=int, required=True, metavar="C", help="requests in flight at once")
    lt.add_argument("--workers", type=int, default=None, metavar="W",
                    help="local tier: worker processes (default 2); more workers = the tier scaled out")
    lt.add_argument("--work-ms", type=float, default=5.0, metavar="MS",
                    help="local tier: CPU milliseconds each request costs (default 5)")
    lt.add_argument("--publish", action="store_true",
                    help="send the figures to CloudWatch (namespace StreamCloud) on the sandbox or --endpoint-url")
    lt.add_argument("--endpoint-url", metavar="URL", default=None,
                    help="with --publish: any AWS-compatible endpoint; also $AWS_ENDPOINT_URL")

    q = sub.add_parser("quiz", parents=[common], help="practice questions (TUI, or --headless with --answers)")
    q.add_argument("--mode", default="practice", choices=("practice", "exam", "review", "due"))
    _quiz_opts(q)
    q.add_argument("--count", type=int, help="number of questions (default 10; exam 33)")
    q.add_argument("--service", help="practice: only questions about this service (substring)")
    q.add_argument("--weakest", action="store_true", help="practice: weakest task statements first")
    q.add_argument("--minutes", type=int, help="exam: time limit (default 2 minutes a question)")
    q.add_argument("--esl", action="store_true", help="exam: +30/130 extra time, as the ESL accommodation")
    q.add_argument("--seed", type=int, help="draw the same questions again")
    q.add_argument("--headless", action="store_true", help="no screen: read answers, print the report")
    q.add_argument("--answers", metavar="FILE", help='JSON lines {"id": ..., "answer": [keys]}; - for stdin')

    pr = sub.add_parser("progress", parents=[common], help="totals, accuracy, readiness, due cards, exams, labs")
    pr.add_argument("action", nargs="?", choices=("export", "import"), metavar="export|import",
                    help="export: everything as one JSON document (FILE, default stdout); "
                         "import: restore such a document into an empty database")
    pr.add_argument("file", nargs="?", metavar="FILE", help="the export file (- for stdout/stdin)")

    whatif = sub.add_parser("whatif", help="what-if calculators: Auto Scaling policies under traffic, availability of a design, S3 storage cost")
    wsub = whatif.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    wa = wsub.add_parser("availability", parents=[common],
                         help="composite availability of components in series and parallel")
    wa.add_argument("expr", metavar="EXPR",
                    help="e.g. 'series(cloudfront, alb, parallel(ec2, ec2), rds-multi-az)' or 'series(99.99, parallel(99.5, 99.5))'")
    ws = wsub.add_parser("scaling", parents=[common],
                         help="Auto Scaling simulator: demand, capacity, CPU and dropped requests a minute under a policy")
    ws.add_argument("--pattern", choices=("steady", "wave", "spike", "premiere"), default="steady",
                    help="traffic: steady, a daily wave, a 10x spike for 15 minutes, the premiere night (default steady)")
    ws.add_argument("--policy", default="target:50", metavar="POLICY",
                    help="none|simple|step|target:N|scheduled|predictive (default target:50)")
    ws.add_argument("--compare", metavar="POLICY", default=None, help="a second policy, reported as 'compare'")
    ws.add_argument("--warmup", type=int, default=300, metavar="SECONDS", help="instance warm-up (default 300)")
    ws.add_argument("--cooldown", type=int, default=300, metavar="SECONDS", help="scaling cooldown (default 300)")
    ws.add_argument("--minutes", type=int, default=None, metavar="M",
                    help="minutes to simulate, 1-2880 (default: the pattern's: 120, a day for wave, 12 h for premiere)")
    from tutor.commands.whatif import add_storage_cost_parser  # noqa: PLC0415

    add_storage_cost_parser(wsub, common)

    pl = sub.add_parser("plan", parents=[common], help="the day-by-day study plan to your exam date")
    pl.add_argument("--exam-date", metavar="YYYY-MM-DD", default=None,
                    help="save the date of your exam (today or later) in settings.toml first")

    lesson = sub.add_parser("lesson", help="read the lessons without the app")
    lessub = lesson.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    lessub.add_parser("list", parents=[common], help="the lessons and their sections")
    ls = lessub.add_parser("show", parents=[common], help="print a lesson (Markdown) and record the read")
    ls.add_argument("day", metavar="DAY", help="1..5 or extra")
    ls.add_argument("--section", metavar="ID", help="only this section")
    return root


def build_export_parser() -> Parser:
    p = Parser(prog="tutor quiz export", parents=[_common()], description="the question bank as JSON")
    _quiz_opts(p)
    return p
