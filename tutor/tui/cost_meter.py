"""The cost meter on the home screen's status lines, and the warning before quitting.

Why: the curriculum insists on cleaning up after every lab; a running meter ("≈ $0.15/h ·
$0.31 so far") makes what is left behind visible, and quitting while real resources the tutor
created still exist asks first (:class:`QuitWarning`, the command that deletes them included).

When it measures: never on the start-up path. The app installs the meter after the first
frame; it measures in a named thread worker then, when the sandbox comes up, and after each
lab run or reset. The store is read on the UI thread (its connection lives there) and the
records go to the worker; the sandbox is priced only once some lab has been checked or run
(an untouched sandbox holds nothing the labs made) and only if its port answers.

The quit warning is for real AWS only: the sandbox costs nothing and keeps its state between
sessions on purpose, so a warning there would teach students to ignore it; the meter line
already says what the sandbox would cost on AWS.
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urlsplit

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.worker import Worker, WorkerState

from tutor.tui.i18n import KEY_LABELS, STRINGS, tr

STRINGS.update({
    "cost.measuring": ("Cost: measuring ...", "비용: 계산 중 ..."),
    "cost.sandbox": ("≈ ${hourly:.2f}/h · ${so_far:.2f} so far (sandbox: what AWS would charge)",
                     "≈ ${hourly:.2f}/시간 · 지금까지 ${so_far:.2f} (샌드박스: AWS였다면 청구될 금액)"),
    "cost.sandbox_free": ("Sandbox: nothing the labs made would be billed on AWS now",
                          "샌드박스: 지금은 AWS에서 과금될 실습 리소스가 없습니다"),
    "cost.real": ("real AWS: {n} resource(s) still exist · ≈ ${hourly:.2f}/h · ${so_far:.2f} so far — {command}",
                  "실제 AWS: 리소스 {n}개가 남아 있음 · ≈ ${hourly:.2f}/시간 · 지금까지 ${so_far:.2f} — {command}"),
    "quit.title": ("Real AWS resources the tutor created still exist", "튜터가 만든 실제 AWS 리소스가 아직 남아 있습니다"),
    "quit.total": ("Together ≈ ${hourly:.4f}/h (${so_far:.2f} so far) while they exist. Delete them (a dry run first, "
                   "then with --yes --account N):\n{command}",
                   "남아 있는 동안 합계 ≈ ${hourly:.4f}/시간 (지금까지 ${so_far:.2f}). 삭제하십시오 (먼저 dry run, "
                   "그다음 --yes --account N):\n{command}"),
    "quit.item": ("{name} ({kind}, lab {lab}, {region}) {cost}", "{name} ({kind}, 실습 {lab}, {region}) {cost}"),
    "quit.hourly": ("≈ ${hourly:.4f}/h", "≈ ${hourly:.4f}/시간"),
    "quit.unpriced": ("not priced", "가격 미산정"),
    "quit.anyway": ("Quit anyway (y)", "그래도 종료 (y)"),
    "quit.cancel": ("Cancel (esc)", "취소 (esc)"),
})
KEY_LABELS.update({"quit_anyway": "그래도 종료", "cancel": "취소"})


def _live_real_records(app: Any) -> list[dict[str, Any]]:
    """Real-mode records the tutor has not seen deleted (UI thread: the store lives there)."""
    return [r for r in app.store.created_resources() if r.get("backend") == "real"]


def _labs_touched(app: Any) -> bool:
    return app.store.any_lab_activity()


def _answers(endpoint: str) -> bool:
    """A TCP connect to the endpoint: a dead port must not cost the SDK's retries."""
    parts = urlsplit(endpoint)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=1.0):
            return True
    except OSError:
        return False


def meter_line(reading: dict[str, Any], lang: str) -> str:
    parts = []
    sandbox = reading.get("sandbox")
    if sandbox is not None:
        parts.append(tr("cost.sandbox", lang, hourly=sandbox["hourly_usd"], so_far=sandbox["so_far_usd"])
                     if sandbox["items"] else tr("cost.sandbox_free", lang))
    real = reading.get("real")
    if real is not None and real["items"]:
        from tutor.labs.cost_meter import CLEANUP_COMMAND  # noqa: PLC0415

        parts.append(tr("cost.real", lang, n=len(real["items"]), hourly=real["hourly_usd"],
                        so_far=real["so_far_usd"], command=CLEANUP_COMMAND))
    return "\n".join(parts)


