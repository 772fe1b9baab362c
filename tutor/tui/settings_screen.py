"""Settings: language, theme, lab backend and region, saved in settings.toml as they change.

Language and theme apply at once; the backend and the region belong to the `tutor lab ...`
commands (the app's lab screen always runs on the sandbox), so the screen says they apply to the
next such command. Writing goes through tutor.settings.save (validated, atomic); a file that does
not read is said in one line by the app, never a crash.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, RadioButton, RadioSet, Static

TEXTS: dict[str, tuple[str, str]] = {
    # key: (en, ko)
    "title": ("Settings", "설정"),
    "file": ("Saved in {path} as you change them.", "바꾸는 즉시 {path}에 저장됩니다."),
    "lang": ("Language", "언어"),
    "theme": ("Theme", "테마"),
    "dark": ("Dark", "어둡게"), "light": ("Light", "밝게"),
    "backend": ("Lab backend", "실습 백엔드"),
    "sandbox": ("Sandbox (local)", "샌드박스(로컬)"), "real": ("Real AWS", "실제 AWS"),
    "region": ("Region", "리전"),
    "region_hint": ("e.g. us-east-1; enter saves, empty = the default", "예: us-east-1, enter로 저장, 비우면 기본값"),
    "real_warning": (("⚠ Real AWS: lab commands create real resources in your account and may cost money. "
                      "Tidy up with `tutor cleanup --all --real`."),
                     ("⚠ 실제 AWS: 실습 명령이 본인 계정에 실제 리소스를 만들며 요금이 청구될 수 있습니다. "
                      "`tutor cleanup --all --real`로 정리하십시오.")),
    "next_command": (("Backend and region apply to the next `tutor lab ...` command; the app's lab screen "
                      "always uses the sandbox."),
                     "백엔드와 리전은 다음 `tutor lab ...` 명령부터 적용됩니다. 앱의 실습 화면은 항상 샌드박스를 사용합니다."),
    "saved": ("Saved: {what}.", "저장됨: {what}."),
}


def text(key: str, lang: str, **kwargs: object) -> str:
    en, ko = TEXTS[key]
    return (ko if lang == "ko" else en).format(**kwargs)


class SettingsScreen(Screen):
    CSS_PATH = "settings_screen.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        lang, chosen = self.app.lang, self.app.settings
        yield Header()
        with VerticalScroll(id="settings"):
            yield Static(text("file", lang, path=self._path()), classes="muted", markup=False)
            yield from self._choice("lang", lang, [("ko", "한국어"), ("en", "English")], lang)
            yield from self._choice("theme", lang, [(t, text(t, lang)) for t in ("dark", "light")], chosen.theme)
            yield from self._choice("backend", lang, [(b, text(b, lang)) for b in ("sandbox", "real")],
                                    chosen.backend)
            yield Static(text("real_warning", lang), id="real-warning", markup=False)
            with Horizontal(classes="row"):
                yield Label(text("region", lang), classes="name")
                yield Input(chosen.region or "", placeholder=text("region_hint", lang), id="region")
            yield Static(text("next_command", lang), classes="muted", markup=False)
            yield Static(id="saved", classes="muted", markup=False)
        yield Footer()

    def _choice(self, name: str, lang: str, options: list[tuple[str, str]], current: str):
        with Horizontal(classes="row"):
            yield Label(text(name, lang), classes="name")
            with RadioSet(id=name):
                for value, label in options:
                    yield RadioButton(label, value=value == current, id=f"{name}-{value}")

    def _path(self) -> str:
        from tutor.settings import settings_path  # noqa: PLC0415

        return str(settings_path())

    def on_mount(self) -> None:
        self.sub_title = text("title", self.app.lang)
        self.show_warning()
        self.watch(self.app, "lang", lambda _: self.refresh(recompose=True), init=False)

    def on_screen_resume(self) -> None:
        self.sub_title = text("title", self.app.lang)

    def show_warning(self) -> None:
        self.query_one("#real-warning").display = self.app.settings.backend == "real"

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        name = event.radio_set.id
        value = (event.pressed.id or "").removeprefix(f"{name}-")
        app = self.app
        current = app.lang if name == "lang" else getattr(app.settings, name)
        if not value or value == current:
            return  # the screen being (re)built, not the student
        if name == "theme":
            saved = app.apply_theme(value)
        else:
            saved = app.save_settings(**{name: value})
            if saved and name == "lang":
                app.lang = value  # everything on screen follows, this screen too
        if saved:
            self.said(value)
        self.show_warning()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        region = event.value.strip() or None
        if region != self.app.settings.region and self.app.save_settings(region=region):
            self.said(region or "-")

    def said(self, what: str) -> None:
        for widget in self.query("#saved"):  # none for a moment while a language change rebuilds
            widget.update(text("saved", self.app.lang, what=what))
