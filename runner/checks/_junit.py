"""JUnit XML reports as written by pytest (`--junitxml`) and `node --test --test-reporter=junit`.

Only the report decides which tests passed: text a patch prints to stdout never counts.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from enum import StrEnum

# A report bigger than this is not a test report but an attack on the parser (or a runaway log
# written into it); refuse it instead of reading it. Python's expat refuses entity-expansion bombs.
MAX_REPORT_BYTES = 32 * 1024 * 1024


class Status(StrEnum):
    passed = "passed"
    failed = "failed"  # an assertion failed: <failure>
    error = "error"  # setup/teardown or collection broke: <error>
    skipped = "skipped"  # <skipped>, also pytest's xfail: an expected failure is not a pass


class ReportError(Exception):
    """The report is absent, empty, too big or not JUnit XML; str() says which."""


# Worst first: when the same id appears twice (a re-run, or a patch that makes two tests share a
# name), the id counts as passed only if every occurrence passed.
_RANK = {Status.error: 3, Status.failed: 2, Status.skipped: 1, Status.passed: 0}


def _status(case: ET.Element) -> Status:
    tags = {child.tag for child in case}
    if "error" in tags:
        return Status.error
    if "failure" in tags:
        return Status.failed
    # node --test marks a failure with an attribute on some versions, not only a child element.
    if case.get("failure") is not None:
        return Status.failed
    if "skipped" in tags:
        return Status.skipped
    return Status.passed


def _testcases(root: ET.Element) -> Iterator[ET.Element]:
    # <testsuites><testsuite><testsuite>...<testcase>: node nests a suite per describe(); pytest
    # writes one level. A bare <testsuite> root is valid JUnit too. iter() covers all of them.
    yield from root.iter("testcase")


def parse_junit(data: bytes | None) -> dict[str, Status]:
    """Map every test id in the report to its (worst) status. Raises ReportError when there is
    no usable report: a suite that did not run must never read as passed."""
    if data is None:
        raise ReportError("no report was written")
    if not data.strip():
        raise ReportError("the report is empty")
    if len(data) > MAX_REPORT_BYTES:
        raise ReportError(f"the report is larger than {MAX_REPORT_BYTES // 2**20} MiB")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ReportError(f"the report is not XML ({exc})") from None
    if root.tag not in ("testsuites", "testsuite"):
        raise ReportError(f"the report is not JUnit XML (root element <{root.tag}>)")
    results: dict[str, Status] = {}
    for case in _testcases(root):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        status = _status(case)
        old = results.get(test_id)
        if old is None or _RANK[status] > _RANK[old]:
            results[test_id] = status
    return results
