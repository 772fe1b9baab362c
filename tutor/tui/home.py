"""Home: the five days (and the extra topics) with lesson, quiz and lab status, and around them
what makes it the place to start each day: the next thing to do (n starts it), due reviews and
the streak, the exam countdown with its day-by-day plan (D sets the date), readiness bars with
the pass line, the mock-exam score chart and the week map.

The first frame is the day table alone (with the header and the next-action line): the panels
of figures and the key bar are mounted right after it (``add_panels``, from TutorApp.on_ready),
the week map and sandbox line filled from the numbers the table used, and the other figures come
from a thread worker, on its own store connection (SQLite WAL lets a reader run beside the app's
connection). The view is computed once per show, in ``on_screen_resume``, which also runs for the
first show. No dialog opens here on its own.
Must not import boto3 or moto (a test proves it): nothing here talks to AWS.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from tutor.content.summary import DAYS
from tutor.labs.progress import summary_cell
from tutor.quiz.dashboard import DayStatus, HomeFigures, week_status
from tutor.tui import home_widgets as figures_text
from tutor.tui.i18n import topic, tr

#: Under this width the two figure columns stack under the day table instead of side by side.
NARROW = 100


def _plain(text: str) -> Text:
    """A cell as the DataTable makes one of a string, without reading it as Rich markup (a lab id
    or a topic is never markup). With the column labels given as Text too, the first frame no
    longer loads Rich's markup parser and emoji table (5 ms)."""
    return Text(text, no_wrap=True, end="")


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
        Binding("s", "whatif_scaling", "Scaling what-if", show=False),
        Binding("n", "start_next", "Next"),
        Binding("D", "exam_date", "Exam date", show=False),
        Binding("a", "whatif_availability", "Availability what-if", show=False),
        Binding("c", "whatif_storage", "Storage cost what-if", show=False),
        Binding("o", "loadtest", "Load test", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        # Set before the children mount: set in on_mount, the class restyled the whole screen.
        self.set_class(self.app.size.width < NARROW, "narrow")
        yield Header()
        with VerticalScroll(id="home"):
            yield DataTable(id="days", cursor_type="row", zebra_stripes=True)
            yield Static(figures_text.t("loading", self.app.lang), id="next-action")

    def on_mount(self) -> None:
        self.figures: HomeFigures | None = None
        #: The panels and the key bar are mounted (add_panels); until then what they show waits here.
        self.panels_ready = False
        self._week: list[DayStatus] = []
        self._drawn: tuple | None = None  # show_figures' arguments, kept for the panels
        self.watch(self.app, "lang", lambda _: self.refresh_view(), init=False)
        self.watch(self.app, "sandbox_state", lambda _: self.show_sandbox(), init=False)
        self.query_one(DataTable).focus()

    async def add_panels(self) -> None:
        """The figure panels and the key bar, mounted right after the first frame: a dozen
        widgets (the key bar's keys are a widget each) that took 40 ms to mount and style before
        the day table could show, most of whose figures come from the worker after that frame
        anyway. They go under the table and dock at the bottom, so nothing moves when they come."""
        if self.panels_ready:
            return
        await self.query_one("#home").mount(Horizontal(
            Vertical(Static(id="today"), Static(id="queues"), Static(id="accuracy"), Static(id="sandbox"),
                     id="today-column"),
            Vertical(Static(id="readiness-bars"), Static(id="score-chart"), Static(id="week"), id="charts-column"),
            id="figures"))
        await self.mount(Footer())
        self.panels_ready = True
        self.show_week()
        self.show_sandbox()
        if self._drawn is not None:
            self.show_figures(*self._drawn)

    def on_screen_resume(self) -> None:
        self.refresh_view()  # the first show too: computing it in on_mount as well did it twice

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "narrow")

    @property
    def lang(self) -> str:
        return self.app.lang

    def selected_day(self) -> str:
        table = self.query_one(DataTable)
        return DAYS[table.cursor_row] if 0 <= table.cursor_row < len(DAYS) else "1"

    def refresh_view(self) -> None:
        """The day table and week map now (first frame); the rest from the worker."""
        lang = self.lang
        week = week_status(self.app.store, self.app.catalog_summary, lang)
        self.fill_table(week)
        self._week = week
        self.show_week()
        self.show_sandbox()
        # After this frame is drawn: the worker's imports and queries would hold the GIL the
        # drawing needs.
        self.call_after_refresh(self.load_figures, week, lang)

    def fill_table(self, week: list[DayStatus]) -> None:
        lang = self.lang
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        # The lab cell takes what the screen leaves (6+24+8+14 for the others, 2 a column of padding)
        # but two cells, at 80 columns too: a table exactly as wide as its place was drawn one way or
        # another depending on the order of its first frames (its snapshots differed under load).
        lab_width = max(12, min(58, self.app.size.width - 68))
        for key, width in (("day", 6), ("topic", 24), ("lesson", 8), ("quiz", 14), ("lab", lab_width)):
            table.add_column(Text(tr(key, lang)), width=width)
        for status in week:
            lesson_cell = (tr("read", lang) if status.lesson_read else "·") if status.has_lesson else tr("none", lang)
            quiz_cell = f"{status.right}/{status.answered} ({status.questions})" if status.questions else tr("none", lang)
            lab_cell = ", ".join(summary_cell(p, lang) for p in status.labs) or tr("none", lang)
            cells = (status.day, topic(status.day, lang), lesson_cell, quiz_cell, lab_cell)
            table.add_row(*map(_plain, cells), key=status.day)
        if 0 <= row < len(DAYS):
            table.move_cursor(row=row)

    @work(thread=True, exclusive=True, group="home", exit_on_error=False, name="home-figures")
    def load_figures(self, week: list[DayStatus], lang: str) -> None:
        """Readiness, exams, reviews, streak and the plan, on a connection of this thread."""
        from tutor import settings  # noqa: PLC0415
        from tutor.errors import UsageError  # noqa: PLC0415
        from tutor.quiz.dashboard import gather  # noqa: PLC0415
        from tutor.quiz.readiness import TARGET  # noqa: PLC0415
        from tutor.store import Store  # noqa: PLC0415

        try:
            exam_date = settings.load().exam_date
        except UsageError as exc:  # said once, as a notification: never a dialog before home
            exam_date = None
            self.app.call_from_thread(self.notify, exc.message, severity="warning", timeout=10)
        store = Store(self.app.store.path)
        try:
            figures = gather(store, self.app.catalog, week, exam_date)
            accuracy, active = store.accuracy(), store.active_exam()
        finally:
            store.close()
        left = int(active.remaining()) if active is not None else None
        self.app.call_from_thread(self.show_figures, figures, accuracy, left, lang, TARGET)

    def show_week(self) -> None:
        if self.panels_ready:
            self.query_one("#week", Static).update(figures_text.week_map(self._week, self.lang))

    def show_figures(self, figures: HomeFigures, accuracy: dict, exam_left: int | None, lang: str, target: int) -> None:
        self.figures = figures
        self.query_one("#next-action", Static).update(figures_text.next_action_line(figures, lang))
        self._drawn = (figures, accuracy, exam_left, lang, target)
        if not self.panels_ready:
            return  # add_panels draws them
        self.query_one("#today", Static).update(figures_text.today_and_plan(figures, lang))
        self.query_one("#readiness-bars", Static).update(figures_text.readiness_bars(figures.readiness, target, lang))
        self.query_one("#score-chart", Static).update(figures_text.score_chart(figures.scores, lang))
        if not accuracy["answered"]:
            text = f"{tr('accuracy', lang)}: {tr('no_answers', lang)}"
        else:
            parts = [f"{tr('domain', lang)} {d}: {v['accuracy']}% ({v['correct']}/{v['answered']})"
                     for d, v in accuracy["by_domain"].items()]
            text = f"{tr('accuracy', lang)}: " + "   ".join(parts)
        self.query_one("#accuracy", Static).update(text)
        queues = [tr("mistakes_n", lang, n=figures.mistakes)]
        if exam_left is not None:
            queues.append(tr("exam_active", lang, left=f"{exam_left // 60}:{exam_left % 60:02d}"))
        self.query_one("#queues", Static).update("   ".join(queues))

    def show_sandbox(self) -> None:
        if not self.panels_ready:
            return  # add_panels draws it
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

    def action_start_next(self) -> None:
        """Start the one thing the next-action line names (the plan's first item for today)."""
        from tutor.tui.lab import LabScreen  # noqa: PLC0415
        from tutor.tui.lesson import LessonScreen  # noqa: PLC0415
        from tutor.tui.quiz import QuizScreen  # noqa: PLC0415

        if self.figures is None:
            return  # still being computed: the line says so
        action = self.figures.next_action
        if action.kind == "due":
            self.action_due()
        elif action.kind == "lesson":
            self.app.push_screen(LessonScreen(action.ref))
        elif action.kind == "quiz":
            self.app.push_screen(QuizScreen(day=action.ref))
        elif action.kind == "lab":
            self.app.push_screen(LabScreen(action.ref))
        elif action.kind == "task":
            self.app.push_screen(QuizScreen(task=action.ref))
        else:
            self.action_exam()

    def action_exam_date(self) -> None:
        """Set the exam date (settings.toml); home then counts down and plans to it."""
        from tutor import settings  # noqa: PLC0415
        from tutor.errors import UsageError  # noqa: PLC0415
        from tutor.tui.exam_date import ExamDateScreen  # noqa: PLC0415

        try:
            current = settings.load().exam_date
        except UsageError as exc:
            self.notify(exc.message, severity="error")
            return
        self.app.push_screen(ExamDateScreen(current, self.lang))  # home refreshes when it resumes

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

    def action_loadtest(self) -> None:
        from tutor.tui.loadtest import LoadTestScreen

        self.app.push_screen(LoadTestScreen())

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

    def action_whatif_scaling(self) -> None:
        """The Auto Scaling what-if simulator: one traffic pattern, two policies side by side."""
        from tutor.tui.whatif_scaling import WhatIfScalingScreen

        self.app.push_screen(WhatIfScalingScreen())

    def action_whatif_availability(self) -> None:
        from tutor.tui.whatif_availability import AvailabilityWhatIfScreen

        self.app.push_screen(AvailabilityWhatIfScreen())

    def action_whatif_storage(self) -> None:
        from tutor.tui.whatif_storage import StorageWhatIfScreen

        self.app.push_screen(StorageWhatIfScreen())

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
