"""An engine that does not answer while a cell resolves its images is an infra error: retried,
then recorded with the locked image, never read as a missing image (no receipt)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest

from runner.catalog import load_catalog
from runner.cell import load_or_create_key, run_cell, write_trust
from runner.cell._harness import resolve_agent_image, resolve_runtime_image
from runner.cell._lifecycle import CellContext, CellError, InfraError
from runner.receipts import CellId, Outcome, verify_receipts

ROOT = Path(__file__).resolve().parents[2]
TASK = "py-semver-prerelease"


def fake_docker(folder: Path, *, engine_up: bool) -> None:
    """A `docker` on PATH whose engine is down, or up without any image."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "docker"
    version = 'echo "27.5.1"; exit 0' if engine_up else "exit 1"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = version ]; then {version}; fi\n'
        'echo "Error: No such image: $4" >&2\nexit 1\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.mark.parametrize("engine_up", [True, False], ids=["no-image", "engine-down"])
def test_lookup_tells_a_missing_image_from_an_engine_that_is_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine_up: bool
) -> None:
    fake_docker(tmp_path / "bin", engine_up=engine_up)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    expected = CellError if engine_up else InfraError
    message = "is not built" if engine_up else "Docker engine does not answer"
    with pytest.raises(expected, match=message):
        resolve_agent_image(ROOT)("codex")
    with pytest.raises(expected, match=message):
        resolve_runtime_image(ROOT)("runtime-python")


def test_a_cell_whose_engine_never_answers_gets_an_infra_error_receipt(tmp_path: Path) -> None:
    catalog = load_catalog(ROOT)
    out = tmp_path / "out"
    key = load_or_create_key(tmp_path / "key", "cab-tests")
    trust_dir = write_trust(out, key)
    lookups: list[str] = []

    def engine_down(agent: str) -> object:
        lookups.append(agent)
        raise InfraError("the Docker engine does not answer (looking up cab/agent-codex)")

    proxy = SimpleNamespace(
        socket_path=tmp_path / "proxy.sock", usage_dir=tmp_path / "usage", running=True,
        mint_key=lambda cell_id, ttl_s=0, model="": "sk-cell", master_key="sk-master",
    )  # fmt: skip
    ctx = CellContext(
        catalog=catalog, proxy=proxy, agent_image=engine_down,  # type: ignore[arg-type]
        runtime_image=lambda name: name, signer=key.signer, runner_id=key.runner_id,
        out_dir=out, max_infra_retries=2, retry_backoff_s=0.0,
    )  # fmt: skip
    cell = CellId(agent="codex", model="oracle", task=TASK, attempt=1)
    result = run_cell(cell, ctx)
    assert result.outcome is Outcome.infra_error
    assert lookups == ["codex"] * 3  # the first try and both retries
    receipt = json.loads((out / cell.key / "receipt.json").read_text())
    lock = json.loads((ROOT / "images" / "lock.json").read_text())["images"]["codex"]
    assert receipt["agent"]["image"] == lock["tag"]
    assert receipt["agent"]["image_digest"] == lock["image_id"]
    assert receipt["infra_retries"] == 2
    assert "Docker engine does not answer" in receipt["outcome_detail"]
    (verdict,) = verify_receipts([result.envelope], key.trust_store())
    assert verdict.ok, verdict
    assert trust_dir.is_dir()
