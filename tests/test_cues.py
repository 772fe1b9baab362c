"""Answer cues (issue 10): the bank measures, the per-question check and the Korean glossary forms."""

from __future__ import annotations

import json

import pytest

from tutor.cli import main
from tutor.content import cues
from tutor.content.check import check_catalog, check_question_cues, ko_term_problems, lead_in_problems
from tutor.content.cues import (
    content_words, cue_stats, length_ratio, longest_multi_percent, longest_single_percent, pick_credit,
    question_cues, stem_overlap_single_percent,
)
from tutor.content.loader import Catalog, load_catalog
from tutor.content.models import Question

EXPLAIN = "This explanation says why the option is right or wrong in more than fifteen words of plain text here."


def make_question(qid: str, options: list[str], answer: list[str], stem: str = "A company runs a web tier.",
                  ko_options: list[str] | None = None, ko_stem: str | None = None, day: str = "1") -> Question:
    keys = "ABCDEF"[: len(options)]
    ko_options = ko_options or options
    return Question.model_validate({
        "id": qid, "domain": 2, "task": "2.1", "day": day, "services": ["EC2"],
        "type": "single" if len(answer) == 1 and len(options) == 4 else "multi",
        **({"choose": len(answer)} if not (len(answer) == 1 and len(options) == 4) else {}),
        "stem": {"en": stem, "ko": ko_stem or stem},
        "choices": [{"key": k, "text": {"en": en, "ko": ko}, "explanation": {"en": EXPLAIN, "ko": EXPLAIN}}
                    for k, en, ko in zip(keys, options, ko_options)],
        "answer": answer, "references": ["https://docs.aws.amazon.com/ec2/"], "difficulty": "easy",
    })


def test_pick_credit_splits_ties_evenly():
    assert pick_credit([5, 3, 2, 1], [0], 1) == 1
    assert pick_credit([5, 5, 2, 1], [0], 1) == 0.5
    assert pick_credit([5, 5, 5, 5], [2], 1) == 0.25
    assert pick_credit([5, 9, 2, 1], [0], 1) == 0
    # multi: the two highest are exactly the right set; a tie at the cut draws among the tied
    assert pick_credit([9, 8, 1, 1, 1], [0, 1], 2) == 1
    assert pick_credit([9, 5, 5, 5, 1], [0, 2], 2) == pytest.approx(1 / 3)
    assert pick_credit([9, 5, 5, 5, 1], [1, 2], 2) == 0
    assert pick_credit([4, 4, 4, 4, 4], [0, 1], 2) == pytest.approx(1 / 10)


def test_longest_single_counts_ties_as_shared_credit():
    qs = [
        make_question("t-001", ["a much longer right option", "short", "tiny", "brief"], ["A"]),
        make_question("t-002", ["same", "size", "here", "abcd"], ["B"]),  # four-way tie: 1/4
        make_question("t-003", ["short", "the long wrong option", "tiny", "brief"], ["A"]),
        make_question("t-004", ["xx", "yy", "the long right option", "the long wrong option"], ["C"]),  # 1/2
    ]
    assert longest_single_percent(qs, "en") == round(100 * (1 + 0.25 + 0 + 0.5) / 4, 1)
    qs[3] = make_question("t-004", ["xx", "yy", "the long right option!", "the long wrong option"], ["C"])
    assert longest_single_percent(qs, "en") == round(100 * 2.25 / 4, 1)


def test_longest_multi_means_the_exact_right_set():
    qs = [
        make_question("t-010", ["right option one long", "right option two long", "w1", "w2", "w3"], ["A", "B"]),
        make_question("t-011", ["right option one long", "r", "wrong option long too", "w2", "w3"], ["A", "B"]),
    ]
    assert longest_multi_percent(qs, "en") == 50.0
    assert longest_single_percent(qs, "en") == 0.0  # no single-answer question: nothing to count


