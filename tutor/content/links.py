"""Which lesson section teaches a question: the link a wrong answer and an exam review follow.

A question's explicit ``lesson: "DAY#section"`` wins. Otherwise sections are scored against the
question's tags (authors tag questions with the topic, often the section id itself), its
services (exact names first; "ELB" and "Elastic Load Balancing" are the same service) and its
task statement. The summary section is never the answer.
"""

from __future__ import annotations

from tutor.content.models import Lesson, LessonSection, Question, service_key

ALIASES = {"elb": "elastic load balancing", "alb": "application load balancer",
           "nlb": "network load balancer", "asg": "ec2 auto scaling", "auto scaling": "ec2 auto scaling",
           "kinesis data firehose": "data firehose", "firehose": "data firehose"}
STOP = {"and", "the", "for", "with", "scaling", "amazon", "aws", "high", "performance"}
SUMMARY_SECTIONS = {"checklist"}


def _service(name: str) -> str:
    key = service_key(name)
    return ALIASES.get(key, key)


def _tokens(text: str) -> set[str]:
    return {t for t in text.lower().replace("_", "-").split("-") if len(t) > 2 and t not in STOP}


def score(section: LessonSection, question: Question) -> int:
    points = 0
    section_tokens = _tokens(section.id)
    for tag in question.tags:
        if tag == section.id:
            points += 6
        elif _tokens(tag) & section_tokens:
            points += 3
    mine = {_service(s) for s in question.services}
    theirs = {_service(s) for s in section.services}
    points += 3 * len(mine & theirs)
    points += sum(1 for a in mine for b in theirs if a != b and len(b) > 2 and (a in b or b in a))
    points += question.task in section.tasks
    return points


def section_for(lesson: Lesson, question: Question) -> str | None:
    """The id of the section of ``lesson`` that teaches ``question`` (None if nothing fits)."""
    if question.lesson and "#" in question.lesson:
        return question.lesson.split("#", 1)[1]
    best, best_points = None, 0
    for section in lesson.meta.sections:
        if section.id in SUMMARY_SECTIONS:
            continue
        points = score(section, question)
        if points > best_points:
            best, best_points = section.id, points
    return best
