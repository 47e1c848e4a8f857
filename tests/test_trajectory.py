"""ATIF trajectories read from each agent's own output (runner/agents/_trajectory.py).

The fixtures under tests/fixtures/trajectories/<agent>/ are real oracle cells (`cab cell run
--model oracle --task py-semver-prerelease`): the agent's stdout, the transcript files its
trajectory rule reads, and the receipt's metered usage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

from runner.agents import (
    MAX_OUTPUT_CHARS,
    Trajectory,
    agent_log_stdout,
    build_trajectory,
    trajectory_json,
)
from runner.catalog import AgentSpec, load_catalog
from runner.receipts import Usage
from tests.conftest import ROOT
from tests.receipt_factory import ARTIFACT_TEXT, ReceiptFactory

FIXTURES = ROOT / "tests" / "fixtures" / "trajectories"
CATALOG = load_catalog(ROOT)
SCHEMA = json.loads((ROOT / "schemas" / "trajectory.schema.json").read_text())
# What the oracle did on py-semver-prerelease through each agent: one shell call that applies
# the patch, then a closing message; mini-swe-agent also runs its submit command, and Aider has
# no tools (the oracle answers in its edit format).
ORACLE_TOOL_CALLS = {a: 1 for a in CATALOG.agents} | {"aider": 0, "mini-swe-agent": 2}


def _fixture(agent: str) -> tuple[dict[str, Any], str, dict[str, str]]:
    d = FIXTURES / agent
    meta = json.loads((d / "cell.json").read_text())
    return meta, (d / "stdout.txt").read_text(), json.loads((d / "files.json").read_text())


def _trajectory(agent: str) -> Trajectory:
    meta, stdout, files = _fixture(agent)
    prompt = (ROOT / "tasks" / meta["task"] / "instruction.md").read_text()
    t = build_trajectory(
        CATALOG.agents[agent], version=meta["version"], model=meta["model"], prompt=prompt,
        stdout=stdout, files=files, totals=Usage(**meta["usage"]), session_id="s",
    )  # fmt: skip
    assert t is not None
    return t


def test_every_agent_has_a_recorded_oracle_cell_and_a_trajectory_note() -> None:
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted(CATALOG.agents)
    for name, spec in CATALOG.agents.items():
        assert spec.transcript.trajectory is not None, name
        assert "trajectory" in spec.notes, f"{name}: say which ATIF fields its transcript lacks"


@pytest.mark.parametrize("agent", sorted(CATALOG.agents))
def test_oracle_trajectory_validates_and_counts_the_oracles_tool_calls(agent: str) -> None:
    t = _trajectory(agent)
    doc = json.loads(t.to_json())
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert len(t.tool_calls) == ORACLE_TOOL_CALLS[agent]
    # The oracle's two replies (patch, then "Done") are two agent steps after the instruction.
    assert [s.source for s in t.steps] == ["user", "agent", "agent"]
    assert "Done: applied the fix" in t.steps[-1].message or agent == "aider"
    assert t.steps[0].message.startswith("# Release candidates sort in the wrong order")
    # Every call got its observation back, attributed by id.
    for step in t.steps:
        ids = [c.tool_call_id for c in step.tool_calls or ()]
        results = step.observation.results if step.observation else []
        answered = [r.source_call_id for r in results]
        assert answered == ids
    meta, _, _ = _fixture(agent)
    fm = t.final_metrics
    assert fm is not None and fm.total_steps == 3
    assert (fm.total_prompt_tokens, fm.total_completion_tokens, fm.total_cached_tokens) == (
        meta["usage"]["input_tokens"], meta["usage"]["output_tokens"],
        meta["usage"]["cached_tokens"],
    )  # fmt: skip
    assert fm.extra == {"requests": meta["usage"]["requests"], "failed_requests": 0}


def _no_nulls(value: Any) -> bool:
    if isinstance(value, dict):
        return all(v is not None and _no_nulls(v) for v in value.values())
    if isinstance(value, list):
        return all(_no_nulls(v) for v in value)
    return True


@pytest.mark.parametrize("agent", sorted(CATALOG.agents))
def test_fields_the_transcript_lacks_are_left_out_not_nulled(agent: str) -> None:
    doc = json.loads(_trajectory(agent).to_json())
    assert _no_nulls(doc)


def test_per_step_metrics_follow_atif_prompt_includes_cached() -> None:
    # OpenCode counts input without cache reads; ATIF's prompt_tokens includes them.
    t = _trajectory("opencode")
    m = t.steps[2].metrics
    assert m is not None and m.cached_tokens and m.prompt_tokens
    assert m.prompt_tokens >= m.cached_tokens
    # Claude Code prints zero placeholders per message: no metrics rather than false zeros.
    assert all(s.metrics is None for s in _trajectory("claude-code").steps)


def _spec_with(events: list[dict[str, Any]], **rule: Any) -> AgentSpec:
    base = CATALOG.agents["codex"].model_dump(mode="json")
    base["transcript"]["trajectory"] = {"events": events, **rule}
    return AgentSpec.model_validate(base)


def _build(spec: AgentSpec, lines: list[dict[str, Any]]) -> Trajectory:
    stdout = "\n".join(json.dumps(x) for x in lines)
    t = build_trajectory(
        spec, version="1", model="m", prompt="do it", stdout=stdout, files={}, totals=None
    )
    assert t is not None
    return t


EVENTS = [
    {"match": {"t": "turn"}, "event": "turn"},
    {"match": {"t": "say"}, "event": "text", "text": "text", "delta": True, "timestamp": "ms"},
    {"match": {"t": "call"}, "event": "call", "call_id": "id", "name": "tool",
     "arguments": "args"},
    {"match": {"t": "res"}, "event": "result", "call_id": "id", "output": "out"},
    {"match": {"t": "use"}, "event": "metrics", "prompt_tokens": "in", "completion_tokens": "out",
     "cached_tokens": "hit", "cached_in_prompt": False},
]  # fmt: skip


def test_events_assemble_into_turns() -> None:
    t = _build(
        _spec_with(EVENTS),
        [
            {"t": "say", "text": "Look", "ms": 1796170858346},
            {"t": "say", "text": "ing."},
            {"t": "call", "id": "c1", "tool": "sh", "args": '{"cmd": "ls"}'},
            {"t": "res", "id": "c1", "out": [{"type": "text", "text": "a.py"}]},
            {"t": "use", "in": 10, "out": 5, "hit": 90},  # the turn's tokens, after its result
            {"t": "say", "text": "Then"},  # after a result: the next turn
            {"t": "call", "id": "c2", "tool": "sh", "args": "not json"},
            {"t": "turn"},
            {"t": "use", "in": 0, "out": 0},  # a zero placeholder: no metrics
            {"t": "say", "text": "Done"},
            {"t": "res", "id": "c2", "out": "late"},  # a late result still finds its call
            {"t": "res", "id": "nope", "out": "orphan"},
        ],
    )
    agent = t.steps[1:]
    assert [s.message for s in agent] == ["Looking.", "Then", "Done"]
    assert agent[0].timestamp == "2026-12-02T00:20:58.346Z"
    assert agent[0].tool_calls is not None and agent[0].tool_calls[0].arguments == {"cmd": "ls"}
    assert agent[0].observation is not None
    assert agent[0].observation.results[0].content == "a.py"
    assert agent[0].metrics is not None and agent[0].metrics.prompt_tokens == 100
    assert agent[1].tool_calls is not None
    assert agent[1].tool_calls[0].arguments == {"input": "not json"}
    assert agent[1].observation is not None
    assert agent[1].observation.results[0].content == "late"
    assert agent[2].metrics is None
    assert agent[2].observation is not None
    assert agent[2].observation.results[0].source_call_id is None  # never attributed by guess


def test_items_keep_the_order_the_agent_wrote_them() -> None:
    spec = _spec_with(
        [
            {"event": "turn", "items": "m.*", "item_match": {"role": "a"}},
            {"event": "text", "items": "m.*", "item_match": {"role": "a"}, "text": "c"},
            {"event": "call", "items": "m.*.calls.*", "call_id": "id", "name": "n"},
        ]
    )
    t = _build(spec, [{"m": [{"role": "a", "c": "one", "calls": [{"id": "x", "n": "sh"}]},
                             {"role": "a", "c": "two"}]}])  # fmt: skip
    assert [(s.message, len(s.tool_calls or ())) for s in t.steps[1:]] == [("one", 1), ("two", 0)]


def test_long_tool_output_is_clipped_and_says_so() -> None:
    t = _build(
        _spec_with(EVENTS),
        [{"t": "call", "id": "c", "tool": "cat"}, {"t": "res", "id": "c", "out": "x" * 50_000}],
    )
    obs = t.steps[1].observation
    assert obs is not None and obs.results[0].content is not None
    assert len(obs.results[0].content) < MAX_OUTPUT_CHARS + 100
    assert obs.results[0].content.endswith("more characters not kept]")


def test_a_spec_without_a_reader_gives_no_trajectory() -> None:
    base = CATALOG.agents["codex"].model_dump(mode="json")
    base["transcript"]["trajectory"] = None
    spec = AgentSpec.model_validate(base)
    assert build_trajectory(spec, version="1", model="m", prompt="p", stdout="", files={},
                            totals=None) is None  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ({"events": []}, "at least one event rule"),
        ({"events": [{"event": "result", "output": "o", "item_match": {"a": "b"}}]}, "items"),
        ({"events": [{"event": "text"}]}, "needs text"),
    ],
)
def test_bad_trajectory_rules_are_catalog_errors(rule: dict[str, Any], why: str) -> None:
    base = CATALOG.agents["codex"].model_dump(mode="json")
    base["transcript"]["trajectory"] = rule
    with pytest.raises(ValidationError, match=why):
        AgentSpec.model_validate(base)


def test_the_models_refuse_what_atif_forbids() -> None:
    step = {"step_id": 1, "source": "agent", "message": ""}
    agent = {"name": "a", "version": "1"}
    with pytest.raises(ValidationError, match="steps count from 1"):
        Trajectory.model_validate({"agent": agent, "steps": [{**step, "step_id": 2}]})
    with pytest.raises(ValidationError, match="only agent steps"):
        Trajectory.model_validate(
            {"agent": agent, "steps": [{**step, "source": "user", "metrics": {"prompt_tokens": 1}}]}
        )
    bad_ref = {**step, "observation": {"results": [{"source_call_id": "x", "content": ""}]}}
    with pytest.raises(ValidationError, match="not a tool call of this step"):
        Trajectory.model_validate({"agent": agent, "steps": [bad_ref]})
    schema = jsonschema.Draft202012Validator(SCHEMA)
    assert not schema.is_valid({"schema_version": "ATIF-v1.6", "agent": agent, "steps": [step]})
    assert not schema.is_valid({"agent": agent, "steps": [{**step, "surprise": 1}]})


def test_the_artifact_is_redacted_and_digested(tmp_path: Path) -> None:
    meta, stdout, files = _fixture("claude-code")
    secret = "call_931c23fae0d1edf1ab8f082c"  # stands in for a key the agent echoed
    from runner.cell._receipt import redact

    raw = trajectory_json(
        CATALOG.agents["claude-code"], version="1", model="oracle", prompt="p",
        stdout=stdout, files=files, usage=Usage(**meta["usage"]), session_id="s",
    )  # fmt: skip
    assert raw is not None and secret.encode() in raw
    data = redact(raw, [secret])  # as the cell redacts every artifact before it is written
    assert secret.encode() not in data and b"[REDACTED]" in data
    Trajectory.model_validate_json(data)


def test_agent_log_stdout_reads_the_cells_log() -> None:
    log = "$ exit=0 timed_out=False duration=1.00s\n--- stdout ---\n{}\nline\n--- stderr ---\nerr"
    assert agent_log_stdout(log) == "{}\nline"
    assert agent_log_stdout("garbage") == ""


def test_the_verifier_checks_the_trajectorys_digest(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from runner.receipts import Ed25519Signer, sign_receipt, verify_receipts
    from tests.receipt_factory import ARTIFACT_TEXT, ReceiptFactory, trust_line, trust_store

    traj = _trajectory("codex").to_json().encode()
    factory = ReceiptFactory(tmp_path / "c", {**ARTIFACT_TEXT, "trajectory.json": traj})
    doc = factory.predicate(runner_id="alice")
    doc["artifacts"]["trajectory"] = factory.artifact("trajectory.json")
    (tmp_path / "c" / "receipt.json").write_text(json.dumps(doc))
    key = Ed25519PrivateKey.generate()
    sign_receipt(tmp_path / "c" / "receipt.json", Ed25519Signer(key))
    store = trust_store(trust_line(key))
    schema = ROOT / "schemas" / "receipt.schema.json"
    (ok,) = verify_receipts([tmp_path / "c"], store, schema_path=schema)
    assert ok.ok, ok.reason
    (tmp_path / "c" / "trajectory.json").write_bytes(traj.replace(b"Done", b"Gone"))
    (bad,) = verify_receipts([tmp_path / "c"], store, schema_path=schema)
    assert not bad.ok and "trajectory.json" in (bad.reason or "")


def _receipt_dir(tmp_path: Path, agent: str = "gemini-cli") -> Path:
    """A cell folder as `cab cell run` writes it (unsigned: the CLI reads, it does not verify)."""
    meta, stdout, files = _fixture(agent)
    factory = ReceiptFactory(tmp_path / "cell", {**ARTIFACT_TEXT,
        "agent.log": f"$ exit=0\n--- stdout ---\n{stdout}\n--- stderr ---\n".encode(),
        "transcript.json": json.dumps(files).encode()})  # fmt: skip
    doc = factory.predicate(runner_id="alice", agent=agent, task=meta["task"])
    doc["artifacts"]["transcript"] = factory.artifact("transcript.json")
    (tmp_path / "cell" / "receipt.json").write_text(json.dumps(doc))
    return tmp_path / "cell"


def test_cli_show_and_export_rebuild_an_old_receipt_and_read_a_new_one(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from runner.cli import main

    folder = _receipt_dir(tmp_path)
    run = CliRunner().invoke(main, ["--root", str(ROOT), "trajectory", "show", str(folder)])
    assert run.exit_code == 0, run.output
    assert "#2 agent" in run.output and "-> run_shell_command(" in run.output
    assert "rebuilt from agent.log" in run.output  # said, on stderr (mixed in by CliRunner)
    out = tmp_path / "t.json"
    args = ["--root", str(ROOT), "trajectory", "export", str(folder), "--format", "atif", "-o"]
    assert CliRunner().invoke(main, [*args, str(out)]).exit_code == 0
    doc = json.loads(out.read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    # Once the receipt carries the artifact, that file is what is read, digest-checked.
    receipt = json.loads((folder / "receipt.json").read_text())
    (folder / "trajectory.json").write_bytes(out.read_bytes())
    receipt["artifacts"]["trajectory"] = ReceiptFactory(
        folder, {"trajectory.json": out.read_bytes()}
    ).artifact("trajectory.json")
    (folder / "receipt.json").write_text(json.dumps(receipt))
    run = CliRunner().invoke(main, ["trajectory", "show", str(folder)])
    assert run.exit_code == 0 and "rebuilt" not in run.output
    (folder / "trajectory.json").write_text(out.read_text().replace("Done", "Gone"))
    run = CliRunner().invoke(main, ["trajectory", "show", str(folder)])
    assert run.exit_code == 2 and "altered since signing" in run.output


def test_cli_refuses_a_folder_without_a_receipt(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from runner.cli import main

    run = CliRunner().invoke(main, ["trajectory", "show", str(tmp_path)])
    assert run.exit_code == 2 and "receipt.json: cannot be read" in run.output


def test_show_never_sends_the_agents_control_characters_to_the_terminal() -> None:
    from runner.agents import AtifAgent, AtifStep
    from runner.cli._trajectory import format_steps

    t = Trajectory(
        agent=AtifAgent(name="a", version="1"),
        steps=[AtifStep(step_id=1, source="agent", message="ok\x1b]0;pwned\x07\x1b[2J\rhidden")],
    )
    text = format_steps(t, full=True)
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text
    assert "\\x1b]0;pwned\\x07" in text and "\\x0dhidden" in text


AGENT_FIXTURES = ROOT / "tests" / "fixtures" / "agents"


@pytest.mark.parametrize(
    "case", sorted(p for p in AGENT_FIXTURES.glob("*/*") if (p / "run.json").is_file())
)
def test_failed_runs_give_valid_trajectories_too(case: Path) -> None:
    """The recorded refused / misconfigured runs (no model reachable): a valid trajectory of the
    instruction and whatever the agent said, with no tool call it did not make."""
    files = {
        "/home/agent/" + p.relative_to(case / "files").as_posix(): p.read_text(errors="replace")
        for p in sorted((case / "files").rglob("*"))
        if p.is_file()
    }
    t = build_trajectory(
        CATALOG.agents[case.parent.name], version="1", model="bench-model", prompt="hello",
        stdout=(case / "stdout.txt").read_text(errors="replace"), files=files, totals=None,
    )  # fmt: skip
    assert t is not None
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(t.to_json()))
    assert t.tool_calls == []
