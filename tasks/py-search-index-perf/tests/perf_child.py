"""Workloads for test_performance.py, run in a subprocess with a timeout so a slow index fails
fast. Prints one JSON object.

Two measures that do not depend on the machine:
- work: every word the tokenizer stems is counted (docsearch.tokenize.stem is wrapped), so
  re-tokenizing stored documents shows up as a count, not as a time;
- scaling: the same operation is timed on a small and on a large index in this process; an index
  whose cost follows the document or the postings touched gives a ratio near 1, one that scans
  every document grows with the index (16x here). All times are CPU seconds of this process
  (time.process_time), so a busy machine does not stretch them. The cyclic garbage collector is off while
  measuring: its passes cost more the more objects are alive, whatever the index does.
"""

import gc
import json
import random
import signal
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path.cwd()), str(Path(__file__).parent)]  # the repo (cwd) and corpus.py

from corpus import make_corpus  # noqa: E402

from docsearch import Index  # noqa: E402

# docsearch re-exports the function tokenize, which hides the module of that name
tokenize_module = sys.modules["docsearch.tokenize"]

STEMS = [0]
_stem = tokenize_module.stem


def counting_stem(word):
    STEMS[0] += 1
    return _stem(word)


tokenize_module.stem = counting_stem
# The cyclic collector's cost grows with everything alive, not with the work per operation.
gc.disable()


class TooSlow(Exception):
    pass


def _too_slow(signum, frame):
    raise TooSlow("over 10x the time a plain inverted index needs for this workload")


def arm(docs):
    """Time a plain inverted index (tokenize once, term -> postings) on `docs` and kill this
    workload at 10x that, plus 2 s: a fast index never gets near it, the quadratic one fails in
    seconds instead of hours, on any machine."""
    start = time.process_time()
    postings = {}
    for doc_id, text in docs:
        for term in tokenize_module.tokenize(text):
            postings.setdefault(term, {}).setdefault(doc_id, 0)
    reference = time.process_time() - start
    STEMS[0] = 0
    # CPU time, not wall time: the checks share a busy machine.
    signal.signal(signal.SIGPROF, _too_slow)
    signal.setitimer(signal.ITIMER_PROF, 10 * reference + 2.0)


def words(text):
    return len(text.split())


def build(docs, deadline=None):
    index = Index()
    for n, (doc_id, text) in enumerate(docs, start=1):
        index.add(doc_id, text)
        if deadline is not None and n % 200 == 0 and time.process_time() > deadline:
            raise TooSlow(f"over the time limit after {n} of {len(docs)} documents")
    return index


def build_big(docs, per_doc_small):
    """Build the big index, stopping once it takes 16x longer per document than the small one."""
    return build(docs, deadline=time.process_time() + 16 * per_doc_small * len(docs) + 0.5)


def timed(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def mode_add(small_n, big_n):
    _, docs, _ = make_corpus(seed=11, documents=big_n, words_per_doc=30, vocab_size=4000)
    arm(docs[:small_n] * 3 + docs * 2)
    per_doc_small = timed(lambda: build(docs[:small_n]), repeat=3) / small_n
    # Linear indexing needs about per_doc_small * big_n: stop at about 3x the ratio bound (5) of that.
    limit = 16 * per_doc_small * big_n + 0.5
    best = float("inf")
    for _ in range(2):
        STEMS[0] = 0
        start = time.process_time()
        build(docs, deadline=start + limit)
        best = min(best, time.process_time() - start)
    return {"ratio": best / big_n / per_doc_small, "stems": STEMS[0], "words": sum(words(t) for _, t in docs)}


def mode_replace(small_n, big_n, replaced):
    _, docs, _ = make_corpus(seed=13, documents=big_n + replaced, words_per_doc=30, vocab_size=4000)
    fresh = docs[big_n:]
    arm(docs[:small_n] + fresh * 3 + docs[:big_n] + fresh * 2)

    def replace(index, size):
        for n, (_, text) in enumerate(fresh):
            index.add(docs[(n * 7) % size][0], text)

    start = time.process_time()
    small = build(docs[:small_n])
    per_doc_small = (time.process_time() - start) / small_n
    t_small = timed(lambda: replace(small, small_n), repeat=3)
    big = build_big(docs[:big_n], per_doc_small)
    STEMS[0] = 0
    t_big = timed(lambda: replace(big, big_n), repeat=2)
    fresh_words = sum(words(t) for _, t in fresh)
    return {"ratio": t_big / t_small, "stems": STEMS[0], "words": 2 * fresh_words, "size": len(big)}


def needle_corpus(haystack, seed):
    """`haystack` documents over one vocabulary, plus 300 documents over 120 other words; the
    queries use only the other words, so their postings are the same whatever the haystack."""
    _, docs, _ = make_corpus(seed=seed, documents=haystack, words_per_doc=30, vocab_size=4000)
    rng = random.Random(seed)
    needles = [f"qx{chr(97 + i // 26)}{chr(97 + i % 26)}zz" for i in range(120)]
    extra = [(f"needle{i:04d}", " ".join(rng.choices(needles, k=25))) for i in range(300)]
    queries = [" ".join(rng.sample(needles, 2)) for _ in range(600)]
    return docs + extra, queries


def mode_search(small_n, big_n):
    out = {}
    per_doc_small = None
    arm(needle_corpus(small_n, seed=5)[0] + needle_corpus(big_n, seed=5)[0])
    for name, size in (("small", small_n), ("big", big_n)):
        docs, queries = needle_corpus(size, seed=5)
        if per_doc_small is None:
            start = time.process_time()
            index = build(docs)
            per_doc_small = (time.process_time() - start) / len(docs)
        else:
            index = build_big(docs, per_doc_small)

        def run(index=index, queries=queries):
            for q in queries:
                index.search(q, limit=7)

        STEMS[0] = 0
        out[name] = timed(run, repeat=3)
        out[f"{name}_stems"] = STEMS[0]
        out["query_words"] = 3 * sum(words(q) for q in queries)  # three repeats
        out[f"{name}_docs"] = len(docs)
    out["ratio"] = out["big"] / out["small"]
    return out


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    try:
        result = {"add": mode_add, "replace": mode_replace, "search": mode_search}[mode](*map(int, args))
    except TooSlow as exc:
        result = {"too_slow": str(exc)}
    print(json.dumps(result))
