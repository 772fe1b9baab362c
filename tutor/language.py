"""Which language the app and the commands speak: one rule, used by both front ends.

Order: ``--lang`` > ``$TUTOR_LANG`` > ``lang`` in settings.toml > the progress store's old
``lang`` setting > Korean: the nearer a choice is to this one run, the more it weighs (a flag,
then the environment of this shell, then the saved file), as with the aws CLI's own settings. The store kept the app's language before settings.toml existed: when
it is the one used, it is copied into settings.toml (migrated) so the two cannot disagree later.
A settings.toml that does not read is skipped here; whoever needs the file says why it is wrong.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from tutor import settings
from tutor.errors import UsageError

LANGS = settings.LANGS
DEFAULT = "ko"


def _valid(lang: object) -> str | None:
    return lang if lang in LANGS else None


def settings_lang() -> str | None:
    try:
        return settings.load().lang
    except UsageError:
        return None


def saved_lang(store_lang: Callable[[], str | None] | None) -> str | None:
    """The student's saved choice: settings.toml's, else the store's old one (then migrated)."""
    chosen = settings_lang()
    if chosen or store_lang is None:
        return chosen
    old = _valid(store_lang())
    if old:
        try:
            settings.save({"lang": old})
        except (UsageError, OSError):  # a read-only or broken file: the old choice still applies
            pass
    return old


def resolve_lang(flag: str | None, store_lang: Callable[[], str | None] | None = None) -> str:
    """The language to use; ``store_lang`` reads the store's old setting (only when needed)."""
    return (_valid(flag) or _valid(os.environ.get("TUTOR_LANG")) or saved_lang(store_lang) or DEFAULT)
