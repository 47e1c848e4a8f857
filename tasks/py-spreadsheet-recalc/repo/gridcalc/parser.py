"""Recursive-descent parser for formulas, and reference collection.

Precedence, lowest first: comparison (``= <> < <= > >=``), ``&``, ``+ -``, ``* /``, ``^``,
unary minus.
"""

from __future__ import annotations

from gridcalc.ast import Binary, Call, Node, Number, RangeRef, Ref, Text, Unary
from gridcalc.errors import FormulaError
from gridcalc.lexer import Token, tokenize
from gridcalc.refs import normalize

_COMPARISON = {"=", "<>", "<", "<=", ">", ">="}


class _Parser:
    def __init__(self, formula: str) -> None:
        self.formula = formula
        self.tokens = tokenize(formula)
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            raise FormulaError(self.formula, tok.position, f"expected {text!r}")

    def parse(self) -> Node:
        node = self.comparison()
        if self.peek().kind != "end":
            tok = self.peek()
            raise FormulaError(self.formula, tok.position, f"unexpected {tok.text!r}")
        return node

    def _binary_level(self, ops: set[str], next_level) -> Node:
        node = next_level()
        while self.peek().kind == "op" and self.peek().text in ops:
            op = self.take().text
            node = Binary(op, node, next_level())
        return node

    def comparison(self) -> Node:
        return self._binary_level(_COMPARISON, self.concat)

    def concat(self) -> Node:
        return self._binary_level({"&"}, self.additive)

    def additive(self) -> Node:
        return self._binary_level({"+", "-"}, self.term)

    def term(self) -> Node:
        return self._binary_level({"*", "/"}, self.power)

    def power(self) -> Node:
        base = self.unary()
        if self.peek().text == "^":
            self.take()
            return Binary("^", base, self.power())  # right associative
        return base

    def unary(self) -> Node:
        if self.peek().text in ("-", "+"):
            op = self.take().text
            return Unary(op, self.unary())
        return self.atom()

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "number":
            return Number(float(tok.text))
        if tok.kind == "string":
            return Text(tok.text[1:-1])
        if tok.kind == "ref":
            return Ref(normalize(tok.text))
        if tok.kind == "range":
            start, end = tok.text.split(":")
            return RangeRef(normalize(start), normalize(end))
        if tok.kind == "name" and self.peek().text == "(":
            self.take()
            args: list[Node] = []
            if self.peek().text != ")":
                args.append(self.comparison())
                while self.peek().text == ",":
                    self.take()
                    args.append(self.comparison())
            self.expect(")")
            return Call(tok.text.upper(), tuple(args))
        if tok.text == "(":
            node = self.comparison()
            self.expect(")")
            return node
        what = "end of formula" if tok.kind == "end" else repr(tok.text)
        raise FormulaError(self.formula, tok.position, f"unexpected {what}")


def parse_formula(formula: str) -> Node:
    """Parse formula text (without the leading ``=``)."""
    return _Parser(formula).parse()


def references(node: Node) -> set[str]:
    """Every cell name the formula reads."""
    if isinstance(node, Ref):
        return {node.name}
    if isinstance(node, RangeRef):
        return {node.start, node.end}
    if isinstance(node, Unary):
        return references(node.operand)
    if isinstance(node, Binary):
        return references(node.left) | references(node.right)
    if isinstance(node, Call):
        found: set[str] = set()
        for arg in node.args:
            found |= references(arg)
        return found
    return set()
