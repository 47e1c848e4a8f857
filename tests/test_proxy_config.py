"""`cab proxy config`, cell keys and the usage callback, without starting the proxy."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from runner.catalog import CALIBRATION_MODELS, ServingKind, load_models
from runner.cli import main
from runner.proxy import (
    CellKey,
    ConfigError,
    KeyRejected,
    build_config,
    gemini_alias,
    mint_cell_key,
    verify_cell_key,
)
from runner.proxy._config import RATE_LIMIT_RETRIES

SECRET = b"k" * 32


def test_self_hosted_model_takes_its_base_url_from_the_environment(root: Path) -> None:
    catalog = load_models(root)
    row = next(m for m in catalog.models if m.serving.kind is ServingKind.self_hosted)
    var = row.serving.api_base_env
    assert var
    env = {var: "http://127.0.0.1:8081/v1/"}
    config = build_config(catalog, environ=env)
    entry = next(e for e in config["model_list"] if e["model_name"] == row.id)
    assert entry["litellm_params"]["api_base"] == "http://127.0.0.1:8081/v1/"
    assert entry["litellm_params"]["model"] == row.serving.route
    assert entry["model_info"]["cab_serving"] == "self-hosted"
    with pytest.raises(ConfigError, match=f"\\${var}, which is unset"):
        build_config(catalog, models=[row.id], environ={})


def test_cell_key_round_trip() -> None:
    key = mint_cell_key(SECRET, "codex/oracle/fix-median/1", ttl_s=60, now=1000, models=["m"])
    parsed = verify_cell_key(SECRET, key, now=1059)
    assert parsed == CellKey("codex/oracle/fix-median/1", ("m",))
    assert parsed.admits("m") and not parsed.admits("oracle")


def _other_models(key: str) -> str:
    """The same key with its models field swapped for another model's (the MAC must notice)."""
    cell, _, rest = key[len("sk-cab-") :].partition(".")
    _, _, tail = rest.partition(".")
    return f"sk-cab-{cell}.b3JhY2xl.{tail}"  # b64url("oracle")


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda k: k[:-2] + ("AA" if not k.endswith("AA") else "BB"), "signature"),
        (lambda k: mint_cell_key(b"x" * 32, "c1", 60, now=1000, models=["m"]), "signature"),
        (lambda k: "sk-cab-" + "bm90LWMx" + k[k.index(".") :], "signature"),  # other cell id
        (_other_models, "signature"),  # a key of one model made to admit the oracle
        (lambda k: k.replace(".1060.", ".9999999999."), "signature"),  # extended expiry
        (lambda k: "sk-cab-garbage", "malformed"),
        (lambda k: "sk-1234", "not a cell key"),
    ],
)
def test_forged_cell_keys_are_rejected(mutate: Any, reason: str) -> None:
    key = mint_cell_key(SECRET, "c1", ttl_s=60, now=1000, models=["m"])
    with pytest.raises(KeyRejected, match=reason):
        verify_cell_key(SECRET, mutate(key), now=1001)


def test_expired_cell_key_is_rejected() -> None:
    key = mint_cell_key(SECRET, "c1", ttl_s=60, now=1000, models=["m"])
    with pytest.raises(KeyRejected, match="expired"):
        verify_cell_key(SECRET, key, now=1060)


def test_a_key_must_admit_some_model() -> None:
    with pytest.raises(ValueError, match="at least one model"):
        mint_cell_key(SECRET, "c1", ttl_s=60, models=[])


def test_config_covers_catalog_and_calibration(root: Path) -> None:
    catalog = load_models(root)
    config = build_config(catalog, oracle_url="http://127.0.0.1:8600", environ={})
    names = [m["model_name"] for m in config["model_list"]]
    # Self-hosted rows need their base URL from the environment: absent here, so left out.
    hosted = [m for m in catalog.models if m.serving.kind is ServingKind.hosted]
    assert len(hosted) < len(catalog.models)
    assert names == [*(m.id for m in hosted), *CALIBRATION_MODELS]
    for entry, model in zip(config["model_list"], hosted, strict=False):
        params = entry["litellm_params"]
        assert params["model"] == model.serving.route
        if model.serving.api_key_env:
            assert params["api_key"] == f"os.environ/{model.serving.api_key_env}"
    oracle = config["model_list"][len(hosted)]["litellm_params"]
    # Calibration rides the host models' route (models.toml calibration_provider); the proxy
    # waits out the endpoint's 429s for it, but never for flaky, whose faults are the test.
    assert oracle == {
        "model": "nvidia_nim/oracle",
        "api_base": "http://127.0.0.1:8600/v1",
        "api_key": "cab-oracle",
        "max_retries": 0,
        "num_retries": RATE_LIMIT_RETRIES,
        # nvidia_nim/ would drop it: a stream would then carry no usage from the endpoint.
        "allowed_openai_params": ["stream_options"],
    }
    assert all(
        e["litellm_params"]["allowed_openai_params"] == ["stream_options"]
        for e in config["model_list"]
    )
    flaky = config["model_list"][len(hosted) + 3]["litellm_params"]
    assert flaky["model"] == "openai/flaky" and flaky["num_retries"] == 0
    assert config["router_settings"]["model_group_alias"][gemini_alias("oracle")] == "oracle"
    assert config["general_settings"]["custom_auth"] == "runner.proxy._auth.user_api_key_auth"


def test_config_errors(root: Path) -> None:
    catalog = load_models(root)
    with pytest.raises(ConfigError, match="unknown model 'nope'"):
        build_config(catalog, oracle_url="http://x", models=["nope"])
    with pytest.raises(ConfigError, match="--oracle-url"):
        build_config(catalog, models=["oracle"])


