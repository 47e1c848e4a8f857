"""Decoy patches: plausible but wrong fixes a task ships in `decoys/*.patch` (tasks/README.md,
"Decoys"). `cab tasks validate` runs each through the checks and requires every one to fail.

A decoy file is a `git diff` relative to repo/, like solution.patch, preceded by a header of
`Key: value` lines: `Decoy: <kind>` (one of DECOY_KINDS) and `Why: <one sentence>`. `git apply`
ignores the header; the checks are given the diff alone, so nothing in the header can trip the
tamper scan or the diff policy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DECOY_DIR = "decoys"
DECOY_SUFFIX = ".patch"
MIN_DECOYS = 3  # every task ships at least this many (issue 20)
DECOY_KINDS = ("partial", "special-case", "suppress", "breaks-requirement", "naive", "other")
_KEYS = ("Decoy", "Why")
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z-]*):[ \t]*(.*?)[ \t]*$")
_DIFF_START = re.compile(r"^diff --git ", re.MULTILINE)


class DecoyError(Exception):
    """A decoy file is malformed. `str()` is the one line a user sees: file, then problem."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


@dataclass(frozen=True)
class Decoy:
    path: str  # relative to the task folder: decoys/<name>.patch
    kind: str
    why: str
    patch: str  # from the first `diff --git` line on: what the checks are given

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def parse_decoy(text: str, path: str) -> Decoy:
    """The decoy in `text` (the content of the file `path`, for messages). Raises DecoyError."""
    m = _DIFF_START.search(text)
    if m is None:
        raise DecoyError(path, "no `diff --git` line: a decoy is a git diff relative to repo/")
    fields: dict[str, str] = {}
    for lineno, line in enumerate(text[: m.start()].split("\n"), 1):
        if not line.strip():
            continue
        hm = _HEADER_LINE.match(line)
        if hm is None:
            raise DecoyError(path, f"header line {lineno} is not `Key: value`: {line[:60]!r}")
        key, value = hm.group(1), hm.group(2)
        if key not in _KEYS:
            raise DecoyError(
                path, f"header line {lineno}: unknown key {key!r} (expected {', '.join(_KEYS)})"
            )
        if key in fields:
            raise DecoyError(path, f"header line {lineno}: {key} given twice")
        fields[key] = value
    for key in _KEYS:
        if key not in fields:
            raise DecoyError(path, f"header has no `{key}:` line")
    if fields["Decoy"] not in DECOY_KINDS:
        raise DecoyError(
            path,
            f"Decoy: {fields['Decoy']!r} is not a decoy kind (one of {', '.join(DECOY_KINDS)})",
        )
    if not fields["Why"]:
        raise DecoyError(path, "Why: is empty (say why it is plausible and why it is wrong)")
    return Decoy(path, fields["Decoy"], fields["Why"], text[m.start() :])


def load_decoys(task_dir: Path) -> list[Decoy]:
    """The task's decoys, sorted by file name; [] when it has none. Raises DecoyError on the
    first malformed one (also for a file in decoys/ that is not a `.patch`, or not UTF-8)."""
    folder = task_dir / DECOY_DIR
    if not folder.is_dir():
        return []
    decoys = []
    for p in sorted(folder.iterdir()):
        rel = f"{DECOY_DIR}/{p.name}"
        if p.is_symlink() or not p.is_file() or not p.name.endswith(DECOY_SUFFIX):
            raise DecoyError(rel, f"only {DECOY_SUFFIX} files belong in {DECOY_DIR}/")
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise DecoyError(rel, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        decoys.append(parse_decoy(text, rel))
    return decoys
