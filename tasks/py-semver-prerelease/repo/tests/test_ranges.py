import pytest

from semverkit import InvalidRange, Range, max_satisfying, satisfies


@pytest.mark.parametrize(
    ("rng", "inside", "outside"),
    [
        ("^1.2.3", ["1.2.3", "1.9.0"], ["2.0.0", "1.2.2"]),
        ("~1.2.3", ["1.2.9"], ["1.3.0"]),
        ("1.x", ["1.0.0", "1.99.1"], ["2.0.0"]),
        (">=1.0.0 <2.0.0 || >=3.0.0", ["1.5.0", "3.1.0"], ["2.5.0"]),
        ("^0.2.3", ["0.2.9"], ["0.3.0"]),
    ],
)
def test_contains(rng, inside, outside):
    r = Range.parse(rng)
    for v in inside:
        assert r.contains(v), v
    for v in outside:
        assert not r.contains(v), v


def test_max_satisfying_skips_junk():
    assert max_satisfying(["1.0.0", "latest", "1.4.2", "2.0.0"], "^1.0.0") == "1.4.2"
    assert max_satisfying(["3.0.0"], "^1.0.0") is None


def test_satisfies_shortcut():
    assert satisfies("1.2.3", ">1.2.2")


@pytest.mark.parametrize("bad", ["", ">=", "1.2.3.4", "|| 1.0.0", "1.x.3"])
def test_invalid(bad):
    with pytest.raises(InvalidRange):
        Range.parse(bad)
