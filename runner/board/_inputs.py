"""What the board takes from verification: a narrow interface, so the builder never trusts input.

`cab board build` verifies every envelope before anything is aggregated. The verifier itself lives
in runner.receipts; the board only needs a callable that turns paths into per-path results.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from runner.board._build import BoardError, VerifiedReceipt
from runner.receipts import RealPaths, Receipt, Tier, walk_named

# Envelope file names a directory argument expands to (DSSE envelopes and Sigstore bundles).
RECEIPT_SUFFIXES = (".dsse.json", ".sigstore.json")


@dataclass(frozen=True)
class VerificationResult:
    path: Path
    verified: VerifiedReceipt | None
    reason: str | None = None  # one line saying why, when `verified` is None


class ReceiptVerifier(Protocol):
    """Verify envelopes: one result per path, in the order given."""

    def __call__(self, paths: Sequence[Path], /) -> Sequence[VerificationResult]: ...


def expand_receipt_paths(args: Iterable[Path]) -> list[Path]:
    """Files as given; directories searched recursively for envelope files. Sorted, no repeats
    (paths are resolved, so one file named two ways is one receipt)."""
    found: set[str] = set()
    real = RealPaths()
    for arg in args:
        if arg.is_dir():
            found.update(
                real.file(f.path, f.symlink) for f in walk_named(arg, RECEIPT_SUFFIXES) if f.is_file
            )
        elif arg.is_file():
            found.add(real.file(arg))
        else:
            raise BoardError(f"{arg}: no such file or directory")
    return [Path(p) for p in sorted(found, key=lambda p: p.split("/"))]  # as Paths sort


def collect_verified(
    paths: Sequence[Path], verifier: ReceiptVerifier, *, skip_invalid: bool
) -> tuple[list[VerifiedReceipt], list[VerificationResult]]:
    """Verify every path. Any rejection is an error unless `skip_invalid`, which drops and
    returns the rejected ones so the caller lists them."""
    results = list(verifier(paths))
    if [r.path for r in results] != list(paths):
        raise BoardError("the verifier did not return one result per receipt, in order")
    rejected = [r for r in results if r.verified is None]
    if rejected and not skip_invalid:
        first = rejected[0]
        more = f" (and {len(rejected) - 1} more)" if len(rejected) > 1 else ""
        raise BoardError(f"{first.path}: {first.reason or 'not verified'}{more}")
    return [r.verified for r in results if r.verified is not None], rejected


class VerdictLike(Protocol):
    """The fields of runner.receipts' Verdict that the board reads."""

    @property
    def path(self) -> Path: ...
    @property
    def ok(self) -> bool: ...
    @property
    def tier(self) -> Tier | str | None: ...
    @property
    def reason(self) -> str: ...
    @property
    def receipt(self) -> Receipt | None: ...


def envelope_digest(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def adapt_verdicts(verdicts: Iterable[VerdictLike]) -> list[VerificationResult]:
    """Verdicts -> results; the board digest is over the stored envelope bytes: the bytes the
    verifier read when it says which (`envelope_digest`), else the file read again."""
    out = []
    for v in verdicts:
        if v.ok and v.receipt is not None and v.tier is not None:
            digest = getattr(v, "envelope_digest", None) or envelope_digest(v.path)
            receipt = VerifiedReceipt(
                receipt=v.receipt, digest=digest, tier=Tier(v.tier), folder=v.path.parent
            )
            out.append(VerificationResult(v.path, receipt))
        else:
            out.append(VerificationResult(v.path, None, v.reason or "not verified"))
    return out


def receipts_verifier(
    trust_dir: Path, schema_path: Path | None = None, *, workers: int | None = None
) -> ReceiptVerifier:
    """The project's verifier (runner.receipts.verify_receipts with the trust store in
    `trust_dir`) behind the board's interface. Looked up at run time so the board builds and
    type-checks on its own; without it no board is built from unverified receipts.

    workers: processes to verify in; default as `cab receipts verify` picks them
    (runner.receipts.auto_workers)."""
    receipts_pkg = importlib.import_module("runner.receipts")
    verify = getattr(receipts_pkg, "verify_receipts", None)
    load_trust = getattr(receipts_pkg, "load_trust_store", None)
    if verify is None or load_trust is None:
        raise BoardError(
            "receipt verification is not available in this build "
            "(runner.receipts.verify_receipts); refusing to build a board from unverified receipts"
        )
    trust = load_trust(trust_dir)

    def run(paths: Sequence[Path], /) -> Sequence[VerificationResult]:
        procs = workers if workers is not None else receipts_pkg.auto_workers(len(paths))
        return adapt_verdicts(verify(list(paths), trust, schema_path=schema_path, workers=procs))

    return run
