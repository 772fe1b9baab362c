"""The lab screen's long work: a check, check all or a solve, with progress and a cancel key.

A mixin of LabScreen (kept apart so the screen stays readable). The worker reports progress
before each step (the runner's progress callback) and stops there when cancelled, recording
nothing: a half-run check is never shown as a result, and a solve interrupted between steps
leaves nothing adopted. The whole lab's "check all" gets a summary line under the step list,
apart from the selected step's results.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.widgets import ProgressBar, Static
from textual.worker import get_current_worker

from tutor.tui.i18n import tr

#: Actions that start lab work: dimmed while some already runs.
LAB_WORK = {"check", "check_all", "solve", "reset_step", "reset_lab"}


class LabCancelled(Exception):
    """The student cancelled the running check or solve (raised between steps)."""


class LabWork:
    """Needs from the screen: lab, lab_id, _runner(), record(), set_status(); sets busy/work."""

    busy: str | None = None
    lab_worker: Any = None
    whole_report: dict[str, Any] | None = None

    def action_back(self) -> None:
        """Escape cancels the work that runs; with nothing running it leaves the lab."""
        if self.busy:
            self.action_cancel()
        else:
            self.app.pop_screen()

    def action_cancel(self) -> None:
        if self.busy and self.lab_worker is not None:
            self.lab_worker.cancel()  # the thread stops at the next step and records nothing
            self.work_done(self.lab_worker)
            self.set_status(tr("work.cancelled", self.app.lang))

    def start_work(self, what: str, step_id: str | None, solve: bool) -> None:
        self.busy = what
        self.set_status("")
        self.show_progress(what, 0, None)
        self.lab_worker = self.run_lab(step_id, solve)
        self.refresh_bindings()

    def show_progress(self, what: str, done: int, total: int | None) -> None:
        self.query_one("#work", ProgressBar).update(total=total, progress=done)
        self.query_one("#work-label", Static).update(f"{what}  ({tr('work.cancel_keys', self.app.lang)})")
        self.query_one("#busy").display = True

    def step_progress(self, worker, phase: str, index: int, total: int, step_id: str) -> None:
        if worker is self.lab_worker and self.busy:
            self.busy = tr(phase, self.app.lang, n=index + 1, m=total, step=step_id)
            self.show_progress(self.busy, index, total)

    def work_done(self, worker) -> None:
        if worker is not self.lab_worker:  # an older run, already cancelled or replaced
            return
        self.busy = None
        self.query_one("#busy").display = False
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="lab", exit_on_error=False, name="lab-run")
    def run_lab(self, step_id: str | None, solve: bool) -> None:
        worker, call = get_current_worker(), self.app.call_from_thread
        steps = [step_id] if step_id else [s.id for s in self.lab.steps]
        phase = "work.solving"

        def progress(current: str) -> None:
            # The runner calls this before each step: the place to stop when cancelled.
            if worker.is_cancelled:
                raise LabCancelled
            index = steps.index(current) if current in steps else 0
            call(self.step_progress, worker, phase, index, len(steps), current)

        try:
            runner, backend = self._runner()  # may start the sandbox first: the slowest part
            if solve and step_id and backend.kind == "real":
                self._solve_on_real(runner, backend, step_id, progress, worker)
                call(self.app.store.record_lab_event, self.lab_id, step_id, "solve", "", backend.kind)
            elif solve and step_id:
                runner.solve([step_id], progress=progress)
                call(self.app.store.record_lab_event, self.lab_id, step_id, "solve", "", backend.kind)
            phase = "work.checking"
            report = runner.verify(step_id, progress=progress)
            if worker.is_cancelled:
                raise LabCancelled
            call(self.record, report, backend.kind, step_id is None, True)
        except LabCancelled:
            return
        finally:
            if not worker.is_cancelled:
                call(self.work_done, worker)

    def show_summary(self) -> None:
        """The whole lab's last check under the step list: how many steps pass and which fail."""
        report, lang = self.whole_report, self.app.lang
        if report is None:
            self.query_one("#summary", Static).display = False
            return
        steps = report.get("steps") or []
        failing = [str(s.get("id")) for s in steps if not s.get("passed")]
        text = tr("work.summary", lang, lab=self.lab_id, n=len(steps) - len(failing), m=len(steps))
        if failing:
            text += "\n" + tr("work.failing", lang, steps=", ".join(failing))
        if report.get("real_aws_only"):
            text += f"\n{tr('real_only', lang)} ({', '.join(report['real_aws_only'])})"
        if report.get("complete"):
            text += "\n" + tr("lab_complete", lang, lab=self.lab_id)
        summary = self.query_one("#summary", Static)
        summary.update(text)
        summary.set_class(not failing, "pass")
        summary.set_class(bool(failing), "fail")
        summary.display = True

    @staticmethod
    def _settings_say_real() -> bool:
        from tutor import settings  # noqa: PLC0415
        from tutor.errors import UsageError  # noqa: PLC0415

        try:
            return settings.load().backend == "real"
        except UsageError:  # the app said what is wrong with the file when it started
            return False

    def _runner(self):
        from tutor.labs.backend import Backend  # noqa: PLC0415 - boto3 only once a lab runs
        from tutor.labs.runner import LabRunner  # noqa: PLC0415

        app = self.app
        if self.real_mode:  # the account behind the standard chain (AWS_ENDPOINT_URL honoured)
            from tutor.labs.backend import open_real  # noqa: PLC0415
            from tutor.labs.real import RealOptions  # noqa: PLC0415

            backend = open_real(None, RealOptions())
        else:
            endpoint = app.endpoint_for_lab()
            backend = Backend("endpoint" if app.endpoint_url else "sandbox", endpoint)
        return LabRunner(self.lab, app.catalog.lab_dirs[self.lab_id], backend, lang=app.lang), backend

    def _solve_on_real(self, runner, backend, step_id: str, progress, worker) -> None:
        """Real AWS, as `tutor lab run --solve --real` does it: what the step creates and its
        cost, the account id typed in a dialog, then the solve with every resource tagged (the
        backend's hooks) and recorded, on this thread's own store connection, before it returns."""
        from tutor.commands.cleanup import attach_store  # noqa: PLC0415
        from tutor.labs.real_plan import lines, plan  # noqa: PLC0415
        from tutor.store import Store  # noqa: PLC0415
        from tutor.tui.real_confirm import asker_for  # noqa: PLC0415

        backend.asker = asker_for(self.app, lambda: worker.is_cancelled)
        backend.confirm(f"{self.lab_id} step {step_id} will create (tagged tutor:created-by=saa-tutor, "
                        f"tutor:lab={self.lab_id}, tutor:run={backend.run_id})",
                        lines(plan(self.lab, [step_id])), lambda line: None)
        store = Store(self.app.store.path)
        try:
            attach_store(backend, store)
            runner.solve([step_id], progress=progress)
        finally:
            store.close()
