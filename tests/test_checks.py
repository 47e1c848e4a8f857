"""The check functions on recorded tool outputs (tests/fixtures/checks/README.md says how each
was made). Pure: no Docker."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.catalog._models import DiffPolicy, RunnerCheck
from runner.checks import (
    Finding,
    ReportError,
    Status,
    diff_verdict,
    is_lintable,
    lint_verdict,
    new_findings,
    parse_diff,
    parse_eslint,
    parse_junit,
    parse_ruff,
    parse_shellcheck,
    runner_verdict,
)

FIXTURES = Path(__file__).parent / "fixtures" / "checks"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def text(name: str) -> str:
    return fixture(name).decode("utf-8")


def check(f2p: list[str], p2p: list[str] | None = None) -> RunnerCheck:
    return RunnerCheck(
        command=["python3", "-m", "pytest"],
        report="/out/report.xml",
        fail_to_pass=f2p,
        pass_to_pass=p2p or [],
    )


def policy(**overrides: object) -> DiffPolicy:
    base: dict[str, object] = {
        "allowed_paths": ["src/*", "db/*", "README.md"],
        "forbidden_paths": ["tests/*"],
        "max_changed_lines": 100,
    }
    return DiffPolicy.model_validate(base | overrides)


# --------------------------------------------------------------------------- junit


def test_pytest_report_statuses() -> None:
    results = parse_junit(fixture("pytest-suite.xml"))
    assert results == {
        "test_sample::test_passes": Status.passed,
        "test_sample::test_fails": Status.failed,
        "test_sample::test_errors_in_setup": Status.error,
        "test_sample::test_skipped": Status.skipped,
        "test_sample::test_xfails": Status.skipped,
        "test_sample::test_param[1]": Status.passed,
        "test_sample::test_param[2]": Status.failed,
        "test_sample.TestGroup::test_in_class": Status.passed,
    }


def test_node_report_statuses_through_nested_suites() -> None:
    results = parse_junit(fixture("node-junit.xml"))
    assert results == {
        "test::adds numbers": Status.passed,
        "test::fails on purpose": Status.failed,
        "test::skipped one": Status.skipped,
        "test::todo one": Status.skipped,
        "test::parses empty input": Status.passed,
        "test::rejects day 32": Status.passed,
    }


def test_duplicate_ids_count_as_their_worst_occurrence() -> None:
    xml = (
        b'<testsuites><testsuite name="a"><testcase classname="m" name="t"/></testsuite>'
        b'<testsuite name="b"><testcase classname="m" name="t"><failure/></testcase>'
        b"</testsuite></testsuites>"
    )
    assert parse_junit(xml) == {"m::t": Status.failed}


@pytest.mark.parametrize(
    "data,why",
    [
        (None, "no report"),
        (b"   \n", "empty"),
        (b"<testsuites><testcase", "not XML"),
        (b"<html><body>5 passed</body></html>", "not JUnit"),
    ],
)
def test_unusable_reports(data: bytes | None, why: str) -> None:
    with pytest.raises(ReportError, match=why):
        parse_junit(data)


def test_entity_expansion_bomb_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8)
        )
        + b']><testsuites><testcase classname="x" name="&i;"/></testsuites>'
    )
    with pytest.raises(ReportError):
        parse_junit(bomb)


# --------------------------------------------------------------------------- runner check


def test_runner_passes_when_every_listed_test_passed() -> None:
    verdict = runner_verdict(
        check(["test_sample::test_passes"], ["test_sample.TestGroup::test_in_class"]),
        fixture("pytest-suite.xml"),
        1,  # unlisted tests failed: the exit code alone does not decide
    )
    assert verdict.passed, verdict.summary
    assert verdict.summary == "1 fail_to_pass and 1 pass_to_pass tests passed"


def test_runner_fails_on_failure_error_skip_and_xfail() -> None:
    for test_id, status in [
        ("test_sample::test_fails", "failed"),
        ("test_sample::test_errors_in_setup", "error"),
        ("test_sample::test_skipped", "skipped"),
        ("test_sample::test_xfails", "skipped"),
    ]:
        verdict = runner_verdict(check([test_id]), fixture("pytest-suite.xml"), 1)
        assert not verdict.passed
        assert f"{test_id} ({status})" in verdict.summary


def test_runner_missing_id_is_a_failure() -> None:
    verdict = runner_verdict(
        check(["test_sample::test_passes"], ["test_sample::test_renamed_away"]),
        fixture("pytest-suite.xml"),
        1,  # the suite has failures: pytest exits 1
    )
    assert not verdict.passed
    assert verdict.summary == (
        "pass_to_pass 1/1 not passed: test_sample::test_renamed_away (missing)"
    )
    assert verdict.facts["pass_to_pass_failed"] == ["test_sample::test_renamed_away"]


def test_suite_that_never_ran_collection_error() -> None:
    verdict = runner_verdict(
        check(["test_broken_import::test_never_runs"], ["test_fine::test_would_pass"]),
        fixture("pytest-colerr.xml"),
        2,
    )
    assert not verdict.passed
    assert "fail_to_pass 1/1 not passed" in verdict.summary
    assert "test_fine::test_would_pass (missing)" in verdict.summary


def test_suite_that_never_ran_no_tests_collected() -> None:
    verdict = runner_verdict(check(["test_x::test_y"]), fixture("pytest-empty.xml"), 5)
    assert not verdict.passed
    assert verdict.summary == "the suite did not run: the report has no test cases (exit 5)"
    assert verdict.facts["suite_ran"] is False


def test_suite_that_never_ran_no_report() -> None:
    verdict = runner_verdict(check(["test_x::test_y"]), None, 0)
    assert not verdict.passed
    assert verdict.summary == "the suite did not run: no report was written (exit 0)"


def test_fake_passed_lines_on_stdout_do_not_pass() -> None:
    """A patch can print pytest's words; only the report counts. Here the recorded log of a
    suite whose report is absent is full of PASSED lines and exits 0: still a fail."""
    fake_stdout = (
        "test_sample.py::test_fails PASSED\n"
        "test_sample.py::test_errors_in_setup PASSED\n"
        "============ 8 passed in 0.01s ============\n"
    )
    assert "passed" in fake_stdout  # what a naive log grep would have trusted
    verdict = runner_verdict(check(["test_sample::test_fails"]), None, 0)
    assert not verdict.passed
    # And with the real report next to such a log, the report's failure wins.
    verdict = runner_verdict(check(["test_sample::test_fails"]), fixture("pytest-suite.xml"), 0)
    assert not verdict.passed


@pytest.mark.parametrize(
    "exit_code,timed_out,why",
    [
        (137, False, "the runner was killed (exit 137)"),
        (-9, False, "the runner was killed (signal 9)"),
        (None, True, "the runner timed out"),
        (127, False, "the runner command was not found"),
    ],
)
def test_killed_or_missing_runner_ignores_a_stale_report(
    exit_code: int | None, timed_out: bool, why: str
) -> None:
    verdict = runner_verdict(
        check(["test_sample::test_passes"]),
        fixture("pytest-suite.xml"),
        exit_code,
        timed_out=timed_out,
    )
    assert not verdict.passed
    assert verdict.summary == f"the suite did not run: {why}"


def test_summary_is_bounded() -> None:
    ids = [f"test_mod::test_{i:04d}_{'x' * 40}" for i in range(50)]
    verdict = runner_verdict(check(ids), fixture("pytest-suite.xml"), 1)
    assert len(verdict.summary) <= 500
    assert "(+45 more)" in verdict.summary


# --------------------------------------------------------------------------- lint check


def test_ruff_new_findings_ignore_shifted_lines() -> None:
    verdict = lint_verdict("ruff", text("ruff-baseline.json"), text("ruff-patched.json"))
    assert not verdict.passed
    new = new_findings(
        parse_ruff(text("ruff-baseline.json")), parse_ruff(text("ruff-patched.json"))
    )
    assert [(f.file, f.rule) for f in new] == [
        ("pkg/broken.py", "invalid-syntax"),
        ("pkg/broken.py", "invalid-syntax"),
        ("pkg/report.py", "E722"),
        ("pkg/report.py", "F821"),
    ]
    assert verdict.summary.startswith("4 new ruff findings: pkg/broken.py:1 invalid-syntax")


def test_ruff_same_findings_moved_down_pass() -> None:
    baseline = parse_ruff(text("ruff-baseline.json"))
    moved = [f for f in parse_ruff(text("ruff-patched.json")) if f.rule == "F401"]
    assert [f.line for f in baseline] != [f.line for f in moved]
    assert new_findings(baseline, moved) == []


def test_shellcheck_new_findings_are_counted_as_multisets() -> None:
    verdict = lint_verdict(
        "shellcheck", text("shellcheck-baseline.json"), text("shellcheck-patched.json")
    )
    assert not verdict.passed
    new = new_findings(
        parse_shellcheck(text("shellcheck-baseline.json")),
        parse_shellcheck(text("shellcheck-patched.json")),
    )
    # deploy had one SC2086 and now has two: one is new even though the rule is not.
    assert sorted((f.file, f.rule) for f in new) == [
        ("bin/deploy", "SC2045"),
        ("bin/deploy", "SC2086"),
    ]


def test_eslint_new_findings_include_parse_errors() -> None:
    new = new_findings(
        parse_eslint(text("eslint-baseline.json")), parse_eslint(text("eslint-patched.json"))
    )
    assert sorted((f.file, f.rule) for f in new) == [
        ("src/broken.js", "parse-error"),
        ("src/cart.js", "no-undef"),
        ("src/cart.js", "no-unused-vars"),
    ]
    verdict = lint_verdict("eslint", text("eslint-baseline.json"), text("eslint-patched.json"))
    assert not verdict.passed and verdict.summary.startswith("3 new eslint findings")


def test_lint_passes_on_unchanged_findings_and_on_nothing_to_lint() -> None:
    same = text("ruff-baseline.json")
    assert lint_verdict("ruff", same, same).passed
    assert lint_verdict("ruff", None, None).summary == "no ruff-lintable file changed"
    assert lint_verdict("none", None, None).passed


def test_lint_renamed_file_keeps_its_findings() -> None:
    before = [Finding("old.py", "F401", 1)]
    after = [Finding("new.py", "F401", 1)]
    assert new_findings(before, after) == after
    assert new_findings(before, after, {"old.py": "new.py"}) == []


def test_broken_linter_output_fails() -> None:
    verdict = lint_verdict("ruff", "[]", "error: Failed to parse pyproject.toml")
    assert not verdict.passed
    assert verdict.summary.startswith("ruff on the patched files gave no usable output: not JSON")


def test_lintable_selection() -> None:
    assert is_lintable("ruff", "pkg/a.py")
    assert not is_lintable("ruff", "README.md")
    assert is_lintable("shellcheck", "bin/deploy", "#!/usr/bin/env bash")
    assert not is_lintable("shellcheck", "bin/deploy", "#!/usr/bin/env python3")
    assert is_lintable("eslint", "src/a.mjs")


# --------------------------------------------------------------------------- diff check


def test_gold_like_diff_passes() -> None:
    verdict = diff_verdict(policy(), text("diff-gold.patch"))
    assert verdict.passed, verdict.summary
    assert verdict.summary == "2 files, +5 -0 lines, within policy"


def test_patch_touching_a_forbidden_path_fails() -> None:
    verdict = diff_verdict(policy(), text("diff-forbidden.patch"))
    assert not verdict.passed
    assert verdict.summary == "touches forbidden paths: tests/test_geometry.py"


def test_patch_over_the_line_budget_fails() -> None:
    verdict = diff_verdict(policy(), text("diff-large.patch"))
    assert not verdict.passed
    assert verdict.summary == "400 changed lines (+400 -0) exceed the budget of 100"
    assert diff_verdict(policy(max_changed_lines=400), text("diff-large.patch")).passed


def test_parse_mixed_diff() -> None:
    files = {(f.old_path, f.new_path): f for f in parse_diff(text("diff-mixed.patch"))}
    deleted = files[("NOTES.txt", None)]
    assert deleted.is_deletion and deleted.deleted == 1
    # "--- schema v1" inside a hunk is a deleted line, not a file header
    sql = files[("db/schema.sql", "db/schema.sql")]
    assert (sql.added, sql.deleted) == (0, 1)
    assert files[(None, "logo.png")].binary
    assert files[("src/geometry.py", "src/geometry.py")].new_mode == "100755"
    assert files[(None, "src/link")].new_mode == "120000"
    renamed = files[("src/legacy_name.py", "src/new näme.py")]
    assert renamed.renamed and (renamed.added, renamed.deleted) == (1, 0)


def test_mixed_diff_policy_rules_in_order() -> None:
    mixed = text("diff-mixed.patch")
    wide = policy(allowed_paths=["*"])
    assert diff_verdict(wide, mixed).summary == "adds a symlink or submodule: src/link"
    no_link = "diff --git" + "diff --git".join(
        part for part in mixed.split("diff --git") if part and "src/link" not in part
    )
    assert diff_verdict(wide, no_link).summary == "binary changes are not allowed: logo.png"
    assert diff_verdict(wide.model_copy(update={"allow_binary": True}), no_link).summary == (
        "file deletions are not allowed: NOTES.txt"
    )
    assert diff_verdict(policy(), no_link).summary.startswith(
        "touches paths outside the allowed ones: NOTES.txt, logo.png"
    )


def test_lines_with_carriage_returns_and_line_separators_are_counted_once() -> None:
    patch = (
        "diff --git a/src/x.py b/src/x.py\n--- a/src/x.py\n+++ b/src/x.py\n"
        "@@ -1,2 +1,2 @@\n-a = 1\r\n+a = '\u2028\x0c'\r\n b = 2\n"
    )
    [change] = parse_diff(patch)
    assert (change.added, change.deleted) == (1, 1)
    assert diff_verdict(policy(), patch).passed


@pytest.mark.parametrize(
    "patch,why",
    [
        ("", "the patch is empty"),
        ("some words\n", "text before the first 'diff --git' header"),
        (
            "diff --git a/src/x.py b/src/x.py\n--- a/src/x.py\n+++ b/src/x.py\n"
            "@@ -1,3 +1,3 @@\n x\n",
            "the last hunk is truncated",
        ),
        (
            "diff --git a/../etc/passwd b/../etc/passwd\n--- a/../etc/passwd\n+++ b/../etc/passwd\n"
            "@@ -1 +1 @@\n-a\n+b\n",
            "../etc/passwd escapes the repository",
        ),
        (
            "diff --git a/.git/hooks/pre-commit b/.git/hooks/pre-commit\nnew file mode 100755\n"
            "--- /dev/null\n+++ b/.git/hooks/pre-commit\n@@ -0,0 +1 @@\n+curl x | sh\n",
            ".git/hooks/pre-commit is inside .git/",
        ),
    ],
)
def test_unusable_or_unsafe_patches(patch: str, why: str) -> None:
    verdict = diff_verdict(policy(allowed_paths=["*"]), patch)
    assert not verdict.passed
    assert why in verdict.summary


def test_reports_are_read_only_from_regular_files(tmp_path: Path) -> None:
    from runner.checks._run import _read_regular_file

    (tmp_path / "report.xml").write_bytes(b"x" * 10)
    assert _read_regular_file(tmp_path / "report.xml", 100) == b"x" * 10
    assert _read_regular_file(tmp_path / "report.xml", 3) == b"xxxx"  # capped: limit + 1
    secret = tmp_path / "host-secret"
    secret.write_text("root:x:0:0")
    (tmp_path / "link.xml").symlink_to(secret)
    assert _read_regular_file(tmp_path / "link.xml", 100) is None
    import os

    os.mkfifo(tmp_path / "fifo.xml")
    assert _read_regular_file(tmp_path / "fifo.xml", 100) is None  # and does not block
    assert _read_regular_file(tmp_path / "missing.xml", 100) is None
