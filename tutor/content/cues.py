"""Answer cues: how far a test-wise student gets by looking at the options alone.

A question bank that a student can solve without knowing AWS overstates what the student
knows (issue 10). This module measures the cues the issue names, per language:

- ``longest_single_percent``: single-answer questions whose right option is the longest;
- ``longest_multi_percent``: multi-answer questions whose ``choose`` longest options are exactly
  the right set;
- ``stem_overlap_single_percent``: single-answer questions whose option sharing the most content
  words with the stem is the right one;
- ``length_ratio``: mean right-option length ÷ mean wrong-option length, in characters.

A tie never favours the bank: when several options share the top score the credit is split
evenly, as if the student picked among them at random (a tie is never broken by length).

**Content words.** English: lowercase words (``[a-z0-9]+``) of 3 or more characters, minus
:data:`EN_STOPWORDS` (function words, the exam's lead-in vocabulary such as "solution" and
"requirements", and the brand prefixes "Amazon" and "AWS"). Korean: whitespace-separated tokens
without punctuation, Latin words lowercased, then the longest trailing particle or ending of
:data:`KO_SUFFIXES` stripped, up to twice, only while 2 or more characters remain (버킷에서 →
버킷, 활성화하고 → 활성화, 사용자들이 → 사용자, but 증가 stays); tokens of 2 or more characters
not in :data:`KO_STOPWORDS` (nor the English list) count.

The same module flags one question (``question_cues``, used by ``tutor content check``); the
solvers that look only at the options are in :mod:`tutor.content.solvers`. It never imports
Textual. ``python -m tutor.content.cues`` prints the bank's measures, solvers and flagged questions.
"""

from __future__ import annotations

import functools
import re
from math import comb
from typing import Iterable, Sequence

from tutor.content.models import Question

#: Off until the issue-10 rewrite of the bank lands: then `content check` enforces the per-question
#: cue rules and the bank-threshold tests run. Turn it on once the whole bank passes.
ENFORCE_CUES = True

#: A right option longer than this many times the longest wrong one is a length tell.
LENGTH_FACTOR = 1.25
#: A right option sharing at least this many more stem content words than every wrong one is a tell.
OVERLAP_MARGIN = 2

#: The issue's bank thresholds (percent, percent, percent, ratio range).
THRESHOLDS = {"longest_single_percent": 30.0, "longest_multi_percent": 15.0,
              "stem_overlap_single_percent": 35.0, "length_ratio": (0.9, 1.1)}

EN_STOPWORDS = frozenset("""
a an the and or but nor not no yes of to in on at by for from with without into onto over under
about above below after before between through during until than then also only just such as
is are was were be been being has have had having do does did done can could should would will
shall may might must it its this that these those there their them they which what who whom
whose when where why how all any each every both either neither some more most less least other
another same own very too so if because while use uses used using make makes made new one two
three company solution solutions architect requirements requirement meet meets meeting need needs
needed want wants amazon aws
""".split())

KO_STOPWORDS = frozenset("""
있습니다 있는 있 없는 없 수 및 또는 그리고 하지만 모든 각 등 그 이 저 것 때 중 더 가장 위해 위한 대한 통해
이러한 요구 사항 솔루션 무엇 무엇입니까 어떤 어느 회사 회사는 솔루션스 아키텍트 충족 해야 합니까 입니다
합니다 않습니다 하며 선택하십시오 단계 조합
""".split())

#: Korean particles and verb endings stripped from a token's end (longest match first).
KO_SUFFIXES = tuple(sorted("""
합니다 됩니다 입니다 습니다 니다 하고 하여 해서 하는 하면 하지 하며 하도록 하기 한다 했다 되는 되어 되고 되면 되도록
에서는 에서도 에서 에게 으로는 으로 로는 까지 부터 보다 처럼 마다 만큼 이나 이며 이고 이면
된 한 할 해 로 만 은 는 이 가 을 를 에 의 와 과 도 고 며 면 들
""".split(), key=len, reverse=True))

