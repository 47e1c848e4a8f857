"""Strict JSON in, RFC 8785 canonical JSON out.

Receipts are compared by bytes, so the reader must refuse what a lenient parser would quietly
accept: a duplicated key (which value wins differs between parsers) and non-finite numbers.
"""

from __future__ import annotations

import json
import re
from typing import Any

import rfc8785


class StrictJsonError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):  # cheap test first; find the culprit only when there is one
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise StrictJsonError(f"duplicate JSON key {key!r}")
            seen.add(key)
    return out


def _no_constant(name: str) -> Any:
    raise StrictJsonError(f"non-standard JSON constant {name}")


def loads_strict(data: bytes | str) -> Any:
    """Parse JSON, rejecting duplicate keys, NaN/Infinity and invalid UTF-8."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise StrictJsonError("not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise StrictJsonError(f"not JSON: {exc.msg} at line {exc.lineno} col {exc.colno}") from None
    except RecursionError:
        raise StrictJsonError("JSON nested too deeply") from None


def canonical_bytes(obj: Any) -> bytes:
    """RFC 8785 (JCS) serialization."""
    data: bytes = rfc8785.dumps(obj)
    return data


# Python's compact sorted json.dumps writes what RFC 8785 writes (strings escape identically)
# except for: floats written with an exponent or as N.0, integers beyond an IEEE double, and
# keys outside the BMP (JCS sorts by UTF-16 code units, Python by code points).
_ASTRAL_UTF8 = re.compile(rb"[\xf0-\xf4]")


def _numbers_may_differ(obj: Any) -> bool:
    """Any float that Python writes with an exponent or as N.0, or an int beyond 15 digits."""
    stack = [obj]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is float:
            text = repr(item)
            if "e" in text or text.endswith(".0"):
                return True
        elif kind is int and not -(10**15) < item < 10**15:
            return True
    return False


def loads_canonical(data: bytes) -> Any:
    """loads_strict, and also require `data` to be exactly canonical_bytes() of the result.

    The pure-Python JCS encoder costs ~10x the C json encoder, so when the numbers and
    characters show none of the constructs where the two can differ, the C encoder's output
    decides; otherwise JCS does.
    """
    try:
        text = data.decode("utf-8")
        # No duplicate-key hook here: if the fast path below finds data == dumps(obj), data cannot
        # have held a duplicate key (the parse would have dropped one and the bytes would differ).
        obj = json.loads(text, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise StrictJsonError("not UTF-8") from None
    except (json.JSONDecodeError, RecursionError):
        obj = None  # loads_strict below says what is wrong
    else:
        if not _ASTRAL_UTF8.search(data):
            quick = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            # surrogatepass: a lone surrogate encodes to bytes valid UTF-8 never holds, so the
            # comparison fails and JCS (which refuses lone surrogates) decides.
            if quick.encode("utf-8", "surrogatepass") == data and not _numbers_may_differ(obj):
                return obj
    obj = loads_strict(text)
    try:
        canonical = canonical_bytes(obj)
    except Exception as exc:  # rfc8785 refuses what has no canonical form (huge ints, ...)
        raise StrictJsonError(f"has no RFC 8785 form: {exc}") from None
    if canonical != data:
        raise StrictJsonError("not RFC 8785 canonical JSON")
    return obj
