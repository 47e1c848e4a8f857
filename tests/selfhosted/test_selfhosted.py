"""The self-hosted serving kind proven once with a real model (`nox -s selfhosted`, Docker; not
in CI): Qwen2.5-Coder-0.5B-Instruct (Q4_K_M GGUF) served by llama-server on 127.0.0.1, behind the
same LiteLLM proxy as every cell, real tokens end to end.

1. With the GGUF's built-in chat template the model writes its tool call as fenced JSON text;
   `cab models probe` must report the model unavailable (no structured tool call).
2. With tests/selfhosted/fenced-tool-calls.jinja, which shows calls in that fence, llama-server
   returns structured `tool_calls`; the probe must pass it.
3. Two or three agents run one task each against it. Whatever the outcome, every cell ends in a
   receipt `cab receipts verify` accepts, whose route and endpoint are the self-hosted server's,
   with tokens metered at the proxy that llama-server's own counters confirm: every output
   token of a request the server reported usage for was predicted by llama-server during these
   cells, and exactly so when no stream was cut (an agent killed at its time limit mid-reply is
   metered from LiteLLM's estimate of what had been streamed; its record says `cut_by_client`).

Needs CAB_LLAMA_SERVER and CAB_GGUF (`python scripts/selfhosted_fixture.py` makes both) and
CAB_SELFHOSTED=1 (the nox session sets it). Writes bench/results/selfhosted.json.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from runner.catalog import Catalog, load_catalog
from runner.cell import CellError, CellResult, run_many
from runner.cli import main
from runner.proxy import read_usage
from runner.receipts import CellId
from tests.cell.cellkit import open_shard, verify
from tests.procs import free_port, local_server

ROOT = Path(__file__).resolve().parents[2]
ENV = "CAB_SELFHOSTED"
MODEL = "qwen/qwen2.5-coder-0.5b-instruct"
FIXED_TEMPLATE = Path(__file__).with_name("fenced-tool-calls.jinja")
RESULTS = ROOT / "bench" / "results" / "selfhosted.json"
# Two chat-completions agents that call tools and one that edits through text (aider).
AGENTS = tuple(os.environ.get("CAB_SELFHOSTED_AGENTS", "mini-swe-agent,pi,aider").split(","))
TASK = os.environ.get("CAB_SELFHOSTED_TASK", "py-cron-steps")
# The first request of an agent-sized prompt takes minutes on 2 cores; the probe's is small.
PROBE_TIMEOUT_S = 900
CONTEXT_TOKENS = 32768

pytestmark = [
    pytest.mark.docker,
    pytest.mark.skipif(os.environ.get(ENV) != "1", reason=f"`nox -s selfhosted` ({ENV}=1)"),
]


def _fixture_paths() -> tuple[Path, Path]:
    paths = []
    for var in ("CAB_LLAMA_SERVER", "CAB_GGUF"):
        value = os.environ.get(var, "")
        if not value or not Path(value).is_file():
            pytest.fail(
                f"${var} must name a file ({value or 'unset'}): "
                "`python scripts/selfhosted_fixture.py` builds llama-server and assembles the GGUF"
            )
        paths.append(Path(value))
    return paths[0], paths[1]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(ROOT)


@pytest.fixture(scope="module")
def base_var(catalog: Catalog) -> str:
    var = catalog.models.get(MODEL).serving.api_base_env
    assert var, f"{MODEL} is not a self-hosted row"
    return var


def served_name(catalog: Catalog) -> str:
    return catalog.models.get(MODEL).serving.served_name


@contextmanager
def llama_server(folder: Path, alias: str, template: Path | None) -> Iterator[str]:
    """llama-server on 127.0.0.1 serving the GGUF as `alias`, with its built-in chat template or
    `template`; yields the base URL (…/v1)."""
    binary, gguf = _fixture_paths()
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    argv = [str(binary), "-m", str(gguf), "--host", "127.0.0.1", "--port", str(port),
            "--alias", alias, "--jinja", "-c", str(CONTEXT_TOKENS), "--parallel", "1",
            "--threads", str(os.cpu_count() or 2), "--metrics", "--no-webui",
            *(["--chat-template-file", str(template)] if template else [])]  # fmt: skip
    name = "fixed" if template else "builtin"
    url = f"http://127.0.0.1:{port}"
    with local_server(argv, folder / f"llama-server-{name}.log", f"{url}/health",
                      what="llama-server", timeout_s=300, poll_s=1.0):  # fmt: skip
        yield f"{url}/v1"


def server_counters(base: str) -> dict[str, float]:
    """llama-server's Prometheus counters (prompt and predicted tokens, requests) as it counts."""
    with urllib.request.urlopen(base.removesuffix("/v1") + "/metrics", timeout=10) as resp:
        text = resp.read().decode()
    out = {}
    for name, value in re.findall(r"^llamacpp:(\w+) ([0-9.e+-]+)$", text, re.M):
        out[name] = float(value)
    return out


def probe(base_var: str, base: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner(env={base_var: base}).invoke(
        main, ["--root", str(ROOT), "models", "probe", "--models", MODEL, "--json",
               "--timeout", str(PROBE_TIMEOUT_S)],
    )  # fmt: skip
    report = json.loads(result.output)
    return result.exit_code, report["models"][0]


def test_probe_fails_the_builtin_template(
    catalog: Catalog, base_var: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("builtin")
    with llama_server(folder, served_name(catalog), None) as base:
        code, row = probe(base_var, base)
    assert code == 1, row
    assert row["reachable"] and row["listed"], row
    assert not row["tool_call_ok"] and not row["available"], row
    assert "no structured tool call" in row["error"], row


@pytest.fixture(scope="module")
def fixed_server(catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with llama_server(tmp_path_factory.mktemp("fixed"), served_name(catalog), FIXED_TEMPLATE) as b:
        yield b


def test_probe_passes_the_fixed_template(base_var: str, fixed_server: str) -> None:
    code, row = probe(base_var, fixed_server)
    assert code == 0, row
    assert row["available"] and row["tool_call_ok"] and row["error"] is None, row
    assert row["endpoint"] == fixed_server and row["route"].startswith("openai/"), row


def test_agents_run_one_task_each_against_the_real_model(
    catalog: Catalog,
    base_var: str,
    fixed_server: str,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(base_var, fixed_server)
    cells = [CellId(agent=agent, model=MODEL, task=TASK, attempt=1) for agent in AGENTS]
    tmp = tmp_path_factory.mktemp("cells")
    before = server_counters(fixed_server)
    ran: list[CellResult | CellError] = []
    with open_shard(catalog, tmp / "out", tmp / "key", [MODEL]) as shard:
        # One at a time: llama-server has one slot, and a cell's wall time is the figure wanted.
        ran = list(run_many(cells, shard.ctx, concurrency=1))
    after = server_counters(fixed_server)
    results = [r for r in ran if isinstance(r, CellResult)]
    assert len(results) == len(cells), ran  # a CellError is a harness failure, not an outcome
    rows, envelopes = [], []
    records = {r.cell.key: read_usage(shard.ctx.proxy.usage_dir, r.cell.key) for r in results}
    for result in results:
        folder = result.envelope.parent
        receipt = json.loads((folder / "receipt.json").read_text())
        envelopes.append(result.envelope)
        usage = receipt["usage"]
        cut = [r for r in records[result.cell.key] if r.cut_by_client]
        rows.append(
            {
                "agent": result.cell.agent,
                "task": result.cell.task,
                "outcome": receipt["outcome"],
                "detail": receipt["outcome_detail"][:200],
                "wall_s": round(result.wall_s, 1),
                "agent_s": round(result.agent_s, 1),
                "requests": usage["requests"],
                "failed_requests": usage["failed_requests"],
                "input_tokens": usage["input_tokens"],
                "output_tokens": usage["output_tokens"],
                "cut_requests": len(cut),
                "cut_output_tokens_estimated": sum(r.output_tokens for r in cut),
                "route": receipt["model"]["route"],
                "endpoint": receipt["model"]["endpoint"],
            }
        )
    verify(envelopes, shard.trust_dir, ROOT)
    predicted = after.get("tokens_predicted_total", 0) - before.get("tokens_predicted_total", 0)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "model": MODEL,
                "gguf": Path(os.environ["CAB_GGUF"]).name,
                "server": "llama-server " + Path(os.environ["CAB_LLAMA_SERVER"]).name,
                "template": FIXED_TEMPLATE.name,
                "server_tokens_predicted": predicted,
                "server_counted_output_tokens": sum(
                    r.output_tokens
                    for rs in records.values()
                    for r in rs
                    if r.ok and not r.cut_by_client
                ),
                "server_prompt_tokens": after.get("prompt_tokens_total", 0)
                - before.get("prompt_tokens_total", 0),
                "cells": rows,
            },
            indent=1,
            sort_keys=True,
        )
        + "\n"
    )
    for row in rows:
        assert row["route"] == catalog.models.get(MODEL).serving.route, row
        assert row["endpoint"] == fixed_server, row  # the server that really served it
        assert row["requests"] > 0 and row["input_tokens"] > 0 and row["output_tokens"] > 0, row
    # The proxy's metering is the server's own count, not the agent's claim: every output token
    # of a request llama-server reported usage for was predicted by it during these cells, and
    # exactly those when no request was cut or failed (either may have made tokens no usage
    # chunk reported).
    every = [r for rs in records.values() for r in rs]
    counted = sum(r.output_tokens for r in every if r.ok and not r.cut_by_client)
    assert 0 < counted <= predicted, (counted, predicted)
    if all(r.ok and not r.cut_by_client for r in every):
        assert counted == predicted, (counted, predicted)
