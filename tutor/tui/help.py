"""Help: the keys of the screen underneath, and how the tutor works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

HELP = {
    "en": """# Help

**Keys on this screen**

{keys}

**Everywhere**: `?` help · `l` 한국어/English · `escape` back · `ctrl+q` quit

**How it works.** Read a day's lesson, practise its questions (every option is explained, with
the AWS documentation that proves the answer), then do its lab: type the `aws` CLI commands in
another terminal against the local sandbox (the lines to paste are on the lab screen and in
`tutor sandbox status`), and press Check. Everything you do is saved and survives a restart.
Headless: `tutor --help`.
""",
    "ko": """# 도움말

**이 화면의 키**

{keys}

**공통**: `?` 도움말 · `l` 한국어/English · `escape` 뒤로 · `ctrl+q` 종료

**사용 방법.** 그날의 레슨을 읽고, 문항을 풀고(모든 보기에 해설과 근거가 되는 AWS 문서 링크가
있습니다), 실습을 하십시오. 다른 터미널에서 로컬 샌드박스를 대상으로 `aws` CLI 명령을 입력하고
(붙여 넣을 줄은 실습 화면과 `tutor sandbox status`에 있습니다) Check를 누르면 됩니다. 모든 진행
상황은 저장되며 재시작 후에도 남아 있습니다. 헤드리스 사용: `tutor --help`.
""",
}


def _bindings_of(screen: Screen) -> list[Binding]:
    """The screen's bindings as the footer shows them (translated), one per action."""
    try:
        found = [b for bindings in screen._bindings.key_to_bindings.values() for b in bindings]
    except AttributeError:  # a Textual without the map: the class's (English) bindings
        found = [b for b in getattr(screen, "BINDINGS", []) if isinstance(b, Binding)]
    seen, out = set(), []
    for b in found:
        if b.description and b.action not in seen:
            seen.add(b.action)
            out.append(b)
    return out


class HelpScreen(ModalScreen):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 80; max-height: 80%; border: thick $accent; background: $surface; padding: 1 2; }
    """
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Close"),
                Binding("l", "app.toggle_language", "한국어/English", show=False)]

    def __init__(self, under: Screen):
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        keys = "\n".join(
            f"- `{b.key_display or b.key}` {b.description}" for b in _bindings_of(self.under)
        ) or "-"
        with VerticalScroll():
            yield Markdown(HELP[lang].format(keys=keys))
