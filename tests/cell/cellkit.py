"""Helpers of the cell tests: a proxy wrapper that remembers the keys it minted (to grep receipts
for them), a sandbox factory that inspects each container as Docker sees it, the receipt verifier
as a user runs it (`cab receipts verify`), and container listings by owner label.

The CI-sized subset runs by default; `CAB_CELL_MATRIX=full` (the nox session `cells`) runs every
agent on every language."""

from __future__ import annotations

import json
import logging
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from runner.catalog import Catalog
from runner.cell import CellContext, RunnerKey, load_or_create_key, shard_context, write_trust
from runner.cli import main
from runner.sandbox import LABEL, Sandbox, SandboxSpec, create_sandbox, owner_label

FULL_MATRIX = os.environ.get("CAB_CELL_MATRIX") == "full"
# One task per language the acceptance names.
TASKS = {
    "python": "py-semver-prerelease",
    "javascript": "js-csv-quoted-fields",
    "shell": "sh-backup-rotate-quoting",
}


class RecordingProxy:
    """The shard's proxy, remembering every key it minted."""

    def __init__(self, proxy: Any) -> None:
        self._proxy = proxy
        self.minted: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._proxy, name)

    def mint_key(self, cell_id: str, ttl_s: float = 4 * 3600, *, model: str) -> str:
        key = str(self._proxy.mint_key(cell_id, ttl_s, model=model))
        self.minted.append(key)
        return key

    def secrets(self) -> list[str]:
        return [*self.minted, self._proxy.master_key, self._proxy._key_secret.hex()]


@dataclass
class InspectingFactory:
    """Creates sandboxes as the cell would, and records how Docker sees each container."""

    seen: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, spec: SandboxSpec) -> Sandbox:
        sandbox = create_sandbox(spec)
        attrs = docker_inspect(sandbox.id)
        assert attrs is not None
        self.seen.append(attrs)
        return sandbox


@dataclass
class Shard:
    ctx: CellContext
    key: RunnerKey
    proxy: RecordingProxy
    out: Path
    trust_dir: Path
    factory: InspectingFactory
    emulator_log: Path | None = None  # the emulated endpoint's request log, when emulating


def docker_inspect(container_id: str) -> dict[str, Any] | None:
    proc = subprocess.run(
        ["docker", "inspect", container_id], capture_output=True, text=True, check=False
    )
    return json.loads(proc.stdout)[0] if proc.returncode == 0 else None


def owned_containers(owner_prefix: str) -> list[str]:
    """Names of containers whose owner label starts with `owner_prefix` (e.g. "<pid>-")."""
    out = subprocess.run(
        ["docker", "ps", "-a", "--filter", f"label={LABEL}",
         "--format", '{{.Names}} {{.Label "' + LABEL + '"}}'],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [
        line.split()[0] for line in out.splitlines() if line.split()[1].startswith(owner_prefix)
    ]


def my_containers() -> list[str]:
    return owned_containers(owner_label())


def verify(paths: list[Path], trust_dir: Path, root: Path | None = None) -> str:
    """`cab receipts verify PATHS --trust-dir DIR`; fails the test when any receipt fails."""
    args = ["receipts", "verify", *map(str, paths), "--trust-dir", str(trust_dir)]
    if root is not None:
        args = ["--root", str(root), *args, "--check-tasks"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def assert_no_secrets(folder: Path, secrets: list[str]) -> None:
    """No file anywhere under `folder` holds any of the secrets."""
    secrets = [s for s in secrets if s]
    assert secrets
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, f"a secret leaked into {path}"


def cell_text(cell_dir: Path) -> str:
    """Everything the agent said: its log and its transcript files."""
    parts = [cell_dir / "agent.log", cell_dir / "transcript.json"]
    return "\n".join(p.read_text(errors="replace") for p in parts if p.is_file())


@contextmanager
def open_shard(
    catalog: Catalog, out: Path, key_path: Path, models: list[str], **settings: Any
) -> Iterator[Shard]:
    key = load_or_create_key(key_path, "cab-tests")
    trust_dir = write_trust(out, key)
    emulation = settings.get("emulation")
    with shard_context(catalog, out, key, models=models, **settings) as ctx:
        proxy = RecordingProxy(ctx.proxy)
        factory = InspectingFactory()
        ctx.proxy = proxy
        ctx.sandbox_factory = factory
        log = emulation.log_path if emulation is not None else None
        yield Shard(ctx, key, proxy, out, trust_dir, factory, log)


class OracleCalls(logging.Handler):
    """The tool calls the calibration server answered with, as its log says them (one record per
    reply: `... -> 200 calls=[names]`). The server runs in this process, so a handler on its
    logger sees every reply of the cells run while it is attached."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.calls: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "-> 200 calls=" in record.msg and isinstance(record.args, tuple):
            names = record.args[-1]
            assert isinstance(names, list), record.args
            self.calls.extend(names)


@contextmanager
def oracle_calls() -> Iterator[OracleCalls]:
    log = logging.getLogger("cab.oracle")
    handler, level = OracleCalls(), log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


def assert_trajectory_matches(folder: Path, root: Path, oracle_tool_calls: list[str]) -> None:
    """The cell's trajectory artifact validates against the committed ATIF schema and holds
    exactly the tool calls the calibration model made, in order."""
    import jsonschema

    receipt = json.loads((folder / "receipt.json").read_text())
    art = receipt["artifacts"]["trajectory"]
    assert art is not None, f"{folder.name}: no trajectory artifact"
    doc = json.loads((folder / art["path"]).read_text())
    schema = json.loads((root / "schemas" / "trajectory.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(doc)
    calls = [c for s in doc["steps"] for c in s.get("tool_calls", [])]
    assert len(calls) == len(oracle_tool_calls), (folder.name, calls, oracle_tool_calls)
    assert doc["final_metrics"]["total_prompt_tokens"] == receipt["usage"]["input_tokens"]
    assert doc["final_metrics"]["total_steps"] == len(doc["steps"])
