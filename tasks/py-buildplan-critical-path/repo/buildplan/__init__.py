"""buildplan: CI pipelines as job graphs."""

from buildplan.graph import CycleError, Graph, GraphError, Job
from buildplan.loader import load_plan, parse_plan
from buildplan.schedule import Schedule, schedule

__all__ = [
    "CycleError",
    "Graph",
    "GraphError",
    "Job",
    "Schedule",
    "load_plan",
    "parse_plan",
    "schedule",
]
