"""Authoring rules across the whole catalog: what `tutor content check` reports.

The models catch what is wrong with one item; this module catches what a model cannot see:
counts of choices, explanation length, references, retired services, duplicate texts and
links between lessons, questions and labs.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tutor.content.cues import ENFORCE_CUES, question_cues
from tutor.content.loader import Catalog, Problem
from tutor.content.models import LANGS, TASKS, Lesson, Question, services_overlap

MIN_EXPLANATION_WORDS = 15

#: Retired services and features that must never be a correct answer (lowercase patterns).
RETIRED = {
    "EC2-Classic": re.compile(r"ec2[- ]classic", re.I),
    "Reduced Redundancy Storage": re.compile(r"reduced redundancy|\bRRS\b", re.I),
    "S3 Glacier vaults (legacy service)": re.compile(r"glacier vault", re.I),
    "AWS OpsWorks": re.compile(r"opsworks", re.I),
    "AWS Data Pipeline": re.compile(r"data pipeline", re.I),
    "Amazon CloudSearch": re.compile(r"cloudsearch", re.I),
}

#: Korean forms AWS's Korean docs do not use, with the form to write (GLOSSARY_KO section 4).
KO_TERMS = {
    "목표 추적": "대상 추적", "냉각 기간": "휴지 기간", "상태 시스템": "상태 머신",
    "크로스 리전": "교차 리전", "단일 리전 복제": "동일 리전 복제", "파편": "샤드",
    "에지 로케이션": "엣지 로케이션", "메트릭": "지표", "알람": "경보", "토픽": "주제",
    "오토 스케일링": "Auto Scaling", "마운트 타깃": "탑재 대상",
}
#: Settled 2026-12-07 (GLOSSARY_KO section 4, "Settled" and the fixed lead-ins).
KO_TERMS_SETTLED = {
    "데드레터": "배달 못한 편지 대기열(DLQ)", "데드 레터": "배달 못한 편지 대기열(DLQ)",
    "발행": "게시 (SNS publish; publisher = 게시자)", "버스터블": "버스트 가능", "포드": "파드",
    "지연 시간 기반": "지연 시간 라우팅 정책", "접근": "액세스",
    "기본 성능": "기준 성능 (baseline; 기본 is default)", "기본 IOPS": "기준 IOPS (baseline)",
    "기본 처리량": "기준 처리량 (baseline)", "기본 N IOPS": "기준 N IOPS (baseline, e.g. 기준 3,000 IOPS)",
    "예약 (파드)": "스케줄링 (파드를 노드에 배치; 예약 is reservation)",
    "제한이 발생": "스로틀링이 발생 (제한 is a limit, 제한 시간 a timeout)", "제한 오류": "스로틀링 오류",
    "이전 세대 io1": "기존 io1 (AWS's previous generation is Magnetic only)",
    # The overhead lead-in, fixed word for word: "운영 오버헤드가 가장 적은 방법으로 이러한 요구 사항을 ...".
    "운영 오버헤드가 가장 적게": "운영 오버헤드가 가장 적은 방법으로 (the glossary's fixed lead-in)",
    "최소한의 운영 오버헤드로": "운영 오버헤드가 가장 적은 방법으로 (the glossary's fixed lead-in)",
}
KO_TERMS.update(KO_TERMS_SETTLED)
#: The issue-10 rewrite removes the settled forms and fixes the lead-ins; until it lands they are
#: not reported, so main stays green. On once it does.
SETTLED_TERMS_ON = True
#: Rejected forms that need context to be told apart from accepted text (a literal match otherwise).
_KO_TERM_PATTERNS = {
    "기본 N IOPS": r"기본\s*[\d,.]+\s*(?:IOPS|MiB/s|MB/s)",
    "예약 (파드)": r"예약[가-힣]*(?:\s+[가-힣]+){0,2}\s*(?:\([A-Za-z]+\)\s*)?(?:파드|포드)|(?:파드|포드)[가-힣]*\s*예약",
    "이전 세대 io1": r"io1[^.\n]{0,40}이전 세대|이전 세대[^.\n]{0,20}io1",
}
#: Accepted text containing a rejected form, masked before matching so it is never flagged.
_KO_ACCEPTED = ("접근 방식", "접근법", "접근 방법", "예약 인스턴스", "예약된 동시성", "예약된 조정", "예약된 작업",
                "예약된 용량", "용량 예약")
#: The glossary's three fixed Korean lead-ins, keyed by the English lead-in they translate.
KO_LEAD_INS = {
    r"Which combination of steps (?:will )?meets? these requirements\? \(Choose two\.\)":
        "이러한 요구 사항을 충족하는 단계의 조합은 무엇입니까? (두 개를 선택하십시오.)",
    r"Which combination of steps (?:will )?meets? these requirements\? \(Choose three\.\)":
        "이러한 요구 사항을 충족하는 단계의 조합은 무엇입니까? (세 개를 선택하십시오.)",
    r"Which solution (?:will )?meets? these requirements MOST cost-effectively\?":
        "이러한 요구 사항을 가장 비용 효율적으로 충족하는 솔루션은 무엇입니까?",
    r"Which solution (?:will )?meets? these requirements with the LEAST operational overhead\?":
        "운영 오버헤드가 가장 적은 방법으로 이러한 요구 사항을 충족하는 솔루션은 무엇입니까?",
}


def ko_term_hits(text: str, settled: bool | None = None) -> list[tuple[str, str, int]]:
    """(rejected form, form to write, offset of its first use) for each rejected form in ``text``.

    Accepted text that contains a rejected form (접근 방식 is "approach", not access) and the
    accepted forms themselves are masked first (same length, so offsets hold), so a rejected form
    inside them is not flagged.
    """
    settled = SETTLED_TERMS_ON if settled is None else settled
    literal = [w for w in KO_TERMS if w not in _KO_TERM_PATTERNS]
    accepted = set(_KO_ACCEPTED) | {v.split(" (")[0] for v in KO_TERMS.values() if any(w in v for w in literal)}
    for form in sorted(accepted, key=len, reverse=True):
        text = text.replace(form, "\0" * len(form))
    found = []
    for wrong, right in KO_TERMS.items():
        if wrong in KO_TERMS_SETTLED and not settled:
            continue
        match = re.search(_KO_TERM_PATTERNS.get(wrong) or re.escape(wrong), text)
        if match:
            found.append((wrong, right, match.start()))
    return found


def ko_term_problems(text: str, settled: bool | None = None) -> list[tuple[str, str]]:
    """(rejected form, form to write) for each rejected Korean form in ``text``."""
    return [(wrong, right) for wrong, right, _ in ko_term_hits(text, settled)]


def lead_in_problems(q: Question) -> list[str]:
    """A Korean stem that translates a fixed English lead-in must use the glossary's words."""
    out = []
    for english, korean in KO_LEAD_INS.items():
        if re.search(english, q.stem.en, re.I) and korean not in " ".join(q.stem.ko.split()):
            out.append(f"{q.id}: the Korean stem must end with the fixed lead-in {korean!r} (GLOSSARY_KO section 4)")
    return out