def test_stem_overlap_ties_are_not_broken_by_length():
    stem = "The company must keep the bucket private behind CloudFront with origin access control."
    q = make_question("t-020", ["Use CloudFront with origin access control on the private bucket",
                                "Make the bucket public", "Use Global Accelerator", "Replicate objects"], ["A"], stem)
    assert stem_overlap_single_percent([q], "en") == 100.0
    tie = make_question("t-021", ["Use CloudFront", "Use bucket policies and a very long justification text",
                                  "Nothing", "Other"], ["B"], "CloudFront bucket")
    assert stem_overlap_single_percent([tie], "en") == 50.0  # A and B share one word each


def test_length_ratio_is_mean_right_over_mean_wrong():
    q = make_question("t-030", ["x" * 20, "y" * 10, "z" * 10, "w" * 10], ["A"])
    assert length_ratio([q], "en") == 2.0
    assert set(cue_stats([q], "en")) == {"longest_single_percent", "longest_multi_percent",
                                         "stem_overlap_single_percent", "length_ratio"}


def test_content_words_follow_the_documented_rule():
    assert content_words("The S3 bucket and its objects use CloudFront.", "en") == {"bucket", "objects", "cloudfront"}
    assert content_words("버킷에서 객체를 로드합니다. 활성화하고 증가 있습니다 S3", "ko") == {
        "버킷", "객체", "로드", "활성화", "증가", "s3"}


def test_question_cues_flag_a_long_right_option_in_either_language():
    fine = make_question("t-040", ["Use an ALB across two AZs", "Use an NLB in one AZ only",
                                   "Use Route 53 weighted records", "Use a bigger EC2 instance"], ["A"])
    assert question_cues(fine) == []
    long_en = make_question("t-041", ["Use an ALB across two AZs with health checks and an Auto Scaling group",
                                      "Use an NLB", "Use Route 53", "Use bigger EC2"], ["A"])
    found = question_cues(long_en)
    assert any("right option A" in m and "(en)" in m and "1.25" in m for m in found)
    long_ko = make_question("t-042", ["a", "b", "c", "d"], ["A"], ko_options=["가용 영역 두 곳에 걸친 ALB와 상태 확인", "NLB", "한 AZ", "큰 인스턴스"])
    assert any("(ko)" in m for m in question_cues(long_ko))
    multi = make_question("t-043", ["long right option one", "long right option two", "short", "tiny", "wee"], ["A", "B"])
    assert any("right option A,B" in m for m in question_cues(multi))


def test_question_cues_flag_a_right_option_alone_echoing_the_stem():
    stem = "Orders must survive an Availability Zone outage and keep the database writable."
    echo = make_question("t-050", ["Keep orders writable through a zone outage with Multi-AZ database",
                                   "Add read replicas in another Region for reporting jobs",
                                   "Create hourly snapshots copied to another account",
                                   "Cache results in ElastiCache with lazy loading"], ["A"], stem)
    found = question_cues(echo)
    assert any("alone repeats the stem's words" in m and "orders" in m for m in found)
    spread = make_question("t-051", ["Keep orders writable through a zone outage with Multi-AZ database",
                                     "Keep orders writable with a database read replica in another zone",
                                     "Create hourly snapshots copied to another account",
                                     "Cache results in ElastiCache with lazy loading"], ["A"], stem)
    assert not any("repeats" in m for m in question_cues(spread))


def test_check_catalog_reports_cues_only_when_enforced():
    q = make_question("t-060", ["Use an ALB across two AZs with health checks and an Auto Scaling group",
                                "Use an NLB", "Use Route 53", "Use bigger EC2"], ["A"])
    catalog = Catalog(questions={q.id: q}, question_paths={q.id: ("quizzes/t.yaml", 7)})
    assert check_question_cues(q, ("quizzes/t.yaml", 7))[0].line == 7
    assert not [p for p in check_catalog(catalog, cues=False) if "right option" in p.message]
    flagged = [str(p) for p in check_catalog(catalog, cues=True) if "right option" in p.message]
    assert flagged and flagged[0].startswith("quizzes/t.yaml:7: t-060: right option A")


