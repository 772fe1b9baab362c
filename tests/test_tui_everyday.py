"""Everyday use: the palette, the settings screen, the language rule, the lesson contents, the lab's
check-all summary and cancel, dimmed keys and the mouse. No AWS: labs run on a fake runner."""

from __future__ import annotations

import threading
import tomllib

from textual.widgets import DataTable, Footer, ListView, OptionList

from conftest import footer_key
from tutor import settings
from tutor.store import Store
from tutor.tui.app import TutorApp, build_app
from tutor.tui.choices import ChoiceList
from tutor.tui.commands_palette import PALETTE
from tutor.tui.lab import LabScreen
from tutor.tui.lesson import LessonScreen, WrappingContents
from tutor.tui.quiz import QuizScreen
from tutor.tui.settings_screen import SettingsScreen

SMALL = (80, 24)


def make_app(tmp_path, **kw) -> TutorApp:
    kw.setdefault("lang", "en")
    return TutorApp(Store(tmp_path / "progress.db"), endpoint_url="http://127.0.0.1:9", start_sandbox=False,
                    watch_labs=False, check_content=False, **kw)


def saved() -> dict:
    return tomllib.loads(settings.settings_path().read_text(encoding="utf-8"))




# palette -----------------------------------------------------------------------------------
async def test_every_palette_entry_for_a_screen_opens_it(tmp_path):
    """Each non-day entry opens something (a screen or a modal) without an error."""
    app = make_app(tmp_path, lang="en")
    async with app.run_test(size=SMALL) as pilot:
        for label in ("Availability calculator", "S3 storage cost planner", "Load test (local StreamCloud tier)",
                      "Auto Scaling what-if", "Failure drills (game day)", "Exam date and plan"):
            run = next(run for en, _, run in PALETTE if en == label)
            before = len(app.screen_stack)
            run(app)
            await pilot.pause()
            assert len(app.screen_stack) == before + 1, label
            app.pop_screen()
            await pilot.pause()


def test_palette_lists_every_day_and_the_screens():
    labels = [en for en, _, _ in PALETTE]
    for kind in ("Lesson", "Quiz", "Lab"):
        assert sum(label.startswith(kind + " · ") for label in labels) == 6
    for wanted in ("Exam simulation", "Mistakes review", "Due today", "Dashboard (CloudWatch)",
                   "Timeline (sandbox clock)", "Settings", "Help: keys of this screen"):
        assert wanted in labels
    assert all(ko and callable(run) for _, ko, run in PALETTE)


async def test_palette_opens_the_settings_screen(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"settings")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)


async def test_palette_entry_for_a_day_opens_its_quiz(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        run = next(run for en, _, run in PALETTE if en.startswith("Quiz · Day 3"))
        run(app)
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen) and app.screen.quiz_day == "3"


# settings ----------------------------------------------------------------------------------
async def test_settings_screen_saves_and_applies_language_and_theme_at_once(tmp_path):
    app = make_app(tmp_path, lang="ko")
    async with app.run_test(size=SMALL) as pilot:
        app.push_screen(SettingsScreen())
        await pilot.pause()
        await pilot.click("#lang-en")
        await pilot.pause()
        assert app.lang == "en" and saved()["lang"] == "en"
        await pilot.click("#theme-light")
        await pilot.pause()
        assert app.theme == "textual-light" and saved()["theme"] == "light"
        assert not app.screen.query_one("#real-warning").display
        await pilot.click("#backend-real")
        await pilot.pause()
        assert saved()["backend"] == "real" and app.screen.query_one("#real-warning").display
        await pilot.click("#region")
        await pilot.press(*"eu-west-1", "enter")
        await pilot.pause()
        assert saved()["region"] == "eu-west-1"
        await pilot.press("ctrl+t")  # the theme key toggles back, and saves
        await pilot.pause()
        assert app.theme == "textual-dark" and "theme" not in saved()


