from docsearch import tokenize
from docsearch.tokenize import stem


def test_tokenize_drops_stopwords_and_stems():
    assert tokenize("The Invoices of the company's batches") == ["invoice", "company", "batch"]


def test_stem():
    assert [stem(w) for w in ["policies", "boxes", "class", "cats", "gas"]] == [
        "policy",
        "box",
        "class",
        "cat",
        "gas",
    ]
