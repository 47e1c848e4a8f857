"""The cost-versus-pass Pareto chart, drawn by matplotlib as an SVG fragment for inline use.

Text is rendered as paths (svg.fonttype = path), so the chart needs no font and makes no request.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ChartPoint:
    label: str
    agent: str  # colour
    model: str  # marker
    cost_usd: float  # mean cost per attempt, USD or token-reference USD
    pass_rate: float
    low: float
    high: float
    reference: bool  # closed-weight reference column: drawn, never on the frontier
    token_basis: bool


def pareto_front(points: Sequence[ChartPoint]) -> list[ChartPoint]:
    """Open points no other open point beats on both axes (cheaper-or-equal and passing more)."""
    front: list[ChartPoint] = []
    best = -1.0
    for p in sorted(
        (p for p in points if not p.reference), key=lambda p: (p.cost_usd, -p.pass_rate, p.label)
    ):
        if p.pass_rate > best:
            front.append(p)
            best = p.pass_rate
    return front


_PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
)


def _usd(x: float, _pos: int) -> str:
    return f"${x:,.3f}".rstrip("0").rstrip(".") if x < 1 else f"${x:,.0f}"


_MARKERS = ("o", "s", "^", "v", "P", "X", "h", "<", ">", "p")


def pareto_svg(points: Sequence[ChartPoint], id_prefix: str) -> str:
    """An <svg> element (no XML prolog, no metadata) with ids prefixed to be unique on a page.

    Colour is the agent, marker shape the model; reference models are hollow diamonds. Only the
    frontier is labelled, so the chart stays readable with many cells.
    """
    # Imported here: matplotlib costs a second at import, and only rendering needs it.
    import matplotlib

    matplotlib.use("Agg")  # never a GUI backend, even when a display is set
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.fonttype"] = "path"
    matplotlib.rcParams["svg.hashsalt"] = "codingagentbench-board"
    fig = Figure(figsize=(10.5, 4.9), dpi=100)
    ax = fig.add_axes((0.07, 0.12, 0.64, 0.84))
    style = _Style.of(points)
    front = pareto_front(points)
    _plot_points(ax, points, front, style)
    _style_axes(ax, points)
    fig.legend(
        handles=_legend_handles(points, style, bool(front)),
        loc="upper left",
        bbox_to_anchor=(0.73, 0.97),
        fontsize=7.5,
        frameon=False,
        labelcolor="#334155",
        handletextpad=0.4,
    )
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return _inline(buf.getvalue(), id_prefix)


@dataclass(frozen=True)
class _Style:
    """Colour per agent, marker per open model: one legend entry each."""

    agents: list[str]
    colour: dict[str, str]
    open_models: list[str]
    marker: dict[str, str]

    @classmethod
    def of(cls, points: Sequence[ChartPoint]) -> _Style:
        agents = sorted({p.agent for p in points})
        open_models = sorted({p.model for p in points if not p.reference})
        return cls(
            agents=agents,
            colour={a: _PALETTE[i % len(_PALETTE)] for i, a in enumerate(agents)},
            open_models=open_models,
            marker={mo: _MARKERS[i % len(_MARKERS)] for i, mo in enumerate(open_models)},
        )


def _plot_points(
    ax: Any, points: Sequence[ChartPoint], front: Sequence[ChartPoint], style: _Style
) -> None:
    if front:
        xs = [p.cost_usd for p in front]
        ys = [p.pass_rate * 100 for p in front]
        ax.step(xs, ys, where="post", color="#0d5c63", lw=1.3, ls="--", alpha=0.7, zorder=1)
    for p in sorted(points, key=lambda p: (p.reference, p.model, p.agent)):
        c = style.colour[p.agent]
        ax.errorbar(
            [p.cost_usd],
            [p.pass_rate * 100],
            yerr=[[(p.pass_rate - p.low) * 100], [(p.high - p.pass_rate) * 100]],
            fmt="D" if p.reference else style.marker[p.model],
            ms=6.5,
            mfc="white" if p.reference else c,
            mec=c,
            mew=1.4 if p.reference else 0.6,
            ecolor=c,
            elinewidth=0.7,
            capsize=0,
            alpha=0.9,
            zorder=3,
        )
    for p in front:
        ax.annotate(
            p.label,
            (p.cost_usd, p.pass_rate * 100),
            xytext=(7, -3),
            textcoords="offset points",
            fontsize=7.5,
            color="#0f172a",
            zorder=4,
        )


def _style_axes(ax: Any, points: Sequence[ChartPoint]) -> None:
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    if points:
        lo = min(p.cost_usd for p in points)
        hi = max(p.cost_usd for p in points)
        span = max(hi / lo, 10.0)  # at least a decade, so the log axis has labelled ticks
        mid = (hi * lo) ** 0.5
        ax.set_xscale("log")
        ax.set_xlim(mid / span**0.5 / 1.6, mid * span**0.5 * 1.6)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(_usd))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(-3, 103)
    ax.set_xlabel("mean cost per attempt (USD at reference price; tokens at $1/M where unpriced)")
    ax.set_ylabel("pass rate (%) with 95% Wilson interval")
    ax.grid(True, which="major", color="#e2e8f0", lw=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#94a3b8")
    ax.tick_params(colors="#475569", labelsize=8)
    ax.xaxis.label.set_color("#475569")
    ax.yaxis.label.set_color("#475569")


def _legend_handles(points: Sequence[ChartPoint], style: _Style, frontier: bool) -> list[Any]:
    from matplotlib.lines import Line2D

    grey = "#64748b"
    handles = [
        Line2D([], [], ls="", marker="o", ms=6, mfc=style.colour[a], mec=style.colour[a], label=a)
        for a in style.agents
    ]
    handles.append(Line2D([], [], ls="", label=" "))
    handles += [
        Line2D([], [], ls="", marker=style.marker[mo], ms=6, mfc=grey, mec=grey, label=mo)
        for mo in style.open_models
    ]
    handles += [
        Line2D([], [], ls="", marker="D", ms=6, mfc="white", mec=grey, label=f"{mo} (ref)")
        for mo in sorted({p.model for p in points if p.reference})
    ]
    if frontier:
        handles.append(Line2D([], [], color="#0d5c63", ls="--", label="Pareto frontier"))
    return handles


_ID = re.compile(r'\bid="([^"]+)"')


def _inline(svg: str, prefix: str) -> str:
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    for old in sorted(set(_ID.findall(svg)), key=len, reverse=True):
        new = f"{prefix}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"#{old})", f"#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    # Let the page size it; keep the aspect ratio via viewBox.
    svg = re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r"<svg\1", svg, count=1)
    return svg.replace("<svg", '<svg role="img" class="chart"', 1)
