"""`tutor whatif ...`: calculators over the tutor's models (availability of a design)."""

from __future__ import annotations

import argparse

from tutor.commands import Output
from tutor.errors import UsageError


def availability(args: argparse.Namespace, out: Output) -> int:
    raise UsageError("tutor whatif availability is being built in this version")
