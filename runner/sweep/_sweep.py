"""A whole sweep on one machine, in the same plan -> shards -> merge sequence as the workflow.

Each shard runs into its own artifact-like folder (artifacts/receipts-<shard>/, what the shard job
uploads); the merge copies them into one folder the way download-artifact's merge-multiple does,
verifies every receipt and builds the board from that folder alone.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from runner import METHODOLOGY_VERSION
from runner.board import (
    RECEIPT_SUFFIXES,
    BoardError,
    adapt_verdicts,
    board_files,
    board_schema,
    build_board,
    collect_verified,
    expand_receipt_paths,
    publishable,
    published_board,
    published_files,
    receipts_verifier,
    render_site,
    write_tree,
)
from runner.catalog import Catalog, CatalogError, load_agents
from runner.cell import CellError, CellResult, RunnerKey, run_many, shard_context, write_trust
from runner.images import ImageBuildError, inspect_image, read_lock, runtime_tag
from runner.plan import Plan, PlanError, make_plan
from runner.receipts import (
    CellId,
    cyclic_gc_paused,
    load_trust_store,
    verify_receipts,
)
from runner.store import StoreError, add_sweep, store_sources, verify_sources
from runner.sweep._state import receipt_state

ARTIFACT_PREFIX = "receipts-"
# A sweep that works for a fresh clone in minutes: one task per language, fast agents.
DEFAULT_AGENTS = ("claude-code", "codex", "mini-swe-agent")
DEFAULT_MODELS = ("oracle", "null")
DEFAULT_TASKS = ("py-cron-steps", "js-csv-quoted-fields", "sh-cfgcheck-set-e")
# Every local shard starts its own proxy (~8 s, bench/results/proxy_startup.json), as the
# workflow's shard jobs do; a few shards keep that overhead small on one machine.
DEFAULT_LOCAL_SHARDS = 3


class SweepError(Exception):
    """The sweep cannot go on (no cells, no board); str() is the one line."""


@dataclass
class SweepResult:
    plan: Plan
    already_done: int
    board_dir: Path
    cells_on_board: int = 0
    receipts_on_board: int = 0
    rejected: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # cells that produced no receipt
    stored: int = 0  # receipts this sweep added to the store
    superseded: int = 0  # store receipts that another receipt of their cell outranks

    @property
    def index(self) -> Path:
        return self.board_dir / "index.html"


def missing_images(catalog: Catalog, cells: Sequence[CellId]) -> list[str]:
    """The commands that build what these cells need and this engine lacks: checked before any
    shard starts, so a fresh machine gets one clear line instead of a failure per cell."""
    lock = read_lock(catalog.root / "images").images
    agents = sorted({c.agent for c in cells})
    absent_agents = [a for a in agents if a not in lock or inspect_image(lock[a].tag) is None]
    runtimes = sorted({catalog.tasks[c.task].runtime_image for c in cells})
    absent_runtimes = []
    for name in runtimes:
        try:
            present = inspect_image(runtime_tag(catalog.root, name)) is not None
        except ImageBuildError:
            present = False
        if not present:
            absent_runtimes.append(name)
    commands = []
    if absent_agents:
        commands.append("cab images build " + " ".join(absent_agents))
    if absent_runtimes:
        commands.append("cab images build-runtime " + " ".join(absent_runtimes))
    return commands


def merge_artifacts(artifacts_dir: Path, merged: Path) -> int:
    """Copy the cell folders of every receipts-*/ folder into `merged`, as download-artifact's
    merge-multiple does. Hidden files and the local trust folder are not part of an uploaded
    artifact, so they are left out here too. Returns the cell folders copied.

    Unlike a fresh workflow run, a resumed local sweep can hold one cell in two shard folders
    (a re-plan moves cells between shards): only folders with a receipt count, and the newest
    receipt's folder is copied whole, so files of two runs never mix."""
    if merged.exists():
        shutil.rmtree(merged)
    merged.mkdir(parents=True)
    newest: dict[str, tuple[float, Path]] = {}
    for shard_dir in sorted(artifacts_dir.glob(ARTIFACT_PREFIX + "*")):
        for entry in sorted(shard_dir.iterdir()):
            if entry.name.startswith(".") or entry.name == "trust" or not entry.is_dir():
                continue
            stamps = [
                p.stat().st_mtime for p in entry.glob("*.json") if p.name.endswith(RECEIPT_SUFFIXES)
            ]
            if stamps and (entry.name not in newest or max(stamps) >= newest[entry.name][0]):
                newest[entry.name] = (max(stamps), entry)
    for name, (_stamp, entry) in sorted(newest.items()):
        shutil.copytree(entry, merged / name, ignore=shutil.ignore_patterns(".*"))
    return len(newest)


