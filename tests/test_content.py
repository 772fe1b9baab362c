"""Content models, the loader's error reports (file, line, what) and the authoring rules."""

from __future__ import annotations

import textwrap

import pytest

from conftest import ROOT
from tutor.cli import main
from tutor.content.check import check_catalog
from tutor.content.loader import load_catalog

EXP_EN = "This explanation is long enough to satisfy the rule that every option explains itself well."
EXP_KO = "이 해설은 모든 보기가 스스로를 충분히 설명해야 한다는 규칙을 만족할 만큼 길게 작성된 테스트용 문장입니다 정말로 그렇습니다."


def question(qid="t-001", **over):
    base = {
        "id": qid, "domain": 3, "task": "3.2", "day": 1, "services": ["EC2"], "type": "single",
        "difficulty": "easy", "stem": {"ko": "무엇입니까?", "en": "Which?"},
        "choices": [{"key": k, "text": {"ko": f"보기 {k}", "en": f"Option {k}"},
                     "explanation": {"ko": EXP_KO, "en": EXP_EN}} for k in "ABCD"],
        "answer": ["A"], "references": ["https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html"],
    }
    base.update(over)
    return base


def write(tmp_path, items, name="q.yaml"):
    import yaml

    path = tmp_path / name
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False))
    return path


def problems(tmp_path, items):
    catalog = load_catalog([write(tmp_path, items)])
    return [p.message for p in check_catalog(catalog, known_labs={"ec2-asg"})]


def test_project_content_is_valid():
    catalog = load_catalog()
    found = check_catalog(catalog)
    assert found == [], "\n".join(map(str, found[:20]))
    assert catalog.labs and catalog.lessons


def test_day1_has_enough_questions():
    catalog = load_catalog()
    day1 = catalog.questions_for(day="1")
    assert len(day1) >= 20
    assert {q.domain for q in day1} == {2, 3}


def test_valid_question_has_no_problem(tmp_path):
    assert problems(tmp_path, [question()]) == []


def test_yaml_syntax_error_has_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("- id: x\n  stem: {ko: a\n  en: b\n")
    catalog = load_catalog([path])
    assert catalog.problems and catalog.problems[0].line >= 2
    assert "YAML syntax" in catalog.problems[0].message


def test_model_error_names_field_and_line(tmp_path):
    items = [question(), question("t-002", choices=[
        {"key": "A", "text": {"ko": "a"}, "explanation": {"ko": EXP_KO, "en": EXP_EN}}] * 4)]
    catalog = load_catalog([write(tmp_path, items)])
    problem = catalog.problems[0]
    assert "choices.0.text.en" in problem.message and "missing" in problem.message
    text = (tmp_path / "q.yaml").read_text().splitlines()
    assert "text:" in text[problem.line - 1] or "ko:" in text[problem.line - 1]


def test_typo_key_is_reported(tmp_path):
    assert any("unknown key" in m for m in problems(tmp_path, [question(refrences=["x"])]))


@pytest.mark.parametrize("over, words", [
    ({"choices": question()["choices"][:3]}, "4 choices"),
    ({"type": "multi", "choose": 2, "answer": ["A", "B"]}, "5 or 6 choices"),
    ({"type": "multi", "choose": 3, "answer": ["A", "B"]}, "choose is 3"),
    ({"answer": ["A", "B"]}, "exactly one answer"),
    ({"answer": ["E"]}, "not choices"),
    ({"task": "2.1"}, "not in domain"),
    ({"references": ["https://example.com/x"]}, "docs.aws.amazon.com"),
    ({"day": 9}, "day"),
])
def test_question_rules(tmp_path, over, words):
    found = problems(tmp_path, [question(**over)])
    assert any(words in m for m in found), found


def test_short_explanation(tmp_path):
    q = question()
    q["choices"][2]["explanation"] = {"ko": "짧다", "en": "Too short."}
    found = problems(tmp_path, [q])
    assert any("choice C has 1 words" in m or "choice C has 2 words" in m for m in found), found


def test_same_choice_text(tmp_path):
    q = question()
    q["choices"][1]["text"] = q["choices"][0]["text"]
    assert any("same" in m for m in problems(tmp_path, [q]))


def test_retired_service_in_correct_choice(tmp_path):
    q = question()
    q["choices"][0]["text"] = {"ko": "Reduced Redundancy Storage 사용", "en": "Use Reduced Redundancy Storage"}
    assert any("retired" in m for m in problems(tmp_path, [q]))
    q["answer"] = ["B"]
    assert not any("retired" in m for m in problems(tmp_path, [q]))  # fine as a wrong option


