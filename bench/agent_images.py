"""Cold and warm build times and sizes of the agent images.

    python bench/agent_images.py [AGENT...] [--skip-cold]

Cold: every layer rebuilt (`--no-cache`, intermediates included, packages downloaded again).
Warm: the same build again, all from the Docker cache. Results go to bench/agent_images.json
with the machine's core count; the numbers depend on registry bandwidth, so compare runs on
the same machine only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from runner.images import build_agent_images  # noqa: E402


def timed(agents: list[str], no_cache: bool) -> dict[str, object]:
    started = time.monotonic()
    built = build_agent_images(
        ROOT, agents, no_cache=no_cache, progress=lambda m: print(m, file=sys.stderr)
    )
    return {
        "total_s": round(time.monotonic() - started, 1),
        "per_agent_s": {b.agent: b.build_seconds for b in built},
        "size_mb": {b.agent: round(b.size_bytes / 1e6) for b in built},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("agents", nargs="*")
    ap.add_argument("--skip-cold", action="store_true")
    args = ap.parse_args()
    result: dict[str, object] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }
    if not args.skip_cold:
        result["cold"] = timed(args.agents, no_cache=True)
    result["warm"] = timed(args.agents, no_cache=False)
    out = ROOT / "bench" / "agent_images.json"
    out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
