"""The bounds stated in the issue, measured so that the verdict does not depend on the machine
(see perf_child.py): how many words get tokenized, and how the cost of add, replace and search
grows with the size of the index. Each workload runs in a subprocess with a timeout."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = Path(__file__).with_name("perf_child.py")
RATIO_BOUND = 5.0  # cost per operation on the big index / on the small one


def child(*args, timeout=240):
    try:
        res = subprocess.run(
            [sys.executable, str(CHILD), *map(str, args)],
            capture_output=True, text=True, timeout=timeout, cwd="/repo",
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{args[0]}: no result within {timeout}s")
    assert res.returncode == 0, res.stderr[-2000:]
    result = json.loads(res.stdout.splitlines()[-1])
    if "too_slow" in result:
        pytest.fail(f"{args[0]}: {result['too_slow']}")
    return result


def test_bulk_indexing_is_linear():
    r = child("add", 1000, 16000)
    # Each added document is tokenized once (stop words are not stemmed: fewer stems than words).
    assert r["stems"] <= r["words"], f"{r['stems']} words stemmed for {r['words']} added"
    assert r["ratio"] < RATIO_BOUND, f"adding to 16,000 documents costs {r['ratio']:.1f}x more per document than to 1,000"


def test_replacing_documents_stays_fast():
    r = child("replace", 1000, 16000, 1500)
    assert r["size"] == 16000
    assert r["stems"] <= r["words"], f"{r['stems']} words stemmed to replace documents of {r['words']} words"
    assert r["ratio"] < RATIO_BOUND, f"replacing in 16,000 documents costs {r['ratio']:.1f}x more than in 1,000"


def test_queries_do_not_scan_every_document():
    r = child("search", 1500, 24000)
    # Only the query is tokenized, never the stored documents.
    assert r["big_stems"] <= r["query_words"], f"{r['big_stems']} words stemmed for queries of {r['query_words']} words"
    assert r["ratio"] < RATIO_BOUND, (
        f"the same queries (same postings) cost {r['ratio']:.1f}x more on {r['big_docs']} documents than on {r['small_docs']}"
    )