def test_duplicate_ids_across_files(tmp_path):
    write(tmp_path, [question()], "a.yaml")
    write(tmp_path, [question(stem={"ko": "다른?", "en": "Other?"})], "b.yaml")
    catalog = load_catalog([tmp_path])
    assert any("duplicate question id" in p.message for p in check_catalog(catalog))


def test_lab_step_without_check_and_missing_function(tmp_path):
    lab_dir = tmp_path / "labs" / "demo"
    lab_dir.mkdir(parents=True)
    (lab_dir / "lab.py").write_text("def solve(ctx):\n    pass\n\ndef cleanup(ctx):\n    return []\n")
    (lab_dir / "lab.yaml").write_text(textwrap.dedent("""
        id: demo
        day: 1
        title: {ko: 데모, en: Demo}
        intro: {ko: 데모, en: Demo}
        steps:
          - id: one
            title: {ko: 하나, en: One}
            instructions: {ko: 하나, en: One}
            commands: [aws ec2 describe-vpcs]
            solution: solve
            lesson: "1#no-such-section"
            hints: [{ko: 힌트, en: Hint}, {ko: 답, en: Answer}]
            checks: []
          - id: two
            title: {ko: 둘, en: Two}
            instructions: {ko: 둘, en: Two}
            commands: [aws ec2 describe-vpcs]
            solution: solve_two
            hints: [{ko: 힌트, en: Hint}, {ko: 답, en: Answer}]
            checks:
              - {id: c, fn: check_missing, describe: {ko: 검사, en: Check}}
    """))
    catalog = load_catalog([tmp_path / "labs", ROOT / "content"])
    found = [p.message for p in check_catalog(catalog)]
    assert any("step 'one' has no check" in m for m in found)
    assert any("step 'two': no lesson link" in m for m in found)
    assert any("does not list lab 'demo'" in m for m in found)
    located = [p for p in check_catalog(catalog) if "check_missing" in p.message][0]
    yaml_lines = (lab_dir / "lab.yaml").read_text().splitlines()
    assert "fn: check_missing" in yaml_lines[located.line - 1]  # the line of the check itself
    assert any("solve_two" in m for m in found)
    assert any("check_missing" in m for m in found)
    assert any("broken lesson link" in m for m in found)


def test_lesson_rules(tmp_path):
    folder = tmp_path / "content" / "day2"
    folder.mkdir(parents=True)
    (folder / "en.md").write_text("---\nday: 2\nlang: en\ntitle: T\nlabs: [nope]\nsections:\n"
                                  "  - {id: a, heading: Missing heading}\n---\n# T\n\nText.\n")
    catalog = load_catalog([tmp_path / "content"])
    found = [p.message for p in check_catalog(catalog)]
    for words in ("no `## Missing heading`", "unknown lab 'nope'", "comparison table", "exam-traps", "diagram", "no ko version"):
        assert any(words in m for m in found), (words, found)


