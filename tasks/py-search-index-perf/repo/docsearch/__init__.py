"""docsearch: a small full-text index with TF-IDF ranking."""

from docsearch.index import Document, Hit, Index
from docsearch.tokenize import STOPWORDS, tokenize

__all__ = ["STOPWORDS", "Document", "Hit", "Index", "tokenize"]
