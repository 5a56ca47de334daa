"""Errors that end a run without a verdict (exit 2). str() is the one line the user sees."""


class UsageError(Exception):
    """Bad input: a missing stack file, an invalid policy config, an unknown flag value."""


class HarnessError(Exception):
    """Something outside the user's input prevented a verdict: a pack that failed to boot, a timeout."""


class ProgramError(Exception):
    """The Pulumi program itself failed; `details` carries the program's own traceback."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details
