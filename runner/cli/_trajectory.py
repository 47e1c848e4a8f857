"""`cab trajectory show|export`: what an agent did in one attempt, from its receipt's folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
from pydantic import ValidationError

from runner.agents import Trajectory, TrajectoryError, load_trajectory, rebuild_trajectory
from runner.catalog import load_catalog
from runner.cli._common import Ctx, InputError, catalog_errors, pass_ctx
from runner.receipts import Receipt

_PREVIEW = 300  # characters of a message or tool output shown per step without --full
# The agent's text is untrusted: control characters (ANSI escapes that rewrite the terminal, a
# carriage return that hides a line) are shown as escapes, never sent to the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_receipt_dir = click.argument(
    "receipt_dir", type=click.Path(exists=True, file_okay=False, path_type=Path)
)


@click.group()
def trajectory() -> None:
    """An attempt's ATIF trajectory: the agent's steps, tool calls and what they returned."""


def _load(ctx: Ctx, folder: Path) -> Trajectory:
    path = folder / "receipt.json"
    try:
        receipt = Receipt.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    except ValidationError as exc:
        raise InputError(f"{path}: not a receipt ({exc.errors()[0]['msg']})") from None
    try:
        found = load_trajectory(folder, receipt)
        if found is not None:
            return found
        # A receipt from before cells stored trajectories: read it again from its artifacts.
        with catalog_errors():
            spec = load_catalog(ctx.root).agents.get(receipt.cell.agent)
        task = ctx.root / "tasks" / receipt.cell.task / "instruction.md"
        if spec is None or not task.is_file():
            cell = receipt.cell
            raise InputError(
                f"{folder}: no trajectory artifact, and the catalog at {ctx.root} "
                f"lacks agent {cell.agent!r} or task {cell.task!r}"
            )
        rebuilt = rebuild_trajectory(folder, receipt, spec, task.read_text(encoding="utf-8"))
    except (TrajectoryError, OSError, json.JSONDecodeError) as exc:
        raise InputError(str(exc)) from None
    if rebuilt is None:
        raise InputError(f"{folder}: agent {receipt.cell.agent!r} declares no trajectory reader")
    click.echo(
        f"[trajectory] {folder}: no trajectory artifact; rebuilt from agent.log and "
        "transcript.json",
        err=True,
    )
    return rebuilt


def _printable(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _clip(text: str, full: bool) -> str:
    text = _printable(text.rstrip())
    if full or len(text) <= _PREVIEW:
        return text
    return text[:_PREVIEW] + f" [... {len(text) - _PREVIEW} more chars]"


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines() or [""])


def format_steps(t: Trajectory, *, full: bool = False) -> str:
    """The steps as terminal text: one header line per step, then its message, calls, results."""
    out = [
        f"{_printable(t.agent.name)} {_printable(t.agent.version)} on "
        f"{_printable(t.agent.model_name or '?')}: "
        f"{len(t.steps)} steps, {len(t.tool_calls)} tool calls"
    ]
    for s in t.steps:
        head = f"#{s.step_id} {s.source}"
        if s.timestamp:
            head += f"  {_printable(s.timestamp)}"
        if s.metrics and s.metrics.prompt_tokens is not None:
            head += f"  ({s.metrics.prompt_tokens} in / {s.metrics.completion_tokens or 0} out)"
        out.append(head)
        if s.reasoning_content:
            out.append(_indent(_clip(s.reasoning_content, full), "  (thinking) "))
        if s.message:
            out.append(_indent(_clip(s.message, full), "  "))
        for c in s.tool_calls or ():
            args = json.dumps(c.arguments, ensure_ascii=False, sort_keys=True)
            out.append(_indent(_clip(f"{c.function_name}({args})", full), "  -> "))
        for r in s.observation.results if s.observation else ():
            out.append(_indent(_clip(r.content or "(no output)", full), "  <- "))
    fm = t.final_metrics
    if fm is not None:
        out.append(
            f"metered: {fm.total_prompt_tokens} input, {fm.total_completion_tokens} "
            f"output, {fm.total_cached_tokens} cached tokens"
        )
    return "\n".join(out)


@trajectory.command("show")
@_receipt_dir
@click.option("--full", is_flag=True, help="Print messages and tool outputs whole.")
@pass_ctx
def show(ctx: Ctx, receipt_dir: Path, full: bool) -> None:
    """Print the steps of the attempt whose receipt.json is in RECEIPT_DIR.

    Reads; does not verify the receipt's signature (`cab receipts verify` does). The trajectory
    must match the digest the receipt records."""
    click.echo(format_steps(_load(ctx, receipt_dir), full=full))


@trajectory.command("export")
@_receipt_dir
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["atif"]),
    default="atif",
    show_default=True,
    help="Output format: ATIF v1.7 JSON (schemas/trajectory.schema.json).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: stdout).",
)
@pass_ctx
def export(ctx: Ctx, receipt_dir: Path, fmt: str, output: Path | None) -> None:
    """Write the attempt's trajectory whose receipt.json is in RECEIPT_DIR."""
    text = _load(ctx, receipt_dir).to_json() + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)  # never half a file
    click.echo(f"wrote {output}", err=True)
