"""`cab keys official` names the official signer; `cab keys check-official` guards the sweep.

The file the command writes is the one the verifier reads: a bundle from the named workflow on
the named ref verifies (through sigstore's Verifier and a private test instance), any other is
rejected. The sweep's plan and merge jobs run check-official, so an unconfigured repository fails
in one line before a shard spends time on receipts the merge job would reject.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from runner.cli import main
from runner.receipts import (
    Receipt,
    TrustStoreError,
    load_trust_store,
    statement_bytes,
    verify_receipts,
)
from tests.receipt_factory import ReceiptFactory
from tests.sigstore_testroot import Claims, PrivateSigstore
from tests.test_sweep_docker import WORKFLOW, render, write_bin

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / "receipt.schema.json"
SAN = "https://github.com/octo-org/bench/.github/workflows/sweep.yml@refs/heads/main"


def _cab(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_official_writes_the_identity_the_verifier_reads(tmp_path: Path) -> None:
    out = _cab("keys", "official", "--repository", "octo-org/bench", "--trust-dir", str(tmp_path))
    assert out.exit_code == 0, out.output
    assert f"official signer: {SAN} (runner id official)" in out.output
    (ident,) = load_trust_store(tmp_path).sigstore_identities
    assert ident.model_dump() == {
        "runner_id": "official",
        "issuer": "https://token.actions.githubusercontent.com",
        "repository": "https://github.com/octo-org/bench",
        "workflow": ".github/workflows/sweep.yml",
        "ref": "refs/heads/main",
        "identity": SAN,
        "runner_environment": "github-hosted",
    }
    custom = _cab(
        "keys",
        "official",
        "--repository",
        "o/n",
        "--workflow",
        ".github/workflows/b.yaml",
        "--ref",
        "refs/tags/v1",
        "--runner-id",
        "maint",
        "--runner-environment",
        "any",
        "--trust-dir",
        str(tmp_path),
    )
    assert custom.exit_code == 0, custom.output
    (ident,) = load_trust_store(tmp_path).sigstore_identities  # replaced, not appended
    assert ident.identity == "https://github.com/o/n/.github/workflows/b.yaml@refs/tags/v1"
    assert (ident.runner_id, ident.runner_environment) == ("maint", None)


def _bundle(tmp_path: Path, sigstore: PrivateSigstore, claims: Claims) -> Path:
    factory = ReceiptFactory(tmp_path / "cell")
    receipt = Receipt.model_validate(factory.predicate(runner_id="official"))
    path = factory.folder / f"{receipt.cell.key}.sigstore.json"
    path.write_bytes(sigstore.bundle(statement_bytes(receipt), claims))
    return path


@pytest.mark.parametrize(
    ("claims", "ok"),
    [
        (Claims("octo-org/bench"), True),
        (Claims("octo-org/other"), False),
        (Claims("octo-org/bench", workflow=".github/workflows/ci.yml"), False),
        (Claims("octo-org/bench", ref="refs/heads/feature"), False),
        (Claims("octo-org/bench", issuer="https://gitlab.com"), False),
    ],
    ids=["the-named-workflow", "wrong-repo", "wrong-workflow", "wrong-ref", "wrong-issuer"],
)
def test_the_written_policy_accepts_and_rejects(tmp_path: Path, claims: Claims, ok: bool) -> None:
    sigstore = PrivateSigstore()
    trust = sigstore.write_trust_dir(tmp_path / "trust")  # root only; the command names the signer
    out = _cab("keys", "official", "--repository", "octo-org/bench", "--trust-dir", str(trust))
    assert out.exit_code == 0, out.output
    (v,) = verify_receipts(
        [_bundle(tmp_path, sigstore, claims)], load_trust_store(trust), schema_path=SCHEMA
    )
    assert v.ok is ok, v.reason
    if not ok:
        assert v.code == "keyless" and "not a trusted signer" in v.reason


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--repository", "bench"], "is not OWNER/NAME"),
        (["--repository", "octo-org/bench/extra"], "is not OWNER/NAME"),
        (["--repository", "-octo/bench"], "is not OWNER/NAME"),
        (["--repository", "octo/.."], "is not OWNER/NAME"),
        (["--repository", "https://github.com/octo/bench"], "is not OWNER/NAME"),
        (["--repository", "o/n", "--workflow", "sweep.yml"], "is not .github/workflows/FILE.yml"),
        (["--repository", "o/n", "--workflow", ".github/workflows/../x.yml"], ".github/workflows"),
        (["--repository", "o/n", "--ref", "main"], "is not a full branch or tag ref"),
        (["--repository", "o/n", "--ref", "refs/heads/a..b"], "is not a full branch or tag ref"),
        (["--repository", "o/n", "--ref", "refs/heads/x.lock"], "is not a full branch or tag ref"),
    ],
)
def test_bad_input_is_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    out = _cab("keys", "official", *args, "--trust-dir", str(tmp_path))
    assert out.exit_code == 2
    assert out.output.count("\n") == 1 and message in out.output, out.output
    assert not (tmp_path / "sigstore_identities.json").exists()


def test_a_hand_edited_file_that_disagrees_with_itself_is_refused(tmp_path: Path) -> None:
    assert (
        _cab("keys", "official", "--repository", "o/n", "--trust-dir", str(tmp_path)).exit_code == 0
    )
    path = tmp_path / "sigstore_identities.json"
    doc = json.loads(path.read_text())
    doc["identities"][0]["ref"] = "refs/heads/dev"  # the SAN still says main
    path.write_text(json.dumps(doc))
    with pytest.raises(TrustStoreError, match="identity must be"):
        load_trust_store(tmp_path)
    out = _cab("keys", "check-official", "--trust-dir", str(tmp_path))
    assert out.exit_code == 2 and out.output.count("\n") == 1


def test_check_official(tmp_path: Path) -> None:
    empty = _cab("keys", "check-official", "--trust-dir", str(ROOT / "keys"))
    assert empty.exit_code == 1 and empty.output.count("\n") == 1
    assert "names no official signer" in empty.output
    assert "cab keys official --repository OWNER/NAME" in empty.output
    _cab("keys", "official", "--repository", "octo-org/bench", "--trust-dir", str(tmp_path))
    ok = _cab(
        "keys",
        "check-official",
        "--trust-dir",
        str(tmp_path),
        "--workflow-ref",
        "octo-org/bench/.github/workflows/sweep.yml@refs/heads/main",
    )
    assert ok.exit_code == 0 and SAN in ok.output
    other = _cab(
        "keys",
        "check-official",
        "--trust-dir",
        str(tmp_path),
        "--workflow-ref",
        "octo-org/bench/.github/workflows/sweep.yml@refs/heads/dev",
    )
    assert other.exit_code == 1 and "does not trust this run's signer" in other.output


def _signer_step() -> dict[str, Any]:
    """The plan and merge jobs' check, the same script in both (so it runs once here)."""
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    found = {name: s for name, job in jobs.items() for s in job["steps"] if s.get("id") == "signer"}
    assert sorted(found) == ["merge", "plan"]
    assert (found["plan"]["run"], found["plan"]["env"]) == (
        found["merge"]["run"],
        found["merge"]["env"],
    )
    plan_ids = [s.get("id") for s in jobs["plan"]["steps"]]
    assert plan_ids.index("signer") < plan_ids.index("plan"), "check before planning any shard"
    merge_ids = [s.get("id") for s in jobs["merge"]["steps"]]
    assert merge_ids.index("signer") < merge_ids.index("verify")
    return found["plan"]


