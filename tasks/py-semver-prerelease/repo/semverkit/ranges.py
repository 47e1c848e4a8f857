"""Version ranges: comparators, caret/tilde/x-range sugar and ``||`` alternatives.

Grammar (a subset of the npm range syntax)::

    range       := alternative ( "||" alternative )*
    alternative := comparator ( " " comparator )*     (all must hold)
    comparator  := op? partial | "^" partial | "~" partial | "*"
    op          := "<" | "<=" | ">" | ">=" | "="
    partial     := MAJOR ( "." MINOR ( "." PATCH ( "-" PRE )? )? )?   (missing parts or x/* = any)
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from semverkit.errors import InvalidRange, InvalidVersion
from semverkit.version import Version

_OPS: dict[str, Callable[[Version, Version], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
}
_COMPARATOR = re.compile(r"^(?P<op><=|>=|<|>|=|\^|~)?\s*(?P<partial>\S+)$")
_WILDCARDS = {"x", "X", "*"}


@dataclass(frozen=True)
class Comparator:
    """One ``op version`` test, e.g. ``>=1.2.0``."""

    op: str
    version: Version

    def test(self, version: Version) -> bool:
        return _OPS[self.op](version, self.version)

    def __str__(self) -> str:
        return f"{self.op}{self.version}"


def _parse_partial(text: str, whole: str) -> tuple[list[int | None], tuple[str, ...]]:
    """Split ``1.2`` / ``1.x`` / ``1.2.3-rc.1`` into [major, minor, patch] (None = any) and pre."""
    core, _, pre = text.partition("-")
    parts = core.lstrip("v").split(".")
    if len(parts) > 3 or not parts[0]:
        raise InvalidRange(whole, f"bad version {text!r}")
    numbers: list[int | None] = []
    for part in parts:
        if part in _WILDCARDS:
            numbers.append(None)
        elif part.isdigit():
            if numbers and numbers[-1] is None:
                raise InvalidRange(whole, f"number after wildcard in {text!r}")
            numbers.append(int(part))
        else:
            raise InvalidRange(whole, f"bad version part {part!r}")
    numbers += [None] * (3 - len(numbers))
    if pre and None in numbers:
        raise InvalidRange(whole, f"prerelease on a partial version {text!r}")
    return numbers, tuple(pre.split(".")) if pre else ()


def _expand(op: str, numbers: list[int | None], pre: tuple[str, ...]) -> list[Comparator]:
    """Turn one comparator with sugar into plain comparators."""
    major, minor, patch = numbers
    if major is None:
        return [] if op in ("", "=", "^", "~", ">=", "<=") else [Comparator("<", Version(0, 0, 0))]
    lower = Version(major, minor or 0, patch or 0, pre)
    if op == "^":
        if major > 0 or minor is None:
            upper = Version(major + 1, 0, 0)
        elif minor > 0 or patch is None:
            upper = Version(0, minor + 1, 0)
        else:
            upper = Version(0, minor + 1, 0)
        return [Comparator(">=", lower), Comparator("<", upper)]
    if op == "~":
        upper = Version(major + 1, 0, 0) if minor is None else Version(major, minor + 1, 0)
        return [Comparator(">=", lower), Comparator("<", upper)]
    if minor is None or patch is None:
        # x-range: "1.2" means ">=1.2.0 <1.3.0"
        upper = Version(major + 1, 0, 0) if minor is None else Version(major, minor + 1, 0)
        if op in ("", "="):
            return [Comparator(">=", lower), Comparator("<", upper)]
        if op == ">":
            return [Comparator(">=", upper)]
        if op == "<=":
            return [Comparator("<", upper)]
        return [Comparator(op, lower)]
    return [Comparator(op or "=", lower)]


@dataclass(frozen=True)
class Range:
    """A set of alternatives; a version matches if every comparator of one alternative holds."""

    alternatives: tuple[tuple[Comparator, ...], ...]
    source: str = ""

    @classmethod
    def parse(cls, text: str) -> Range:
        if not text.strip():
            raise InvalidRange(text, "empty range")
        alternatives = []
        for alt_text in text.split("||"):
            comparators: list[Comparator] = []
            tokens = re.sub(r"(<=|>=|<|>|=|\^|~)\s+", r"\1", alt_text.strip()).split()
            if not tokens:
                raise InvalidRange(text, "empty alternative around '||'")
            for token in tokens:
                match = _COMPARATOR.match(token)
                if match is None:
                    raise InvalidRange(text, f"bad comparator {token!r}")
                numbers, pre = _parse_partial(match["partial"], text)
                comparators.extend(_expand(match["op"] or "", numbers, pre))
            alternatives.append(tuple(comparators))
        return cls(tuple(alternatives), text)

    def contains(self, version: Version | str) -> bool:
        v = Version.coerce(version)
        return any(all(c.test(v) for c in alt) for alt in self.alternatives)

    def __contains__(self, version: object) -> bool:
        if not isinstance(version, (Version, str)):
            return False
        return self.contains(version)

    def __str__(self) -> str:
        return " || ".join(" ".join(str(c) for c in alt) or "*" for alt in self.alternatives)


def satisfies(version: Version | str, range_text: str) -> bool:
    """True when ``version`` is inside ``range_text``."""
    return Range.parse(range_text).contains(version)


def max_satisfying(versions: Iterable[Version | str], range_text: str) -> str | None:
    """The highest of ``versions`` inside the range, as given (string form), or None.

    Strings that are not valid versions are skipped, like a registry listing with junk tags.
    """
    rng = Range.parse(range_text)
    best: tuple[Version, Version | str] | None = None
    for item in versions:
        try:
            v = Version.coerce(item)
        except InvalidVersion:
            continue
        if rng.contains(v) and (best is None or v > best[0]):
            best = (v, item)
    return None if best is None else str(best[1])
