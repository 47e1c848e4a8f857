"""The board: a pure function of a set of verified receipts, recorded with what built it.

Every number is traceable: each cell lists the digests of the receipts it aggregates, and the board
lists every receipt digest it used plus a digest over that sorted list.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from runner.receipts import Sha256, Tier


class BoardColumn(StrEnum):
    """Where a cell is drawn. `open` cells are ranked; `reference` (closed weights) and
    `calibration` (the `cab oracle serve` models, which prove the harness, not a model) are drawn
    apart and never enter an agent summary, a headline count or the Pareto frontier."""

    open = "open"
    reference = "reference"
    calibration = "calibration"


Rate = Annotated[float, Field(ge=0, le=1)]
Score = Annotated[float, Field(ge=0, le=1)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CostBasis(StrEnum):
    """What the cost axis was computed from (METHODOLOGY.md, cost)."""

    usd = "usd"  # metered tokens at the catalog's reference price
    tokens = "tokens"  # metered tokens at the notional token reference price (no catalog price)


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


class Outcomes(_Record):
    """Receipts per outcome class; infra_error is excluded from every denominator."""

    passed: int = Field(ge=0)
    failed: int = Field(ge=0)
    agent_error: int = Field(ge=0)
    agent_timeout: int = Field(ge=0)
    infra_error: int = Field(ge=0)


class Evidence(_Record):
    receipts: int = Field(ge=0, description="Receipts behind this number (infra errors included)")
    tasks: int = Field(ge=0, description="Distinct tasks with at least one scored attempt")
    attempts: int = Field(ge=0, description="Scored attempts (infra errors excluded)")
    infra_errors: int = Field(ge=0, description="Excluded from the denominators, reported")


class CellAggregate(_Record):
    """One agent x model cell of one tier."""

    agent: str
    model: str
    tier: Tier
    column: BoardColumn = Field(
        description="reference and calibration cells are drawn apart and never ranked"
    )
    n: int = Field(ge=1, description="Scored attempts (infra errors excluded)")
    passes: int = Field(ge=0)
    pass_rate: Rate
    interval: Interval
    axes: Axes
    composite: Score
    cost_basis: CostBasis
    mean_cost_usd: float | None = Field(
        ge=0, description="Mean per scored attempt at the reference price; None on a token basis"
    )
    mean_tokens: float = Field(ge=0, description="Mean metered input+output tokens per attempt")
    median_wall_s: float = Field(ge=0, description="Median cell wall time (timings.total_s)")
    blast_incidents: int = Field(ge=0, description="Out-of-scope incidents over scored attempts")
    outcomes: Outcomes
    evidence: Evidence
    receipts: list[Sha256] = Field(description="Sorted digests of the receipts aggregated here")
    infra_flagged: bool = Field(
        default=False,
        description="A community cell whose infra errors exceed MAX_COMMUNITY_INFRA_SHARE of its "
        "receipts: shown, flagged, never ranked",
    )


class RunnerSummary(_Record):
    """One runner's receipts in one tier: its infra-error share is shown for every runner."""

    runner: str
    tier: Tier
    receipts: int = Field(ge=0)
    infra_errors: int = Field(ge=0)
    infra_share: Rate


class UnscoredCell(_Record):
    """A cell whose every receipt is an infra error: reported, never scored (not a zero)."""

    agent: str
    model: str
    tier: Tier
    evidence: Evidence
    receipts: list[Sha256]


class AgentSummary(_Record):
    """One agent across the open-column cells of one tier (reference and calibration cells
    never enter)."""

    agent: str
    tier: Tier
    models: list[str] = Field(description="Open models this agent has scored cells on")
    cells: int = Field(ge=0)
    n: int = Field(ge=0)
    passes: int = Field(ge=0)
    pass_rate: Rate | None
    interval: Interval | None
    mean_composite: Score | None = Field(description="Unweighted mean over the agent's cells")
    evidence: Evidence


class ModelSummary(_Record):
    """One host model column of one tier, across the agents that have cells in it."""

    model: str
    tier: Tier
    column: BoardColumn
    in_catalog: bool = Field(
        description="False: the model is not in the catalog it was scored with"
    )
    agents: list[str]
    cells: int = Field(ge=0)
    n: int = Field(ge=0)
    passes: int = Field(ge=0)
    pass_rate: Rate | None
    interval: Interval | None
    mean_composite: Score | None
    evidence: Evidence


class HeadToHead(_Record):
    """Exact McNemar test of two agents on one model column and tier, over shared attempts.

    A pair is (task, attempt) scored for both agents; agent_a sorts before agent_b.
    """

    model: str
    tier: Tier
    agent_a: str
    agent_b: str
    pairs: int = Field(ge=0)
    shared_tasks: int = Field(ge=0)
    both_pass: int = Field(ge=0)
    both_fail: int = Field(ge=0)
    a_only: int = Field(ge=0, description="Pairs A passed and B failed")
    b_only: int = Field(ge=0, description="Pairs B passed and A failed")
    p_value: float = Field(ge=0, le=1, description="Two-sided exact binomial on discordant pairs")


class Board(_Record):
    schema_version: Literal[1] = 1
    methodology_version: str = Field(pattern=r"^[0-9]+\.[0-9]+$")
    harness_version: str = Field(description="Version of the runner that built this board")
    catalog_digest: Sha256 = Field(description="sha256 of the RFC 8785 form of the model catalog")
    receipts: list[Sha256] = Field(description="Sorted digests of every receipt used")
    receipts_digest: Sha256 = Field(
        description="sha256 over the sorted digest list, one digest and a newline each"
    )
    cells: list[CellAggregate]
    unscored: list[UnscoredCell]
    models: list[ModelSummary]
    agents: list[AgentSummary]
    head_to_head: list[HeadToHead]
    runners: list[RunnerSummary] = Field(default_factory=list)
