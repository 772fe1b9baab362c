"""The TUI driven like a student: home -> lesson -> quiz answer -> lab check, then a restart."""

from __future__ import annotations

from textual.widgets import DataTable, MarkdownViewer

from conftest import footer_key

from tutor.store import Store
from tutor.tui.choices import ChoiceList
from tutor.tui.app import TutorApp
from tutor.tui.help import HelpScreen
from tutor.tui.home import HomeScreen
from tutor.tui.lab import LabScreen
from tutor.tui.lesson import LessonScreen
from tutor.tui.quiz import QuizScreen

SIZE = (120, 40)


def make_app(tmp_path, endpoint="http://127.0.0.1:9", **kw):
    # The content check (half a second in a thread the app's exit waits for) is off unless a
    # test is about it: test_content_check_runs_after_the_first_frame.
    kw.setdefault("check_content", False)
    return TutorApp(Store(tmp_path / "progress.db"), endpoint_url=endpoint, start_sandbox=False, **kw)


async def wait_workers(app, pilot):
    from textual.worker import WorkerFailed

    # The lab screen's watch runs until the screen closes: wait for everything else (an empty
    # list would make Textual wait for every worker, the watch included).
    others = [w for w in app.workers if w.group != "lab-watch"]
    try:
        if others:
            await app.workers.wait_for_complete(others)
    except WorkerFailed:  # the app shows the failure; the test asserts on what it shows
        pass
    await pilot.pause()