@pytest.mark.parametrize("text, rejected", [
    ("데드레터 대기열로 이동합니다", "데드레터"), ("SNS 주제에 발행합니다", "발행"), ("버스터블 인스턴스", "버스터블"),
    ("웹 포드를 실행합니다", "포드"), ("지연 시간 기반 라우팅", "지연 시간 기반"), ("버킷에 접근할 수 있습니다", "접근"),
    ("gp3의 기본 3,000 IOPS", "기본 N IOPS"), ("예약할 수 없는(Pending) 파드", "예약 (파드)"),
    ("쓰기 제한이 발생합니다", "제한이 발생"), ("io1은 이전 세대 볼륨입니다", "이전 세대 io1"),
    ("운영 오버헤드가 가장 적게 이러한 요구 사항을 충족합니까?", "운영 오버헤드가 가장 적게"),
])
def test_settled_korean_forms_are_flagged(text, rejected):
    assert rejected in [wrong for wrong, _ in ko_term_problems(text, settled=True)]


@pytest.mark.parametrize("text", [
    "배달 못한 편지 대기열(DLQ)", "SNS 주제에 게시합니다", "예약 인스턴스를 구매하고 파드를 스케줄링합니다",
    "예약된 동시성", "기본값은 3입니다", "기준 3,000 IOPS", "접근 방식", "Lambda 제한 시간은 15분", "동시성 제한",
    "Classic Load Balancer는 이전 세대 제품", "지연 시간 라우팅 정책",
    "운영 오버헤드가 가장 적은 방법으로 이러한 요구 사항을 충족하는 솔루션은 무엇입니까?",
])
def test_accepted_korean_forms_are_not_flagged(text):
    assert ko_term_problems(text, settled=True) == []


def test_settled_forms_wait_for_the_rewrite_but_the_older_ones_are_always_checked():
    assert ko_term_problems("데드레터", settled=False) == []
    assert ko_term_problems("목표 추적 조정", settled=False) == [("목표 추적", "대상 추적")]


def test_fixed_lead_ins_follow_the_english_lead_in():
    stem = "A company runs jobs. Which combination of steps meets these requirements? (Choose two.)"
    bad = make_question("t-070", ["a1", "b2", "c3", "d4", "e5"], ["A", "B"], stem,
                        ko_stem="회사는 작업을 실행합니다. 어떤 조치를 조합해야 합니까? (두 개를 선택하십시오.)")
    assert lead_in_problems(bad) and "단계의 조합은 무엇입니까? (두 개를" in lead_in_problems(bad)[0]
    good = make_question("t-071", ["a1", "b2", "c3", "d4", "e5"], ["A", "B"], stem,
                         ko_stem="회사는 작업을 실행합니다.\n이러한 요구 사항을 충족하는 단계의 조합은 무엇입니까? (두 개를 선택하십시오.)")
    assert lead_in_problems(good) == []


def test_stats_json_has_cues_for_both_languages(capsys):
    assert main(["content", "stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["cues"]) == {"en", "ko"}
    for lang in ("en", "ko"):
        assert set(data["cues"][lang]) == {"longest_single_percent", "longest_multi_percent",
                                           "stem_overlap_single_percent", "length_ratio"}
    assert main(["content", "stats", "--lang", "en"]) == 0
    assert "cues (ko): longest_single_percent" in capsys.readouterr().out


@pytest.mark.skipif(not cues.ENFORCE_CUES, reason="issue-10 rewrite in progress")
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_bank_stays_within_the_issue_thresholds(lang):
    stats = cue_stats(load_catalog().questions.values(), lang)
    assert cues.over_thresholds(stats) == []


def test_a_rejected_form_in_a_lesson_points_at_its_line():
    from tutor.content.check import check_lesson
    from tutor.content.models import Lesson, LessonMeta

    body = "# 제목\n\n첫 문단입니다.\n\n목표 추적 조정 정책을 씁니다.\n"
    lesson = Lesson(meta=LessonMeta(day="1", lang="ko", title="t"), body=body, path="content/1/ko.md", body_line=5)
    [found] = [p for p in check_lesson(lesson, set()) if "목표 추적" in p.message]
    assert found.line == 5 + 5
