"""The Textual app: holds the services (catalog, store, sandbox) and routes between screens.

Services are passed to the constructor so tests build the app with a temporary store and a
test endpoint. The home screen imports neither boto3 nor moto: labs import them when opened.
"""

from __future__ import annotations

import gc
import threading
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tutor import sandbox
from tutor import settings as saved_settings
from tutor.errors import TutorError, UsageError
from tutor.language import saved_lang
from tutor.store import Store
from tutor.tui.i18n import localize_bindings, tr
from tutor.tui.textual_fixes import apply as apply_textual_fixes

if TYPE_CHECKING:
    from tutor.content.loader import Catalog
    from tutor.content.summary import CatalogSummary

apply_textual_fixes()


def _palette_provider():
    from tutor.tui.commands_palette import TutorCommands  # noqa: PLC0415 - only when ctrl+p opens

    return TutorCommands


#: settings.toml's theme names -> Textual's built-in themes.
THEMES = {"dark": "textual-dark", "light": "textual-light"}


class TutorApp(App):
    # home.tcss too (HomeScreen names it as well): read with the app's own, it is parsed once.
    # Read only when home is pushed, Textual parsed every style sheet again: 10 ms of the first frame.
    CSS_PATH = ["app.tcss", "home.tcss"]
    COMMANDS = App.COMMANDS | {_palette_provider}
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("l", "toggle_language", "한국어/English"),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False),
    ]

    lang: reactive[str] = reactive("ko")
    #: What the lab screen shows about the sandbox: "starting", "on", "off", "failed", "endpoint".
    sandbox_state: reactive[str] = reactive("off")
    sandbox_detail: reactive[str] = reactive("")

    def __init__(self, store: Store, catalog: Catalog | None = None, *, lang: str | None = None,
                 endpoint_url: str | None = None, start_sandbox: bool = True,
                 start: dict[str, Any] | None = None, watch_labs: bool = True, check_content: bool = True):
        super().__init__()
        #: Lab screens re-check the current step on every change in the account (off for snapshots).
        self.watch_labs = watch_labs
        #: Count authoring problems after the first frame (off for snapshots of fixture catalogs).
        self.check_content_on_start = check_content
        self.store = store
        self._catalog = catalog
        self._catalog_lock = threading.Lock()
        self._summary: CatalogSummary | None = None
        self.endpoint_url = endpoint_url
        self.start_sandbox = start_sandbox and endpoint_url is None
        self.start_request = start
        self._started_sandbox = False
        #: settings.toml could not be read (said once on the home screen; defaults meanwhile).
        self.settings_problem: str | None = None
        try:
            self.settings = saved_settings.load()
        except UsageError as exc:
            self.settings, self.settings_problem = saved_settings.Settings(), exc.message
        self.set_reactive(TutorApp.lang, lang or saved_lang(lambda: store.get_setting("lang")) or "ko")

    @property
    def catalog(self) -> Catalog:
        """The validated catalog, loaded on first use: from any thread, once. The home screen's
        first frame needs only :attr:`catalog_summary`; a worker loads this right after it."""
        if self._catalog is None:
            with self._catalog_lock:
                if self._catalog is None:
                    from tutor.content.loader import load_catalog  # noqa: PLC0415 - pydantic: ~100 ms

                    self._catalog = load_catalog()
        return self._catalog

    @property
    def catalog_summary(self) -> CatalogSummary:
        """What the day table shows of the catalog: from the compiled cache without loading the
        catalog (tutor.content.summary), else from the catalog."""
        if self._summary is None:
            from tutor.content.summary import CatalogSummary  # noqa: PLC0415

            if self._catalog is None:
                from tutor.content.cache import load_summary  # noqa: PLC0415

                self._summary = load_summary()  # type: ignore[assignment]
            if self._summary is None:
                self._summary = CatalogSummary.of(self.catalog)
        return self._summary

    def on_mount(self) -> None:
        from tutor.tui.home import HomeScreen  # noqa: PLC0415

        self.title = tr("app.title", self.lang)
        self.sub_title = tr("app.subtitle", self.lang)
        localize_bindings(self, self.lang)
        self.theme = THEMES.get(self.settings.theme, "textual-dark")
        self.push_screen(HomeScreen())
        if self.settings_problem:
            self.notify(self.settings_problem, title=tr("error", self.lang), severity="error", timeout=15)
        if self.endpoint_url:
            self.sandbox_detail, self.sandbox_state = self.endpoint_url, "endpoint"
        if self.start_request:
            self.open_requested(self.start_request)

    async def on_ready(self) -> None:
        """The first frame is on screen: now the home screen's panels and key bar, and once they
        are drawn, the background work. Started sooner, these threads took the GIL from the UI
        thread between every query of the first frame (the day table took 0.2 s instead of 3 ms),
        and the panels' frame waited 0.4 s for them."""
        if not gc.isenabled():  # paused for the first frame by `tutor` (tutor.cli._open_tui)
            gc.freeze()  # start-up's objects live as long as the app: later passes skip them
            gc.enable()
        from tutor.tui.home import HomeScreen  # noqa: PLC0415 - imported by on_mount already

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                await screen.add_panels()
        self.call_after_refresh(self.start_background_work)

    def start_background_work(self) -> None:
        self.load_catalog_after_first_frame()
        if self.check_content_on_start:
            self.check_content()
        if self.start_sandbox and not self.endpoint_url:
            self.ensure_sandbox()
        from tutor.tui import cost_meter  # noqa: PLC0415

        cost_meter.install(self)  # measures in its worker, after the first frame, never before

    def open_requested(self, req: dict[str, Any]) -> None:
        """`tutor quiz ...` without --headless opens the app on that quiz."""
        from tutor.tui.exam import ExamScreen, start_exam  # noqa: PLC0415
        from tutor.tui.quiz import QuizScreen  # noqa: PLC0415

        mode = req.get("mode") or "practice"
        if mode == "exam":
            state = self.store.active_exam() or start_exam(self, req.get("count"), req.get("seed"),
                                                            req.get("minutes"), bool(req.get("esl")))
            self.push_screen(ExamScreen(state))
        elif mode in ("review", "due"):
            self.push_screen(QuizScreen(mode=mode, count=req.get("count"), questions=self.queue(mode)))
        else:
            self.push_screen(QuizScreen(day=req.get("day"), task=req.get("task"),
                                        count=req.get("count"), seed=req.get("seed")))

    @work(thread=True, exit_on_error=False, name="load-catalog")
    def load_catalog_after_first_frame(self) -> None:
        """Every screen but home's first frame reads the catalog: have it ready before a key asks."""
        self.catalog  # noqa: B018 - loads it

    @work(thread=True, exclusive=True, group="content", exit_on_error=False, name="check-content")
    def check_content(self) -> None:
        """Authoring problems, counted off the main thread (half a second the home screen need not wait)."""
        from tutor.content.check import check_catalog  # noqa: PLC0415 - its rules cost 80 ms to import

        problems = check_catalog(self.catalog)
        if problems:
            self.call_from_thread(self.notify, tr("content_problems", self.lang, n=len(problems)),
                                  severity="warning", timeout=8)

    def queue(self, mode: str) -> list:
        """The questions of the mistakes ("review") or due-today ("due") queue, in queue order."""
        from tutor.quiz.dashboard import due_queue  # noqa: PLC0415 - with an exam date: the plan's share today

        ids = self.store.mistakes() if mode == "review" else due_queue(self.store)
        return [self.catalog.questions[i] for i in ids if i in self.catalog.questions]

    # sandbox ----------------------------------------------------------------------------
    def lab_endpoint(self) -> str | None:
        """The endpoint labs use: the explicit one, else the running sandbox, else None."""
        if self.endpoint_url:
            return self.endpoint_url
        current = sandbox.status()
        return current.endpoint if current.running else None

    def endpoint_for_lab(self) -> str:
        """The endpoint a lab runs against, starting the sandbox if none runs. Blocking: call it
        from a worker thread only."""
        explicit = self.lab_endpoint()
        if explicit:
            return explicit
        self.call_from_thread(setattr, self, "sandbox_state", "starting")
        started = sandbox.start()
        self.call_from_thread(self._sandbox_ready, started.endpoint, True)
        return started.endpoint

    @work(thread=True, exclusive=True, group="sandbox", exit_on_error=False, name="start-sandbox")
    def ensure_sandbox(self) -> None:
        current = sandbox.status()
        if current.running:
            self.call_from_thread(self._sandbox_ready, current.endpoint, False)
        else:
            self.endpoint_for_lab()

    def _sandbox_ready(self, endpoint: str, started_here: bool) -> None:
        self._started_sandbox = self._started_sandbox or started_here
        self.sandbox_detail = endpoint  # before the state: watchers of the state read the detail
        self.sandbox_state = "on"

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.report_worker(event)

    def report_worker(self, event: Worker.StateChanged) -> None:
        """One place turns every failed worker (the app's or a screen's) into a notification."""
        from tutor.tui.cost_meter import after_worker  # noqa: PLC0415

        after_worker(self, event)  # a lab run or reset changes what the cost meter counts
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        text = error.message if isinstance(error, TutorError) else f"{type(error).__name__}: {error}"
        if event.worker.group == "sandbox":
            self.sandbox_detail, self.sandbox_state = text, "failed"
        else:
            from tutor.tui.error_dialog import show_if_aws  # noqa: PLC0415

            if show_if_aws(self, event.worker):  # AWS guidance stays on screen until read
                return
        self.notify(text, title=tr("error", self.lang), severity="error", timeout=10)

    async def action_quit(self) -> None:
        """q and ctrl+q: quit, after a warning while real AWS resources the tutor made still exist."""
        from tutor.tui.cost_meter import confirm_quit  # noqa: PLC0415

        confirm_quit(self)

    # actions ----------------------------------------------------------------------------
    def action_toggle_language(self) -> None:
        self.lang = "en" if self.lang == "ko" else "ko"
        self.save_settings(lang=self.lang)

    def action_toggle_theme(self) -> None:
        self.apply_theme("light" if self.settings.theme == "dark" else "dark")

    def apply_theme(self, name: str) -> bool:
        """Switch to the "dark" or "light" theme now and remember it in settings.toml."""
        self.theme = THEMES[name]
        return self.save_settings(theme=name)

    def save_settings(self, **changes: object) -> bool:
        """Write ``changes`` to settings.toml; a file that does not read is said in one line."""
        try:
            self.settings = saved_settings.save(changes)
        except UsageError as exc:
            self.notify(exc.message, title=tr("error", self.lang), severity="error", timeout=15)
            return False
        self.settings_problem = None
        return True

    def get_system_commands(self, screen: Screen):
        # Textual's own theme picker offers themes settings.toml cannot hold: ours saves the choice.
        return (c for c in super().get_system_commands(screen) if c.title != "Theme")

    def watch_lang(self, lang: str) -> None:
        self.title = tr("app.title", lang)
        self.sub_title = tr("app.subtitle", lang)
        # The app's own keys show in the active screen's footer, which that screen's turn below
        # redraws: redrawing it for the app too rebuilt the footer twice per switch.
        localize_bindings(self, lang, refresh=not self.screen_stack)
        for screen in self.screen_stack:
            localize_bindings(screen, lang)

    def push_screen(self, screen, *args, **kwargs):  # type: ignore[override]
        if isinstance(screen, Screen):
            localize_bindings(screen, self.lang)
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen):  # type: ignore[override]
        if isinstance(screen, Screen):
            localize_bindings(screen, self.lang)
        return super().switch_screen(screen)

    def action_help(self) -> None:
        from tutor.tui.help import HelpScreen  # noqa: PLC0415

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def on_unmount(self) -> None:
        # The sandbox keeps its state in a recording, so stopping the one we started loses nothing.
        if self._started_sandbox:
            sandbox.stop()
        self.store.close()


