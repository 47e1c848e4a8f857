"""The subset of Harbor's Agent Trajectory Interchange Format (ATIF v1.7) that cells emit.

One trajectory per attempt: the task's instruction as the user step, then one agent step per model
turn with its text, tool calls and their observations. Optional fields are left out when the
agent's transcript does not record them (never filled with a guess), so every model dumps with
`exclude_none`. The committed schemas/trajectory.schema.json is generated from these models.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ATIF_VERSION = "ATIF-v1.7"
Tokens = Annotated[int, Field(ge=0)]


class _Atif(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AtifAgent(_Atif):
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    model_name: str | None = None
    extra: dict[str, Any] | None = None


class AtifToolCall(_Atif):
    tool_call_id: str = Field(min_length=1)
    function_name: str = Field(min_length=1)
    arguments: dict[str, Any] = Field(
        description="The call's arguments; a non-object argument is kept under the key 'input'"
    )


class AtifObservationResult(_Atif):
    source_call_id: str | None = Field(
        default=None, description="The tool_call_id this result answers; absent when unknown"
    )
    content: str | None = None


class AtifObservation(_Atif):
    results: list[AtifObservationResult] = Field(min_length=1)


class AtifMetrics(_Atif):
    """Per-step figures as the agent recorded them (its own word, not the proxy's metering)."""

    prompt_tokens: Tokens | None = None
    completion_tokens: Tokens | None = None
    cached_tokens: Tokens | None = None
    cost_usd: float | None = Field(default=None, ge=0)


class AtifStep(_Atif):
    step_id: int = Field(ge=1)
    timestamp: str | None = None
    source: Literal["system", "user", "agent"]
    model_name: str | None = None
    message: str
    reasoning_content: str | None = None
    tool_calls: list[AtifToolCall] | None = None
    observation: AtifObservation | None = None
    metrics: AtifMetrics | None = None
    extra: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _agent_only_fields(self) -> AtifStep:
        if self.source != "agent" and (self.tool_calls or self.metrics or self.reasoning_content):
            raise ValueError(f"step {self.step_id}: only agent steps carry tool calls or metrics")
        ids = [c.tool_call_id for c in self.tool_calls or ()]
        if len(set(ids)) != len(ids):
            raise ValueError(f"step {self.step_id}: duplicate tool_call_id")
        for result in self.observation.results if self.observation else ():
            if result.source_call_id is not None and result.source_call_id not in ids:
                raise ValueError(
                    f"step {self.step_id}: observation answers {result.source_call_id!r}, "
                    "which is not a tool call of this step"
                )
        return self


class AtifFinalMetrics(_Atif):
    """The cell's totals as the proxy metered them (the receipt's usage), not the agent's word."""

    total_prompt_tokens: Tokens | None = None
    total_completion_tokens: Tokens | None = None
    total_cached_tokens: Tokens | None = None
    total_cost_usd: float | None = Field(default=None, ge=0)
    total_steps: Tokens | None = None
    extra: dict[str, Any] | None = None


class Trajectory(_Atif):
    """An ATIF v1.7 trajectory (the subset this harness emits)."""

    schema_version: Literal["ATIF-v1.7"] = "ATIF-v1.7"
    session_id: str | None = None
    agent: AtifAgent
    steps: list[AtifStep] = Field(min_length=1)
    notes: str | None = None
    final_metrics: AtifFinalMetrics | None = None
    extra: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _numbered_from_one(self) -> Trajectory:
        for i, step in enumerate(self.steps, start=1):
            if step.step_id != i:
                raise ValueError(f"step_id {step.step_id} at position {i}: steps count from 1")
        return self

    @property
    def tool_calls(self) -> list[AtifToolCall]:
        return [c for s in self.steps for c in s.tool_calls or ()]

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=True, indent=1)
