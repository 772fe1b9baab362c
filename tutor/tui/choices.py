"""The answer options of a question: every option wraps to show its whole text.

Textual's SelectionList keeps each option on one line and cuts long ones with an ellipsis; exam
options are often longer than a terminal is wide, so this list is an OptionList whose prompts
carry the check box and wrap freely. Space, enter or a click toggles an option.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class ChoiceList(OptionList):
    DEFAULT_CSS = """
    ChoiceList { height: auto; max-height: 100%; }
    ChoiceList > .option-list--option { padding: 0 1; }
    """
    BINDINGS = [Binding("space", "select", "Toggle", show=False)]

    class Changed(Message):
        """The set of chosen keys changed."""

        def __init__(self, choice_list: "ChoiceList") -> None:
            super().__init__()
            self.choice_list = choice_list

        @property
        def control(self) -> "ChoiceList":
            return self.choice_list

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._labels: dict[str, str] = {}
        self._chosen: list[str] = []
        self.multiple = True

    @property
    def selected(self) -> list[str]:
        return list(self._chosen)

    def show(self, items: list[tuple[str, str]], chosen: list[str] | set[str], multiple: bool) -> None:
        """Show options ``(key, label)`` in this order, with ``chosen`` keys ticked."""
        self.multiple = multiple
        self._labels = dict(items)
        self._chosen = [k for k, _ in items if k in set(chosen)]
        self.clear_options()
        self.add_options([Option(self._prompt(key), id=key) for key, _ in items])
        if items:
            self.highlighted = 0

    def _prompt(self, key: str) -> Content:
        on = key in self._chosen
        box = ("[x]" if on else "[ ]") if self.multiple else ("(•)" if on else "( )")
        return Content(f"{box} {self._labels[key]}")  # plain: option text is not markup

    def _refresh_prompts(self) -> None:
        for key in self._labels:
            self.replace_option_prompt(key, self._prompt(key))

    def select(self, key: str) -> None:
        if key in self._chosen or key not in self._labels:
            return
        self._chosen = [key] if not self.multiple else [*self._chosen, key]
        self._refresh_prompts()
        self.post_message(self.Changed(self))

    def deselect(self, key: str) -> None:
        if key in self._chosen:
            self._chosen.remove(key)
            self._refresh_prompts()
            self.post_message(self.Changed(self))

    def toggle(self, key: str) -> None:
        if key in self._chosen:
            self.deselect(key)
        else:
            self.select(key)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not self.disabled and event.option.id:
            self.toggle(event.option.id)
