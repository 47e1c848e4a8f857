"""Reading the store: which folders are sources, and their receipts verified source by source.

One cell may hold several receipts across sources (an infra error and its retry in two sweeps, a
re-run for a new agent version, two community runners): that is normal in an append-only store,
so the duplicate-cell rule applies inside one source (one sweep, one runner's folder), and which
receipt stands is decided afterwards from the receipts themselves (runner.board's standing).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from runner.receipts import (
    RejectionCode,
    TrustStore,
    Verdict,
    auto_workers,
    find_receipts,
    verify_receipts,
)
from runner.store._layout import community_dirs, is_store, sweep_dirs


@dataclass(frozen=True)
class Sources:
    """The folders one board (or one plan) reads, each verified on its own."""

    methodology_version: str
    sweeps: tuple[Path, ...] = ()
    community: tuple[Path, ...] = ()
    # True when the sweeps are a store's section: a receipt of another version there is wrong
    sectioned: bool = True

    @property
    def all(self) -> tuple[Path, ...]:
        return (*self.sweeps, *self.community)


def store_sources(store: Path | None, version: str, *, community: Path | None = None) -> Sources:
    """The sweeps of `version` in `store` and the runners' folders under `community`. A plain
    folder of receipts (not laid out as a store) is one sweep: what `cab plan --receipts` and
    `cab board build` were always given."""
    sweeps: list[Path] = []
    sectioned = store is not None and is_store(store)
    if store is not None and store.is_dir():
        sweeps = sweep_dirs(store, version) if sectioned else [store]
    return Sources(version, tuple(sweeps), tuple(community_dirs(community)), sectioned)


def _in_version(verdict: Verdict, version: str, strict: bool) -> Verdict | None:
    """A sweep section holds its own version only (strict); a community folder holds every
    version, each of which counts on its own version's board only."""
    if not verdict.ok or verdict.receipt is None:
        return verdict
    got = verdict.receipt.methodology_version
    if got == version:
        return verdict
    if not strict:
        return None
    return replace(
        verdict,
        ok=False,
        code=RejectionCode.methodology,
        reason=f"methodology {got} receipt in the store's {version} section",
    )


def verify_sources(
    sources: Sources,
    trust: TrustStore,
    *,
    schema_path: Path | None = None,
) -> list[Verdict]:
    """Every receipt of every source, verified per source, in source order. Receipts of
    another methodology version are rejected in a store's section and dropped elsewhere (a
    plain receipts folder or a community folder may hold several versions)."""
    total = len(find_receipts([p for p in sources.all if p.exists()]))
    workers = auto_workers(total)
    out: list[Verdict] = []
    groups: Iterable[tuple[Sequence[Path], bool]] = (
        (sources.sweeps, sources.sectioned),
        (sources.community, False),
    )
    for folders, strict in groups:
        for folder in folders:
            for v in verify_receipts([folder], trust, schema_path=schema_path, workers=workers):
                kept = _in_version(v, sources.methodology_version, strict)
                if kept is not None:
                    out.append(kept)
    return out
