import pytest

from gridcalc import CircularReference, ErrorValue, Sheet, expand_range


def test_constants_and_formula():
    s = Sheet()
    s.set("A1", 2)
    s.set("A2", "3")
    s.set("B1", "=A1*A2+1")
    assert s.get("B1") == 7.0
    assert s.content("B1") == "=A1*A2+1"


def test_chain_updates():
    s = Sheet()
    s.set("A1", 1)
    s.set("B1", "=A1+1")
    s.set("C1", "=B1*10")
    s.set("A1", 5)
    assert s.get("C1") == 60.0


def test_functions():
    s = Sheet()
    for i, v in enumerate([4, 8, 15], start=1):
        s.set(f"A{i}", v)
    s.set("B1", "=SUM(A1:A3)")
    s.set("B2", "=AVERAGE(A1:A3)")
    s.set("B3", '=IF(B1>20, "big", "small")')
    s.set("B4", "=ROUND(2.5)")
    assert [s.get(f"B{i}") for i in range(1, 5)] == [27.0, 9.0, "big", 3.0]


def test_errors_propagate():
    s = Sheet()
    s.set("A1", 0)
    s.set("B1", "=1/A1")
    s.set("C1", "=B1+1")
    assert s.get("C1") == ErrorValue("#DIV/0!")


def test_direct_cycle_rejected():
    s = Sheet()
    s.set("A1", "=B1")
    with pytest.raises(CircularReference):
        s.set("B1", "=A1+1")
    assert s.content("B1") is None


def test_expand_range():
    assert expand_range("A1", "B2") == ["A1", "B1", "A2", "B2"]
