"""The attempt pages: why an agent passed or failed, one page per verified receipt.

Matrix cell -> its attempts (a task x attempt grid coloured by outcome) -> the attempt: identity,
outcome, timings, usage, blast radius, the patch as a coloured diff, each check's log and the ATIF
trajectory as a list of steps. Per model, a task x agent grid says which agents solved which
tasks. Artifacts are read from beside each envelope after verification checked their digests;
large ones are shown in part, saying so, so that a board of many attempts stays small.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from runner.agents import Trajectory, TrajectoryError, load_trajectory
from runner.board._build import VerifiedReceipt
from runner.receipts import Outcome, Receipt, Tier

ID_HEX = 16  # hex digits of the envelope digest that name an attempt's page
MAX_PATCH_BYTES = 256 << 10
MAX_LOG_BYTES = 64 << 10  # the tail of a check log: where a failure's summary is
# A trajectory is shown whole or not at all (steps cut in the middle would misstate what the agent
# did); cells clip each tool output, so only a hostile or runaway receipt reaches this.
MAX_TRAJECTORY_BYTES = 4 << 20
# Attempt pages are rendered in forked workers (one per core) from this many attempts on.
PARALLEL_FROM = 2000
OUTCOME_MARK = {
    Outcome.passed: "✓",
    Outcome.failed: "✗",
    Outcome.agent_error: "E",
    Outcome.agent_timeout: "T",
    Outcome.infra_error: "I",
}

Page = Callable[..., bytes]  # SiteRenderer._page: (template, depth, **context) -> bytes


def slug(name: str) -> str:
    return name.replace("/", "--")


def attempt_id(v: VerifiedReceipt) -> str:
    return v.digest.removeprefix("sha256:")[:ID_HEX]


def attempt_page(v: VerifiedReceipt) -> str:
    return f"attempts/{attempt_id(v)}.html"


def cell_page(tier: Tier, agent: str, model: str) -> str:
    return f"cells/{tier.value}--{slug(agent)}--{slug(model)}.html"


def tasks_page(tier: Tier, model: str) -> str:
    return f"tasks/{tier.value}--{slug(model)}.html"


@dataclass(frozen=True)
class Shown:
    """An artifact's text as shown: whole, or its head/tail with how much was left out."""

    text: str
    cut: int  # bytes not shown
    size: int

    @classmethod
    def read(cls, path: Path, limit: int, *, tail: bool = False) -> Shown:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return cls(f"(cannot be read: {exc.strerror})", 0, 0)
        part = data if len(data) <= limit else (data[-limit:] if tail else data[:limit])
        return cls(part.decode("utf-8", errors="replace"), len(data) - len(part), len(data))


def diff_html(patch: str) -> Markup:
    """The patch as lines classed by kind (file header, hunk, added, removed, context), built
    here rather than in the template: a loop per line in Jinja is the slow part of a page."""
    out = []
    for line in patch.splitlines():
        if line.startswith(("diff --git", "+++ ", "--- ", "index ", "new file", "deleted file")):
            kind = "f"
        elif line.startswith("@@"):
            kind = "h"
        elif line.startswith("+"):
            kind = "a"
        elif line.startswith("-"):
            kind = "d"
        else:
            kind = "c"
        out.append(f'<span class="d{kind}">{escape(line)}</span>')
    return Markup("".join(out))  # each line is a block: no newline between them


@dataclass(frozen=True)
class CheckView:
    name: str
    passed: bool
    summary: str
    duration_s: float
    log: Shown | None


@dataclass(frozen=True)
class AttemptView:
    v: VerifiedReceipt
    patch: Shown | None
    checks: list[CheckView]
    trajectory: Trajectory | None
    trajectory_note: str | None

    @property
    def r(self) -> Receipt:
        return self.v.receipt


def read_attempt(v: VerifiedReceipt) -> AttemptView:
    """What the attempt page shows, from the receipt and the artifacts beside its envelope."""
    r, folder = v.receipt, v.folder
    if folder is None:  # an in-memory receipt (tests): the receipt alone
        return AttemptView(
            v,
            None,
            [CheckView(c.name.value, c.passed, c.summary, c.duration_s, None) for c in r.checks],
            None,
            None,
        )
    logs = {a.digest: a for a in r.artifacts.check_logs}
    checks = []
    for c in r.checks:
        art = logs.get(c.log_digest or "")
        log = Shown.read(folder / art.path, MAX_LOG_BYTES, tail=True) if art else None
        checks.append(CheckView(c.name.value, c.passed, c.summary, c.duration_s, log))
    trajectory, note = None, None
    art = r.artifacts.trajectory
    try:
        if art is not None and art.size > MAX_TRAJECTORY_BYTES:
            note = (
                f"The trajectory ({art.size:,} bytes) is larger than this board shows "
                f"({MAX_TRAJECTORY_BYTES:,}): `cab trajectory show` prints it."
            )
        else:
            trajectory = load_trajectory(folder, r)
    except TrajectoryError as exc:
        note = str(exc).replace(str(folder) + "/", "")
    if trajectory is None and note is None:
        note = "This receipt has no trajectory (its agent declares no reader, or it predates them)."
    patch = Shown.read(folder / r.artifacts.patch.path, MAX_PATCH_BYTES)
    return AttemptView(v, patch, checks, trajectory, note)


