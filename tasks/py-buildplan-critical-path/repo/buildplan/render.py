"""Text output for the CLI."""

from __future__ import annotations

from buildplan.schedule import Schedule


def seconds(value: float) -> str:
    return f"{value:g}"


def schedule_text(plan: Schedule) -> str:
    lines = []
    for worker, slots in plan.by_worker().items():
        cells = "  ".join(f"{s.job} {seconds(s.start)}-{seconds(s.end)}" for s in slots)
        lines.append(f"worker {worker}  {cells}")
    lines.append(f"makespan {seconds(plan.makespan)}s")
    return "\n".join(lines)