async def test_a_broken_settings_file_is_one_line_not_a_crash(tmp_path):
    settings.settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings.settings_path().write_text('theme = "purple"\n', encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert any("theme must be one of" in n.message for n in app._notifications)
        await pilot.press("l")  # saving cannot work either: said, not raised
        await pilot.pause()
        assert app.lang == "ko"


# language ----------------------------------------------------------------------------------
async def test_tutor_lang_en_opens_the_app_in_english(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_LANG", "en")
    store = Store(tmp_path / "progress.db")
    store.set_setting("lang", "ko")  # the old saved choice loses to the environment
    app = build_app(store, None, endpoint_url="http://127.0.0.1:9", start_sandbox=False, check_content=False)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert app.lang == "en"
        columns = app.screen.query_one(DataTable).columns
        assert "Day" in str(columns[next(iter(columns))].label)


def test_language_rule_order_and_migration(tmp_path, monkeypatch):
    from tutor.language import resolve_lang

    monkeypatch.delenv("TUTOR_LANG")
    assert resolve_lang(None, lambda: None) == "ko"
    assert resolve_lang(None, lambda: "en") == "en"  # the store's old choice, now in settings.toml
    assert settings.load().lang == "en"
    monkeypatch.setenv("TUTOR_LANG", "ko")
    assert resolve_lang(None, lambda: None) == "ko"  # this shell's environment before settings.toml
    monkeypatch.delenv("TUTOR_LANG")
    assert resolve_lang(None, lambda: "ko") == "en"  # settings.toml before the store's old choice
    assert resolve_lang("ko", lambda: None) == "ko"  # --lang before everything


async def test_language_key_saves_to_settings_toml(tmp_path):
    app = make_app(tmp_path, lang="ko")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("l")
        await pilot.pause()
    assert saved()["lang"] == "en"


# lesson ------------------------------------------------------------------------------------
async def test_lesson_contents_show_whole_korean_headings(tmp_path):
    app = make_app(tmp_path, lang="ko")
    async with app.run_test(size=SMALL) as pilot:
        app.push_screen(LessonScreen("1"))
        await pilot.pause(0.3)
        lesson = app.catalog.lesson("1", "ko")
        longest = max((s.heading for s in lesson.meta.sections), key=len)
        contents = app.screen.query_one(WrappingContents)
        entries = contents.query_one(OptionList)
        prompts = [str(entries.get_option_at_index(i).prompt) for i in range(entries.option_count)]
        assert any(p.endswith(longest) for p in prompts)
        narrow = contents.size.width
        await pilot.press("w")
        await pilot.pause()
        assert contents.size.width > narrow
        index = next(i for i, p in enumerate(prompts) if p.endswith(longest))
        entries.highlighted = index
        await pilot.press("tab")  # selecting a heading shows its section
        entries.action_select()
        await pilot.pause()
        assert app.screen.page == index
        assert f"## {longest}" in app.screen.query_one("#lesson").document.source


# lab ---------------------------------------------------------------------------------------
class FakeBackend:
    kind, endpoint = "sandbox", "http://127.0.0.1:9"


class FakeRunner:
    """Passes every step but the last; ``gate`` (when set) holds each step until released."""

    def __init__(self, lab, gate: threading.Event | None = None):
        self.lab, self.gate, self.started = lab, gate, threading.Event()

    def verify(self, step_id=None, progress=None):
        steps = [s for s in self.lab.steps if step_id in (None, s.id)]
        results = []
        for i, step in enumerate(steps):
            if progress:
                progress(step.id)
            self.started.set()
            if self.gate is not None:
                self.gate.wait(5)
            passed = step is not self.lab.steps[-1]
            results.append({"id": step.id, "passed": passed,
                            "checks": [{"id": "c", "passed": passed, "message": "ok" if passed else "missing"}]})
        return {"lab": self.lab.id, "passed": all(r["passed"] for r in results), "steps": results,
                "real_aws_only": [], "backend": {}}

    def solve(self, step_ids=None, progress=None):
        return list(step_ids or [])


def first_day_lab(app) -> str:
    return min(lab.id for lab in app.catalog.labs.values() if lab.day == "1" and not lab.graded)


async def open_lab(app, pilot, runner_for):
    lab_id = first_day_lab(app)
    app.push_screen(LabScreen(lab_id))
    await pilot.pause()
    screen = app.screen
    runner = runner_for(screen.lab)
    screen._runner = lambda: (runner, FakeBackend())
    return screen, runner


async def settle(app, pilot):
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "lab"])
    await pilot.pause()


async def test_check_all_summary_has_its_own_place(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        lab, _ = await open_lab(app, pilot, FakeRunner)
        await pilot.press("a")
        await settle(app, pilot)
        summary = lab.query_one("#summary")
        n = len(lab.lab.steps)
        assert summary.display and f"{n - 1} of {n} steps pass" in str(summary.render())
        assert lab.lab.steps[-1].id in str(summary.render())
        assert summary not in lab.query_one("#detail").query("*")  # not under the selected step
        assert str(lab.query_one("#status").render()).strip() == ""


async def test_cancel_stops_a_long_check_and_records_nothing(tmp_path):
    gate = threading.Event()
    app = make_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        lab, runner = await open_lab(app, pilot, lambda l: FakeRunner(l, gate))
        await pilot.press("a")
        await pilot.pause()
        assert runner.started.wait(5)
        await pilot.pause()
        assert lab.busy and lab.query_one("#busy").display and "1 of" in lab.busy
        assert (await footer_key(pilot, lab, "check")).has_class("-disabled")  # no second run while one runs
        assert not (await footer_key(pilot, lab, "cancel")).has_class("-disabled")
        await pilot.press("x")
        await pilot.pause()
        assert lab.busy is None and not lab.query_one("#busy").display
        assert "Cancelled" in str(lab.query_one("#status").render())
        gate.set()  # the thread stops at the next step
        await pilot.pause(0.3)
        assert lab.whole_report is None and app.store.lab_status(lab.lab_id) == {}
        assert isinstance(app.screen, LabScreen)  # escape had nothing to cancel: it still leaves after
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LabScreen)


