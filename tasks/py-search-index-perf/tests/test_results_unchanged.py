"""Results must be exactly what the TF-IDF definition in docsearch.ranking gives."""

import math
from collections import Counter

import pytest
from corpus import make_corpus

from docsearch import Index, tokenize


class Reference:
    """Brute-force scorer straight from the documented formula."""

    def __init__(self):
        self.docs = {}

    def add(self, doc_id, text):
        self.docs[doc_id] = tokenize(text)

    def remove(self, doc_id):
        del self.docs[doc_id]

    def search(self, query, limit=10):
        terms = sorted(set(tokenize(query)))
        n = len(self.docs)
        df = {t: sum(1 for toks in self.docs.values() if t in toks) for t in terms}
        hits = []
        for doc_id, toks in self.docs.items():
            counts = Counter(toks)
            if not any(counts[t] for t in terms):
                continue
            score = sum(
                counts[t] / len(toks) * (math.log((1 + n) / (1 + df[t])) + 1) for t in terms
            )
            hits.append((doc_id, score))
        hits.sort(key=lambda h: (-h[1], h[0]))
        return hits[:limit]


def assert_same(got, expected):
    assert len(got) == len(expected)
    for hit, (doc_id, score) in zip(got, expected):
        assert hit.score == pytest.approx(score, rel=1e-9)
    # Order: by score, ties broken by doc_id.
    keys = [(-round(h.score, 9), h.doc_id) for h in got]
    assert keys == sorted(keys)
    assert {h.doc_id for h in got if round(h.score, 9) > round(expected[-1][1], 9)} == {
        d for d, s in expected if round(s, 9) > round(expected[-1][1], 9)
    }


@pytest.fixture(scope="module")
def small():
    return make_corpus(seed=3, documents=400, words_per_doc=12, vocab_size=150)


def test_matches_reference_after_adds(small):
    vocab, docs, queries = small
    index, ref = Index(), Reference()
    for doc_id, text in docs:
        index.add(doc_id, text)
        ref.add(doc_id, text)
    for query in queries[:30] + [f"{vocab[0]} {vocab[1]}", vocab[2]]:
        assert_same(index.search(query, limit=15), ref.search(query, limit=15))


def test_matches_reference_after_removals_and_replacements(small):
    vocab, docs, queries = small
    index, ref = Index(), Reference()
    for doc_id, text in docs:
        index.add(doc_id, text)
        ref.add(doc_id, text)
    for doc_id, _ in docs[::3]:
        index.remove(doc_id)
        ref.remove(doc_id)
    for (doc_id, _), (_, text) in zip(docs[1::5], docs[2::5]):
        index.add(doc_id, text)
        ref.add(doc_id, text)
    assert len(index) == len(ref.docs)
    for query in queries[:30] + [vocab[0], vocab[5]]:
        assert_same(index.search(query, limit=400), ref.search(query, limit=400))


def test_statistics_follow_removals():
    index = Index()
    index.add("a", "apples and pears")
    index.add("b", "pears only")
    assert index.document_frequency("pear") == 2
    assert index.vocabulary_size == 3
    index.remove("a")
    assert index.document_frequency("pear") == 1
    assert index.document_frequency("apple") == 0
    assert index.vocabulary_size == 2
    assert index.suggest("ap") == []
    index.add("b", "grapes")
    assert index.suggest("") == ["grape"]
    assert index.search("pears") == []


def test_api_details_kept():
    index = Index()
    index.add("x", "Reset password", title="Reset")
    assert index.get("x").fields == {"title": "Reset"}
    assert "x" in index and len(index) == 1
    with pytest.raises(KeyError):
        index.remove("nope")
    with pytest.raises(ValueError):
        index.add("", "text")
    assert index.search("password", limit=0) == []
    assert index.search("the of and") == []
