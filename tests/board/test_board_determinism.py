"""Same receipts -> byte-identical board.json (and site), whatever the process's hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SNIPPET = """
import hashlib, sys
from pathlib import Path
from runner.board import board_files, board_schema, build_board, render_site
from tests.board.demo import demo_catalog, demo_receipts
items = demo_receipts()
if sys.argv[1] == "reversed":
    items.reverse()
board = build_board(items, demo_catalog())
site, summary = render_site(board, demo_catalog())
files = board_files(board, site, summary, board_schema(Path("schemas")))
sys.stdout.write(hashlib.sha256(files["board.json"]).hexdigest() + " ")
sys.stdout.write(hashlib.sha256(b"".join(k.encode() + files[k] for k in sorted(files))).hexdigest())
"""


def _digests(root: Path, seed: str, order: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", SNIPPET, order],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_byte_identical_across_processes_and_input_order(root: Path) -> None:
    first = _digests(root, "1", "forward")
    assert len(first.split()) == 2
    assert _digests(root, "2", "reversed") == first
