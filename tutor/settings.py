"""The student's settings: `settings.toml` in the tutor's data folder (read with tomllib).

The real-AWS guard rails (the account deny and allow lists) live here and not in the progress
database on purpose: a database that is reset, corrupt or moved aside must never open them.
The backend and region defaults live beside them. A missing file means the defaults; a file
that does not parse, or holds an unknown key or a wrong type, is a usage error (exit 2) —
the tutor never guesses what a guard rail was meant to say.

```toml
backend = "sandbox"          # "sandbox" (default) or "real": what lab commands use without a flag
region = "us-east-1"         # real AWS: the region labs run in after --region and $AWS_REGION (labs pinned to a region keep it)
lang = "ko"                  # "ko" or "en": the language of the app and of every command
theme = "dark"               # "dark" or "light": the app's colours
exam_date = 2027-01-15       # the day of your exam (a TOML date): home counts down and plans to it
deny_accounts = ["111122223333"]   # never these accounts (empty by default)
allow_accounts = []          # when not empty, only these accounts
```
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from tutor import paths
from tutor.errors import UsageError

FILE_NAME = "settings.toml"
BACKENDS = ("sandbox", "real")
LANGS = ("ko", "en")
THEMES = ("dark", "light")
_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class Settings:
    backend: str = "sandbox"
    """What lab commands use when no --real/--endpoint-url is given: "sandbox" or "real"."""
    region: str | None = None
    """Real AWS: the region labs run in when neither --region nor $AWS_REGION says (a lab pinned
    to a region, e.g. for CloudFront or its us-east-1a subnets, keeps it and says so)."""
    deny_accounts: tuple[str, ...] = field(default_factory=tuple)
    """Accounts real mode refuses, whatever else is said (12-digit ids)."""
    allow_accounts: tuple[str, ...] = field(default_factory=tuple)
    """When not empty, the only accounts real mode accepts."""
    lang: str | None = None
    """"ko" or "en"; None: not chosen (Korean). ``--lang`` and ``$TUTOR_LANG`` weigh more."""
    theme: str = "dark"
    """"dark" or "light"."""
    exam_date: dt.date | None = None
    """The day of the student's exam; home counts down to it and the review plan aims at it."""
    path: Path | None = None
    """Where they were read from (None: no file, the defaults)."""


def settings_path() -> Path:
    return paths.data_dir() / FILE_NAME


def _accounts(raw: object, key: str, where: Path) -> tuple[str, ...]:
    if not isinstance(raw, list):
        raise UsageError(f"{where}: {key} must be a list of 12-digit account ids, not {raw!r}")
    out = []
    for item in raw:
        text = str(item).strip()
        if not _ACCOUNT.match(text):
            raise UsageError(f"{where}: {key}: {item!r} is not a 12-digit account id (write it as a string)")
        out.append(text)
    return tuple(out)


def load(path: Path | None = None) -> Settings:
    """The settings, or the defaults when the file does not exist; a usage error if it is wrong."""
    where = path or settings_path()
    if not where.exists():
        return Settings()
    try:
        data = tomllib.loads(where.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise UsageError(f"{where}: not valid TOML: {exc}") from None
    known = {"backend", "region", "deny_accounts", "allow_accounts", "lang", "theme", "exam_date"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise UsageError(f"{where}: unknown setting(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    backend = data.get("backend", "sandbox")
    if backend not in BACKENDS:
        raise UsageError(f"{where}: backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    region = data.get("region")
    if region is not None and (not isinstance(region, str) or not re.match(r"^[a-z]{2}(-[a-z]+)+-\d$", region)):
        raise UsageError(f"{where}: region must look like us-east-1, not {region!r}")
    lang = data.get("lang")
    if lang is not None and lang not in LANGS:
        raise UsageError(f"{where}: lang must be one of {', '.join(LANGS)}, not {lang!r}")
    theme = data.get("theme", "dark")
    if theme not in THEMES:
        raise UsageError(f"{where}: theme must be one of {', '.join(THEMES)}, not {theme!r}")
    exam_date = data.get("exam_date")
    if exam_date is not None and (not isinstance(exam_date, dt.date) or isinstance(exam_date, dt.datetime)):
        raise UsageError(f"{where}: exam_date must be a date such as 2027-01-15 (no quotes), not {exam_date!r}")
    return Settings(backend=backend, region=region,
                    deny_accounts=_accounts(data.get("deny_accounts", []), "deny_accounts", where),
                    allow_accounts=_accounts(data.get("allow_accounts", []), "allow_accounts", where),
                    lang=lang, theme=theme, exam_date=exam_date, path=where)


def _toml_value(value: object) -> str:
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def save(changes: dict[str, object], path: Path | None = None) -> Settings:
    """Write the settings with ``changes`` applied (a value of None removes the key) and return
    them. Validated by :func:`load` before the file is replaced, atomically, so a crash leaves the
    old file or the new one, never half of one; the guard-rail lists are kept as they were."""
    where = path or settings_path()
    current = load(where)
    unknown = sorted(set(changes) - {"backend", "region", "lang", "theme", "exam_date"})
    if unknown:
        raise UsageError(f"cannot set {', '.join(unknown)} here (edit {where} by hand)")
    merged = replace(current, **changes)
    lines = ["# The tutor's settings (see README, Settings). Rewritten by the tutor's settings screen:\n# values set by hand are kept, comments are not.\n"]
    for key in ("backend", "region", "lang", "theme", "exam_date", "deny_accounts", "allow_accounts"):
        value = getattr(merged, key)
        if value is None or value == () or (key, value) in (("backend", "sandbox"), ("theme", "dark")):
            continue  # defaults are not written, so a later default change reaches this student
        lines.append(f"{key} = {_toml_value(value)}\n")
    where.parent.mkdir(parents=True, exist_ok=True)
    tmp = where.with_name(where.name + ".tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    load(tmp)  # never replace a good file with one that does not read back
    os.replace(tmp, where)
    return load(where)
