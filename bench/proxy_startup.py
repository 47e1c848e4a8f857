"""Proxy start-up time: a fresh LiteLLM proxy process (config from models.toml + the calibration
models) from spawn until /health/liveliness answers, then the first completion through it.

Run: python bench/proxy_startup.py [--runs 3] [--out bench/results/proxy_startup.json]
Each run is a new process ("cold" for the interpreter; the OS page cache stays warm after the
first run, which is also the case on a sweep shard that starts one proxy).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
MODEL = "null"  # the model the timed request asks for, and the only one its key admits
sys.path.insert(0, str(ROOT))

from runner.catalog import load_models  # noqa: E402
from runner.oracle import OracleServer, OracleSettings, load_oracle_tasks  # noqa: E402
from runner.proxy import ProxyServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/proxy_startup.json")
    args = parser.parse_args()
    catalog = load_models(ROOT)
    tasks = load_oracle_tasks(ROOT / "tests" / "fixtures")
    runs = []
    with OracleServer(OracleSettings(tasks)) as oracle:
        for i in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="cab-bench-") as tmp:
                proxy = ProxyServer(catalog, usage_dir=Path(tmp) / "usage",
                                    oracle_url=oracle.url)  # fmt: skip
                t0 = time.monotonic()
                proxy.start()
                healthy = time.monotonic() - t0
                try:
                    t1 = time.monotonic()
                    r = httpx.post(
                        f"{proxy.url}/v1/chat/completions",
                        json={"model": MODEL, "messages": [{"role": "user", "content": "hi"}]},
                        headers={
                            "authorization": f"Bearer {proxy.mint_key('bench', model='null')}"
                        },
                        timeout=60,
                    )
                    r.raise_for_status()
                    first = time.monotonic() - t1
                finally:
                    t2 = time.monotonic()
                    proxy.stop()
                    stopped = time.monotonic() - t2
            run = {"healthy_s": round(healthy, 2), "first_request_s": round(first, 3),
                   "stop_s": round(stopped, 2)}  # fmt: skip
            print(f"run {i + 1}: {run}", file=sys.stderr)
            runs.append(run)
    healthy_all = [r["healthy_s"] for r in runs]
    result = {
        "benchmark": "proxy_startup",
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "models_in_config": len(catalog.models) + 5,
        "runs": runs,
        "healthy_s": {
            "min": min(healthy_all),
            "median": statistics.median(healthy_all),
            "max": max(healthy_all),
        },
        "load_average_at_end": list(os.getloadavg()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["healthy_s"]))


if __name__ == "__main__":
    main()
