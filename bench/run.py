"""The benchmark runner behind `nox -s bench`: every figure with min / median / max over repeats.

    python bench/run.py [--only NAME ...] [--repeats N] [--sizes 1000,10000,100000]

Benchmarks (names for --only):
  plan        plan time for the full public matrix (current models x agents x tasks x 3 attempts)
  verify      verify and merge time for 1,000 / 10,000 / 100,000 signed receipts
  throughput  cells per hour at concurrency 1, 2, 4 with calibration models (real cells)
  overhead    harness overhead per cell (bench/bench_cell_overhead.py, warm images): run_cell's
              wall time - the agent's run - the check commands' own time (the longer of the
              parallel lint and runner commands, as their driver timed them in the containers)
  attempts    a board of 10,500 attempts with their attempt pages (bench/bench_attempts.py):
              `cab board build` wall time, site size, the matrix page's time to interactive in
              Chromium
  images      warm rebuild time of the agent and runtime images and their sizes (cold build
              times are the recorded ones, see the output: a cold rebuild downloads every package);
              with CAB_BENCH_PULL_VS_BUILD=1 also cold `cab images pull` against cold
              `cab images build --no-cache` of the agents (CAB_BENCH_IMAGE_AGENTS, default all
              ten) through a real registry on 127.0.0.1. That part removes the agent images from
              the engine and prunes its build cache: run it on an engine of its own (DOCKER_HOST)
  rate        the rate budget: 4 shards (`cab cell run-many --shards-at-once 4`, a proxy each) x
              10 codex x oracle cells on one key of an emulated NIM endpoint allowing 20 requests
              a minute (`cab oracle serve --emulate nim --rpm 20`, shared with --oracle-url):
              cells counted against the agent, most requests served in any minute, wall time
              against the budget's floor (requests / 20 per minute); about 10 minutes

Writes bench/results.json (every run's raw figures) and bench/RESULTS.md (the summary), keeping
the sections of benchmarks not re-run from the previous results.json. The machine is shared:
the load average at start and end of each benchmark is recorded beside its figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

RESULTS_JSON = ROOT / "bench" / "results.json"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
FAULTS_JSON = ROOT / "bench" / "results" / "faults.json"
REDTEAM_JSON = ROOT / "bench" / "results" / "redteam.json"
SELFHOSTED_JSON = ROOT / "bench" / "results" / "selfhosted.json"
OVERHEAD_COMPARE_JSON = ROOT / "bench" / "results" / "overhead_compare.json"

# Fast calibration cells (agents whose oracle run takes seconds, tasks whose checks are quick).
THROUGHPUT_AGENTS = ("codex", "claude-code")
THROUGHPUT_MODELS = ("oracle", "null")
THROUGHPUT_TASKS = ("py-buildplan-critical-path", "py-confkit-inline-comments")


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def stats(values: Sequence[float], digits: int = 3) -> dict[str, Any]:
    return {
        "min": round(min(values), digits),
        "median": round(statistics.median(values), digits),
        "max": round(max(values), digits),
        "runs": len(values),
    }


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def machine() -> dict[str, Any]:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return {
        "os": f"{platform.system()} {platform.release()}",
        "arch": platform.machine(),
        "cpu": cpu_model,
        "cores": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "git": sha,
        "shared": "the machine runs other engineers' jobs; figures include their noise",
    }


# --- plan -------------------------------------------------------------------------------------


def bench_plan(repeats: int) -> dict[str, Any]:
    from runner.catalog import load_catalog
    from runner.plan import expand, make_plan

    catalog = load_catalog(ROOT)
    times, cells, shards = [], 0, 0
    load0 = load_average()
    for _ in range(max(repeats, 5)):
        gc.collect()
        t0 = time.perf_counter()
        cell_list = expand(catalog, attempts=3)
        plan = make_plan(catalog, cell_list)
        plan.to_json()
        times.append(time.perf_counter() - t0)
        cells, shards = len(plan.cells), len(plan.shards)
    agents, tasks = len(catalog.agents), len(catalog.tasks)
    return {
        "what": "expand + make_plan + to_json on the real catalog, all current models, 3 attempts",
        "matrix": f"{cells // (agents * tasks * 3)} models x {agents} agents x {tasks} tasks x 3",
        "cells": cells,
        "shards": shards,
        "seconds": stats(times, 4),
        "load_average": [load0, load_average()],
    }


# --- verify and merge -------------------------------------------------------------------------


def _generate(folder: Path, count: int, per_shard: int = 1000) -> tuple[Path, float]:
    """`count` distinct signed receipts with their artifact files, in shards of `per_shard`
    folders; returns the trust dir and the generation time."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from runner.catalog import ModelCatalog, parse_file
    from runner.receipts import (
        RECEIPT_NAMESPACE,
        Ed25519Signer,
        Receipt,
        public_key_line,
        sign_envelope,
        statement_bytes,
    )
    from tests.receipt_factory import ARTIFACT_TEXT, ReceiptFactory

    models = [m.id for m in parse_file(ROOT / "models.toml", ModelCatalog).models][:10]
    agents = [f"agent-{i:02d}" for i in range(10)]
    key = Ed25519PrivateKey.generate()
    signer = Ed25519Signer(key)
    trust = folder / "trust"
    trust.mkdir(parents=True)
    (trust / "allowed_signers").write_text(
        f'bench namespaces="{RECEIPT_NAMESPACE}" {public_key_line(key.public_key())}\n'
    )
    outcomes = ("passed", "failed", "passed", "agent_error", "passed", "failed", "agent_timeout")
    t0 = time.perf_counter()
    for i in range(count):
        shard = folder / "receipts" / f"shard-{i // per_shard:03d}"
        factory = ReceiptFactory(
            shard / f"cell-{i:06d}",
            {rel: data + b"%d\n" % i for rel, data in ARTIFACT_TEXT.items()},
        )
        doc = factory.predicate(
            runner_id="bench",
            agent=agents[i % 10],
            model=models[(i // 10) % len(models)],
            task=f"task-{i // 100:04d}",
            attempt=1,
            outcome=outcomes[i % len(outcomes)],
        )
        receipt = Receipt.model_validate(doc)
        data = sign_envelope(statement_bytes(receipt), signer).file_bytes()
        (factory.folder / f"{receipt.cell.key}.dsse.json").write_bytes(data)
        if i and i % 20000 == 0:
            log(f"  generated {i} receipts")
    return trust, time.perf_counter() - t0


def _cpu() -> float:
    """User + system seconds of this process and of its children that have been waited for
    (the verifier's pool workers are, when the pool closes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def bench_verify(sizes: Sequence[int], repeats: int, repeats_largest: int) -> dict[str, Any]:
    from runner.board import (
        board_json,
        board_schema,
        build_board,
        collect_verified,
        expand_receipt_paths,
    )
    from runner.board._inputs import receipts_verifier
    from runner.board._output import validate_board_bytes
    from runner.catalog import ModelCatalog, parse_file
    from runner.receipts import cyclic_gc_paused, load_trust_store, verify_receipts

    catalog = parse_file(ROOT / "models.toml", ModelCatalog)
    schema_path = ROOT / "schemas" / "receipt.schema.json"
    schema = board_schema(ROOT / "schemas")
    workers = os.cpu_count() or 1
    out: dict[str, Any] = {
        "what": "verify: verify_receipts (signature, schema, model, artifact digests) with "
        f"{workers} forked workers, as `cab receipts verify` does from 1,000 receipts; "
        "merge: what `cab board build` does before rendering the site (find files, verify "
        f"every envelope, in {workers} forked workers from 1,000 receipts, aggregate, "
        "serialise, schema-check board.json); cpu s: user + system time of the process and "
        "its workers, which the neighbours' load inflates less than the wall time",
        "target": "merge of 10,000 receipts under 5 s",
        "workers": workers,
        "sizes": {},
    }
    tmp_parent = Path(os.environ.get("CAB_BENCH_TMP", tempfile.gettempdir()))
    with tempfile.TemporaryDirectory(prefix="cab-bench-verify-", dir=tmp_parent) as tmp:
        folder = Path(tmp)
        log(f"generating {max(sizes)} signed receipts with artifacts")
        trust_dir, gen_s = _generate(folder, max(sizes))
        out["generate_and_sign_s"] = round(gen_s, 1)
        out["generated"] = max(sizes)
        trust = load_trust_store(trust_dir)
        shards = sorted((folder / "receipts").iterdir())
        for n in sizes:
            roots = shards[: -(-n // 1000)]
            verify_t, merge_t, verify_cpu, merge_cpu = [], [], [], []
            load0 = load_average()
            cells = 0
            for r in range(repeats if n < max(sizes) else repeats_largest):
                gc.collect()
                t0, c0 = time.perf_counter(), _cpu()
                verdicts = verify_receipts(roots, trust, schema_path=schema_path, workers=workers)
                verify_t.append(time.perf_counter() - t0)
                verify_cpu.append(_cpu() - c0)
                bad = [v for v in verdicts if not v.ok]
                if len(verdicts) != n or bad:
                    raise SystemExit(
                        f"bench receipts did not all verify: {len(verdicts)} {bad[:1]}"
                    )
                del verdicts
                gc.collect()
                t0, c0 = time.perf_counter(), _cpu()
                with cyclic_gc_paused():
                    paths = expand_receipt_paths(roots)
                    verified, _ = collect_verified(
                        paths, receipts_verifier(trust_dir, schema_path), skip_invalid=False
                    )
                    board = build_board(verified, catalog)
                data = board_json(board)
                validate_board_bytes(data, schema)
                merge_t.append(time.perf_counter() - t0)
                merge_cpu.append(_cpu() - c0)
                cells = len(board.cells)
                del verified, board, data
                log(f"  {n} receipts, run {r + 1}: verify {verify_t[-1]:.2f}s "
                    f"(cpu {verify_cpu[-1]:.2f}s) merge {merge_t[-1]:.2f}s "
                    f"(cpu {merge_cpu[-1]:.2f}s) load {load_average()}")  # fmt: skip
            out["sizes"][str(n)] = {
                "verify_s": stats(verify_t),
                "merge_s": stats(merge_t),
                "verify_cpu_s": stats(verify_cpu),
                "merge_cpu_s": stats(merge_cpu),
                "verify_us_per_receipt_median": round(statistics.median(verify_t) / n * 1e6, 1),
                "merge_us_per_receipt_median": round(statistics.median(merge_t) / n * 1e6, 1),
                "board_cells": cells,
                "load_average": [load0, load_average()],
            }
    return out


# --- throughput and overhead ------------------------------------------------------------------


def _cells() -> list[str]:
    return [
        f"{a}:{m}:{t}:1" for a in THROUGHPUT_AGENTS for m in THROUGHPUT_MODELS
        for t in THROUGHPUT_TASKS
    ]  # fmt: skip


def run_cells(
    cells: Sequence[str], out_dir: Path, concurrency: int, extra: Sequence[str] = ()
) -> tuple[float, int]:
    """`cab cell run-many` as a user runs it; returns (wall seconds, exit code)."""
    argv = [sys.executable, "-m", "runner", "cell", "run-many", *cells, "--out", str(out_dir),
            "-j", str(concurrency), "--key", str(out_dir.parent / f"{out_dir.name}.key"),
            "--runner-id", "bench", "--json", *extra]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        log(f"run-many exited {proc.returncode}: {proc.stderr[-2000:]}")
    return wall, proc.returncode


def read_receipts(out_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(out_dir.glob("*/receipt.json"))]


def bench_throughput(repeats: int, work: Path) -> dict[str, Any]:
    cells = _cells()
    levels: dict[str, Any] = {}
    outcomes: dict[str, int] = {}
    for conc in (1, 2, 4):
        per_hour, steady, walls = [], [], []
        load0 = load_average()
        for r in range(repeats):
            out_dir = work / f"tp-j{conc}-r{r}"
            wall, code = run_cells(cells, out_dir, conc)
            receipts = read_receipts(out_dir)
            if code != 0 or len(receipts) != len(cells):
                raise SystemExit(f"throughput run j={conc} produced {len(receipts)} receipts")
            starts = [datetime.fromisoformat(x["timings"]["started_at"]) for x in receipts]
            ends = [datetime.fromisoformat(x["timings"]["finished_at"]) for x in receipts]
            span = (max(ends) - min(starts)).total_seconds()
            walls.append(wall)
            per_hour.append(len(cells) / wall * 3600)
            steady.append(len(cells) / span * 3600)
            for x in receipts:
                outcomes[x["outcome"]] = outcomes.get(x["outcome"], 0) + 1
            log(f"  j={conc} run {r + 1}: {len(cells)} cells in {wall:.1f}s "
                f"({per_hour[-1]:.0f}/h, {steady[-1]:.0f}/h excluding start-up)")  # fmt: skip
        levels[str(conc)] = {
            "cells_per_hour": stats(per_hour, 0),
            "cells_per_hour_excluding_startup": stats(steady, 0),
            "wall_s": stats(walls, 1),
            "load_average": [load0, load_average()],
        }
    throughput = {
        "what": "`cab cell run-many` (fresh output folder, warm images) as a subprocess; "
        "cells/hour = cells / wall of the whole command (proxy + oracle start-up included); "
        "excluding start-up = cells / (last finished_at - first started_at)",
        "cells": cells,
        "outcomes": outcomes,
        "concurrency": levels,
    }

    return throughput


OVERHEAD_CELLS = 12


def bench_overhead(work: Path) -> dict[str, Any]:
    """bench/bench_cell_overhead.py (in-process cells, one shard) as a subprocess; its raw rows
    go to bench/results/cell_overhead.json, the figures with min / median / max here."""
    out = ROOT / "bench" / "results" / "cell_overhead.json"
    load0 = load_average()
    argv = [sys.executable, str(ROOT / "bench" / "bench_cell_overhead.py"),
            "--cells", str(OVERHEAD_CELLS), "--out", str(out)]  # fmt: skip
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"bench_cell_overhead.py exited {proc.returncode}: {proc.stderr[-2000:]}")
    doc = json.loads(out.read_text())
    rows = doc["runs"]

    def col(key: str, of: Callable[[dict[str, Any]], float] | None = None) -> dict[str, Any]:
        return stats([of(r) if of else r[key] for r in rows], 3)

    bare = doc["runs_without_sink"]  # each beside its pair in `rows`: the same cell, no sink

    def paired(of: Callable[[dict[str, Any]], float]) -> dict[str, Any]:
        return stats([of(a) - of(b) for a, b in zip(rows, bare, strict=True)], 3)

    return {
        "what": f"{doc['agent']} cells on oracle/null x one Python, Node and shell task, one "
        "shard, warm images (bench/bench_cell_overhead.py); overhead = run_cell's wall time - "
        "the agent's run (its exec in the sandbox) - the check commands' own time (lint and "
        "runner run in parallel containers: the longer one, as the driver inside timed it)",
        "cells": len(rows),
        "overhead_s": col("overhead_s"),
        "breakdown_s": {
            "wall": col("wall_s"),
            "agent": col("agent_s"),
            "check_commands": col("check_commands_s"),
            "checks_phase": col("checks_phase_s"),
            "outside_checks_phase": col("overhead_outside_checks_s"),
            "resolve": col("", lambda r: r["phases_s"]["resolve_s"]),
            "workspace": col("", lambda r: r["phases_s"]["workspace_s"]),
            "collect": col("", lambda r: r["phases_s"]["collect_s"]),
        },
        "egress_sink_s": {
            "added": paired(lambda r: r["overhead_outside_checks_s"]),
            "workspace_added": paired(lambda r: r["phases_s"]["workspace_s"]),
            "collect_added": paired(lambda r: r["phases_s"]["collect_s"]),
            "pairs": len(bare),
            "definition": doc["sink"]["definition"],
        },
        "shard_start_s": doc["shard_start_s"],
        "note": "checks_phase - check_commands is the checks containers' start/stop and patch "
        "apply; outside_checks_phase is everything else the harness does (workspace, sandbox "
        "start/stop, collect, receipt, signing); the shard's start-up (proxy, oracle) is paid "
        f"once per shard and not included: {doc['shard_start_s']} s here",
        "load_average": [load0, load_average()],
    }


# --- rate budget -------------------------------------------------------------------------------

RATE_RPM = 20  # the emulated endpoint's budget per key: low enough that the rate is the bottleneck
RATE_SHARDS = 4  # shards running at once on that one key, as sweep.yml's matrix runs them
RATE_CELLS_PER_SHARD = 10
RATE_TASKS = ("py-buildplan-critical-path", "py-confkit-inline-comments", "py-semver-prerelease",
              "py-cron-steps", "js-csv-quoted-fields")  # fmt: skip


def bench_rate(work: Path) -> dict[str, Any]:
    """RATE_SHARDS `cab cell run-many --shards-at-once RATE_SHARDS` processes, each with its own
    proxy, all on one key of one emulated NIM endpoint with a budget of RATE_RPM requests per
    minute (its log says what it served and refused, and when). The floor is the budget's: total
    requests / RATE_RPM minutes."""
    from runner.oracle import minute_counts
    from tests.emulator import serve_emulator

    rate_dir = work / "rate"
    load0 = load_average()
    env = {**os.environ, "CAB_RPM_NVIDIA_NIM": str(RATE_RPM)}
    procs: list[tuple[subprocess.Popen[bytes], Path]] = []
    with serve_emulator(rate_dir, ["--rpm", str(RATE_RPM)]) as (url, request_log):
        t0 = time.perf_counter()
        for i in range(RATE_SHARDS):
            # Distinct cells: shard i takes attempts i+1, i+1+RATE_SHARDS, ... of each task.
            cells = [f"codex:oracle:{RATE_TASKS[n % len(RATE_TASKS)]}:"
                     f"{1 + i + RATE_SHARDS * (n // len(RATE_TASKS))}"
                     for n in range(RATE_CELLS_PER_SHARD)]  # fmt: skip
            out = rate_dir / f"shard-{i}"
            argv = [sys.executable, "-m", "runner", "cell", "run-many", *cells, "--out", str(out),
                    "--key", str(rate_dir / f"shard-{i}.key"), "--runner-id", "bench",
                    "--shards-at-once", str(RATE_SHARDS), "--oracle-url", url,
                    "--json"]  # fmt: skip
            err = (rate_dir / f"shard-{i}.log").open("wb")
            procs.append((subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                           stderr=err), out))  # fmt: skip
        try:
            codes = [p.wait() for p, _ in procs]
        finally:
            for p, _ in procs:
                if p.poll() is None:
                    p.terminate()
        wall = time.perf_counter() - t0
    receipts = [r for _, out in procs for r in read_receipts(out)]
    outcomes: dict[str, int] = {}
    for r in receipts:
        outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
    entries = [json.loads(line) for line in request_log.read_text().splitlines()]
    served = [e for e in entries if e["path"].endswith("/chat/completions") and e["status"] == 200]
    refused = [e for e in entries if e["status"] == 429]
    floor_s = len(served) / RATE_RPM * 60
    against_agent = [r["cell"] if "cell" in r else r.get("id") for r in receipts
                     if r["outcome"] in ("failed", "agent_error", "agent_timeout")]  # fmt: skip
    result = {
        "what": f"{RATE_SHARDS} `cab cell run-many --shards-at-once {RATE_SHARDS} --oracle-url` "
        f"processes (one proxy each) x {RATE_CELLS_PER_SHARD} codex x oracle cells, one key of "
        f"one emulated NIM endpoint (`cab oracle serve --emulate nim --rpm {RATE_RPM}`); each "
        f"proxy paces its requests to {RATE_RPM}/{RATE_SHARDS} per minute; floor = requests "
        f"served / {RATE_RPM} per minute",
        "budget_rpm": RATE_RPM,
        "shards": RATE_SHARDS,
        "cells": len(receipts),
        "exit_codes": codes,
        "outcomes": outcomes,
        "cells_against_the_agent": len(against_agent),
        "requests_served": len(served),
        "requests_refused_429": len(refused),
        "most_served_in_any_minute": max(minute_counts(request_log), default=0),
        "routes": sorted({e["path"] for e in entries}),
        "wall_s": round(wall, 1),
        "floor_s": round(floor_s, 1),
        "wall_over_floor": round(wall / floor_s, 3) if floor_s else None,
        "load_average": [load0, load_average()],
    }
    if len(receipts) != RATE_SHARDS * RATE_CELLS_PER_SHARD or any(codes):
        raise SystemExit(f"rate bench: {len(receipts)} receipts, exit codes {codes}: {result}")
    return result


# --- images -----------------------------------------------------------------------------------


def _image_sizes() -> dict[str, int]:
    from runner.images import read_lock, runtime_dirs, runtime_tag
    from runner.images._build import inspect_image

    tags = {name: e.tag for name, e in read_lock(ROOT / "images").images.items()}
    tags.update({n: runtime_tag(ROOT, n) for n in runtime_dirs(ROOT)})
    sizes = {}
    for name, tag in sorted(tags.items()):
        info = inspect_image(tag)
        if info is not None:
            sizes[name] = round(info.size_bytes / 1e6)
    return sizes


def _cab_json(root: Path, *argv: str) -> Any:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "runner", "--root", str(root), *argv, "--json"],
                          capture_output=True, text=True, check=False, env=env)  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"cab {' '.join(argv)} failed: {proc.stderr[-1500:]}")
    return json.loads(proc.stdout)


def _remove_agent_images(root: Path, agents: Sequence[str]) -> None:
    """The agent images and their intermediates off the engine (cab/base stays: both a build and
    a pull start from it), and the build cache pruned: the next build or pull is cold."""
    from runner.images import read_lock

    lock = read_lock(root / "images").images
    refs = [lock[a].tag for a in agents] + ["cab/agent-base:latest", "cab/node-base:latest"]
    for ref in refs:
        subprocess.run(["docker", "image", "rm", "-f", ref], capture_output=True, check=False)
    subprocess.run(["docker", "builder", "prune", "-af"], capture_output=True, check=False)


def _row(built: dict[str, Any], pulled: list[dict[str, Any]]) -> dict[str, Any]:
    pull = next(p["seconds"] for p in pulled if p["agent"] == built["agent"])
    return {
        "cold_build_s": built["build_seconds"],
        "cold_pull_s": pull,
        "size_mb": round(built["size_bytes"] / 1e6),
    }


def bench_pull_vs_build(agents: Sequence[str]) -> dict[str, Any]:
    """Cold `cab images build --no-cache` of the agents, push to a real local registry, remove
    them, cold `cab images pull`: per agent and in total, in one run."""
    from tests.registry import local_registry

    with tempfile.TemporaryDirectory(prefix="cab-bench-pull-") as tmp:
        root = Path(tmp) / "repo"
        shutil.copytree(ROOT / "images", root / "images")
        shutil.copy2(ROOT / "models.toml", root / "models.toml")
        with local_registry(Path(tmp) / "registry") as address:
            _remove_agent_images(root, agents)
            ca = os.environ.get("CAB_CA_BUNDLE")
            t0 = time.perf_counter()
            built = _cab_json(
                root, "images", "build", "--no-cache", *(["--ca-bundle", ca] if ca else []), *agents
            )
            build_total = time.perf_counter() - t0
            log(f"  cold build of {len(agents)} agents: {build_total:.0f}s")
            t0 = time.perf_counter()
            pushed = _cab_json(root, "images", "push", "--registry", f"{address}/cab", *agents)
            push_total = time.perf_counter() - t0
            _remove_agent_images(root, agents)
            t0 = time.perf_counter()
            pulled = _cab_json(root, "images", "pull", *agents)["pulled"]
            pull_total = time.perf_counter() - t0
            log(f"  cold pull of {len(agents)} agents: {pull_total:.0f}s")
    return {
        "agents": list(agents),
        "cold_build_total_s": round(build_total, 1),
        "push_total_s": round(push_total, 1),
        "cold_pull_total_s": round(pull_total, 1),
        "per_agent": {b["agent"]: _row(b, pulled) for b in built},
        "pushed": {t["agent"]: t["reference"].split("@")[1] for t in pushed},
        "what": "one run on an engine of its own: intermediates and agents removed and the build "
        "cache pruned before each (cab/base kept); build = `cab images build --no-cache` "
        "(downloads every locked package; includes the intermediates and the in-image version "
        "check); pull = `cab images pull` by digest from Debian's docker-registry on 127.0.0.1 "
        "(the registry is local: a remote one adds the network's transfer time)",
    }


def bench_images(repeats: int, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    pull_vs_build = None
    old_pvb = (previous or {}).get("pull_vs_build")
    if os.environ.get("CAB_BENCH_PULL_VS_BUILD") == "1":
        from runner.catalog import load_agents

        wanted = os.environ.get("CAB_BENCH_IMAGE_AGENTS", "")
        agents = wanted.split(",") if wanted else sorted(load_agents(ROOT))
        pull_vs_build = {
            **bench_pull_vs_build(agents),
            "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "load_average_at_end": load_average(),
        }
        if previous and "warm_rebuild_s" in previous:
            # Its engine's build cache is pruned: a "warm" rebuild now would be a cold one.
            return {
                **previous,
                "warm_rebuild_s": {**previous["warm_rebuild_s"], "re_measured": False},
                "size_mb": {"re_measured": True, **_image_sizes()},
                "pull_vs_build": pull_vs_build,
            }
    agents_warm: list[float] = []
    runtime_warm: list[float] = []
    for r in range(repeats):
        for label, argv, bucket in (
            ("agents", ["images", "build"], agents_warm),
            ("runtime", ["images", "build-runtime", "--all"], runtime_warm),
        ):
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "runner", *argv], cwd=ROOT,
                                  capture_output=True, text=True, check=False)  # fmt: skip
            if proc.returncode != 0:
                raise SystemExit(f"warm {label} build failed: {proc.stderr[-1500:]}")
            bucket.append(time.perf_counter() - t0)
            log(f"  warm {label} build run {r + 1}: {bucket[-1]:.1f}s")
    recorded_agents = json.loads((ROOT / "bench" / "agent_images.json").read_text())
    return {
        "warm_rebuild_s": {
            "all_10_agent_images": stats(agents_warm, 1),
            "all_runtime_images": stats(runtime_warm, 1),
            "re_measured": True,
            "note": "`cab images build` / `cab images build-runtime --all`, all layers cached; "
            "includes the in-image version probes",
        },
        "cold_build_s": {
            "re_measured": False,
            "agents_total": recorded_agents["cold"]["total_s"],
            "agents_per_image": recorded_agents["cold"]["per_agent_s"],
            "agents_measured_at": recorded_agents["measured_at"],
            "runtime_python": 17.9,
            "runtime_source": "bench/results/tasks_and_runtime_images.txt (2026-11-26)",
            "agents_source": "bench/agent_images.json (`docker build --no-cache`, downloads "
            "every package again: ~6 min, not repeated here)",
        },
        "size_mb": {"re_measured": True, **_image_sizes()},
        # Measured only on an engine of its own (CAB_BENCH_PULL_VS_BUILD=1): else kept from the
        # run that measured it, with that run's date.
        **({"pull_vs_build": kept} if (kept := pull_vs_build or old_pvb) else {}),
    }


# --- output -----------------------------------------------------------------------------------


def _when(section: dict[str, Any]) -> str:
    load = section.get("load_average")
    tail = f", load average {load[0]} at start, {load[1]} at end" if load else ""
    return f"_Measured {section.get('measured_at', '?')}{tail}._"


def _fmt(s: dict[str, Any], unit: str = "", digits: int = 2) -> str:
    return (f"{s['median']:.{digits}f}{unit} ({s['min']:.{digits}f} / {s['max']:.{digits}f}, "
            f"n={s['runs']})")  # fmt: skip


def render_markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `nox -s bench` (bench/run.py) on {results['date']}, git {m['git']}.",
        f"Machine: {m['cpu'] or m['arch']}, {m['cores']} cores, {m['memory_gib']} GiB, "
        f"{m['os']}, Python {m['python']}; load average at start "
        f"{' / '.join(str(x) for x in m['load_average_at_start'])} (1/5/15 min). "
        "The machine is shared with other jobs: treat the max as noise, the min as the cost.",
        "",
        "Figures: median (min / max, n = runs).",
        "",
    ]
    b = results.get("benchmarks", {})
    when = sorted({v.get("measured_at", "?") for v in b.values()})
    if len(when) > 1:
        lines += [
            "Sections were measured in separate runs of bench/run.py (`--only`), started at "
            + ", ".join(when)
            + "; each section gives its own start time and load average.",
            "",
        ]
    if "overhead" in b:
        o = b["overhead"]
        lines += ["## Harness overhead per cell (warm images)", "", o["what"] + ".", "",
                  f"- overhead: {_fmt(o['overhead_s'], ' s')} over {o['cells']} cells"]  # fmt: skip
        for k, v in o["breakdown_s"].items():
            lines.append(f"  - {k}: {_fmt(v, ' s')}")
        if "egress_sink_s" in o:  # recorded before the sink was measured: absent
            sink = o["egress_sink_s"]
            lines += [f"- the egress sink adds: {_fmt(sink['added'], ' s')} over {sink['pairs']} "
                      f"pairs ({sink['definition']})",
                      f"  - sandbox start (workspace phase): {_fmt(sink['workspace_added'], ' s')}",
                      f"  - collect phase: {_fmt(sink['collect_added'], ' s')}"]  # fmt: skip
        lines += ["", o["note"] + ".", "", _when(o), ""]
    if "rate" in b:
        r = b["rate"]
        lines += ["## Rate budget (emulated NIM endpoint)", "", r["what"] + ".", "",
                  "| cells | outcomes | against the agent | requests served | 429s seen by "
                  "the proxies | most served in any minute (budget) | wall s | floor s | "
                  "wall / floor |", "|---|---|---|---|---|---|---|---|---|",
                  f"| {r['cells']} | {r['outcomes']} | {r['cells_against_the_agent']} | "
                  f"{r['requests_served']} | {r['requests_refused_429']} | "
                  f"{r['most_served_in_any_minute']} ({r['budget_rpm']}) | {r['wall_s']} | "
                  f"{r['floor_s']} | {r['wall_over_floor']} |", "",
                  f"Routes the endpoint was asked: {', '.join(r['routes'])}.", "", _when(r),
                  ""]  # fmt: skip
    if "throughput" in b:
        t = b["throughput"]
        lines += ["## Throughput (calibration models)", "", t["what"] + ".",
                  f"Cells: {len(t['cells'])} ({', '.join(t['cells'])}); outcomes over all runs: "
                  f"{t['outcomes']}.", "",
                  "| concurrency | cells/hour | cells/hour excl. start-up | wall s "
                  "| load at start |",
                  "|---|---|---|---|---|"]  # fmt: skip
        for conc, v in t["concurrency"].items():
            lines.append(f"| {conc} | {_fmt(v['cells_per_hour'], '', 0)} | "
                         f"{_fmt(v['cells_per_hour_excluding_startup'], '', 0)} | "
                         f"{_fmt(v['wall_s'], '', 1)} | {v['load_average'][0]} |")  # fmt: skip
        lines += ["", _when({"measured_at": t.get("measured_at")}), ""]
    if "verify" in b:
        v = b["verify"]
        lines += ["## Verify and merge", "", v["what"] + ".",
                  f"Receipts generated and signed in {v['generate_and_sign_s']} s.", "",
                  "| receipts | verify s | merge s | verify µs/receipt | merge µs/receipt "
                  "| verify cpu s | merge cpu s |",
                  "|---|---|---|---|---|---|---|"]  # fmt: skip
        for n, row in v["sizes"].items():
            cpu = [_fmt(row[k]) if k in row else "-" for k in ("verify_cpu_s", "merge_cpu_s")]
            lines.append(f"| {int(n):,} | {_fmt(row['verify_s'])} | {_fmt(row['merge_s'])} | "
                         f"{row['verify_us_per_receipt_median']} | "
                         f"{row['merge_us_per_receipt_median']} | "
                         f"{cpu[0]} | {cpu[1]} |")  # fmt: skip
        lines += [
            "",
            "Figures are median (best / worst, n runs). "
            + (f"Target: {v['target']}. " if "target" in v else "")
            + "Growth is linear when the µs/receipt columns stay flat. Load average at the "
            "start and end of each size: "
            + ", ".join(
                f"{int(n):,}: {row['load_average'][0]} -> {row['load_average'][1]}"
                for n, row in v["sizes"].items()
            )
            + ".",
            "",
            _when({"measured_at": v.get("measured_at")}),
            "",
        ]
    if "attempts" in b:
        a = b["attempts"]
        t, met = a["targets"], a["met"]
        lines += ["## Attempt pages at scale", "", a["what"] + ".",
                  f"Receipts generated and signed in {a['generate_and_sign_s']} s.", "",
                  f"- board build: {_fmt(a['build_s'], ' s')} (target < {t['build_s']:.0f} s: "
                  f"{'met' if met['build'] else 'NOT met'})",
                  f"- site: {a['site_mb']} MB in {a['site_files']:,} files, "
                  f"{a['attempt_pages']:,} attempt pages (target < {t['site_mb']:.0f} MB: "
                  f"{'met' if met['site'] else 'NOT met'})",
                  f"- matrix page ({a['index_kb']} kB) interactive: "
                  f"{_fmt(a['matrix_interactive_ms'], ' ms', 0)} (target < "
                  f"{t['interactive_ms']:.0f} ms: {'met' if met['interactive'] else 'NOT met'})",
                  "", "Load average at start and end: "
                  f"{' -> '.join(str(x) for x in a.get('load_average', []))} (2 cores, shared).",
                  "", _when(a), ""]  # fmt: skip
    if "plan" in b:
        p = b["plan"]
        lines += ["## Plan time, full public matrix", "",
                  f"{p['matrix']} = {p['cells']:,} cells in {p['shards']} shards: "
                  f"{_fmt(p['seconds'], ' s', 3)}. {p['what']}.", "", _when(p), ""]  # fmt: skip
    if "images" in b:
        i = b["images"]
        w, c = i["warm_rebuild_s"], i["cold_build_s"]
        again = (
            "re-measured"
            if w.get("re_measured", True)
            else "not re-measured in the pull-vs-build run, whose engine's build cache is pruned"
        )
        lines += ["## Images", "",
                  f"- warm rebuild, all 10 agent images: {_fmt(w['all_10_agent_images'], ' s', 1)}"
                  f" ({again})",
                  f"- warm rebuild, runtime images: {_fmt(w['all_runtime_images'], ' s', 1)}"
                  f" ({again})",
                  f"- cold build, all agent images: {c['agents_total']} s (recorded "
                  f"{c['agents_measured_at']}, not re-measured: {c['agents_source']})",
                  f"- cold build, runtime-python: {c['runtime_python']} s (recorded: "
                  f"{c['runtime_source']})", "",
                  "", _when({"measured_at": i.get("measured_at")}), "",
                  "| image | size MB (re-measured) |", "|---|---|"]  # fmt: skip
        for name, mb in i["size_mb"].items():
            if name != "re_measured":
                lines.append(f"| {name} | {mb} |")
        lines.append("")
        pvb = i.get("pull_vs_build")
        if pvb:
            lines += ["### Cold pull against cold build", "",
                      f"{len(pvb['agents'])} agents: cold build {pvb['cold_build_total_s']} s, "
                      f"cold pull {pvb['cold_pull_total_s']} s (push {pvb['push_total_s']} s). "
                      f"{pvb['what']}.", "",
                      "| agent | cold build s | cold pull s | size MB |",
                      "|---|---|---|---|"]  # fmt: skip
            for name, row in pvb["per_agent"].items():
                lines.append(f"| {name} | {row['cold_build_s']} | {row['cold_pull_s']} | "
                             f"{row['size_mb']} |")  # fmt: skip
            if "measured_at" in pvb:
                load = pvb.get("load_average_at_end")
                lines += ["", f"_Measured {pvb['measured_at']} (finished)"
                              + (f", load average {load} at the end" if load is not None else "")
                              + "._"]  # fmt: skip
            lines.append("")
    faults = results.get("faults")
    if faults:
        lines += fault_table(faults)
    if results.get("overhead_compare"):
        lines += overhead_compare(results["overhead_compare"])
    if results.get("redteam"):
        lines += redteam_table(results["redteam"])
    if results.get("selfhosted"):
        lines += selfhosted_table(results["selfhosted"])
    return "\n".join(lines).rstrip() + "\n"


def overhead_compare(cmp: dict[str, Any]) -> list[str]:
    def row(name: str, r: dict[str, Any]) -> str:
        o, out = r["overhead_s"], r["overhead_outside_checks_s"]
        spread = f"{o['median']} ({o['min']} / {o['max']})"
        return (
            f"| {name} ({r['git_sha']}) | {r['date']} | {spread} | {out['median']} | {r['cells']} |"
        )

    how = cmp.get("how", "one run after the other")
    return [
        f"## {cmp['benchmark']}", "",
        f"bench/bench_cell_overhead.py on the same machine, {how} "
        f"(load average {cmp['load_average_at_end']:.1f} at the end). Seconds, median (min / max).",
        "", "| code | measured | overhead per cell | outside the checks | cells |",
        "|---|---|---|---|---|", row("before", cmp["before"]), row("after", cmp["after"]), "",
        *(f"- {note}" for note in cmp.get("notes", [])), *([""] if cmp.get("notes") else []),
    ]  # fmt: skip


def redteam_table(redteam: dict[str, Any]) -> list[str]:
    cells = redteam.get("cells", [])
    passed = sum(c["outcome"] == "passed" for c in cells)
    lines = [
        "## Red team (`nox -s redteam`, tests/test_redteam.py)", "",
        f"Recorded {redteam.get('date', '?')}: the `cheat` calibration model through real agents, "
        f"one exploit per attempt; {len(cells)} cells, **{passed} passed**.", "",
        "| agent | task | exploit (what it tries) | outcome | how it was caught |",
        "|---|---|---|---|---|",
    ]  # fmt: skip
    for c in sorted(cells, key=lambda c: (c["task"], c["attempt"], c["agent"])):
        caught = c["caught_by"].replace("|", "/")
        lines.append(
            f"| {c['agent']} | {c['task']} | {c['exploit']} ({c['tries']}) | {c['outcome']} "
            f"| {caught} |"
        )
    return [*lines, ""]


def selfhosted_table(run: dict[str, Any]) -> list[str]:
    cells = run.get("cells", [])
    metered = sum(c["output_tokens"] for c in cells)
    cut = sum(c.get("cut_output_tokens_estimated", 0) for c in cells)
    counted = run.get("server_counted_output_tokens")
    lines = [
        "## Self-hosted model (`nox -s selfhosted`, tests/selfhosted)", "",
        f"Recorded {run.get('date', '?')}: `{run['model']}` ({run['gguf']}) served by "
        f"{run['server']} on 127.0.0.1 with `{run['template']}`, behind the cells' LiteLLM "
        f"proxy; one cell at a time. Output tokens metered at the proxy: {metered}"
        + (f" ({counted} counted by llama-server in its usage, {cut} LiteLLM's estimate of "
           "streams the agent cut)" if counted is not None else "")
        + f"; predicted by llama-server meanwhile: {run['server_tokens_predicted']:.0f} "
        f"(prompt tokens it evaluated: {run['server_prompt_tokens']:.0f}).", "",
        "| agent | task | outcome | wall s | agent s | requests (failed, cut) | tokens in / out |",
        "|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for c in cells:
        lines.append(
            f"| {c['agent']} | {c['task']} | {c['outcome']} | {c['wall_s']} | {c['agent_s']} "
            f"| {c['requests']} ({c['failed_requests']}, {c.get('cut_requests', '?')}) "
            f"| {c['input_tokens']} / {c['output_tokens']} |"
        )
    return [*lines, ""]


def fault_table(faults: dict[str, Any]) -> list[str]:
    lines = ["## Fault injection (`nox -s faults`, tests/test_faults.py)", "",
             f"Last recorded {faults.get('date', '?')} (a row recorded at another time says "
             "when). Cells before = cells asked for; after fault = "
             "valid receipts right after the fault (infra errors among them: nothing measured, "
             "retried by the resume); after resume = valid receipts once resumed. "
             "Board = board.json cell aggregates equal to the undisturbed run's.", "",
             "| fault | tried | cells before | after fault | after resume | survived | board "
             "same | leaked containers |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    hostile = faults.get("faults", {}).get("hostile_input")
    for name, f in sorted(faults.get("faults", {}).items()):
        if name == "hostile_input":
            continue
        after = f.get("cells_after_fault", "")
        infra = sum(o == "infra_error" for o in (f.get("outcomes_after_fault") or {}).values())
        if infra:
            after = f"{after} ({infra} infra_error)"
        board = f.get("board_same", "")
        if board is False and f.get("usage_diff"):
            board = "outcomes: True; tokens differ (note)"
        when = f.get("recorded")
        tried = f.get("tried", "") + (f" (recorded {when})" if when and when != faults.get("date")
                                      else "")  # fmt: skip
        lines.append(
            f"| {name} | {tried} | {f.get('cells_before', '')} | "
            f"{after} | {f.get('cells_after_resume', '')} | "
            f"{f.get('survived', '')} | {board} | "
            f"{f.get('leaked_containers', '')} |"
        )
    if hostile:
        lines += ["", f"Hostile input ({hostile['tried']}): CLI exit codes over the examples "
                  "(0 = the mutation was still valid, 2 = one-line input error, 1 = `receipts "
                  "verify` FAIL verdict); no traceback in any.", "",
                  "| file | examples | exit codes |", "|---|---|---|"]  # fmt: skip
        for kind, counts in sorted(hostile["results"].items()):
            codes = ", ".join(f"{k.removeprefix('exit_')}: {v}" for k, v in sorted(counts.items())
                              if k.startswith("exit_"))  # fmt: skip
            lines.append(f"| {kind} | {counts['examples']} | {codes} |")
    notes = [(n, f["note"]) for n, f in sorted(faults.get("faults", {}).items()) if f.get("note")]
    if notes:
        lines += ["", "Notes:"] + [f"- {n}: {text}" for n, text in notes]
    if faults.get("excluded_fields"):
        lines += ["", "Board fields excluded from the comparison (timing-dependent): "
                  + ", ".join(faults["excluded_fields"]) + "."]  # fmt: skip
    return [*lines, ""]


SECTIONS = ("plan", "verify", "throughput", "overhead", "images", "attempts", "rate")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", default=None, choices=list(SECTIONS))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument(
        "--repeats-largest",
        type=int,
        default=1,
        help="repeats at the largest size (100,000 receipts take minutes per run)",
    )
    ap.add_argument("--markdown-only", action="store_true",
                    help="re-render RESULTS.md from results.json and the fault report")  # fmt: skip
    args = ap.parse_args()
    previous = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.is_file() else {}
    results: dict[str, Any] = previous
    if not args.markdown_only:
        results = {
            "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "machine": machine(),
            "repeats": args.repeats,
            "benchmarks": dict(previous.get("benchmarks", {})),
        }
        only = set(args.only or SECTIONS)
        work = Path(tempfile.mkdtemp(prefix="cab-bench-"))
        try:
            steps: list[tuple[str, Callable[[], None]]] = []
            b = results["benchmarks"]

            def do_plan() -> None:
                b["plan"] = bench_plan(args.repeats)

            def do_verify() -> None:
                sizes = [int(s) for s in args.sizes.split(",")]
                b["verify"] = bench_verify(sizes, args.repeats, args.repeats_largest)

            def do_throughput() -> None:
                b["throughput"] = bench_throughput(args.repeats, work)

            def do_overhead() -> None:
                b["overhead"] = bench_overhead(work)

            def do_images() -> None:
                b["images"] = bench_images(args.repeats, b.get("images"))

            def do_attempts() -> None:
                from bench.bench_attempts import bench_attempts

                b["attempts"] = bench_attempts(args.repeats, log, stats)

            def do_rate() -> None:
                b["rate"] = bench_rate(work)

            steps = [("plan", do_plan), ("overhead", do_overhead), ("throughput", do_throughput),
                     ("verify", do_verify), ("images", do_images),
                     ("attempts", do_attempts), ("rate", do_rate)]  # fmt: skip
            for name, fn in steps:
                if name in only:
                    log(f"{name} ...")
                    t0 = time.perf_counter()
                    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                    fn()
                    b[name]["measured_at"] = started
                    log(f"{name} done in {time.perf_counter() - t0:.0f}s")
                    _write(results)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if FAULTS_JSON.is_file():
        results["faults"] = json.loads(FAULTS_JSON.read_text())
    if REDTEAM_JSON.is_file():
        results["redteam"] = json.loads(REDTEAM_JSON.read_text())
    if SELFHOSTED_JSON.is_file():
        results["selfhosted"] = json.loads(SELFHOSTED_JSON.read_text())
    if OVERHEAD_COMPARE_JSON.is_file():
        results["overhead_compare"] = json.loads(OVERHEAD_COMPARE_JSON.read_text())
    _write(results)
    print(RESULTS_MD.read_text())
    return 0


def _write(results: dict[str, Any]) -> None:
    """Atomic writes: a killed bench leaves the previous results, never half a file."""
    for path, text in (
        (RESULTS_JSON, json.dumps(results, indent=2, sort_keys=True) + "\n"),
        (RESULTS_MD, render_markdown(results)),
    ):
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)


if __name__ == "__main__":
    raise SystemExit(main())
