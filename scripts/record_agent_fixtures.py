"""Record each agent's real output against an unreachable proxy as test fixtures.

    python scripts/record_agent_fixtures.py [AGENT...] [--timeout 60]

Runs the agent's headless command (rendered from its agent.toml) in its locked image with
--network none and no proxy socket, and writes tests/fixtures/agents/<agent>/refused/:
stdout.txt, stderr.txt, run.json and files/ (its transcript files, paths relative to its home).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from runner.agents import AGENT_HOME, probe_unreachable  # noqa: E402
from runner.catalog import load_agents  # noqa: E402
from runner.images import read_lock  # noqa: E402


def record(name: str, timeout_s: float) -> Path:
    spec = load_agents(ROOT)[name]
    image = read_lock(ROOT / "images").images[name].image_id
    with tempfile.TemporaryDirectory(prefix=f"cab-rec-{name}-") as tmp:
        res = probe_unreachable(spec, image, Path(tmp), timeout_s=timeout_s)
    out = ROOT / "tests" / "fixtures" / "agents" / name / "refused"
    shutil.rmtree(out, ignore_errors=True)
    (out / "files").mkdir(parents=True)
    (out / "stdout.txt").write_text(res.stdout, encoding="utf-8")
    (out / "stderr.txt").write_text(res.stderr, encoding="utf-8")
    for path, text in res.files.items():
        target = out / "files" / path[len(AGENT_HOME) + 1 :]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    meta = {
        "agent": name,
        "version": spec.package.version,
        "image_id": image,
        "argv": res.rendered.argv,
        "exit_code": res.exit_code,
        "timed_out": res.timed_out,
        "seconds": res.seconds,
    }
    (out / "run.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("agents", nargs="*")
    ap.add_argument("--timeout", type=float, default=60)
    args = ap.parse_args()
    for name in args.agents or sorted(load_agents(ROOT)):
        out = record(name, args.timeout)
        meta = json.loads((out / "run.json").read_text())
        print(
            f"{name}: exit={meta['exit_code']} timed_out={meta['timed_out']} "
            f"{meta['seconds']}s -> {out.relative_to(ROOT)}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
