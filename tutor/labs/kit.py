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


# message building: every lab says the same things the same way ------------------------
SKIPPED_EN = "verified on real AWS only: the sandbox cannot show this"
SKIPPED_KO = "실제 AWS에서만 검증됩니다: 샌드박스는 이 부분을 보여 줄 수 없습니다"


def skip(en: str = "", ko: str = "") -> Result:
    """A part of a check the endpoint cannot show (a field it omits): neither pass nor fail."""
    return Result(True, f"{SKIPPED_EN} ({en})" if en else SKIPPED_EN,
                  f"{SKIPPED_KO} ({ko})" if ko else SKIPPED_KO, skipped=True)


def missing(kind_en: str, kind_ko: str, name: str, how: str, region: str = "us-east-1") -> Result:
    """The failure of a check whose resource does not exist: what is missing and the command."""
    return fail(f"No {kind_en} named {name} in {region}: create it ({how}).",
                f"{region}에 {name} {kind_ko}이(가) 없습니다: {how}(으)로 만드십시오.")


class Problems:
    """What is wrong with one resource, collected in both languages, then one result."""

    def __init__(self) -> None:
        self.en: list[str] = []
        self.ko: list[str] = []

    def add(self, en: str, ko: str) -> None:
        self.en.append(en)
        self.ko.append(ko)

    def __bool__(self) -> bool:
        return bool(self.en)

    def result(self, ok_en: str, ok_ko: str, prefix: str = "") -> Result:
        if not self.en:
            return ok(ok_en, ok_ko)
        head = f"{prefix}: " if prefix else ""
        return fail(head + "; ".join(self.en) + ".", head + "; ".join(self.ko) + ".")


def absent(call: Callable[[], Any], *codes: str) -> Any:
    """``call()``, or None when it fails with one of ``codes`` (a describe-by-name of nothing)."""
    try:
        return call()
    except Exception as exc:
        if error_code(exc) in codes:
            return None
        raise


# cleanup ------------------------------------------------------------------------------
class Cleanup:
    """The report of a cleanup: each resource the lab named, deleted or kept with the reason."""

    def __init__(self) -> None:
        self.done: list[dict[str, Any]] = []

    def deleted(self, kind: str, ident: str) -> None:
        self.done.append({"type": kind, "id": ident, "deleted": True})

    def kept(self, kind: str, ident: str, reason: str) -> None:
        self.done.append({"type": kind, "id": ident, "deleted": False, "reason": reason})

    def attempt(self, kind: str, ident: str, delete: Callable[[], Any], *gone_codes: str) -> bool:
        """Delete one resource; an error is kept with its code (something else still needs it),
        except the codes that mean it is already gone."""
        try:
            delete()
        except Exception as exc:
            code = error_code(exc)
            if code and code in gone_codes:
                return False
            if not code:  # not an AWS answer (unreachable, a bug): the runner reports it
                raise
            self.kept(kind, ident, f"{code}: {getattr(exc, 'response', {}).get('Error', {}).get('Message', '')}".strip(": "))
            return False
        self.deleted(kind, ident)
        return True

    def extend(self, other: list[dict[str, Any]] | None) -> None:
        self.done.extend(other or [])
