"""Signed receipts for store, plan and board-from-store tests (no Docker).

`Signed` writes real signed cell folders (tests/receipt_factory.py) with chosen outcomes and
finish times, and a trust folder that trusts its keys.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runner.catalog import task_digests
from runner.receipts import Ed25519Signer, sign_receipt
from tests.receipt_factory import ReceiptFactory, trust_line


@functools.cache
def repo_task_digests() -> dict[str, str]:
    return task_digests(Path(__file__).resolve().parents[1] / "tasks")


@dataclass
class Signed:
    trust_dir: Path
    keys: dict[str, Ed25519PrivateKey] = field(default_factory=dict)

    def key(self, runner: str) -> Ed25519PrivateKey:
        if runner not in self.keys:
            self.keys[runner] = Ed25519PrivateKey.generate()
            self.trust_dir.mkdir(parents=True, exist_ok=True)
            lines = [trust_line(k, r) for r, k in sorted(self.keys.items())]
            (self.trust_dir / "allowed_signers").write_text("\n".join(lines) + "\n")
        return self.keys[runner]

    def cell(
        self,
        parent: Path,
        *,
        runner: str = "local-test",
        finished: str | None = None,
        total_s: float | None = None,
        methodology: str | None = None,
        task_digest: str | None = None,
        **predicate: Any,
    ) -> Path:
        """One signed cell folder under `parent`, named after its cell; returns the envelope."""
        factory = ReceiptFactory(parent / ".tmp-cell")
        doc = factory.predicate(runner_id=runner, **predicate)
        if finished is not None:
            doc["timings"]["finished_at"] = finished
        if total_s is not None:
            doc["timings"]["total_s"] = total_s
        if methodology is not None:
            doc["methodology_version"] = methodology
        # A task of this repository gets its real digest: boards check it against the tree.
        task_digest = task_digest or repo_task_digests().get(doc["task"]["id"])
        if task_digest is not None:
            doc["task"]["digest"] = task_digest
        key = f"{doc['cell']['agent']}__{doc['cell']['model']}__{doc['cell']['task']}__a"
        folder = parent / f"{key}{doc['cell']['attempt']}"
        (parent / ".tmp-cell").rename(folder)
        (folder / "receipt.json").write_text(json.dumps(doc, indent=2))
        return sign_receipt(folder / "receipt.json", Ed25519Signer(self.key(runner)))


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path: what two builds must agree on."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }
