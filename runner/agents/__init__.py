"""Agent adapters: render an agent spec into a headless run, and read what the agent reported.

Driven by the data in images/<agent>/agent.toml; there is no per-agent code while data can say it.
"""

from runner.agents._probe import ProbeResult, probe_unreachable
from runner.agents._render import AGENT_HOME, RenderedRun, RenderError, render
from runner.agents._transcript import (
    AgentReport,
    AgentUsage,
    classify_failure,
    parse_transcript,
    read_transcript_files,
)

__all__ = [
    "AGENT_HOME",
    "AgentReport",
    "AgentUsage",
    "ProbeResult",
    "RenderError",
    "RenderedRun",
    "classify_failure",
    "parse_transcript",
    "probe_unreachable",
    "read_transcript_files",
    "render",
]
