"""Render an AgentSpec for one cell: argv, environment and config files."""

from __future__ import annotations

import re
from typing import NamedTuple

from runner.catalog import AgentSpec

# The non-root user every agent image runs as (images/agent-base/Dockerfile).
AGENT_HOME = "/home/agent"
WORKSPACE = "/workspace"

FIELD = re.compile(r"\{(prompt|model|base_url|api_key|workspace|home)\}")
# Values spliced into config files (JSON, TOML, YAML) are not escaped, so they must need none.
# The prompt is never allowed there: it travels in argv, where no quoting applies.
UNSAFE_IN_FILE = re.compile(r"[\"'\\\x00-\x1f{}]")


class RenderError(ValueError):
    """A value cannot be rendered safely into the agent's command or config."""


class RenderedRun(NamedTuple):
    argv: list[str]
    env: dict[str, str]
    files: dict[str, str]  # absolute path inside the container -> content


def _fill(template: str, values: dict[str, str]) -> str:
    return FIELD.sub(lambda m: values[m.group(1)], template)


def _container_path(path: str, home: str) -> str:
    return home + path[1:] if path.startswith("~/") else path


def render(
    spec: AgentSpec,
    model: str,
    base_url: str,
    api_key: str,
    workspace: str = WORKSPACE,
    prompt: str = "",
    *,
    home: str = AGENT_HOME,
) -> RenderedRun:
    """The headless command, its environment and the config files for one cell.

    `base_url` is the proxy's origin as the agent sees it (http://127.0.0.1:4000, the in-container
    forwarder); templates append the API path they need.
    """
    if not prompt.strip():
        raise RenderError("the prompt is empty")
    values = {
        "prompt": prompt,
        "model": model,
        "base_url": base_url.rstrip("/"),
        "api_key": api_key,
        "workspace": workspace,
        "home": home,
    }
    argv = [_fill(part, values) for part in spec.command]
    env = {name: _fill(value, values) for name, value in spec.env.items()}
    files: dict[str, str] = {}
    for cfg in spec.config_files:
        used = set(FIELD.findall(cfg.template))
        if "prompt" in used:
            raise RenderError(f"{cfg.path}: the prompt may only be passed in argv or env")
        for name in sorted(used):
            if UNSAFE_IN_FILE.search(values[name]):
                raise RenderError(
                    f"{cfg.path}: {name} {values[name]!r} has characters that would need "
                    "escaping in a config file"
                )
        files[_container_path(cfg.path, home)] = _fill(cfg.template, values)
    return RenderedRun(argv, env, files)
