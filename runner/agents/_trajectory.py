"""An attempt's ATIF trajectory, read from the agent's own output as its agent.toml declares.

Records become events (text, reasoning, tool call, tool result, metrics, turn) by the spec's
event rules; events become steps by one rule: a model turn is one agent step, and agent output
after a tool result, or after a turn marker, is the next turn (a model cannot answer a result
inside the inference that asked for it). Nothing is filled in that the output does not say: the
totals come from the proxy's metering, which the caller passes as `totals`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from runner.agents._atif import (
    AtifAgent,
    AtifFinalMetrics,
    AtifMetrics,
    AtifObservation,
    AtifObservationResult,
    AtifStep,
    AtifToolCall,
    Trajectory,
)
from runner.agents._transcript import _matches as matches
from runner.agents._transcript import _records as records
from runner.agents._transcript import _walk as walk
from runner.catalog import AgentSpec, EventRule, TrajectoryEvent, TrajectoryRule
from runner.receipts import Receipt, Usage

# Tool output kept per observation: enough to see what happened, bounded so that one agent that
# cats a large file does not make its attempt page heavy.
MAX_OUTPUT_CHARS = 20_000


@dataclass(frozen=True)
class Event:
    kind: TrajectoryEvent
    text: str | None = None
    call_id: str | None = None
    name: str | None = None
    arguments: dict[str, Any] | None = None
    output: str | None = None
    metrics: AtifMetrics | None = None
    timestamp: str | None = None
    turn_id: str | None = None
    delta: bool = False


def _first(value: Any, path: str | None) -> Any:
    if path is None:
        return None
    return next(iter(walk(value, path.split("."))), None)


def as_text(value: Any) -> str | None:
    """A message or output as text: strings as they are, content-part lists by their text parts
    (or as JSON when they have none), other values as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        texts = [p.get("text") for p in value if isinstance(p, dict)]
        if texts and all(isinstance(t, str) for t in texts):
            return "\n".join(t for t in texts if isinstance(t, str))
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _arguments(value: Any, key: str) -> dict[str, Any]:
    """ATIF arguments are an object: JSON text is decoded, anything else is kept under `key`."""
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except json.JSONDecodeError:
            return {key: value}
        value = decoded if isinstance(decoded, dict) else value
    if isinstance(value, dict):
        return value
    return {} if value is None else {key: value}


