"""The command palette (ctrl+p): every screen and action of the tutor, in the app's language.

PALETTE is one list of ``(label_en, label_ko, open)``; ``open`` takes the app. A new screen is one
more line, here or from its own module (``PALETTE.append(("Drill", "드릴", screen(
"tutor.tui.drill", "DrillScreen")))``). Screens are imported only when chosen, so the palette
costs the start-up nothing. A search matches either language; the app's language is shown.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tutor.content.models import DAYS
from tutor.tui.i18n import DAY_TOPICS, tr

Opener = Callable[[Any], object]


def screen(module: str, cls: str, *args: Any, **kwargs: Any) -> Opener:
    """Open ``module.cls(*args, **kwargs)`` on top of whatever is shown (imported when chosen)."""
    def open_screen(app) -> None:
        app.push_screen(getattr(importlib.import_module(module), cls)(*args, **kwargs))

    return open_screen


def app_action(name: str) -> Opener:
    """Run the app's ``action_<name>`` (help, language, theme ...)."""
    return lambda app: getattr(app, f"action_{name}")()


def home_action(name: str) -> Opener:
    """Run the home screen's ``action_<name>`` (exam, mistakes ...): one implementation of each."""
    def run(app) -> None:
        from tutor.tui.home import HomeScreen  # noqa: PLC0415

        home = next((s for s in app.screen_stack if isinstance(s, HomeScreen)), None)
        if home is not None:
            getattr(home, f"action_{name}")()

    return run


def open_lesson(day: str) -> Opener:
    def run(app) -> None:
        if app.catalog.lesson(day, app.lang) is None:
            app.notify(tr("no_lesson", app.lang))
            return
        screen("tutor.tui.lesson", "LessonScreen", day)(app)

    return run


def open_lab(day: str) -> Opener:
    """The day's lab, or the picker when the day has more than one."""
    def run(app) -> None:
        from tutor.tui.lab import LabScreen  # noqa: PLC0415
        from tutor.tui.lab_picker import LabPicker  # noqa: PLC0415

        labs = sorted(lab.id for lab in app.catalog.labs.values() if lab.day == day)
        if not labs:
            app.notify(tr("no_lab", app.lang))
        elif len(labs) == 1:
            app.push_screen(LabScreen(labs[0]))
        else:
            def chosen(lab_id: str | None) -> None:
                if lab_id:
                    app.push_screen(LabScreen(lab_id))

            app.push_screen(LabPicker(labs), chosen)

    return run


def _day_entries() -> list[tuple[str, str, Opener]]:
    out = []
    for day in DAYS:
        en_topic, ko_topic = DAY_TOPICS[day]
        en_day, ko_day = ("Extra", "추가") if day == "extra" else (f"Day {day}", f"{day}일차")
        out += [(f"Lesson · {en_day}: {en_topic}", f"레슨 · {ko_day}: {ko_topic}", open_lesson(day)),
                (f"Quiz · {en_day}: {en_topic}", f"퀴즈 · {ko_day}: {ko_topic}",
                 screen("tutor.tui.quiz", "QuizScreen", day=day)),
                (f"Lab · {en_day}: {en_topic}", f"실습 · {ko_day}: {ko_topic}", open_lab(day))]
    return out


#: Every entry of the palette, in the order it lists them before anything is typed.
PALETTE: list[tuple[str, str, Opener]] = [
    *_day_entries(),
    ("Exam simulation", "모의고사", home_action("exam")),
    ("Mistakes review", "오답 복습", home_action("mistakes")),
    ("Due today", "오늘 복습", home_action("due")),
    ("Practice weakest first", "약점 먼저 연습", home_action("weakest")),
    ("Practice by day, task or service", "골라서 연습", home_action("pick")),
    ("Progress", "진행 상황", home_action("progress")),
    ("Dashboard (CloudWatch)", "대시보드 (CloudWatch)", home_action("dashboard")),
    ("Timeline (sandbox clock)", "타임라인 (샌드박스 시계)", home_action("timeline")),
    ("Failure drills (game day)", "장애 훈련 (게임 데이)", screen("tutor.tui.drill", "DrillScreen")),
    ("Auto Scaling what-if", "Auto Scaling 가정 시뮬레이터", screen("tutor.tui.whatif_scaling", "WhatIfScalingScreen")),
    ("Availability calculator", "가용성 계산기", screen("tutor.tui.whatif_availability", "AvailabilityWhatIfScreen")),
    ("S3 storage cost planner", "S3 스토리지 비용 계획", screen("tutor.tui.whatif_storage", "StorageWhatIfScreen")),
    ("Load test (local StreamCloud tier)", "부하 테스트 (로컬 StreamCloud 웹 계층)", screen("tutor.tui.loadtest", "LoadTestScreen")),
    ("Next recommended action", "다음 추천 활동", home_action("start_next")),
    ("Exam date and plan", "시험일과 학습 계획", home_action("exam_date")),
    ("Settings", "설정", screen("tutor.tui.settings_screen", "SettingsScreen")),
    ("Help: keys of this screen", "도움말: 이 화면의 키", app_action("help")),
    ("Language: 한국어/English", "언어: 한국어/English", app_action("toggle_language")),
    ("Theme: light/dark", "테마: 밝게/어둡게", app_action("toggle_theme")),
]


class TutorCommands(Provider):
    """PALETTE for Textual's command palette."""

    def _entries(self):
        ko = getattr(self.app, "lang", "ko") == "ko"
        for en_label, ko_label, run in PALETTE:
            shown, other = (ko_label, en_label) if ko else (en_label, ko_label)
            yield shown, other, partial(run, self.app)

    async def discover(self) -> Hits:
        for shown, other, run in self._entries():
            yield DiscoveryHit(shown, run, help=other)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for shown, other, run in self._entries():
            score = max(matcher.match(shown), matcher.match(other))
            if score > 0:
                yield Hit(score, matcher.highlight(shown), run, text=shown, help=other)
