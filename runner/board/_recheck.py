"""Re-checking a published board from its site alone: nothing is downloaded.

The site carries its receipts (receipts/<tier>/<cell-key>/) and the models.toml it was scored
with. Each receipt is verified again against the checker's own trust store, the board is built
again from them, and the result must be board.json byte for byte. The first difference found is
the one line reported: a receipt that fails (which, and why), a receipt missing or extra, or a
field of board.json whose number the receipts do not give.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.board._build import BoardError, VerifiedReceipt, board_json, build_board
from runner.board._inputs import ReceiptVerifier, expand_receipt_paths
from runner.board._publish import MODELS_TOML, RECEIPTS_DIR, receipt_folder
from runner.catalog import CatalogError, ModelCatalog, parse_file
from runner.receipts import Tier


@dataclass(frozen=True)
class SiteCheck:
    ok: bool
    line: str  # what passed, or the one difference
    receipts: int = 0


def _first_difference(path: str, got: Any, want: Any) -> str | None:
    """Where `got` (published) and `want` (recomputed) first differ, as one line naming the
    field by its JSON path (cells[2].pass_rate)."""
    if isinstance(got, dict) and isinstance(want, dict):
        for key in sorted(set(got) | set(want)):
            here = f"{path}.{key}" if path else str(key)
            if key not in want:
                return f"board.json: {here} is not a field of the recomputed board"
            if key not in got:
                return f"board.json: {here} is missing"
            found = _first_difference(here, got[key], want[key])
            if found:
                return found
        return None
    if isinstance(got, list) and isinstance(want, list):
        for i, (g, w) in enumerate(zip(got, want, strict=False)):
            found = _first_difference(f"{path}[{i}]", g, w)
            if found:
                return found
        if len(got) != len(want):
            return f"board.json: {path} has {len(got)} entries, the receipts give {len(want)}"
        return None
    if got != want or type(got) is not type(want):
        return f"board.json: {path} is {json.dumps(got)}, the receipts give {json.dumps(want)}"
    return None


def _verify_tier(site: Path, tier: Tier, verifier: ReceiptVerifier) -> list[VerifiedReceipt]:
    """One tier's receipts (verified apart: each tier may hold the same cell once)."""
    folder = site / RECEIPTS_DIR / tier.value
    paths = expand_receipt_paths([folder]) if folder.is_dir() else []
    out = []
    for r in verifier(paths):
        try:
            rel = r.path.relative_to(site.resolve())
        except ValueError:  # a symlink out of the site: its target is not published
            raise _Differs(f"{r.path}: outside {site} (a link out of the site)") from None
        if r.verified is None:
            raise _Differs(f"{rel}: {r.reason or 'not verified'}")
        v = r.verified
        if v.tier is not tier or str(rel.parent) != receipt_folder(v):
            raise _Differs(f"{rel}: a {v.tier} receipt for {v.receipt.cell.key} filed elsewhere")
        out.append(v)
    return out


class _Differs(Exception):
    pass


def _compare(site: Path, published: bytes, verified: list[VerifiedReceipt]) -> None:
    try:
        board_doc = json.loads(published)
        listed = set(board_doc["receipts"])
        harness = str(board_doc["harness_version"])
    except (ValueError, KeyError, TypeError):
        raise _Differs("board.json: not a board (no receipts / harness_version)") from None
    have = {v.digest: v for v in verified}
    if listed - set(have):
        missing = sorted(listed - set(have))[0]
        raise _Differs(f"board.json lists receipt {missing}, which the site does not publish")
    if set(have) - listed:
        extra = have[sorted(set(have) - listed)[0]]
        where = extra.path.relative_to(site.resolve()) if extra.path else extra.digest
        raise _Differs(f"{where}: published, but not a receipt board.json lists")
    catalog = _catalog(site / MODELS_TOML)
    try:
        rebuilt = board_json(build_board(verified, catalog, harness_version=harness))
    except BoardError as exc:
        raise _Differs(f"the receipts do not make a board: {exc}") from None
    if rebuilt != published:
        line = _first_difference("", board_doc, json.loads(rebuilt))
        raise _Differs(line or "board.json: not in its one stored form (sorted keys, indent 2)")


def _catalog(path: Path) -> ModelCatalog:
    if not path.is_file():
        raise _Differs(
            f"{MODELS_TOML}: missing; the site must carry the catalog it was scored with"
        )
    try:
        return parse_file(path, ModelCatalog)
    except CatalogError as exc:
        raise _Differs(str(exc)) from None


def recheck_site(site: Path, verifier: ReceiptVerifier) -> SiteCheck:
    """Verify a built site's receipts and recompute its board.json; ok only when equal."""
    published = (site / "board.json").read_bytes()
    try:
        if not (site / RECEIPTS_DIR).is_dir():
            raise _Differs(f"{RECEIPTS_DIR}/: missing; this site does not publish its receipts")
        verified = [v for tier in Tier for v in _verify_tier(site, tier, verifier)]
        _compare(site, published, verified)
    except _Differs as exc:
        return SiteCheck(False, str(exc))
    return SiteCheck(
        True, f"board.json recomputed from {len(verified)} receipts: identical", len(verified)
    )
