"""Benchmark: a board of 10,500 attempts with their attempt pages (bench/run.py --only attempts).

Generates signed receipts (10 agents x 10 catalogued models x 35 tasks x 3 attempts) whose folders
hold every artifact a cell writes, the trajectory included (the recorded claude-code oracle cell's,
per receipt made distinct), then times `cab board build` end to end in a fresh process (find,
verify in forked workers, aggregate, render every page, write), measures the site's size, and
opens the matrix page in Debian's Chromium from a 127.0.0.1 server, reading the navigation's
domInteractive and domContentLoaded marks. Targets: build under 60 s, site under 300 MB, matrix
interactive under 1 s.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
TARGETS = {"build_s": 60.0, "site_mb": 300.0, "interactive_ms": 1000.0}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def generate(folder: Path, agents: int = 10, tasks: int = 35, attempts: int = 3) -> Path:
    """Signed receipts with artifacts under folder/receipts; returns the trust dir."""
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
    from tests.board.attempts_demo import PATCH, trajectory_bytes
    from tests.receipt_factory import ARTIFACT_TEXT, ReceiptFactory

    models = [m.id for m in parse_file(ROOT / "models.toml", ModelCatalog).models][:10]
    key = Ed25519PrivateKey.generate()
    signer = Ed25519Signer(key)
    trust = folder / "trust"
    trust.mkdir(parents=True)
    (trust / "allowed_signers").write_text(
        f'bench namespaces="{RECEIPT_NAMESPACE}" {public_key_line(key.public_key())}\n'
    )
    trajectory = trajectory_bytes("claude-code")
    outcomes = ("passed", "failed", "passed", "agent_error", "passed", "failed", "agent_timeout")
    i = 0
    for a in range(agents):
        for model in models:
            for t in range(tasks):
                for n in range(1, attempts + 1):
                    arts = {rel: data + b"%d\n" % i for rel, data in ARTIFACT_TEXT.items()}
                    arts["patch.diff"] = PATCH + b"+# %d\n" % i
                    arts["trajectory.json"] = trajectory.replace(b'"s"', b'"s%d"' % i, 1)
                    factory = ReceiptFactory(
                        folder / "receipts" / f"shard-{i // 1000:03d}" / f"cell-{i:06d}", arts
                    )
                    doc = factory.predicate(
                        runner_id="bench", agent=f"agent-{a:02d}", model=model,
                        task=f"task-{t:04d}", attempt=n, outcome=outcomes[i % len(outcomes)],
                    )  # fmt: skip
                    doc["artifacts"]["trajectory"] = factory.artifact("trajectory.json")
                    receipt = Receipt.model_validate(doc)
                    data = sign_envelope(statement_bytes(receipt), signer).file_bytes()
                    (factory.folder / f"{receipt.cell.key}.dsse.json").write_bytes(data)
                    i += 1
    return trust


def build(receipts: Path, trust: Path, out: Path) -> float:
    """`cab board build` in a fresh process, as a user runs it; its wall time."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "runner", "--root", str(ROOT), "board", "build",
            str(receipts), "-o", str(out), "--trust", str(trust), "--json"]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"board build failed: {proc.stderr.strip()[-500:]}")
    return wall


def site_size(out: Path) -> tuple[int, int]:
    """(bytes, files) of the built folder."""
    files = [p for p in out.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def matrix_interactive(out: Path, repeats: int) -> list[dict[str, float]]:
    """Navigation timings (ms) of index.html in Chromium, one fresh page per repeat."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    runs = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            for _ in range(repeats):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
                nav = page.evaluate(
                    "() => { const n = performance.getEntriesByType('navigation')[0];"
                    " return {interactive: n.domInteractive,"
                    " content_loaded: n.domContentLoadedEventEnd, load: n.loadEventEnd,"
                    " bytes: n.transferSize}; }"
                )
                runs.append({k: round(float(v), 1) for k, v in nav.items()})
                page.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    return runs


def bench_attempts(repeats: int, log: Any, stats: Any) -> dict[str, Any]:
    tmp_parent = Path(os.environ.get("CAB_BENCH_TMP", tempfile.gettempdir()))
    load0 = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="cab-bench-attempts-", dir=tmp_parent) as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        trust = generate(folder)
        gen_s = time.perf_counter() - t0
        count = sum(1 for _ in (folder / "receipts").rglob("*.dsse.json"))
        log(f"  generated {count} signed receipts with artifacts in {gen_s:.0f}s")
        builds = []
        for r in range(repeats):
            builds.append(build(folder / "receipts", trust, folder / "site"))
            log(f"  board build {r + 1}: {builds[-1]:.1f}s")
        size, files = site_size(folder / "site")
        pages = sum(1 for _ in (folder / "site" / "attempts").glob("*.html"))
        nav = matrix_interactive(folder / "site", max(repeats, 3))
        index_bytes = (folder / "site" / "index.html").stat().st_size
    interactive = [n["interactive"] for n in nav]
    return {
        "what": f"`cab board build` of {count:,} signed receipts (10 agents x 10 models x 35 "
        "tasks x 3 attempts, every artifact a cell writes, a real trajectory each) in a fresh "
        "process: verify, aggregate, render every page (matrix, cells, attempts, tasks), write; "
        "then the matrix page opened in Chromium from 127.0.0.1 (domInteractive)",
        "attempts": count,
        "generate_and_sign_s": round(gen_s, 1),
        "build_s": stats(builds, 2),
        "site_mb": round(size / 1e6, 1),
        "site_files": files,
        "attempt_pages": pages,
        "index_kb": round(index_bytes / 1e3, 1),
        "matrix_interactive_ms": stats(interactive, 1),
        "matrix_navigation": nav,
        "targets": TARGETS,
        "load_average": [load0, round(os.getloadavg()[0], 2)],
        "met": {
            "build": min(builds) < TARGETS["build_s"],
            "site": size / 1e6 < TARGETS["site_mb"],
            "interactive": min(interactive) < TARGETS["interactive_ms"],
        },
    }


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT)]
    result = bench_attempts(1, print, lambda v, d=2: {"min": round(min(v), d), "runs": len(v)})
    print(json.dumps(result, indent=1))
