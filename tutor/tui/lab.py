"""A lab: its steps, the CLI commands to type, and a runner that watches the account.

The screen re-checks the current step by itself whenever the account changes (on the tutor's
sandbox the moment a state-changing request lands, elsewhere every few seconds) and moves on
when it passes. Check, solve, hints, skip and reset are keys too. Every call to AWS runs in a
named thread worker; results come back to the main thread, which alone writes them to the
store (SQLite connections belong to the thread that opened them).

Long work (a check, check all, a solve, the sandbox starting first) shows a progress line and
can be cancelled (x, or escape while it runs): the worker stops between steps and records
nothing, so a half-run check is never shown as a result. The result of "check all" has its own
line under the step list, never under the selected step.
"""

from __future__ import annotations

import threading
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, ListItem, ListView, Markdown, ProgressBar, Static, TextArea

from tutor import sandbox
from tutor.labs.progress import lab_progress, record_report
from tutor.tui.cost_meter import CostMeter
from tutor.tui.i18n import tr
from tutor.tui.lab_work import LAB_WORK, LabWork

MARKS = {"passed": "✓", "solved": "⚙", "skipped": "↷", "failed": "✗", "not_checked": "·"}


class LabScreen(LabWork, Screen):
    CSS_PATH = "lab.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("x", "cancel", "Cancel"),
        Binding("k", "check", "Check"),
        Binding("a", "check_all", "Check all"),
        Binding("s", "solve", "Solve"),
        Binding("h", "hint", "Hint"),
        Binding("n", "skip", "Skip"),
        Binding("c", "copy", "Copy command"),
        Binding("r", "read", "Read about this"),
        Binding("w", "toggle_watch", "Watch", show=False),
        Binding("g", "dashboard", "Dashboard", show=False),
        Binding("R", "reset_step", "Reset step", show=False),
        Binding("ctrl+r", "reset_lab", "Reset lab", show=False),
    ]

    def __init__(self, lab_id: str):
        super().__init__()
        self.lab_id = lab_id
        self.step_index = 0
        self.progress: dict[str, Any] = {}
        self.last: dict[str, dict[str, Any]] = {}
        self.watch_stop = threading.Event()
        self.watching = False
        #: What the lab worker is doing now (None: idle); bindings that would start more are dimmed.
        self.busy: str | None = None
        self.lab_worker = None  # the running lab-run worker
        #: The last "check all" of this visit: shown under the step list, not under a step.
        self.whole_report: dict[str, Any] | None = None
        #: settings.toml says backend = "real": checks read the student's account; building and
        #: cleaning up stay with the terminal commands, which confirm, tag, record and dry-run.
        self.real_mode = False
        self._tagged: dict[str, list[str]] | None = None

    @property
    def lab(self):
        return self.app.catalog.labs[self.lab_id]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lab"):
            with Vertical(id="left"):
                yield ListView(id="steps")
                yield Static(id="summary", markup=False)  # the whole lab's last "check all"
                yield CostMeter()  # what the labs built would cost on AWS, re-measured after each run
            with VerticalScroll(id="detail"):
                with Horizontal(id="buttons"):
                    yield Button(id="check", variant="primary")
                    yield Button(id="check-all")
                    yield Button(id="solve", variant="warning")
                    yield Button(id="hint")
                    yield Button(id="read")
                with Horizontal(id="busy"):
                    yield ProgressBar(id="work", show_eta=False)
                    yield Static(id="work-label", classes="muted", markup=False)
                # Messages and hints quote commands with [brackets]: shown as text, never as markup.
                yield Static(id="status", classes="muted", markup=False)
                yield Static(id="watch", classes="muted", markup=False)
                yield Vertical(id="results")
                yield Static(id="hints", markup=False)
                yield Markdown(id="instructions")
                yield Label(id="commands-label", classes="muted")
                yield TextArea(id="commands", read_only=True, soft_wrap=True, show_line_numbers=False)
                yield Static(id="env", classes="muted", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.real_mode = self._settings_say_real()  # before the first render: it picks the commands shown
        self.reload()
        current = self.progress.get("current")
        ids = [s.id for s in self.lab.steps]
        self.step_index = ids.index(current) if current in ids else 0
        self.watch(self.app, "lang", lambda _: self.render_all(), init=False)
        self.watch(self.app, "sandbox_state", lambda _: self.show_env(), init=False)
        self.render_all()
        self.query_one(ListView).focus()
        # The capstone grades the whole account: it is graded on request, not on every change;
        # a real account is checked on request too (no polling of someone's AWS APIs).
        if getattr(self.app, "watch_labs", True) and not self.lab.graded and not self.real_mode:
            self.start_watch()
        if self.real_mode:
            self.notify(tr("lab.real_in_terminal", self.app.lang, lab=self.lab_id), severity="warning", timeout=15)

    def on_unmount(self) -> None:
        self.watch_stop.set()

    def reload(self) -> None:
        self.last = self.app.store.lab_status(self.lab_id)
        self.progress = lab_progress(self.app.store, self.lab)

    # rendering -----------------------------------------------------------------------------
    def render_all(self) -> None:
        lang = self.app.lang
        self.sub_title = f"{self.lab.id}: {self.lab.title.get(lang)}"
        steps = self.query_one(ListView)
        if not steps.children:  # built once; a language switch only relabels them
            for i, step in enumerate(self.lab.steps):
                steps.append(ListItem(Label(self.step_label(i)), id=f"step-{step.id}"))
            steps.index = self.step_index
        else:
            self.relabel_steps()
        for button, key in (("check", "check"), ("check-all", "check_all"), ("solve", "solve"),
                            ("hint", "hint"), ("read", "read_about")):
            self.query_one(f"#{button}", Button).label = tr(key, lang)
        self.query_one("#commands-label", Label).update(tr("commands", lang) + "  (c)")
        self.render_step()
        self.show_env()
        self.show_summary()

    def step_label(self, i: int) -> str:
        step = self.lab.steps[i]
        entry = next((s for s in self.progress.get("step_status", []) if s["id"] == step.id), None)
        mark = MARKS[entry["state"]] if entry else "·"
        hints = f" ({tr('hint', self.app.lang)} {entry['hints_used']})" if entry and entry["hints_used"] else ""
        return f"{mark} {i + 1}. {step.title.get(self.app.lang)}{hints}"

    def render_step(self) -> None:
        lang, step = self.app.lang, self.lab.steps[self.step_index]
        text = f"## {self.step_index + 1}. {step.title.get(lang)}\n\n{step.instructions.get(lang)}"
        if self.step_index == 0:
            text = f"{self.lab.intro.get(lang)}\n\n{text}"
        if step.real_aws_only:
            text += f"\n\n> {tr('real_only', lang)}"
        if (self.app.catalog.lab_dirs[self.lab_id] / "files").is_dir():
            text += f"\n\n> {tr('lab_files', lang, lab=self.lab_id)}"
        self.query_one("#instructions", Markdown).update(text)
        self.query_one("#commands", TextArea).text = "\n".join(self.shown_commands(step))
        self.query_one("#hints", Static).update("")
        self.show_results(step.id)
        self.refresh_bindings()  # hint depends on the step

    def show_env(self) -> None:
        lang, state = self.app.lang, self.app.sandbox_state
        endpoint = self.app.endpoint_url or (self.app.sandbox_detail if state == "on" else None)
        if self.real_mode:  # not the sandbox's export lines: the student's own shell and account
            text = tr("lab.real_env", lang, lab=self.lab_id)
        elif endpoint:
            text = tr("env_hint", lang) + "\n" + "\n".join(sandbox.env_lines(endpoint, self.lab.region))
        elif state == "starting":
            text = tr("sandbox.starting", lang)
        elif state == "failed":
            text = tr("sandbox.failed", lang, reason=self.app.sandbox_detail)
        else:
            text = tr("sandbox.off", lang)
        self.query_one("#env", Static).update(text)

    def show_results(self, step_id: str) -> None:
        lang = self.app.lang
        box = self.query_one("#results", Vertical)
        box.remove_children()
        result = self.last.get(step_id)
        entry = next((s for s in self.progress.get("step_status", []) if s["id"] == step_id), None)
        state = tr(f"state.{entry['state']}", lang) if entry else ""
        if result is None:
            box.mount(Static(state or tr("not_checked", lang), classes="muted", markup=False))
            return
        for check_id, check in result["checks"].items():
            mark, cls = ("–", "muted") if check.get("skipped") else (("✓", "pass") if check["passed"] else ("✗", "fail"))
            box.mount(Static(f"{mark} {check_id}: {check['message']}", classes=f"result {cls}", markup=False))
        box.mount(Static(f"{state} · {result.get('checked_at', '')[:19].replace('T', ' ')}", classes="muted", markup=False))

    def on_list_view_highlighted(self, event: ListView.Highlighted) -> None:
        if event.list_view.index is not None and event.list_view.index != self.step_index:
            self.step_index = event.list_view.index
            self.render_step()

    def select_step(self, index: int) -> None:
        self.step_index = max(0, min(index, len(self.lab.steps) - 1))
        self.query_one(ListView).index = self.step_index
        self.render_step()

    def set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    # actions -------------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"check": self.action_check, "check-all": self.action_check_all,
                   "solve": self.action_solve, "hint": self.action_hint, "read": self.action_read}
        actions[event.button.id]()

    @property
    def step(self):
        return self.lab.steps[self.step_index]

    def shown_commands(self, step) -> list[str]:
        """The step's commands; on a real account with the tutor's tags in each command's own
        syntax (and the tagging command after what cannot take them), so a real cleanup finds
        what the student built by hand (`tutor lab show LAB --real` prints the same)."""
        if not self.real_mode:
            return list(step.commands)
        if self._tagged is None:
            from tutor.labs.real_commands import tagged_commands  # noqa: PLC0415

            self._tagged = tagged_commands(self.lab)
        return self._tagged.get(step.id, list(step.commands))

    def action_copy(self) -> None:
        self.app.copy_to_clipboard("\n".join(self.shown_commands(self.step)))
        self.notify(tr("copied", self.app.lang))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """None dims a key in the footer: lab work while some runs, cancel when none does, a hint
        when the step has no more."""
        if action in LAB_WORK and self.busy:
            return None
        if action == "cancel" and not self.busy:
            return None
        if action == "hint" and self.is_mounted and self.hints_used() >= len(self.step.hints):
            return None
        if self.real_mode and (action in ("reset_step", "reset_lab") or (action == "solve" and self.lab.graded)):
            return None  # on a real account: the terminal's cleanup (dry run first), the capstone's solve
        return True

    def hints_used(self) -> int:
        entry = next((s for s in self.progress.get("step_status", []) if s["id"] == self.step.id), None)
        return entry["hints_used"] if entry else 0

    def action_check(self) -> None:
        self.start_work(tr("checking", self.app.lang, step=self.step.id), self.step.id, solve=False)

    def action_check_all(self) -> None:
        self.start_work(tr("checking", self.app.lang, step=self.lab.id), None, solve=False)

    def action_solve(self) -> None:
        if self.real_mode and self.lab.graded:
            self.notify(tr("lab.real_in_terminal", self.app.lang, lab=self.lab_id), severity="warning")
            return
        self.start_work(tr("solving", self.app.lang, step=self.step.id), self.step.id, solve=True)

    def action_hint(self) -> None:
        lang, step = self.app.lang, self.step
        if not step.hints:
            return
        level = min(self.hints_used() + 1, len(step.hints))
        self.app.store.record_lab_event(self.lab_id, step.id, "hint", detail=str(level))
        shown = [tr("hint_n", lang, level=i, levels=len(step.hints), text=step.hints[i - 1].get(lang))
                 for i in range(1, level + 1)]
        self.reload()
        self.relabel_steps()
        self.query_one("#hints", Static).update("\n".join(shown))
        self.refresh_bindings()

    def action_skip(self) -> None:
        step = self.step
        self.app.store.record_lab_event(self.lab_id, step.id, "skip")
        self.reload()
        self.relabel_steps()
        self.notify(tr("skipped_step", self.app.lang, step=step.id))
        self.select_step(self.step_index + 1)
        self.restart_watch()

    def action_reset_step(self) -> None:
        self._confirm_reset(self.step.id)

    def action_reset_lab(self) -> None:
        self._confirm_reset(None)

    def _confirm_reset(self, step_id: str | None) -> None:
        from tutor.tui.exam import ConfirmScreen  # noqa: PLC0415

        if self.real_mode:
            self.notify(tr("lab.real_in_terminal", self.app.lang, lab=self.lab_id), severity="warning")
            return

        lang = self.app.lang
        question = tr("reset_step_q", lang, step=step_id) if step_id else tr("reset_lab_q", lang, lab=self.lab_id)

        def answered(yes: bool | None) -> None:
            if yes:
                self.set_status(tr("resetting", lang, what=step_id or self.lab_id))
                self.run_reset(step_id)

        self.app.push_screen(ConfirmScreen(question), answered)

    def action_toggle_watch(self) -> None:
        if self.watching:
            self.watch_stop.set()
            self.query_one("#watch", Static).update(tr("watch_off", self.app.lang))
        else:
            self.start_watch()

    def action_dashboard(self) -> None:
        from tutor.tui.dashboard import DashboardScreen  # noqa: PLC0415

        self.app.push_screen(DashboardScreen())

    def action_read(self) -> None:
        from tutor.tui.lesson import LessonScreen  # noqa: PLC0415

        link = self.step.lesson or f"{self.lab.day}#"
        day, _, section = link.partition("#")
        if self.app.catalog.lesson(day, self.app.lang) is None:
            self.notify(tr("no_lesson", self.app.lang))
            return
        self.app.push_screen(LessonScreen(day, section or None))

    # workers -------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="lab", exit_on_error=False, name="lab-reset")
    def run_reset(self, step_id: str | None) -> None:
        runner, backend = self._runner()
        removed = runner.cleanup(step_id)
        self.app.call_from_thread(self.after_reset, step_id, removed, backend.kind)

    def after_reset(self, step_id: str | None, removed: list[dict[str, Any]], backend: str) -> None:
        self.app.store.record_lab_event(self.lab_id, step_id or "", "reset", backend=backend)
        self.reload()
        self.relabel_steps()
        index = [s.id for s in self.lab.steps].index(step_id) if step_id else 0
        deleted = sum(1 for r in removed if r["deleted"])
        self.set_status(tr("reset_done", self.app.lang, n=deleted, kept=len(removed) - deleted,
                           step=self.lab.steps[index].id))
        self.select_step(index)
        self.restart_watch()

    def start_watch(self) -> None:
        self.watch_stop = threading.Event()
        self.watching = True
        self.watch_loop(self.watch_stop)

    def restart_watch(self) -> None:
        self.watch_stop.set()
        self.start_watch()

    @work(thread=True, exclusive=True, group="lab-watch", exit_on_error=False, name="lab-watch")
    def watch_loop(self, stop: threading.Event) -> None:
        """Watch until stopped or complete; an unreachable backend is retried, not fatal."""
        from tutor.errors import TutorError  # noqa: PLC0415

        call = self.app.call_from_thread
        while not stop.is_set():
            try:
                if self._watch_once(stop):
                    return
            except TutorError as exc:
                call(self.query_one("#watch", Static).update, tr("watch_error", self.app.lang, reason=exc.message))
                stop.wait(5.0)

    def _watch_once(self, stop: threading.Event) -> bool:
        from tutor.labs.watch import ChangeFeed, watch_steps  # noqa: PLC0415

        runner, backend = self._runner()
        feed = ChangeFeed(backend.endpoint, interval=3.0, stop=stop)
        call = self.app.call_from_thread
        call(self.query_one("#watch", Static).update, tr("watching", self.app.lang, how=feed.how()))
        skipped = set(self.progress.get("skipped", []))
        record = lambda report, whole: call(self.record, report, backend.kind, whole, False)  # noqa: E731
        for event, step_id, _ in watch_steps(runner, feed, record, skipped=skipped):
            if stop.is_set():
                return True
            if event == "passed":
                call(self.on_step_passed, step_id)
            elif event == "complete":
                call(self.notify, tr("lab_complete", self.app.lang, lab=self.lab_id))
                call(setattr, self, "watching", False)
                return True
        return True

    def on_worker_state_changed(self, event) -> None:
        # StateChanged does not bubble: hand failures to the app's single error handler.
        if event.state.name == "ERROR":
            self.set_status(tr("error", self.app.lang))
        self.app.report_worker(event)

    def record(self, report: dict[str, Any], backend_kind: str, whole: bool, show: bool) -> None:
        complete = record_report(self.app.store, self.lab, report, backend_kind, whole_lab=whole)
        self.reload()
        self.relabel_steps()
        self.show_results(self.step.id)
        if not show:
            return
        lang = self.app.lang
        skipped = report.get("real_aws_only") or []
        status = tr("passed", lang) if report["passed"] else tr("failed", lang)
        if skipped:
            status += f" · {tr('real_only', lang)} ({', '.join(skipped)})"
        if complete:
            status += " · " + tr("lab_complete", lang, lab=self.lab_id)
        if whole:
            self.whole_report = {**report, "complete": complete}
            self.show_summary()
            self.set_status("")
        else:
            self.set_status(status)
        if self.lab.graded and "rubric" in report:
            from tutor.tui.grade_report import show_grade  # noqa: PLC0415

            show_grade(self.app, report, backend_kind)

    def on_step_passed(self, step_id: str) -> None:
        if self.step.id == step_id and self.step_index + 1 < len(self.lab.steps):
            self.notify(tr("step_passed", self.app.lang, step=step_id))
            self.select_step(self.step_index + 1)

    def relabel_steps(self) -> None:
        for i, item in enumerate(self.query_one(ListView).children):
            item.query_one(Label).update(self.step_label(i))
