"""Provider-true calibration, the NIM emulator, the rate budget and model probes (issue 17)."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from runner.catalog import Serving, ServingKind, load_models
from runner.oracle import Emulation, OracleServer, OracleSettings, load_oracle_tasks, minute_counts
from runner.proxy import ConfigError, build_config, probe_models, rate_shares, tool_call_problem
from runner.proxy._hooks import PACER_WINDOW_S, STRIP_USAGE_FLAG, Pacer, with_stream_usage

FIXTURES = Path(__file__).parent / "fixtures"
INSTRUCTION = (FIXTURES / "tasks" / "fix-median" / "instruction.md").read_text()
TOOLS = [{"type": "function", "function": {"name": "bash", "parameters": {
    "type": "object", "properties": {"command": {"type": "string"}}}}}]  # fmt: skip


@pytest.fixture()
def emulator(tmp_path: Path) -> Iterator[tuple[OracleServer, Path]]:
    log = tmp_path / "emu.jsonl"
    emulate = Emulation(rpm_per_key=3, hosted=("oracle", "null"), log_path=log)
    with OracleServer(OracleSettings(load_oracle_tasks(FIXTURES), emulate=emulate)) as server:
        yield server, log


def _chat(url: str, model: str, key: str = "k1", stream: bool = False) -> httpx.Response:
    body = {"model": model, "messages": [{"role": "user", "content": INSTRUCTION}],
            "tools": TOOLS, "stream": stream}  # fmt: skip
    return httpx.post(f"{url}/v1/chat/completions", json=body,
                      headers={"Authorization": f"Bearer {key}"}, timeout=30)  # fmt: skip


def test_emulator_speaks_chat_only_and_lists_hosted_models(
    emulator: tuple[OracleServer, Path],
) -> None:
    server, log = emulator
    models = httpx.get(f"{server.url}/v1/models").json()
    assert [m["id"] for m in models["data"]] == ["oracle", "null"]
    ok = _chat(server.url, "oracle")
    assert ok.status_code == 200
    message = ok.json()["choices"][0]["message"]
    assert message["tool_calls"] and message["reasoning_content"]  # like NIM reasoning models
    streamed = _chat(server.url, "null", stream=True).text
    assert '"reasoning_content"' in streamed
    assert _chat(server.url, "vandal").status_code == 404  # not hosted, like a retired model
    for path in ("/v1/responses", "/v1/messages", "/v1/messages/count_tokens"):
        assert httpx.post(server.url + path, json={"model": "oracle"}).status_code == 404
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["status"] for e in entries if e["path"].endswith("chat/completions")] == [
        200, 200, 404
    ]  # fmt: skip


def test_emulator_limits_each_key_per_minute_with_retry_after(
    emulator: tuple[OracleServer, Path],
) -> None:
    server, log = emulator
    assert [_chat(server.url, "oracle").status_code for _ in range(3)] == [200, 200, 200]
    refused = _chat(server.url, "oracle")
    assert refused.status_code == 429
    assert 50 <= int(refused.headers["Retry-After"]) <= 60
    assert _chat(server.url, "oracle", key="k2").status_code == 200  # the budget is per key
    assert max(minute_counts(log)) == 3 + 1  # k1's three and k2's one in the same minute


def test_a_fixed_retry_after_is_named_whatever_the_minute_says() -> None:
    # An endpoint with a longer hidden window: every 429 says "come back in N s".
    emulate = Emulation(rpm_per_key=1, retry_after_s=120)
    assert emulate.admit("k", now=0.0) is None
    wait = emulate.admit("k", now=1.0)
    assert wait == pytest.approx(59.0)
    assert emulate.retry_after(wait) == "120"
    assert Emulation(rpm_per_key=1).retry_after(59.0) == "59"  # default: the minute's
    with pytest.raises(ValueError, match="retry_after_s"):
        Emulation(retry_after_s=0)


def test_a_longer_hidden_window_counts_the_budget_over_it() -> None:
    emulate = Emulation(rpm_per_key=2, window_s=300)
    assert emulate.admit("k", now=0.0) is None
    assert emulate.admit("k", now=1.0) is None
    assert emulate.admit("k", now=120.0) == pytest.approx(180.0)  # a minute is not enough
    assert emulate.admit("k", now=300.5) is None
    with pytest.raises(ValueError, match="window_s"):
        Emulation(window_s=0)


def test_oracle_serve_refuses_emulation_options_without_emulate(root: Path) -> None:
    from click.testing import CliRunner

    from runner.cli import main

    for option in (["--window", "120"], ["--retry-after", "5"], ["--no-reasoning"]):
        result = CliRunner().invoke(main, ["--root", str(root), "oracle", "serve", *option])
        assert result.exit_code == 2 and "need --emulate" in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1


def test_sliding_window_admits_again_after_a_minute() -> None:
    emulate = Emulation(rpm_per_key=2)
    assert emulate.admit("k", now=0.0) is None
    assert emulate.admit("k", now=10.0) is None
    assert emulate.admit("k", now=30.0) == pytest.approx(30.0)
    assert emulate.admit("k", now=60.5) is None
    assert emulate.admit("k", now=61.0) == pytest.approx(9.0)


def test_pacer_keeps_a_share_of_the_budget_in_any_window() -> None:
    now = [0.0]
    pacer = Pacer(5.0, clock=lambda: now[0])
    sent: list[float] = []

    async def run() -> None:
        async def fake_sleep(s: float) -> None:
            now[0] += s

        real_sleep = asyncio.sleep
        asyncio.sleep = fake_sleep  # type: ignore[assignment]
        try:
            for _ in range(12):
                await pacer.acquire()
                sent.append(now[0])
        finally:
            asyncio.sleep = real_sleep

    asyncio.run(run())
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert min(gaps) >= 60 / 5 - 1e-9  # spread out, no burst
    for i, t in enumerate(sent):
        assert sum(1 for u in sent[i:] if u < t + PACER_WINDOW_S) <= 5
    # Within 2 % of the share's pace: the floor for 12 requests at 5 per minute is 132 s.
    assert sent[-1] <= 11 * 12.0 * 1.02


def test_every_streamed_chat_request_asks_the_endpoint_for_usage() -> None:
    plain = {"model": "m", "messages": []}
    assert with_stream_usage(plain, "acompletion") is plain  # a non-stream reply has its usage
    bridged = {"model": "m", "stream": True, "input": "hi"}
    assert with_stream_usage(bridged, "aresponses") is bridged  # LiteLLM's bridge asks itself
    unasked = {"model": "m", "stream": True, "extra_body": {"top_k": 5}}
    out = with_stream_usage(unasked, "acompletion")
    assert out["extra_body"] == {"top_k": 5, "stream_options": {"include_usage": True}}
    assert out[STRIP_USAGE_FLAG] is True  # the agent did not ask: the usage chunk is not its
    assert unasked == {"model": "m", "stream": True, "extra_body": {"top_k": 5}}  # pure
    asked = {"model": "m", "stream": True, "stream_options": {"include_usage": True}}
    out = with_stream_usage(asked, "completion")
    assert out["extra_body"]["stream_options"] == {"include_usage": True}
    assert STRIP_USAGE_FLAG not in out  # it asked, so it gets the chunk
    declined = {"model": "m", "stream": True, "stream_options": {"include_usage": False}}
    assert with_stream_usage(declined, "acompletion")[STRIP_USAGE_FLAG] is True


def test_rate_shares_split_the_budget_between_shards(root: Path) -> None:
    catalog = load_models(root)
    host = next(m.id for m in catalog.models if m.serving.route.startswith("nvidia_nim/"))
    shares = rate_shares(catalog, [host, "oracle"], shards_at_once=4, environ={})
    assert shares == {host: {"endpoint": "nvidia_nim", "rpm": 10.0}}  # plain oracle: no limit
    env = {"CAB_RPM_NVIDIA_NIM": "20"}
    shares = rate_shares(catalog, [host, "oracle"], shards_at_once=4, environ=env)
    assert shares["oracle"] == {"endpoint": "nvidia_nim", "rpm": 5.0}
    assert rate_shares(catalog, [host], environ={"CAB_RPM_NVIDIA_NIM": "0"}) == {}
    with pytest.raises(ConfigError, match="CAB_RPM_NVIDIA_NIM"):
        rate_shares(catalog, [host], environ={"CAB_RPM_NVIDIA_NIM": "lots"})
    with pytest.raises(ConfigError, match="at least 1"):
        rate_shares(catalog, [host], shards_at_once=0)


def test_each_self_hosted_server_has_a_budget_of_its_own(root: Path) -> None:
    """Two self-hosted rows share the `openai/` route prefix, never a budget: each names its
    endpoint, and only that endpoint's CAB_RPM_<ENDPOINT> rations it."""
    catalog = load_models(root)
    row = next(m for m in catalog.models if m.serving.kind is ServingKind.self_hosted)
    twin = row.model_copy(
        update={
            "id": "qwen/twin",
            "serving": row.serving.model_copy(update={"endpoint": "twin_box"}),
        }
    )
    catalog = catalog.model_copy(update={"models": [*catalog.models, twin]})
    assert row.serving.route.startswith("openai/") and twin.serving.route == row.serving.route
    mine = row.serving.budget_endpoint
    assert mine not in ("openai", "twin_box")
    assert rate_shares(catalog, [row.id, twin.id], environ={"CAB_RPM_OPENAI": "7"}) == {}
    env = {f"CAB_RPM_{mine.upper()}": "12"}
    assert rate_shares(catalog, [row.id, twin.id], shards_at_once=2, environ=env) == {
        row.id: {"endpoint": mine, "rpm": 6.0}
    }
    assert row.serving.served_name == row.serving.route.split("/", 1)[1]
    spec = row.serving.model_dump(exclude={"endpoint"})
    with pytest.raises(ValidationError, match="names its own endpoint"):
        Serving.model_validate(spec)


