from __future__ import annotations

import sys

import click

from runner.catalog import load_tasks
from runner.checks import TaskValidation, validate_task, write_record
from runner.cli._common import Ctx, InputError, catalog_errors, json_option, pass_ctx, print_json
from runner.images import ImageBuildError, inspect_image, runtime_tag


@click.group()
def tasks() -> None:
    """Work with the held-out tasks under tasks/."""


def _decoy_lines(result: TaskValidation) -> list[str]:
    lines = []
    for d in result.decoys:
        if d.broken:
            verdict = f"BROKEN ({d.broken})"
        elif d.caught_by:
            verdict = f"rejected by {d.summaries[0]}"
            if len(d.caught_by) > 1:
                verdict += f" (also {', '.join(d.caught_by[1:])})"
        else:
            verdict = "PASSES every check"
        lines.append(f"     decoy {d.path:<40} {d.kind:<18} {verdict}")
    return lines


@tasks.command("validate")
@click.argument("task_ids", nargs=-1)
@json_option
@click.option(
    "--record",
    is_flag=True,
    help="Merge the verdicts (digest, pass, which checks caught each decoy; no times) into "
    "tasks/validation.json, which `cab catalog tasks --json` reads.",
)
@pass_ctx
def tasks_validate(ctx: Ctx, task_ids: tuple[str, ...], as_json: bool, record: bool) -> None:
    """Prove tasks are valid: the baseline fails the runner check (a fail_to_pass test fails,
    every pass_to_pass test passes), solution.patch passes runner, lint and diff, a second run
    gives the same verdicts, every hidden test that runs is in fail_to_pass or pass_to_pass,
    the visible tests in repo/ pass on the baseline and with solution.patch, the task has at
    least 3 decoys (decoys/*.patch) and each one, run once, fails a check (runner, lint, diff
    or tamper, reported per decoy), and the task digest is stable. All tasks when no ID is given.

    Runs in containers from each task's runtime image (`cab images build-runtime --all`).
    """
    with catalog_errors():
        specs = load_tasks(ctx.root)
    unknown = [t for t in task_ids if t not in specs]
    if unknown:
        raise InputError(f"unknown task {unknown[0]!r} (see `cab catalog tasks`)")
    chosen = [specs[t] for t in task_ids] if task_ids else list(specs.values())
    if not chosen:
        raise InputError(f"no tasks under {ctx.root / 'tasks'}")
    images: dict[str, str] = {}
    for spec in chosen:
        if spec.runtime_image in images:
            continue
        try:
            tag = runtime_tag(ctx.root, spec.runtime_image)
        except ImageBuildError as exc:
            raise InputError(f"tasks/{spec.id}/task.toml: runtime_image: {exc}") from None
        if inspect_image(tag) is None:
            raise click.ClickException(
                f"{tag} is not built: run `cab images build-runtime {spec.runtime_image}`"
            )
        images[spec.runtime_image] = tag
    results = []
    for spec in chosen:
        if not as_json:
            click.echo(f"[validate] {spec.id} ...", err=True)
        result = validate_task(ctx.root / "tasks" / spec.id, spec, images[spec.runtime_image])
        results.append(result)
        if not as_json:
            if result.ok:
                click.echo(
                    f"ok   {spec.id:<32} {result.seconds:6.1f}s  baseline fails "
                    f"{len(result.baseline_failing)}/{len(spec.checks.runner.fail_to_pass)} "
                    f"fail_to_pass; gold passes runner, lint, diff x2; visible tests pass; "
                    f"{len(result.decoys)} decoys rejected  {result.digest[:19]}"
                )
            else:
                click.echo(f"FAIL {spec.id:<32} {result.seconds:6.1f}s  {result.reason}")
            for line in _decoy_lines(result):
                click.echo(line)
    if record:
        path = write_record(ctx.root / "tasks", results)
        click.echo(f"recorded {len(results)} tasks in {path}", err=True)
    if as_json:
        print_json([r.as_json() for r in results])
    failed = sum(not r.ok for r in results)
    if failed:
        click.echo(f"{failed} of {len(results)} tasks failed validation", err=True)
        sys.exit(1)
