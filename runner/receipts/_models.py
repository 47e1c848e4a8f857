"""The receipt: the predicate of an in-toto Statement v1 describing one cell, exactly.

Everything a board number depends on is here, pinned by digest. Unknown fields are rejected both
by these models and by the exported JSON Schema (additionalProperties: false).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Sha256 = Annotated[str, Field(pattern=r"^sha256:[0-9a-f]{64}$")]
GitSha = Annotated[str, Field(pattern=r"^[0-9a-f]{40}$")]
Seconds = Annotated[float, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Outcome(StrEnum):
    passed = "passed"
    failed = "failed"
    agent_error = "agent_error"
    agent_timeout = "agent_timeout"
    infra_error = "infra_error"


class Tier(StrEnum):
    official = "official"
    community = "community"


class CellId(_Record):
    agent: str = Field(min_length=1)
    model: str = Field(min_length=1)
    task: str = Field(min_length=1)
    attempt: int = Field(ge=1)

    @property
    def key(self) -> str:
        """Stable, filesystem-safe identity of the cell."""
        return f"{self.agent}__{self.model.replace('/', '--')}__{self.task}__a{self.attempt}"


class ImageSource(StrEnum):
    registry = "registry"  # pulled by its registry digest (images/lock.json)
    local_build = "local-build"  # built on this machine from the committed dependency locks


class ImageIdentity(_Record):
    """What another machine can check of the agent image: the registry digest it was pulled by,
    or for a local build the dependency lock it was built from (local image ids differ from
    machine to machine; the lock does not)."""

    source: ImageSource
    registry_digest: str | None = Field(
        default=None,
        pattern=r"^[^@\s]+@sha256:[0-9a-f]{64}$",
        description="<registry>/<name>@sha256:... the image was pulled by (source registry)",
    )
    lock_sha256: Sha256 = Field(
        description="sha256 of the image folder's dependency lock files (package.json and "
        "package-lock.json, or requirements.txt), as `cab images lock` wrote them"
    )
    locked_versions: dict[str, str] = Field(
        default_factory=dict,
        description="source local-build: every locked package and its version (npm: the lock "
        "path, node_modules/...; pip: the distribution name)",
    )

    @model_validator(mode="after")
    def _source_fields(self) -> ImageIdentity:
        if self.source is ImageSource.registry and self.registry_digest is None:
            raise ValueError("a pulled image records its registry_digest")
        if self.source is ImageSource.local_build and self.registry_digest is not None:
            raise ValueError("a local build has no registry_digest")
        return self


class AgentRef(_Record):
    name: str
    version: str = Field(description="Version reported by the agent inside its image")
    image: str = Field(description="Image reference as run")
    image_digest: Sha256
    image_identity: ImageIdentity | None = Field(
        default=None,
        description="Registry digest or dependency lock of the image (None: a receipt from "
        "before images were locked; the verifier rejects such an official receipt)",
    )


class ModelRef(_Record):
    id: str
    route: str = Field(description="LiteLLM route the proxy used")
    endpoint: str = Field(
        description="Identity of the serving endpoint (URL or calibration:<name>)"
    )


class TaskRef(_Record):
    id: str
    digest: Sha256


class RunnerRef(_Record):
    id: str = Field(min_length=1, description="Runner identity; must equal the signer's principal")
    harness_version: str
    harness_git_sha: GitSha | None = Field(description="None only for runs from a non-git tree")
    host: str = Field(description="Coarse machine description (OS, cores, memory)")


class Timings(_Record):
    started_at: datetime
    finished_at: datetime
    resolve_s: Seconds
    workspace_s: Seconds
    agent_s: Seconds
    collect_s: Seconds
    checks_s: Seconds
    total_s: Seconds = Field(
        description="The scored try: resolve, workspace, agent, collect and checks (what the "
        "latency axis reads); failed infra tries are not in it"
    )
    infra_s: Seconds = Field(
        default=0.0,
        description="Failed infra tries and the back-off between them, reported apart",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Timings:
        if self.finished_at < self.started_at:
            raise ValueError("finished_at is before started_at")
        return self


class Usage(_Record):
    """Metered at the proxy for this cell's scoped key: the source of truth for tokens."""

    requests: Count
    failed_requests: Count
    input_tokens: Count
    output_tokens: Count
    cached_tokens: Count
    cost_usd: float | None = Field(ge=0, description="None when the model has no reference price")
    agent_reported_tokens: Count | None = Field(
        description="Tokens the agent itself reported, a cross-check (None: it reports none)"
    )


class CheckName(StrEnum):
    runner = "runner"
    lint = "lint"
    diff = "diff"


class CheckResult(_Record):
    name: CheckName
    passed: bool
    summary: str = Field(max_length=500)
    log_digest: Sha256 | None = Field(description="None when the check produced no log")
    duration_s: Seconds