class DatabaseProblemApp(App[bool]):
    """Asked before anything opens: the progress database is damaged or not the tutor's.

    Yes moves it aside (byte for byte, ``NAME.corrupt-<time>``) and starts a fresh one; no quits
    and leaves it untouched. Returns True for yes.
    """

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape,q", "answer(False)", "No")]
    CSS = """
    Screen { align: center middle; }
    #problem { width: 80; height: auto; border: thick $error; padding: 1 2; }
    #problem Horizontal { height: auto; margin-top: 1; }
    #problem Button { margin-right: 2; }
    """

    def __init__(self, path: str, reason: str, lang: str = "ko"):
        super().__init__()
        self.path, self.reason, self.lang = path, reason, lang

    def compose(self):
        from textual.containers import Horizontal, Vertical  # noqa: PLC0415
        from textual.widgets import Button, Static  # noqa: PLC0415

        en = (f"The progress database {self.path} cannot be used: {self.reason}.\n\n"
              "Move it aside (kept byte for byte beside it as .corrupt-<time>) and start a fresh one?")
        ko = (f"진도 데이터베이스 {self.path}를 사용할 수 없습니다: {self.reason}.\n\n"
              "이 파일을 옆으로 옮겨(.corrupt-<시각> 이름으로 그대로 보관) 새 데이터베이스로 시작할까요?")
        with Vertical(id="problem"):
            yield Static(ko if self.lang == "ko" else en, id="problem-text")
            with Horizontal():
                yield Button("예, 새로 시작 (y)" if self.lang == "ko" else "Yes, start fresh (y)", id="yes", variant="warning")
                yield Button("아니요, 종료 (n)" if self.lang == "ko" else "No, quit (n)", id="no")

    def on_button_pressed(self, event) -> None:
        self.exit(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.exit(yes)


def _open_store(db: str | None, lang: str | None) -> Store:
    """The store, after asking the student what to do with a damaged or foreign database.

    No leaves the file untouched and raises DatabaseProblem (the CLI says it in one line, exit 2).
    """
    from tutor import store_guard  # noqa: PLC0415

    if store_guard.fresh_db_allowed():
        return Store(db)
    try:
        return Store(db, fresh=False)  # checks the file once (it had been checked twice a start)
    except store_guard.DatabaseProblem as problem:
        from tutor.language import resolve_lang  # noqa: PLC0415

        if not DatabaseProblemApp(str(problem.path), problem.reason, resolve_lang(lang)).run():
            raise
    return Store(db, fresh=True)


def build_app(store: Store, lang: str | None = None, **kwargs: Any) -> TutorApp:
    """The app as `tutor` opens it: the language by tutor.language's rule ($TUTOR_LANG included)."""
    from tutor.language import resolve_lang  # noqa: PLC0415

    return TutorApp(store, lang=resolve_lang(lang, lambda: store.get_setting("lang")), **kwargs)


def run_app(db: str | None = None, lang: str | None = None, start: dict[str, Any] | None = None) -> int:
    store = _open_store(db, lang)
    app = build_app(store, lang, start=start)
    app.run()
    return app.return_code or 0  # non-zero when the app stopped on an error