@pytest.mark.slow
def test_cli_config_is_loaded_by_litellm(root: Path, tmp_path: Path) -> None:
    """The full catalog's config, written by the CLI, goes through LiteLLM's own config loader
    (in a subprocess: loading sets LiteLLM's module globals)."""
    out = tmp_path / "litellm.yaml"
    env_var = load_models(root).models[0].serving.api_key_env
    secret = "nvapi-must-not-be-written"
    unset = {
        m.serving.api_base_env: None for m in load_models(root).models if m.serving.api_base_env
    }
    result = CliRunner(env={**unset, **({env_var: secret} if env_var else {})}).invoke(
        main,
        ["--root", str(root), "proxy", "config", "--oracle-url", "http://127.0.0.1:1", "-o",
         str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert secret not in out.read_text()
    script = (
        "import asyncio, json, sys\n"
        "from litellm.proxy.proxy_server import ProxyConfig\n"
        "router, models, general = asyncio.run(ProxyConfig().load_config(router=None, "
        "config_file_path=sys.argv[1]))\n"
        "print(json.dumps({'models': sorted(router.model_names), "
        "'auth': general.get('custom_auth')}))\n"
    )
    env = {**os.environ, "LITELLM_MASTER_KEY": "sk-test", "LITELLM_LOCAL_MODEL_COST_MAP": "True",
           "PYTHONPATH": str(root)}  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-c", script, str(out)], capture_output=True, text=True, env=env,
        timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    hosted = {m.id for m in load_models(root).models if m.serving.kind is ServingKind.hosted}
    assert set(loaded["models"]) == hosted | set(CALIBRATION_MODELS)
    assert loaded["auth"] == "runner.proxy._auth.user_api_key_auth"


def test_cli_config_bad_model_is_one_line(root: Path) -> None:
    result = CliRunner().invoke(
        main, ["--root", str(root), "proxy", "config", "--models", "oracle"]
    )
    assert result.exit_code == 2
    assert "--oracle-url" in result.output


def test_usage_record_survives_odd_responses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # importing LiteLLM stays offline
    from runner.proxy import usage_file
    from runner.proxy._usage import UsageLogger
    from runner.proxy._usage_log import CUT_KEY

    logger = UsageLogger()
    logger._settings = {"usage_dir": str(tmp_path), "prices": {"m": {
        "input_per_mtok_usd": 1.0, "output_per_mtok_usd": 2.0}}}  # fmt: skip
    start = dt.datetime(2026, 1, 1, 0, 0, 0)
    end = start + dt.timedelta(seconds=1.5)
    kwargs = {
        "standard_logging_object": {
            "model_group": "m", "call_type": "aresponses", "prompt_tokens": 1000,
            "completion_tokens": 500, "stream": True,
            "metadata": {"user_api_key_alias": "cell/1",
                         "user_api_key_request_route": "/v1/responses"},
        },
    }  # fmt: skip
    response = {"usage": {"input_tokens_details": {"cached_tokens": 800}}}
    for odd in (None, "text", 42, {"usage": "weird"}, response):
        logger._safe(kwargs, odd, start, end, True)
    logger._safe(None, None, None, None, False)  # nothing at all: still no exception
    lines = [json.loads(x) for x in usage_file(tmp_path, "cell/1").read_text().splitlines()]
    assert len(lines) == 5
    last = lines[-1]
    assert last["cell_id"] == "cell/1"
    assert last["api"] == "responses"
    assert last["route"] == "/v1/responses"
    assert (last["input_tokens"], last["output_tokens"], last["cached_tokens"]) == (1000, 500, 800)
    assert last["latency_s"] == 1.5
    assert last["cost_usd"] == pytest.approx((1000 * 1.0 + 500 * 2.0) / 1e6)
    assert usage_file(tmp_path, "_no-cell").read_text().count("\n") == 1
    assert not any(x["cut_by_client"] for x in lines)
    # The stream hook's mark (the client left early): a success metered from LiteLLM's estimate.
    cut = {**kwargs, CUT_KEY: True}
    assert logger.record(cut, response, start, end, True).cut_by_client is True
    assert logger.record(cut, response, start, end, False).cut_by_client is False  # a failure


def test_read_usage_parses_records_once_and_skips_what_is_not_one(tmp_path: Path) -> None:
    from runner.proxy import UsageRecord, read_usage, usage_file

    written = UsageRecord(status="success", http_status=200, cell_id="c/1", input_tokens=7,
                          output_tokens=3, cost_usd=0.25, model="m")  # fmt: skip
    path = usage_file(tmp_path, "c/1")
    lines = [
        written.line().decode(),
        '{"status": "failure", "http_status": null, "input_tokens": null, "new_key": 1}\n',
        "[1, 2]\n",  # JSON, but not a record
        '{"http_status": 500}\n',  # no status: not a record the proxy wrote
        '{"status": "failure", "http_st',  # torn: the proxy was killed mid-write
    ]
    path.write_text("".join(lines))
    first, second = read_usage(tmp_path, "c/1")
    assert first == written and first.ok
    assert (second.ok, second.http_status, second.input_tokens) == (False, None, 0)
    assert read_usage(tmp_path, "no-such-cell") == []
    # The line is what the proxy's callback appends: sorted keys, every field, one line.
    assert json.loads(written.line()) == {**written.model_dump(), "cell_id": "c/1"}
    assert list(json.loads(written.line())) == sorted(UsageRecord.model_fields)
