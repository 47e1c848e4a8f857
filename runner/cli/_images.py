from __future__ import annotations

import time
from pathlib import Path

import click

from runner.catalog import load_agents
from runner.cli._common import Ctx, InputError, catalog_errors, json_option, pass_ctx, print_json
from runner.images import (
    BASE_TAG,
    AgentImageError,
    BaseImageError,
    DepsLockError,
    ImageBuildError,
    RegistryError,
    Transfer,
    build_agent_images,
    build_base_image,
    build_runtime,
    check_locks,
    default_base_image,
    inspect_image,
    list_agent_images,
    lock_images,
    pull_image,
    push_images,
    read_lock,
    runtime_dirs,
    status_dict,
)


@click.group()
def images() -> None:
    """Build and inspect the images cells run in."""


@images.command("base")
@click.option(
    "--ca-bundle",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Host CA bundle to trust inside images (behind a TLS-intercepting proxy).",
)
@click.option("--if-missing", is_flag=True, help="Do nothing when the base image already exists.")
@json_option
@pass_ctx
def images_base(ctx: Ctx, ca_bundle: Path | None, if_missing: bool, as_json: bool) -> None:
    """Build the offline base image (Debian bookworm via debootstrap, `docker import`).

    For machines with no container registry. About a minute; needs root, debootstrap and Docker.
    """
    image = inspect_image(BASE_TAG) if if_missing else None
    if image is None:
        started = time.monotonic()
        try:
            image = build_base_image(
                ctx.state_dir,
                ca_bundle=ca_bundle,
                progress=lambda msg: click.echo(f"[base] {msg}", err=True),
            )
        except BaseImageError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"[base] built in {time.monotonic() - started:.0f}s", err=True)
    if as_json:
        print_json(image.__dict__)
    else:
        click.echo(f"{image.tag} {image.image_id} ({image.size_bytes / 1e6:.0f} MB)")


@images.command("build-runtime")
@click.argument("names", nargs=-1)
@click.option("--all", "build_all", is_flag=True, help="Build every images/runtime-* folder.")
@click.option(
    "--base-image",
    default=None,
    help="Image to build FROM (default: the offline base if present, else images/lock.json "
    "base.public).",
)
@click.option(
    "--ca-bundle",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Host CA bundle to trust during the build (behind a TLS-intercepting proxy).",
)
@json_option
@pass_ctx
def images_build_runtime(
    ctx: Ctx,
    names: tuple[str, ...],
    build_all: bool,
    base_image: str | None,
    ca_bundle: Path | None,
    as_json: bool,
) -> None:
    """Build task runtime images (images/runtime-NAME) as cab/runtime-NAME:<folder hash>.

    NAME is `python` or `runtime-python`. Docker's layer cache is reused; tag, image id, size and
    tool versions are recorded in .cab/images.json.
    """
    known = runtime_dirs(ctx.root)
    if build_all == bool(names):
        raise InputError("give runtime image names or --all (known: " + ", ".join(known) + ")")
    wanted = list(known) if build_all else [n if n in known else f"runtime-{n}" for n in names]
    for name in wanted:
        if name not in known:
            raise InputError(f"images/{name}/Dockerfile does not exist (known: {', '.join(known)})")
    base = base_image or default_base_image(ctx.root / "images")
    built = []
    for name in wanted:
        try:
            image = build_runtime(
                ctx.root,
                ctx.state_dir,
                name,
                base,
                ca_bundle,
                progress=lambda msg: click.echo(f"[images] {msg}", err=True),
            )
        except ImageBuildError as exc:
            raise click.ClickException(str(exc)) from None
        built.append(image)
        if not as_json:
            click.echo(
                f"{image.tag} {image.image_id[:19]} {image.size_bytes / 1e6:.0f} MB "
                f"built in {image.build_seconds:.0f}s "
                + " ".join(f"{k}={v}" for k, v in sorted(image.versions.items()))
            )
    if as_json:
        print_json([b.__dict__ for b in built])


@images.command("build")
@click.argument("agents", nargs=-1)
@click.option(
    "--ca-bundle",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Host CA bundle to trust inside the images (behind a TLS-intercepting proxy).",
)
@click.option(
    "--base-image",
    default=None,
    help=f"Image to build FROM (default: {BASE_TAG} when it exists here, else the "
    "digest-pinned public image in images/lock.json).",
)
@click.option("--no-cache", is_flag=True, help="Rebuild every layer (cold build).")
@json_option
@pass_ctx
def images_build(
    ctx: Ctx,
    agents: tuple[str, ...],
    ca_bundle: Path | None,
    base_image: str | None,
    no_cache: bool,
    as_json: bool,
) -> None:
    """Build agent images (all when none are named) and record them in images/lock.json.

    Each image is checked: the agent's version, run inside it with no network, must equal the
    pin in its agent.toml. Reuses the Docker cache unless --no-cache.
    """
    with catalog_errors():
        try:
            built = build_agent_images(
                ctx.root,
                agents,
                base_image=base_image,
                ca_bundle=ca_bundle,
                no_cache=no_cache,
                progress=lambda msg: click.echo(msg, err=True),
            )
        except AgentImageError as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        print_json([b.__dict__ for b in built])
    else:
        for b in built:
            click.echo(
                f"{b.agent:16} {b.version:10} {b.tag:40} {b.image_id[:19]} "
                f"{b.size_bytes / 1e6:5.0f} MB {b.build_seconds:5.0f}s"
            )


