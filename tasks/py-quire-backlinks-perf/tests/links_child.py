"""Run by test_backlinks_perf.py in a subprocess, so a slow link index can be killed."""

import json
import os
import sys
import time

sys.path.insert(0, os.getcwd())
sys.path.insert(0, sys.argv[3])

from wiki_gen import config, make_sources  # noqa: E402

from quire.links import LinkIndex, backlinks, missing_links  # noqa: E402
from quire.site import Site  # noqa: E402

count, per_page = int(sys.argv[1]), int(sys.argv[2])
start = time.perf_counter()
sources = make_sources(count, per_page)
pages = Site(config(), sources).load_pages()
setup = time.perf_counter() - start
print(json.dumps({"setup": setup}), flush=True)
start = time.perf_counter()
index = LinkIndex(pages)
linked = backlinks(pages, index)
missing = missing_links(pages, index)
resolved = sum(1 for p in pages for t in ["Topic 7", p.slug, "nowhere"] if index.resolve(t))
elapsed = time.perf_counter() - start
summary = {
    "backlinks": sum(len(v) for v in linked.values()),
    "most": max(len(v) for v in linked.values()),
    "missing": len(missing),
    "resolved": resolved,
}
print(json.dumps({"seconds": elapsed, "summary": summary}), flush=True)