def pretty_args(arguments: dict[str, object]) -> str:
    return json.dumps(arguments, ensure_ascii=False, indent=1, sort_keys=True)


@dataclass(frozen=True)
class Cell:
    """One (tier, agent, model) cell's attempts, by task then attempt number."""

    tier: Tier
    agent: str
    model: str
    attempts: list[VerifiedReceipt]

    @property
    def tasks(self) -> list[str]:
        return sorted({a.receipt.cell.task for a in self.attempts})

    @property
    def numbers(self) -> list[int]:
        return sorted({a.receipt.cell.attempt for a in self.attempts})

    def grid(self) -> dict[tuple[str, int], VerifiedReceipt]:
        return {(a.receipt.cell.task, a.receipt.cell.attempt): a for a in self.attempts}


class AttemptSite:
    """Index of the verified receipts by cell, and the pages made from them."""

    def __init__(self, verified: Sequence[VerifiedReceipt]) -> None:
        by_cell: dict[tuple[Tier, str, str], list[VerifiedReceipt]] = defaultdict(list)
        for v in verified:
            by_cell[(v.tier, v.receipt.cell.agent, v.receipt.cell.model)].append(v)
        self.cells = {
            k: Cell(*k, sorted(vs, key=lambda v: (v.receipt.cell.task, v.receipt.cell.attempt)))
            for k, vs in sorted(by_cell.items())
        }

    def cell_href(self, tier: Tier, agent: str, model: str) -> str | None:
        return cell_page(tier, agent, model) if (tier, agent, model) in self.cells else None

    def tasks_href(self, tier: Tier, model: str) -> str | None:
        return (
            tasks_page(tier, model)
            if any(k[0] is tier and k[2] == model for k in self.cells)
            else None
        )

    def pages(self, page: Page) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        if not self.cells:
            return files
        models: dict[tuple[Tier, str], list[Cell]] = defaultdict(list)
        for cell in self.cells.values():
            models[(cell.tier, cell.model)].append(cell)
            files[cell_page(cell.tier, cell.agent, cell.model)] = page(
                "cell.html.j2",
                1,
                cell=cell,
                page="index",
                mark=OUTCOME_MARK,
                attempt_page=attempt_page,
                tasks_page=tasks_page,
            )
        for (tier, model), cells in models.items():
            files[tasks_page(tier, model)] = page(
                "tasks.html.j2",
                1,
                tier=tier,
                model=model,
                cells=cells,
                page="models",
                tasks=sorted({t for c in cells for t in c.tasks}),
                cell_page=cell_page,
            )
        files["assets/attempts.css"] = (
            Path(__file__).parent / "templates" / "attempts.css"
        ).read_bytes()
        every = [v for cell in self.cells.values() for v in cell.attempts]
        files.update(self._attempt_pages(page, every))
        return files

    def _attempt_pages(self, page: Page, every: list[VerifiedReceipt]) -> dict[str, bytes]:
        """Every attempt page; in forked workers for large boards (each page is independent,
        so the pages are the same bytes as in one process)."""
        workers = min(os.cpu_count() or 1, 8) if len(every) >= PARALLEL_FROM else 1
        if workers == 1:
            return {attempt_page(v): self._attempt(page, read_attempt(v)) for v in every}
        global _FORKED
        _FORKED = (self, page, every)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                chunks = [range(i, min(i + 250, len(every))) for i in range(0, len(every), 250)]
                parts = pool.map(_render_range, [(c.start, c.stop) for c in chunks])
        finally:
            _FORKED = None
        return {path: data for part in parts for path, data in part}

    def _attempt(self, page: Page, view: AttemptView) -> bytes:
        r = view.r
        return page(
            "attempt.html.j2",
            1,
            a=view,
            r=r,
            page="index",
            mark=OUTCOME_MARK,
            cell_href=cell_page(view.v.tier, r.cell.agent, r.cell.model),
            diff=diff_html(view.patch.text) if view.patch else None,
            pretty_args=pretty_args,
        )


# What a forked worker renders from (set only while a pool runs; see _attempt_pages).
_FORKED: tuple[AttemptSite, Page, list[VerifiedReceipt]] | None = None


def _render_range(bounds: tuple[int, int]) -> list[tuple[str, bytes]]:
    assert _FORKED is not None
    site, page, every = _FORKED
    return [(attempt_page(v), site._attempt(page, read_attempt(v))) for v in every[slice(*bounds)]]