def build_site(
    catalog: Catalog, receipts_dir: Path, trust_dir: Path, out: Path
) -> tuple[int, int, list[str]]:
    """The merge job's board step (what `cab board build --skip-invalid` does): returns the
    board's cell and receipt counts and the rejected receipts."""
    try:
        paths = expand_receipt_paths([receipts_dir])
    except BoardError as exc:
        raise SweepError(str(exc)) from None
    if not paths:
        raise SweepError(f"no receipts in {receipts_dir}: nothing to build a board from")
    verifier = receipts_verifier(trust_dir, catalog.root / "schemas" / "receipt.schema.json")
    try:
        agent_names = {a.name: a.display_name for a in load_agents(catalog.root).values()}
    except CatalogError:
        agent_names = {}
    try:
        with cyclic_gc_paused():
            verified, rejected = collect_verified(paths, verifier, skip_invalid=True)
            board = build_board(verified, catalog.models)
        published = publishable(verified)
        site, summary = render_site(
            board, catalog.models, agent_names=agent_names, rejected=rejected, published=published
        )
        files = board_files(board, site, summary, board_schema(catalog.root / "schemas"))
        if published:
            files.update(published_files(verified, (catalog.root / "models.toml").read_bytes()))
        write_tree(out, files)
    except BoardError as exc:
        raise SweepError(str(exc)) from None
    return len(board.cells), len(board.receipts), [f"{r.path}: {r.reason}" for r in rejected]


@dataclass(frozen=True)
class StoreBoard:
    cells: int
    receipts: int
    superseded: int
    rejected: list[str]


def build_store_site(
    catalog: Catalog,
    store: Path | None,
    trust_dir: Path,
    out: Path,
    *,
    community: Path | None = None,
) -> StoreBoard:
    """The board of a whole store for this methodology version: every sweep of its section plus
    the community runners' folders, each receipt verified (source by source), one standing per
    cell and tier, the site published with its receipts and models.toml. Receipts that fail
    verification are listed, never on the board."""
    sources = store_sources(store, METHODOLOGY_VERSION, community=community)
    if not sources.all:
        raise SweepError(f"no sweeps of methodology {METHODOLOGY_VERSION} in {store}")
    schema_dir = catalog.root / "schemas"
    trust = load_trust_store(trust_dir)
    schema = schema_dir / "receipt.schema.json"
    schema_path = schema if schema.is_file() else None
    try:
        agent_names = {a.name: a.display_name for a in load_agents(catalog.root).values()}
    except CatalogError:
        agent_names = {}
    try:
        with cyclic_gc_paused():
            verdicts = verify_sources(sources, trust, schema_path=schema_path)
            results = adapt_verdicts(verdicts)
            verified = [r.verified for r in results if r.verified is not None]
            rejected = [r for r in results if r.verified is None]
            if not verified:
                raise SweepError(f"no verified receipts in {store}: nothing to build a board from")
            board, files, superseded = published_board(
                verified,
                catalog.models,
                (catalog.root / "models.toml").read_bytes(),
                schema=board_schema(schema_dir),
                agent_names=agent_names,
                rejected=rejected,
            )
            write_tree(out, files)
    except BoardError as exc:
        raise SweepError(str(exc)) from None
    return StoreBoard(
        len(board.cells),
        len(board.receipts),
        len(superseded),
        [f"{r.path}: {r.reason}" for r in rejected],
    )


def _run_shards(
    catalog: Catalog,
    plan: Plan,
    artifacts: Path,
    key: RunnerKey,
    *,
    concurrency: int,
    flaky_rate: float,
    on_shard: Callable[[str, int], None],
    on_result: Callable[[CellResult | CellError, CellId], None],
    progress: Callable[[str], None],
) -> list[str]:
    """Each shard into artifacts/receipts-<shard>/, as the shard jobs upload; returns the cells
    (and shards) that produced no receipt."""
    errors: list[str] = []

    def record(result: CellResult | CellError, cell: CellId) -> None:
        if isinstance(result, CellError):
            errors.append(f"{cell.key}: {result}")
        on_result(result, cell)

    for shard in plan.shards:
        shard_cells = [c.cell for c in shard.cells]
        on_shard(shard.name, len(shard_cells))
        shard_out = artifacts / f"{ARTIFACT_PREFIX}{shard.name}"
        models = sorted({c.model for c in shard_cells})
        try:
            with shard_context(
                catalog, shard_out, key, models=models, flaky_rate=flaky_rate, progress=progress
            ) as ctx:
                run_many(shard_cells, ctx, concurrency=concurrency, on_result=record)
        except CellError as exc:
            # The shard job failed as a whole; the merge still runs on what the others made.
            errors.append(f"{shard.name}: {exc}")
            for cell in shard_cells:
                on_result(exc, cell)
    return errors


