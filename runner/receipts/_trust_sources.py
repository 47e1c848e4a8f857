"""Which trust stores judge a verification: the project's keys/, or a --trust-dir, plus the own
trust/ of each receipts folder given.

`cab cell run --out DIR` signs with a local key and writes DIR/trust/allowed_signers trusting it,
so `cab receipts verify DIR` works without flags. A folder's own trust/ is self-vouching: whoever
hands you the folder wrote it. So it is read narrowly:
- only its allowed_signers (community tier); a sigstore_identities.json or trusted root in it is
  ignored, so a folder can never make a receipt official;
- a line naming a runner id the project's store already knows is dropped: the project decides
  for its known runners, and a stranger's folder cannot sign as one of them;
- only DIR/trust for a folder DIR named on the command line, never one found deeper inside it;
- an explicit trust dir (--trust-dir, --trust) replaces all of this: the maintainers' workflows
  pass one, so a trust/ folder inside a pull request is never read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from runner.receipts._trust import (
    ALLOWED_SIGNERS,
    SIGSTORE_IDENTITIES,
    TRUSTED_ROOT,
    AllowedSigner,
    TrustStore,
    load_trust_store,
    parse_allowed_signers,
)

FOLDER_TRUST = "trust"  # the folder `cab cell run` writes beside its receipts


class TrustKind(StrEnum):
    given = "given"  # --trust-dir / --trust: the only store read
    project = "project"  # <root>/keys
    folder = "folder"  # a receipts folder's own trust/ (community tier only)


@dataclass(frozen=True)
class TrustSource:
    """One trust store a verification read, and what of it was left out and why."""

    path: Path
    kind: TrustKind
    signers: int
    ignored: tuple[str, ...] = ()

    def describe(self) -> str:
        what = {
            TrustKind.given: "given",
            TrustKind.project: "project",
            TrustKind.folder: "the folder's own; community tier only",
        }[self.kind]
        text = f"{self.path} ({what}, {self.signers} key line{'s' if self.signers != 1 else ''})"
        return text + "".join(f"; ignored: {why}" for why in self.ignored)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "kind": self.kind.value,
            "signers": self.signers,
            "ignored": list(self.ignored),
        }


@dataclass(frozen=True)
class ResolvedTrust:
    store: TrustStore
    sources: tuple[TrustSource, ...]

    def line(self) -> str:
        return "trust: " + ", ".join(s.describe() for s in self.sources)


def folder_trust_dirs(paths: Iterable[Path]) -> list[Path]:
    """DIR/trust for each folder DIR given that has one with an allowed_signers file."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        trust = p / FOLDER_TRUST
        if p.is_dir() and (trust / ALLOWED_SIGNERS).is_file() and trust.resolve() not in seen:
            seen.add(trust.resolve())
            out.append(trust)
    return out


def _known_runners(project: TrustStore) -> set[str]:
    return {p for s in project.signers for p in s.principals} | {
        i.runner_id for i in project.sigstore_identities
    }


def load_folder_trust(
    trust_dir: Path, project: TrustStore
) -> tuple[list[AllowedSigner], TrustSource]:
    """The lines of a folder's own trust/ that may count, read as the module docstring says."""
    path = trust_dir / ALLOWED_SIGNERS
    lines = parse_allowed_signers(path.read_text(encoding="utf-8"), str(path))
    known = _known_runners(project)
    kept = [s for s in lines if not known.intersection(s.principals)]
    ignored = [
        f"{s.source} names runner {', '.join(sorted(known.intersection(s.principals)))}, "
        "which the project's trust store decides for"
        for s in lines
        if known.intersection(s.principals)
    ]
    if (trust_dir / SIGSTORE_IDENTITIES).exists() or (trust_dir / TRUSTED_ROOT).exists():
        ignored.append(
            "sigstore identities and roots (a folder never vouches for official receipts)"
        )
    return kept, TrustSource(trust_dir, TrustKind.folder, len(kept), tuple(ignored))


def resolve_trust(paths: Iterable[Path], project_dir: Path, given: Path | None) -> ResolvedTrust:
    """The trust store to verify `paths` against, and the stores it was made from.

    With `given`, that store alone. Otherwise the project's store plus the own trust/ of each
    folder in `paths`. Raises TrustStoreError (naming the file and line) for a malformed file."""
    if given is not None:
        store = load_trust_store(given)
        return ResolvedTrust(store, (TrustSource(given, TrustKind.given, len(store.signers)),))
    project = load_trust_store(project_dir)
    sources = [TrustSource(project_dir, TrustKind.project, len(project.signers))]
    extra: list[AllowedSigner] = []
    for trust_dir in folder_trust_dirs(paths):
        kept, source = load_folder_trust(trust_dir, project)
        extra += kept
        sources.append(source)
    store = TrustStore(
        signers=project.signers + tuple(extra),
        sigstore_identities=project.sigstore_identities,  # official tier: the project's alone
        trusted_root=project.trusted_root,
    )
    return ResolvedTrust(store, tuple(sources))
