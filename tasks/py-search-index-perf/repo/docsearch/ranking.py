"""TF-IDF scoring.

For a query with distinct terms t and a document d of n terms:

    score(d) = sum over t of tf(t, d) * idf(t)
    tf(t, d) = count of t in d / n
    idf(t)   = ln((1 + N) / (1 + df(t))) + 1

where N is the number of indexed documents and df(t) how many of them contain t. Documents that
contain none of the query terms are not results.
"""

from __future__ import annotations

import math


def idf(document_count: int, document_frequency: int) -> float:
    return math.log((1 + document_count) / (1 + document_frequency)) + 1.0


def term_frequency(count: int, length: int) -> float:
    return count / length if length else 0.0
