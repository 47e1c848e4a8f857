"""Deterministic synthetic corpora for the hidden tests."""

import itertools
import random
import string


def vocabulary(rng: random.Random, size: int) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9))))
    return sorted(words)


def make_corpus(seed: int, documents: int, words_per_doc: int, vocab_size: int):
    rng = random.Random(seed)
    vocab = vocabulary(rng, vocab_size)
    # Zipf-like: a few common words, a long tail
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(vocab))))
    docs = []
    for i in range(documents):
        words = rng.choices(vocab, cum_weights=cumulative, k=words_per_doc)
        docs.append((f"doc{i:05d}", " ".join(words)))
    queries = [" ".join(rng.sample(vocab[50:], 2)) for _ in range(1000)]
    return vocab, docs, queries
