"""Test-runner configuration: the files (and the settings inside shared files) that change how
the hidden tests run rather than what the code under test does. Out of scope for every patch
unless the task's `checks.diff.allow_test_config` names the file (see runner/checks/_tamper.py
for the why)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from typing import Protocol


class ChangedFile(Protocol):
    """What the rule reads of a parsed diff's file (runner.checks._diff.FileChange)."""

    @property
    def paths(self) -> list[str]: ...

    added_lines: list[str]
    deleted_lines: list[str]


# Files that configure the test run rather than the code under test (fnmatch: `*` crosses `/`).
TEST_CONFIG_FILES = (
    "conftest.py",
    "*/conftest.py",
    "pytest.ini",
    "*/pytest.ini",
    ".pytest.ini",
    "tox.ini",
    "setup.cfg",
    "noxfile.py",
    "sitecustomize.py",
    "*/sitecustomize.py",
    "usercustomize.py",
    "*/usercustomize.py",
    "*.pth",
    "*.dist-info/*",
    "*.egg-info/*",
    "*.egg-link",
    ".mocharc*",
    "*/.mocharc*",
    "jest.config.*",
    "vitest.config.*",
    "ava.config.*",
    ".c8rc*",
    ".nycrc*",
    ".npmrc",
    "*/.npmrc",
    ".node-options",
    "bunfig.toml",
)
# pytest settings inside pyproject.toml, and the package.json keys that pick how tests run.
_PYPROJECT_PYTEST = re.compile(r"^\s*\[\s*tool\.pytest|^\s*\[\s*tool\.coverage")
_PACKAGE_RUNNER_KEYS = re.compile(r'"(scripts|test|pretest|posttest|jest|ava|mocha|c8|nyc)"\s*:')


def in_globs(path: str, globs: Sequence[str]) -> bool:
    """The path, or its file name, matches one of the globs (fnmatch: `*` crosses `/`)."""
    return any(fnmatchcase(path, g) or fnmatchcase(PurePosixPath(path).name, g) for g in globs)


def test_config_paths(
    files: Sequence[ChangedFile], allowed: Sequence[str], *, package_scripts: bool = False
) -> list[str]:
    """Paths of test-runner configuration the patch changes and the task does not allow.
    package_scripts: the runner goes through package.json's scripts (npm test), so they count."""
    found: set[str] = set()
    for f in files:
        changed = [*f.added_lines, *f.deleted_lines]
        for path in f.paths:
            name = PurePosixPath(path).name
            if in_globs(path, allowed):
                continue
            if (
                in_globs(path, TEST_CONFIG_FILES)
                or (name == "pyproject.toml" and any(map(_PYPROJECT_PYTEST.search, changed)))
                or (
                    package_scripts
                    and name == "package.json"
                    and any(map(_PACKAGE_RUNNER_KEYS.search, changed))
                )
            ):
                found.add(path)
    return sorted(found)
