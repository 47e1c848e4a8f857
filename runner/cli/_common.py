"""What every command shares: the context object, error mapping and output helpers."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from runner.catalog import CatalogError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Ctx:
    root: Path

    @property
    def state_dir(self) -> Path:
        """Machine-local state (built image ids, caches): never committed."""
        return self.root / ".cab"


pass_ctx = click.make_pass_decorator(Ctx)


class InputError(click.ClickException):
    """Bad input (a malformed catalog file, a wrong path): one line, exit 2."""

    exit_code = 2


@contextmanager
def catalog_errors() -> Iterator[None]:
    try:
        yield
    except CatalogError as exc:
        raise InputError(str(exc)) from None


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")(f)
