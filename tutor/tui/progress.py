"""Progress: readiness per task with what to study next, exam history with its trend, queues."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Sparkline, Static

from tutor.quiz.readiness import TARGET, readiness
from tutor.tui.i18n import tr


class ProgressScreen(Screen):
    DEFAULT_CSS = """
    ProgressScreen #progress { padding: 1 2; }
    ProgressScreen Sparkline { height: 3; margin: 1 0; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="progress"):
            yield Markdown(id="readiness")
            yield Static(id="history", classes="muted")
            yield Sparkline([], id="trend")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _: self.show(), init=False)
        self.show()

    def show(self) -> None:
        lang, app = self.app.lang, self.app
        scores = readiness(app.catalog, app.store, lang=lang)
        lines = [f"# {tr('readiness', lang)}", "", tr("progress.header", lang), "|---|---|---|---|---|"]
        for task, r in scores.items():
            mark = "✓" if r["readiness"] >= TARGET else " "
            lines.append(f"| {mark} {task} | {r['readiness']} | {r['accuracy']} | {r['retrievability']} | {r['answered']}/{r['questions']} |")
        advice = [r["recommendation"] for r in sorted(scores.values(), key=lambda r: r["readiness"]) if r["recommendation"]]
        if advice:
            lines += [""] + [f"- {a}" for a in advice[:4]]
        lines += ["", tr("due_today", lang, n=len(app.store.due())) + " · " + tr("mistakes_n", lang, n=len(app.store.mistakes()))]
        self.query_one("#readiness", Markdown).update("\n".join(lines))
        history = [e["scaled_score"] for e in app.store.exams() if e["scaled_score"] is not None]
        self.query_one("#history", Static).update(tr("exam.history", lang, n=len(history),
                                                      scores=" → ".join(str(s) for s in history[-8:]) or "-"))
        trend = self.query_one(Sparkline)
        trend.display = len(history) >= 2  # a trend needs two exams; one bar would fill the line
        trend.data = history or [0]
