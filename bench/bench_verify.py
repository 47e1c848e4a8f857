"""Benchmark: verify N signed receipts (default 10,000) and report where the time goes.

    python bench/bench_verify.py [--count N] [--out bench/results/verify.jsonl]

--out appends one JSON line per run: on a shared machine single runs vary with the load.

Builds N distinct receipts, each in its own folder with its own artifact files (as cells write
them), signs them with a raw Ed25519 key, then times:
  core      signature + schema work on in-memory envelopes, as the verifier does it: envelope
            read and stored-form check, PAE, Ed25519 verify, canonical payload parse, the
            compiled Draft 2020-12 schema check; the 2 s target
  full      verify_receipts() over the folder: also file reads, canonical-form checks, the
            pydantic model, subject and artifact digests, file-name and duplicate-cell checks
and both again with --workers forked processes (default: one per core), then the same stages
one at a time, so a regression shows which stage grew. Rows starting x_ are
paths the verifier avoids (pure-Python jsonschema, the JCS encoder), kept for comparison.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from runner.receipts import (  # noqa: E402
    Ed25519Signer,
    Envelope,
    Receipt,
    TrustStore,
    Verdict,
    canonical_bytes,
    loads_canonical,
    loads_fast,
    loads_strict,
    parse_allowed_signers,
    public_key_line,
    schema_check,
    sign_envelope,
    statement_bytes,
    verify_receipts,
)
from tests.receipt_factory import ARTIFACT_TEXT, ReceiptFactory  # noqa: E402

# Set just before forking, so workers run the closure over the blobs they inherited.
_SLICE: Callable[[tuple[int, int]], int] | None = None


def _run_slice(bounds: tuple[int, int]) -> int:
    assert _SLICE is not None
    return _SLICE(bounds)


def _timed(fn: Callable[[], object], scale: float = 1.0) -> tuple[float, float]:
    """(wall, CPU) seconds. CPU time is steadier than wall time on a shared machine; it counts
    this process only, so for the *_workers rows only the wall time means anything."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return scale * (time.perf_counter() - start), scale * (time.process_time() - cpu)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    n, workers = args.count, args.workers

    key = Ed25519PrivateKey.generate()
    signer = Ed25519Signer(key)
    line = f'alice namespaces="receipt-v1@codingagentbench" {public_key_line(key.public_key())}'
    trust = TrustStore(tuple(parse_allowed_signers(line)))
    schema_path = ROOT / "schemas" / "receipt.schema.json"
    check = schema_check(schema_path)

    with tempfile.TemporaryDirectory(prefix="cab-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        blobs: list[bytes] = []
        for i in range(n):
            # Distinct artifacts per cell, so digests are really recomputed for each receipt.
            factory = ReceiptFactory(
                folder / f"cell-{i:05d}",
                {rel: data + b"%d\n" % i for rel, data in ARTIFACT_TEXT.items()},
            )
            doc = factory.predicate(task=f"task-{i // 10:05d}", attempt=i % 10 + 1)
            receipt = Receipt.model_validate(doc)
            data = sign_envelope(statement_bytes(receipt), signer).file_bytes()
            (factory.folder / f"{receipt.cell.key}.dsse.json").write_bytes(data)
            blobs.append(data)
        build_s = time.perf_counter() - t0
        print(f"built and signed {n} receipts in {build_s:.2f}s", file=sys.stderr)

        envelopes = [Envelope.from_dict(loads_strict(b)) for b in blobs]
        payload_docs = [loads_strict(e.payload) for e in envelopes]
        public = key.public_key()

        def read_envelope(raw: bytes) -> Envelope:
            env = Envelope.from_dict(loads_fast(raw))
            if env.file_bytes() != raw:
                raise AssertionError("envelope not in its stored form")
            return env

        def core_slice(bounds: tuple[int, int]) -> int:
            for raw in blobs[bounds[0] : bounds[1]]:
                env = read_envelope(raw)
                public.verify(env.signatures[0].sig, env.pae())
                stmt = loads_canonical(env.payload)
                if check.problem(stmt["predicate"]) is not None:
                    raise AssertionError("schema rejected a valid receipt")
            return bounds[1] - bounds[0]

        def core() -> None:
            core_slice((0, n))

        def core_in_workers() -> None:
            # Forked workers inherit the blobs and the compiled schema, as verify_receipts does.
            global _SLICE
            _SLICE = core_slice
            step = -(-n // (workers * 8))
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                done = sum(pool.map(_run_slice, [(i, min(n, i + step)) for i in range(0, n, step)]))
            if done != n:
                raise AssertionError("workers skipped receipts")

        stages = {
            "envelope_read_and_form": lambda: [read_envelope(b) for b in blobs],
            "ed25519_verify": lambda: [
                public.verify(e.signatures[0].sig, e.pae()) for e in envelopes
            ],
            "x_strict_parse_payload": lambda: [loads_strict(e.payload) for e in envelopes],
            "schema_check": lambda: [check.problem(d["predicate"]) for d in payload_docs],
            "parse_payload_canonical": lambda: [loads_canonical(e.payload) for e in envelopes],
            "pydantic_model": lambda: [
                Receipt.model_validate(d["predicate"]) for d in payload_docs
            ],
        }
        results: dict[str, tuple[float, float]] = {}
        for name, fn in stages.items():
            results[name] = _timed(fn)
        # The pure-Python paths the verifier avoids, extrapolated from a sample, for the record.
        sample = payload_docs[: max(1, n // 20)]
        scale = n / len(sample)
        results["x_jsonschema_python_only"] = _timed(
            lambda: [check.reference.is_valid(d["predicate"]) for d in sample], scale
        )
        results["x_rfc8785_encode"] = _timed(lambda: [canonical_bytes(d) for d in sample], scale)
        results["core"] = min(_timed(core) for _ in range(3))
        results[f"core_{workers}_workers"] = min(_timed(core_in_workers) for _ in range(3))
        for label, procs in (("full", 1), (f"full_{workers}_workers", workers)):
            verdicts: list[Verdict] = []

            def full(out: list[Verdict] = verdicts, procs: int = procs) -> None:
                out.extend(verify_receipts([folder], trust, schema_path=schema_path, workers=procs))

            results[label] = _timed(full)
            bad = [v for v in verdicts if not v.ok]
            if len(verdicts) != n or bad:
                raise SystemExit(f"benchmark receipts did not all verify: {bad[:1]}")

    record = {
        "benchmark": "verify_receipts",
        "count": n,
        "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        # The machine is shared: a load average near the core count means the figures are high.
        "load_average_1m": round(os.getloadavg()[0], 2),
        "wall_seconds": {k: round(w, 3) for k, (w, _) in results.items()},
        "cpu_seconds": {k: round(c, 3) for k, (_, c) in results.items()},
        "target": "core < 2 s for 10,000 receipts",
    }
    print(f"{'stage':26s} {'wall s':>8s} {'cpu s':>8s} {'us/receipt (wall)':>18s}")
    for k, (wall, cpu) in results.items():
        print(f"{k:26s} {wall:8.3f} {cpu:8.3f} {wall / n * 1e6:18.1f}")
    print(f"load average (1 min): {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, sort_keys=True) + "\n")
        print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
