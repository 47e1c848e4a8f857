"""semverkit: semantic versions and ranges."""

from semverkit.errors import InvalidRange, InvalidVersion
from semverkit.ranges import Comparator, Range, max_satisfying, satisfies
from semverkit.version import Version

__all__ = [
    "Comparator",
    "InvalidRange",
    "InvalidVersion",
    "Range",
    "Version",
    "max_satisfying",
    "satisfies",
]
