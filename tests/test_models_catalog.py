"""The real host model catalog: exact sweep membership and the honesty rules of its entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner import METHODOLOGY_VERSION
from runner.catalog import ModelCatalog, ModelStatus, ServingKind, load_models
from runner.cli import main

CURRENT = {
    "deepseek-ai/deepseek-v4-flash",
    "deepseek-ai/deepseek-v4-pro",
    "meta/llama-3.3-70b-instruct",
    "meta/llama-4-maverick-17b-128e-instruct",
    "mistralai/mistral-small-4-119b-2603",
    "moonshotai/kimi-k2.6",
    "nvidia/llama-3.3-nemotron-super-49b-v1",
    "nvidia/nemotron-3-super-120b-a12b",
    "openai/gpt-oss-120b",
    "qwen/qwen3-next-80b-a3b-instruct",
    "qwen/qwen3.5-122b-a10b",
    "stepfun-ai/step-3.5-flash",
    "stepfun-ai/step-3.7-flash",
    "z-ai/glm-5.1",
}
HELD = {
    "minimaxai/minimax-m2.7",
    "minimaxai/minimax-m3",
    "nvidia/nemotron-3-ultra-550b-a55b",
    "qwen/qwen3.5-397b-a17b",
    "qwen/qwen2.5-coder-0.5b-instruct",  # the self-hosted row `nox -s selfhosted` proves
}
SELF_HOSTED = {"qwen/qwen2.5-coder-0.5b-instruct"}
RETIRED = {"qwen/qwen3-coder-480b-a35b-instruct"}

NIM_BASE = "https://integrate.api.nvidia.com/v1"


@pytest.fixture(scope="module")
def catalog(root: Path) -> ModelCatalog:
    return load_models(root)


def ids_with(catalog: ModelCatalog, status: ModelStatus) -> set[str]:
    return {m.id for m in catalog.models if m.status is status}


def test_current_sweep_is_exactly_the_fourteen(catalog: ModelCatalog) -> None:
    assert ids_with(catalog, ModelStatus.current) == CURRENT


def test_held_and_retired_entries_exist(catalog: ModelCatalog) -> None:
    assert ids_with(catalog, ModelStatus.held) == HELD
    assert ids_with(catalog, ModelStatus.retired) == RETIRED
    assert {m.id for m in catalog.models} == CURRENT | HELD | RETIRED


def test_cli_lists_current_held_and_retired(root: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(root), "catalog", "models", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    by_status: dict[str, set[str]] = {}
    for m in data["models"]:
        by_status.setdefault(m["status"], set()).add(m["id"])
    assert by_status == {"current": CURRENT, "held": HELD, "retired": RETIRED}
    assert data["methodology_version"] == METHODOLOGY_VERSION  # the version the runner scores


def test_cli_status_filter_counts(root: Path) -> None:
    for status, expected in (("current", 14), ("held", len(HELD)), ("retired", 1)):
        result = CliRunner().invoke(
            main, ["--root", str(root), "catalog", "models", "--json", "--status", status]
        )
        assert result.exit_code == 0, result.output
        assert len(json.loads(result.output)["models"]) == expected


def test_current_models_joined_methodology_one_and_others_never_joined(
    catalog: ModelCatalog,
) -> None:
    for m in catalog.models:
        if m.status is ModelStatus.current:
            assert m.joined_methodology == "1.0", m.id
        else:
            # Held and retired hosts never joined 1.0's sweep; a held host joins at a bump.
            assert m.joined_methodology is None, m.id


def test_every_hosted_entry_routes_through_nim_with_optional_key(catalog: ModelCatalog) -> None:
    assert {
        m.id for m in catalog.models if m.serving.kind is ServingKind.self_hosted
    } == SELF_HOSTED
    for m in catalog.models:
        if m.serving.kind is ServingKind.self_hosted:
            # Its server is whoever runs it: no base URL in the catalog, never in the sweep.
            assert m.serving.api_base is None and m.serving.api_base_env, m.id
            assert m.status is ModelStatus.held, m.id
            continue
        assert m.serving.route.startswith("nvidia_nim/"), m.id
        assert str(m.serving.api_base).rstrip("/") == NIM_BASE, m.id
        assert m.serving.api_key_env == "NVIDIA_NIM_API_KEY", m.id
        # The route names the same model unless a note explains why it differs.
        if m.serving.route != f"nvidia_nim/{m.id}":
            assert "serving" in m.notes, m.id


def test_current_models_name_format_and_parser(catalog: ModelCatalog) -> None:
    for m in catalog.models:
        if m.status is ModelStatus.current:
            assert m.tool_calling.format and m.tool_calling.parser, m.id


def test_moe_entries_give_total_and_active_parameters(catalog: ModelCatalog) -> None:
    for m in catalog.models:
        if m.architecture is not None and m.architecture.value == "moe":
            assert m.parameter_class is not None, m.id
            assert "total" in m.parameter_class and "active" in m.parameter_class, m.id


def test_no_price_without_a_source_and_unpriced_entries_say_so(catalog: ModelCatalog) -> None:
    for m in catalog.models:
        if m.price is None:
            assert "cost axis uses tokens" in m.notes["price"], m.id
        else:
            assert m.price.source.strip(), m.id


def test_catalog_listing_disagreements_are_noted(catalog: ModelCatalog) -> None:
    # The public catalog lists these as dense; their model cards say MoE. Both facts are kept.
    for model_id in ("openai/gpt-oss-120b", "mistralai/mistral-small-4-119b-2603"):
        m = catalog.get(model_id)
        assert m.architecture is not None and m.architecture.value == "moe"
        assert "dense" in m.notes["architecture"]


def test_retired_entry_explains_itself(catalog: ModelCatalog) -> None:
    m = catalog.get("qwen/qwen3-coder-480b-a35b-instruct")
    assert "end of life" in m.notes["status"]
    assert "never joined" in m.notes["joined_methodology"]


def test_all_entries_are_open_weight_matrix_entries(catalog: ModelCatalog) -> None:
    # Every host here publishes weights; none belongs in the closed 'reference' column.
    for m in catalog.models:
        assert m.weights.value == "open" and m.column.value == "open", m.id
