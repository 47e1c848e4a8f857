"""Receipt folders with real artifacts for the attempt pages: the recorded oracle cells'
trajectories (tests/fixtures/trajectories/), a patch, check logs, spread over agents, tasks,
attempts and outcomes. On disk: the attempt pages read artifacts from beside each receipt."""

from __future__ import annotations

import json
from pathlib import Path

from runner.agents import build_trajectory
from runner.board import VerifiedReceipt
from runner.catalog import load_catalog
from runner.receipts import Receipt, Tier, Usage
from tests.conftest import ROOT
from tests.receipt_factory import ARTIFACT_TEXT, ReceiptFactory

MODEL = "qwen/qwen3-next-80b-a3b-instruct"
AGENTS = ("claude-code", "codex", "mini-swe-agent")
TASKS = ("py-semver-prerelease", "py-cron-steps")
OUTCOMES = ("passed", "failed", "agent_error")
PATCH = (
    b"diff --git a/semverkit/version.py b/semverkit/version.py\n--- a/semverkit/version.py\n"
    b"+++ b/semverkit/version.py\n@@ -61,3 +61,3 @@\n     def _precedence_key(self):\n"
    b"-        pre_key = tuple(self.prerelease)\n"
    b"+        pre_key = tuple(_ident(i) for i in self.prerelease)\n"
)


def trajectory_bytes(agent: str) -> bytes:
    d = ROOT / "tests" / "fixtures" / "trajectories" / agent
    meta = json.loads((d / "cell.json").read_text())
    t = build_trajectory(
        load_catalog(ROOT).agents[agent], version=meta["version"], model=meta["model"],
        prompt=(ROOT / "tasks" / meta["task"] / "instruction.md").read_text(),
        stdout=(d / "stdout.txt").read_text(), files=json.loads((d / "files.json").read_text()),
        totals=Usage(**meta["usage"]), session_id=agent,
    )  # fmt: skip
    assert t is not None
    return t.to_json().encode()


def attempt_receipts(folder: Path) -> list[VerifiedReceipt]:
    """agents x tasks x 3 attempts, outcomes rotating; each folder has its artifacts."""
    out = []
    trajectories = {a: trajectory_bytes(a) for a in AGENTS}
    n = 0
    for agent in AGENTS:
        for task in TASKS:
            for attempt in (1, 2, 3):
                outcome = OUTCOMES[n % len(OUTCOMES)]
                n += 1
                arts = {
                    **ARTIFACT_TEXT,
                    "patch.diff": PATCH,
                    "trajectory.json": trajectories[agent],
                }
                arts["checks/runner.log"] = b"FAILED tests/test_version.py::test_rc10\n1 failed\n"
                factory = ReceiptFactory(folder / f"{agent}-{task}-{attempt}", arts)
                doc = factory.predicate(
                    agent=agent, model=MODEL, task=task, attempt=attempt, outcome=outcome
                )
                doc["artifacts"]["trajectory"] = factory.artifact("trajectory.json")
                if outcome == "agent_error":
                    doc["outcome_detail"] = "agent failed (exit code 1)"
                receipt = Receipt.model_validate(doc)
                digest = "sha256:" + f"{n:04d}".ljust(64, "a")
                envelope = factory.folder / f"{receipt.cell.key}.dsse.json"  # where it would be
                out.append(VerifiedReceipt(receipt, digest, Tier.community, envelope))
    return out
