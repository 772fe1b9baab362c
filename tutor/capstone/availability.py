"""Composite availability of a design, from the published SLAs of its parts.

The one module that composes availability: ``series(...)`` multiplies (every part must be up),
``parallel(...)`` is one minus the product of the parts' unavailabilities (one part is enough).
A part is a service name from the SLA table (``tutor/capstone/data/sla.yaml``) or a percentage.
`tutor whatif availability` and the capstone's grader both call it.

Arithmetic is exact (fractions): two 99.5 % in parallel is 99.9975 % exactly, and whether a
design meets 99.99 % never depends on a float rounding. Parts are assumed to fail
independently, which is the usual textbook composition and an optimistic one: two instances in
one AZ share that AZ's failures, which is why the capstone composes multi-AZ tiers from their
Region-level SLA instead of multiplying instance-level figures.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from typing import Iterable

from tutor import yaml_data
from tutor.errors import UsageError

TARGET_PERCENT = Fraction("99.99")
MINUTES_PER_YEAR = 365 * 24 * 60  # a 365-day year: 525,600 minutes


@dataclass(frozen=True)
class SlaRow:
    id: str
    percent: Fraction
    covers: str
    source: str
    seen: str
    checked: str
    aliases: tuple[str, ...] = ()


@functools.lru_cache(maxsize=1)
def sla_table() -> dict[str, SlaRow]:
    """Every name EXPR accepts (ids and aliases) -> its row."""
    text = resources.files("tutor.capstone").joinpath("data/sla.yaml").read_text(encoding="utf-8")
    table: dict[str, SlaRow] = {}
    for raw in yaml_data.safe_load(text)["rows"]:
        row = SlaRow(id=raw["id"], percent=Fraction(str(raw["percent"])), covers=raw["covers"],
                     source=raw["source"], seen=raw["seen"], checked=str(raw["checked"]),
                     aliases=tuple(raw.get("aliases") or ()))
        for name in (row.id, *row.aliases):
            if name in table:
                raise ValueError(f"sla.yaml: {name!r} names two rows")
            table[name] = row
    return table


# the expression tree ------------------------------------------------------------------
@dataclass(frozen=True)
class Part:
    """A leaf: a service from the SLA table, or a bare percentage (``row`` is None)."""

    label: str
    percent: Fraction
    row: SlaRow | None = None

    def fraction(self) -> Fraction:
        return self.percent / 100

    def expr(self) -> str:
        return self.label

    def parts(self) -> list[Part]:
        return [self]


@dataclass(frozen=True)
class Group:
    kind: str  # "series" | "parallel"
    children: tuple[Part | Group, ...]

    def fraction(self) -> Fraction:
        values = [c.fraction() for c in self.children]
        if self.kind == "series":
            return functools.reduce(lambda a, b: a * b, values, Fraction(1))
        down = functools.reduce(lambda a, b: a * b, (1 - v for v in values), Fraction(1))
        return 1 - down

    def expr(self) -> str:
        return f"{self.kind}({', '.join(c.expr() for c in self.children)})"

    def parts(self) -> list[Part]:
        return [p for c in self.children for p in c.parts()]


Node = Part | Group


def part(name: str) -> Part:
    """A named part, for code that composes a design (the capstone); unknown names are a bug."""
    row = sla_table()[name]
    return Part(name, row.percent, row)


def series(*children: Node) -> Node:
    return children[0] if len(children) == 1 else Group("series", tuple(children))


def parallel(*children: Node) -> Node:
    return children[0] if len(children) == 1 else Group("parallel", tuple(children))


# the parser ----------------------------------------------------------------------------
class ExpressionError(UsageError):
    """A bad EXPR: one line naming the 1-based column and quoting the text from there on."""

    def __init__(self, expr: str, position: int, problem: str):
        self.expr, self.position, self.problem = expr, position, problem
        rest = expr[position:position + 24] or "(end)"
        super().__init__(f"availability expression, column {position + 1} (at {rest!r} in {expr!r}): {problem}")


_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d+)?)(?![\w.-])|(?P<name>[A-Za-z][A-Za-z0-9_-]*)|(?P<punct>[(),])|(?P<bad>\S))")


def _tokens(expr: str) -> list[tuple[str, str, int]]:
    out, pos = [], 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if m is None:  # only trailing whitespace is left
            break
        kind = m.lastgroup or "bad"
        start = m.start(kind)
        text = m.group(kind)
        if kind == "bad":
            word = re.match(r"[^\s(),]+", expr[start:])
            text = word.group(0) if word else text
            raise ExpressionError(expr, start, f"unexpected {text!r}: write series(...), parallel(...), a service name or a percentage")
        out.append((kind, text, start))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, expr: str):
        self.expr = expr
        self.tokens = _tokens(expr)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def error(self, problem: str, at: int | None = None) -> ExpressionError:
        tok = self.peek()
        where = at if at is not None else (tok[2] if tok else len(self.expr))
        return ExpressionError(self.expr, where, problem)

    def expect(self, text: str) -> None:
        tok = self.peek()
        if tok is None or tok[1] != text:
            found = f"{tok[1]!r}" if tok else "the end"
            raise self.error(f"expected {text!r}, found {found}")
        self.i += 1

    def node(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise self.error("expected a service name, a percentage or series(...)/parallel(...), found the end")
        kind, text, at = tok
        if kind == "num":
            self.i += 1
            value = Fraction(text)
            if not 0 < value <= 100:
                raise self.error(f"{text} is not a percentage between 0 (excluded) and 100", at)
            return Part(text, value)
        if kind == "name":
            self.i += 1
            low = text.lower()
            nxt = self.peek()
            if low in ("series", "parallel"):
                if nxt is None or nxt[1] != "(":
                    raise self.error(f"{low} needs its parts in parentheses: {low}(a, b)")
                return self.group(low, at)
            if nxt is not None and nxt[1] == "(":
                raise self.error(f"unknown function {text!r}: use series(...) or parallel(...)", at)
            row = sla_table().get(low)
            if row is None:
                known = ", ".join(sorted({r.id for r in sla_table().values()}))
                raise self.error(f"unknown service {text!r} (known: {known}; or give a percentage such as 99.95)", at)
            return Part(low, row.percent, row)
        raise self.error(f"expected a service name, a percentage or series(...)/parallel(...), found {text!r}")

    def group(self, kind: str, at: int) -> Node:
        self.expect("(")
        if self.peek() is not None and self.peek()[1] == ")":
            raise self.error(f"{kind}() needs at least one part")
        children = [self.node()]
        while self.peek() is not None and self.peek()[1] == ",":
            self.i += 1
            children.append(self.node())
        self.expect(")")
        return Group(kind, tuple(children))

    def parse(self) -> Node:
        if not self.tokens:
            raise ExpressionError(self.expr, 0, "the expression is empty: try 'series(cloudfront, alb, parallel(ec2, ec2), rds-multi-az)'")
        root = self.node()
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek()[1]!r} after a complete expression")
        return root


def parse(expr: str) -> Node:
    """The tree of ``expr``, or :class:`ExpressionError` (a usage error) naming the column."""
    return _Parser(expr).parse()


# the result ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Composite:
    node: Node
    fraction: Fraction

    @property
    def percent(self) -> float:
        return float(self.fraction * 100)

    @property
    def meets_target(self) -> bool:
        return self.fraction * 100 >= TARGET_PERCENT  # decided on the exact value

    @property
    def downtime_minutes_per_year(self) -> float:
        return float((1 - self.fraction) * MINUTES_PER_YEAR)

    def to_json(self) -> dict:
        return {
            "expression": self.node.expr(),
            "availability_percent": self.percent,
            "downtime_minutes_per_year": self.downtime_minutes_per_year,
            "meets_9999": self.meets_target,
            "target_percent": float(TARGET_PERCENT),
            "components": components_json(self.node.parts()),
        }


def components_json(parts: Iterable[Part]) -> list[dict]:
    seen, out = set(), []
    for p in parts:
        if p.label in seen:
            continue
        seen.add(p.label)
        entry = {"name": p.label, "percent": float(p.percent)}
        if p.row is not None:
            entry.update(covers=p.row.covers, source=p.row.source, checked=p.row.checked)
        out.append(entry)
    return out


def compose(node: Node) -> Composite:
    return Composite(node, node.fraction())


def evaluate(expr: str) -> Composite:
    return compose(parse(expr))
