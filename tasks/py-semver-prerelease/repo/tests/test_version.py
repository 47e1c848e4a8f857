import pytest

from semverkit import InvalidVersion, Version


def test_parse_full():
    v = Version.parse("v1.2.3-beta.1+build.7")
    assert v.release == (1, 2, 3)
    assert v.prerelease == ("beta", "1")
    assert v.build == ("build", "7")
    assert str(v) == "1.2.3-beta.1+build.7"


@pytest.mark.parametrize("text", ["1.2", "01.2.3", "1.2.3-", "1.2.3-01", "a.b.c", ""])
def test_parse_rejects(text):
    with pytest.raises(InvalidVersion):
        Version.parse(text)


def test_release_ordering():
    assert Version.parse("1.2.3") < Version.parse("1.2.4") < Version.parse("1.10.0")


def test_prerelease_before_release():
    assert Version.parse("2.0.0-rc.1") < Version.parse("2.0.0")


def test_build_metadata_ignored():
    assert Version.parse("1.0.0+a") == Version.parse("1.0.0+b")


def test_bump():
    assert str(Version.parse("1.2.3").bump("minor")) == "1.3.0"
    assert str(Version.parse("1.2.3-rc.1").bump("prerelease")) == "1.2.3-rc.2"
    assert str(Version.parse("1.2.3-rc.1").bump("patch")) == "1.2.3"
