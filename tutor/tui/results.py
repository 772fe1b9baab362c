"""An exam's result: score, estimated scaled score, domains and tasks, time, then every question."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Sparkline, Static

from tutor.content.links import section_for
from tutor.quiz.engine import PASS_SCALED, display_order
from tutor.tui.i18n import md_text, tr
from tutor.tui.report import open_report, reported_ids

LETTERS = "ABCDEF"


def result_markdown(result: dict[str, Any], catalog, lang: str, seed: int | None = None,
                    reported: set[str] | frozenset[str] = frozenset()) -> str:
    verdict = tr("exam.pass", lang) if result["passed"] else tr("exam.fail", lang)
    lines = [
        f"# {verdict}",
        "",
        tr("exam.score", lang, pct=result["score_percent"], correct=result["correct"], total=result["total"],
           scaled=result["scaled_score"], line=PASS_SCALED),
        "",
        f"> {tr('exam.estimate', lang)}",
        "",
        f"| {tr('domain', lang)} / task | % | ✓ / n |",
        "|---|---|---|",
    ]
    for key, row in result["by_domain"].items():
        lines.append(f"| {tr('domain', lang)} {key} | {row['percent']} | {row['correct']} / {row['total']} |")
    for key, row in result["by_task"].items():
        lines.append(f"| {key} | {row['percent']} | {row['correct']} / {row['total']} |")
    spent = [q["seconds"] or 0 for q in result["questions"]]
    total = result.get("elapsed_minutes", round(sum(spent) / 60, 1))
    if any(spent) or total:
        lines += ["", tr("exam.time", lang, avg=round(sum(spent) / len(spent)), total=total,
                         minutes=result.get("minutes") or "-")]
    lines += ["", f"## {tr('exam.review', lang)}", ""]
    for n, row in enumerate(result["questions"], 1):
        q = catalog.questions.get(row["id"])
        if q is None:
            continue
        mark = "✓" if row["is_correct"] else "✗"
        flag = f" · {tr('reported', lang)}" if q.id in reported else ""
        lines += [f"### {n}. {mark} `{q.id}` · {q.task} · {row.get('seconds') or 0:.0f}s{flag}", "",
                  md_text(q.stem.get(lang)), ""]
        # One paragraph per option and one for the links, not Markdown lists: a list item is four
        # of Textual's widgets, and a 33-question review made 1 200 of them (3.5 s to show).
        for i, c in enumerate(display_order(q, seed)):
            right = "✓" if c.key in q.answer else "✗"
            mine = f" ← {tr('your_answer', lang)}" if c.key in row["answer"] else ""
            lines += [f"**{right} {LETTERS[i]}. {md_text(c.text.get(lang))}**{mine}  \n{md_text(c.explanation.get(lang))}", ""]
        if not row["answer"]:
            lines += [f"_{tr('unanswered', lang)}_", ""]
        lines.append(study_link(catalog, q, lang))
        lines += ["", " · ".join(f"<{r}>" for r in q.references), ""]
    return "\n".join(lines)


def study_link(catalog, question, lang: str) -> str:
    """Where the question is taught: its lesson section and the lab that practises it."""
    lesson = catalog.lesson(question.day, lang)
    if lesson is None:
        return ""
    section_id = section_for(lesson, question)
    section = next((s for s in lesson.meta.sections if s.id == section_id), None)
    labs = (section.labs if section and section.labs else []) or ([question.lab] if question.lab else [])
    text = f"{tr('lesson', lang)}: {lesson.meta.title}" + (f" › {section.heading}" if section else "")
    if labs:
        text += f" · {tr('lab', lang)}: {', '.join(labs)}"
    return f"_{text}_"


class ExamResultScreen(Screen):
    CSS_PATH = "results.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Home"),
                Binding("exclamation_mark", "report", "Report", key_display="!")]

    def __init__(self, result: dict[str, Any], seed: int | None = None):
        super().__init__()
        self.result, self.seed = result, seed

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="result"):
            yield Static(id="history", classes="muted")
            yield Sparkline([], id="trend")
            yield Markdown(id="report")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _: self.show(), init=False)
        self.show()

    def show(self) -> None:
        lang = self.app.lang
        history = [e["scaled_score"] for e in self.app.store.exams() if e["scaled_score"] is not None]
        self.query_one("#history", Static).update(tr("exam.history", lang, n=len(history),
                                                      scores=" → ".join(str(s) for s in history[-8:])))
        trend = self.query_one(Sparkline)
        trend.display = len(history) >= 2  # a trend needs two exams; one bar would fill the line
        trend.data = history or [0]
        self.query_one("#report", Markdown).update(
            result_markdown(self.result, self.app.catalog, lang, self.seed, reported_ids(self.app)))

    def action_report(self) -> None:
        """Report one of the exam's questions as wrong: the modal asks which one and why."""
        questions = [self.app.catalog.questions[row["id"]] for row in self.result["questions"]
                     if row["id"] in self.app.catalog.questions]
        open_report(self, questions, on_saved=self.show)