TRAPS_MARKERS = {"en": "> **Exam traps**", "ko": "> **시험 함정**"}
MIN_LESSON_WORDS = {"en": 3000, "ko": 2200}
#: The sections the curriculum requires of each day's lesson (ids in the front matter).
REQUIRED_SECTIONS: dict[str, tuple[str, ...]] = {
    "1": ("instance-families", "placement-groups", "launch-templates", "dynamic-scaling",
          "scheduled-and-predictive-scaling", "warm-pools", "health-checks", "lifecycle-hooks"),
    "2": ("lambda", "containers", "serverless-api", "step-functions", "loose-coupling"),
    "3": ("ebs", "efs", "fsx", "s3-performance", "s3-storage-classes", "hybrid-storage"),
    "4": ("rds-availability", "aurora", "rds-proxy-and-monitoring", "dynamodb", "elasticache"),
    "5": ("cloudfront", "load-balancers", "global-accelerator", "route53", "vpc-connectivity"),
    "extra": ("disaster-recovery", "quotas-and-throttling", "streaming-ingestion", "analytics",
              "case-studies", "well-architected"),
}
# A figure: a number with a unit the exam asks about (sizes, rates, durations, percentages).
_FIGURE = re.compile(
    r"(?<![\w.])\d[\d,.]*\s?(?:%|ms\b|s\b|seconds?\b|minutes?\b|min\b|hours?\b|h\b|days?\b|"
    r"[KMGT]i?B\b|[KMG]bps\b|IOPS\b|vCPUs?\b|ACUs?\b|RCUs?\b|WCUs?\b|초|분|시간|일\b)")
