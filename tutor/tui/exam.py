"""Exam simulation: free navigation, flags, an overview, a clock that survives restarts.

No feedback until the end. The state is saved after every change (on the main thread, which
owns the store), so a killed app resumes the exam with the time that was left; when the clock
runs out the exam is submitted with what was answered.
"""

from __future__ import annotations

import time
import uuid

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Label, Markdown, Static

from tutor.quiz import exam
from tutor.quiz.engine import Attempt, display_order, report
from tutor.tui.choices import ChoiceList
from tutor.tui.i18n import md_text, tr

LETTERS = "ABCDEF"


def start_exam(app, count: int | None = None, seed: int | None = None, minutes: int | None = None,
               esl: bool = False) -> exam.ExamState:
    questions = exam.draw_exam(list(app.catalog.questions.values()), count or exam.DEFAULT_COUNT, seed)
    state = exam.ExamState(id=uuid.uuid4().hex, question_ids=[q.id for q in questions],
                           minutes=exam.minutes_for(len(questions), minutes, esl),
                           started_at=exam.utcnow(), seed=seed, esl=esl)
    app.store.save_exam(state)
    return state


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 64; height: auto; border: thick $warning; background: $surface; padding: 1 2; }
    ConfirmScreen Label { width: 100%; }
    ConfirmScreen Horizontal { height: auto; margin-top: 1; }
    ConfirmScreen Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape,n", "answer(False)", "No"), Binding("y", "answer(True)", "Yes")]

    def __init__(self, message: str):
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with Vertical():
            yield Label(self.message)
            with Horizontal():
                yield Button(tr("yes", lang) + " (y)", id="yes", variant="warning")
                yield Button(tr("no", lang) + " (n)", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class OverviewScreen(ModalScreen[int]):
    """Every question as a numbered button: answered, unanswered or flagged."""

    DEFAULT_CSS = """
    OverviewScreen { align: center middle; }
    OverviewScreen > Vertical { width: 90; height: auto; max-height: 90%; border: thick $accent; background: $surface; padding: 1 2; }
    OverviewScreen Grid { grid-size: 10; grid-gutter: 0 1; height: auto; }
    OverviewScreen Button { min-width: 8; width: 8; }
    OverviewScreen Button.answered { background: $success-darken-1; }
    OverviewScreen Button.flagged { background: $warning-darken-1; }
    """
    BINDINGS = [Binding("escape,o", "dismiss_none", "Close")]

    def __init__(self, state: exam.ExamState):
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        lang, st = self.app.lang, self.state
        with Vertical():
            yield Label(tr("overview", lang, answered=len(st.question_ids) - len(st.unanswered()),
                           total=len(st.question_ids), flagged=len(st.flagged)))
            with Grid():
                for i, qid in enumerate(st.question_ids):
                    classes = "flagged" if qid in st.flagged else ("answered" if st.answers.get(qid) else "")
                    label = f"{i + 1}{'✓' if st.answers.get(qid) else ''}{'⚑' if qid in st.flagged else ''}"
                    yield Button(label, id=f"q{i}", classes=classes)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(int(event.button.id[1:]))

    def action_dismiss_none(self) -> None:
        self.dismiss(-1)


class ExamScreen(Screen):
    CSS_PATH = "exam.tcss"
    BINDINGS = [
        Binding("escape", "leave", "Pause"),
        Binding("left,p", "move(-1)", "Prev"),
        Binding("right,n", "move(1)", "Next"),
        Binding("f", "flag", "Flag"),
        Binding("o", "overview", "Overview"),
        Binding("S", "submit", "Submit", key_display="S"),
    ]

    def __init__(self, state: exam.ExamState):
        super().__init__()
        self.state = state
        self.shown_at = time.monotonic()
        self.finished = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="exam"):
            yield Static(id="bar")
            yield Markdown(id="stem")
            yield Static(id="hint", classes="muted")
            yield ChoiceList(id="choices")
        yield Footer()

    @property
    def question(self):
        return self.app.catalog.questions[self.state.question_ids[self.state.current]]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """None dims the key: previous on the first question, next on the last, all once submitted."""
        if self.finished and action != "leave":
            return None
        if action == "move" and parameters:
            target = self.state.current + int(parameters[0])
            return True if 0 <= target < len(self.state.question_ids) else None
        return True

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _: self.render_question(), init=False)
        if self.state.expired():
            self.call_after_refresh(self.submit)
            return
        self.render_question()
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        if self.finished:
            return
        if self.state.expired():
            self.notify(tr("time_up", self.app.lang), severity="warning")
            self.submit()
            return
        self.update_bar()

    def update_bar(self) -> None:
        st, lang = self.state, self.app.lang
        left = int(st.remaining())
        clock = f"{left // 3600:d}:{left % 3600 // 60:02d}:{left % 60:02d}"
        flag = " ⚑" if self.state.question_ids[st.current] in st.flagged else ""
        self.query_one("#bar", Static).update(tr(
            "exam.bar", lang, n=st.current + 1, total=len(st.question_ids),
            answered=len(st.question_ids) - len(st.unanswered()), flagged=len(st.flagged), clock=clock) + flag)

    def render_question(self) -> None:
        lang, q = self.app.lang, self.question
        chosen = set(self.state.answers.get(q.id, []))
        self.query_one("#stem", Markdown).update(md_text(q.stem.get(lang)))
        self.query_one("#hint", Static).update(
            tr("choose_n", lang, n=q.choose) if q.type == "multi" else tr("choose_one", lang))
        options = self.query_one(ChoiceList)
        options.show([(c.key, f"{LETTERS[i]}. {c.text.get(lang)}") for i, c in enumerate(display_order(q, self.state.seed))],
                     chosen, multiple=q.type == "multi")
        options.focus()
        self.update_bar()
        self.refresh_bindings()

    def on_choice_list_changed(self, event: ChoiceList.Changed) -> None:
        # Any change of the selection (keys, mouse, radio behaviour) is saved at once.
        q = self.question
        chosen = sorted(event.choice_list.selected)
        if chosen == sorted(self.state.answers.get(q.id, [])):
            return
        if chosen:
            self.state.answers[q.id] = chosen
        else:
            self.state.answers.pop(q.id, None)
        self.app.store.save_exam(self.state)
        self.update_bar()

    def _leave_question(self) -> None:
        qid = self.state.question_ids[self.state.current]
        now = time.monotonic()
        self.state.seconds[qid] = round(self.state.seconds.get(qid, 0.0) + now - self.shown_at, 1)
        self.shown_at = now

    def go(self, index: int) -> None:
        if 0 <= index < len(self.state.question_ids) and index != self.state.current:
            self._leave_question()
            self.state.current = index
            self.app.store.save_exam(self.state)
            self.render_question()

    def action_move(self, step: int) -> None:
        self.go(self.state.current + step)

    def action_flag(self) -> None:
        qid = self.state.question_ids[self.state.current]
        self.state.flagged ^= {qid}
        self.app.store.save_exam(self.state)
        self.update_bar()

    def action_overview(self) -> None:
        def chosen(index: int | None) -> None:
            if index is not None and index >= 0:
                self.go(index)

        self.app.push_screen(OverviewScreen(self.state), chosen)

    def action_submit(self) -> None:
        missing = len(self.state.unanswered())
        if not missing:
            self.submit()
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.submit()

        self.app.push_screen(ConfirmScreen(tr("unanswered_warning", self.app.lang, n=missing)), confirmed)

    def action_leave(self) -> None:
        self._leave_question()
        self.app.store.save_exam(self.state)
        self.notify(tr("exam_paused", self.app.lang))
        self.app.pop_screen()

    def submit(self) -> None:
        if self.finished:
            return
        self.finished = True
        self._leave_question()
        store, catalog, st = self.app.store, self.app.catalog, self.state
        attempts = [Attempt(catalog.questions[qid], st.answers.get(qid, []), st.seconds.get(qid), qid in st.flagged)
                    for qid in st.question_ids if qid in catalog.questions]
        result = report(attempts, "exam", st.minutes)
        result["exam_id"] = st.id
        # Wall-clock time used, pauses and the overview included (the clock never stops).
        result["elapsed_minutes"] = round(min(st.minutes, (exam.utcnow() - st.started_at).total_seconds() / 60), 1)
        for a in attempts:
            store.record_answer(question_id=a.question.id, chosen=a.chosen, correct=a.correct, seconds=a.seconds,
                                mode="exam", session_id=st.id, task=a.question.task, domain=a.question.domain)
            if a.flagged:
                store.flag(a.question.id)
        store.save_exam(st)
        store.finish_exam(st.id, result)
        from tutor.tui.results import ExamResultScreen

        self.app.switch_screen(ExamResultScreen(result))
