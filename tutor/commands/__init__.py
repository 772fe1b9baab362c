"""The headless front end's command handlers, one module per command group.

Each handler takes parsed arguments and an :class:`Output`, calls the core, and returns an
exit code. Handlers never print JSON themselves: ``Output`` guarantees one document on stdout.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Callable


class Output:
    """stdout carries data only (one JSON document with --json); stderr carries the rest."""

    def __init__(self, as_json: bool, lang: str = "ko"):
        self.as_json, self.lang = as_json, lang

    def emit(self, data: Any, human: Callable[[], str] | str | None = None) -> None:
        if self.as_json:
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        else:
            text = human() if callable(human) else human
            if text is None:
                text = json.dumps(data, ensure_ascii=False, indent=2)
            sys.stdout.write(text.rstrip("\n") + "\n")
        sys.stdout.flush()

    def info(self, text: str) -> None:
        sys.stderr.write(text.rstrip("\n") + "\n")
        sys.stderr.flush()

    def t(self, en: str, ko: str) -> str:
        return ko if self.lang == "ko" else en