@images.command("list")
@json_option
@pass_ctx
def images_list(ctx: Ctx, as_json: bool) -> None:
    """Agent images: pinned version, whether built here, and whether they match the lock."""
    with catalog_errors():
        rows = list_agent_images(ctx.root)
    if as_json:
        print_json([status_dict(r) for r in rows])
        return
    for r in rows:
        if r.local_id is None:
            state = "not built"
        elif r.matches_lock:
            state = "ok"
        elif r.locked_id is None:
            state = "built, not in lock"
        else:
            state = "differs from lock"
        size = f"{r.size_bytes / 1e6:.0f} MB" if r.size_bytes else "-"
        click.echo(f"{r.agent:16} {r.pinned_version:10} {r.tag:40} {size:>8}  {state}")


@images.command("lock")
@click.argument("names", nargs=-1)
@click.option("--check", is_flag=True, help="Only check the committed locks against the pins.")
@json_option
@pass_ctx
def images_lock(ctx: Ctx, names: tuple[str, ...], check: bool, as_json: bool) -> None:
    """Regenerate the dependency locks of agent images (all, plus node-base and runtime-node,
    when none are named).

    npm agents: images/AGENT/package.json (the pin) and package-lock.json, resolved with
    `npm install --package-lock-only` on this host; the image runs `npm ci`. PyPI agents and the
    Node wheel: requirements.txt, every distribution `name==version --hash=sha256:...`, resolved
    with this host's python3.11 (`pip install --dry-run --report`); the image runs
    `pip install --require-hashes --no-deps`. Needs npm and python3.11 and the registries.
    With --check nothing is fetched: exit 1 when a lock disagrees with its agent.toml pin.
    """
    with catalog_errors():
        if check:
            problems = check_locks(ctx.root)
            if as_json:
                print_json(problems)
            for lines in problems.values():
                for line in lines:
                    click.echo(line, err=True)
            if problems:
                raise SystemExit(1)
            if not as_json:
                click.echo("every lock agrees with its pin")
            return
        try:
            done = lock_images(ctx.root, names, progress=lambda msg: click.echo(msg, err=True))
        except DepsLockError as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        print_json([d.__dict__ for d in done])
        return
    for d in done:
        click.echo(f"{d.folder:16} {d.kind:4} {len(d.packages):4} packages  sha256:{d.sha256}")


@images.command("push")
@click.argument("agents", nargs=-1)
@click.option(
    "--registry",
    required=True,
    help="Container registry and path to push to, HOST[:PORT][/PATH] (images go to "
    "REGISTRY/agent-NAME:VERSION).",
)
@json_option
@pass_ctx
def images_push(ctx: Ctx, agents: tuple[str, ...], registry: str, as_json: bool) -> None:
    """Push locked agent images (all when none are named) and record their registry digests
    (REGISTRY/agent-NAME@sha256:...) in images/lock.json.

    The image here must be the locked one (its id is images/lock.json's image_id): build or pull
    first. Log in to the registry with `docker login` beforehand when it needs credentials.
    """
    with catalog_errors():
        try:
            done = push_images(
                ctx.root, registry, agents, progress=lambda msg: click.echo(msg, err=True)
            )
        except RegistryError as exc:
            raise click.ClickException(str(exc)) from None
    _print_transfers(done, as_json)


@images.command("pull")
@click.argument("agents", nargs=-1)
@click.option(
    "--or-build",
    is_flag=True,
    help="Build locally (`cab images build`) the agents that cannot be pulled: never pushed, "
    "or no registry answers.",
)
@click.option(
    "--ca-bundle",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="With --or-build: host CA bundle to trust in the images built.",
)
@json_option
@pass_ctx
def images_pull(
    ctx: Ctx, agents: tuple[str, ...], or_build: bool, ca_bundle: Path | None, as_json: bool
) -> None:
    """Pull agent images (all when none are named) by the registry digest in images/lock.json.

    Each pulled image must have the locked image id; it is then tagged as the locked tag
    (cab/agent-NAME:VERSION), and a cell run from it records image_identity.source = registry.
    Without --or-build, an agent that cannot be pulled (never pushed, the registry does not
    answer) is an error (exit 1); with it, those are built here and record source local-build.
    """

    def echo(msg: str) -> None:
        click.echo(msg, err=True)

    pulled: list[Transfer] = []
    to_build: list[str] = []
    with catalog_errors():
        names = list(agents) or sorted(load_agents(ctx.root))
        lock = read_lock(ctx.root / "images").images
        for name in names:
            try:
                if name not in lock:
                    raise RegistryError(f"{name}: not in images/lock.json")
                echo(f"[{name}] docker pull {lock[name].registry_digest}")
                pulled.append(pull_image(name, lock[name]))
            except RegistryError as exc:
                if not or_build:
                    raise click.ClickException(str(exc)) from None
                echo(f"[{name}] cannot pull ({exc}): building it here")
                to_build.append(name)
        built = []
        if to_build:
            try:
                built = build_agent_images(ctx.root, to_build, ca_bundle=ca_bundle, progress=echo)
            except AgentImageError as exc:
                raise click.ClickException(str(exc)) from None
    if as_json:
        print_json({"pulled": [t.__dict__ for t in pulled], "built": [b.__dict__ for b in built]})
        return
    _print_transfers(pulled, as_json=False)
    for b in built:
        click.echo(f"{b.agent:16} built here {b.image_id[:19]} {b.build_seconds:5.0f}s")


def _print_transfers(done: list[Transfer], as_json: bool) -> None:
    if as_json:
        print_json([t.__dict__ for t in done])
        return
    for t in done:
        click.echo(f"{t.agent:16} {t.reference} {t.image_id[:19]} {t.seconds:5.0f}s")
