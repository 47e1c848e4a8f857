"""reap_stale on an engine shared with other runs: containers vanish between list and remove."""

from __future__ import annotations

from typing import Any

import pytest

from runner.sandbox import LABEL
from runner.sandbox import _docker as docker_sandbox


class _NotFound(Exception):
    pass


class _Api:
    def __init__(self, rows: list[dict[str, Any]], gone: set[str]) -> None:
        self.rows, self.gone, self.removed = rows, gone, []

    def containers(self, all: bool, filters: dict[str, str]) -> list[dict[str, Any]]:
        assert all and filters == {"label": LABEL}
        return self.rows

    def remove_container(self, cid: str, force: bool) -> None:
        if cid in self.gone:
            raise _NotFound(f'404 Client Error: Not Found ("No such container: {cid}")')
        self.removed.append(cid)


class _Client:
    def __init__(self, api: _Api) -> None:
        self.api = api


def test_reap_skips_containers_removed_by_someone_else(monkeypatch: pytest.MonkeyPatch) -> None:
    dead = "999999999-deadbeef"  # no such pid
    rows = [
        {"Id": "a", "Labels": {LABEL: dead}},
        {"Id": "b", "Labels": {LABEL: dead}},  # removed by another run meanwhile
        {"Id": "c", "Labels": {LABEL: docker_sandbox.owner_label()}},  # ours: kept
    ]
    api = _Api(rows, gone={"b"})
    monkeypatch.setattr(docker_sandbox, "_client", lambda: _Client(api))
    assert docker_sandbox.reap_stale() == 1
    assert api.removed == ["a"]


def test_reap_still_raises_real_engine_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken(_Api):
        def remove_container(self, cid: str, force: bool) -> None:
            raise RuntimeError("500 Server Error: driver failed")

    api = Broken([{"Id": "a", "Labels": {LABEL: "999999999-x"}}], gone=set())
    monkeypatch.setattr(docker_sandbox, "_client", lambda: _Client(api))
    with pytest.raises(RuntimeError, match="driver failed"):
        docker_sandbox.reap_stale()
