"""The link index must not scan every page per link.

The bound is relative to the time the same subprocess needs to load the site's pages (front
matter of every file: linear work), so it does not depend on the machine's speed or load. With
dictionaries the whole link graph costs about as much as loading; scanning every page per link
costs hundreds of times more, and such a run is killed at KILL_FACTOR x the load time.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
PAGES = 5000
LINKS_PER_PAGE = 6
RATIO = 3.0
KILL_FACTOR = 6.0


def _run(count, per_page):
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "links_child.py"), str(count), str(per_page), str(HERE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=os.getcwd(),
    )
    first = proc.stdout.readline()
    if not first:
        proc.wait(timeout=60)
        pytest.fail(f"child failed: {proc.stderr.read()}")
    setup = json.loads(first)["setup"]
    try:
        out, err = proc.communicate(timeout=max(2.0, KILL_FACTOR * setup))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"link graph not done after {KILL_FACTOR} x the page load time ({setup:.2f} s)")
    assert proc.returncode == 0, err
    return setup, json.loads(out)


def test_link_graph_of_a_large_wiki_within_the_bound():
    setup, result = _run(PAGES, LINKS_PER_PAGE)
    assert result["summary"] == EXPECTED
    assert result["seconds"] < RATIO * setup, (
        f"link graph took {result['seconds']:.2f} s, loading the pages {setup:.2f} s (bound {RATIO} x)"
    )


EXPECTED = {"backlinks": 18962, "most": 14, "missing": 11029, "resolved": 10000}