async def test_home_lesson_quiz_lab_and_restart(tmp_path, endpoint):
    app = make_app(tmp_path, endpoint, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 6

        await pilot.press("enter")  # read Day 1
        assert isinstance(app.screen, LessonScreen)
        await pilot.pause()
        viewer = app.screen.query_one(MarkdownViewer)
        source = viewer.document.source
        assert source.startswith("# EC2 & Auto Scaling") and "## Instance families" in source
        assert "## Placement groups" not in source  # the next section is the next page
        await pilot.press("escape")

        await pilot.press("z")  # practice Day 1
        assert isinstance(app.screen, QuizScreen)
        quiz = app.screen
        question = quiz.question
        choices = quiz.query_one(ChoiceList)
        for key in question.answer:
            choices.select(key)
        await pilot.press("s")
        await pilot.pause()
        assert quiz.submitted and quiz.attempts[-1].correct
        feedback = quiz.query_one("#feedback").source if hasattr(quiz.query_one("#feedback"), "source") else ""
        assert "✓" in feedback
        await pilot.press("escape")

        await pilot.press("b")  # Day 1 lab
        assert isinstance(app.screen, LabScreen)
        lab = app.screen
        await pilot.press("k")  # check the first step on an empty account
        await wait_workers(app, pilot)
        assert lab.last["network"]["passed"] is False
        await pilot.press("s")  # solve it
        await wait_workers(app, pilot)
        assert lab.last["network"]["passed"] is True
        # The watch may already have moved the screen on to the next step: read the network
        # step's results as the screen records them, not whichever step is on show.
        assert any("streamcloud-vpc" in c["message"] for c in lab.last["network"]["checks"].values())
        lab.select_step(0)  # and on screen, once the network step is shown again
        await pilot.pause()
        assert "streamcloud-vpc" in " ".join(str(w.render()) for w in lab.query(".result"))
        await pilot.press("escape")
        await pilot.pause()
        assert "1/5" in str(table.get_row("1")[4])

    # a restart finds the answer, the lesson read and the lab result again
    again = make_app(tmp_path, endpoint, lang="en")
    async with again.run_test(size=SIZE) as pilot:
        row = again.screen.query_one(DataTable).get_row("1")
        assert str(row[2]) == "read"
        assert str(row[3]).startswith("1/1")
        assert "ec2-asg 1/5" in str(row[4])
        await pilot.press("b")
        assert again.screen.last["network"]["passed"] is True



async def test_wrong_answer_shows_every_explanation(tmp_path):
    app = make_app(tmp_path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z")
        quiz = app.screen
        question = quiz.question
        wrong = next(c.key for c in question.choices if c.key not in question.answer)
        quiz.query_one(ChoiceList).select(wrong)
        if question.type == "multi":
            others = [c.key for c in question.choices if c.key != wrong][: question.choose - 1]
            for key in others:
                quiz.query_one(ChoiceList).select(key)
        await pilot.press("s")
        await pilot.pause()
        assert not quiz.attempts[-1].correct
        source = quiz.query_one("#feedback").source
        for choice in question.choices:
            assert choice.explanation.en.strip()[:30] in source
        assert "docs.aws.amazon.com" in source
        assert "Press **r** to read the lesson section" in source
        await pilot.press("r")  # from a wrong answer to the lesson section that teaches it
        await pilot.pause()
        assert type(app.screen).__name__ == "LessonScreen" and app.screen.day == question.day
        await pilot.press("escape")
        await pilot.press("n")
        await pilot.pause()
        assert quiz.index == 1 and not quiz.submitted



async def test_submit_without_selection_warns(tmp_path):
    app = make_app(tmp_path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z")
        await pilot.press("s")
        await pilot.pause()
        assert not app.screen.submitted and app.screen.attempts == []



async def test_language_switch_is_remembered(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.lang == "ko"
        assert "일차" in str(app.screen.query_one(DataTable).columns[list(app.screen.query_one(DataTable).columns)[0]].label)
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "en"
        assert "Day" in str(app.screen.query_one(DataTable).columns[list(app.screen.query_one(DataTable).columns)[0]].label)
    again = make_app(tmp_path)
    async with again.run_test(size=SIZE):
        assert again.lang == "en"



async def test_help_and_quit(tmp_path):
    app = make_app(tmp_path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("b")
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Check" in app.screen.query_one("Markdown").source
        await pilot.press("escape", "escape")
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0



async def test_lab_screen_reports_unreachable_backend(tmp_path):
    app = make_app(tmp_path, "http://127.0.0.1:9", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.press("k")
        await wait_workers(app, pilot)
        assert isinstance(app.screen, LabScreen)  # no crash: an error notification instead
        assert any("cannot reach" in n.message for n in app._notifications)


async def test_language_switch_on_every_screen(tmp_path):
    app = make_app(tmp_path, lang="ko")
    async with app.run_test(size=SIZE) as pilot:
        for keys in (["b"], ["e"], ["z"], ["enter"], ["p"], ["t"]):
            await pilot.press(*keys)
            await pilot.pause()
            before = type(app.screen).__name__
            await pilot.press("l")
            await pilot.pause()
            await pilot.press("l")
            await pilot.pause()
            assert type(app.screen).__name__ == before  # no crash, same screen
            await pilot.press("escape")
            await pilot.pause()
            if type(app.screen).__name__ != "HomeScreen":
                await pilot.press("escape")
        footer_keys = {b.action: b.description for _, b in app.screen._bindings}
        assert footer_keys.get("lesson") == "레슨"


async def test_lesson_opens_at_a_section(tmp_path):
    from tutor.tui.lesson import LessonScreen

    app = make_app(tmp_path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(LessonScreen("1", "lifecycle-hooks"))
        await pilot.pause()
        screen = app.screen
        heading = next(s.heading for s in app.catalog.lesson("1", "en").meta.sections if s.id == "lifecycle-hooks")
        assert screen.query_one("MarkdownViewer").document.source.startswith(f"## {heading}")
        assert app.store.lessons_read() == {"1": {"lifecycle-hooks"}}
        before = screen.page
        await pilot.press("n")  # the next section; p goes back
        await pilot.pause()
        assert screen.page == before + 1 and screen.pages[before + 1].heading in screen.sub_title
        await pilot.press("p")
        await pilot.pause()
        assert screen.page == before
        await pilot.press("l")  # the same section, in Korean
        await pilot.pause()
        ko = next(s.heading for s in app.catalog.lesson("1", "ko").meta.sections if s.id == "lifecycle-hooks")
        assert screen.query_one("MarkdownViewer").document.source.startswith(f"## {ko}")


async def test_the_lesson_footer_keeps_help_on_screen_at_80_columns(tmp_path):
    """A student's 80-column terminal: the footer shows the page keys and `?` for help (every other
    key, `w` for wide contents included, is listed on the help screen)."""
    from textual.widgets._footer import FooterKey

    for lang in ("en", "ko"):
        app = make_app(tmp_path / lang, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.push_screen(LessonScreen("1"))
            await footer_key(pilot, app.screen, "help")  # the bar has drawn its keys
            keys = {k.action: k for k in app.screen.query(FooterKey)}
            # the command palette's key is drawn over the right end of the bar
            edge = min([k.region.x for k in app.screen.query(FooterKey) if k.has_class("-command-palette")] or [80])
            for action in ("next_page", "previous_page", "toggle_toc", "links", "help"):
                assert 0 < keys[action].region.right <= edge, (lang, action, keys[action].region, edge)
            assert "widen_toc" not in keys


async def test_lesson_pages_end_at_both_ends(tmp_path):
    from tutor.tui.lesson import LessonScreen

    app = make_app(tmp_path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(LessonScreen("1"))
        await pilot.pause()
        screen = app.screen
        assert screen.page == 0 and screen.check_action("previous_page", ()) is None  # dimmed
        await pilot.press("p")
        assert screen.page == 0
        last = len(screen.pages) - 1
        await screen.show_page(last - 1)  # the contents' jump, without turning every page
        await pilot.press("n", "n")  # the second is dimmed: nothing after the last page
        await pilot.pause()
        assert screen.page == last and screen.check_action("next_page", ()) is None
        source = screen.query_one("MarkdownViewer").document.source
        assert "Next section" not in source  # the last page points nowhere
        await pilot.press("p")
        await pilot.pause()
        assert "Next section (**n**)" in screen.query_one("MarkdownViewer").document.source


async def test_lesson_web_links_open_in_the_browser_not_as_files(tmp_path):
    from textual.widgets import Markdown

    from tutor.tui.lesson import LessonScreen, LinksScreen

    app = make_app(tmp_path, lang="en")
    opened = []
    app.open_url = lambda url, **kw: opened.append(url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        viewer = app.screen.query_one("LessonViewer")
        url = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/placement-groups.html"
        viewer.document.post_message(Markdown.LinkClicked(viewer.document, url))
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and opened == [url]
        await pilot.press("u")  # every link from the keyboard
        assert isinstance(app.screen, LinksScreen)
        assert any(u.startswith("https://docs.aws.amazon.com/") for _, _, u in app.screen.links)
        await pilot.press("enter")
        await pilot.pause()
        assert len(opened) == 2 and opened[1].startswith("https://")


async def test_long_options_are_shown_whole(tmp_path):
    app = make_app(tmp_path, lang="en")
    longest = max((q for q in app.catalog.questions.values() if q.day == "1"),
                  key=lambda q: max(len(c.text.en) for c in q.choices))
    from tutor.tui.quiz import QuizScreen

    async with app.run_test(size=(100, 40)) as pilot:
        await app.push_screen(QuizScreen(questions=[longest]))
        await pilot.pause()
        choices = app.screen.query_one(ChoiceList)
        text = max((c.text.en for c in longest.choices), key=len)
        rendered = "".join(str(strip.text) for strip in choices.render_lines(choices.region.reset_offset))
        assert "…" not in rendered
        assert text.split()[-1].rstrip(".") in rendered.replace("  ", " ")  # the last word is on screen
        await pilot.press("space")  # keyboard toggles the highlighted option
        assert len(choices.selected) == 1


async def test_multi_answer_boxes(tmp_path):
    from tutor.tui.quiz import QuizScreen

    app = make_app(tmp_path, lang="en")
    multi = next(q for q in app.catalog.questions.values() if q.type == "multi")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(QuizScreen(questions=[multi]))
        await pilot.pause()
        choices = app.screen.query_one(ChoiceList)
        await pilot.press("space")
        rendered = "".join(str(strip.text) for strip in choices.render_lines(choices.region.reset_offset))
        assert "[x]" in rendered and "[ ]" in rendered


async def test_literal_angle_brackets_survive_markdown(tmp_path):
    from textual.widgets import Markdown

    app = make_app(tmp_path, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        from tutor.tui.i18n import md_text

        shown = Markdown(md_text("keys in the form data/<sensor-id>.json"))
        await app.screen.mount(shown)
        await pilot.pause()
        text = " ".join(str(block.render()) for block in shown.query("MarkdownParagraph"))
        assert "<sensor-id>" in text


async def test_help_lists_keys_in_the_chosen_language(tmp_path):
    app = make_app(tmp_path, lang="ko")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.press("question_mark")
        await pilot.pause()
        source = app.screen.query_one("Markdown").source
        assert "검사" in source and "풀이 실행" in source and "Check all" not in source


async def test_content_check_runs_after_the_first_frame_and_says_what_it_found(tmp_path, monkeypatch):
    from tutor.content import check

    monkeypatch.setattr(check, "check_catalog", lambda catalog: ["a problem", "another"])
    app = make_app(tmp_path, lang="en", check_content=True)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("2" in n.message for n in app._notifications)
