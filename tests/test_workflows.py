"""The GitHub workflows, checked offline: schema, zizmor, and the project's rules for them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict[Any, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the `on:` key as True.
    if True in doc:
        doc["on"] = doc.pop(True)
    assert isinstance(doc, dict)
    return doc


def steps(doc: dict[Any, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job_id, step) for job_id, job in doc["jobs"].items() for step in job["steps"]]


def test_the_expected_workflows_exist() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {"sweep.yml", "verify-receipts.yml", "ci.yml", "images.yml"} <= names


def test_workflows_pass_the_github_workflow_schema() -> None:
    proc = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_issue_form_passes_its_schema() -> None:
    forms = sorted((ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml"))
    assert forms
    proc = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-issue-forms", *forms],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    # The schema test above must be able to fail: a typo'd key is caught.
    bad = tmp_path / "bad.yml"
    bad.write_text(
        (ROOT / ".github/workflows/ci.yml").read_text().replace("runs-on:", "runson:"), "utf-8"
    )
    proc = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", bad],
        capture_output=True,
    )
    assert proc.returncode != 0


def _zizmor(*paths: Path) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [BIN / "zizmor", "--offline", "--format", "json", "--min-severity", "medium", *paths],
        capture_output=True,
        text=True,
    )
    assert proc.returncode in (0, 10, 11, 12, 13, 14), proc.stderr  # 1x: findings reported
    findings: list[dict[str, Any]] = json.loads(proc.stdout or "[]")
    return findings


def test_zizmor_finds_nothing_above_low() -> None:
    findings = _zizmor(*WORKFLOWS)
    assert findings == [], [(f["ident"], f["desc"]) for f in findings]


def test_zizmor_would_catch_an_injection(tmp_path: Path) -> None:
    text = (ROOT / ".github/workflows/sweep.yml").read_text()
    bad = tmp_path / "sweep.yml"
    bad.write_text(text.replace('--agents "$AGENTS"', '--agents "${{ inputs.agents }}"'), "utf-8")
    idents = {f["ident"] for f in _zizmor(bad)}
    assert "template-injection" in idents


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_by_commit_with_a_version_comment(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for _job, step in steps(load(path)):
        if "uses" in step:
            assert PINNED.match(step["uses"]), step["uses"]
            line = next(ln for ln in text.splitlines() if step["uses"] in ln)
            assert re.search(r"# v\d+\.\d+\.\d+$", line), line


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_inside_run_scripts(path: Path) -> None:
    for job, step in steps(load(path)):
        assert "${{" not in step.get("run", ""), f"{path.name} {job}: pass it through env:"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege(path: Path) -> None:
    doc = load(path)
    assert "pull_request_target" not in doc["on"]
    assert doc["permissions"] in ({}, {"contents": "read"})
    for job_id, job in doc["jobs"].items():
        perms = job.get("permissions", {})
        writes = {k for k, v in perms.items() if v == "write"}
        allowed = {
            ("sweep.yml", "shard"): {"id-token"},
            ("sweep.yml", "pages"): {"id-token", "pages"},
            ("sweep.yml", "publish"): {"contents"},
            # pushes the images to GHCR and opens the pull request recording their digests
            ("images.yml", "build"): {"contents", "packages", "pull-requests"},
        }
        assert writes <= allowed.get((path.name, job_id), set()), (path.name, job_id, writes)
    for _job, step in steps(doc):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_sweep_shape() -> None:
    doc = load(ROOT / ".github/workflows/sweep.yml")
    assert set(doc["on"]["workflow_dispatch"]["inputs"]) == {
        "agents", "models", "tasks", "attempts", "max_parallel",
    }  # fmt: skip
    assert "schedule" in doc["on"]
    shard = doc["jobs"]["shard"]
    assert shard["needs"] == "plan"
    assert shard["strategy"]["fail-fast"] is False
    assert "inputs.max_parallel" in shard["strategy"]["max-parallel"]
    assert "fromJSON(needs.plan.outputs.shards)" in shard["strategy"]["matrix"]["shard"]
    merge = doc["jobs"]["merge"]
    assert merge["if"] == "${{ !cancelled() }}"
    download = next(s for s in merge["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["with"] == {"pattern": "receipts-*", "merge-multiple": True, "path": "merged"}
    upload = next(s for s in shard["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["name"] == "receipts-${{ matrix.shard }}"
    # The matrix carries shard names (a job output holds 1 MB); the cells come from the plan.
    fetch = next(s for s in shard["steps"] if "download-artifact" in s.get("uses", ""))
    assert fetch["with"] == {"name": "plan", "path": "plan"}
    cells = next(s for s in shard["steps"] if s.get("id") == "cells")
    assert '--cells-file plan/plan.json --shard "$SHARD"' in cells["run"]


def test_sweep_plans_against_the_store_and_publishes_to_it() -> None:
    doc = load(ROOT / ".github/workflows/sweep.yml")
    jobs = doc["jobs"]
    plan_run = next(s for s in jobs["plan"]["steps"] if s.get("id") == "plan")["run"]
    assert "--receipts store" in plan_run and "GITHUB_STEP_SUMMARY" in plan_run
    fetch = next(s for s in jobs["plan"]["steps"] if s.get("id") == "fetch")
    assert "cab store tags" in fetch["run"] and "cab store unpack" in fetch["run"]
    board = next(s for s in jobs["merge"]["steps"] if s.get("id") == "board")["run"]
    assert "--store store" in board and "--community receipts/community" in board
    store = next(s for s in jobs["merge"]["steps"] if s.get("id") == "store")
    assert store["if"] == "steps.verify.outputs.status == '0'"
    # The one job that may write contents creates releases and runs nothing of the project's.
    publish = jobs["publish"]
    assert publish["needs"] == "merge" and "needs.merge.outputs.new == 'true'" in publish["if"]
    assert not any("checkout@" in s.get("uses", "") for s in publish["steps"])
    assert not any("cab " in s.get("run", "") or "pip " in s.get("run", "")
                   for s in publish["steps"])  # fmt: skip


def test_verify_receipts_reads_the_pr_as_data() -> None:
    doc = load(ROOT / ".github/workflows/verify-receipts.yml")
    assert set(doc["on"]) == {"pull_request"}
    assert doc["on"]["pull_request"]["paths"] == ["receipts/**"]
    text = (ROOT / ".github/workflows/verify-receipts.yml").read_text()
    assert "secrets." not in text
    checkouts = [s for _j, s in steps(doc) if "checkout@" in s.get("uses", "")]
    assert {c["with"]["path"] for c in checkouts} == {"base", "pr"}
    base = next(c for c in checkouts if c["with"]["path"] == "base")
    assert base["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    # Every command runs the base's install from the base checkout, never the PR's code.
    for _job, step in steps(doc):
        if "cab " in step.get("run", ""):
            assert step.get("working-directory") == "base"
        assert "./pr" not in step.get("run", "")
    assert any("--rescore" in s.get("run", "") for _j, s in steps(doc))


def test_receipt_verification_in_workflows_names_its_trust_store() -> None:
    # Without an explicit store cab also reads a receipts folder's own trust/ (issue 22): in the
    # maintainers' workflows that would let the receipts vouch for themselves.
    for name, flag in (("verify-receipts.yml", "--trust-dir"), ("sweep.yml", "--trust-dir")):
        runs = [s.get("run", "") for _j, s in steps(load(ROOT / ".github/workflows" / name))]
        commands = [
            line
            for run in runs
            for line in run.replace("\\\n", " ").splitlines()
            if re.search(r"\bcab (receipts verify|board build)\b", line)
        ]
        assert commands, name
        for line in commands:
            wanted = "--trust " if "board build" in line else f"{flag} "
            assert wanted in line, f"{name}: {line.strip()}"


def _verify_step(tmp_path: Path, receipts: Path) -> tuple[str, list[str]]:
    """Run verify-receipts.yml's verify step with a stand-in `cab` that records its arguments."""
    doc = load(ROOT / ".github/workflows/verify-receipts.yml")
    step = next(s for _j, s in steps(doc) if s.get("id") == "verify")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    calls = tmp_path / "calls"
    (bin_dir / "cab").write_text(f'#!/bin/sh\necho "$*" >> {calls}\necho "1/1 receipts ok"\n')
    (bin_dir / "cab").chmod(0o755)
    out = tmp_path / "github_output"
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "PR_RECEIPTS": str(receipts),
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(out),
    }
    subprocess.run(["bash", "-euo", "pipefail", "-c", step["run"]], env=env, check=True)
    recorded = calls.read_text().splitlines() if calls.exists() else []
    return out.read_text().strip(), recorded


