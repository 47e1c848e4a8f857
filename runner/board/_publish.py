"""A board from a whole store, and the receipts it publishes beside its site.

An append-only store may hold several verified receipts for one cell and tier (an infra error and
its retry, a re-run for a new agent version, two community runners). Exactly one stands, chosen
from the receipts alone, so the board never depends on the order or the folders they arrive in:
a measured receipt beats an infra error, then the later finish, then the smaller digest.

The site carries the standing receipts under receipts/<tier>/<cell-key>/ (the envelope and its
artifacts, as verified) and the models.toml it was scored with, so `cab board verify` can
re-check every number from the site alone.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC
from pathlib import Path
from typing import Any

from runner.board._build import BoardError, VerifiedReceipt, build_board
from runner.board._inputs import VerificationResult
from runner.board._models import Board
from runner.board._output import board_files
from runner.board._render import render_site
from runner.catalog import ModelCatalog
from runner.receipts import Outcome, artifacts_of

RECEIPTS_DIR = "receipts"
RECEIPTS_INDEX = "receipts/index.json"
MODELS_TOML = "models.toml"


def _rank(v: VerifiedReceipt) -> tuple[bool, float, str]:
    measured = v.receipt.outcome is not Outcome.infra_error
    finished = v.receipt.timings.finished_at
    # The instant, whatever offset it was written with; a time without one is read as UTC.
    if finished.tzinfo is None:
        finished = finished.replace(tzinfo=UTC)
    return measured, finished.timestamp(), v.digest


def select_standing(
    verified: Iterable[VerifiedReceipt],
) -> tuple[list[VerifiedReceipt], list[VerifiedReceipt]]:
    """(the receipt that stands for each (tier, cell), the superseded ones), both sorted.
    The same envelope found twice is one receipt."""
    by_digest: dict[str, VerifiedReceipt] = {}
    for v in verified:
        prior = by_digest.get(v.digest)
        if prior is not None and prior.tier is not v.tier:
            raise BoardError(f"receipt {v.digest} arrived as both {prior.tier} and {v.tier}")
        if prior is None or str(v.path) < str(prior.path):
            by_digest[v.digest] = v
    best: dict[tuple[str, str], VerifiedReceipt] = {}
    for v in by_digest.values():
        key = (v.tier.value, v.receipt.cell.key)
        if key not in best or _rank(v) > _rank(best[key]):
            best[key] = v
    standing = [best[k] for k in sorted(best)]
    chosen = {v.digest for v in standing}
    superseded = sorted(
        (v for v in by_digest.values() if v.digest not in chosen),
        key=lambda v: (v.tier.value, v.receipt.cell.key, v.digest),
    )
    return standing, superseded


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _checked(path: Path, want: str) -> bytes:
    data = path.read_bytes()
    if _sha256(data) != want:
        raise BoardError(f"{path}: changed since it was verified; refusing to publish it")
    return data


def receipt_folder(v: VerifiedReceipt) -> str:
    return f"{RECEIPTS_DIR}/{v.tier.value}/{v.receipt.cell.key}"


def published_files(verified: Sequence[VerifiedReceipt], models_toml: bytes) -> dict[str, bytes]:
    """receipts/<tier>/<cell-key>/{envelope, artifacts}, receipts/index.json and models.toml:
    the bytes that were verified, re-checked as they are copied."""
    files: dict[str, bytes] = {MODELS_TOML: models_toml}
    index = []
    once: dict[str, VerifiedReceipt] = {}  # the same envelope given twice is one receipt
    for v in sorted(verified, key=lambda v: str(v.path)):
        once.setdefault(v.digest, v)
    for v in sorted(once.values(), key=lambda v: (v.tier.value, v.receipt.cell.key)):
        if v.path is None:
            raise BoardError(f"receipt {v.digest} has no file to publish")
        folder = receipt_folder(v)
        if f"{folder}/{v.path.name}" in files:
            raise BoardError(f"two {v.tier} receipts for cell {v.receipt.cell.key}")
        files[f"{folder}/{v.path.name}"] = _checked(v.path, v.digest)
        for art in artifacts_of(v.receipt):
            files[f"{folder}/{art.path}"] = _checked(v.path.parent / art.path, art.digest)
        index.append(
            {
                "digest": v.digest,
                "tier": v.tier.value,
                "cell": v.receipt.cell.key,
                "path": f"{folder}/{v.path.name}",
            }
        )
    text = json.dumps({"receipts": index}, indent=2, sort_keys=True) + "\n"
    files[RECEIPTS_INDEX] = text.encode("utf-8")
    return files


def publishable(verified: Sequence[VerifiedReceipt]) -> bool:
    """Whether the site can carry these receipts: each was verified from a file (receipts made
    in memory, as in tests, have none to copy)."""
    return bool(verified) and all(v.path is not None for v in verified)


def published_board(
    verified: Iterable[VerifiedReceipt],
    catalog: ModelCatalog,
    models_toml: bytes,
    *,
    schema: Mapping[str, Any],
    agent_names: Mapping[str, str] | None = None,
    rejected: Sequence[VerificationResult] = (),
) -> tuple[Board, dict[str, bytes], list[VerifiedReceipt]]:
    """The board of the receipts that stand, its site with those receipts and the catalog
    published beside it, and the superseded receipts (for messages)."""
    if parse_catalog_bytes(models_toml) != catalog:
        raise BoardError("the models.toml to publish is not the catalog the board is scored with")
    standing, superseded = select_standing(verified)
    board = build_board(standing, catalog)
    site, summary = render_site(
        board, catalog, agent_names=agent_names, rejected=rejected, published=True
    )
    files = board_files(board, site, summary, schema)
    files.update(published_files(standing, models_toml))
    return board, files, superseded


def parse_catalog_bytes(data: bytes) -> ModelCatalog:
    try:
        return ModelCatalog.model_validate(tomllib.loads(data.decode("utf-8")))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BoardError(f"models.toml: {exc}") from None
