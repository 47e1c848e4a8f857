"""Data contracts of the catalogs: host models, agents and tasks.

These pydantic models are the single source for `models.toml`, `images/<agent>/agent.toml` and
`tasks/<id>/task.toml`; `cab schema export` derives the committed JSON Schemas from them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from runner.catalog._calibration import is_calibration

# A methodology version is MAJOR.MINOR; receipts of different majors never mix on a board.
MethodologyVersion = Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]+$")]
# Identifiers that end up in paths, container names and matrix keys: keep them boring.
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,62}$")]


class Strict(BaseModel):
    """Base for every catalog record: unknown keys are errors, so typos never pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- host models


class Architecture(StrEnum):
    dense = "dense"
    moe = "moe"


class ModelStatus(StrEnum):
    current = "current"  # in the public sweep
    held = "held"  # listed, not swept (yet); community runners may cover it
    retired = "retired"  # no longer served; kept so old receipts still resolve


class Weights(StrEnum):
    open = "open"
    closed = "closed"


class Column(StrEnum):
    """Where a model is drawn on the board. Closed-weight models live only in `reference`."""

    open = "open"
    reference = "reference"


class Price(Strict):
    """Reference price per million tokens, used only for the cost axis."""

    input_per_mtok_usd: float = Field(ge=0)
    output_per_mtok_usd: float = Field(ge=0)
    source: str = Field(min_length=1, description="Where the price was read, with its date")


class ServingKind(StrEnum):
    hosted = "hosted"  # a provider's API (NIM): its base URL is in models.toml
    # Any OpenAI-compatible server someone runs (vLLM, SGLang, llama-server, Ollama): base URL
    # and budget come from the environment of whoever runs the sweep.
    self_hosted = "self-hosted"