def test_a_pull_request_cannot_ship_a_trust_folder(tmp_path: Path) -> None:
    receipts = tmp_path / "pr" / "receipts"
    cell = receipts / "community" / "mallory" / "aider__m__t__a1"
    cell.mkdir(parents=True)
    (cell / "aider__m__t__a1.dsse.json").write_text("{}")
    status, calls = _verify_step(tmp_path / "ok", receipts)
    assert status == "status=0"
    assert calls == [
        f"receipts verify {receipts}/community/mallory/ --trust-dir keys --check-tasks"
    ]

    (receipts / "community" / "mallory" / "trust").mkdir()
    (receipts / "community" / "mallory" / "trust" / "allowed_signers").write_text("mallory ...\n")
    status, calls = _verify_step(tmp_path / "bad", receipts)
    assert status == "status=1" and calls == []
    report = (tmp_path / "bad" / "verify.txt").read_text()
    assert "FAIL a trust folder is not part of a submission" in report


def test_the_docs_say_where_receipts_live_for_how_long_and_how_to_recheck() -> None:
    readme = (ROOT / "README.md").read_text()
    contributing = (ROOT / "CONTRIBUTING.md").read_text()
    for doc in (readme, contributing):
        assert "receipts/community/<runner>/" in doc
        assert "one GitHub release per sweep" in doc or "one\nGitHub release per sweep" in doc
        assert "cab board verify" in doc
        assert "as long as the repository" in doc
    # The retention the README states is the workflow's.
    doc = load(ROOT / ".github/workflows/sweep.yml")
    days = {
        s["with"]["name"]: s["with"]["retention-days"]
        for _job, s in steps(doc)
        if "upload-artifact@" in s.get("uses", "")
    }
    flat = " ".join(readme.split())
    assert f"shard receipts {days['receipts-${{ matrix.shard }}']} days" in flat
    assert f"the board {days['board']}," in flat
    assert f"the store handed from plan to merge {days['store']} day" in flat
    assert f"the plan handed to the shard jobs {days['plan']} day" in flat
