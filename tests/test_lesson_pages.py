"""Lessons are read a section a page (tutor.content.pages): no text lost, fences respected."""

from __future__ import annotations

from tutor.content.models import Lesson, LessonMeta, LessonSection
from tutor.content.pages import lesson_pages


def test_every_lesson_is_its_sections_and_loses_no_line(catalog):
    for lesson in catalog.lessons.values():
        cut = lesson_pages(lesson)
        assert [p.section for p in cut.pages if p.section] == [s.id for s in lesson.meta.sections], lesson.path
        assert cut.top.startswith(f"# {lesson.meta.title}")
        body = [line for line in lesson.body.splitlines() if line.strip()]
        shown = [line for i in range(len(cut.pages)) for line in cut.text(i).splitlines() if line.strip()]
        assert [line for line in shown if line in body] == body, lesson.path  # all of it, in order


def test_a_heading_in_a_fenced_block_does_not_start_a_page():
    body = "Intro.\n\n## One\n\ntext\n\n```\n## not a heading\n```\n\n## Two\n\nmore\n"
    lesson = Lesson(meta=LessonMeta(day="1", lang="en", title="T", summary="S.",
                                    sections=[LessonSection(id="two", heading="Two")]),
                    body=body, path="content/day1/en.md")
    cut = lesson_pages(lesson)
    assert [(p.heading, p.section) for p in cut.pages] == [("One", None), ("Two", "two")]
    assert "## not a heading" in cut.pages[0].markdown
    assert cut.text(0).startswith("# T\n\nS.\n\nIntro.\n\n## One") and cut.text(1) == "## Two\n\nmore"
    assert cut.index_of("two") == 1 and cut.index_of("gone") == 0 and cut.index_of(None) == 0
    assert cut.index_of("gone", default=1) == 1 and cut.index_of(None, default=9) == 1  # within the pages
    assert cut.lang == "en"


def test_links_come_from_every_page_and_the_introduction():
    from tutor.tui.lesson import lesson_links

    body = ("See [intro](https://docs.aws.amazon.com/a).\n\n## One\n\n[x](https://docs.aws.amazon.com/b)\n\n"
            "## Two\n\n[again](https://docs.aws.amazon.com/b) [y](https://docs.aws.amazon.com/c)\n")
    lesson = Lesson(meta=LessonMeta(day="1", lang="en", title="T"), body=body, path="x.md")
    assert lesson_links(lesson_pages(lesson)) == [("One", "intro", "https://docs.aws.amazon.com/a"),
                                                  ("One", "x", "https://docs.aws.amazon.com/b"),
                                                  ("Two", "y", "https://docs.aws.amazon.com/c")]


def test_a_lesson_without_sections_is_one_page():
    lesson = Lesson(meta=LessonMeta(day="1", lang="en", title="T"), body="Just text.", path="x.md")
    cut = lesson_pages(lesson)
    assert len(cut.pages) == 1 and cut.text(0) == "# T\n\nJust text."
