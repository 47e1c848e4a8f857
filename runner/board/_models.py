"""The board: a pure function of a set of verified receipts, recorded with what built it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from runner.receipts._models import Sha256, Tier

Rate = Annotated[float, Field(ge=0, le=1)]
Score = Annotated[float, Field(ge=0, le=1)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Interval(_Record):
    low: Rate
    high: Rate
    method: Literal["wilson"] = "wilson"
    confidence: float = Field(default=0.95, ge=0.95, le=0.95)


class Axes(_Record):
    """Each axis normalised to [0, 1], higher is better, against fixed reference points."""

    quality: Score
    cost: Score
    latency: Score
    blast_radius: Score


class Evidence(_Record):
    receipts: int = Field(ge=0, description="Receipts behind this number")
    tasks: int = Field(ge=0)
    attempts: int = Field(ge=0)
    infra_errors: int = Field(ge=0, description="Excluded from the denominators, reported")


class CellAggregate(_Record):
    agent: str
    model: str
    tier: Tier
    n: int = Field(ge=1, description="Scored attempts (infra errors excluded)")
    passes: int = Field(ge=0)
    pass_rate: Rate
    interval: Interval
    axes: Axes
    composite: Score
    mean_cost_usd: float | None = Field(ge=0)
    mean_tokens: float = Field(ge=0)
    median_wall_s: float = Field(ge=0)
    evidence: Evidence
    receipts: list[Sha256] = Field(description="Digests of the receipts aggregated here")


class Summary(_Record):
    """Per-model or per-agent roll-up across the cells that exist (missing cells stay missing)."""

    name: str
    cells: int = Field(ge=0)
    n: int = Field(ge=0)
    passes: int = Field(ge=0)
    pass_rate: Rate | None
    interval: Interval | None
    mean_composite: Score | None
    evidence: Evidence


class HeadToHead(_Record):
    """Exact McNemar test of two agents on one model column, over their shared tasks."""

    model: str
    agent_a: str
    agent_b: str
    shared_tasks: int = Field(ge=0)
    a_only: int = Field(ge=0, description="Tasks A passed and B failed")
    b_only: int = Field(ge=0)
    p_value: float = Field(ge=0, le=1)


class Board(_Record):
    schema_version: Literal[1] = 1
    methodology_version: str = Field(pattern=r"^[0-9]+\.[0-9]+$")
    harness_version: str
    receipts: list[Sha256] = Field(description="Sorted digests of every receipt used")
    receipts_digest: Sha256 = Field(description="sha256 over the sorted digest list")
    cells: list[CellAggregate]
    models: list[Summary]
    agents: list[Summary]
    head_to_head: list[HeadToHead]
