"""What a shard of cells shares: one proxy (and, for calibration models, one oracle server), the
resolved images, the runner's signing key, and a resumable output folder."""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from runner.catalog import CALIBRATION_MODELS, Catalog, is_calibration
from runner.cell._lifecycle import (
    CellContext,
    CellError,
    CellResult,
    InfraError,
    hostname_runner_id,
    locked_agent_image,
    run_cell,
)
from runner.cell._receipt import ResolvedImage
from runner.images import (
    ImageBuildError,
    default_base_image,
    engine_answers,
    ensure_sink_image,
    image_identity,
    inspect_image,
    runtime_tag,
    sink_tag,
)
from runner.receipts import (
    RECEIPT_NAMESPACE,
    CellId,
    Ed25519Signer,
    Outcome,
    TrustStore,
    generate_keypair,
    parse_allowed_signers,
    public_key_line,
    verify_receipts,
)
from runner.sandbox import Interrupted, Limits, install_signal_handlers, reap_stale

if TYPE_CHECKING:
    from runner.oracle import Emulation

DEFAULT_KEY = Path(".cab/keys/runner_ed25519")


@dataclass(frozen=True)
class RunnerKey:
    signer: Ed25519Signer
    runner_id: str
    allowed_signers_line: str

    def trust_store(self) -> TrustStore:
        return TrustStore(signers=tuple(parse_allowed_signers(self.allowed_signers_line)))


def load_or_create_key(path: Path, runner_id: str | None = None) -> RunnerKey:
    """The runner's Ed25519 key; a local key is generated on first use (never overwritten)."""
    if not path.exists():
        generate_keypair(path, comment="codingagentbench runner")
    signer = Ed25519Signer.from_file(path)
    rid = runner_id or hostname_runner_id()
    line = f'{rid} namespaces="{RECEIPT_NAMESPACE}" {public_key_line(signer.key.public_key())}\n'
    return RunnerKey(signer, rid, line)


def _raise_if_engine_down(tag: str) -> None:
    if not engine_answers():
        raise InfraError(f"the Docker engine does not answer (looking up {tag})")


def resolve_agent_image(root: Path) -> Callable[[str], ResolvedImage]:
    """Agent images as recorded in images/lock.json, checked against what this engine has (the
    receipt records this engine's image id)."""

    def resolve(agent: str) -> ResolvedImage:
        locked = locked_agent_image(root, agent)
        local = inspect_image(locked.tag)
        if local is None:
            _raise_if_engine_down(locked.tag)
            raise CellError(f"image {locked.tag} is not built here: run `cab images build {agent}`")
        return dataclasses.replace(
            locked, image_id=local.image_id, identity=image_identity(root, agent, local.image_id)
        )

    return resolve


def resolve_runtime_image(root: Path) -> Callable[[str], str]:
    def resolve(name: str) -> str:
        tag = runtime_tag(root, name)
        if inspect_image(tag) is None:
            _raise_if_engine_down(tag)
            raise CellError(
                f"runtime image {tag} is not built: run `cab images build-runtime {name}`"
            )
        return tag

    return resolve


def resolve_sink_image(root: Path, progress: Callable[[str], None]) -> str:
    """The egress sink's image, built from images/sink first when this engine lacks it."""
    try:
        return ensure_sink_image(
            root, default_base_image(root / "images"), progress=lambda m: progress(f"[sink] {m}")
        )
    except ImageBuildError as exc:
        _raise_if_engine_down(sink_tag(root))
        raise CellError(f"the egress sink image could not be built: {exc}") from None


def completed_cells(
    out_dir: Path, trust: TrustStore, *, measured_only: bool = False
) -> set[CellId]:
    """Cells in `out_dir` whose receipt verifies. With `measured_only`, cells whose receipt is an
    infra error are left out: that receipt records that nothing was measured, so a resumed run
    retries those cells (DESIGN.md section 4: infra errors are retried) and skips the rest."""
    if not out_dir.is_dir():
        return set()
    envelopes = [p for p in out_dir.glob("*/*.dsse.json")]
    if not envelopes:
        return set()
    return {
        v.receipt.cell
        for v in verify_receipts(envelopes, trust)
        if v.ok
        and v.receipt is not None
        and not (measured_only and v.receipt.outcome is Outcome.infra_error)
    }