_EN_WORD = re.compile(r"[a-z0-9]+")
_KO_TOKEN = re.compile(r"[0-9A-Za-z가-힣._-]+")


#: The suffixes by length, longest first: a token's ending of each length is looked up once
#: instead of trying every suffix (the option-only solvers strip some 200 000 tokens).
_SUFFIXES_BY_LENGTH = tuple((n, frozenset(s for s in KO_SUFFIXES if len(s) == n))
                            for n in sorted({len(s) for s in KO_SUFFIXES}, reverse=True))


def _longest_suffix(token: str) -> str | None:
    return next((token[-n:] for n, group in _SUFFIXES_BY_LENGTH if token[-n:] in group), None)


@functools.lru_cache(maxsize=None)
def _strip_ko(token: str) -> str:
    # Only the longest matching suffix is tried: 있습니다 keeps its form rather than become 있습.
    for _ in range(2):
        suffix = _longest_suffix(token)
        if suffix is None or len(token) - len(suffix) < 2:
            break
        token = token[: -len(suffix)]
    return token


def content_words(text: str, lang: str) -> set[str]:
    """The words of ``text`` that carry meaning (the rule is in the module docstring)."""
    if lang == "en":
        return {w for w in _EN_WORD.findall(text.lower()) if len(w) >= 3 and w not in EN_STOPWORDS}
    out = set()
    for raw in _KO_TOKEN.findall(text):
        token = raw.strip("._-").lower()
        token = _strip_ko(token) if re.search(r"[가-힣]", token) else token
        if len(token) >= 2 and token not in KO_STOPWORDS and token not in EN_STOPWORDS:
            out.add(token)
    return out


def option_length(text: str) -> int:
    return len(" ".join(text.split()))


def pick_credit(scores: Sequence[float], right: Iterable[int], k: int) -> float:
    """Expected share of exact sets when picking the ``k`` highest scores, ties drawn at random.

    Options scoring above the k-th score are picked for sure; of the ``t`` options tied at it,
    ``k - m`` are drawn. The pick is the right set only if the sure ones are all right and the
    right ones among the tied are drawn: one chance in C(t, k - m).
    """
    right = set(right)
    cut = sorted(scores, reverse=True)[k - 1]
    above = {i for i, s in enumerate(scores) if s > cut}
    tied = {i for i, s in enumerate(scores) if s == cut}
    if not above <= right or not right <= above | tied:
        return 0.0
    return 1 / comb(len(tied), k - len(above))


def right_indexes(q: Question) -> list[int]:
    return [i for i, c in enumerate(q.choices) if c.key in q.answer]


def lengths(q: Question, lang: str) -> list[int]:
    return [option_length(c.text.get(lang)) for c in q.choices]


def overlaps(q: Question, lang: str) -> list[int]:
    stem = content_words(q.stem.get(lang), lang)
    return [len(stem & content_words(c.text.get(lang), lang)) for c in q.choices]


def _percent(credits: list[float]) -> float:
    return round(100 * sum(credits) / len(credits), 1) if credits else 0.0


def longest_single_percent(questions: Iterable[Question], lang: str) -> float:
    return _percent([pick_credit(lengths(q, lang), right_indexes(q), 1) for q in questions if q.type == "single"])


def longest_multi_percent(questions: Iterable[Question], lang: str) -> float:
    return _percent([pick_credit(lengths(q, lang), right_indexes(q), len(q.answer))
                     for q in questions if q.type == "multi"])


def stem_overlap_single_percent(questions: Iterable[Question], lang: str) -> float:
    return _percent([pick_credit(overlaps(q, lang), right_indexes(q), 1) for q in questions if q.type == "single"])


def length_ratio(questions: Iterable[Question], lang: str) -> float:
    right: list[int] = []
    wrong: list[int] = []
    for q in questions:
        for c, n in zip(q.choices, lengths(q, lang)):
            (right if c.key in q.answer else wrong).append(n)
    if not right or not wrong:
        return 0.0
    return round((sum(right) / len(right)) / (sum(wrong) / len(wrong)), 3)