def test_calibration_on_the_openai_route_when_the_catalog_says_so(root: Path) -> None:
    """The one `openai/` route check: a private sweep's catalog picks another provider."""
    catalog = load_models(root).model_copy(update={"calibration_provider": "openai"})
    config = build_config(catalog, oracle_url="http://127.0.0.1:1", models=["oracle"])
    assert config["model_list"][0]["litellm_params"]["model"] == "openai/oracle"


def test_probe_tells_structured_calls_from_fenced_text() -> None:
    call = {"type": "function", "function": {"name": "bash", "arguments": '{"command": "ls"}'}}
    good = {"choices": [{"message": {"content": None, "tool_calls": [call]}}]}
    assert tool_call_problem(good) is None
    fenced = {"choices": [{"message": {"content": '```json\n{"name": "bash", "arguments": '
                                       '{"command": "ls"}}\n```'}}]}  # fmt: skip
    assert "written as text" in str(tool_call_problem(fenced))
    bad_args = {"choices": [{"message": {"tool_calls": [
        {"function": {"name": "bash", "arguments": "{command: ls"}}]}}]}  # fmt: skip
    assert tool_call_problem(bad_args) == "tool call arguments are not JSON"
    other = {"choices": [{"message": {"tool_calls": [
        {"function": {"name": "rm", "arguments": "{}"}}]}}]}  # fmt: skip
    assert "not the offered tool" in str(tool_call_problem(other))


def test_probe_against_the_emulator(root: Path, emulator: tuple[OracleServer, Path]) -> None:
    server, _log = emulator
    report = probe_models(load_models(root), ["oracle", "vandal"], prompt=INSTRUCTION,
                          oracle_url=server.url)  # fmt: skip
    assert report.available == ["oracle"] and report.unavailable == ["vandal"]
    oracle, vandal = report.models
    assert oracle.listed and oracle.tool_call_ok and oracle.latency_s is not None
    assert not vandal.listed and vandal.error and "not listed" in vandal.error
