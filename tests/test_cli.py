"""The command line as a contract: exit codes, one JSON document on stdout, one-line errors."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_tutor
from tutor import __version__
from tutor.cli import main
from tutor.cli_parser import build_export_parser, build_parser

FIXTURE = str(ROOT / "tests" / "fixtures" / "catalog")


def answers_file(tmp_path, lines):
    path = tmp_path / "answers.jsonl"
    path.write_text("\n".join(json.dumps(x) if not isinstance(x, str) else x for x in lines) + "\n")
    return str(path)


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_lab_list_json(capsys):
    assert main(["lab", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    lab = next(d for d in data if d["id"] == "ec2-asg")
    assert set(lab) == {"id", "day", "title", "steps"}
    assert lab["day"] == "1"
    assert lab["steps"] == ["network", "launch-template", "asg", "scaling-policy", "placement-group"]


def test_lab_show_has_commands(capsys):
    assert main(["lab", "show", "ec2-asg", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(s["commands"] for s in data["steps"])
    assert main(["lab", "show", "ec2-asg"]) == 0
    assert "aws autoscaling create-auto-scaling-group" in capsys.readouterr().out


def test_unknown_lab_is_usage_error(capsys):
    assert main(["lab", "verify", "no-such-lab", "--json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no-such-lab" in err


def test_bad_usage_one_line(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["lab", "frobnicate"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_real_aws_with_an_unknown_profile_is_usage(capsys):
    # Never real AWS in tests: the profile fails before any call (test_real_mode.py uses moto).
    assert main(["lab", "verify", "ec2-asg", "--real", "--profile", "no-such-profile-here"]) == 2
    assert "no such profile" in capsys.readouterr().err


def test_unreachable_endpoint_is_environment_failure(capsys):
    code = main(["lab", "verify", "ec2-asg", "--json", "--endpoint-url", "http://127.0.0.1:9"])
    captured = capsys.readouterr()
    assert code == 3
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert captured.err.splitlines()[-1].startswith("tutor: cannot reach")  # progress lines may precede it


def test_verify_json_shape_and_exit_code(endpoint, capsys):
    assert main(["lab", "verify", "ec2-asg", "--json", "--endpoint-url", endpoint]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["lab"] == "ec2-asg" and report["passed"] is False
    assert [s["id"] for s in report["steps"]] == ["network", "launch-template", "asg", "scaling-policy"]
    assert report["real_aws_only"] == ["placement-group"]
    for step in report["steps"]:
        assert set(step) == {"id", "passed", "checks"}
        for check in step["checks"]:
            assert {"id", "passed", "message"} <= set(check)
    assert main(["lab", "run", "ec2-asg", "--solve", "--json", "--endpoint-url", endpoint]) == 0
    assert json.loads(capsys.readouterr().out)["passed"] is True
    assert main(["lab", "verify", "ec2-asg", "--step", "asg", "--json", "--endpoint-url", endpoint]) == 0
    only = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in only["steps"]] == ["asg"]
    assert main(["lab", "verify", "ec2-asg", "--step", "nope", "--endpoint-url", endpoint]) == 2


def test_aws_endpoint_url_env_is_honoured(endpoint, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    assert main(["lab", "verify", "ec2-asg", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["backend"]["endpoint"] == endpoint
    assert report["real_aws_only"] == ["placement-group"]


def test_cleanup_json(endpoint, capsys):
    assert main(["lab", "run", "ec2-asg", "--solve", "--endpoint-url", endpoint, "--json"]) == 0
    capsys.readouterr()
    assert main(["lab", "cleanup", "ec2-asg", "--yes", "--json", "--endpoint-url", endpoint]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["resources"]
    assert main(["lab", "verify", "ec2-asg", "--json", "--endpoint-url", endpoint]) == 1


def test_lab_results_are_recorded(endpoint, capsys):
    main(["lab", "run", "ec2-asg", "--solve", "--endpoint-url", endpoint, "--json"])
    capsys.readouterr()
    assert main(["progress", "--json"]) == 0
    progress = json.loads(capsys.readouterr().out)
    assert progress["labs"]["ec2-asg"]["steps_passed"] == ["asg", "launch-template", "network", "scaling-policy"]


def test_quiz_headless_practice(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TUTOR_CONTENT", FIXTURE)
    path = answers_file(tmp_path, [{"id": "fx-001", "answer": ["A"]}, {"id": "fx-002", "answer": ["B"]},
                                    {"id": "fx-003", "answer": ["D", "B"]}, {"id": "not-drawn", "answer": ["A"]}])
    assert main(["quiz", "--day", "1", "--seed", "7", "--headless", "--answers", path, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    by_id = {q["id"]: q for q in report["questions"]}
    assert set(by_id) == {"fx-001", "fx-002", "fx-003"}
    assert by_id["fx-001"]["is_correct"] and not by_id["fx-002"]["is_correct"] and by_id["fx-003"]["is_correct"]
    assert by_id["fx-003"]["answer"] == ["B", "D"] and by_id["fx-003"]["correct"] == ["B", "D"]
    assert report["score_percent"] == pytest.approx(66.7)
    for key in ("questions", "score_percent", "scaled_score", "passed", "by_domain", "by_task", "minutes"):
        assert key in report
    assert main(["progress", "--json"]) == 0
    progress = json.loads(capsys.readouterr().out)
    assert progress["answered"] == 3 and progress["correct"] == 2
    assert progress["by_task"]["2.1"]["correct"] == 0


def test_quiz_answers_from_stdin(monkeypatch, capsys):
    import io

    monkeypatch.setenv("TUTOR_CONTENT", FIXTURE)
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": "fx-004", "answer": ["D"]}\n'))
    assert main(["quiz", "--task", "3.1", "--headless", "--answers", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["correct"] == 1


@pytest.mark.parametrize("line", ["not json", '["A"]', '{"answer": ["A"]}', '{"id": "fx-001", "answer": 3}',
                                  '{"id": "fx-001", "answer": ["Z"]}'])
def test_quiz_malformed_answers_exit_2(tmp_path, monkeypatch, capsys, line):
    monkeypatch.setenv("TUTOR_CONTENT", FIXTURE)
    path = answers_file(tmp_path, [line])
    assert main(["quiz", "--day", "1", "--headless", "--answers", path, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1


def test_quiz_bad_selection_exit_2(capsys, monkeypatch):
    monkeypatch.setenv("TUTOR_CONTENT", FIXTURE)
    assert main(["quiz", "--day", "9", "--headless", "--answers", "-"]) == 2
    assert main(["quiz", "--task", "1.1", "--headless", "--answers", "-"]) == 2
    assert main(["quiz", "--day", "1", "--headless"]) == 2


def test_quiz_export(monkeypatch, capsys):
    monkeypatch.setenv("TUTOR_CONTENT", FIXTURE)
    assert main(["quiz", "export", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 5
    first = data[0]
    assert {"id", "domain", "task", "day", "type", "choices", "answer"} <= set(first)
    assert all("key" in c for c in first["choices"])


def test_every_command_has_help():
    parser = build_parser()
    actions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    help_text = {a.dest: a.help for a in actions[0]._choices_actions}
    for name, sub in actions[0].choices.items():
        assert help_text.get(name), f"`tutor {name}` has no help line"
        for nested in [a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction"]:
            nested_help = {a.dest: a.help for a in nested._choices_actions}
            for action_name in nested.choices:
                assert nested_help.get(action_name), f"`tutor {name} {action_name}` has no help line"
    assert "bank" in build_export_parser().format_help()


def test_console_script_json_goes_to_stdout_only():
    done = run_tutor("lab", "list", "--json")
    assert done.returncode == 0
    json.loads(done.stdout)
    done = run_tutor("content", "stats", "--json")
    assert done.returncode == 0
    stats = json.loads(done.stdout)
    for key in ("questions", "by_domain", "by_task", "by_day", "by_type", "by_difficulty",
                "missing_translation", "missing_reference"):
        assert key in stats


def test_sandbox_status_when_stopped(capsys):
    assert main(["sandbox", "status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["running"] is False


def test_lesson_commands(capsys):
    assert main(["lesson", "list", "--json"]) == 0
    lessons = json.loads(capsys.readouterr().out)
    assert {"1", "2", "3", "4", "5"} <= {l["day"] for l in lessons}
    assert main(["lesson", "show", "1", "--section", "placement-groups", "--json", "--lang", "ko"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["markdown"].startswith("## ") and shown["lang"] == "ko"
    assert main(["lesson", "show", "1", "--section", "nope"]) == 2
    assert main(["lesson", "show", "9"]) == 2
    capsys.readouterr()
    assert main(["progress", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["lessons_read"] == ["1"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999", "http://", "http://exa mple", "ftp://x", "http://127.0.0.1:0"])
def test_bad_endpoint_url_is_usage_error(url, capsys):
    assert main(["lab", "verify", "ec2-asg", "--endpoint-url", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tutor: --endpoint-url") and err.count("\n") == 1


def test_service_error_is_a_one_line_environment_failure():
    import botocore.exceptions
    from botocore.parsers import ResponseParserError

    from tutor.labs.backend import Backend, translate

    backend = Backend("endpoint", "http://127.0.0.1:5599")
    error = botocore.exceptions.ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, "DescribeSubnets")
    assert "Throttling: Rate exceeded" in translate(error, backend).message
    assert "not emulated" in translate(ResponseParserError("html page"), backend).message
    not_there = botocore.exceptions.ClientError({"Error": {"Code": "500", "Message": ""},
                                                 "ResponseMetadata": {"HTTPStatusCode": 500}}, "CreatePlacementGroup")
    assert "not emulated" in translate(not_there, backend).message


@pytest.mark.parametrize("port", ["0", "-1", "70000", "abc"])
def test_sandbox_port_must_be_valid(port, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sandbox", "start", "--port", port])
    assert exc.value.code == 2
    assert "--port" in capsys.readouterr().err


def test_quiz_input_edge_cases(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TUTOR_CONTENT", FIXTURE)
    binary = tmp_path / "bad.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage\n")
    assert main(["quiz", "--day", "1", "--headless", "--answers", str(binary)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    twice = answers_file(tmp_path, [{"id": "fx-003", "answer": ["B", "B", "D"]}])
    assert main(["quiz", "--day", "1", "--headless", "--answers", twice]) == 2
    assert main(["quiz", "--mode", "exam", "--minutes", "0", "--headless", "--answers", "/dev/null"]) == 2
    assert main(["quiz", "export", "--day", "9"]) == 2
    assert main(["quiz", "export", "--task", "9.9", "--json"]) == 2


def test_bad_db_is_one_line_usage_error(tmp_path, capsys):
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_text("garbage " * 100)
    assert main(["progress", "--db", str(corrupt)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tutor: cannot open the progress database") and err.count("\n") == 1
    assert main(["progress", "--db", str(tmp_path)]) == 2


def test_lab_show_flags_real_aws_steps_once(capsys):
    assert main(["lab", "show", "ec2-asg", "--lang", "en"]) == 0
    assert "(real AWS only) (real AWS only)" not in capsys.readouterr().out


def test_exam_count_beyond_the_bank(capsys):
    assert main(["quiz", "--mode", "exam", "--count", "100000", "--headless", "--answers", "/dev/null"]) == 2
    assert "more than" in capsys.readouterr().err


def test_the_collector_pauses_only_in_a_tutor_process_and_comes_back_for_a_long_command(capsys):
    import gc
    import subprocess
    import sys

    assert main(["lesson", "list", "--json"]) == 0  # a caller of main() keeps its collector
    capsys.readouterr()
    assert gc.isenabled()
    script = ("import gc, sys, time\n"
              "from tutor import cli\n"
              "cli.COLLECTOR_PAUSE_SECONDS = 1.5\n"
              "sys.argv = ['tutor', 'lesson', 'list', '--json']\n"
              "cli.main()\n"
              "paused = not gc.isenabled()\n"
              "deadline = time.monotonic() + 30\n"
              "while not gc.isenabled() and time.monotonic() < deadline:\n"
              "    time.sleep(0.05)\n"
              "print(paused, gc.isenabled(), gc.get_freeze_count() > 1000)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-3:] == ["True", "True", "True"]