def _count(value: Any) -> int | None:
    return round(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _metrics(rule: EventRule, source: Any) -> AtifMetrics | None:
    prompt = _count(_first(source, rule.prompt_tokens))
    completion = _count(_first(source, rule.completion_tokens))
    cached = _count(_first(source, rule.cached_tokens))
    cost = _first(source, rule.cost_usd)
    cost = float(cost) if _count(cost) is not None else None
    if not rule.cached_in_prompt and prompt is not None:
        prompt += cached or 0
    values = [v for v in (prompt, completion, cached, cost) if v is not None]
    # A record of zeros is a placeholder (streamed before the counts were known), not a count.
    if not values or not any(values):
        return None
    return AtifMetrics(
        prompt_tokens=prompt, completion_tokens=completion, cached_tokens=cached, cost_usd=cost
    )


def _timestamp(value: Any) -> str | None:
    """ATIF timestamps are ISO 8601; some agents record epoch milliseconds or seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            # Epoch milliseconds, or seconds for values too small to be milliseconds of this era.
            when = datetime.fromtimestamp(value / 1000 if value > 1e11 else value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return value if isinstance(value, str) and value else None


def _event(rule: EventRule, record: Any, item: Any) -> Event | None:
    call_id = _first(item, rule.call_id)
    stamp = _timestamp(_first(record, rule.timestamp))
    turn = _first(record, rule.turn_id)
    ev = Event(
        kind=rule.event,
        text=as_text(_first(item, rule.text)),
        call_id=None if call_id is None else str(call_id),
        name=as_text(_first(item, rule.name)),
        arguments=(
            _arguments(_first(item, rule.arguments), rule.argument_key) if rule.arguments else None
        ),
        output=as_text(_first(item, rule.output)),
        metrics=_metrics(rule, item) if rule.event is TrajectoryEvent.metrics else None,
        timestamp=stamp,
        turn_id=None if turn is None else str(turn),
        delta=rule.delta,
    )
    if ev.kind in (TrajectoryEvent.text, TrajectoryEvent.reasoning) and not ev.text:
        return None
    if ev.kind is TrajectoryEvent.metrics and ev.metrics is None:
        return None
    return ev


def _items(value: Any, parts: list[str], at: tuple[int, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """(position, item) for each item at a dotted path; a `*` step adds the item's index to its
    position, so that items of one record sort in the order the agent wrote them."""
    if not parts:
        yield at, value
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        children = list(value.values()) if isinstance(value, dict) else value
        if isinstance(children, list):
            for i, child in enumerate(children):
                yield from _items(child, rest, (*at, i))
    elif isinstance(value, dict) and head in value:
        yield from _items(value[head], rest, at)


def _record_events(rule: TrajectoryRule, record: Any) -> list[Event]:
    found: list[tuple[tuple[int, ...], int, Event]] = []
    for n, er in enumerate(rule.events):
        if not matches(record, er.match):
            continue
        items = [((), record)] if er.items is None else _items(record, er.items.split("."))
        for at, item in items:
            if er.item_match and not matches(item, er.item_match):
                continue
            ev = _event(er, record, item)
            if ev is not None:
                found.append((at, n, ev))
    found.sort(key=lambda f: (f[0], f[1]))
    return [ev for _, _, ev in found]


def events(rule: TrajectoryRule, recs: list[Any]) -> Iterator[Event]:
    """Every event of the records, in record order; within a record, in the order of the items
    it lists (a message before the tool calls it holds), then in rule order."""
    for record in recs:
        yield from _record_events(rule, record)


@dataclass
class _Turn:
    timestamp: str | None = None
    turn_id: str | None = None
    texts: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    calls: list[AtifToolCall] = field(default_factory=list)
    results: list[AtifObservationResult] = field(default_factory=list)
    metrics: AtifMetrics | None = None

    def add_text(self, into: list[str], text: str, delta: bool) -> None:
        if delta and into:
            into[-1] += text
        else:
            into.append(text)


def _clip(text: str | None) -> str | None:
    if text is None or len(text) <= MAX_OUTPUT_CHARS:
        return text
    cut = len(text) - MAX_OUTPUT_CHARS
    return text[:MAX_OUTPUT_CHARS] + f"\n[... {cut} more characters not kept]"


class _Assembler:
    def __init__(self) -> None:
        self.turns: list[_Turn] = []
        self.current: _Turn | None = None
        self.owner: dict[str, _Turn] = {}

    def _open(self, ev: Event) -> _Turn:
        cur = self.current
        other_id = cur is not None and cur.turn_id not in (None, ev.turn_id)
        new_turn = ev.turn_id is not None and other_id
        answered = cur is not None and bool(cur.results) and ev.kind is not TrajectoryEvent.metrics
        if cur is None or new_turn or answered:
            cur = self.current = _Turn(timestamp=ev.timestamp, turn_id=ev.turn_id)
            self.turns.append(cur)
        return cur

    def feed(self, ev: Event) -> None:
        if ev.kind is TrajectoryEvent.turn:
            self.current = None
        elif ev.kind is TrajectoryEvent.result:
            self._result(ev)
        else:
            turn = self._open(ev)
            if ev.kind is TrajectoryEvent.text and ev.text:
                turn.add_text(turn.texts, ev.text, ev.delta)
            elif ev.kind is TrajectoryEvent.reasoning and ev.text:
                turn.add_text(turn.reasoning, ev.text, ev.delta)
            elif ev.kind is TrajectoryEvent.metrics:
                turn.metrics = ev.metrics
            elif ev.kind is TrajectoryEvent.call:
                self._call(turn, ev)

    def _call(self, turn: _Turn, ev: Event) -> None:
        call_id = ev.call_id or f"call-{sum(len(t.calls) for t in self.turns) + 1}"
        if call_id in self.owner:  # the same call reported twice (start and end records)
            return
        turn.calls.append(
            AtifToolCall(
                tool_call_id=call_id, function_name=ev.name or "tool", arguments=ev.arguments or {}
            )
        )
        self.owner[call_id] = turn
        if ev.output is not None:
            turn.results.append(
                AtifObservationResult(source_call_id=call_id, content=_clip(ev.output))
            )

    def _result(self, ev: Event) -> None:
        turn = self.owner.get(ev.call_id or "")
        if turn is None:  # a result for no call we saw: kept, unattributed, on the last turn
            turn = self.current or (self.turns[-1] if self.turns else None)
            if turn is None:
                return
            turn.results.append(AtifObservationResult(content=_clip(ev.output)))
            return
        if any(r.source_call_id == ev.call_id for r in turn.results):
            return
        turn.results.append(
            AtifObservationResult(source_call_id=ev.call_id, content=_clip(ev.output))
        )


def _steps(turns: list[_Turn], first_id: int, model: str | None) -> list[AtifStep]:
    out = []
    for i, t in enumerate(turns, start=first_id):
        out.append(
            AtifStep(
                step_id=i,
                timestamp=t.timestamp,
                source="agent",
                model_name=model,
                message="\n".join(t.texts),
                reasoning_content="\n".join(t.reasoning) if t.reasoning else None,
                tool_calls=t.calls or None,
                observation=AtifObservation(results=t.results) if t.results else None,
                metrics=t.metrics,
            )
        )
    return out


_AIDER_BLOCK = re.compile(r"^(TO LLM|LLM RESPONSE) (\S+)\n", re.MULTILINE)


def aider_turns(log: str) -> list[_Turn]:
    """Aider's --llm-history-file: one `LLM RESPONSE <time>` block per model reply, its lines
    prefixed `ASSISTANT `. Aider has no tool calls: its edits are in the reply's text."""
    marks = list(_AIDER_BLOCK.finditer(log))
    turns = []
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        if m.group(1) != "LLM RESPONSE":
            continue
        body = log[m.end() : nxt.start() if nxt else len(log)]
        lines = [ln.removeprefix("ASSISTANT").removeprefix(" ") for ln in body.splitlines()]
        text = "\n".join(lines).strip("\n-")
        turns.append(_Turn(timestamp=m.group(2), texts=[text] if text else []))
    return turns


def _agent_turns(
    spec: AgentSpec, rule: TrajectoryRule, stdout: str, files: Mapping[str, str]
) -> list[_Turn]:
    if rule.format == "aider-llm-log":
        text = "\n".join(files[p] for p in sorted(files) if p.endswith(".llm.log"))
        return aider_turns(text)
    asm = _Assembler()
    for ev in events(rule, records(spec, rule.source, stdout, files)):
        asm.feed(ev)
    return asm.turns


def build_trajectory(
    spec: AgentSpec,
    *,
    version: str,
    model: str,
    prompt: str,
    stdout: str,
    files: Mapping[str, str],
    totals: Usage | None,
    session_id: str | None = None,
) -> Trajectory | None:
    """The ATIF trajectory of one attempt, or None when the agent's spec declares no reader.

    The first step is the instruction as the harness gave it (source user); the agent steps
    follow in the order the agent recorded them."""
    rule = spec.transcript.trajectory
    if rule is None:
        return None
    turns = _agent_turns(spec, rule, stdout, files)
    steps = [AtifStep(step_id=1, source="user", message=prompt), *_steps(turns, 2, model)]
    final = None
    if totals is not None:
        final = AtifFinalMetrics(
            total_prompt_tokens=totals.input_tokens,
            total_completion_tokens=totals.output_tokens,
            total_cached_tokens=totals.cached_tokens,
            total_cost_usd=totals.cost_usd,
            total_steps=len(steps),
            extra={"requests": totals.requests, "failed_requests": totals.failed_requests},
        )
    notes = spec.notes.get("trajectory")
    return Trajectory(
        session_id=session_id,
        agent=AtifAgent(name=spec.name, version=version, model_name=model),
        steps=steps,
        notes=notes,
        final_metrics=final,
    )


TRAJECTORY_FILE = "trajectory.json"
_STDOUT = re.compile(r"\n--- stdout ---\n(.*)\n--- stderr ---\n", re.DOTALL)


def agent_log_stdout(log: str) -> str:
    """The agent's stdout as the cell's agent.log artifact keeps it (its last 8 MiB)."""
    m = _STDOUT.search(log)
    return m.group(1) if m else ""


def trajectory_json(
    spec: AgentSpec,
    *,
    version: str,
    model: str,
    prompt: str,
    stdout: str,
    files: Mapping[str, str],
    usage: Usage,
    session_id: str,
) -> bytes | None:
    """The attempt's ATIF trajectory as stored (trajectory.json); None when the agent's spec
    declares no trajectory reader."""
    trajectory = build_trajectory(
        spec,
        version=version,
        model=model,
        prompt=prompt,
        stdout=stdout,
        files=files,
        totals=usage,
        session_id=session_id,
    )
    return None if trajectory is None else trajectory.to_json().encode()


class TrajectoryError(Exception):
    """A receipt's trajectory cannot be read: missing, altered since signing, or not ATIF."""


def load_trajectory(folder: Path, receipt: Receipt) -> Trajectory | None:
    """The trajectory artifact beside a receipt, checked against the digest the receipt records;
    None when the receipt has none (an agent without a reader, or a receipt older than them)."""
    art = receipt.artifacts.trajectory
    if art is None:
        return None
    path = folder / art.path
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TrajectoryError(f"{path}: cannot be read ({exc.strerror})") from None
    if "sha256:" + hashlib.sha256(data).hexdigest() != art.digest:
        raise TrajectoryError(f"{path}: digest differs from the receipt's (altered since signing)")
    try:
        return Trajectory.model_validate_json(data)
    except ValueError as exc:
        first = str(exc).splitlines()[0]
        raise TrajectoryError(f"{path}: not an ATIF trajectory ({first})") from None


def rebuild_trajectory(
    folder: Path, receipt: Receipt, spec: AgentSpec, prompt: str
) -> Trajectory | None:
    """The trajectory read again from a receipt's agent.log and transcript.json artifacts, for
    receipts written before cells stored one (the agent.log keeps the last 8 MiB of stdout)."""
    log = (folder / receipt.artifacts.agent_log.path).read_text(encoding="utf-8", errors="replace")
    files: dict[str, str] = {}
    if receipt.artifacts.transcript is not None:
        files = json.loads((folder / receipt.artifacts.transcript.path).read_text(encoding="utf-8"))
    return build_trajectory(
        spec,
        version=receipt.agent.version,
        model=receipt.cell.model,
        prompt=prompt,
        stdout=agent_log_stdout(log),
        files=files,
        totals=receipt.usage,
        session_id=receipt.cell.key,
    )
