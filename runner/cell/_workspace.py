"""The cell's workspace: a git repository seeded from the task's repo/, and what changed in it."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# A fixed identity and date make the baseline commit byte-identical across runs and machines.
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "cab",
    "GIT_AUTHOR_EMAIL": "cab@localhost",
    "GIT_COMMITTER_NAME": "cab",
    "GIT_COMMITTER_EMAIL": "cab@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}


class WorkspaceError(Exception):
    """git failed on the host: an infrastructure error, not the agent's."""


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    # The agent's container writes as another uid; safe.directory lets the host read it anyway.
    # Nothing the agent wrote may run on the host: no hooks, no fsmonitor.
    argv = [
        "git",
        "-c",
        "safe.directory=*",
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "core.fsmonitor=false",
        "-C",
        str(repo),
    ]
    proc = subprocess.run(
        [*argv, *args],
        capture_output=True,
        env={**os.environ, **_GIT_ENV, **(env or {})},
        check=False,
    )
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip().splitlines()[-1:]
        raise WorkspaceError(f"git {args[0]} failed in {repo}: {' '.join(err)}")
    return proc.stdout.decode("utf-8", errors="surrogateescape")


@dataclass(frozen=True)
class Workspace:
    """`path` is mounted into the agent's container and holds a repository for the agent to use.
    The harness diffs through its own git dir outside the mount, so nothing the agent writes
    into `path/.git` (config, hooks, refs) is ever read or run by the host."""

    path: Path
    git_dir: Path
    baseline: str

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        return git(
            self.path, f"--git-dir={self.git_dir}", f"--work-tree={self.path}", *args, env=env
        )


def make_workspace(task_repo: Path, dest: Path, git_dir: Path) -> Workspace:
    """Copy the task's repo/ to `dest`, commit it as the baseline (in the agent's repository and
    in the harness's private one), and open it to the agent's uid."""
    shutil.copytree(task_repo, dest, symlinks=True, dirs_exist_ok=True)
    for repo_args in ([], [f"--git-dir={git_dir}", f"--work-tree={dest}"]):
        if repo_args:
            git(dest, "init", "-q", "-b", "main", "--bare", str(git_dir))
        else:
            git(dest, "init", "-q", "-b", "main")
        git(dest, *repo_args, "add", "-A")
        git(dest, *repo_args, "commit", "-q", "--no-gpg-sign", "-m", "baseline")
    for path in (dest, *dest.rglob("*")):
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | (0o777 if path.is_dir() else 0o666))
    baseline = git(dest, f"--git-dir={git_dir}", "rev-parse", "HEAD").strip()
    return Workspace(dest, git_dir, baseline)


@dataclass(frozen=True)
class Changes:
    patch: str
    added: tuple[str, ...]
    deleted: tuple[str, ...]
    modified: tuple[str, ...]
    lines_added: int
    lines_deleted: int

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(sorted({*self.added, *self.deleted, *self.modified}))


def collect_changes(ws: Workspace) -> Changes:
    """Everything the agent changed against the baseline, committed or not, untracked included.

    The agent may have committed, reset or rewritten history: only the final tree counts.
    A private index, with -f, so neither the agent's index nor a .gitignore can hide a file."""
    index = ws.git_dir / "cab-index"
    env = {"GIT_INDEX_FILE": str(index)}
    base = ws.baseline
    try:
        ws.git("read-tree", base, env=env)
        ws.git("add", "-A", "-f", "--", ".", env=env)
        diff = ("diff", "--cached", "--no-renames")
        patch = ws.git(*diff, "--binary", base, env=env)
        status = ws.git(*diff, "--name-status", "-z", base, env=env)
        numstat = ws.git(*diff, "--numstat", base, env=env)
    finally:
        index.unlink(missing_ok=True)
    added: list[str] = []
    deleted: list[str] = []
    modified: list[str] = []
    fields = status.split("\0")
    for kind, path in zip(fields[0::2], fields[1::2], strict=False):
        {"A": added, "D": deleted}.get(kind, modified).append(path)
    lines_added = lines_deleted = 0
    for line in numstat.splitlines():
        a, d, _ = line.split("\t", 2)
        lines_added += int(a) if a.isdigit() else 0  # "-" for binary files
        lines_deleted += int(d) if d.isdigit() else 0
    return Changes(patch, tuple(added), tuple(deleted), tuple(modified), lines_added, lines_deleted)
