"""A lesson cut into pages at its `## ` headings: the lesson viewer shows one page at a time and
`tutor lesson show --section` prints one.

A whole lesson (55-90 KB of Markdown, ~600 widgets in Textual's Markdown) took 1.5 s to open and
as long again to switch language; one section is a tenth of that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tutor.content.models import Lesson

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


@dataclass(frozen=True)
class LessonPage:
    """One `## ` section (``section`` its id in the front matter; None for a heading the front
    matter does not list)."""

    heading: str
    markdown: str
    section: str | None = None


@dataclass(frozen=True)
class LessonPages:
    """``top``: the title, summary and whatever comes before the first section, shown above the
    first page; ``pages``: the sections, at least one."""

    top: str
    pages: list[LessonPage]
    lang: str  # the lesson's own (the catalog falls back to the other language when one is missing)

    def text(self, index: int) -> str:
        page = self.pages[index].markdown
        return f"{self.top}\n\n{page}".strip() if index == 0 else page

    def index_of(self, section: str | None, default: int = 0) -> int:
        """The page of ``section``, else ``default`` (kept within the pages)."""
        found = next((i for i, p in enumerate(self.pages) if section and p.section == section), None)
        return found if found is not None else max(0, min(default, len(self.pages) - 1))


def lesson_pages(lesson: Lesson) -> LessonPages:
    """One page per `## ` heading outside fenced blocks, in reading order."""
    ids = {s.heading.strip(): s.id for s in lesson.meta.sections}
    head: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    fenced = False
    for line in lesson.body.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            sections.append((line[3:].strip(), []))
        (sections[-1][1] if sections else head).append(line)
    title = lesson.meta.title
    top = "\n\n".join(part for part in (f"# {title}", lesson.meta.summary.strip(), "\n".join(head).strip()) if part)
    pages = [LessonPage(heading, "\n".join(lines).strip(), ids.get(heading)) for heading, lines in sections]
    return LessonPages(top, pages or [LessonPage(title, "")], lesson.meta.lang)
