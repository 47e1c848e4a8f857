"""The index: documents in, ranked hits out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from docsearch.ranking import idf, term_frequency
from docsearch.tokenize import tokenize


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    doc_id: str
    score: float


class Index:
    """An in-memory index. Adding an existing ``doc_id`` replaces that document."""

    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}
        self._vocabulary: set[str] = set()

    # ------------------------------------------------------------------ documents

    def add(self, doc_id: str, text: str, **fields: str) -> None:
        if not doc_id:
            raise ValueError("doc_id must not be empty")
        self._docs[doc_id] = Document(doc_id, text, dict(fields))
        self._rebuild_vocabulary()

    def remove(self, doc_id: str) -> None:
        """Forget a document; unknown ids raise KeyError."""
        del self._docs[doc_id]
        self._rebuild_vocabulary()

    def get(self, doc_id: str) -> Document:
        return self._docs[doc_id]

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def _rebuild_vocabulary(self) -> None:
        self._vocabulary = {t for doc in self._docs.values() for t in tokenize(doc.text)}

    # ------------------------------------------------------------------ statistics

    @property
    def vocabulary_size(self) -> int:
        return len(self._vocabulary)

    def document_frequency(self, term: str) -> int:
        """How many documents contain ``term`` (an already tokenized term)."""
        return sum(1 for doc in self._docs.values() if term in tokenize(doc.text))

    # ------------------------------------------------------------------ queries

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        """Best ``limit`` documents for ``query``: highest score first, ties by ``doc_id``."""
        if limit <= 0:
            return []
        terms = sorted(set(tokenize(query)))
        if not terms:
            return []
        weights = {t: idf(len(self._docs), self.document_frequency(t)) for t in terms}
        hits = []
        for doc in self._docs.values():
            tokens = tokenize(doc.text)
            counts = Counter(tokens)
            if not any(counts[t] for t in terms):
                continue
            score = sum(term_frequency(counts[t], len(tokens)) * weights[t] for t in terms)
            hits.append(Hit(doc.doc_id, score))
        hits.sort(key=lambda h: (-h.score, h.doc_id))
        return hits[:limit]

    def suggest(self, prefix: str, limit: int = 5) -> list[str]:
        """Indexed terms starting with ``prefix`` (lower-cased), alphabetically."""
        prefix = prefix.lower()
        return sorted(t for t in self._vocabulary if t.startswith(prefix))[:limit]
