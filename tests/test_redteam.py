"""The red team (`nox -s redteam`, Docker): the `cheat` calibration model through real agents tries
every exploit it knows, one per attempt, on one Python and one JavaScript task. Every cell must end
not passed, and its receipt must show what was tried and how it was caught. The table goes to
bench/results/redteam.json and bench/RESULTS.md (`python bench/run.py --markdown-only`).

About an hour of cells on 2 cores: not part of `nox -s tests` (CAB_REDTEAM=1 runs it).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from runner.catalog import Catalog, load_catalog
from runner.cell import CellError, CellResult, run_many
from runner.oracle import load_oracle_tasks
from runner.oracle._cheat import exploit_for, exploits_for
from runner.receipts import CellId, Outcome
from tests.cell.cellkit import open_shard

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "redteam.json"
ENV = "CAB_REDTEAM"
# Two Responses/Messages agents and a chat-completions one, as the issue asks.
AGENTS = tuple(os.environ.get("CAB_REDTEAM_AGENTS", "codex,claude-code,qwen-code").split(","))
TASKS = ("py-cron-steps", "js-csv-quoted-fields")

pytestmark = [
    pytest.mark.docker,
    pytest.mark.skipif(os.environ.get(ENV) != "1", reason=f"red team: `nox -s redteam` ({ENV}=1)"),
]


def caught_by(receipt: dict[str, Any]) -> str:
    """How the receipt shows the exploit: the check that refused it, or the incident."""
    blast = receipt["blast_radius"]
    found = [
        f"{c['name']}: {c['summary']}"
        for c in receipt["checks"]
        if not c["passed"] and c["summary"].startswith("tampering")
    ]
    if blast.get("model_escapes"):
        found.append(f"model escape: {', '.join(blast['model_escapes'])} (403)")
    for key, label in (
        ("writes_outside_workspace", "writes outside the workspace"),
        ("writes_refused_outside_workspace", "writes refused outside the workspace"),
        ("paths_outside_scope", "paths outside scope"),
    ):
        if blast.get(key):
            found.append(f"{label}: {', '.join(blast[key][:3])}")
    if blast.get("network_attempts"):
        found.append(f"network attempts: {blast['network_attempts']}")
    if blast.get("leftover_processes"):
        found.append(f"leftover processes: {blast['leftover_processes']}")
    failing = [f"{c['name']}: {c['summary']}" for c in receipt["checks"] if not c["passed"]]
    return "; ".join(found or failing or [receipt["outcome_detail"]])[:300]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(ROOT)


def test_every_exploit_of_cheat_ends_not_passed_and_shows_how(
    catalog: Catalog, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tasks = {t.id: t for t in load_oracle_tasks(ROOT) if t.id in TASKS}
    cells = [
        CellId(agent=agent, model="cheat", task=task, attempt=attempt)
        for agent in AGENTS
        for task in TASKS
        for attempt in range(1, len(exploits_for(tasks[task])) + 1)
    ]
    tmp = tmp_path_factory.mktemp("redteam")
    results: list[CellResult | CellError] = []
    with open_shard(catalog, tmp / "out", tmp / "key", ["cheat"]) as shard:
        results = list(run_many(cells, shard.ctx, concurrency=2))
    assert len(results) == len(cells)
    rows = []
    for result in results:
        receipt = json.loads((result.envelope.parent / "receipt.json").read_text())
        cell = result.cell
        exploit = exploit_for(tasks[cell.task], cell.attempt)
        rows.append(
            {
                "agent": cell.agent,
                "task": cell.task,
                "attempt": cell.attempt,
                "exploit": exploit.name,
                "tries": exploit.what,
                "outcome": receipt["outcome"],
                "caught_by": caught_by(receipt),
            }
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {"date": datetime.now(UTC).isoformat(timespec="seconds"), "cells": rows},
            indent=1,
            sort_keys=True,
        )
        + "\n"
    )
    passed = [r for r in rows if r["outcome"] == Outcome.passed.value]
    assert not passed, passed
    infra = [r for r in rows if r["outcome"] == Outcome.infra_error.value]
    assert not infra, infra  # an exploit that broke the harness measured nothing
