"""The load-test screen: load the local StreamCloud web tier and watch throughput and latency.

Why a screen: the week's lesson is that a tier scales *out*. Here the student sets the tier's
worker count, runs a load test, and sees the figures (rps, p50/p90/p99/max) and the latency
histogram change: more workers, more requests a second and a lower tail.

It runs what `tutor loadtest` runs (:mod:`tutor.loadtest`: the local tier, the built-in
generator, the CloudWatch publisher, the saved report) in one named thread worker. Always the
built-in generator here, even when ``ab`` is installed: it reports every request (a live
progress bar, and the latencies the histogram needs) where ab reports every 10 %. Progress is
read by a timer on the UI thread, so the generator's threads never wait for the screen.
Escape stops a running test (the report then covers what was done, and is neither saved nor
published), else goes back.
"""

from __future__ import annotations

import argparse
import threading
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, ProgressBar, Static, Switch

from tutor.errors import EnvironmentFailure, TutorError
from tutor.tui.i18n import KEY_LABELS, STRINGS, tr

WORK_MS = 5.0  # CPU per request in the local tier: `tutor loadtest`'s default
BLOCKS = " ▏▎▍▌▋▊▉█"
BAR_WIDTH = 36
BINS = 8

STRINGS.update({
    "lt.title": ("Load test: the local StreamCloud web tier", "부하 테스트: 로컬 StreamCloud 웹 티어"),
    "lt.requests": ("Requests", "요청 수"),
    "lt.concurrency": ("Concurrency", "동시성"),
    "lt.workers": ("Workers", "워커"),
    "lt.publish": ("Publish", "게시"),
    "lt.idle": ("Enter (or ctrl+r) runs the test against the local tier on 127.0.0.1. Run it with 1 worker, then "
                "with 4: throughput grows and latency falls as the tier scales out. Publish sends the figures to "
                "the sandbox's CloudWatch (namespace StreamCloud, g on the home screen shows them).",
                "Enter(또는 ctrl+r)로 127.0.0.1의 로컬 티어에 테스트를 실행합니다. 워커 1개로 한 번, 4개로 한 번 "
                "실행해 보십시오. 티어가 scale out 되면 처리량은 늘고 지연 시간은 줄어듭니다. 게시를 켜면 결과가 "
                "샌드박스 CloudWatch(네임스페이스 StreamCloud)로 전송되며, 홈 화면의 g에서 볼 수 있습니다."),
    "lt.running": ("{requests} requests, concurrency {concurrency}, against {workers} worker(s) ... escape stops",
                   "요청 {requests}개, 동시성 {concurrency}, 워커 {workers}개에 실행 중 ... escape로 중지"),
    "lt.starting": ("Starting the local tier ({workers} worker(s)) ...", "로컬 티어 시작 중 (워커 {workers}개) ..."),
    "lt.done": ("Done in {duration:g} s with the built-in generator against {url} ({workers} worker(s)). Saved to {saved}.",
                "{url}(워커 {workers}개)에 내장 생성기로 {duration:g}초 만에 완료. 저장 위치: {saved}."),
    "lt.cancelled": ("Stopped after {done} of {requests} requests: not saved, not published.",
                     "요청 {requests}개 중 {done}개 후 중지: 저장하거나 게시하지 않았습니다."),
    "lt.published": ("Published to CloudWatch namespace {namespace} ({where}): {metrics}",
                     "CloudWatch 네임스페이스 {namespace}({where})에 게시: {metrics}"),
    "lt.not_published": ("Not published: {reason}", "게시하지 못했습니다: {reason}"),
    "lt.publishing": ("Publishing to CloudWatch ...", "CloudWatch에 게시 중 ..."),
    "lt.figures": ("requests {requests} · failed {failed} · {rps:g} req/s · latency ms: p50 {p50:g} · p90 {p90:g} · "
                   "p99 {p99:g} · max {max:g}",
                   "요청 {requests} · 실패 {failed} · 초당 {rps:g} 요청 · 지연 시간(ms): p50 {p50:g} · p90 {p90:g} · "
                   "p99 {p99:g} · 최대 {max:g}"),
    "lt.histogram": ("Latency histogram (ms, requests per bin; the last bin holds everything from p99 up):",
                     "지연 시간 히스토그램 (ms, 구간별 요청 수; 마지막 구간은 p99 이상 전부):"),
    "lt.error": ("Cannot run the test: {reason}", "테스트를 실행할 수 없습니다: {reason}"),
    "lt.busy": ("A test is running: escape stops it first.", "테스트가 실행 중입니다. 먼저 escape로 중지하십시오."),
})
KEY_LABELS.update({"stop_or_back": "중지/뒤로"})