def test_content_check_cli_exit_codes(tmp_path, capsys):
    good = write(tmp_path, [question()], "good.yaml")
    assert main(["content", "check", str(good), "--json"]) == 0
    bad = write(tmp_path, [question(answer=["A", "B"])], "bad.yaml")
    assert main(["content", "check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "bad.yaml:1:" in out and "exactly one answer" in out
    assert main(["content", "check", str(tmp_path / "missing.yaml")]) == 1


def test_lesson_figure_needs_a_link_and_size(tmp_path):
    folder = tmp_path / "content" / "day3"
    folder.mkdir(parents=True)
    body = ("---\nday: 3\nlang: en\ntitle: T\nsections:\n  - {id: a, heading: A}\n---\n## A\n\n"
            "| x | y |\n|---|---|\n| gp3 | 3,000 IOPS [docs](https://docs.aws.amazon.com/ebs/latest/userguide/gp3.html) |\n\n"
            "> **Exam traps**\n\n```diagram\n[a]-->[b]\n```\n\n"
            "The default retention is 24 hours and nothing links it.\n\n"
            "- Glacier Deep Archive restores within 12 hours [docs](https://docs.aws.amazon.com/AmazonS3/latest/userguide/x.html).\n")
    (folder / "en.md").write_text(body)
    found = [str(p) for p in check_catalog(load_catalog([tmp_path / "content"]))]
    assert any("'24 hours' without a documentation link" in m and "en.md:" in m for m in found), found
    assert not any("12 hours" in m or "3,000 IOPS" in m for m in found)
    assert any("words of prose" in m for m in found)
    line = next(m for m in found if "24 hours" in m).split(":")[1]
    assert body.splitlines()[int(line) - 1].startswith("The default retention")


def test_section_must_link_to_questions(tmp_path):
    write(tmp_path, [question()], "q.yaml")  # task 3.2 about EC2
    folder = tmp_path / "content" / "day1"
    folder.mkdir(parents=True)
    (folder / "en.md").write_text(
        "---\nday: 1\nlang: en\ntitle: T\nsections:\n"
        "  - {id: ok, heading: A, tasks: ['3.2'], services: [Amazon EC2]}\n"
        "  - {id: orphan, heading: B, tasks: ['3.4'], services: [CloudFront]}\n"
        "  - {id: typo, heading: C, tasks: ['3.9']}\n---\n## A\n\n## B\n\n## C\n")
    problems_found = check_catalog(load_catalog([tmp_path]))
    found = [p.message for p in problems_found]
    assert any("'orphan' links to no question" in m for m in found)
    orphan = next(p for p in problems_found if "'orphan'" in p.message)
    assert "id: orphan" in (folder / "en.md").read_text().splitlines()[orphan.line - 1]
    assert any("'typo': unknown task '3.9'" in m for m in found)
    assert not any("'ok'" in m for m in found)


def test_day_lesson_needs_its_curriculum_sections(tmp_path):
    folder = tmp_path / "content" / "day4"
    folder.mkdir(parents=True)
    (folder / "en.md").write_text("---\nday: 4\nlang: en\ntitle: T\nsections:\n  - {id: aurora, heading: A}\n---\n## A\n")
    found = [p.message for p in check_catalog(load_catalog([tmp_path / "content"]))]
    assert any("requires sections rds-availability, rds-proxy-and-monitoring, dynamodb, elasticache" in m for m in found)


def test_korean_terms_follow_the_glossary(tmp_path):
    q = question()
    q["stem"] = {"ko": "CPU 메트릭에 알람을 설정하려고 합니다. 무엇입니까?", "en": "Which?"}
    found = problems(tmp_path, [q])
    assert any("'메트릭'" in m and "'지표'" in m for m in found)
    assert any("'알람'" in m and "'경보'" in m for m in found)


def test_questions_link_to_the_section_that_teaches_them():
    from tutor.content.links import section_for

    catalog = load_catalog()
    expected = {"d1-010": "health-checks", "d1-007": "placement-groups", "d1-014": "scheduled-and-predictive-scaling",
                "d1-016": "warm-pools", "d1-020": "lifecycle-hooks"}
    for qid, section in expected.items():
        q = catalog.questions[qid]
        assert section_for(catalog.lesson(q.day, "en"), q) == section, qid
    for q in catalog.questions.values():  # every question reaches a teaching section, never the summary
        found = section_for(catalog.lesson(q.day, "en"), q)
        assert found and found != "checklist", q.id


def test_a_check_without_a_function_is_reported_unless_the_lab_is_graded(tmp_path):
    lab_dir = tmp_path / "labs" / "demo"
    lab_dir.mkdir(parents=True)
    (lab_dir / "lab.py").write_text("def solve(ctx):\n    pass\n\ndef cleanup(ctx):\n    return []\n\ndef grade(ctx, step_id):\n    return {}\n")
    text = textwrap.dedent("""
        id: demo
        day: 1
        title: {ko: 데모, en: Demo}
        intro: {ko: 데모, en: Demo}
        steps:
          - id: one
            title: {ko: 하나, en: One}
            instructions: {ko: 하나, en: One}
            commands: [aws ec2 describe-vpcs]
            solution: solve
            lesson: "1#placement-groups"
            hints: [{ko: 힌트, en: Hint}, {ko: 답, en: Answer}]
            checks:
              - {id: criterion, describe: {ko: 기준, en: Criterion}}
    """)
    (lab_dir / "lab.yaml").write_text(text)
    found = [p.message for p in check_catalog(load_catalog([tmp_path / "labs", ROOT / "content"]))]
    assert any("check 'criterion' names no function" in m for m in found)
    (lab_dir / "lab.yaml").write_text(text.replace("day: 1\n", "day: 1\ngraded: true\n"))
    found = [p.message for p in check_catalog(load_catalog([tmp_path / "labs", ROOT / "content"]))]
    assert not any("names no function" in m for m in found)
