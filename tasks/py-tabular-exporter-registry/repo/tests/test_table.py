from decimal import Decimal

import pytest

from tabular.table import TableError, parse_cell, read_csv_text


@pytest.mark.parametrize(
    "text,value",
    [("", None), ("12", 12), ("1.50", Decimal("1.50")), ("TRUE", True), ("x", "x"), ("nan", "nan")],
)
def test_parse_cell(text, value):
    assert parse_cell(text) == value


def test_column_kinds(table):
    assert [c.kind for c in table.columns] == ["text", "decimal", "int", "bool", "text"]


def test_select_unknown_column(table):
    with pytest.raises(TableError, match="unknown column 'x'"):
        table.select(["x"])


def test_ragged_rows():
    with pytest.raises(TableError, match="row 1 has 1 cells"):
        read_csv_text("a,b\n1\n")
