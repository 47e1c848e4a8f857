"""build_board: verified receipts + the model catalog -> Board. Pure and deterministic."""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import rfc8785

from runner import __version__
from runner.board import _methodology as m
from runner.board._models import (
    AgentSummary,
    Axes,
    Board,
    BoardColumn,
    CellAggregate,
    CostBasis,
    Evidence,
    HeadToHead,
    Interval,
    ModelSummary,
    Outcomes,
    RunnerSummary,
    UnscoredCell,
)
from runner.board._stats import mcnemar_exact_p, wilson_interval
from runner.catalog import HostModel, ModelCatalog, is_calibration
from runner.receipts import Outcome, Receipt, Tier

# Board floats are rounded here so that the same receipts give the same bytes on every machine.
DIGITS = 6


class BoardError(Exception):
    """The inputs cannot make one board (mixed versions, duplicate cells, ...). One line."""


@dataclass(frozen=True)
class VerifiedReceipt:
    """A receipt whose envelope passed verification: what the board is built from."""

    receipt: Receipt
    digest: str  # "sha256:<hex>" of the stored envelope bytes
    tier: Tier
    # Where the verified envelope was read (None for receipts made in memory): what a published
    # board copies beside its site. Not part of the receipt's identity.
    path: Path | None = field(default=None, compare=False)

    @property
    def folder(self) -> Path | None:
        """Where its artifacts are: beside the envelope."""
        return self.path.parent if self.path is not None else None


def _r(x: float) -> float:
    return round(x, DIGITS)


def receipts_digest(digests: Iterable[str]) -> str:
    """sha256 over the sorted digest list, each digest followed by a newline."""
    blob = "".join(f"{d}\n" for d in sorted(digests)).encode()
    return "sha256:" + hashlib.sha256(blob).hexdigest()


def catalog_digest(catalog: ModelCatalog) -> str:
    data = catalog.model_dump(mode="json", by_alias=True)
    return "sha256:" + hashlib.sha256(rfc8785.dumps(data)).hexdigest()


def board_json(board: Board) -> bytes:
    """The one serialisation of a board: sorted keys, two-space indent, UTF-8, newline-ended."""
    text = json.dumps(
        board.model_dump(mode="json"), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False
    )
    return (text + "\n").encode("utf-8")


def _interval(passes: int, n: int) -> Interval:
    low, high = wilson_interval(passes, n)
    return Interval(low=_r(low), high=_r(high))


def _check_inputs(verified: Sequence[VerifiedReceipt], catalog: ModelCatalog) -> str:
    if not verified:
        raise BoardError("no verified receipts to build a board from")
    versions = sorted({v.receipt.methodology_version for v in verified})
    if len(versions) > 1:
        raise BoardError(
            f"receipts of methodology versions {', '.join(versions)} cannot share a board; "
            "build one board per version"
        )
    version = versions[0]
    if int(version.split(".")[0]) != m.METHODOLOGY_MAJOR:
        raise BoardError(
            f"receipts are methodology {version}; this runner scores major "
            f"{m.METHODOLOGY_MAJOR} only"
        )
    if catalog.methodology_version != version:
        raise BoardError(
            f"the model catalog is methodology {catalog.methodology_version} but the receipts "
            f"are {version}; use the models.toml archived with that version"
        )
    seen: dict[tuple[Tier, str], str] = {}
    for v in verified:
        key = (v.tier, v.receipt.cell.key)
        if key in seen:
            raise BoardError(
                f"cell {v.receipt.cell.key} ({v.tier.value}) has two receipts: "
                f"{seen[key]} and {v.digest}"
            )
        seen[key] = v.digest
    return version


def _dedupe(verified: Iterable[VerifiedReceipt]) -> list[VerifiedReceipt]:
    """The same envelope given twice is one receipt (merging is idempotent)."""
    by_digest: dict[str, VerifiedReceipt] = {}
    for v in verified:
        prior = by_digest.get(v.digest)
        if prior is not None and prior.tier is not v.tier:
            raise BoardError(f"receipt {v.digest} arrived as both {prior.tier} and {v.tier}")
        by_digest[v.digest] = v
    return [by_digest[d] for d in sorted(by_digest)]


def _evidence(group: Sequence[VerifiedReceipt]) -> Evidence:
    scored = [v for v in group if v.receipt.outcome in m.SCORED]
    return Evidence(
        receipts=len(group),
        tasks=len({v.receipt.cell.task for v in scored}),
        attempts=len(scored),
        infra_errors=len(group) - len(scored),
    )


def _sum_evidence(items: Iterable[Evidence], tasks: int) -> Evidence:
    items = list(items)
    return Evidence(
        receipts=sum(e.receipts for e in items),
        tasks=tasks,
        attempts=sum(e.attempts for e in items),
        infra_errors=sum(e.infra_errors for e in items),
    )