def _store_and_build(
    catalog: Catalog,
    result: SweepResult,
    merged: Path,
    trust_dir: Path,
    store: Path,
    sweep_id: str,
    community: Path | None,
    progress: Callable[[str], None],
) -> None:
    """The merge job with a store: add this sweep's verified receipts (append-only), then the
    board of the whole store."""
    verdicts = [v for v in verify_receipts([merged], load_trust_store(trust_dir)) if v.ok]
    try:
        added = add_sweep(store, sweep_id, verdicts)
    except StoreError as exc:
        raise SweepError(str(exc)) from None
    result.stored = sum(a.added for a in added)
    for a in added:
        where = a.folder or "nothing new"
        progress(f"store: {a.added} receipts added, {a.already_stored} already stored ({where})")
    built = build_store_site(catalog, store, trust_dir, result.board_dir, community=community)
    result.cells_on_board, result.receipts_on_board = built.cells, built.receipts
    result.rejected, result.superseded = built.rejected, built.superseded


def default_sweep_id(store: Path) -> str:
    """Sortable and unique in the store: the UTC time of the merge, with a counter when two
    sweeps merge within one second."""
    stamp = datetime.now(UTC).strftime("local-%Y%m%dT%H%M%SZ")
    taken = {d.name for d in (store / METHODOLOGY_VERSION / "sweeps").glob(stamp + "*")}
    n, sweep_id = 1, stamp
    while sweep_id in taken:
        n += 1
        sweep_id = f"{stamp}-{n}"
    return sweep_id


def run_sweep(
    catalog: Catalog,
    cells: Sequence[CellId],
    out_dir: Path,
    key: RunnerKey,
    *,
    max_jobs: int = DEFAULT_LOCAL_SHARDS,
    concurrency: int = 1,
    flaky_rate: float = 0.3,
    store: Path | None = None,
    community: Path | None = None,
    sweep_id: str | None = None,
    on_plan: Callable[[Plan, int], None] = lambda _p, _d: None,
    on_shard: Callable[[str, int], None] = lambda _s, _n: None,
    on_result: Callable[[CellResult | CellError, CellId], None] = lambda _r, _c: None,
    progress: Callable[[str], None] = lambda _m: None,
) -> SweepResult:
    """Plan (skipping cells that stand: a verified receipt in any shard folder, or in `store`),
    run each shard into out/artifacts/receipts-<shard>/, merge into out/receipts/, verify, and
    build the board into out/site/: from the merged receipts alone, or, with `store`, add them
    to the store and build from the whole store (plus `community`). Resumable: run it again and
    only missing cells run."""
    artifacts = out_dir / "artifacts"
    trust_dir = write_trust(out_dir, key)
    trust = key.trust_store()
    sources = sorted(artifacts.glob(ARTIFACT_PREFIX + "*")) + ([store] if store else [])
    state = receipt_state(sources, trust)
    try:
        plan = make_plan(
            catalog, cells, max_jobs=max_jobs, stored=state.stored, history_s=state.history_s
        )
    except PlanError as exc:
        raise SweepError(str(exc)) from None
    on_plan(plan, plan.skipped)
    errors = _run_shards(
        catalog,
        plan,
        artifacts,
        key,
        concurrency=concurrency,
        flaky_rate=flaky_rate,
        on_shard=on_shard,
        on_result=on_result,
        progress=progress,
    )
    merged = out_dir / "receipts"
    copied = merge_artifacts(artifacts, merged)
    progress(f"merged {copied} cell folders into {merged}")
    verdicts = verify_receipts([merged], load_trust_store(trust_dir))
    failed = [v for v in verdicts if not v.ok]
    progress(f"verified {len(verdicts) - len(failed)}/{len(verdicts)} receipts")
    result = SweepResult(plan, plan.skipped, out_dir / "site", errors=errors)
    if store is not None:
        sweep_id = sweep_id or default_sweep_id(store)
        _store_and_build(catalog, result, merged, trust_dir, store, sweep_id, community, progress)
        return result
    n_cells, n_receipts, rejected = build_site(catalog, merged, trust_dir, result.board_dir)
    result.cells_on_board, result.receipts_on_board, result.rejected = n_cells, n_receipts, rejected
    return result
