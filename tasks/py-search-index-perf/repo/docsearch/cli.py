"""``docsearch CORPUS.jsonl QUERY... [--limit N]``"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docsearch.store import load_index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="docsearch")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("query", nargs="+")
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args(argv)
    try:
        index = load_index(args.corpus)
    except (OSError, ValueError) as exc:
        print(f"docsearch: {exc}", file=sys.stderr)
        return 2
    for hit in index.search(" ".join(args.query), args.limit):
        title = index.get(hit.doc_id).fields.get("title", "")
        print(f"{hit.score:8.4f}  {hit.doc_id}  {title}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
