"""Choose what to practise: a day, a task statement, a service, or the weakest tasks first."""

from __future__ import annotations

from collections import Counter

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tutor.content.models import DAYS, TASKS, service_key
from tutor.tui.i18n import topic, tr

TASK_NAMES = {
    "2.1": ("Scalable and loosely coupled architectures", "확장 가능하고 느슨하게 결합된 아키텍처"),
    "2.2": ("Highly available and fault-tolerant architectures", "고가용성 및/또는 내결함성을 갖춘 아키텍처"),
    "3.1": ("High-performing storage", "고성능 스토리지 솔루션"),
    "3.2": ("High-performing, elastic compute", "고성능의 탄력적인 컴퓨팅 솔루션"),
    "3.3": ("High-performing databases", "고성능 데이터베이스 솔루션"),
    "3.4": ("High-performing networks", "고성능 네트워크 아키텍처"),
    "3.5": ("Data ingestion and transformation", "고성능 데이터 수집 및 변환 솔루션"),
}


class PracticePicker(ModalScreen[dict | None]):
    """Dismisses with the quiz to start: {"day"|"task"|"service"|"weakest": value}, or None."""

    DEFAULT_CSS = """
    PracticePicker { align: center middle; }
    PracticePicker > Vertical { width: 76; height: 80%; border: thick $accent; background: $surface; padding: 1 2; }
    PracticePicker OptionList { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "dismiss_none", "Close")]

    def compose(self) -> ComposeResult:
        lang, catalog = self.app.lang, self.app.catalog
        options: list[Option] = [Option(f"★ {tr('weakest', lang)}", id="weakest:1")]
        for day in DAYS:
            n = len(catalog.questions_for(day=day))
            label = tr("extra_topics", lang) if day == "extra" else f"{tr('day', lang)} {day}"
            options.append(Option(f"{label} · {topic(day, lang)} ({n})", id=f"day:{day}"))
        for task in TASKS:
            en, ko = TASK_NAMES[task]
            n = len(catalog.questions_for(task=task))
            options.append(Option(f"{task} {ko if lang == 'ko' else en} ({n})", id=f"task:{task}"))
        counts = Counter(service_key(s) for q in catalog.questions.values() for s in set(q.services))
        names: dict[str, str] = {}
        for q in catalog.questions.values():
            for s in q.services:
                names.setdefault(service_key(s), s)
        for key, n in counts.most_common():
            options.append(Option(f"{names[key]} ({n})", id=f"service:{key}"))
        with Vertical():
            yield Label(tr("pick_practice", lang))
            yield OptionList(*options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, value = (event.option.id or "").partition(":")
        self.dismiss({kind: value})

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
