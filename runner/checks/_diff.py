"""The diff check: parse a `git diff` and hold it to the task's policy."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from runner.catalog import DiffPolicy
from runner.checks._verdict import Verdict, listing

_DIFF_GIT = re.compile(r"^diff --git (?P<rest>.+)$")
# Hunk headers carry the line counts; counting with them (not by "starts with +/-") keeps a
# deleted line that reads "-- x" or "++ y" from being taken for a file header.
_HUNK = re.compile(r"^@@ -\d+(?:,(?P<old>\d+))? \+\d+(?:,(?P<new>\d+))? @@")
_C_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
# Git writes these modes for symlinks and submodules; both can point outside the workspace (a
# symlink to /tests or /etc), so a patch may never add one.
SYMLINK_MODE = "120000"
GITLINK_MODE = "160000"


class DiffParseError(Exception):
    """The text is not a git diff a checker can trust."""


@dataclass
class FileChange:
    old_path: str | None  # None: the file is new
    new_path: str | None  # None: the file is deleted
    added: int = 0
    deleted: int = 0
    binary: bool = False
    new_mode: str | None = None
    renamed: bool = False
    # The text of the added lines, without the "+": what the tamper scan reads.
    added_lines: list[str] = field(default_factory=list)
    deleted_lines: list[str] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return sorted({p for p in (self.old_path, self.new_path) if p is not None})

    @property
    def is_deletion(self) -> bool:
        return self.new_path is None

    @property
    def is_addition(self) -> bool:
        return self.old_path is None


def _unquote(path: str) -> str:
    """git C-quotes paths with unusual bytes: "a/caf\\303\\251.py"."""
    if not (path.startswith('"') and path.endswith('"')):
        return path
    body, out, i = path[1:-1], bytearray(), 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in "01234567":
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
            out += _C_ESCAPES.get(nxt, nxt).encode()
            i += 2
            continue
        out += ch.encode()
        i += 1
    return out.decode("utf-8", errors="surrogateescape")


def _strip_prefix(path: str, prefix: str) -> str:
    path = _unquote(path.strip())
    if not path.startswith(prefix):
        raise DiffParseError(f"path {path!r} lacks the {prefix!r} prefix")
    return path[len(prefix) :]


def _paths_from_diff_git(rest: str) -> tuple[str, str]:
    # Only a fallback (binary and mode-only changes have no ---/+++ lines); "a/x b/x" is
    # ambiguous when names contain " b/", so prefer the symmetric split.
    if rest.startswith('"'):
        end = rest.index('"', 1)
        while rest[end - 1] == "\\":
            end = rest.index('"', end + 1)
        return _strip_prefix(rest[: end + 1], "a/"), _strip_prefix(rest[end + 1 :], "b/")
    half = (len(rest) - 1) // 2
    if rest[half] == " " and rest[2:half] == rest[half + 3 :]:
        return _strip_prefix(rest[:half], "a/"), _strip_prefix(rest[half + 1 :], "b/")
    a, _, b = rest.partition(" b/")
    return _strip_prefix(a, "a/"), b


def parse_diff(text: str) -> list[FileChange]:
    """Every file a `git diff` touches, with added/deleted line counts. Raises DiffParseError on
    text that is not a git diff (hand-written hunks without headers, truncated hunks)."""
    files: list[FileChange] = []
    cur: FileChange | None = None
    old_left = new_left = 0
    # Split on "\n" only: str.splitlines() also splits on "\r", "\x0c" and "\u2028", which are
    # legitimate bytes inside a changed line and would make a valid hunk look truncated.
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for lineno, line in enumerate(lines, 1):
        if old_left or new_left:
            tag = line[:1]
            if tag == "+":
                cur.added += 1  # type: ignore[union-attr]
                cur.added_lines.append(line[1:])  # type: ignore[union-attr]
                new_left -= 1
            elif tag == "-":
                cur.deleted += 1  # type: ignore[union-attr]
                cur.deleted_lines.append(line[1:])  # type: ignore[union-attr]
                old_left -= 1
            elif tag in (" ", ""):
                old_left -= 1
                new_left -= 1
            elif tag == "\\":  # "\ No newline at end of file"
                pass
            else:
                raise DiffParseError(f"line {lineno}: hunk ends early")
            continue
        m = _DIFF_GIT.match(line)
        if m:
            old, new = _paths_from_diff_git(m["rest"])
            cur = FileChange(old_path=old, new_path=new)
            files.append(cur)
            continue
        if line.startswith("\\"):
            continue
        if cur is None:
            if line.strip():
                raise DiffParseError(f"line {lineno}: text before the first 'diff --git' header")
            continue
        h = _HUNK.match(line)
        if h:
            old_left = int(h["old"]) if h["old"] is not None else 1
            new_left = int(h["new"]) if h["new"] is not None else 1
        elif line.startswith("--- "):
            cur.old_path = None if line[4:] == "/dev/null" else _strip_prefix(line[4:], "a/")
        elif line.startswith("+++ "):
            cur.new_path = None if line[4:] == "/dev/null" else _strip_prefix(line[4:], "b/")
        elif line.startswith("new file mode "):
            cur.old_path = None
            cur.new_mode = line.split()[-1]
        elif line.startswith("deleted file mode "):
            cur.new_path = None
        elif line.startswith("new mode "):
            cur.new_mode = line.split()[-1]
        elif line.startswith("rename from "):
            cur.old_path, cur.renamed = _unquote(line[12:]), True
        elif line.startswith("rename to "):
            cur.new_path, cur.renamed = _unquote(line[10:]), True
        elif line.startswith("copy to "):
            # A copy adds a file; its source is untouched.
            cur.old_path, cur.new_path = None, _unquote(line[8:])
        elif line.startswith(("Binary files ", "GIT binary patch")):
            cur.binary = True
    if old_left > 0 or new_left > 0:
        raise DiffParseError("the last hunk is truncated")
    return files


def _unsafe(path: str) -> str | None:
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts:
        return "escapes the repository"
    # .git/ holds hooks and config that run code on the next git command in the checks container.
    if p.parts and p.parts[0] == ".git":
        return "is inside .git/"
    return None


def matches(path: str, globs: list[str]) -> bool:
    """fnmatch semantics, as in the task digest rules: `*` also crosses `/`, so `src/*` covers
    the whole tree under src/."""
    return any(fnmatchcase(path, g) for g in globs)


def diff_verdict(policy: DiffPolicy, patch: str, *, package_scripts: bool = False) -> Verdict:
    """Hold a patch to a task's diff policy; the first broken rule is the reason.
    package_scripts: the task's runner goes through package.json scripts (they are then test
    configuration too)."""
    from runner.checks._tamper import test_config_paths  # _tamper builds on this module

    try:
        files = parse_diff(patch)
    except DiffParseError as exc:
        return Verdict("diff", False, f"not a usable git diff: {exc}")
    if not files:
        return Verdict("diff", False, "the patch is empty: nothing changed")
    added = sum(f.added for f in files)
    deleted = sum(f.deleted for f in files)
    facts = {
        "files_changed": len(files),
        "files_added": sum(f.is_addition for f in files),
        "files_deleted": sum(f.is_deletion for f in files),
        "lines_added": added,
        "lines_deleted": deleted,
        "paths": sorted({p for f in files for p in f.paths}),
    }

    def fail(why: str) -> Verdict:
        return Verdict("diff", False, why, facts)

    for f in files:
        for path in f.paths:
            problem = _unsafe(path)
            if problem:
                return fail(f"{path} {problem}")
    forbidden = sorted({p for f in files for p in f.paths if matches(p, policy.forbidden_paths)})
    if forbidden:
        return fail(f"touches forbidden paths: {listing(forbidden)}")
    outside = sorted({p for f in files for p in f.paths if not matches(p, policy.allowed_paths)})
    if outside:
        return fail(f"touches paths outside the allowed ones: {listing(outside)}")
    config = test_config_paths(files, policy.allow_test_config, package_scripts=package_scripts)
    if config:
        return fail(
            f"tampering: changes test-runner configuration {listing(config)} (out of scope "
            "unless the task's checks.diff.allow_test_config names it)"
        )
    links = [f.new_path or "" for f in files if f.new_mode in (SYMLINK_MODE, GITLINK_MODE)]
    if links:
        return fail(f"adds a symlink or submodule: {listing(links)}")
    if not policy.allow_binary:
        binary = [f.paths[0] for f in files if f.binary]
        if binary:
            return fail(f"binary changes are not allowed: {listing(binary)}")
    if not policy.allow_deletions:
        gone = [f.old_path or "" for f in files if f.is_deletion]
        if gone:
            return fail(f"file deletions are not allowed: {listing(gone)}")
    if added + deleted > policy.max_changed_lines:
        return fail(
            f"{added + deleted} changed lines (+{added} -{deleted}) exceed the budget of "
            f"{policy.max_changed_lines}"
        )
    return Verdict(
        "diff",
        True,
        f"{len(files)} files, +{added} -{deleted} lines, within policy",
        facts,
    )
