"""The LiteLLM proxy config: the host models of models.toml plus the calibration models."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from runner.catalog import CALIBRATION_MODELS, ModelCatalog

AUTH_HOOK = "runner.proxy._auth.user_api_key_auth"
USAGE_CALLBACK = "runner.proxy._usage.usage_logger"
# The one pre-call hook: paces requests to the endpoint's budget, then names the cell.
PRE_CALL_CALLBACK = "runner.proxy._hooks.pre_call"
ORACLE_KEY = "cab-oracle"  # the oracle checks no key, but OpenAI clients insist on one
KEYLESS = "cab-keyless"


# How often the proxy itself retries a request the endpoint refused with 429 (LiteLLM's router
# waits out Retry-After, up to 60 s, between tries): a paced proxy rarely sees one, and a cell
# whose requests still fail after these ends infra_error with the 429s as evidence.
RATE_LIMIT_RETRIES = 6
# The calibration model whose injected faults (500, 429, stalls) are the test: never retried here.
FAULTY = "flaky"


class ConfigError(ValueError):
    pass


def calibration_route(catalog: ModelCatalog, name: str) -> str:
    """The LiteLLM route that serves calibration model `name`: the host models' provider, except
    for flaky, whose faults are the test: behind `nvidia_nim/` LiteLLM's router retries its 429s
    and 500s although its deployment says `num_retries: 0` (measured: 8 of 8 requests came back
    200), so they never reached the agent. On `openai/` they pass through."""
    if name == FAULTY:
        return f"openai/{name}"
    return f"{catalog.calibration_provider}/{name}"


def rate_shares(
    catalog: ModelCatalog,
    models: Sequence[str],
    *,
    shards_at_once: int = 1,
    environ: Mapping[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Per model served, the endpoint it shares a key on and this proxy's share of that
    endpoint's budget (requests per minute / shards running at once). Host models take their
    endpoint's budget from models.toml (CAB_RPM_<ENDPOINT> overrides); calibration models are
    paced only when that variable is set, since the plain oracle has no limit."""
    if shards_at_once < 1:
        raise ConfigError(f"shards at once must be at least 1, not {shards_at_once}")
    env = os.environ if environ is None else environ
    shares: dict[str, dict[str, Any]] = {}
    for name in models:
        try:
            budget = catalog.model_budget(name, env)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        if budget is not None:
            endpoint, rpm = budget
            shares[name] = {"endpoint": endpoint, "rpm": rpm / shards_at_once}
    return shares


def gemini_alias(model_name: str) -> str:
    """The Gemini-style name under which Gemini CLI reaches a model (it only speaks Gemini)."""
    return "gemini-cab-" + re.sub(r"[^a-z0-9.-]+", "-", model_name.lower()).strip("-")


def build_config(
    catalog: ModelCatalog,
    *,
    oracle_url: str | None = None,
    models: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A LiteLLM proxy config. `models` selects catalog ids and calibration names (default: all
    catalog models, plus the calibration models when an oracle URL is given; a self-hosted model
    is in the default only where its base URL is set, and asked for by name without one it is an
    error). Keys are referenced as `os.environ/VAR`, never written into the file."""
    catalog_ids = [m.id for m in catalog.models]
    if models:
        wanted = list(models)
    else:
        served = [
            m.id
            for m in catalog.models
            if m.serving.base_url(environ) or not m.serving.api_base_env
        ]
        wanted = [*served, *(CALIBRATION_MODELS if oracle_url else ())]
    unknown = [m for m in wanted if m not in catalog_ids and m not in CALIBRATION_MODELS]
    if unknown:
        raise ConfigError(
            f"unknown model {unknown[0]!r}: not in models.toml nor a calibration model"
        )
    if any(m in CALIBRATION_MODELS for m in wanted) and not oracle_url:
        raise ConfigError("calibration models need --oracle-url (the `cab oracle serve` address)")

    model_list: list[dict[str, Any]] = []
    for name in wanted:
        if name in CALIBRATION_MODELS:
            params: dict[str, Any] = {
                "model": calibration_route(catalog, name),
                "api_base": f"{str(oracle_url).rstrip('/')}/v1",
                "api_key": ORACLE_KEY,
                # The OpenAI client's own retries stay off (they would hide what the proxy
                # meters); the router waits out an endpoint's 429s, except for flaky, whose
                # faults must reach the agent: its retries are the agent's to make.
                "max_retries": 0,
                "num_retries": 0 if name == FAULTY else RATE_LIMIT_RETRIES,
            }
            info: dict[str, Any] = {"cab_kind": "calibration"}
        else:
            m = catalog.get(name)
            params = {"model": m.serving.route}
            base = m.serving.base_url(environ)
            if m.serving.api_base_env and not base:
                raise ConfigError(
                    f"{name}: its base URL comes from ${m.serving.api_base_env}, which is unset"
                )
            if base is not None:
                params["api_base"] = base
            # Keyless endpoints still get a placeholder: OpenAI-style clients refuse no key.
            params["api_key"] = (
                f"os.environ/{m.serving.api_key_env}" if m.serving.api_key_env else KEYLESS
            )
            info = {
                "cab_kind": "host",
                "cab_status": m.status.value,
                "cab_serving": m.serving.kind.value,
            }
            if m.price is not None:
                params["input_cost_per_token"] = m.price.input_per_mtok_usd / 1e6
                params["output_cost_per_token"] = m.price.output_per_mtok_usd / 1e6
        # Every endpoint is OpenAI-compatible and takes stream_options, but LiteLLM's
        # nvidia_nim route does not list the field and drops it: a stream would then never
        # carry the endpoint's own usage count (runner/proxy/_hooks.py, "Usage in every stream").
        params["allowed_openai_params"] = ["stream_options"]
        model_list.append({"model_name": name, "litellm_params": params, "model_info": info})

    return {
        "model_list": model_list,
        "router_settings": {
            "model_group_alias": {gemini_alias(n): n for n in wanted},
            "num_retries": 2,
        },
        "litellm_settings": {
            "callbacks": [USAGE_CALLBACK, PRE_CALL_CALLBACK],
            "drop_params": True,
            "request_timeout": 600,
            "telemetry": False,
        },
        "general_settings": {
            "master_key": "os.environ/LITELLM_MASTER_KEY",
            "custom_auth": AUTH_HOOK,
        },
    }


def prices(catalog: ModelCatalog) -> dict[str, dict[str, float]]:
    """Catalog prices by model name, for the usage callback's cost field."""
    return {
        m.id: {
            "input_per_mtok_usd": m.price.input_per_mtok_usd,
            "output_per_mtok_usd": m.price.output_per_mtok_usd,
        }
        for m in catalog.models
        if m.price is not None
    }


def dump_config(config: dict[str, Any], path: Path | None = None) -> str:
    """YAML (or JSON when the path ends in .json)."""
    if path is not None and path.suffix == ".json":
        return json.dumps(config, indent=2, sort_keys=False) + "\n"
    return str(yaml.safe_dump(config, sort_keys=False))
