"""Agent adapters: render an agent spec into a headless run, and read what the agent reported.

Driven by the data in images/<agent>/agent.toml; there is no per-agent code while data can say it.
"""

from runner.agents._atif import (
    ATIF_VERSION,
    AtifAgent,
    AtifFinalMetrics,
    AtifMetrics,
    AtifObservation,
    AtifObservationResult,
    AtifStep,
    AtifToolCall,
    Trajectory,
)
from runner.agents._probe import ProbeResult, probe_unreachable
from runner.agents._render import AGENT_HOME, RenderedRun, RenderError, render
from runner.agents._trajectory import (
    MAX_OUTPUT_CHARS,
    TRAJECTORY_FILE,
    TrajectoryError,
    agent_log_stdout,
    build_trajectory,
    load_trajectory,
    rebuild_trajectory,
    trajectory_json,
)
from runner.agents._transcript import (
    AgentReport,
    AgentUsage,
    classify_failure,
    parse_transcript,
    read_transcript_files,
)

__all__ = [
    "AGENT_HOME",
    "ATIF_VERSION",
    "MAX_OUTPUT_CHARS",
    "TRAJECTORY_FILE",
    "AgentReport",
    "AgentUsage",
    "AtifAgent",
    "AtifFinalMetrics",
    "AtifMetrics",
    "AtifObservation",
    "AtifObservationResult",
    "AtifStep",
    "AtifToolCall",
    "ProbeResult",
    "RenderError",
    "RenderedRun",
    "Trajectory",
    "TrajectoryError",
    "agent_log_stdout",
    "build_trajectory",
    "classify_failure",
    "load_trajectory",
    "parse_transcript",
    "probe_unreachable",
    "read_transcript_files",
    "rebuild_trajectory",
    "render",
    "trajectory_json",
]
