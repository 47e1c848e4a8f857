"""Builds valid receipt predicates whose artifacts exist on disk, for tests and benchmarks.

Usage (from tests.receipt_factory import ReceiptFactory, signed_receipt, trust_line, trust_store):
    factory = ReceiptFactory(tmp_path)
    path = factory.write(runner_id="alice", task="t1")   # receipt.json + artifacts in tmp_path
    doc = factory.predicate(task="t2")                  # just the dict (artifacts written)
    envelope = signed_receipt(tmp_path / "c1", key, runner_id="alice")  # signed, beside artifacts
    store = trust_store(trust_line(key, "alice"))        # a TrustStore trusting that key
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runner import METHODOLOGY_VERSION
from runner.receipts import (
    RECEIPT_NAMESPACE,
    Ed25519Signer,
    TrustStore,
    parse_allowed_signers,
    public_key_line,
    sign_receipt,
)

ARTIFACT_TEXT: dict[str, bytes] = {
    "patch.diff": b"--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-return 1\n+return 2\n",
    "transcript.jsonl": b'{"role":"user","content":"fix the bug"}\n',
    "agent.log": b"agent started\nagent finished\n",
    "checks/runner.log": b"3 passed\n",
    "checks/lint.log": b"All checks passed!\n",
    "checks/diff.log": b"1 file changed\n",
}


def pinned_version(agent: str) -> str:
    """The version images/<agent>/agent.toml pins (what a real receipt records), else 1.2.3:
    a receipt by another version does not stand for its cell in a plan."""
    spec = Path(__file__).resolve().parents[1] / "images" / agent / "agent.toml"
    if spec.is_file():
        version: str = tomllib.loads(spec.read_text("utf-8"))["package"]["version"]
        return version
    return "1.2.3"


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class ReceiptFactory:
    def __init__(self, folder: Path, artifacts: dict[str, bytes] | None = None) -> None:
        self.folder = folder
        self.artifacts = dict(artifacts or ARTIFACT_TEXT)
        folder.mkdir(parents=True, exist_ok=True)
        for rel, data in self.artifacts.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    def artifact(self, rel: str) -> dict[str, Any]:
        data = self.artifacts[rel]
        return {"path": rel, "digest": _sha(data), "size": len(data)}

    def predicate(
        self,
        *,
        runner_id: str = "alice",
        agent: str = "claude-code",
        model: str = "qwen/qwen3-coder-30b",
        task: str = "fix-off-by-one",
        attempt: int = 1,
        outcome: str = "passed",
        task_digest: str | None = None,
        agent_version: str | None = None,
    ) -> dict[str, Any]:
        passed = outcome == "passed"
        version = agent_version or pinned_version(agent)
        checks = [
            {
                "name": name,
                "passed": passed or name != "runner",
                "summary": f"{name} check",
                "log_digest": _sha(self.artifacts[f"checks/{name}.log"]),
                "duration_s": 1.5,
            }
            for name in ("runner", "lint", "diff")
        ]
        return {
            "schema_version": 1,
            "methodology_version": METHODOLOGY_VERSION,
            "cell": {"agent": agent, "model": model, "task": task, "attempt": attempt},
            "agent": {
                "name": agent,
                "version": version,
                "image": f"cab/agent-{agent}:{version}",
                "image_digest": _sha(agent.encode()),
            },
            "model": {"id": model, "route": f"openai/{model}", "endpoint": "calibration:echo"},
            "task": {"id": task, "digest": task_digest or _sha(task.encode())},
            "runner": {
                "id": runner_id,
                "harness_version": "0.1.0",
                "harness_git_sha": "0" * 40,
                "host": "linux x86_64, 2 cores, 24 GiB",
            },
            "timings": {
                "started_at": "2026-11-26T10:00:00Z",
                "finished_at": "2026-11-26T10:05:00Z",
                "resolve_s": 1.0,
                "workspace_s": 2.0,
                "agent_s": 280.5,
                "collect_s": 1.25,
                "checks_s": 15.25,
                "total_s": 300.0,
            },
            "usage": {
                "requests": 12,
                "failed_requests": 0,
                "input_tokens": 48000,
                "output_tokens": 3100,
                "cached_tokens": 0,
                "cost_usd": 0.0123,
                "agent_reported_tokens": None,
            },
            "checks": checks,
            "outcome": outcome,
            "outcome_detail": "all checks passed" if passed else "runner check failed",
            "failure_class": None,
            "infra_retries": 0,
            "infra_evidence": ["SandboxError: engine gone"] if outcome == "infra_error" else [],
            "blast_radius": {
                "files_changed": 1,
                "files_added": 0,
                "files_deleted": 0,
                "lines_added": 1,
                "lines_deleted": 1,
                "paths_outside_scope": [],
                "writes_outside_workspace": [],
                "network_attempts": 0,
                "leftover_processes": 0,
            },
            "artifacts": {
                "patch": self.artifact("patch.diff"),
                "transcript": self.artifact("transcript.jsonl"),
                "agent_log": self.artifact("agent.log"),
                "check_logs": [
                    self.artifact(f"checks/{n}.log") for n in ("runner", "lint", "diff")
                ],
            },
        }

    def write(self, name: str = "receipt.json", **kwargs: Any) -> Path:
        path = self.folder / name
        path.write_text(json.dumps(self.predicate(**kwargs), indent=2), encoding="utf-8")
        return path


def trust_line(
    key: Ed25519PrivateKey,
    principal: str = "alice",
    options: str = f'namespaces="{RECEIPT_NAMESPACE}"',
) -> str:
    """An allowed_signers line trusting `key` as `principal`."""
    return f"{principal} {options} {public_key_line(key.public_key())}".replace("  ", " ")


def trust_store(*lines: str) -> TrustStore:
    return TrustStore(tuple(parse_allowed_signers("\n".join(lines), "test_allowed_signers")))


def signed_receipt(
    folder: Path, key: Ed25519PrivateKey, *, runner_id: str = "alice", **predicate: Any
) -> Path:
    """A receipt with its artifacts in `folder`, signed with `key`; returns the envelope path."""
    factory = ReceiptFactory(folder)
    return sign_receipt(factory.write(runner_id=runner_id, **predicate), Ed25519Signer(key))
