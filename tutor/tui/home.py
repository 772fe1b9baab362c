"""Home: the five days (and the extra topics) with lesson, quiz and lab status.

Must not import boto3 or moto (a test proves it): nothing here talks to AWS.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from tutor.content.models import DAYS
from tutor.labs.progress import lab_progress, summary_cell
from tutor.tui.i18n import topic, tr


class HomeScreen(Screen):
    CSS_PATH = "home.tcss"
    BINDINGS = [
        Binding("enter,r", "lesson", "Lesson"),
        Binding("z", "quiz", "Quiz"),
        Binding("w", "weakest", "Weakest first", show=False),
        Binding("t", "pick", "Practice by…"),
        Binding("b", "lab", "Lab"),
        Binding("e", "exam", "Exam"),
        Binding("m", "mistakes", "Mistakes"),
        Binding("d", "due", "Due today", show=False),
        Binding("p", "progress", "Progress"),
        Binding("g", "dashboard", "Dashboard", show=False),
        Binding("v", "timeline", "Timeline", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield DataTable(id="days", cursor_type="row", zebra_stripes=True)
            yield Static(id="accuracy")
            yield Static(id="queues")
            yield Static(id="sandbox")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _: self.refresh_view(), init=False)
        self.watch(self.app, "sandbox_state", lambda _: self.show_sandbox(), init=False)
        self.refresh_view()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self.refresh_view()

    @property
    def lang(self) -> str:
        return self.app.lang

    def selected_day(self) -> str:
        table = self.query_one(DataTable)
        return DAYS[table.cursor_row] if 0 <= table.cursor_row < len(DAYS) else "1"

    def refresh_view(self) -> None:
        app, lang = self.app, self.lang
        catalog, store = app.catalog, app.store
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        for key, width in (("day", 6), ("topic", 24), ("lesson", 8), ("quiz", 16), ("lab", 56)):
            table.add_column(tr(key, lang), width=width)
        reads = store.lessons_read()
        answers = store.accuracy_by_day(catalog)
        for day in DAYS:
            lesson = catalog.lesson(day, lang)
            lesson_cell = (tr("read", lang) if day in reads else "·") if lesson else tr("none", lang)
            total = len(catalog.questions_for(day=day))
            done, right = answers.get(day, (0, 0))
            quiz_cell = f"{right}/{done} ({total})" if total else tr("none", lang)
            labs = sorted((lab for lab in catalog.labs.values() if lab.day == day), key=lambda l: l.id)
            lab_cell = ", ".join(summary_cell(lab_progress(store, lab), lang) for lab in labs) or tr("none", lang)
            label = day if day == "extra" else f"{day}"
            table.add_row(label, topic(day, lang), lesson_cell, quiz_cell, lab_cell, key=day)
        if 0 <= row < len(DAYS):
            table.move_cursor(row=row)
        self.show_accuracy()
        self.show_sandbox()

    def show_accuracy(self) -> None:
        lang, acc = self.lang, self.app.store.accuracy()
        if not acc["answered"]:
            text = f"{tr('accuracy', lang)}: {tr('no_answers', lang)}"
        else:
            parts = [f"{tr('domain', lang)} {d}: {v['accuracy']}% ({v['correct']}/{v['answered']})"
                     for d, v in acc["by_domain"].items()]
            text = f"{tr('accuracy', lang)}: " + "   ".join(parts)
        self.query_one("#accuracy", Static).update(text)
        store = self.app.store
        queues = [tr("due_today", lang, n=len(store.due())), tr("mistakes_n", lang, n=len(store.mistakes()))]
        active = store.active_exam()
        if active is not None:
            left = int(active.remaining())
            queues.append(tr("exam_active", lang, left=f"{left // 60}:{left % 60:02d}"))
        self.query_one("#queues", Static).update("   ".join(queues))

    def show_sandbox(self) -> None:
        app, lang = self.app, self.lang
        state = app.sandbox_state
        if state == "on" or state == "endpoint":
            text = tr("sandbox.on", lang, endpoint=app.sandbox_detail)
        elif state == "starting":
            text = tr("sandbox.starting", lang)
        elif state == "failed":
            text = tr("sandbox.failed", lang, reason=app.sandbox_detail)
        else:
            text = tr("sandbox.off", lang)
        self.query_one("#sandbox", Static).update(text)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_lesson()

    def action_lesson(self) -> None:
        from tutor.tui.lesson import LessonScreen

        day = self.selected_day()
        if self.app.catalog.lesson(day, self.lang) is None:
            self.notify(tr("no_lesson", self.lang))
            return
        self.app.push_screen(LessonScreen(day))

    def action_quiz(self) -> None:
        from tutor.tui.quiz import QuizScreen

        self.app.push_screen(QuizScreen(day=self.selected_day()))

    def action_exam(self) -> None:
        from tutor.quiz.exam import DEFAULT_COUNT, minutes_for
        from tutor.tui.exam import ConfirmScreen, ExamScreen, start_exam

        active = self.app.store.active_exam()
        if active is not None:
            self.app.push_screen(ExamScreen(active))
            return

        def begin(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(ExamScreen(start_exam(self.app)))

        self.app.push_screen(ConfirmScreen(tr("exam_start", self.lang, n=DEFAULT_COUNT,
                                              minutes=minutes_for(DEFAULT_COUNT))), begin)

    def _queue(self, mode: str) -> None:
        from tutor.tui.quiz import QuizScreen

        self.app.push_screen(QuizScreen(mode=mode, questions=self.app.queue(mode)))

    def action_pick(self) -> None:
        """Practice by day, task statement, service or weakest first."""
        from tutor.content.models import service_key
        from tutor.quiz.engine import DEFAULT_COUNT, draw
        from tutor.tui.picker import PracticePicker
        from tutor.tui.quiz import QuizScreen

        def chosen(choice: dict | None) -> None:
            if not choice:
                return
            if "weakest" in choice:
                self.action_weakest()
            elif "service" in choice:
                pool = [q for q in self.app.catalog.questions.values()
                        if any(service_key(s) == choice["service"] for s in q.services)]
                self.app.push_screen(QuizScreen(questions=draw(pool, DEFAULT_COUNT)))
            else:
                self.app.push_screen(QuizScreen(day=choice.get("day"), task=choice.get("task")))

        self.app.push_screen(PracticePicker(), chosen)

    def action_weakest(self) -> None:
        """Practice from the weakest task statements first (by readiness)."""
        from tutor.quiz.engine import DEFAULT_COUNT
        from tutor.quiz.readiness import weakest_first
        from tutor.tui.quiz import QuizScreen

        pool = list(self.app.catalog.questions.values())
        self.app.push_screen(QuizScreen(questions=weakest_first(self.app.catalog, self.app.store, pool, DEFAULT_COUNT)))

    def action_mistakes(self) -> None:
        self._queue("review")

    def action_due(self) -> None:
        self._queue("due")

    def action_progress(self) -> None:
        from tutor.tui.progress import ProgressScreen

        self.app.push_screen(ProgressScreen())

    def action_dashboard(self) -> None:
        """The CloudWatch dashboard the lab observability builds, drawn from the account."""
        from tutor.tui.dashboard import DashboardScreen

        self.app.push_screen(DashboardScreen())

    def action_timeline(self) -> None:
        """CPU, alarm states and capacity over the minutes of the last `tutor sandbox advance`."""
        from tutor import sandbox
        from tutor.tui.timeline import open_timeline

        endpoint = self.app.lab_endpoint() or f"http://127.0.0.1:{sandbox.default_port()}"
        open_timeline(self.app, endpoint)

    def action_lab(self) -> None:
        from tutor.tui.lab import LabScreen

        from tutor.tui.lab_picker import LabPicker

        day = self.selected_day()
        labs = sorted((lab for lab in self.app.catalog.labs.values() if lab.day == day), key=lambda l: l.id)
        if not labs:
            self.notify(tr("no_lab", self.lang))
            return
        if len(labs) == 1:
            self.app.push_screen(LabScreen(labs[0].id))
            return

        def chosen(lab_id: str | None) -> None:
            if lab_id:
                self.app.push_screen(LabScreen(lab_id))

        self.app.push_screen(LabPicker([lab.id for lab in labs]), chosen)