def _cell(
    agent: str, model: str, tier: Tier, host: HostModel | None, group: Sequence[VerifiedReceipt]
) -> CellAggregate | UnscoredCell:
    digests = sorted(v.digest for v in group)
    evidence = _evidence(group)
    scored = [v.receipt for v in group if v.receipt.outcome in m.SCORED]
    if not scored:
        return UnscoredCell(
            agent=agent, model=model, tier=tier, evidence=evidence, receipts=digests
        )
    n = len(scored)
    passes = sum(r.outcome is Outcome.passed for r in scored)
    quality = passes / n

    tokens = [r.usage.input_tokens + r.usage.output_tokens for r in scored]
    mean_tokens = sum(tokens) / n
    if host is not None and host.price is not None:
        basis = CostBasis.usd
        priced = (
            sum(
                m.attempt_cost_usd(
                    r.usage.input_tokens,
                    r.usage.output_tokens,
                    host.price.input_per_mtok_usd,
                    host.price.output_per_mtok_usd,
                )
                for r in scored
            )
            / n
        )
        mean_cost: float | None = priced
        cost_equiv = priced
    else:
        basis = CostBasis.tokens
        mean_cost = None
        cost_equiv = mean_tokens * m.TOKEN_REFERENCE_USD_PER_MTOK / 1_000_000

    median_wall = statistics.median(r.timings.total_s for r in scored)
    incidents = [m.blast_incidents(r.blast_radius) for r in scored]
    blast = sum(m.attempt_blast_score(k) for k in incidents) / n
    cost = m.cost_score(cost_equiv)
    latency = m.latency_score(median_wall)

    outcomes = Outcomes(
        **{o.value: sum(v.receipt.outcome is o for v in group) for o in Outcome},
    )
    return CellAggregate(
        agent=agent,
        model=model,
        tier=tier,
        column=board_column(model, host),
        n=n,
        passes=passes,
        pass_rate=_r(quality),
        interval=_interval(passes, n),
        axes=Axes(quality=_r(quality), cost=_r(cost), latency=_r(latency), blast_radius=_r(blast)),
        composite=_r(m.composite(quality, cost, latency, blast)),
        cost_basis=basis,
        mean_cost_usd=None if mean_cost is None else _r(mean_cost),
        mean_tokens=_r(mean_tokens),
        median_wall_s=_r(median_wall),
        blast_incidents=sum(incidents),
        outcomes=outcomes,
        evidence=evidence,
        receipts=digests,
    )


def _pooled(cells: Sequence[CellAggregate]) -> tuple[int, int, float | None, Interval | None]:
    n = sum(c.n for c in cells)
    passes = sum(c.passes for c in cells)
    if n == 0:
        return 0, 0, None, None
    return n, passes, _r(passes / n), _interval(passes, n)


def _mean_composite(cells: Sequence[CellAggregate]) -> float | None:
    # Mean of rounded composites is itself rounded, so summaries re-derive from board.json exactly.
    return _r(sum(c.composite for c in cells) / len(cells)) if cells else None


def _head_to_head(
    model: str, tier: Tier, by_agent: dict[str, dict[tuple[str, int], bool]]
) -> list[HeadToHead]:
    out = []
    for a, b in combinations(sorted(by_agent), 2):
        shared = sorted(set(by_agent[a]) & set(by_agent[b]))
        if not shared:
            continue
        pa = [by_agent[a][k] for k in shared]
        pb = [by_agent[b][k] for k in shared]
        a_only = sum(x and not y for x, y in zip(pa, pb, strict=True))
        b_only = sum(y and not x for x, y in zip(pa, pb, strict=True))
        both_pass = sum(x and y for x, y in zip(pa, pb, strict=True))
        out.append(
            HeadToHead(
                model=model,
                tier=tier,
                agent_a=a,
                agent_b=b,
                pairs=len(shared),
                shared_tasks=len({task for task, _ in shared}),
                both_pass=both_pass,
                both_fail=len(shared) - both_pass - a_only - b_only,
                a_only=a_only,
                b_only=b_only,
                p_value=_r(mcnemar_exact_p(a_only, b_only)),
            )
        )
    return out


Groups = dict[tuple[Tier, str, str], list[VerifiedReceipt]]  # (tier, model, agent) -> receipts


def _tasks_of(groups: Groups, keys: Iterable[tuple[Tier, str, str]]) -> int:
    """Distinct tasks with a scored attempt across the given cells."""
    return len(
        {v.receipt.cell.task for key in keys for v in groups[key] if v.receipt.outcome in m.SCORED}
    )


def _model_summaries(
    groups: Groups, cells: Sequence[CellAggregate], hosts: dict[str, HostModel]
) -> list[ModelSummary]:
    out = []
    for tier, model in sorted({(t, mo) for t, mo, _ in groups}):
        keys = sorted(k for k in groups if k[0] is tier and k[1] == model)
        mcells = [c for c in cells if c.tier is tier and c.model == model]
        n, passes, rate, interval = _pooled(mcells)
        host = hosts.get(model)
        out.append(
            ModelSummary(
                model=model,
                tier=tier,
                column=board_column(model, host),
                in_catalog=host is not None,
                agents=sorted(c.agent for c in mcells),
                cells=len(mcells),
                n=n,
                passes=passes,
                pass_rate=rate,
                interval=interval,
                mean_composite=_mean_composite(mcells),
                evidence=_sum_evidence(
                    (_evidence(groups[k]) for k in keys), _tasks_of(groups, keys)
                ),
            )
        )
    return out