# dimmed keys and the mouse -----------------------------------------------------------------
async def test_quiz_next_is_dimmed_until_answered_and_options_take_clicks(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(QuizScreen(day="1", count=2, seed=1))
        await pilot.pause()
        quiz = app.screen
        assert (await footer_key(pilot, quiz, "next")).has_class("-disabled")
        assert not (await footer_key(pilot, quiz, "submit")).has_class("-disabled")
        choices = quiz.query_one(ChoiceList)
        await pilot.click(ChoiceList, offset=(4, 1))  # the first option (under the border)
        await pilot.pause()
        assert len(choices.selected) == 1
        await pilot.press("s")
        await pilot.pause()
        if quiz.submitted:
            assert not (await footer_key(pilot, quiz, "next")).has_class("-disabled")
            assert (await footer_key(pilot, quiz, "submit")).has_class("-disabled")


async def test_lab_hint_dims_when_used_up_and_steps_take_clicks(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        lab, _ = await open_lab(app, pilot, FakeRunner)
        for _ in lab.step.hints:
            await pilot.press("h")
        await pilot.pause()
        assert lab.check_action("hint", ()) is None
        assert (await footer_key(pilot, lab, "hint")).has_class("-disabled")
        steps = lab.query_one(ListView)
        await pilot.click(steps.children[1])
        await pilot.pause()
        assert lab.step_index == 1


async def test_day_rows_take_clicks(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(DataTable)
        await pilot.click(DataTable, offset=(2, 3))  # header row, then days 1, 2, 3
        await pilot.pause()
        assert table.cursor_row == 2
        assert isinstance(app.screen.query_one(Footer), Footer)


async def test_lab_screen_on_real_aws_asks_tags_records_and_leaves_cleanup_to_the_terminal(
        tmp_path, endpoint, monkeypatch):
    """backend = "real" in settings.toml (a moto server plays the account through AWS_ENDPOINT_URL):
    solving a step shows the plan and waits for the account id (escape: nothing made); typed, it
    builds with the tutor's tags and records; reset is dimmed and refused; checks read as real."""
    import boto3

    from tutor.tui.real_confirm import RealConfirm

    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    settings.save({"backend": "real"})
    ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name="us-east-1")
    account = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1").get_caller_identity()["Account"]

    def tagged():
        return [v for v in ec2.describe_vpcs()["Vpcs"]
                if {"Key": "tutor:lab", "Value": "ec2-asg"} in v.get("Tags", [])]
    app = TutorApp(Store(tmp_path / "progress.db"), endpoint_url=None, start_sandbox=False, lang="en",
                   watch_labs=False, check_content=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        assert screen.real_mode and any("tutor lab cleanup ec2-asg --real" in n.message for n in app._notifications)
        assert screen.check_action("reset_lab", ()) is None and screen.check_action("solve", ()) is True
        shown = screen.query_one("#commands").text
        assert "tutor:created-by" in shown and "tutor:lab" in shown  # the commands carry the tutor's tags
        assert "AWS_ENDPOINT_URL=" not in str(screen.query_one("#env").render())  # no sandbox export lines

        async def solve_and_answer(keys):
            screen.action_solve()
            for _ in range(200):  # the dialog comes from the worker; typing waits for its input's focus
                await pilot.pause(0.05)
                # query, not query_one: the dialog may be pushed and not yet composed
                field = app.screen.query("#real-account") if isinstance(app.screen, RealConfirm) else None
                if field and app.focused is field.first():
                    break
            assert isinstance(app.screen, RealConfirm)
            assert any(account in line for line in app.screen.lines)
            assert any("estimated total" in line for line in app.screen.lines)
            await pilot.press(*keys)
            await app.workers.wait_for_complete([w for w in app.workers if w.group == "lab"])
            await pilot.pause()

        await solve_and_answer(["escape"])
        assert not tagged() and len(ec2.describe_vpcs()["Vpcs"]) == 1  # stopped: only the default VPC
        await solve_and_answer([*account, "enter"])
        vpcs = tagged()
        assert vpcs and {t["Key"] for t in vpcs[0]["Tags"]} >= {"tutor:lab", "tutor:run", "tutor:created-by"}
        assert any(r["resource_id"] == vpcs[0]["VpcId"] for r in app.store.created_resources())
        await pilot.press("a")  # check all: read-only, no question
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "lab"])
        await pilot.pause()
        assert {row["backend"] for row in app.store.db["lab_checks"].rows} == {"real"}
        screen.action_reset_lab()
        await pilot.pause()
        assert app.screen is screen  # refused: no reset question on a real account