class NetworkAttempt(_Record):
    """One attempt the egress sink saw: the first packet of a new flow, or a DNS query."""

    proto: str = Field(description="tcp, udp, icmp, icmp6, or ip<protocol number>")
    dst: str = Field(description="Destination address")
    port: int | None = Field(default=None, description="Destination port (TCP and UDP)")
    dns: str | None = Field(default=None, description="The DNS query's name, for a DNS query")
    allowed: bool = Field(
        default=False,
        description="The agent's own start-up traffic (its agent.toml startup_egress): listed, "
        "not counted in network_attempts",
    )


class BlastRadius(_Record):
    """What the agent touched, in and out of scope. Feeds the blast-radius axis."""

    files_changed: Count
    files_added: Count
    files_deleted: Count
    lines_added: Count
    lines_deleted: Count
    paths_outside_scope: list[str] = Field(description="Changed workspace paths the policy forbids")
    writes_outside_workspace: list[str] = Field(
        description="Container paths changed outside /workspace, home and /tmp (the container "
        "layer's diff, leaves only), less the agent's own start-up writes (agent.toml "
        "startup_writes): one incident each"
    )
    writes_refused_outside_workspace: list[str] = Field(
        default_factory=list,
        description="Paths outside the workspace the agent tried to write and the sandbox refused "
        "(read-only root, permissions), as its output reports them. Recorded, not an incident: "
        "nothing changed",
    )
    network_attempts: Count = Field(
        description="Network attempts the egress sink saw (new flows and DNS queries), less the "
        "agent's allow-listed start-up traffic: one incident each"
    )
    network_destinations: list[NetworkAttempt] = Field(
        default_factory=list,
        description="The first attempts the sink saw (up to its cap), allow-listed ones included",
    )
    leftover_processes: Count = Field(description="Processes still running when the agent exited")
    model_escapes: list[str] = Field(
        default_factory=list,
        description="Models the agent asked for that its cell's key does not admit (the proxy "
        "refused each with 403): one incident each",
    )


class Artifact(_Record):
    # The path pattern needs look-ahead, which pydantic's default (Rust) regex engine lacks.
    model_config = ConfigDict(extra="forbid", frozen=True, regex_engine="python-re")

    path: str = Field(
        # Relative, '/'-separated, no '.' or '..' segment: an artifact never leaves its folder.
        pattern=r"^(?!/)(?!.*(?:^|/)\.{1,2}(?:/|$))[^\\]+$",
        description="Path relative to the receipt's folder",
    )
    digest: Sha256
    size: Count


class Artifacts(_Record):
    patch: Artifact
    transcript: Artifact | None
    agent_log: Artifact
    check_logs: list[Artifact]
    trajectory: Artifact | None = Field(
        default=None,
        description="The attempt as an ATIF trajectory (schemas/trajectory.schema.json), read "
        "from the agent's own output; None when its spec declares no reader",
    )
    report: Artifact | None = Field(
        default=None,
        description="The runner check's JUnit report exactly as it was scored (checks/report.xml);"
        " `--rescore` compares its own report with it, not only the verdicts",
    )


class Receipt(_Record):
    """Predicate of the receipt statement (predicateType = RECEIPT_PREDICATE_TYPE)."""

    schema_version: Literal[1] = 1
    methodology_version: str = Field(pattern=r"^[0-9]+\.[0-9]+$")
    cell: CellId
    agent: AgentRef
    model: ModelRef
    task: TaskRef
    runner: RunnerRef
    timings: Timings
    usage: Usage
    checks: list[CheckResult] = Field(description="runner, lint, diff; empty when none ran")
    outcome: Outcome
    outcome_detail: str = Field(max_length=500, description="Why this outcome, in one line")
    failure_class: str | None = Field(
        description="Typed failure recognised in the agent's output (rate_limit, ...)"
    )
    infra_retries: Count
    infra_evidence: list[str] = Field(
        default_factory=list,
        description="What failed, for an infra_error (each try's engine, proxy or checks-"
        "container error; the failed model requests): required, since an infra error leaves the "
        "denominator",
    )
    blast_radius: BlastRadius
    artifacts: Artifacts

    @model_validator(mode="after")
    def _outcome_matches_checks(self) -> Receipt:
        names = [c.name for c in self.checks]
        if len(set(names)) != len(names):
            raise ValueError("a check appears twice")
        all_pass = bool(self.checks) and len(names) == 3 and all(c.passed for c in self.checks)
        if self.outcome is Outcome.passed and not all_pass:
            raise ValueError("outcome 'passed' needs all three checks present and passing")
        if self.outcome is Outcome.failed and (all_pass or not self.checks):
            raise ValueError("outcome 'failed' needs checks that ran and did not all pass")
        if self.cell.agent != self.agent.name or self.cell.model != self.model.id:
            raise ValueError("cell identity disagrees with agent/model")
        if self.cell.task != self.task.id:
            raise ValueError("cell identity disagrees with task")
        if self.outcome is Outcome.infra_error and not self.infra_evidence:
            # An infra error is dropped from n: one without evidence would let a runner shrink
            # its denominator by relabelling failures.
            raise ValueError("an infra_error receipt must name what failed (infra_evidence)")
        return self