def cue_stats(questions: Iterable[Question], lang: str) -> dict[str, float]:
    """The four measures of `tutor content stats --json` (key ``cues``) for one language."""
    qs = list(questions)
    return {
        "longest_single_percent": longest_single_percent(qs, lang),
        "longest_multi_percent": longest_multi_percent(qs, lang),
        "stem_overlap_single_percent": stem_overlap_single_percent(qs, lang),
        "length_ratio": length_ratio(qs, lang),
    }


def over_thresholds(stats: dict[str, float]) -> list[str]:
    """The measures of one language that break the issue's thresholds, as readable lines."""
    out = [f"{key} {stats[key]} > {limit}" for key, limit in THRESHOLDS.items()
           if not isinstance(limit, tuple) and stats[key] > limit]
    low, high = THRESHOLDS["length_ratio"]
    if not low <= stats["length_ratio"] <= high:
        out.append(f"length_ratio {stats['length_ratio']} outside {low}–{high}")
    return out


def question_cues(q: Question) -> list[str]:
    """What gives this question's answer away, per language, each with what to change."""
    out = []
    right = right_indexes(q)
    wrong = [i for i in range(len(q.choices)) if i not in right]
    keys = ",".join(q.choices[i].key for i in right)
    for lang in ("en", "ko"):
        size = lengths(q, lang)
        shortest_right, longest_wrong = min(size[i] for i in right), max(size[i] for i in wrong)
        if shortest_right > LENGTH_FACTOR * longest_wrong:
            out.append(f"{q.id}: right option {keys} is {shortest_right} characters ({lang}), more than "
                       f"{LENGTH_FACTOR} × the longest wrong one ({longest_wrong}): make the wrong options as "
                       "long and specific, or move the right one's justification into its explanation")
        shared = overlaps(q, lang)
        least_right, most_wrong = min(shared[i] for i in right), max(shared[i] for i in wrong)
        if least_right >= most_wrong + OVERLAP_MARGIN:
            stem = content_words(q.stem.get(lang), lang)
            echoed = sorted(set.intersection(*[stem & content_words(q.choices[i].text.get(lang), lang)
                                               for i in right]))
            out.append(f"{q.id}: right option {keys} alone repeats the stem's words ({lang}: "
                       f"{', '.join(echoed[:6])}; {least_right} shared against at most {most_wrong} in a wrong "
                       "option): spread the stem's key terms over the wrong options too, or reword")
    return out


def main(argv: list[str] | None = None) -> None:
    """The bank's measures and every question the cue check would flag, by file (`--solvers`: solvers too)."""
    import sys  # noqa: PLC0415
    from collections import defaultdict  # noqa: PLC0415

    from tutor.content.loader import load_catalog  # noqa: PLC0415

    args = sys.argv[1:] if argv is None else argv
    catalog = load_catalog()
    questions = list(catalog.questions.values())
    for lang in ("en", "ko"):
        stats = cue_stats(questions, lang)
        print(lang, stats, "; ".join(over_thresholds(stats)) or "within the thresholds")
    by_file: dict[str, list[str]] = defaultdict(list)
    for qid, q in catalog.questions.items():
        path, line = catalog.question_paths[qid]
        by_file[path] += [f"{path}:{line}: {msg}" for msg in question_cues(q)]
    flagged_files = sorted(path for path, lines in by_file.items() if lines)
    print(f"\n{len(flagged_files)} file(s) with flagged questions" if flagged_files else "\nno question flagged")
    for path in flagged_files:
        flagged = {m.split(": ")[1] for m in by_file[path]}
        print(f"\n{path}: {len(flagged)} question(s) flagged: {', '.join(sorted(flagged))}")
        if "--verbose" in args:
            print("\n".join(by_file[path]))
    if "--solvers" in args:
        from tutor.content import solvers  # noqa: PLC0415

        print()
        solvers.main()


if __name__ == "__main__":
    main()
