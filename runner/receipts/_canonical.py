"""Strict JSON in, RFC 8785 canonical JSON out.

Receipts are compared by bytes, so the reader must refuse what a lenient parser would quietly
accept: a duplicated key (which value wins differs between parsers) and non-finite numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import rfc8785

# The fast path only needs *a* compact sorted encoder whose output the checks below can trust;
# orjson is ~7x faster than the standard library's, which remains the fallback.
_fast_loads: Callable[[bytes], Any]
_fast_dumps_sorted: Callable[[Any], bytes]
try:
    import orjson

    _fast_loads = orjson.loads

    def _fast_dumps_sorted(obj: Any) -> bytes:
        return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)

except ImportError:  # pragma: no cover - orjson is a declared dependency

    def _fast_loads(data: bytes) -> Any:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constant)

    def _fast_dumps_sorted(obj: Any) -> bytes:
        text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8", "surrogatepass")


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

    The pure-Python JCS encoder is slow, so when the numbers and characters show none of the
    constructs where a plain compact sorted encoder can differ from JCS, that encoder's output
    decides; otherwise JCS does. No duplicate-key hook on the fast path: if data equals the
    re-encoding of its parse, data cannot have held a duplicate key (one would have been dropped).
    """
    try:
        obj = _fast_loads(data)
    except (ValueError, RecursionError, UnicodeDecodeError):
        pass  # loads_strict below says what is wrong
    else:
        if data.isascii() or not _ASTRAL_UTF8.search(data):  # isascii: C speed, the usual case
            try:
                quick = _fast_dumps_sorted(obj)
            except (TypeError, ValueError):  # e.g. an int beyond 64 bits
                quick = b""
            if quick == data and not _numbers_may_differ(obj):
                return obj
    obj = loads_strict(data)
    try:
        canonical = canonical_bytes(obj)
    except Exception as exc:  # rfc8785 refuses what has no canonical form (huge ints, ...)
        raise StrictJsonError(f"has no RFC 8785 form: {exc}") from None
    if canonical != data:
        raise StrictJsonError("not RFC 8785 canonical JSON")
    return obj


def fast_dumps_sorted(obj: Any) -> bytes:
    """Compact JSON with sorted keys from the fast encoder. Equals RFC 8785 for objects whose
    values are strings under ASCII keys (the DSSE envelope), which the tests check."""
    return _fast_dumps_sorted(obj)


def loads_fast(data: bytes) -> Any:
    """Parse with the fast reader: only for bytes whose canonical form is checked afterwards
    (that check is what rules out duplicate keys here). Raises ValueError on bad JSON."""
    return _fast_loads(data)