def histogram(samples: list[float], bins: int = BINS) -> list[tuple[float, float, int]]:
    """``(low, high, count)`` bins from the fastest request to p99; the last also holds the tail."""
    from tutor.loadtest.generator import percentile  # noqa: PLC0415

    if not samples:
        return []
    ordered = sorted(samples)
    low, high = ordered[0], max(percentile(ordered, 99), ordered[0])
    step = (high - low) / bins or 1e-3
    counts = [0] * bins
    for value in ordered:
        counts[min(int((value - low) / step), bins - 1)] += 1
    return [(low + i * step, low + (i + 1) * step, n) for i, n in enumerate(counts)]


def bar(count: int, most: int, width: int = BAR_WIDTH) -> str:
    """A bar of block characters, to an eighth of a cell."""
    eighths = round(count / most * width * 8) if most else 0
    return "█" * (eighths // 8) + (BLOCKS[eighths % 8] if eighths % 8 else "")


def histogram_text(samples: list[float]) -> str:
    rows = histogram(samples)
    most = max((n for *_, n in rows), default=0)
    return "\n".join(f"{lo:8.2f}–{hi:<8.2f}{'+' if i == len(rows) - 1 else ' '}│{bar(n, most):<{BAR_WIDTH}} {n}"
                     for i, (lo, hi, n) in enumerate(rows))


class LoadTestScreen(Screen):
    CSS_PATH = "loadtest.tcss"
    BINDINGS = [
        Binding("escape", "stop_or_back", "Stop / back"),
        Binding("ctrl+r", "run", "Run"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cancel: threading.Event | None = None
        self.done = 0  # written by the generator's threads, read by the timer
        self.total = 0
        self.report: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        yield Header()
        with VerticalScroll(id="loadtest"):
            with Horizontal(id="lt-form"):
                yield Label(tr("lt.requests", lang), classes="lt-label")
                yield Input("200", type="integer", id="lt-requests")
                yield Label(tr("lt.concurrency", lang), classes="lt-label")
                yield Input("10", type="integer", id="lt-concurrency")
                yield Label(tr("lt.workers", lang), classes="lt-label")
                yield Input("2", type="integer", id="lt-workers")
                yield Label(tr("lt.publish", lang), classes="lt-label")
                yield Switch(False, id="lt-publish")
            yield Static(tr("lt.idle", lang), id="lt-status", markup=False)
            yield ProgressBar(total=None, id="lt-progress", show_eta=False)
            yield Static(id="lt-figures", markup=False)
            yield Static(id="lt-histogram", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = tr("lt.title", self.app.lang)
        self.set_interval(0.1, self.show_progress)
        self.query_one("#lt-requests", Input).focus()

    @property
    def running(self) -> bool:
        return self.cancel is not None

    def status(self, text: str) -> None:
        self.query_one("#lt-status", Static).update(text)

    # actions ----------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_run()

    def action_run(self) -> None:
        lang = self.app.lang
        if self.running:
            self.status(tr("lt.busy", lang))
            return
        try:
            requests, concurrency, workers = (self._number(f"#lt-{n}") for n in ("requests", "concurrency", "workers"))
            from tutor.commands.loadtest import _check  # noqa: PLC0415 - the CLI's own limits, said the same way

            _check(argparse.Namespace(requests=requests, concurrency=concurrency, workers=workers,
                                      work_ms=WORK_MS, url=None))
        except TutorError as exc:
            self.status(tr("lt.error", lang, reason=exc.message))
            return
        self.cancel, self.done, self.total, self.report = threading.Event(), 0, requests, None
        bar_widget = self.query_one("#lt-progress", ProgressBar)
        bar_widget.update(total=requests, progress=0)
        self.query_one("#lt-figures", Static).update("")
        self.query_one("#lt-histogram", Static).update("")
        self.status(tr("lt.starting", lang, workers=workers))
        self.run_test(requests, concurrency, workers, self.query_one("#lt-publish", Switch).value, self.cancel)

    def _number(self, selector: str) -> int:
        text = self.query_one(selector, Input).value.strip()
        try:
            return int(text)
        except ValueError:
            from tutor.errors import UsageError  # noqa: PLC0415

            raise UsageError(f"{text!r} is not a whole number") from None

    def action_stop_or_back(self) -> None:
        if self.cancel is not None:
            self.cancel.set()  # the worker finishes the requests in flight and reports
        else:
            self.app.pop_screen()

    # the run --------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="loadtest", exit_on_error=False, name="loadtest-run")
    def run_test(self, requests: int, concurrency: int, workers: int, publish: bool, cancel: threading.Event) -> None:
        from tutor.commands.loadtest import save  # noqa: PLC0415
        from tutor.loadtest import generator  # noqa: PLC0415
        from tutor.loadtest.tier import LocalTier  # noqa: PLC0415

        app = self.app
        tier = LocalTier(workers=workers, work_ms=WORK_MS)
        try:
            tier.start()
        except OSError as exc:
            raise EnvironmentFailure(f"cannot start the local web tier: {exc}") from None
        samples: list[float] = []
        try:
            app.call_from_thread(self.status, tr("lt.running", app.lang, requests=requests,
                                                 concurrency=concurrency, workers=workers))
            report = generator.run_builtin(f"{tier.url}/catalog", requests, concurrency, self._progress,
                                           samples=samples, cancel=cancel)
        finally:
            tier.stop()
        report.update(workers=workers, work_ms=WORK_MS)
        if cancel.is_set():
            app.call_from_thread(self.finish, report, samples, True)
            return
        report["saved_to"] = save(report)
        app.call_from_thread(self.finish, report, samples, False)
        if publish:
            self._publish(report)

    def _progress(self, done: int, total: int) -> None:
        self.done = max(self.done, done)

    def _publish(self, report: dict[str, Any]) -> None:
        """Figures to the sandbox's CloudWatch (an AWS error reaches the app's error dialog)."""
        from tutor.labs.backend import Backend  # noqa: PLC0415 - boto3 only when publishing
        from tutor.loadtest import publish  # noqa: PLC0415

        app = self.app
        app.call_from_thread(self.status_after, tr("lt.publishing", app.lang))
        backend = Backend("endpoint" if app.endpoint_url else "sandbox", app.endpoint_for_lab())
        done = publish.publish(backend, report)
        app.call_from_thread(self.status_after, tr("lt.published", app.lang, namespace=done["namespace"],
                                                   where=backend.endpoint, metrics=", ".join(done["metrics"])))

    # drawing --------------------------------------------------------------------------------
    def show_progress(self) -> None:
        if self.running:
            self.query_one("#lt-progress", ProgressBar).update(progress=self.done)

    def finish(self, report: dict[str, Any], samples: list[float], cancelled: bool) -> None:
        lang = self.app.lang
        self.cancel, self.report = None, report
        self.query_one("#lt-progress", ProgressBar).update(progress=report["requests"])
        lat = report["latency_ms"]
        self.query_one("#lt-figures", Static).update(tr(
            "lt.figures", lang, requests=report["requests"], failed=report["failed"], rps=report["rps"],
            p50=lat["p50"], p90=lat["p90"], p99=lat["p99"], max=lat["max"]))
        self.query_one("#lt-histogram", Static).update(
            tr("lt.histogram", lang) + "\n" + histogram_text(samples) if samples else "")
        if cancelled:
            self.status(tr("lt.cancelled", lang, done=report["requests"], requests=self.total))
        else:
            self.status(tr("lt.done", lang, duration=report["duration_s"], url=report["url"],
                           workers=report["workers"], saved=report["saved_to"]))

    def status_after(self, line: str) -> None:
        """Add a line under the run's status (the publishing result)."""
        current = str(self.query_one("#lt-status", Static).render()).split("\n")[0]
        self.status(f"{current}\n{line}")

    def on_worker_state_changed(self, event: Any) -> None:
        # StateChanged does not bubble: failures go to the app's one handler (AWS errors: a dialog)
        if event.state.name == "ERROR":
            self.cancel = None
            reason = getattr(event.worker.error, "message", None) or str(event.worker.error)
            if self.report is not None:  # the run is done and shown: only publishing failed
                self.status_after(tr("lt.not_published", self.app.lang, reason=reason))
            else:
                self.status(tr("lt.error", self.app.lang, reason=reason))
        self.app.report_worker(event)