# Dates are not figures: "2026년 7월 31일", "July 31, 2026", "2026-07-31".
_DATE = re.compile(r"\d{4}년\s?\d{1,2}월(?:\s?\d{1,2}일)?|\d{1,2}월\s?\d{1,2}일|\d{4}-\d{2}-\d{2}")
_DOC_LINK = re.compile(r"\]\(https://(?:docs\.aws\.amazon\.com|aws\.amazon\.com|docs\.amazonaws\.cn)/")
_TABLE = re.compile(r"^\|.*\|\s*\n\|\s*:?-{3,}", re.MULTILINE)
_DIAGRAM = re.compile(r"^```diagram\s*$", re.MULTILINE)


def words(text: str) -> int:
    return len(text.split())


def check_question(q: Question, where: tuple[str, int]) -> list[Problem]:
    path, line = where
    out: list[str] = []
    n = len(q.choices)
    if q.type == "single" and n != 4:
        out.append(f"{q.id}: a single-answer question has 4 choices, not {n}")
    if q.type == "multi" and not 5 <= n <= 6:
        out.append(f"{q.id}: a multiple-response question has 5 or 6 choices, not {n}")
    for lang in LANGS:
        texts = [c.text.get(lang).strip().lower() for c in q.choices]
        dupes = {t for t in texts if texts.count(t) > 1}
        if dupes:
            out.append(f"{q.id}: two choices have the same {lang} text: {sorted(dupes)[0][:60]!r}")
        for c in q.choices:
            count = words(c.explanation.get(lang))
            if count < MIN_EXPLANATION_WORDS:
                out.append(
                    f"{q.id}: the {lang} explanation of choice {c.key} has {count} words "
                    f"(at least {MIN_EXPLANATION_WORDS}): say why it is right or wrong"
                )
    korean = " ".join([q.stem.ko] + [c.text.ko + " " + c.explanation.ko for c in q.choices])
    for wrong, right in ko_term_problems(korean):
        out.append(f"{q.id}: Korean text uses {wrong!r}; AWS's Korean docs write {right!r}")
    if SETTLED_TERMS_ON:
        out.extend(lead_in_problems(q))
    if not any(r.startswith("https://docs.aws.amazon.com/") for r in q.references):
        out.append(f"{q.id}: no https://docs.aws.amazon.com/ reference that proves the answer")
    for ref in q.references:
        if not ref.startswith(("https://", "http://")):
            out.append(f"{q.id}: reference is not a URL: {ref!r}")
    for c in q.choices:
        if c.key in q.answer:
            for name, pattern in RETIRED.items():
                if pattern.search(c.text.en) or pattern.search(c.text.ko):
                    out.append(f"{q.id}: correct choice {c.key} relies on a retired service ({name})")
    return [Problem(path, line, msg) for msg in out]


def check_question_cues(q: Question, where: tuple[str, int]) -> list[Problem]:
    """Options that give the answer away without knowledge (length, echoing the stem): issue 10."""
    path, line = where
    return [Problem(path, line, msg) for msg in question_cues(q)]


