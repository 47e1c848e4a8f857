"""sweep.yml's store, run here without Docker: plan -> shard -> merge -> publish, twice.

The steps' own `run:` scripts run as in tests/test_sweep_docker.py, with a folder standing in for
the repository's releases (a fake `gh`). Only the shard job's cells are replaced: synthetic signed
receipts for exactly the cells of each matrix entry, uploaded as the shard job would. The second
run fetches the first run's release, plans 0 cells, and its board adds the community receipt a
pull request landed under receipts/community/<runner>/.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from runner import METHODOLOGY_VERSION
from runner.catalog import task_digest
from runner.plan import parse_cell_arg
from tests.store_helpers import Signed, tree
from tests.test_sweep_docker import (
    WORKFLOW,
    Job,
    download,
    render,
    step,
    upload,
    uploads,
    write_bin,
)

ROOT = Path(__file__).resolve().parents[1]
INPUTS = {"agents": "codex", "models": "oracle,null", "tasks": "py-cron-steps", "attempts": 1,
          "max_parallel": 2}  # fmt: skip
JOBS: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())["jobs"]


@dataclass
class Run:
    plan: dict[str, str]
    plan_summary: str
    stored: dict[str, str]
    board: Path
    published: bool


@dataclass
class Actions:
    base: Path
    signed: Signed
    releases: Path
    community: Path | None = None  # receipts/community in the checkout, when a PR landed some
    runs: int = 0

    def job(self, name: str) -> Job:
        return Job.make(self.base / f"run-{self.runs}", name, self.base / "bin")

    def shard(self, entry: str, artifacts: Path, ctx: dict[str, Any]) -> None:
        """The shard job's result: one signed receipt per cell of its matrix entry (a shard name;
        the cells are in the plan artifact), uploaded."""
        job = self.job(f"shard-{entry}")
        fetched = download(job, step(JOBS["shard"], uses="actions/download-artifact")["with"],
                           artifacts)  # fmt: skip
        (shard,) = [s for s in json.loads((fetched / "plan.json").read_text())["shards"]
                    if s["shard"] == entry]  # fmt: skip
        for arg in shard["cells"]:
            cell = parse_cell_arg(arg)
            outcome = "passed" if cell.model == "oracle" else "failed"
            digest = task_digest(ROOT / "tasks" / cell.task)  # what --check-tasks compares
            self.signed.cell(job.workspace / "out/cells", runner="official-test", agent=cell.agent,
                             model=cell.model, task=cell.task, attempt=cell.attempt,
                             outcome=outcome, task_digest=digest)  # fmt: skip
        upload(job, step(JOBS["shard"], uses="actions/upload-artifact")["with"],
               {**ctx, "matrix": {"shard": entry}}, artifacts)  # fmt: skip

    def run(self) -> Run:
        self.runs += 1
        artifacts = self.base / f"run-{self.runs}" / "artifacts"
        artifacts.mkdir(parents=True)
        github = {
            "ref": "refs/heads/main", "run_id": 100 + self.runs, "run_attempt": 1,
            "ref_name": "main", "event": {"repository": {"default_branch": "main"}},
        }  # fmt: skip
        ctx: dict[str, Any] = {"inputs": INPUTS, "secrets": {}, "github": github}
        trust = {"TRUST_DIR": str(self.signed.trust_dir)}
        fake = {"FAKE_RELEASES": str(self.releases)}

        plan = self.job("plan")
        plan.run(step(JOBS["plan"], id="fetch"), ctx, **fake)
        # The probe step asks real endpoints (`cab models probe`); here it stands in, keeping
        # every model asked for, as it does when all answer.
        ctx["steps"] = {"probe": {"outputs": {"models": INPUTS["models"]}}}
        plan_out = plan.run(step(JOBS["plan"], id="plan"), ctx, **trust)
        for handed in uploads(JOBS["plan"]):  # the plan (for the shards), the store (for merge)
            upload(plan, handed["with"], ctx, artifacts)
        ctx["needs"] = {"plan": {"outputs": plan_out}}
        if plan_out["count"] != "0":  # the shard job's `if:`
            for entry in render(JOBS["shard"]["strategy"]["matrix"]["shard"], ctx):
                self.shard(entry, artifacts, ctx)

        merge = self.job("merge")
        downloads = [s for s in JOBS["merge"]["steps"] if "download-artifact" in s.get("uses", "")]
        if plan_out["count"] != "0":  # no shard ran: no receipts-* artifact to download
            download(merge, downloads[0]["with"], artifacts)
        download(merge, downloads[1]["with"], artifacts)
        if self.community is not None:
            checkout = merge.workspace / "receipts" / "community"
            checkout.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(self.community, checkout)
        verify = merge.run(step(JOBS["merge"], id="verify"), ctx, **trust)
        assert verify["status"] == "0", (merge.workspace / "verify.txt").read_text()
        stored = merge.run(step(JOBS["merge"], id="store"), ctx, **trust)
        merge.run(step(JOBS["merge"], id="board"), ctx, **trust)
        published = stored["new"] == "true"
        if published:  # the publish job's `if:` (default branch, and something new)
            handoff = "Hand the new sweep to the publish job"
            release_upload = next(s for s in JOBS["merge"]["steps"] if s.get("name") == handoff)
            upload(merge, release_upload["with"], ctx, artifacts)
            ctx["needs"] = {"merge": {"outputs": {"new": stored["new"], "tags": stored["tags"]}}}
            publish = self.job("publish")
            download(publish, step(JOBS["publish"], uses="actions/download-artifact")["with"],
                     artifacts)  # fmt: skip
            publish.run(step(JOBS["publish"], id="release"), ctx, **fake)
        return Run(plan_out, plan.summary.read_text(), stored, merge.workspace / "board", published)


@pytest.fixture
def actions(tmp_path: Path) -> Actions:
    write_bin(tmp_path / "bin")
    (tmp_path / "releases").mkdir()
    return Actions(tmp_path, Signed(tmp_path / "trust"), tmp_path / "releases")


def test_runs_in_a_row_fill_one_board_and_take_community_receipts(actions: Actions) -> None:
    first = actions.run()
    assert first.plan["count"] == "2" and first.published
    assert "0 cells stand (a verified receipt in the store); 2 run now: 2 new task" in (
        first.plan_summary
    )
    tag = f"receipts-{METHODOLOGY_VERSION}-run-101-1"
    assert [p.name for p in actions.releases.iterdir()] == [tag]
    assert sorted(p.name for p in (actions.releases / tag).iterdir()) == [
        "manifest.json", "receipts.tar.gz",
    ]  # fmt: skip
    board_one = json.loads((first.board / "board.json").read_text())
    assert len(board_one["receipts"]) == 2

    # A community runner's pull request lands a receipt under receipts/community/<runner>/.
    community = actions.base / "pr" / "receipts" / "community"
    envelope = actions.signed.cell(community / "alice" / "batch-1", runner="alice",
                                   agent="codex", model="oracle", task="py-cron-steps",
                                   attempt=2)  # fmt: skip
    actions.community = community

    second = actions.run()
    assert second.plan["count"] == "0" and not second.published  # every cell stands
    assert "2 cells stand (a verified receipt in the store); 0 run now\n" in second.plan_summary
    assert second.stored["new"] == "false"
    assert [p.name for p in actions.releases.iterdir()] == [tag]  # nothing re-published
    board_two = json.loads((second.board / "board.json").read_text())
    assert set(board_one["receipts"]) < set(board_two["receipts"])  # the first run's stand
    digest = "sha256:" + hashlib.sha256(envelope.read_bytes()).hexdigest()
    assert digest in board_two["receipts"]
    alice = next(c for c in board_two["cells"] if digest in c["receipts"])
    assert alice["tier"] == "community"
    published = second.board / "receipts" / "community" / envelope.parent.name / envelope.name
    assert published.read_bytes() == envelope.read_bytes()

    # A third run changes nothing: the same board, byte for byte.
    actions.community = community
    third = actions.run()
    assert tree(third.board) == tree(second.board)


VERIFY_JOBS: dict[str, Any] = yaml.safe_load(
    (ROOT / ".github" / "workflows" / "verify-receipts.yml").read_text()
)["jobs"]


def test_the_pr_check_reads_each_runner_folder_as_one_set(tmp_path: Path) -> None:
    """verify-receipts.yml's verify step: two runners may hold the same cell (the board reads
    each runner's folder on its own); one runner may not hold it twice."""
    write_bin(tmp_path / "bin")
    (job_steps,) = (j["steps"] for j in VERIFY_JOBS.values())
    job = Job.make(tmp_path, "verify", tmp_path / "bin")
    signed = Signed(job.workspace / "base" / "keys")  # the base branch's trust store
    community = job.workspace / "pr" / "receipts" / "community"
    cell = {"agent": "codex", "model": "oracle", "task": "py-cron-steps",
            "task_digest": task_digest(ROOT / "tasks" / "py-cron-steps")}  # fmt: skip
    for runner in ("alice", "bob"):
        signed.cell(community / runner, runner=runner, **cell)
    ctx = {"github": {"workspace": str(job.workspace)}}
    verify = job.run(step({"steps": job_steps}, id="verify"), ctx)
    assert verify["status"] == "0", (job.temp / "verify.txt").read_text()
    assert (job.temp / "verify.txt").read_text().count("ok community") == 2

    signed.cell(community / "bob" / "again", runner="bob", **cell)  # bob's cell twice
    verify = job.run(step({"steps": job_steps}, id="verify"), ctx)
    assert verify["status"] == "1"
    report = (job.temp / "verify.txt").read_text()
    assert "bob" in report and "is also in" in report and "alice" not in report.split("FAIL")[1]