class CostMeter(Static):
    """One or two lines: the sandbox's would-be AWS cost, and real AWS resources left behind."""

    DEFAULT_CSS = "CostMeter { height: auto; color: $warning; }"

    def __init__(self) -> None:
        super().__init__(markup=False, id="cost-meter")
        self.reading: dict[str, Any] | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _: self.redraw(), init=False)
        self.watch(self.app, "sandbox_state", self._sandbox_changed, init=False)
        self.update(tr("cost.measuring", self.app.lang))
        self.measure_now()

    def _sandbox_changed(self, state: str) -> None:
        if state in ("on", "endpoint"):
            self.measure_now()

    def measure_now(self) -> None:
        app = self.app
        self.measure(_live_real_records(app), app.catalog.labs, _labs_touched(app))

    @work(thread=True, exclusive=True, group="cost-meter", exit_on_error=False, name="cost-meter")
    def measure(self, records: list[dict[str, Any]], labs: dict[str, Any], touched: bool) -> None:
        from tutor.labs import cost_meter  # noqa: PLC0415 - boto3 and the price table only here

        app = self.app
        reading: dict[str, Any] = {"sandbox": None, "real": cost_meter.real_meter(records, labs) if records else None}
        endpoint = app.lab_endpoint()
        if touched and endpoint and _answers(endpoint):
            from tutor.labs.backend import Backend  # noqa: PLC0415

            backend = Backend("endpoint" if app.endpoint_url else "sandbox", endpoint)
            where = endpoint if app.endpoint_url else "sandbox"
            reading["sandbox"] = cost_meter.sandbox_meter(lambda service: backend.client(service, "us-east-1"), where)
        app.call_from_thread(self.show, reading)

    def show(self, reading: dict[str, Any]) -> None:
        self.reading = reading
        self.redraw()

    def redraw(self) -> None:
        if self.reading is not None:
            self.update(meter_line(self.reading, self.app.lang))


def install(app: Any) -> None:
    """Put the meter under the home screen's sandbox line (called after the first frame)."""
    from tutor.tui.home import HomeScreen  # noqa: PLC0415

    home = next((s for s in app.screen_stack if isinstance(s, HomeScreen)), None)
    if home is None or home.query(CostMeter):
        return
    anchor = home.query("#sandbox")
    if anchor:
        anchor.first().parent.mount(CostMeter(), after=anchor.first())
    else:
        home.mount(CostMeter())


def after_worker(app: Any, event: Worker.StateChanged) -> None:
    """A lab run or reset may have made or deleted something: measure again."""
    if event.state == WorkerState.SUCCESS and event.worker.group == "lab":
        for screen in app.screen_stack:
            for meter in screen.query(CostMeter):
                meter.measure_now()


# quitting ----------------------------------------------------------------------------------
class QuitWarning(ModalScreen[bool]):
    """What still runs on real AWS, its hourly cost and the cleanup command; y quits anyway."""

    BINDINGS = [Binding("y", "quit_anyway", "Quit anyway"), Binding("escape,n", "cancel", "Cancel")]
    DEFAULT_CSS = """
    QuitWarning { align: center middle; }
    #quit-box { width: 90%; max-width: 100; height: auto; max-height: 90%; border: thick $warning; padding: 0 1; }
    #quit-title { text-style: bold; }
    #quit-items { height: auto; max-height: 8; margin: 1 0; }
    #quit-buttons { height: auto; margin-top: 1; }
    #quit-buttons Button { margin-right: 2; }
    """

    def __init__(self, reading: dict[str, Any]):
        super().__init__()
        self.reading = reading

    def compose(self) -> ComposeResult:
        from tutor.labs.cost_meter import CLEANUP_COMMAND  # noqa: PLC0415

        lang = self.app.lang
        lines = []
        for item in self.reading["items"]:
            cost = (tr("quit.hourly", lang, hourly=item["hourly_usd"]) if item["hourly_usd"] is not None
                    else tr("quit.unpriced", lang))
            lines.append(tr("quit.item", lang, name=item["name"], kind=item["kind"], lab=item["lab"],
                            region=item["region"], cost=cost))
        with Vertical(id="quit-box"):
            yield Static(tr("quit.title", lang), id="quit-title")
            with VerticalScroll(id="quit-items"):
                yield Static("\n".join(lines), markup=False)
            yield Static(tr("quit.total", lang, hourly=self.reading["hourly_usd"], so_far=self.reading["so_far_usd"],
                            command=CLEANUP_COMMAND), markup=False)
            with Horizontal(id="quit-buttons"):
                yield Button(tr("quit.anyway", lang), id="quit-anyway", variant="warning")
                yield Button(tr("quit.cancel", lang), id="quit-cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "quit-anyway")

    def action_quit_anyway(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


def confirm_quit(app: Any) -> None:
    """Quit, unless real resources the tutor created still exist: then ask first."""
    if isinstance(app.screen, QuitWarning):  # ctrl+q again on the warning: the student means it
        app.exit()
        return
    records = _live_real_records(app)
    if not records:
        app.exit()
        return
    from tutor.labs.cost_meter import real_meter  # noqa: PLC0415 - the price table, only now

    app.push_screen(QuitWarning(real_meter(records, app.catalog.labs)),
                    lambda quit_anyway: app.exit() if quit_anyway else None)
