"""What a lab's own Python module (``labs/<id>/lab.py``) builds on.

A check returns a :class:`Result` (the student's work passes or not, with a message saying what
to change). It raises only when the tutor cannot judge: that is an environment failure, handled
by the runner. Never mix the two.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

OWNER_TAG = "saa-tutor-lab"


@dataclass(frozen=True)
class Result:
    passed: bool
    en: str
    ko: str
    skipped: bool = False

    def message(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


def ok(en: str, ko: str) -> Result:
    return Result(True, en, ko)


def fail(en: str, ko: str) -> Result:
    return Result(False, en, ko)


@dataclass
class Context:
    """What a check or a solution gets: clients for the lab's region and who owns what."""

    lab_id: str
    region: str
    endpoint: str | None
    make_client: Callable[[str], Any]
    notes: list[str] = field(default_factory=list)
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.make_client(service)
        return self._clients[service]

    @property
    def on_endpoint(self) -> bool:
        return self.endpoint is not None

    def owner_tags(self, name: str) -> list[dict[str, str]]:
        """Tags a solution puts on what it creates, so it never adopts the student's work."""
        return [{"Key": "Name", "Value": name}, {"Key": OWNER_TAG, "Value": self.lab_id}]

    def note(self, text: str) -> None:
        self.notes.append(text)


def tag(resource: dict[str, Any], key: str) -> str | None:
    for item in resource.get("Tags") or []:
        if item.get("Key") == key:
            return item.get("Value")
    return None


def named(resources: Iterable[dict[str, Any]], pattern: str) -> list[dict[str, Any]]:
    """Resources whose Name tag matches ``pattern`` (shell-style wildcards)."""
    return [r for r in resources if fnmatch.fnmatchcase(tag(r, "Name") or "", pattern)]


def owned(resources: Iterable[dict[str, Any]], lab_id: str) -> list[dict[str, Any]]:
    return [r for r in resources if tag(r, OWNER_TAG) == lab_id]


def error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


class SolveConflict(Exception):
    """A solution cannot create its own resource: one of that name exists and is not the tutor's."""

    def __init__(self, en: str, ko: str):
        super().__init__(en)
        self.en, self.ko = en, ko


def already_mine(ctx: Context, resource: dict[str, Any] | None, kind_en: str, kind_ko: str, name: str) -> bool:
    """For a solution about to create ``name``: True if the tutor already made it (nothing to
    do), False if it does not exist (create it); raises if the student's resource has the name."""
    if resource is None:
        return False
    if tag(resource, OWNER_TAG) == ctx.lab_id:
        return True
    raise SolveConflict(
        f"{kind_en} named {name} exists and was not created by the tutor; fix it yourself or run "
        f"`tutor lab cleanup {ctx.lab_id}` first",
        f"{name} {kind_ko}이(가) 이미 있고 튜터가 만든 것이 아닙니다. 직접 고치거나 먼저 "
        f"`tutor lab cleanup {ctx.lab_id}`를 실행하십시오")
