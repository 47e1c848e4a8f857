import subprocess
import sys

import pytest

from semverkit import Range, Version, max_satisfying

# The precedence chain from the SemVer 2.0.0 specification, section 11.
SPEC_CHAIN = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
]


def test_spec_precedence_chain():
    parsed = [Version.parse(v) for v in SPEC_CHAIN]
    for low, high in zip(parsed, parsed[1:]):
        assert low < high, f"{low} should be lower than {high}"
        assert not high < low


def test_sorting_shuffled_spec_chain():
    shuffled = SPEC_CHAIN[::-1][3:] + SPEC_CHAIN[::-1][:3]
    assert [str(v) for v in sorted(Version.parse(v) for v in shuffled)] == SPEC_CHAIN


def test_numeric_identifiers_compare_numerically():
    assert Version.parse("1.0.0-rc.2") < Version.parse("1.0.0-rc.10")
    assert Version.parse("2.1.0-9") < Version.parse("2.1.0-10")
    assert Version.parse("7.0.0-build.3.x") < Version.parse("7.0.0-build.12.a")


def test_numeric_identifier_below_alphanumeric():
    assert Version.parse("1.0.0-999") < Version.parse("1.0.0-a")
    assert Version.parse("1.0.0-alpha.99") < Version.parse("1.0.0-alpha.beta")


def test_max_satisfying_prefers_later_release_candidate():
    tags = ["5.4.0-beta.7", "5.4.0-beta.23", "5.4.0-beta.8", "5.4.0-alpha.40"]
    assert max_satisfying(tags, ">=5.4.0-alpha.1") == "5.4.0-beta.23"


def test_cli_sort_prereleases():
    out = subprocess.run(
        [sys.executable, "-m", "semverkit.cli", "sort", "2.3.0-pre.100", "2.3.0", "2.3.0-pre.31"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["2.3.0-pre.31", "2.3.0-pre.100", "2.3.0"]


@pytest.mark.parametrize(
    ("rng", "inside", "outside"),
    [
        ("^0.0.3", ["0.0.3"], ["0.0.4", "0.1.0", "0.0.2"]),
        ("^0.0.0", ["0.0.0"], ["0.0.1"]),
        ("^0.0.12", ["0.0.12"], ["0.0.13", "0.0.20", "0.1.0", "0.0.11"]),
    ],
)
def test_caret_zero_zero_patch(rng, inside, outside):
    r = Range.parse(rng)
    for v in inside:
        assert r.contains(v), v
    for v in outside:
        assert not r.contains(v), v


# --- behaviour that already works and must keep working

def test_prerelease_below_its_release():
    assert Version.parse("1.0.0-rc.1") < Version.parse("1.0.0")
    assert Version.parse("1.0.0") < Version.parse("1.0.1-alpha")


def test_equality_ignores_build():
    assert Version.parse("1.0.0-rc.1+x") == Version.parse("1.0.0-rc.1+y")


@pytest.mark.parametrize(
    ("rng", "inside", "outside"),
    [
        ("^1.2.3", ["1.2.3", "1.99.0"], ["2.0.0", "1.2.2"]),
        ("^0.2.3", ["0.2.3", "0.2.99"], ["0.3.0", "0.2.2"]),
        ("^0.0", ["0.0.0", "0.0.9"], ["0.1.0"]),
        ("^0.x", ["0.5.0"], ["1.0.0"]),
        ("~0.0.3", ["0.0.3", "0.0.9"], ["0.1.0"]),
    ],
)
def test_caret_and_tilde_regressions(rng, inside, outside):
    r = Range.parse(rng)
    for v in inside:
        assert r.contains(v), v
    for v in outside:
        assert not r.contains(v), v


def test_max_satisfying_plain_releases():
    assert max_satisfying(["1.0.0", "1.2.5", "1.10.0", "2.0.0"], "~1.2") == "1.2.5"
    assert max_satisfying(["1.0.0", "1.2.5", "1.10.0", "2.0.0"], "^1.0.0") == "1.10.0"
