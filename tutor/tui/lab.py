"""A lab: its steps, the CLI commands to type, and Check / Solve against the sandbox.

Every call to AWS runs in a named thread worker; results come back to the main thread, which
alone writes them to the store (SQLite connections belong to the thread that opened them).
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, ListItem, ListView, Markdown, Static, TextArea

from tutor import sandbox
from tutor.tui.i18n import tr


class LabScreen(Screen):
    CSS_PATH = "lab.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("k", "check", "Check"),
        Binding("a", "check_all", "Check all"),
        Binding("s", "solve", "Solve"),
        Binding("c", "copy", "Copy command"),
        Binding("r", "read", "Read about this"),
    ]

    def __init__(self, lab_id: str):
        super().__init__()
        self.lab_id = lab_id
        self.step_index = 0
        self.last: dict[str, dict[str, Any]] = {}

    @property
    def lab(self):
        return self.app.catalog.labs[self.lab_id]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lab"):
            yield ListView(id="steps")
            with VerticalScroll(id="detail"):
                with Horizontal(id="buttons"):
                    yield Button(id="check", variant="primary")
                    yield Button(id="check-all")
                    yield Button(id="solve", variant="warning")
                    yield Button(id="read")
                yield Static(id="status", classes="muted")
                yield Vertical(id="results")
                yield Markdown(id="instructions")
                yield Label(id="commands-label", classes="muted")
                yield TextArea(id="commands", read_only=True, soft_wrap=True, show_line_numbers=False)
                yield Static(id="env", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.last = self.app.store.lab_status(self.lab_id)
        self.watch(self.app, "lang", lambda _: self.render_all(), init=False)
        self.watch(self.app, "sandbox_state", lambda _: self.show_env(), init=False)
        self.render_all()
        self.query_one(ListView).focus()

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
        for button, key in (("check", "check"), ("check-all", "check_all"), ("solve", "solve"), ("read", "read_about")):
            self.query_one(f"#{button}", Button).label = tr(key, lang)
        self.query_one("#commands-label", Label).update(tr("commands", lang) + "  (c)")
        self.render_step()
        self.show_env()

    def step_label(self, i: int) -> str:
        step = self.lab.steps[i]
        result = self.last.get(step.id)
        mark = "·" if result is None else ("✓" if result["passed"] else "✗")
        return f"{mark} {i + 1}. {step.title.get(self.app.lang)}"

    def render_step(self) -> None:
        lang, step = self.app.lang, self.lab.steps[self.step_index]
        text = f"## {self.step_index + 1}. {step.title.get(lang)}\n\n{step.instructions.get(lang)}"
        if self.step_index == 0:
            text = f"{self.lab.intro.get(lang)}\n\n{text}"
        if step.real_aws_only:
            text += f"\n\n> {tr('real_only', lang)}"
        self.query_one("#instructions", Markdown).update(text)
        self.query_one("#commands", TextArea).text = "\n".join(step.commands)
        self.show_results(step.id)

    def show_env(self) -> None:
        lang, state = self.app.lang, self.app.sandbox_state
        endpoint = self.app.endpoint_url or (self.app.sandbox_detail if state == "on" else None)
        if endpoint:
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
        if result is None:
            box.mount(Static(tr("not_checked", lang), classes="muted"))
            return
        for check_id, check in result["checks"].items():
            mark, cls = ("–", "muted") if check.get("skipped") else (("✓", "pass") if check["passed"] else ("✗", "fail"))
            box.mount(Static(f"{mark} {check_id}: {check['message']}", classes=f"result {cls}"))
        box.mount(Static(result.get("checked_at", ""), classes="muted"))

    def on_list_view_highlighted(self, event: ListView.Highlighted) -> None:
        if event.list_view.index is not None and event.list_view.index != self.step_index:
            self.step_index = event.list_view.index
            self.render_step()

    # actions -------------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"check": self.action_check, "check-all": self.action_check_all,
                   "solve": self.action_solve, "read": self.action_read}
        actions[event.button.id]()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard("\n".join(self.lab.steps[self.step_index].commands))
        self.notify(tr("copied", self.app.lang))

    def action_check(self) -> None:
        step = self.lab.steps[self.step_index]
        self.query_one("#status", Static).update(tr("checking", self.app.lang, step=step.id))
        self.run_lab(step.id, solve=False)

    def action_check_all(self) -> None:
        self.query_one("#status", Static).update(tr("checking", self.app.lang, step=self.lab.id))
        self.run_lab(None, solve=False)

    def action_solve(self) -> None:
        step = self.lab.steps[self.step_index]
        self.query_one("#status", Static).update(tr("solving", self.app.lang, step=step.id))
        self.run_lab(step.id, solve=True)

    def action_read(self) -> None:
        from tutor.tui.lesson import LessonScreen

        link = self.lab.steps[self.step_index].lesson or f"{self.lab.day}#"
        day, _, section = link.partition("#")
        if self.app.catalog.lesson(day, self.app.lang) is None:
            self.notify(tr("no_lesson", self.app.lang))
            return
        self.app.push_screen(LessonScreen(day, section or None))

    @work(thread=True, exclusive=True, group="lab", exit_on_error=False, name="lab-run")
    def run_lab(self, step_id: str | None, solve: bool) -> None:
        from tutor.labs.backend import Backend  # noqa: PLC0415 - boto3 only once a lab runs
        from tutor.labs.runner import LabRunner

        app = self.app
        endpoint = app.endpoint_for_lab()
        backend = Backend("endpoint" if app.endpoint_url else "sandbox", endpoint)
        runner = LabRunner(self.lab, app.catalog.lab_dirs[self.lab_id], backend, lang=app.lang)
        if solve and step_id:
            runner.solve([step_id])
        report = runner.verify(step_id)
        app.call_from_thread(self.record, report, backend.kind)

    def on_worker_state_changed(self, event) -> None:
        # StateChanged does not bubble: hand failures to the app's single error handler.
        if event.state.name == "ERROR":
            self.query_one("#status", Static).update(tr("error", self.app.lang))
        self.app.report_worker(event)

    def record(self, report: dict[str, Any], backend_kind: str) -> None:
        self.app.store.record_lab_checks(self.lab_id, report["steps"], backend_kind)
        self.last = self.app.store.lab_status(self.lab_id)
        lang = self.app.lang
        skipped = report.get("real_aws_only") or []
        status = tr("passed", lang) if report["passed"] else tr("failed", lang)
        if skipped:
            status += f" · {tr('real_only', lang)} ({', '.join(skipped)})"
        self.query_one("#status", Static).update(status)
        self.relabel_steps()
        self.show_results(self.lab.steps[self.step_index].id)

    def relabel_steps(self) -> None:
        for i, item in enumerate(self.query_one(ListView).children):
            item.query_one(Label).update(self.step_label(i))
