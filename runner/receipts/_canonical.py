"""Strict JSON in, RFC 8785 canonical JSON out.

Receipts are compared by bytes, so the reader must refuse what a lenient parser would quietly
accept: a duplicated key (which value wins differs between parsers) and non-finite numbers.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785


class StrictJsonError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise StrictJsonError(f"duplicate JSON key {key!r}")
        out[key] = value
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
