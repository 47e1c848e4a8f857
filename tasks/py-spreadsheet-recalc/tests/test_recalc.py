import random

import pytest

from gridcalc import CircularReference, ErrorValue, Sheet


def filled(values, column="A"):
    s = Sheet()
    for i, v in enumerate(values, start=1):
        s.set(f"{column}{i}", v)
    return s


# --- ranges: every cell inside a range is a dependency


def test_edit_inside_range_updates_sum():
    s = filled([1, 2, 3])
    s.set("B1", "=SUM(A1:A3)")
    s.set("A2", 20)
    assert s.get("B1") == 24.0


def test_edit_inside_rectangle_updates_dependents_chain():
    s = Sheet()
    for row in range(1, 4):
        for col in "ABC":
            s.set(f"{col}{row}", 1)
    s.set("D1", "=SUM(A1:C3)")
    s.set("E1", "=D1*2")
    s.set("B2", 10)
    assert (s.get("D1"), s.get("E1")) == (18.0, 36.0)


def test_range_precedents_are_every_cell():
    s = filled([1, 2, 3])
    s.set("B1", "=MAX(A1:A3)+A5")
    assert s.precedents("B1") == {"A1", "A2", "A3", "A5"}
    assert s.dependents("A2") == {"B1"}


def test_formula_inside_its_own_range_is_circular():
    s = filled([1, 2, 3])
    with pytest.raises(CircularReference):
        s.set("A2", "=SUM(A1:A3)")
    assert s.get("A2") == 2.0


def test_cycle_through_range_interior():
    s = filled([1, 2, 3])
    s.set("C1", "=SUM(A1:A3)")
    with pytest.raises(CircularReference):
        s.set("A2", "=C1+1")
    assert s.content("A2") == 2


# --- changing a formula drops the old dependencies


def test_formula_replaced_by_constant_allows_reverse_reference():
    s = Sheet()
    s.set("A1", "=B1")
    s.set("A1", 5)
    s.set("B1", "=A1*2")
    assert s.get("B1") == 10.0


def test_formula_retargeted_allows_reverse_reference():
    s = Sheet()
    s.set("A1", "=B1+1")
    s.set("A1", "=C1+1")
    s.set("B1", "=A1")
    s.set("C1", 4)
    assert (s.get("A1"), s.get("B1")) == (5.0, 5.0)


def test_old_precedent_forgets_dependent():
    s = Sheet()
    s.set("C1", "=A1+1")
    s.set("C1", "=B1+1")
    assert s.dependents("A1") == set()
    assert s.dependents("B1") == {"C1"}


# --- recalculation order


def test_shortcut_dependency_sees_fresh_values():
    s = Sheet()
    s.set("A1", 1)
    s.set("B1", "=A1+1")
    s.set("C1", "=B1+1")
    s.set("D1", "=A1+C1")
    s.set("A1", 10)
    assert s.get("D1") == 22.0


def test_long_chain_with_shortcuts():
    s = Sheet()
    s.set("A1", 1)
    s.set("B1", "=A1")
    for i in range(2, 15):
        s.set(f"B{i}", f"=B{i - 1}+A1")
    s.set("A1", 3)
    assert [s.get(f"B{i}") for i in range(1, 15)] == [3.0 * i for i in range(1, 15)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_matches_full_recalculation(seed):
    rng = random.Random(seed)
    cells = [f"{c}{r}" for c in "ABCDE" for r in range(1, 6)]
    s = Sheet()
    for i, name in enumerate(cells):
        if i < 5 or rng.random() < 0.4:
            s.set(name, rng.randint(1, 9))
            continue
        earlier = cells[: i]
        a, b = rng.sample(earlier, 2)
        kind = rng.randrange(3)
        if kind == 0:
            s.set(name, f"={a}+{b}")
        elif kind == 1:
            s.set(name, f"=SUM({earlier[0]}:{cells[i - 1][0]}{max(1, int(cells[i - 1][1:]) - 1)})+{a}")
        else:
            s.set(name, f"=MAX({a},{b})*2-{a}")
    for _ in range(15):
        target = rng.choice(cells)
        if s.content(target) is None or not str(s.content(target)).startswith("="):
            s.set(target, rng.randint(1, 9))
        incremental = {c: s.get(c) for c in cells}
        s.recalculate()
        assert {c: s.get(c) for c in cells} == incremental


# --- behaviour that already works


def test_direct_cycle_rejected_and_sheet_unchanged():
    s = Sheet()
    s.set("A1", 1)
    s.set("B1", "=A1+1")
    with pytest.raises(CircularReference):
        s.set("A1", "=B1")
    assert (s.content("A1"), s.get("B1")) == (1, 2.0)


def test_self_reference_rejected():
    with pytest.raises(CircularReference):
        Sheet().set("A1", "=A1+1")


def test_plain_chain_and_errors():
    s = Sheet()
    s.set("A1", 4)
    s.set("B1", "=A1/2")
    s.set("C1", "=B1&\"x\"")
    assert s.get("C1") == "2.0x"
    s.set("A1", 0)
    s.set("B1", "=1/A1")
    assert s.get("B1") == ErrorValue("#DIV/0!")


def test_range_endpoints_update():
    s = filled([1, 2, 3])
    s.set("B1", "=SUM(A1:A3)")
    s.set("A1", 10)
    s.set("A3", 30)
    assert s.get("B1") == 42.0


def test_clear_cell():
    s = filled([5])
    s.set("B1", "=A1+1")
    s.clear("A1")
    assert (s.get("A1"), s.get("B1")) == (None, 1.0)
