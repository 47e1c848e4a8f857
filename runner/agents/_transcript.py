"""Read an agent's own output: the usage it reports, how many steps it took, and why it failed.

The proxy's metering is the source of truth for tokens; the agent's figure is a cross-check.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from runner.agents._render import AGENT_HOME
from runner.catalog import AgentSpec, FailureClass, RecordSource, StepRule, UsageRule

USAGE_FIELDS = ("input_tokens", "output_tokens", "cached_tokens", "cost_usd")
# Aider prints "1.2k" tokens; a plain regex group cannot say that.
NUMBER = re.compile(r"^\$?([0-9][0-9,]*(?:\.[0-9]+)?)\s*([kKmM]?)$")


@dataclass(frozen=True)
class AgentUsage:
    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_tokens: int | None = None
    cost_usd: float | None = None

    @property
    def total_tokens(self) -> int | None:
        if self.input_tokens is None and self.output_tokens is None:
            return None
        return (self.input_tokens or 0) + (self.output_tokens or 0)


@dataclass(frozen=True)
class AgentReport:
    usage: AgentUsage | None  # None: the agent reported nothing we can read
    steps: int | None
    failure: FailureClass | None


def _parse_number(text: str) -> float | None:
    m = NUMBER.match(text.strip())
    if not m:
        return None
    value = float(m.group(1).replace(",", ""))
    return value * {"": 1, "k": 1e3, "m": 1e6}[m.group(2).lower()]


def json_records(text: str, fmt: str) -> list[Any]:
    """JSON values in an output: one per line for jsonl (non-JSON lines skipped: agents mix
    logs into stdout), the items of a top-level array, or the single document."""
    if fmt == "jsonl":
        out = []
        for line in text.splitlines():
            line = line.strip()
            if line.startswith(("{", "[")):
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return out
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        return []
    return doc if isinstance(doc, list) else [doc]


def _walk(value: Any, parts: list[str]) -> Iterator[Any]:
    if not parts:
        yield value
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        children: Iterable[Any] = (
            value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        )
        for child in children:
            yield from _walk(child, rest)
    elif isinstance(value, dict) and head in value:
        yield from _walk(value[head], rest)
    elif isinstance(value, list) and head.isdigit() and int(head) < len(value):
        yield from _walk(value[int(head)], rest)


def lookup(record: Any, path: str) -> float | None:
    """The number at a dotted path; `*` sums over every key or item. None when absent."""
    found = [v for v in _walk(record, path.split(".")) if isinstance(v, int | float)]
    found = [v for v in found if not isinstance(v, bool)]
    return float(sum(found)) if found else None


def _matches(record: Any, match: Mapping[str, str]) -> bool:
    for path, want in match.items():
        values = list(_walk(record, path.split(".")))
        if not any(
            str(v).lower() == want.lower() if isinstance(v, bool) else str(v) == want
            for v in values
        ):
            return False
    return True


def _records(
    spec: AgentSpec, source: RecordSource, stdout: str, files: Mapping[str, str]
) -> list[Any]:
    if source is RecordSource.stdout:
        return json_records(stdout, spec.transcript.stdout_format)
    out: list[Any] = []
    for path in sorted(files):
        fmt = "jsonl" if path.endswith(".jsonl") else "json"
        out += json_records(files[path], fmt)
    return out


def _text(source: RecordSource, stdout: str, files: Mapping[str, str]) -> str:
    if source is RecordSource.stdout:
        return stdout
    return "\n".join(files[p] for p in sorted(files))


def _usage(
    spec: AgentSpec, rule: UsageRule, stdout: str, files: Mapping[str, str]
) -> AgentUsage | None:
    rows: list[dict[str, float | None]] = []
    if rule.pattern is not None:
        for m in re.finditer(rule.pattern, _text(rule.source, stdout, files)):
            groups = m.groupdict()
            rows.append(
                {f: _parse_number(groups[f]) if groups.get(f) else None for f in USAGE_FIELDS}
            )
    else:
        for rec in _records(spec, rule.source, stdout, files):
            if _matches(rec, rule.match):
                rows.append(
                    {f: lookup(rec, p) if (p := getattr(rule, f)) else None for f in USAGE_FIELDS}
                )
    if not rows:
        return None
    if rule.aggregate == "last":
        rows = rows[-1:]
    total: dict[str, float | None] = {}
    for f in USAGE_FIELDS:
        vals = [r[f] for r in rows if r[f] is not None]
        total[f] = sum(vals) if vals else None  # type: ignore[arg-type]

    def as_int(v: float | None) -> int | None:
        return None if v is None else round(v)

    return AgentUsage(
        input_tokens=as_int(total["input_tokens"]),
        output_tokens=as_int(total["output_tokens"]),
        cached_tokens=as_int(total["cached_tokens"]),
        cost_usd=total["cost_usd"],
    )


def _steps(spec: AgentSpec, rule: StepRule, stdout: str, files: Mapping[str, str]) -> int:
    if rule.pattern is not None:
        return len(re.findall(rule.pattern, _text(rule.source, stdout, files)))
    matching = [r for r in _records(spec, rule.source, stdout, files) if _matches(r, rule.match)]
    if rule.count is None:
        return len(matching)
    counts = [c for r in matching if (c := lookup(r, rule.count)) is not None]
    return round(counts[-1]) if counts else 0


def classify_failure(spec: AgentSpec, *outputs: str) -> FailureClass | None:
    """The first of the spec's failure patterns (file order) found in the outputs."""
    text = "\n".join(outputs)
    for fp in spec.failure_patterns:
        if re.search(fp.pattern, text):
            return fp.failure
    return None


def parse_transcript(
    spec: AgentSpec,
    stdout: str,
    files: Mapping[str, str] | None = None,
    *,
    stderr: str = "",
    timed_out: bool = False,
) -> AgentReport:
    """Usage, steps and failure class from the agent's stdout/stderr and transcript files
    (container path -> text, as read by read_transcript_files)."""
    files = files or {}
    t = spec.transcript
    usage = _usage(spec, t.usage, stdout, files) if t.usage else None
    steps = _steps(spec, t.steps, stdout, files) if t.steps else None
    failure = classify_failure(spec, stdout, stderr, *files.values())
    if failure is None and timed_out:
        failure = FailureClass.timeout
    return AgentReport(usage=usage, steps=steps, failure=failure)


def read_transcript_files(
    spec: AgentSpec, home_dir: Path, *, home: str = AGENT_HOME
) -> dict[str, str]:
    """The agent's transcript files found under the host directory mounted as its home, keyed
    by their path inside the container."""
    out: dict[str, str] = {}
    if not home_dir.is_dir():
        return out
    globs = [
        g.replace("~/", home + "/", 1) if g.startswith("~/") else g for g in spec.transcript.paths
    ]
    for p in sorted(home_dir.rglob("*")):
        if not p.is_file() or p.is_symlink():
            continue
        inside = f"{home}/{p.relative_to(home_dir).as_posix()}"
        if any(fnmatchcase(inside, g) for g in globs):
            out[inside] = p.read_text(encoding="utf-8", errors="replace")
    return out