def board_column(model: str, host: HostModel | None) -> BoardColumn:
    if host is not None:
        return BoardColumn(host.column.value)
    # Calibration models are never in the catalog; an uncatalogued host model is still open.
    return BoardColumn.calibration if is_calibration(model) else BoardColumn.open


def _agent_summaries(
    groups: Groups, cells: Sequence[CellAggregate], hosts: dict[str, HostModel]
) -> list[AgentSummary]:
    """Open-model cells only: the reference column and the calibration models are never ranked
    with the open models (a board of oracle and null would rank every agent at 50%)."""
    out = []
    for tier, agent in sorted({(t, a) for t, _, a in groups}):
        keys = sorted(
            k
            for k in groups
            if k[0] is tier
            and k[2] == agent
            and board_column(k[1], hosts.get(k[1])) is BoardColumn.open
        )
        if not keys:
            continue  # only reference or calibration cells: nothing to rank the agent by
        acells = [
            c
            for c in cells
            if c.tier is tier
            and c.agent == agent
            and c.column is BoardColumn.open
            and not c.infra_flagged
        ]
        n, passes, rate, interval = _pooled(acells)
        out.append(
            AgentSummary(
                agent=agent,
                tier=tier,
                models=sorted(c.model for c in acells),
                cells=len(acells),
                n=n,
                passes=passes,
                pass_rate=rate,
                interval=interval,
                mean_composite=_mean_composite(acells),
                evidence=_sum_evidence(
                    (_evidence(groups[k]) for k in keys), _tasks_of(groups, keys)
                ),
            )
        )
    return out


def _all_head_to_head(receipts: Iterable[VerifiedReceipt]) -> list[HeadToHead]:
    # (tier, model) -> agent -> (task, attempt) -> passed
    outcomes: dict[tuple[Tier, str], dict[str, dict[tuple[str, int], bool]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for v in receipts:
        r = v.receipt
        if r.outcome in m.SCORED:
            outcomes[(v.tier, r.cell.model)][r.cell.agent][(r.cell.task, r.cell.attempt)] = (
                r.outcome is Outcome.passed
            )
    return [
        h
        for (tier, model), by_agent in sorted(outcomes.items())
        for h in _head_to_head(model, tier, by_agent)
    ]


def build_board(
    verified: Iterable[VerifiedReceipt],
    catalog: ModelCatalog,
    *,
    harness_version: str = __version__,
) -> Board:
    """Aggregate verified receipts into a board. Same receipts and catalog -> equal Board."""
    receipts = _dedupe(verified)
    version = _check_inputs(receipts, catalog)
    hosts = {h.id: h for h in catalog.models}

    groups: Groups = defaultdict(list)
    for v in receipts:
        groups[(v.tier, v.receipt.cell.model, v.receipt.cell.agent)].append(v)

    cells: list[CellAggregate] = []
    unscored: list[UnscoredCell] = []
    for (tier, model, agent), group in sorted(groups.items()):
        made = _cell(agent, model, tier, hosts.get(model), group)
        if isinstance(made, CellAggregate):
            cells.append(_flag_infra(made))
        else:
            unscored.append(made)

    digests = [v.digest for v in receipts]
    return Board(
        methodology_version=version,
        harness_version=harness_version,
        catalog_digest=catalog_digest(catalog),
        receipts=sorted(digests),
        receipts_digest=receipts_digest(digests),
        cells=cells,
        unscored=unscored,
        models=_model_summaries(groups, cells, hosts),
        agents=_agent_summaries(groups, cells, hosts),
        head_to_head=_all_head_to_head(receipts),
        runners=_runner_summaries(receipts),
    )


def _flag_infra(cell: CellAggregate) -> CellAggregate:
    """A community cell with too many infra errors for its receipts: kept, flagged, not ranked."""
    share = cell.evidence.infra_errors / max(cell.evidence.receipts, 1)
    if cell.tier is Tier.community and share > m.MAX_COMMUNITY_INFRA_SHARE:
        return cell.model_copy(update={"infra_flagged": True})
    return cell


def _runner_summaries(receipts: Sequence[VerifiedReceipt]) -> list[RunnerSummary]:
    counts: dict[tuple[Tier, str], list[int]] = defaultdict(lambda: [0, 0])
    for v in receipts:
        entry = counts[(v.tier, v.receipt.runner.id)]
        entry[0] += 1
        entry[1] += v.receipt.outcome is Outcome.infra_error
    return [
        RunnerSummary(runner=r, tier=t, receipts=n, infra_errors=k, infra_share=_r(k / n))
        for (t, r), (n, k) in sorted(counts.items())
    ]