@contextmanager
def shard_context(
    catalog: Catalog,
    out_dir: Path,
    key: RunnerKey,
    *,
    models: Sequence[str],
    flaky_rate: float = 0.3,
    slow_latency_s: float = 2.0,
    limits: Limits | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    shards_at_once: int = 1,
    emulation: Emulation | None = None,
    oracle_url: str | None = None,
) -> Iterator[CellContext]:
    """Start the oracle (when calibration models are wanted) and one proxy, for all cells.
    Calibration and host models never share a proxy (the plan packs them apart). The oracle
    emulates `emulation`'s endpoint, else the one CAB_ORACLE_EMULATE names (else none). With
    `oracle_url` the calibration models are served by that running `cab oracle serve` instead
    (shards sharing one endpoint, and so its per-key rate limit) and no oracle is started."""
    kinds = {is_calibration(m) for m in models}
    if len(kinds) > 1:
        raise CellError(
            "a shard's proxy never serves calibration and host models together: run them as "
            "separate shards (cab plan packs them apart)"
        )
    from runner.oracle import OracleServer, OracleSettings, emulation_from_env, load_oracle_tasks
    from runner.proxy import ProxyServer

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / ".work").mkdir(exist_ok=True)
    # Before any worker thread starts: only the main thread can set signal handlers, and without
    # them SIGTERM would kill us with containers (and the proxy's process group) still running.
    install_signal_handlers()
    reaped = reap_stale()
    if reaped:
        progress(f"removed {reaped} container(s) left by an interrupted run")
    with ExitStack() as stack:
        if oracle_url is not None:
            progress(f"calibration models served by the oracle at {oracle_url}")
        elif any(m in CALIBRATION_MODELS for m in models):
            settings = OracleSettings(
                tasks=load_oracle_tasks(catalog.root),
                flaky_rate=flaky_rate,
                slow_latency_s=slow_latency_s,
                stall_s=10.0,
                emulate=emulation if emulation is not None else emulation_from_env(),
            )
            oracle = OracleServer(settings).start()
            stack.callback(oracle.stop)
            oracle_url = oracle.url
            mode = f" (emulating {settings.emulate.profile})" if settings.emulate else ""
            progress(f"oracle serving calibration models at {oracle.url}{mode}")
        progress("starting the LiteLLM proxy")
        proxy = ProxyServer(
            catalog.models,
            usage_dir=out_dir / ".usage",
            oracle_url=oracle_url,
            models=list(models),
            shards_at_once=shards_at_once,
        )
        stack.enter_context(proxy)
        proxy.socket_path.chmod(0o666)  # the agent's uid inside the container must connect
        progress(f"proxy ready in {proxy.startup_s:.1f}s at {proxy.url}")
        yield CellContext(
            catalog=catalog,
            proxy=proxy,
            # Resolved once per shard: an image inspect is a Docker round trip per cell otherwise.
            agent_image=functools.cache(resolve_agent_image(catalog.root)),
            runtime_image=functools.cache(resolve_runtime_image(catalog.root)),
            egress_sink=resolve_sink_image(catalog.root, progress),
            signer=key.signer,
            runner_id=key.runner_id,
            out_dir=out_dir,
            limits=limits or Limits(cpus=1.0, memory_mb=4096, pids=1024),
            progress=progress,
        )


def write_trust(out_dir: Path, key: RunnerKey) -> Path:
    """An allowed_signers file that trusts this runner's key, for verifying local receipts."""
    trust_dir = out_dir / "trust"
    trust_dir.mkdir(parents=True, exist_ok=True)
    path = trust_dir / "allowed_signers"
    path.write_text(key.allowed_signers_line, encoding="utf-8")
    return trust_dir


def run_many(
    cells: Sequence[CellId],
    ctx: CellContext,
    *,
    concurrency: int = 1,
    on_result: Callable[[CellResult | CellError, CellId], None] = lambda _r, _c: None,
) -> list[CellResult]:
    """Run cells with bounded concurrency. A cell that cannot produce a receipt is reported and
    does not stop the others."""
    results: list[CellResult] = []
    lock = threading.Lock()
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="cell")
    try:
        futures = {pool.submit(run_cell, cell, ctx): cell for cell in cells}
        for future in as_completed(futures):
            cell = futures[future]
            try:
                result = future.result()
            except Interrupted:
                raise
            except CellError as exc:
                on_result(exc, cell)
                continue
            except Exception as exc:  # a harness bug in one cell must not lose the others
                on_result(CellError(f"{type(exc).__name__}: {exc}"), cell)
                continue
            with lock:
                results.append(result)
            on_result(result, cell)
    finally:
        # On a signal (KeyboardInterrupt/SystemExit raised here) queued cells never start and
        # running ones end fast: their containers are gone and they raise Interrupted.
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def summary_json(results: Sequence[CellResult]) -> list[dict[str, object]]:
    return [
        {
            "cell": r.cell.key,
            "outcome": r.outcome.value,
            "envelope": str(r.envelope),
            "detail": r.detail,
            "wall_s": round(r.wall_s, 2),
            "agent_s": round(r.agent_s, 2),
            "checks_s": round(r.checks_s, 2),
        }
        for r in sorted(results, key=lambda r: r.cell.key)
    ]
