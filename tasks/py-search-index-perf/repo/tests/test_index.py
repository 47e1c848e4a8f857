import math

import pytest

from docsearch import Index


@pytest.fixture
def index():
    idx = Index()
    idx.add("reset", "How to reset your password", title="Password reset")
    idx.add("billing", "Invoices and billing: download invoices as PDF")
    idx.add("2fa", "Two-factor authentication protects your account password")
    return idx


def test_search_ranks_by_tfidf(index):
    hits = index.search("password")
    assert [h.doc_id for h in hits] == ["reset", "2fa"]
    # reset: tf 1/2, 2fa: tf 1/6 (two, factor, authentication, protect, account, password)
    expected_idf = math.log(4 / 3) + 1
    assert hits[0].score == pytest.approx(0.5 * expected_idf)
    assert hits[1].score == pytest.approx(expected_idf / 6)


def test_no_match_and_stopword_query(index):
    assert index.search("kubernetes") == []
    assert index.search("the and of") == []


def test_replace_and_remove(index):
    index.add("billing", "Nothing about money here")
    assert index.search("invoice") == []
    index.remove("reset")
    assert "reset" not in index
    assert [h.doc_id for h in index.search("password")] == ["2fa"]
    with pytest.raises(KeyError):
        index.remove("reset")


def test_suggest(index):
    assert index.suggest("pa") == ["password"]
    assert index.suggest("INV") == ["invoice"]


def test_limit(index):
    assert len(index.search("password", limit=1)) == 1
    assert index.search("password", limit=0) == []
