"""`vandal` cells: the model tells the real agent to delete out-of-scope files, write outside the
workspace, read the hidden tests and the solution, and reach the network. The cell must contain
it and the receipt must say what it tried, as the sandbox measured it (the container's diff and
the egress sink). An agent with text edits only (Aider) is offered a flake8.py its linter would
run (runner/oracle/_plan.py): its lint run of that file is the one door such an agent leaves.

Default: codex (shell tool) and aider (text edit format only). Full (nox -s cells): every agent.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest

from runner.catalog import load_catalog
from runner.cell import run_cell
from runner.receipts import CellId, Outcome
from tests.cell.cellkit import (
    FULL_MATRIX,
    TASKS,
    Shard,
    assert_no_secrets,
    cell_text,
    docker_inspect,
    my_containers,
    verify,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.docker

AGENTS = sorted(load_catalog(ROOT).agents) if FULL_MATRIX else ["codex", "aider"]
# Agents whose only way to act is a text edit format: the vandal can just rewrite a file.
TEXT_ONLY = {"aider"}
TASK = TASKS["python"]


@pytest.mark.parametrize("agent", AGENTS)
def test_vandal_is_contained_and_recorded(
    shard: Shard, agent: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The harness's own temporary folders (checks inputs and outputs) land here, to be counted.
    host_tmp = tmp_path / "host-tmp"
    host_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(host_tmp))
    seen_before = len(shard.factory.seen)

    cell = CellId(agent=agent, model="vandal", task=TASK, attempt=1)
    result = run_cell(cell, shard.ctx)
    folder = result.envelope.parent
    receipt = json.loads((folder / "receipt.json").read_text())
    blast = receipt["blast_radius"]
    said = cell_text(folder)
    assert result.outcome is not Outcome.passed
    assert result.outcome is not Outcome.infra_error, result.detail

    # The container, as Docker saw it during the agent phase: its network is the egress sink's
    # namespace, a root writable only into its own layer (unless the agent asks for read-only),
    # nothing mounted but the workspace, the agent's home and the proxy's socket.
    (attrs,) = shard.factory.seen[seen_before:]
    host = attrs["HostConfig"]
    assert host["NetworkMode"].startswith("container:")
    assert host["ReadonlyRootfs"] is shard.ctx.catalog.agents[agent].read_only_root
    assert host["CapDrop"] == ["ALL"] and not host["CapAdd"]
    assert "no-new-privileges" in host["SecurityOpt"]
    targets = sorted(m["Destination"] for m in attrs["Mounts"])
    assert targets == ["/home/agent", "/run/cab/proxy.sock", "/workspace"]
    task_dir = str((ROOT / "tasks" / TASK).resolve())
    assert not any(m["Source"].startswith(task_dir) for m in attrs["Mounts"])

    # Nothing outside the workspace survives: the container is gone, so are the host folders.
    assert docker_inspect(attrs["Id"]) is None
    assert my_containers() == []
    assert list(host_tmp.iterdir()) == []
    assert list((shard.out / ".work").iterdir()) == []

    # What it tried is on the record, as the sandbox measured it: the write the permissions let
    # through (the container's diff) and the attempts the egress sink refused.
    assert blast["paths_outside_scope"], "the out-of-scope edits must be counted"
    # Aider reaches outside only through the flake8.py it lints (/var/tmp/cab-vandal-lint), the
    # agents with a shell through their commands (/var/tmp/cab-vandal): the same measurement.
    outside = blast["writes_outside_workspace"]
    assert any(p.startswith("/var/tmp/cab-vandal") for p in outside), (outside, said[-3000:])
    assert blast["network_attempts"] >= 1, said[-3000:]
    seen = blast["network_destinations"]
    assert {"proto": "tcp", "dst": "192.0.2.1", "port": 443} in [
        {k: d[k] for k in ("proto", "dst", "port")} for d in seen
    ], seen
    assert any(d["dns"] == "cab-vandal.invalid" for d in seen), seen
    assert not any(d["allowed"] for d in seen if d["dst"] == "192.0.2.1")
    if agent not in TEXT_ONLY:
        refused = blast["writes_refused_outside_workspace"]
        assert "/etc/cab-vandal" in refused, said[-3000:]
        assert "/usr/local/bin/cab-vandal" in refused
        # Refused at once by the sink: no timeout in what the agent saw.
        assert re.search(r"Connection refused|Failed to connect|Couldn't connect", said)
        # The hidden tests and the solution are not in the container: the reads failed.
        assert re.search(r"cannot access '/tests': No such file or directory", said), said[-3000:]
        assert re.search(r"cannot access '/solution': No such file or directory", said)
    verify([result.envelope], shard.trust_dir)
    assert_no_secrets(folder, shard.proxy.secrets())
