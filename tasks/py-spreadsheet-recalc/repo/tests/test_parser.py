import pytest

from gridcalc import FormulaError
from gridcalc.ast import Binary, Call, Number, RangeRef, Ref, Unary
from gridcalc.parser import parse_formula


def test_precedence():
    assert parse_formula("1+2*3") == Binary("+", Number(1), Binary("*", Number(2), Number(3)))


def test_power_right_associative_and_unary():
    # Like spreadsheets, unary minus binds tighter than ^: -2^2 is 4.
    assert parse_formula("-2^3^2") == Binary(
        "^", Unary("-", Number(2)), Binary("^", Number(3), Number(2))
    )


def test_refs_are_normalized():
    assert parse_formula("sum(a1:$B$2, c3)") == Call("SUM", (RangeRef("A1", "B2"), Ref("C3")))


@pytest.mark.parametrize("bad", ["1+", "(1", "SUM(1,", "1 2", "#"])
def test_errors(bad):
    with pytest.raises(FormulaError):
        parse_formula(bad)
