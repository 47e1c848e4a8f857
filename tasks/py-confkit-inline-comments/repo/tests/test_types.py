import pytest

from confkit import types


@pytest.mark.parametrize("text,expected", [("yes", True), ("Off", False), ("1", True)])
def test_to_bool(text, expected):
    assert types.to_bool(text) is expected


def test_to_bool_rejects_other_words():
    with pytest.raises(ValueError):
        types.to_bool("maybe")


@pytest.mark.parametrize("text,expected", [("90", 90.0), ("1m30s", 90.0), ("250ms", 0.25)])
def test_to_duration(text, expected):
    assert types.to_duration(text) == expected


def test_to_duration_rejects_garbage():
    with pytest.raises(ValueError):
        types.to_duration("1x")


@pytest.mark.parametrize("text,expected", [("512", 512), ("10kb", 10000), ("1MiB", 1048576)])
def test_to_size(text, expected):
    assert types.to_size(text) == expected


def test_to_list_accepts_lines_and_commas():
    assert types.to_list("a, b\nc,,") == ["a", "b", "c"]
