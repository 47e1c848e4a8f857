"""Loading and saving corpora as JSON Lines: one ``{"id": ..., "text": ..., ...}`` per line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from docsearch.index import Document, Index


def read_documents(path: Path) -> Iterator[Document]:
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                doc_id, text = str(record.pop("id")), str(record.pop("text"))
            except (ValueError, KeyError) as exc:
                raise ValueError(f"{path}:{number}: bad record ({exc})") from None
            yield Document(doc_id, text, {k: str(v) for k, v in record.items()})


def write_documents(path: Path, documents: Iterable[Document]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for doc in documents:
            fh.write(json.dumps({"id": doc.doc_id, "text": doc.text, **doc.fields}) + "\n")
    tmp.replace(path)


def load_index(path: Path) -> Index:
    index = Index()
    for doc in read_documents(path):
        index.add(doc.doc_id, doc.text, **doc.fields)
    return index
