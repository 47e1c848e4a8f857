"""A host-model cell whose agent asks the proxy for `oracle` (the gold patch) with its own key:
403, and the receipt names the escape as an incident (Docker, a real agent)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from runner.catalog import Catalog
from runner.catalog._models import Serving
from runner.cell import load_or_create_key, run_cell, shard_context
from runner.oracle import OracleServer, OracleSettings, load_oracle_tasks
from runner.oracle._cheat import exploits_for
from runner.receipts import CellId

pytestmark = pytest.mark.docker
TASK = "py-cron-steps"
HOST = "test/host-served-by-cheat"


def test_a_host_model_cell_asking_for_the_oracle_gets_403_and_an_incident(
    images_ready: None, catalog: Catalog, tmp_path: Path
) -> None:
    tasks = load_oracle_tasks(catalog.root)
    (task,) = [t for t in tasks if t.id == TASK]
    other_model = 1 + [e.name for e in exploits_for(task)].index("other-model")
    with OracleServer(OracleSettings(tasks, cheat_attempt=other_model)) as oracle:
        # A host model whose endpoint happens to be the red team: its agent will ask for `oracle`.
        template = catalog.models.models[0]
        host = template.model_copy(
            update={
                "id": HOST,
                "serving": Serving(route="openai/cheat", api_base=oracle.url + "/v1"),
            }
        )
        models = catalog.models.model_copy(update={"models": [*catalog.models.models, host]})
        cat = dataclasses.replace(catalog, models=models)
        key = load_or_create_key(tmp_path / "key", "cab-tests")
        with shard_context(cat, tmp_path / "out", key, models=[HOST]) as ctx:
            result = run_cell(CellId(agent="codex", model=HOST, task=TASK, attempt=1), ctx)
    receipt = json.loads((result.envelope.parent / "receipt.json").read_text())
    assert receipt["model"]["id"] == HOST and receipt["outcome"] != "passed"
    assert receipt["blast_radius"]["model_escapes"] == ["oracle"]
    assert "HTTP Error 403" in (result.envelope.parent / "agent.log").read_text()
