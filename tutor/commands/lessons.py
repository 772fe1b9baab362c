"""`tutor lesson list|show`: the lessons without a screen (reading one records it)."""

from __future__ import annotations

import argparse

from tutor.commands import Output
from tutor.content.loader import load_catalog
from tutor.content.models import DAYS
from tutor.content.pages import lesson_pages
from tutor.errors import ExitCode, NotFound, UsageError
from tutor.store import Store


def list_lessons(args: argparse.Namespace, out: Output) -> int:
    catalog = load_catalog()
    data = []
    for day in DAYS:
        lesson = catalog.lesson(day, out.lang)
        if lesson is not None:
            data.append({"day": day, "lang": lesson.meta.lang, "title": lesson.meta.title,
                         "sections": [{"id": s.id, "heading": s.heading, "tasks": s.tasks} for s in lesson.meta.sections],
                         "labs": lesson.meta.labs})
    out.emit(data, lambda: "\n".join(f"{d['day']:<6} {d['title']}  ({len(d['sections'])} sections)" for d in data))
    return ExitCode.OK


def show(args: argparse.Namespace, out: Output) -> int:
    if args.day not in DAYS:
        raise UsageError(f"DAY must be one of {', '.join(DAYS)}, not {args.day!r}")
    catalog = load_catalog()
    lesson = catalog.lesson(args.day, out.lang)
    if lesson is None:
        raise NotFound(f"no lesson for day {args.day} yet")
    body = lesson.body
    if args.section:
        section = next((s for s in lesson.meta.sections if s.id == args.section), None)
        if section is None:
            raise NotFound(f"day {args.day} has no section {args.section!r} "
                           f"(sections: {', '.join(s.id for s in lesson.meta.sections)})")
        pages = lesson_pages(lesson)
        body = pages.pages[pages.index_of(section.id)].markdown
    store = Store(args.db)
    try:
        store.record_lesson_read(args.day, lesson.meta.lang, args.section)
    finally:
        store.close()
    out.emit({"day": args.day, "lang": lesson.meta.lang, "section": args.section, "markdown": body}, body)
    return ExitCode.OK
