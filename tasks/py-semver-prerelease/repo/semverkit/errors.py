"""Exceptions raised by semverkit."""


class SemverError(ValueError):
    """Base class for every error semverkit raises."""


class InvalidVersion(SemverError):
    """A string is not a valid semantic version."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"invalid version {text!r}: {reason}")
        self.text = text
        self.reason = reason


class InvalidRange(SemverError):
    """A string is not a valid version range."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"invalid range {text!r}: {reason}")
        self.text = text
        self.reason = reason
