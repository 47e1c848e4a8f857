"""Rendering a board: the static site (no external requests) and the job summary.

Everything shown is read from the Board (and the catalog, for the host model page); nothing is
recomputed here except presentation: ranks, colours and the chart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from runner.board import _methodology as m
from runner.board._attempts import AttemptSite
from runner.board._build import VerifiedReceipt
from runner.board._chart import ChartPoint, pareto_front, pareto_svg
from runner.board._inputs import VerificationResult
from runner.board._models import (
    AgentSummary,
    Board,
    BoardColumn,
    CellAggregate,
    CostBasis,
    HeadToHead,
    ModelSummary,
    UnscoredCell,
)
from runner.catalog import Column, HostModel, ModelCatalog, ServingKind, is_calibration
from runner.receipts import Tier

TEMPLATES = Path(__file__).parent / "templates"
TIERS = (Tier.official, Tier.community)
TIER_TITLES = {Tier.official: "Official sweep", Tier.community: "Community runs"}
TIER_NOTES = {
    Tier.official: "Receipts signed by the project's sweep workflow (Sigstore, GitHub OIDC).",
    Tier.community: "Receipts signed by community runners' own keys (allowed_signers); "
    "may cover models the official sweep holds back.",
}
SIGNIFICANT = 0.05
# The job summary must stay far below GitHub's 1 MiB per step.
SUMMARY_MAX_ROWS = 60


def slug(name: str) -> str:
    return name.replace("/", "--")


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _colour(rate: float) -> tuple[str, str]:
    """Background and text colour for a pass rate on a light-to-deep teal ramp (piecewise linear
    through three stops so mid rates stay distinguishable), with readable text."""
    stops = ((0.0, (243, 250, 248)), (0.5, (116, 192, 184)), (1.0, (8, 72, 79)))
    rate = min(1.0, max(0.0, rate))
    (x0, c0), (x1, c1) = (stops[0], stops[1]) if rate <= 0.5 else (stops[1], stops[2])
    t = (rate - x0) / (x1 - x0)
    rgb = tuple(round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True))
    luminance = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255
    return "#{:02x}{:02x}{:02x}".format(*rgb), "#ffffff" if luminance < 0.5 else "#0f172a"


def _ramp() -> list[str]:
    return [_colour(i / 10)[0] for i in range(11)]


@dataclass
class ModelColumn:
    id: str
    name: str
    short: str
    slug: str
    reference: bool
    in_catalog: bool
    host: HostModel | None
    calibration: bool = False  # a `cab oracle serve` model: proves the harness, not a model
    # Served by whoever ran it (models.toml serving.kind = "self-hosted"), labelled as such.
    self_hosted: bool = False


@dataclass
class TierView:
    tier: Tier
    title: str
    note: str
    open_models: list[ModelColumn]
    reference_models: list[ModelColumn]
    # `cab oracle serve` models: their own labelled section, never pooled or charted.
    calibration_models: list[ModelColumn]
    agents: list[str]
    cells: dict[tuple[str, str], CellAggregate]
    unscored: dict[tuple[str, str], UnscoredCell]
    agent_summaries: list[tuple[str, AgentSummary]]  # (rank, summary)
    points: list[ChartPoint] = field(default_factory=list)
    chart: str = ""
    frontier: list[str] = field(default_factory=list)


def _rank(items: Sequence[tuple[tuple[float, float], str]]) -> list[str]:
    """Competition ranks ("1", "2", "2", "4") over sort keys; ties share a rank shown as "=2"."""
    ranks: list[str] = []
    for i, (key, _) in enumerate(items):
        if i and key == items[i - 1][0]:
            ranks.append(ranks[-1] if ranks[-1].startswith("=") else f"={ranks[-1]}")
            if not ranks[-2].startswith("="):
                ranks[-2] = f"={ranks[-2]}"
        else:
            ranks.append(str(i + 1))
    return ranks


def _cell_key(c: CellAggregate) -> tuple[float, float]:
    return (-c.pass_rate, -c.composite)


class SiteRenderer:
    def __init__(
        self,
        board: Board,
        catalog: ModelCatalog,
        *,
        agent_names: Mapping[str, str] | None = None,
        rejected: Sequence[VerificationResult] = (),
        published: bool = False,
        attempts: Sequence[VerifiedReceipt] = (),
    ) -> None:
        self.board = board
        self.attempts = AttemptSite(attempts)
        self.catalog = catalog
        self.agent_names = dict(agent_names or {})
        self.rejected = list(rejected)
        self.hosts = {h.id: h for h in catalog.models}
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(pct=pct, slug=slug, colour=lambda r: _colour(r)[0])
        self.env.filters["ink"] = lambda r: _colour(r)[1]
        self.env.filters["plural"] = lambda k, word: f"{k} {word}{'' if k == 1 else 's'}"
        self.env.globals.update(
            board=board,
            published=published,
            agent_name=lambda a: self.agent_names.get(a, a),
            model_name=self.model_name,
            significant=SIGNIFICANT,
            ramp=_ramp(),
            short_digest=lambda d: d.removeprefix("sha256:")[:12],
            cell_href=self.attempts.cell_href,
            tasks_href=self.attempts.tasks_href,
            weights={
                "quality": m.W_QUALITY,
                "cost": m.W_COST,
                "latency": m.W_LATENCY,
                "blast_radius": m.W_BLAST,
            },
        )
        self.tiers = [v for v in (self._tier_view(t) for t in TIERS) if v is not None]

    # ----------------------------------------------------------------- views

    def model_name(self, model_id: str) -> str:
        host = self.hosts.get(model_id)
        return host.display_name if host else model_id

    def _column(self, model_id: str) -> ModelColumn:
        host = self.hosts.get(model_id)
        name = host.display_name if host else model_id
        return ModelColumn(
            id=model_id,
            name=name,
            short=name if len(name) <= 34 else name[:32] + "…",
            slug=slug(model_id),
            reference=bool(host and host.column is Column.reference),
            in_catalog=host is not None,
            host=host,
            calibration=host is None and is_calibration(model_id),
            self_hosted=bool(host and host.serving.kind is ServingKind.self_hosted),
        )

    def _model_order(self, ids: Iterable[str]) -> list[str]:
        order = {h.id: i for i, h in enumerate(self.catalog.models)}
        return sorted(set(ids), key=lambda x: (order.get(x, len(order)), x))

    def _tier_view(self, tier: Tier) -> TierView | None:
        cells = {(c.agent, c.model): c for c in self.board.cells if c.tier is tier}
        unscored = {(u.agent, u.model): u for u in self.board.unscored if u.tier is tier}
        if not cells and not unscored:
            return None
        model_ids = self._model_order(k[1] for k in (*cells, *unscored))
        columns = [self._column(x) for x in model_ids]
        summaries = sorted(
            (s for s in self.board.agents if s.tier is tier),
            key=lambda s: (
                s.pass_rate is None,
                -(s.pass_rate or 0),
                -(s.mean_composite or 0),
                s.agent,
            ),
        )
        scored = [s for s in summaries if s.pass_rate is not None]
        ranks = _rank([((-(s.pass_rate or 0), -(s.mean_composite or 0)), s.agent) for s in scored])
        ranks += ["\u2013"] * (len(summaries) - len(scored))  # infra errors only: not ranked
        ranked = list(zip(ranks, summaries, strict=True))
        agents = [s.agent for s in summaries]
        agents += sorted({k[0] for k in (*cells, *unscored)} - set(agents))
        view = TierView(
            tier=tier,
            title=TIER_TITLES[tier],
            note=TIER_NOTES[tier],
            open_models=[c for c in columns if not c.reference and not c.calibration],
            reference_models=[c for c in columns if c.reference],
            calibration_models=[c for c in columns if c.calibration],
            agents=agents,
            cells=cells,
            unscored=unscored,
            agent_summaries=ranked,
        )
        for c in sorted(cells.values(), key=lambda c: (c.model, c.agent)):
            col = self._column(c.model)
            if col.calibration:
                continue  # a calibration cell proves the harness: it is no point on the frontier
            cost = (
                c.mean_cost_usd
                if c.cost_basis is CostBasis.usd and c.mean_cost_usd is not None
                else c.mean_tokens * m.TOKEN_REFERENCE_USD_PER_MTOK / 1_000_000
            )
            view.points.append(
                ChartPoint(
                    label=f"{self.agent_names.get(c.agent, c.agent)} · {col.short}",
                    agent=self.agent_names.get(c.agent, c.agent),
                    model=col.short,
                    cost_usd=max(cost, 1e-6),
                    pass_rate=c.pass_rate,
                    low=c.interval.low,
                    high=c.interval.high,
                    reference=col.reference,
                    token_basis=c.cost_basis is CostBasis.tokens,
                )
            )
        if view.points:
            view.chart = pareto_svg(view.points, f"pareto-{tier.value}")
            view.frontier = [p.label for p in pareto_front(view.points)]
        return view

    def _leaderboard(self, model_id: str, tier: Tier) -> dict[str, object] | None:
        cells = sorted(
            (c for c in self.board.cells if c.model == model_id and c.tier is tier),
            key=lambda c: (_cell_key(c), c.agent),
        )
        unscored = [u for u in self.board.unscored if u.model == model_id and u.tier is tier]
        if not cells and not unscored:
            return None
        h2h = [h for h in self.board.head_to_head if h.model == model_id and h.tier is tier]
        leader = cells[0].agent if cells else None
        vs_leader: dict[str, HeadToHead] = {}
        for h in h2h:
            if leader in (h.agent_a, h.agent_b):
                other = h.agent_b if h.agent_a == leader else h.agent_a
                vs_leader[other] = h
        summary = next(
            (s for s in self.board.models if s.model == model_id and s.tier is tier), None
        )
        return {
            "tier": tier,
            "title": TIER_TITLES[tier],
            "rows": _ranked_rows(cells),
            "unscored": unscored,
            "head_to_head": h2h,
            "vs_leader": vs_leader,
            "leader": leader,
            "summary": summary,
        }

    # ----------------------------------------------------------------- pages

    def _page(self, template: str, depth: int, **ctx: object) -> bytes:
        base = "../" * depth
        html = self.env.get_template(template).render(base=base, **ctx)
        return html.encode("utf-8")

    def render(self) -> dict[str, bytes]:
        """Every file of the site, by relative path."""
        files: dict[str, bytes] = {
            "assets/style.css": (TEMPLATES / "style.css").read_bytes(),
            "index.html": self._page(
                "index.html.j2",
                0,
                tiers=self.tiers,
                counts=headline(self.board),
                max_infra_share=m.MAX_COMMUNITY_INFRA_SHARE,
                page="index",
            ),
        }
        every: list[CellAggregate | UnscoredCell] = [*self.board.cells, *self.board.unscored]
        model_ids = self._model_order(c.model for c in every)
        for model_id in model_ids:
            col = self._column(model_id)
            boards = [b for b in (self._leaderboard(model_id, t) for t in TIERS) if b]
            files[f"models/{col.slug}.html"] = self._page(
                "model.html.j2", 1, col=col, boards=boards, page="models"
            )
        agents = sorted({c.agent for c in every})
        for agent in agents:
            rows = []
            for tier in TIERS:
                cells = [c for c in self.board.cells if c.agent == agent and c.tier is tier]
                unscored = [u for u in self.board.unscored if u.agent == agent and u.tier is tier]
                if not cells and not unscored:
                    continue
                order = self._model_order([*(c.model for c in cells), *(u.model for u in unscored)])
                by_model = {c.model: c for c in cells}
                summary = next(
                    (s for s in self.board.agents if s.agent == agent and s.tier is tier), None
                )
                rows.append(
                    {
                        "tier": tier,
                        "title": TIER_TITLES[tier],
                        "summary": summary,
                        "models": [self._column(x) for x in order],
                        "cells": by_model,
                        "unscored": {u.model: u for u in unscored},
                    }
                )
            files[f"agents/{slug(agent)}.html"] = self._page(
                "agent.html.j2", 1, agent=agent, tiers=rows, page="agents"
            )
        files["catalog.html"] = self._page(
            "catalog.html.j2", 0, entries=self._catalog_entries(), page="catalog"
        )
        files["agents/index.html"] = self._page(
            "agents.html.j2", 1, tiers=self.tiers, page="agents"
        )
        files["models/index.html"] = self._page(
            "models.html.j2", 1, summaries=self._model_summaries(), page="models"
        )
        files.update(self.attempts.pages(self._page))
        return files

    def _model_summaries(self) -> list[tuple[ModelColumn, list[ModelSummary]]]:
        ids = self._model_order(s.model for s in self.board.models)
        return [
            (
                self._column(x),
                sorted(
                    (s for s in self.board.models if s.model == x),
                    key=lambda s: TIERS.index(s.tier),
                ),
            )
            for x in ids
        ]

    def _catalog_entries(self) -> list[dict[str, object]]:
        evidence: dict[str, dict[Tier, ModelSummary]] = defaultdict(dict)
        for s in self.board.models:
            evidence[s.model][s.tier] = s

        def ordered(model_id: str) -> list[ModelSummary]:
            found = evidence.get(model_id, {})
            return [found[t] for t in TIERS if t in found]

        entries: list[dict[str, object]] = [
            {"host": h, "evidence": ordered(h.id), "slug": slug(h.id)} for h in self.catalog.models
        ]
        # Models the receipts name but the catalog does not (e.g. calibration models).
        for model_id in sorted(set(evidence) - set(self.hosts)):
            entries.append(
                {
                    "host": None,
                    "id": model_id,
                    "evidence": ordered(model_id),
                    "slug": slug(model_id),
                }
            )
        return entries

    # ----------------------------------------------------------------- job summary

    def summary_md(self) -> str:
        b = self.board
        lines = [
            f"## CodingAgentBench board · methodology {b.methodology_version}",
            "",
            f"{len(b.receipts)} verified receipts · {len(b.cells)} scored cells · "
            f"receipts digest `{b.receipts_digest}`",
            "",
            "Cells: pass rate [95% Wilson interval] · composite (scored attempts). "
            "`—` = no receipts (missing, not zero). Reference columns (closed weights) and "
            "calibration models (they prove the harness) are never ranked.",
        ]
        for view in self.tiers:
            cols = view.open_models + view.reference_models + view.calibration_models
            lines += ["", f"### {view.title}", ""]
            header = ["agent", *(f"{c.short}{_column_note(c)}" for c in cols)]
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            for i, agent in enumerate(view.agents):
                if i == SUMMARY_MAX_ROWS:
                    lines.append(f"| … {len(view.agents) - i} more agents on the site |")
                    break
                row = [self.agent_names.get(agent, agent)]
                for col in cols:
                    c = view.cells.get((agent, col.id))
                    u = view.unscored.get((agent, col.id))
                    if c is not None:
                        row.append(
                            f"**{pct(c.pass_rate)}** [{c.interval.low * 100:.0f}-"
                            f"{c.interval.high * 100:.0f}] · {c.composite:.3f} (n={c.n})"
                        )
                    elif u is not None:
                        row.append(f"infra errors only ({u.evidence.infra_errors})")
                    else:
                        row.append("—")
                lines.append("| " + " | ".join(row) + " |")
            significant = [
                h for h in b.head_to_head if h.tier is view.tier and h.p_value < SIGNIFICANT
            ]
            if significant:
                lines += ["", f"Head-to-head differences at p < {SIGNIFICANT} (exact McNemar):", ""]
                for h in significant:
                    lines.append(
                        f"- {self.model_name(h.model)}: {h.agent_a} {h.a_only}-{h.b_only} "
                        f"{h.agent_b} over {h.pairs} shared attempts, p = {h.p_value:.4g}"
                    )
        infra = sum(c.evidence.infra_errors for c in b.cells) + sum(
            u.evidence.infra_errors for u in b.unscored
        )
        lines += ["", f"Infra errors excluded from every denominator: {infra}."]
        shares = [f"{r.runner} ({r.tier.value}) {pct(r.infra_share)}" for r in b.runners]
        if shares:
            lines.append(f"Infra-error share by runner: {', '.join(shares)}.")
        if self.rejected:
            lines += [
                "",
                f"Rejected receipts (dropped by --skip-invalid): {len(self.rejected)}",
                "",
            ]
            for r in self.rejected[:SUMMARY_MAX_ROWS]:
                lines.append(f"- `{r.path}`: {r.reason or 'not verified'}")
            if len(self.rejected) > SUMMARY_MAX_ROWS:
                lines.append(f"- … {len(self.rejected) - SUMMARY_MAX_ROWS} more")
        return "\n".join(lines) + "\n"


def _ranked_rows(cells: Sequence[CellAggregate]) -> list[tuple[str, CellAggregate]]:
    """Leaderboard rows in order; an infra-flagged community cell is listed but not ranked."""
    ranked = [c for c in cells if not c.infra_flagged]
    rows = list(zip(_rank([(_cell_key(c), c.agent) for c in ranked]), ranked, strict=True))
    return rows + [("\u2013", c) for c in cells if c.infra_flagged]


def _column_note(col: ModelColumn) -> str:
    return " (ref)" if col.reference else " (calibration)" if col.calibration else ""


def headline(board: Board) -> dict[str, int]:
    """The index page's counts. Host models and ranked agents count open and reference columns
    only: a board of calibration receipts has no host model and ranks no agent."""
    hosts = {s.model for s in board.models if s.column is not BoardColumn.calibration}
    calibration = {s.model for s in board.models if s.column is BoardColumn.calibration}
    return {
        "receipts": len(board.receipts),
        "cells": len(board.cells),
        "ranked_agents": len({s.agent for s in board.agents}),
        "host_models": len(hosts),
        "calibration_models": len(calibration),
    }


def render_site(
    board: Board,
    catalog: ModelCatalog,
    *,
    agent_names: Mapping[str, str] | None = None,
    rejected: Sequence[VerificationResult] = (),
    published: bool = False,
    attempts: Sequence[VerifiedReceipt] = (),
) -> tuple[dict[str, bytes], str]:
    """(site files by relative path, summary.md text). `published`: the site carries its
    receipts (receipts/) and its models.toml, and says so. With `attempts` (the verified
    receipts the board was built from), a page per attempt, per cell and per model's tasks,
    linked from the matrix."""
    renderer = SiteRenderer(
        board,
        catalog,
        agent_names=agent_names,
        rejected=rejected,
        published=published,
        attempts=attempts,
    )
    return renderer.render(), renderer.summary_md()
