"""Typed errors and the exit codes that are part of the command line's contract.

A check that fails is a *result* (the student has work to do); these errors are for what
stops the tutor from judging at all: bad input, an unreachable sandbox, a service error.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # a check failed, content check found problems, an exam was not passed
    USAGE = 2  # bad usage or input
    ENVIRONMENT = 3  # no sandbox, no credentials, a service error


class TutorError(Exception):
    """An error with a one-line message for the student and the exit code it maps to."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(TutorError):
    exit_code = ExitCode.USAGE


class NotFound(TutorError):
    exit_code = ExitCode.USAGE


class EnvironmentFailure(TutorError):
    """The backend could not be reached or answered with an error that is not the student's."""

    exit_code = ExitCode.ENVIRONMENT


class NotEmulated(EnvironmentFailure):
    """The sandbox does not implement a call a step needs."""