class Serving(Strict):
    """How the LiteLLM proxy reaches the model."""

    kind: ServingKind = ServingKind.hosted
    api_base_env: str | None = Field(
        default=None,
        pattern=r"^[A-Z_][A-Z0-9_]*$",
        description="Environment variable holding the base URL (self-hosted: required)",
    )

    route: str = Field(
        min_length=1,
        description="LiteLLM model string, e.g. nvidia_nim/<id>",
    )
    api_base: HttpUrl | None = Field(
        default=None, description="Endpoint base URL; None = LiteLLM's default for the provider"
    )
    api_key_env: str | None = Field(
        default=None,
        pattern=r"^[A-Z_][A-Z0-9_]*$",
        description="Environment variable holding the key; optional (the public sweep is keyless)",
    )
    endpoint: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="The budget this model's requests count against ([endpoint.<name>], "
        "CAB_RPM_<NAME>); None: the route's provider prefix. Self-hosted: required, so two "
        "servers never share one budget",
    )

    @model_validator(mode="after")
    def _base_url_source(self) -> Serving:
        if self.kind is ServingKind.self_hosted and not self.api_base_env:
            raise ValueError("a self-hosted model takes its base URL from api_base_env")
        if self.kind is ServingKind.self_hosted and not self.endpoint:
            raise ValueError(
                "a self-hosted model names its own endpoint (its budget, CAB_RPM_<ENDPOINT>)"
            )
        if self.api_base_env and self.api_base is not None:
            raise ValueError("give api_base or api_base_env, not both")
        return self

    def base_url(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The base URL the proxy calls: api_base, or the value of api_base_env."""
        if self.api_base_env:
            env = os.environ if environ is None else environ
            return env.get(self.api_base_env) or None
        return str(self.api_base).rstrip("/") if self.api_base is not None else None

    @property
    def budget_endpoint(self) -> str:
        """The endpoint whose budget rations this model: `endpoint`, else the route's provider."""
        return self.endpoint or endpoint_of(self.route)

    @property
    def served_name(self) -> str:
        """The model name the server knows: the route without its provider prefix."""
        return self.route.split("/", 1)[1] if "/" in self.route else self.route


class ToolCalling(Strict):
    format: str | None = Field(
        default=None, description="Wire format the model emits for tool calls"
    )
    parser: str | None = Field(
        default=None, description="Server-side parser that turns it into tool_calls"
    )


class HostModel(Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
    display_name: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    # TOML has no null: an unknown fact is an absent key, explained in `notes`.
    provider_url: HttpUrl | None = None
    hf_org: str | None = None
    parameter_class: str | None = Field(
        default=None, description="Total (and active, for MoE) parameters, as published"
    )
    architecture: Architecture | None = None
    license: str | None = None
    weights: Weights = Weights.open
    column: Column = Column.open
    tool_calling: ToolCalling
    serving: Serving
    price: Price | None = Field(
        default=None, description="None: the cost axis falls back to tokens"
    )
    description: str = Field(min_length=1)
    status: ModelStatus
    joined_methodology: MethodologyVersion | None = Field(
        default=None,
        description="Methodology version at which the model joined the sweep (None: never swept)",
    )
    notes: dict[str, str] = Field(
        default_factory=dict,
        description="Per-field notes: why a fact is null, where it came from, caveats",
    )

    @model_validator(mode="after")
    def _catalog_rules(self) -> HostModel:
        if self.weights is Weights.closed and self.column is not Column.reference:
            raise ValueError(
                "a closed-weight model may only be listed in the 'reference' column, "
                "never in the open-vs-open matrix"
            )
        if self.status is ModelStatus.current:
            if not (self.tool_calling.format and self.tool_calling.parser):
                raise ValueError(
                    "a current-sweep model needs a documented tool_calling.format and .parser"
                )
            if self.joined_methodology is None:
                raise ValueError("a current-sweep model needs joined_methodology")
        nulls = {
            name
            for name in ("provider_url", "hf_org", "parameter_class", "architecture", "license")
            if getattr(self, name) is None
        }
        if self.price is None:
            nulls.add("price")
        unexplained = sorted(nulls - set(self.notes))
        if unexplained:
            raise ValueError(f"unknown facts need a note saying so: notes.{unexplained[0]}")
        return self


class Endpoint(Strict):
    """What one serving endpoint (a LiteLLM provider route, e.g. nvidia_nim) allows per key."""

    rpm_per_key: int | None = Field(
        default=None,
        ge=1,
        description="Requests per minute per key; the environment's CAB_RPM_<ENDPOINT> overrides "
        "it (a paid key). None: no budget is enforced",
    )
    source: str | None = Field(default=None, description="Where the number was read")


def rpm_env(endpoint: str) -> str:
    """The environment variable that overrides `endpoint`'s budget, e.g. CAB_RPM_NVIDIA_NIM."""
    return "CAB_RPM_" + endpoint.upper().replace("-", "_")


def endpoint_of(route: str) -> str:
    """The endpoint a LiteLLM route reaches: its provider prefix (nvidia_nim/x/y -> nvidia_nim)."""
    return route.split("/", 1)[0]


class ModelCatalog(Strict):
    methodology_version: MethodologyVersion
    calibration_provider: str = Field(
        default="nvidia_nim",
        pattern=r"^[a-z][a-z0-9_]*$",
        description="LiteLLM provider route the calibration models are served through: the "
        "host models' route, so calibration exercises the same bridges",
    )
    endpoint: dict[str, Endpoint] = Field(
        default_factory=dict, description="Budgets by endpoint (the route's provider prefix)"
    )
    models: list[HostModel] = Field(alias="model")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _unique_ids(self) -> ModelCatalog:
        seen: set[str] = set()
        for m in self.models:
            if m.id in seen:
                raise ValueError(f"duplicate model id {m.id!r}")
            seen.add(m.id)
        return self

    def rpm_budget(self, endpoint: str, environ: Mapping[str, str] | None = None) -> int | None:
        """Requests per minute per key for `endpoint`: CAB_RPM_<ENDPOINT> from the environment
        (0: none), else models.toml's `[endpoint.<name>] rpm_per_key`, else None."""
        env = os.environ if environ is None else environ
        raw = env.get(rpm_env(endpoint), "").strip()
        if raw:
            if not raw.isdigit():
                raise ValueError(f"{rpm_env(endpoint)}={raw!r}: want a whole number of requests")
            return int(raw) or None
        spec = self.endpoint.get(endpoint)
        return spec.rpm_per_key if spec else None

    def endpoint_for(self, model: str) -> str:
        """The endpoint whose budget `model` (a catalog id or calibration model) counts against."""
        if is_calibration(model):
            return self.calibration_provider
        return self.get(model).serving.budget_endpoint

    def model_budget(
        self, model: str, environ: Mapping[str, str] | None = None
    ) -> tuple[str, int] | None:
        """(endpoint, requests per minute) when `model`'s requests are rationed, else None.
        Calibration models are rationed only when CAB_RPM_<ENDPOINT> says so (the plain oracle
        has no limit); ValueError names a malformed CAB_RPM_<ENDPOINT>."""
        env = os.environ if environ is None else environ
        endpoint = self.endpoint_for(model)
        if is_calibration(model) and not env.get(rpm_env(endpoint), "").strip():
            return None
        rpm = self.rpm_budget(endpoint, env)
        return (endpoint, rpm) if rpm else None

    def get(self, model_id: str) -> HostModel:
        for m in self.models:
            if m.id == model_id:
                return m
        raise KeyError(model_id)


# --------------------------------------------------------------------------- agents


class ApiRoute(StrEnum):
    chat_completions = "chat_completions"
    responses = "responses"
    anthropic_messages = "anthropic_messages"
    gemini = "gemini"


class Registry(StrEnum):
    npm = "npm"
    pypi = "pypi"


class Package(Strict):
    registry: Registry
    name: str = Field(min_length=1)
    version: str = Field(
        pattern=r"^[0-9]+(\.[0-9]+)*([-.+a-zA-Z0-9]*)$",
        description="Exact pinned version; ranges are not allowed",
    )


class ConfigFile(Strict):
    """A file rendered per cell before the agent starts (template fields: see AgentSpec)."""

    path: str = Field(
        pattern=r"^(/|~/)",
        description="Absolute path inside the container, or ~/ for the agent's home",
    )
    template: str


class FailureClass(StrEnum):
    rate_limit = "rate_limit"
    context_window = "context_window"
    model_not_found = "model_not_found"
    connection_refused = "connection_refused"
    auth = "auth"
    server_error = "server_error"
    timeout = "timeout"


def _check_regex(v: str) -> str:
    try:
        re.compile(v)
    except re.error as exc:
        raise ValueError(f"not a valid regex: {exc}") from exc
    return v


class FailurePattern(Strict):
    failure: FailureClass
    pattern: str = Field(
        description="Python regex searched in the agent's stdout+stderr; the first pattern that "
        "matches (in file order) names the failure, so list specific patterns first"
    )

    _compiles = field_validator("pattern")(_check_regex)


# Dotted path into a JSON record: keys and list indexes, `*` for every key or item (summed).
JsonPath = Annotated[str, Field(pattern=r"^[A-Za-z0-9_*$-]+(\.[A-Za-z0-9_*$-]+)*$")]


class RecordSource(StrEnum):
    stdout = "stdout"
    transcript = "transcript"  # the files matched by Transcript.paths


class UsageRule(Strict):
    """Where the agent reports its own token usage (a cross-check of the proxy's metering).

    JSON records (stdout lines, or transcript files) that have every `match` value carry usage at
    the given paths; text output is read with `pattern`, whose named groups are the field names.
    """

    source: RecordSource = RecordSource.stdout
    match: dict[JsonPath, str] = Field(
        default_factory=dict, description="Path -> value a record must have to count"
    )
    input_tokens: JsonPath | None = None
    output_tokens: JsonPath | None = None
    cached_tokens: JsonPath | None = None
    cost_usd: JsonPath | None = None
    pattern: str | None = Field(
        default=None,
        description="Text output: regex with named groups input_tokens, output_tokens, "
        "cached_tokens, cost_usd (numbers may carry k/M suffixes)",
    )
    aggregate: Literal["sum", "last"] = Field(
        default="sum", description="sum per-request records; last for a running total"
    )

    @model_validator(mode="after")
    def _says_something(self) -> UsageRule:
        if self.pattern is not None:
            _check_regex(self.pattern)
        elif not (self.input_tokens or self.output_tokens):
            raise ValueError("a usage rule needs pattern or input_tokens/output_tokens paths")
        return self


class StepRule(Strict):
    """What counts as one agent step (a model turn or a tool call) in the agent's output."""

    source: RecordSource = RecordSource.stdout
    match: dict[JsonPath, str] = Field(default_factory=dict)
    pattern: str | None = Field(default=None, description="Text output: one match = one step")
    count: JsonPath | None = Field(
        default=None, description="Read the step count at this path of the last matching record"
    )

    @model_validator(mode="after")
    def _says_something(self) -> StepRule:
        if self.pattern is not None:
            _check_regex(self.pattern)
        elif not (self.match or self.count):
            raise ValueError("a step rule needs match, count or pattern")
        return self


class TrajectoryEvent(StrEnum):
    """What one transcript record (or one item of it) says, for the ATIF trajectory."""

    turn = "turn"  # a new model turn starts: the next agent output opens a new step
    text = "text"  # the agent's message text
    reasoning = "reasoning"  # its stated reasoning
    call = "call"  # a tool call (with `output`: the call and its result in one record)
    result = "result"  # a tool call's result, matched to the call by call_id
    metrics = "metrics"  # the agent's own token counts for the current turn


class EventRule(Strict):
    """Records that have every `match` value are one event; with `items` (a path whose `*` steps
    run over lists, e.g. `message.content.*`), each item there that has every `item_match` value
    is one. Field paths are read from the item (or the record when there are no items);
    `timestamp` and `turn_id` from the record."""

    match: dict[JsonPath, str] = Field(default_factory=dict)
    event: TrajectoryEvent
    items: JsonPath | None = None
    item_match: dict[JsonPath, str] = Field(default_factory=dict)
    text: JsonPath | None = Field(default=None, description="Message or reasoning text")
    delta: bool = Field(
        default=False, description="The text is a streamed fragment: joined to the last one as is"
    )
    call_id: JsonPath | None = None
    name: JsonPath | None = Field(default=None, description="The tool's name")
    arguments: JsonPath | None = Field(default=None, description="The call's arguments")
    argument_key: str = Field(
        default="input", min_length=1, description="Key for arguments that are not an object"
    )
    output: JsonPath | None = Field(default=None, description="The tool's result")
    prompt_tokens: JsonPath | None = None
    completion_tokens: JsonPath | None = None
    cached_tokens: JsonPath | None = None
    cost_usd: JsonPath | None = None
    cached_in_prompt: bool = Field(
        default=True,
        description="False when the agent's input count leaves out cache hits: ATIF's "
        "prompt_tokens includes them, so they are added",
    )
    timestamp: JsonPath | None = Field(
        default=None, description="ISO 8601 text, or epoch milliseconds"
    )
    turn_id: JsonPath | None = Field(
        default=None, description="Consecutive records with the same value are one model turn"
    )

    @model_validator(mode="after")
    def _reads_what_it_needs(self) -> EventRule:
        needs = {
            TrajectoryEvent.text: ("text",),
            TrajectoryEvent.reasoning: ("text",),
            TrajectoryEvent.call: ("name",),
            TrajectoryEvent.result: ("call_id", "output"),
            TrajectoryEvent.metrics: ("prompt_tokens", "completion_tokens"),
        }.get(self.event, ())
        if needs and not any(getattr(self, f) for f in needs):
            raise ValueError(f"a {self.event.value} event needs {' or '.join(needs)}")
        if self.item_match and not self.items:
            raise ValueError("item_match needs items")
        return self


class TrajectoryRule(Strict):
    """How the agent's own output becomes an ATIF trajectory (runner.agents.build_trajectory).

    `events` reads JSON records declaratively; `aider-llm-log` is the one text format (Aider's
    --llm-history-file), read by code because no record structure exists to declare."""

    source: RecordSource = RecordSource.stdout
    format: Literal["events", "aider-llm-log"] = "events"
    events: list[EventRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_events(self) -> TrajectoryRule:
        if self.format == "events" and not self.events:
            raise ValueError("an events trajectory needs at least one event rule")
        return self


class Transcript(Strict):
    paths: list[str] = Field(
        default_factory=list,
        description="Globs of the agent's own transcript files (~/ = the agent's home)",
    )
    stdout_format: Literal["jsonl", "json", "text"] = "text"
    usage: UsageRule | None = Field(
        default=None, description="None: the agent reports no usage of its own"
    )
    steps: StepRule | None = None
    trajectory: TrajectoryRule | None = Field(
        default=None, description="None: no trajectory is read from this agent's output"
    )


class ImageBase(StrEnum):
    """The shared intermediate image an agent image is built FROM."""

    agent_base = "agent-base"  # Debian tools, user, proxy forwarder
    node_base = "node-base"  # agent-base + Node.js from the registry wheel


class AgentSpec(Strict):
    """An agent as data. Template fields in command/env/config: {prompt} {model} {base_url}
    {api_key} {workspace} {home}. {base_url} is the proxy's origin (no /v1): templates add the
    path their API expects."""

    name: Slug
    display_name: str = Field(min_length=1)
    package: Package
    image_base: ImageBase = Field(
        default=ImageBase.agent_base, description="Intermediate image the Dockerfile builds FROM"
    )
    api: ApiRoute
    command: list[str] = Field(min_length=1, description="Headless, auto-approving argv template")
    version_command: list[str] = Field(min_length=1)
    version_pattern: str = Field(
        default=r"([0-9]+\.[0-9]+\.[0-9]+[-.+a-zA-Z0-9]*)",
        description="Regex whose first group is the version in version_command's output",
    )
    env: dict[str, str] = Field(default_factory=dict)
    config_files: list[ConfigFile] = Field(default_factory=list)
    transcript: Transcript = Field(default_factory=Transcript)
    failure_patterns: list[FailurePattern] = Field(default_factory=list)
    read_only_root: bool = Field(
        default=False,
        description="True: the root filesystem is mounted read-only (writes outside the "
        "workspace, home and /tmp fail and are only noted from the agent's output). False, the "
        "default: it is writable into the container's throw-away layer and every change there "
        "is measured (the container's diff)",
    )
    startup_writes: list[str] = Field(
        default_factory=list,
        description="Globs (fnmatch, absolute container paths) of what the agent itself changes "
        "outside the workspace, its home and /tmp on every start, measured from oracle and null "
        "cells: not counted as writes outside the workspace",
    )
    startup_egress: list[str] = Field(
        default_factory=list,
        description="The agent's own start-up traffic (update checks, telemetry) measured from "
        "oracle and null cells: globs (fnmatch) over DNS query names, or over 'proto:dst:port'. "
        "Listed in the receipt, not counted as network attempts",
    )
    workspace_state: list[str] = Field(
        default_factory=list,
        description="Globs (relative to the workspace root) of files the agent keeps there for "
        "itself, e.g. caches it has no switch to move: removed before the changes are collected "
        "unless the task's repo has them, so they count neither as patch nor as blast radius",
    )
    notes: dict[str, str] = Field(
        default_factory=dict, description="Why a flag or setting is there, caveats, sources"
    )

    _version_regex = field_validator("version_pattern")(_check_regex)

    @model_validator(mode="after")
    def _prompt_reaches_agent(self) -> AgentSpec:
        blob = " ".join(self.command) + " ".join(self.env.values())
        blob += " ".join(c.template for c in self.config_files)
        if "{prompt}" not in blob:
            raise ValueError("command must pass {prompt} to the agent")
        if re.compile(self.version_pattern).groups < 1:
            raise ValueError("version_pattern needs a capturing group")
        return self


# --------------------------------------------------------------------------- tasks


class Language(StrEnum):
    python = "python"
    javascript = "javascript"
    typescript = "typescript"
    shell = "shell"
    other = "other"


class TaskKind(StrEnum):
    bugfix = "bugfix"
    feature = "feature"
    refactor = "refactor"
    performance = "performance"
    migration = "migration"
    config = "config"


class Difficulty(StrEnum):
    easy = "easy"
    medium = "medium"
    hard = "hard"


class RunnerCheck(Strict):
    command: list[str] = Field(min_length=1, description="Run in /repo with /tests read-only")
    report: str = Field(description="Path of the junit XML report the command writes")
    fail_to_pass: list[str] = Field(min_length=1)
    pass_to_pass: list[str] = Field(default_factory=list)
    allowed_constructs: list[str] = Field(
        default_factory=list,
        description="Tamper constructs (runner.checks TAMPER_CONSTRUCTS names) this task's honest "
        "fix needs, as `name` or `name@glob` (only in matching files); every other one in a patch "
        "fails the runner check as tampering",
    )


class LintCheck(Strict):
    tool: Literal["ruff", "eslint", "shellcheck", "node-check", "tsc", "none"]
    command: list[str] = Field(
        default_factory=list,
        description="Run with the changed files appended; tsc runs as given, over the whole "
        "project (`tsc --noEmit -p . --pretty false`)",
    )


class DiffPolicy(Strict):
    allowed_paths: list[str] = Field(min_length=1, description="Globs a patch may touch")
    forbidden_paths: list[str] = Field(default_factory=list)
    max_changed_lines: int = Field(gt=0)
    allow_binary: bool = False
    allow_deletions: bool = False
    allow_test_config: list[str] = Field(
        default_factory=list,
        description="Test-runner configuration files (conftest.py, sitecustomize.py, pytest "
        "settings, ...) this task's honest fix must change; all others are out of scope",
    )


class Checks(Strict):
    runner: RunnerCheck
    lint: LintCheck
    diff: DiffPolicy


class DigestRules(Strict):
    """Which of the files the digest covers (instruction.md, repo/, tests/) feed it; the globs
    can narrow that set, never widen it (solution.patch is never part of the digest)."""

    include: list[str] = Field(default_factory=lambda: ["**"])
    exclude: list[str] = Field(default_factory=lambda: ["**/__pycache__/**", "**/*.pyc"])


class VisibleTests(Strict):
    """The task's own tests in repo/ (what a contributor of the project runs): `cab tasks validate`
    runs them on the baseline and with the gold patch, and both must pass. Not a check: an
    agent's patch is never judged by them, so they are outside the task digest."""

    command: list[str] | None = Field(
        default=None,
        description="Run in /repo, exit 0 = pass; no network, hidden tests not mounted. Default by "
        "language: python `python3 -m pytest -q -p no:cacheprovider`, javascript/typescript "
        "`node --test`, shell `bash tests/run.sh`; language other must give one",
    )
    baseline: Literal["pass", "fail"] = Field(
        default="pass",
        description="`fail` for a task whose bug breaks its own test setup (a broken test "
        "configuration): the visible tests must then fail on the baseline and pass with the gold",
    )


class TaskSpec(Strict):
    id: Slug
    title: str = Field(min_length=1)
    language: Language
    kind: TaskKind
    difficulty: Difficulty
    difficulty_rationale: str = Field(min_length=1)
    runtime_image: Slug
    time_limit_s: int = Field(gt=0, le=7200)
    checks: Checks
    digest: DigestRules = Field(default_factory=DigestRules)
    visible_tests: VisibleTests = Field(default_factory=VisibleTests)
