"""The Version type: parsing, formatting, precedence and bumping."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import total_ordering

from semverkit.errors import InvalidVersion

_IDENT = r"[0-9A-Za-z-]+"
_PATTERN = re.compile(
    r"^v?(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)"
    rf"(?:-(?P<pre>{_IDENT}(?:\.{_IDENT})*))?"
    rf"(?:\+(?P<build>{_IDENT}(?:\.{_IDENT})*))?$"
)


def _split_identifiers(text: str | None) -> tuple[str, ...]:
    return tuple(text.split(".")) if text else ()


@total_ordering
@dataclass(frozen=True)
class Version:
    """A semantic version. Build metadata is kept but ignored for precedence and equality."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse ``MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]``; a leading ``v`` is accepted."""
        match = _PATTERN.match(text.strip())
        if match is None:
            raise InvalidVersion(text, "expected MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]")
        pre = _split_identifiers(match["pre"])
        for ident in pre:
            if ident.isdigit() and len(ident) > 1 and ident.startswith("0"):
                raise InvalidVersion(text, f"numeric identifier {ident!r} has a leading zero")
        return cls(
            int(match["major"]),
            int(match["minor"]),
            int(match["patch"]),
            pre,
            _split_identifiers(match["build"]),
        )

    @classmethod
    def coerce(cls, value: Version | str) -> Version:
        return value if isinstance(value, Version) else cls.parse(value)

    @property
    def is_prerelease(self) -> bool:
        return bool(self.prerelease)

    @property
    def release(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def _precedence_key(self) -> tuple:
        # A version without a prerelease tag ranks after every prerelease of the same release.
        pre_key = tuple(self.prerelease)
        return (self.release, not self.prerelease, pre_key)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._precedence_key() < other._precedence_key()

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        if self.build:
            text += "+" + ".".join(self.build)
        return text

    def bump(self, part: str) -> Version:
        """Return the next version for ``part`` (major, minor, patch or prerelease)."""
        if part == "major":
            return Version(self.major + 1, 0, 0)
        if part == "minor":
            return Version(self.major, self.minor + 1, 0)
        if part == "patch":
            if self.prerelease:
                return Version(self.major, self.minor, self.patch)
            return Version(self.major, self.minor, self.patch + 1)
        if part == "prerelease":
            if not self.prerelease:
                return Version(self.major, self.minor, self.patch + 1, ("0",))
            head, last = self.prerelease[:-1], self.prerelease[-1]
            if last.isdigit():
                return Version(self.major, self.minor, self.patch, (*head, str(int(last) + 1)))
            return Version(self.major, self.minor, self.patch, (*self.prerelease, "0"))
        raise ValueError(f"unknown version part {part!r}")
