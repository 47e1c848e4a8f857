"""Agent specs, adapter rendering, and transcript parsing on outputs recorded from the real
agents (tests/fixtures/agents/<agent>/<case>/, written by scripts/record_agent_fixtures.py)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from runner.agents import AGENT_HOME, RenderError, parse_transcript, render
from runner.agents._transcript import json_records, lookup
from runner.catalog import AgentSpec, CatalogError, FailureClass, load_agents, parse_file

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "agents"
AGENTS = load_agents(ROOT)
NAMES = sorted(AGENTS)

MODEL = "qwen3-coder-30b"
URL = "http://127.0.0.1:4000"
KEY = "sk-cell-3f9a"
PROMPT = "Fix the failing test in calc.py; don't touch -- tests/ or 'setup.cfg'."

# What each agent's recorded run against a refusing endpoint must be classified as. Codex is
# caught by its own missing-key check when the variable is absent (the `missing-key` case).
EXPECTED_FAILURE = {
    ("aider", "refused"): FailureClass.connection_refused,
    ("claude-code", "refused"): FailureClass.connection_refused,
    ("cline", "refused"): FailureClass.connection_refused,
    ("codex", "refused"): FailureClass.connection_refused,
    ("codex", "missing-key"): FailureClass.auth,
    ("gemini-cli", "refused"): FailureClass.connection_refused,
    ("kilo", "refused"): FailureClass.connection_refused,
    ("mini-swe-agent", "refused"): FailureClass.connection_refused,
    ("opencode", "refused"): FailureClass.connection_refused,
    ("pi", "refused"): FailureClass.connection_refused,
    ("qwen-code", "refused"): FailureClass.connection_refused,
}


def test_the_ten_agents_are_there() -> None:
    assert len(NAMES) == 10, NAMES
    assert {"claude-code", "codex", "opencode", "gemini-cli", "qwen-code", "aider"} <= set(NAMES)
    assert {"mini-swe-agent", "cline"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_dockerfile_matches_the_spec(name: str) -> None:
    spec = AGENTS[name]
    dockerfile = (ROOT / "images" / name / "Dockerfile").read_text()
    pinned = re.search(r"^ARG AGENT_VERSION=(\S+)$", dockerfile, re.M)
    assert pinned and pinned.group(1) == spec.package.version
    base = re.search(r"^ARG AGENT_BASE=cab/(\S+):latest$", dockerfile, re.M)
    assert base and base.group(1) == spec.image_base.value
    assert spec.package.name in dockerfile
    assert re.search(r"^USER agent$", dockerfile, re.M), "agents must run as the non-root user"


def test_shared_base_starts_from_the_locked_public_image() -> None:
    lock = json.loads((ROOT / "images" / "lock.json").read_text())
    dockerfile = (ROOT / "images" / "agent-base" / "Dockerfile").read_text()
    assert f"ARG BASE_IMAGE={lock['base']['public']}\n" in dockerfile
    assert "@sha256:" in lock["base"]["public"]
    node_base = (ROOT / "images" / "node-base" / "Dockerfile").read_text()
    assert "--require-hashes --no-deps -r /opt/cab/node-requirements.txt" in node_base


@pytest.mark.parametrize("name", NAMES)
def test_dockerfile_installs_exactly_the_committed_lock(name: str) -> None:
    dockerfile = (ROOT / "images" / name / "Dockerfile").read_text()
    if AGENTS[name].package.registry.value == "npm":
        assert f"COPY {name}/package.json {name}/package-lock.json /opt/agent/" in dockerfile
        lock = json.loads((ROOT / "images" / name / "package-lock.json").read_text())["packages"]
        listed = {key.rsplit("node_modules/", 1)[1] for key in lock if key}
        gaps = {d for e in lock.values() for d in e.get("optionalDependencies", {})} - listed
        if gaps:  # `npm ci` refuses such a lock: install it as it is, fail if npm changed it
            assert "npm install --omit=dev" in dockerfile and "npm ci --" not in dockerfile
            assert "&& cmp package-lock.json /tmp/package-lock.committed" in dockerfile
        else:
            assert "npm ci --omit=dev" in dockerfile and "npm install --" not in dockerfile
    else:
        assert f"COPY {name}/requirements.txt " in dockerfile
        assert "pip install -q --require-hashes --no-deps -r " in dockerfile


@pytest.mark.parametrize("name", NAMES)
def test_render_puts_cell_values_where_the_agent_reads_them(name: str) -> None:
    spec = AGENTS[name]
    argv, env, files = render(spec, MODEL, URL + "/", KEY, "/workspace", PROMPT)
    # The prompt reaches the agent as one argv element, untouched: no shell quoting involved.
    assert argv.count(PROMPT) == 1
    # The key never appears in argv (visible in `ps`); it travels in env.
    assert all(KEY not in part for part in argv)
    assert KEY in env.values()
    assert any(MODEL in s for s in [*argv, *env.values(), *files.values()])
    where = [*env.values(), *files.values(), *argv]
    assert any(URL in s for s in where), "the proxy URL must reach the agent"
    assert not any("{base_url}" in s or "{model}" in s for s in where)
    assert not any("127.0.0.1:4000//" in s for s in where)
    for path, content in files.items():
        assert path.startswith(AGENT_HOME + "/")
        if path.endswith(".json"):
            json.loads(content)
        elif path.endswith(".toml"):
            tomllib.loads(content)


@pytest.mark.parametrize(
    "name", [n for n in NAMES if any("{model}" in c.template for c in AGENTS[n].config_files)]
)
def test_render_refuses_values_that_would_break_a_config_file(name: str) -> None:
    with pytest.raises(RenderError, match="escaping"):
        render(AGENTS[name], 'm", "evil": "x', URL, KEY, "/workspace", PROMPT)


def test_render_refuses_an_empty_prompt() -> None:
    with pytest.raises(RenderError, match="empty"):
        render(AGENTS["aider"], MODEL, URL, KEY, "/workspace", "  ")


def test_spec_without_prompt_is_rejected(tmp_path: Path) -> None:
    bad = (ROOT / "images" / "aider" / "agent.toml").read_text().replace('"{prompt}"', '"hi"')
    (tmp_path / "agent.toml").write_text(bad)
    with pytest.raises(CatalogError, match=r"must pass \{prompt\}"):
        parse_file(tmp_path / "agent.toml", AgentSpec)


def _cases() -> list[tuple[str, str]]:
    return sorted(
        (p.parent.name, p.name) for p in FIXTURES.glob("*/*") if (p / "run.json").is_file()
    )


def _load_case(name: str, case: str) -> tuple[str, str, dict[str, str], dict[str, object]]:
    d = FIXTURES / name / case
    files = {
        f"{AGENT_HOME}/{p.relative_to(d / 'files').as_posix()}": p.read_text()
        for p in sorted((d / "files").rglob("*"))
        if p.is_file()
    }
    meta = json.loads((d / "run.json").read_text())
    return (d / "stdout.txt").read_text(), (d / "stderr.txt").read_text(), files, meta


def test_every_agent_has_a_recorded_refused_run() -> None:
    assert {n for n, c in _cases() if c == "refused"} == set(NAMES)
    assert set(_cases()) == set(EXPECTED_FAILURE)


@pytest.mark.parametrize(("name", "case"), _cases())
def test_recorded_failure_is_classified(name: str, case: str) -> None:
    stdout, stderr, files, meta = _load_case(name, case)
    spec = AGENTS[name]
    assert meta["version"] == spec.package.version, "re-record fixtures after a version bump"
    report = parse_transcript(spec, stdout, files, stderr=stderr, timed_out=bool(meta["timed_out"]))
    assert report.failure is EXPECTED_FAILURE[(name, case)]
    # Nothing was answered, so an agent that reports usage must not report any tokens.
    if report.usage is not None:
        assert not report.usage.output_tokens


def test_claude_result_event_yields_usage_and_turns() -> None:
    stdout, stderr, files, _ = _load_case("claude-code", "refused")
    report = parse_transcript(AGENTS["claude-code"], stdout, files, stderr=stderr)
    assert report.usage is not None
    assert (report.usage.input_tokens, report.usage.output_tokens) == (0, 0)
    assert report.usage.cost_usd == 0
    assert report.steps == 1  # num_turns of the recorded result event


def test_failure_patterns_are_ordered_specific_first() -> None:
    spec = AGENTS["claude-code"]
    # A 429 is a server-side error too: the specific class must win.
    out = '{"type":"system","subtype":"api_retry","error_status":429,"error":"rate_limit"}'
    assert parse_transcript(spec, out).failure is FailureClass.rate_limit
    assert parse_transcript(spec, "all good").failure is None
    assert parse_transcript(spec, "all good", timed_out=True).failure is FailureClass.timeout


def test_text_usage_pattern_reads_suffixed_numbers() -> None:
    spec = AGENTS["aider"]
    out = (
        "Tokens: 2.3k sent, 150 received. Cost: $0.01 message, $0.01 session.\n"
        "Tokens: 4,100 sent, 1.1k cache hit, 20 received. Cost: $0.02 message, $0.03 session.\n"
    )
    report = parse_transcript(spec, out)
    assert report.usage is not None
    assert report.usage.input_tokens == 2300 + 4100
    assert report.usage.cached_tokens == 1100
    assert report.usage.output_tokens == 170
    assert report.steps == 2


def test_json_paths_sum_over_wildcards_and_skip_noise() -> None:
    records = json_records('log line\n{"a": {"x": {"n": 2}, "y": {"n": 3}}}\n{broken\n', "jsonl")
    assert len(records) == 1
    assert lookup(records[0], "a.*.n") == 5
    assert lookup(records[0], "a.x.missing") is None
    assert lookup({"l": [{"n": 1}, {"n": True}]}, "l.*.n") == 1  # booleans are not counts


@pytest.mark.parametrize(
    ("name", "steps"),
    [("claude-code", 1), ("cline", 1), ("pi", None)],
)
def test_recorded_usage_is_read_and_zero(name: str, steps: int | None) -> None:
    """Agents that report usage even when no request got through report zero tokens."""
    stdout, stderr, files, _ = _load_case(name, "refused")
    report = parse_transcript(AGENTS[name], stdout, files, stderr=stderr)
    assert report.usage is not None, f"{name}: usage not found in its recorded output"
    assert report.usage.input_tokens == 0
    assert report.usage.output_tokens == 0
    if steps is not None:
        assert report.steps == steps


def test_mini_trajectory_counts_calls_and_cost() -> None:
    stdout, stderr, files, _ = _load_case("mini-swe-agent", "refused")
    assert list(files) == [f"{AGENT_HOME}/mini.traj.json"]
    report = parse_transcript(AGENTS["mini-swe-agent"], stdout, files, stderr=stderr)
    # No response ever arrived: no per-message usage, a zero cost, and the call counter as saved.
    traj = json.loads(files[f"{AGENT_HOME}/mini.traj.json"])
    assert report.usage is not None and report.usage.input_tokens is None
    assert report.usage.cost_usd == traj["info"]["model_stats"]["instance_cost"] == 0
    assert report.steps == traj["info"]["model_stats"]["api_calls"]