def _run_step(cwd: Path, bin_dir: Path, workflow_ref: str) -> Any:
    step = _signer_step()
    env = {
        k: str(render(v, {"github": {"workflow_ref": workflow_ref}}))
        for k, v in step["env"].items()
    }
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "CAB_ROOT": str(ROOT), **env},
    )


MAIN = "octo-org/bench/.github/workflows/sweep.yml@refs/heads/main"


def test_the_sweep_stops_in_one_line_without_an_official_signer(tmp_path: Path) -> None:
    """With this repository's committed keys/ (no signer named), plan and merge fail at once."""
    write_bin(tmp_path / "bin")
    proc = _run_step(ROOT, tmp_path / "bin", MAIN)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert proc.stderr.count("\n") == 1 and "names no official signer" in proc.stderr


def test_the_sweep_passes_the_check_for_its_own_workflow_only(tmp_path: Path) -> None:
    write_bin(tmp_path / "bin")
    checkout = tmp_path / "checkout"
    _cab(
        "keys", "official", "--repository", "octo-org/bench", "--trust-dir", str(checkout / "keys")
    )
    ok = _run_step(checkout, tmp_path / "bin", MAIN)
    assert ok.returncode == 0, ok.stderr
    fork = _run_step(checkout, tmp_path / "bin", MAIN.replace("octo-org", "someone"))
    assert fork.returncode == 1 and "does not trust this run's signer" in fork.stderr
