import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(os.environ.get("TASK_REPO", "/repo"))


def run_tool(name, *args):
    """Run bin/<name> with bash; return the CompletedProcess (text)."""
    return subprocess.run(
        ["bash", str(REPO / "bin" / name), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.fixture
def make_backups():
    def make(directory, names):
        directory.mkdir(parents=True, exist_ok=True)
        for name in names:
            (directory / name).write_bytes(b"x")
        return directory

    return make


def listing(directory):
    return sorted(p.name for p in directory.iterdir())
