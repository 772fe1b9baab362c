"""Choose one of a day's labs (day 2 has two): a small modal list."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tutor.labs.progress import lab_progress, summary_cell
from tutor.tui.i18n import tr


class LabPicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    LabPicker { align: center middle; }
    LabPicker > Vertical { width: 80; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    LabPicker OptionList { height: auto; max-height: 12; }
    """
    BINDINGS = [Binding("escape", "dismiss_none", "Back")]

    def __init__(self, lab_ids: list[str]):
        super().__init__()
        self.lab_ids = lab_ids

    def compose(self) -> ComposeResult:
        app, lang = self.app, self.app.lang
        with Vertical():
            yield Label(tr("pick_lab", lang))
            yield OptionList(*[
                Option(f"{summary_cell(lab_progress(app.store, app.catalog.labs[i]), lang)}  "
                       f"{app.catalog.labs[i].title.get(lang)}", id=i)
                for i in self.lab_ids])

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
