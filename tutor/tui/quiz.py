"""Practice quiz: one question at a time, immediate feedback with every option explained."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Markdown, Static

from tutor.quiz.engine import DEFAULT_COUNT, Attempt, display_order, draw, report
from tutor.content.links import section_for
from tutor.tui.choices import ChoiceList
from tutor.tui.i18n import md_text, tr
from tutor.tui.report import open_report, reported_ids

LETTERS = "ABCDEF"


class QuizScreen(Screen):
    CSS_PATH = "quiz.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("s", "submit", "Submit"),
        Binding("n", "next", "Next"),
        Binding("r", "read", "Lesson"),
        Binding("f", "flag", "Flag"),
        Binding("exclamation_mark", "report", "Report", key_display="!"),
    ]

    def __init__(self, day: str | None = None, task: str | None = None, count: int | None = None,
                 seed: int | None = None, mode: str = "practice", questions: list | None = None):
        super().__init__()
        self.quiz_day, self.quiz_task, self.quiz_mode, self.seed = day, task, mode, seed
        self.count = count
        # A queue (mistakes, due today) keeps its own order; otherwise the quiz is drawn on mount,
        # when the app's catalog is at hand.
        self.questions: list = (questions[:count] if count else questions) if questions is not None else []
        self._draw = questions is None
        self.attempts: list[Attempt] = []
        self.index = 0
        self.submitted = False
        self.session_id: str | None = None
        self.shown_at = time.monotonic()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="quiz"):
            yield Static(id="progress", classes="muted")
            yield Markdown(id="stem")
            yield Static(id="hint", classes="muted")
            yield ChoiceList(id="choices")
            with Horizontal(id="buttons"):
                yield Button(id="submit", variant="primary")
                yield Button(id="next")
            yield Markdown(id="feedback")
        yield Footer()

    def on_mount(self) -> None:
        if self._draw:
            pool = self.app.catalog.questions_for(day=self.quiz_day, task=self.quiz_task)
            self.questions = draw(pool, self.count or DEFAULT_COUNT, self.seed)
        self.watch(self.app, "lang", lambda _: self.render_question(keep_selection=True), init=False)
        if not self.questions:
            empty = "queue_empty" if self.quiz_mode in ("review", "due") else "quiz.empty"
            self.query_one("#stem", Markdown).update(f"**{tr(empty, self.app.lang)}**")
            for widget in ("#choices", "#buttons"):
                self.query_one(widget).display = False
            return
        self.session_id = self.app.store.start_session(self.quiz_mode, {"day": self.quiz_day, "task": self.quiz_task, "seed": self.seed})
        self.render_question()

    @property
    def question(self):
        return self.questions[self.index]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """None dims the key in the footer: next before answering, submit after, and the
        question's keys once none is shown."""
        shown = bool(self.questions) and self.index < len(self.questions)
        if action == "next":
            return True if shown and self.submitted else None
        if action == "submit":
            return True if shown and not self.submitted else None
        if action in ("flag", "report"):
            return True if shown else None
        return True

    def render_question(self, keep_selection: bool = False) -> None:
        if not self.questions or self.index >= len(self.questions):
            return
        lang, q = self.app.lang, self.question
        choices = display_order(q, self.seed)
        selected = set(self.query_one(ChoiceList).selected) if keep_selection else set()
        # A question reported in the text shown stays marked until an author changes it.
        reported = f" · {tr('reported', lang)}" if q.id in reported_ids(self.app) else ""
        self.query_one("#progress", Static).update(
            f"{self.index + 1}/{len(self.questions)} · {q.task} · {tr('day', lang)} {q.day} · {q.difficulty} · "
            f"{', '.join(q.services)}{reported}")
        self.query_one("#stem", Markdown).update(md_text(q.stem.get(lang)))
        self.query_one("#hint", Static).update(
            tr("choose_n", lang, n=q.choose) if q.type == "multi" else tr("choose_one", lang))
        options = self.query_one(ChoiceList)
        options.show([(c.key, f"{LETTERS[i]}. {c.text.get(lang)}") for i, c in enumerate(choices)],
                     selected, multiple=q.type == "multi")
        options.disabled = self.submitted
        self.query_one("#submit", Button).label = tr("submit", lang)
        self.query_one("#next", Button).label = tr("next", lang)
        self.query_one("#submit", Button).disabled = self.submitted
        self.query_one("#next", Button).disabled = not self.submitted
        if self.submitted:
            self.show_feedback()
        else:
            self.query_one("#feedback", Markdown).update("")
            options.focus()
        self.refresh_bindings()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.action_submit()
        elif event.button.id == "next":
            self.action_next()

    def action_submit(self) -> None:
        if self.submitted or not self.questions or self.index >= len(self.questions):
            return
        lang, q = self.app.lang, self.question
        chosen = sorted(self.query_one(ChoiceList).selected)
        if not chosen:
            self.notify(tr("pick_first", lang), severity="warning")
            return
        if q.type == "multi" and len(chosen) != q.choose:
            self.notify(tr("pick_n", lang, n=q.choose), severity="warning")
            return
        attempt = Attempt(q, chosen, seconds=round(time.monotonic() - self.shown_at, 1))
        self.attempts.append(attempt)
        self.app.store.record_answer(question_id=q.id, chosen=chosen, correct=attempt.correct,
                                     seconds=attempt.seconds, mode=self.quiz_mode, session_id=self.session_id,
                                     task=q.task, domain=q.domain)
        self.submitted = True
        self.render_question(keep_selection=True)
        self.query_one("#next", Button).focus()

    def show_feedback(self) -> None:
        lang, q = self.app.lang, self.question
        attempt = self.attempts[-1]
        verdict = tr("correct", lang) if attempt.correct else tr("wrong", lang)
        lines = [f"### {'✓' if attempt.correct else '✗'} {verdict}", ""]
        for i, c in enumerate(display_order(q, self.seed)):
            mark = "✓" if c.key in q.answer else "✗"
            mine = f" ← {tr('your_answer', lang)}" if c.key in attempt.chosen else ""
            lines.append(f"- **{mark} {LETTERS[i]}.** {md_text(c.explanation.get(lang))}{mine}")
        lines += ["", f"**{tr('references', lang)}**", ""] + [f"- <{r}>" for r in q.references]
        lesson = self.app.catalog.lesson(q.day, lang)
        if not attempt.correct and lesson is not None:
            section = section_for(lesson, q)
            heading = next((s.heading for s in lesson.meta.sections if s.id == section), lesson.meta.title)
            lines += ["", tr("read_section", lang, heading=heading)]
        self.query_one("#feedback", Markdown).update("\n".join(lines))

    def action_next(self) -> None:
        if not self.submitted:
            return
        self.index += 1
        self.submitted = False
        self.shown_at = time.monotonic()
        if self.index < len(self.questions):
            self.render_question()
            self.query_one("#quiz", VerticalScroll).scroll_home(animate=False)
            return
        self.finish()

    def finish(self) -> None:
        lang = self.app.lang
        result = report(self.attempts, self.quiz_mode)
        if self.session_id:
            self.app.store.finish_session(self.session_id, result)
        self.query_one("#stem", Markdown).update(
            "## " + tr("quiz.done", lang, correct=result["correct"], total=result["total"],
                       pct=result["score_percent"], scaled=result["scaled_score"]))
        for widget in ("#progress", "#hint", "#choices", "#buttons"):
            self.query_one(widget).display = False
        self.refresh_bindings()
        lines = [f"- {'✓' if r['is_correct'] else '✗'} `{r['id']}` ({r['task']})" for r in result["questions"]]
        self.query_one("#feedback", Markdown).update("\n".join(lines))

    def action_flag(self) -> None:
        """Flag the question for the mistakes review (a right answer later clears it)."""
        if self.questions and self.index < len(self.questions):
            self.app.store.flag(self.question.id)
            self.notify(f"⚑ {self.question.id}")

    def action_report(self) -> None:
        """Report the question shown as wrong, with a short reason (kept with its content version)."""
        if self.questions and self.index < len(self.questions):
            open_report(self, [self.question], on_saved=lambda: self.render_question(keep_selection=True))

    def action_read(self) -> None:
        from tutor.tui.lesson import LessonScreen

        if not self.questions:
            return
        q = self.question if self.index < len(self.questions) else self.questions[-1]
        lesson = self.app.catalog.lesson(q.day, self.app.lang)
        if lesson is None:
            self.notify(tr("no_lesson", self.app.lang))
            return
        section = section_for(lesson, q)
        self.app.push_screen(LessonScreen(q.day, section))
