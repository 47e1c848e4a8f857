"""Sweep pieces without Docker: what earlier receipts tell the plan, the merge, the board step."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runner.catalog import load_catalog
from runner.cli import main
from runner.receipts import CellId
from runner.sweep import SweepError, build_site, merge_artifacts, receipt_state
from tests.receipt_factory import signed_receipt, trust_line, trust_store

ROOT = Path(__file__).resolve().parents[1]
KEY = Ed25519PrivateKey.generate()


def sign(folder: Path, *, key: Ed25519PrivateKey = KEY, total_s: float | None = None,
         **cell: object) -> Path:  # fmt: skip
    envelope = signed_receipt(folder, key, **cell)
    if total_s is not None:  # re-sign with another wall time
        predicate = folder / "receipt.json"
        doc = json.loads(predicate.read_text())
        doc["timings"]["total_s"] = total_s
        predicate.write_text(json.dumps(doc))
        envelope.unlink()
        from runner.receipts import Ed25519Signer, sign_receipt

        envelope = sign_receipt(predicate, Ed25519Signer(key))
    return envelope


CELL = {"agent": "codex", "model": "oracle", "task": "py-cron-steps"}


@pytest.fixture
def trust_dir(tmp_path: Path) -> Path:
    d = tmp_path / "trust"
    d.mkdir()
    (d / "allowed_signers").write_text(trust_line(KEY) + "\n")
    return d


def plan_json(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(
        main,
        ["--root", str(ROOT), "plan", "--json", "--agents", "codex", "--models", "oracle", *args],
    )
    assert result.exit_code == 0, result.output
    out: dict[str, object] = json.loads(result.output)
    return out


def test_plan_drops_cells_with_a_valid_receipt_only(tmp_path: Path, trust_dir: Path) -> None:
    done = tmp_path / "receipts"
    sign(done / "a1", **CELL, attempt=1)
    # Signed by a key the trust store does not hold: must not count as done.
    sign(done / "a2", key=Ed25519PrivateKey.generate(), **CELL, attempt=2)
    plan = plan_json("--tasks", "py-cron-steps", "--attempts", "3",
                     "--receipts", str(done), "--trust-dir", str(trust_dir))  # fmt: skip
    assert plan["skipped"] == 1
    cells = [c for s in plan["shards"] for c in s["cells"]]  # type: ignore[attr-defined]
    assert sorted(cells) == ["codex:oracle:py-cron-steps:2", "codex:oracle:py-cron-steps:3"]


def test_infra_errors_are_planned_again(tmp_path: Path, trust_dir: Path) -> None:
    # An infra error measured nothing: the next plan (and a resumed run) retries the cell.
    done = tmp_path / "receipts"
    sign(done / "a1", **CELL, attempt=1, outcome="infra_error", total_s=5.0)
    sign(done / "a2", **CELL, attempt=2, outcome="failed", total_s=100.0)
    plan = plan_json("--tasks", "py-cron-steps", "--attempts", "2",
                     "--receipts", str(done), "--trust-dir", str(trust_dir))  # fmt: skip
    assert plan["skipped"] == 1
    cells = [c for s in plan["shards"] for c in s["cells"]]  # type: ignore[attr-defined]
    assert cells == ["codex:oracle:py-cron-steps:1"]
    trust = trust_store(trust_line(KEY))
    assert receipt_state([done], trust).history_s == {("codex", "oracle", "py-cron-steps"): 100.0}
    from runner.cell import completed_cells

    def cell(attempt: int) -> CellId:
        return CellId(agent="codex", model="oracle", task="py-cron-steps", attempt=attempt)

    assert completed_cells(done, trust) == {cell(1), cell(2)}
    assert completed_cells(done, trust, measured_only=True) == {cell(2)}


def test_history_sets_expected_durations(tmp_path: Path, trust_dir: Path) -> None:
    history = tmp_path / "history"
    sign(history / "a1", **CELL, attempt=1, total_s=100.0)
    sign(history / "a2", **CELL, attempt=2, total_s=300.0)
    sign(history / "a3", **CELL, attempt=3, total_s=900.0)
    plan = plan_json("--tasks", "py-cron-steps,py-semver-prerelease", "--max-jobs", "2",
                     "--history", str(history), "--trust-dir", str(trust_dir))  # fmt: skip
    by_cell = {s["cells"][0]: s["expected_s"] for s in plan["shards"]}  # type: ignore[attr-defined]
    limit = load_catalog(ROOT).tasks["py-semver-prerelease"].time_limit_s
    assert by_cell["codex:oracle:py-cron-steps:1"] == 300.0  # the median
    assert by_cell["codex:oracle:py-semver-prerelease:1"] == limit * 0.25  # no history: default
    assert plan["skipped"] == 0  # history alone never drops cells


def test_receipt_state_ignores_missing_and_empty_folders(tmp_path: Path) -> None:
    state = receipt_state([tmp_path / "nope", tmp_path], trust_store(trust_line(KEY)))
    assert state.done == frozenset() and state.history_s == {}


def test_plan_rejects_a_missing_receipts_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--root", str(ROOT), "plan", "--receipts", str(tmp_path / "nope")]
    )
    assert result.exit_code == 2 and "does not exist" in result.output


def test_merge_is_merge_multiple_without_hidden_files_or_local_trust(tmp_path: Path) -> None:
    arts = tmp_path / "artifacts"

    def cell(shard: str, name: str, stamp: int, *files: str) -> None:
        d = arts / f"receipts-shard-{shard}" / name
        d.mkdir(parents=True)
        for f in files:
            (d / f).write_text(shard)
            os.utime(d / f, (stamp, stamp))

    cell("000", "c1", 100, "c1.dsse.json", "agent.log")
    cell("001", "c2", 100, "c2.dsse.json")
    cell("001", "c3", 100, "agent.log")  # no receipt (the cell failed): not evidence
    # c1 again, newer (a resumed sweep re-ran it in another shard): this folder wins whole.
    cell("002", "c1", 200, "c1.dsse.json")
    (arts / "receipts-shard-000" / ".work" / "x").mkdir(parents=True)
    (arts / "receipts-shard-000" / "trust").mkdir()
    (arts / "unrelated" / "c9").mkdir(parents=True)
    merged = tmp_path / "merged"
    (merged / "stale").mkdir(parents=True)  # a previous merge's leftovers go
    assert merge_artifacts(arts, merged) == 2
    assert sorted(p.name for p in merged.iterdir()) == ["c1", "c2"]
    assert [p.name for p in (merged / "c1").iterdir()] == ["c1.dsse.json"]
    assert (merged / "c1" / "c1.dsse.json").read_text() == "002"


def test_board_step_builds_a_site_for_calibration_models(tmp_path: Path, trust_dir: Path) -> None:
    merged = tmp_path / "merged"
    for model in ("oracle", "null"):
        sign(merged / model, agent="codex", model=model, task="py-cron-steps",
             outcome="passed" if model == "oracle" else "failed")  # fmt: skip
    catalog = load_catalog(ROOT)
    cells, receipts, rejected = build_site(catalog, merged, trust_dir, tmp_path / "site")
    assert (cells, receipts, rejected) == (2, 2, [])
    # Calibration models are not in the catalog: the catalog page lists them apart.
    assert "oracle" in (tmp_path / "site" / "catalog.html").read_text()
    assert (tmp_path / "site" / "index.html").is_file()


def test_board_step_lists_rejected_receipts_and_refuses_an_empty_set(
    tmp_path: Path, trust_dir: Path
) -> None:
    merged = tmp_path / "merged"
    sign(merged / "good", **CELL)
    sign(merged / "forged", key=Ed25519PrivateKey.generate(), **{**CELL, "model": "null"})
    catalog = load_catalog(ROOT)
    cells, receipts, rejected = build_site(catalog, merged, trust_dir, tmp_path / "site")
    assert (cells, receipts, len(rejected)) == (1, 1, 1) and "forged" in rejected[0]
    (tmp_path / "empty").mkdir()
    with pytest.raises(SweepError, match="no receipts"):
        build_site(catalog, tmp_path / "empty", trust_dir, tmp_path / "site2")
    with pytest.raises(SweepError, match="no such file"):
        build_site(catalog, tmp_path / "missing", trust_dir, tmp_path / "site2")


def test_sweep_rejects_unknown_agents_before_running_anything(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--root", str(ROOT), "sweep", "--agents", "nope", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "--agents 'nope'" in result.output
    assert not (tmp_path / "o").exists()


def test_cell_ids_round_trip() -> None:
    assert CellId(agent="a", model="m", task="t", attempt=1).key == "a__m__t__a1"


def test_missing_images_names_the_commands_to_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import runner.sweep._sweep as sweep_mod

    catalog = load_catalog(ROOT)
    cells = [
        CellId(agent="codex", model="oracle", task="js-csv-quoted-fields", attempt=1),
        CellId(agent="aider", model="null", task="sh-cfgcheck-set-e", attempt=1),
    ]
    present = {"cab/agent-codex"}  # only codex is built; no runtime image is
    monkeypatch.setattr(
        sweep_mod, "inspect_image", lambda tag: object() if tag.split(":")[0] in present else None
    )
    assert sweep_mod.missing_images(catalog, cells) == [
        "cab images build aider",
        "cab images build-runtime runtime-node runtime-python",
    ]
    present |= {"cab/agent-aider", "cab/runtime-node", "cab/runtime-python"}
    assert sweep_mod.missing_images(catalog, cells) == []


def test_full_public_matrix_fits_a_github_job_output(tmp_path: Path) -> None:
    # The plan job hands the matrix to the shard jobs through a job output: at most 1 MB. The
    # full matrix's cell list is larger, so the output names the shards and each shard job reads
    # its cells from the plan artifact; this runs the plan step's own script on the full plan.
    import subprocess
    import sys

    import yaml

    from runner.plan import estimate, expand, make_plan, plan_json

    catalog = load_catalog(ROOT)
    plan = make_plan(catalog, expand(catalog, attempts=3))
    per_attempt = len(expand(catalog, attempts=1))
    assert per_attempt % (len(catalog.agents) * len(catalog.tasks)) == 0
    assert len(plan.cells) == 3 * per_attempt and len(plan.shards) == 256
    # The whole sweep in one plan (a budget that lets one run hold it): the largest plan.json.
    est = estimate(catalog, plan.cells, plan.shards, max_jobs=256, environ={})
    doc = plan_json(plan, est, 1)
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan/plan.json").write_text(json.dumps(doc))
    assert (tmp_path / "plan/plan.json").stat().st_size > 1_000_000  # why names only
    workflow = yaml.safe_load((ROOT / ".github/workflows/sweep.yml").read_text())
    run = next(s for s in workflow["jobs"]["plan"]["steps"] if s.get("id") == "plan")["run"]
    script = run[run.index("<<'PY'\n") + len("<<'PY'\n") : run.rindex("PY")]
    out = subprocess.run(
        [sys.executable, "-", "plan/plan.json"],
        input=script,
        cwd=tmp_path,
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(out.encode()) < 1_000_000
    outputs = dict(line.split("=", 1) for line in out.splitlines())
    assert json.loads(outputs["shards"]) == [s["shard"] for s in doc["shards"]]
    assert outputs["count"] == "256"
    # ... and every shard job finds its own cells again: `run-many --cells-file plan --shard`.
    from runner.plan import read_cell_list

    text = (tmp_path / "plan/plan.json").read_text()
    assert read_cell_list(text, "shard-255") == doc["shards"][255]["cells"]