def prose_blocks(body: str) -> list[tuple[int, str]]:
    """Paragraphs, list items and table rows with their line numbers; no code or diagrams."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start, fenced = 0, False

    def flush() -> None:
        if current:
            blocks.append((start, " ".join(current)))
            current.clear()

    for n, line in enumerate(body.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            fenced = not fenced
            continue
        if fenced or stripped.startswith("#"):
            flush()
            continue
        if not stripped:
            flush()
        elif stripped.startswith("|") or re.match(r"^(?:[-*+]|\d+\.)\s", stripped) or stripped.startswith(">"):
            flush()
            start = n
            current.append(stripped)
            if stripped.startswith("|"):
                flush()  # each table row stands alone
        else:
            if not current:
                start = n
            current.append(stripped)
    flush()
    return blocks


def prose_words(body: str) -> int:
    """Words outside tables, code blocks and diagrams (what a lesson's size counts)."""
    return sum(words(text) for _, text in prose_blocks(body) if not text.startswith("|"))


def _heading_line(lesson: Lesson, heading: str) -> bool:
    return re.search(rf"^##\s+{re.escape(heading)}\s*$", lesson.body, re.MULTILINE) is not None


def _section_line(lesson: Lesson, section_id: str) -> int:
    return lesson.section_lines.get(section_id, 1)


def check_lesson(lesson: Lesson, lab_ids: set[str]) -> list[Problem]:
    out: list[str] = []
    located: list[Problem] = []
    for section in lesson.meta.sections:
        if not _heading_line(lesson, section.heading):
            located.append(Problem(lesson.path, _section_line(lesson, section.id),
                                   f"section {section.id!r}: no `## {section.heading}` heading in the body"))
        for lab in section.labs:
            if lab not in lab_ids:
                located.append(Problem(lesson.path, _section_line(lesson, section.id),
                                       f"section {section.id!r} links to unknown lab {lab!r}"))
    ids = [s.id for s in lesson.meta.sections]
    if len(set(ids)) != len(ids):
        out.append("two sections share an id")
    missing = [r for r in REQUIRED_SECTIONS.get(lesson.meta.day, ()) if r not in ids]
    if missing:
        out.append(f"the curriculum requires sections {', '.join(missing)} (front matter ids)")
    for lab in lesson.meta.labs:
        if lab not in lab_ids:
            out.append(f"front matter links to unknown lab {lab!r}")
    if not _TABLE.search(lesson.body):
        out.append("no comparison table (a Markdown table)")
    if TRAPS_MARKERS[lesson.meta.lang] not in lesson.body:
        out.append(f"no exam-traps box (a blockquote starting `{TRAPS_MARKERS[lesson.meta.lang]}`)")
    if not _DIAGRAM.search(lesson.body):
        out.append("no diagram (a ```diagram fenced block)")
    if lesson.meta.lang == "ko":
        for wrong, right, at in ko_term_hits(lesson.body):
            line = lesson.body_line + lesson.body[:at].count("\n") + 1
            located.append(Problem(lesson.path, line, f"uses {wrong!r}; AWS's Korean docs write {right!r}"))
    minimum = MIN_LESSON_WORDS[lesson.meta.lang]
    count = prose_words(lesson.body)
    if count < minimum:
        out.append(f"{count} words of prose; a lesson needs at least {minimum}")
    problems = located + [Problem(lesson.path, 1, msg) for msg in out]
    offset = lesson.body_line
    for line, text in prose_blocks(lesson.body):
        if text.startswith("|") and re.fullmatch(r"[|\s:-]+", text):
            continue  # a table's separator row
        figure = _FIGURE.search(_DATE.sub(" ", text))
        if figure and not _DOC_LINK.search(text):
            problems.append(Problem(lesson.path, line + offset,
                                    f"states {figure.group(0)!r} without a documentation link beside it"))
    return problems


def section_questions(section, questions) -> list:
    """The questions a lesson section links to: its tasks, narrowed by its services if any."""
    return [q for q in questions
            if q.task in section.tasks and (not section.services or services_overlap(section.services, q.services))]


def check_section_links(lesson: Lesson, catalog: Catalog) -> list[Problem]:
    out = []
    questions = list(catalog.questions.values())
    for section in lesson.meta.sections:
        line = _section_line(lesson, section.id)
        bad = [t for t in section.tasks if t not in TASKS]
        if bad:
            out.append(Problem(lesson.path, line, f"section {section.id!r}: unknown task {bad[0]!r} (tasks: {', '.join(TASKS)})"))
        elif section.tasks and not section_questions(section, questions):
            out.append(Problem(lesson.path, line, f"section {section.id!r} links to no question (no question of task "
                                                  f"{'/'.join(section.tasks)} about {', '.join(section.services) or 'any service'})"))
    return out


def _module_functions(module: Path) -> set[str] | None:
    try:
        tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
    except (OSError, SyntaxError):
        return None
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def _section_exists(catalog: Catalog, link: str) -> bool:
    day, _, section = link.partition("#")
    lessons = [l for (d, _), l in catalog.lessons.items() if d == day]
    if not lessons:
        return False
    return not section or all(section in {s.id for s in l.meta.sections} for l in lessons)


def check_labs(catalog: Catalog) -> list[Problem]:
    problems: list[Problem] = []
    for lab_id, lab in catalog.labs.items():
        folder = catalog.lab_dirs[lab_id]
        path = str(folder / "lab.yaml")
        lines = catalog.lab_lines.get(lab_id, {})
        functions = _module_functions(folder / lab.module)
        if functions is None:
            problems.append(Problem(path, 1, f"lab module {lab.module} is missing or does not parse"))
            functions = set()
        if functions and lab.cleanup not in functions:
            problems.append(Problem(path, 1, f"cleanup function {lab.cleanup!r} not found in {lab.module}"))
        if functions and lab.graded and "grade" not in functions:
            problems.append(Problem(path, 1, f"a graded lab needs a grade(ctx, step_id) function in {lab.module}"))
        seen: set[str] = set()
        for step in lab.steps:
            at = lines.get(step.id, 1)
            if step.id in seen:
                problems.append(Problem(path, at, f"step {step.id!r} appears twice"))
            seen.add(step.id)
            if not step.checks:
                problems.append(Problem(path, at, f"step {step.id!r} has no check"))
            if functions and step.solution not in functions:
                problems.append(Problem(path, at, f"step {step.id!r}: solution {step.solution!r} not found in {lab.module}"))
            check_ids = [c.id for c in step.checks]
            if len(set(check_ids)) != len(check_ids):
                problems.append(Problem(path, at, f"step {step.id!r}: two checks share an id"))
            for chk in step.checks:
                if chk.fn is None and not lab.graded:
                    problems.append(Problem(path, lines.get(f"{step.id}/{chk.id}", at),
                                            f"step {step.id!r}: check {chk.id!r} names no function (fn)"))
                elif chk.fn is not None and functions and chk.fn not in functions:
                    problems.append(Problem(path, lines.get(f"{step.id}/{chk.id}", at),
                                            f"step {step.id!r}: check function {chk.fn!r} not found in {lab.module}"))
            if step.cleanup and functions and step.cleanup not in functions:
                problems.append(Problem(path, at, f"step {step.id!r}: cleanup {step.cleanup!r} not found in {lab.module}"))
            if not step.lesson:
                problems.append(Problem(path, at, f"step {step.id!r}: no lesson link (lesson: \"DAY#section\")"))
            elif catalog.lessons and not _section_exists(catalog, step.lesson):
                problems.append(Problem(path, at, f"step {step.id!r}: broken lesson link {step.lesson!r}"))
        for (day, lang), lesson in sorted(catalog.lessons.items()):
            if day == lab.day and lab_id not in lesson.meta.labs:
                problems.append(Problem(lesson.path, 1, f"front matter does not list lab {lab_id!r} of day {day} under labs"))
    return problems


def check_catalog(catalog: Catalog, known_labs: set[str] | None = None,
                  cues: bool | None = None) -> list[Problem]:
    """Every problem in the catalog: what the loader found plus the authoring rules.

    ``cues`` adds the answer-cue rules of :mod:`tutor.content.cues` (default: ``ENFORCE_CUES``).
    """
    lab_ids = set(catalog.labs) | (known_labs or set())
    problems = list(catalog.problems)
    for qid, q in catalog.questions.items():
        problems.extend(check_question(q, catalog.question_paths[qid]))
        if ENFORCE_CUES if cues is None else cues:
            problems.extend(check_question_cues(q, catalog.question_paths[qid]))
        path, line = catalog.question_paths[qid]
        if q.lab and q.lab not in lab_ids:
            problems.append(Problem(path, line, f"{qid}: links to unknown lab {q.lab!r}"))
        if q.lesson and catalog.lessons and not _section_exists(catalog, q.lesson):
            problems.append(Problem(path, line, f"{qid}: broken lesson link {q.lesson!r}"))
    for lesson in catalog.lessons.values():
        problems.extend(check_lesson(lesson, lab_ids))
        if catalog.questions:
            problems.extend(check_section_links(lesson, catalog))
    days = {d for d, _ in catalog.lessons}
    for day in sorted(days):
        en, ko = catalog.lessons.get((day, "en")), catalog.lessons.get((day, "ko"))
        if en and ko:
            a, b = [s.id for s in en.meta.sections], [s.id for s in ko.meta.sections]
            if a != b:
                problems.append(Problem(ko.path, 1, f"section ids differ from {en.path}: {a} vs {b}"))
        else:
            have = en or ko
            assert have is not None
            missing = "ko" if en else "en"
            problems.append(Problem(have.path, 1, f"no {missing} version of this lesson"))
    problems.extend(check_labs(catalog))
    texts: dict[str, str] = {}
    for qid, q in catalog.questions.items():
        key = " ".join(q.stem.en.lower().split())
        if key in texts:
            path, line = catalog.question_paths[qid]
            problems.append(Problem(path, line, f"{qid}: same English stem as {texts[key]}"))
        texts[key] = qid
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.message))
