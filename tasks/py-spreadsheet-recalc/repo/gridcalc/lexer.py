"""Tokenizer for formulas (the text after the leading ``=``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gridcalc.errors import FormulaError

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>\d+(?:\.\d*)?|\.\d+)
  | (?P<range>\$?[A-Za-z]{1,3}\$?\d+:\$?[A-Za-z]{1,3}\$?\d+)
  | (?P<ref>\$?[A-Za-z]{1,3}\$?\d+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<string>"[^"]*")
  | (?P<op><=|>=|<>|[-+*/^(),<>=&])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # number, range, ref, name, string, op, end
    text: str
    position: int


def tokenize(formula: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(formula):
        match = _TOKEN.match(formula, pos)
        if match is None:
            raise FormulaError(formula, pos, f"unexpected character {formula[pos]!r}")
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    tokens.append(Token("end", "", len(formula)))
    return tokens
