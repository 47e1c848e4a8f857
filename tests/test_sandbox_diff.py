"""The container diff read from the overlay2 upper layer agrees with the engine's `docker diff`."""

from __future__ import annotations

import pytest

from runner.sandbox import Limits, SandboxSpec, create_sandbox
from runner.sandbox._docker import layer_changes

pytestmark = pytest.mark.docker


def test_layer_changes_match_the_engines_diff(base_image: str) -> None:
    spec = SandboxSpec(
        image=base_image,
        user="0:0",
        workdir="/",
        read_only_root=False,
        limits=Limits(cpus=0.5, memory_mb=256, pids=64),
    )
    script = (
        "mkdir -p /var/tmp/a/b && echo x > /var/tmp/a/b/c && echo y >> /etc/issue && "
        "rm /etc/issue.net && ln -s /etc/passwd /opt/link && rm -rf /usr/share/doc/apt"
    )
    with create_sandbox(spec) as sb:
        res = sb.exec(["sh", "-c", script])
        assert res.exit_code == 0, res.stderr
        container = sb._container  # the engine's own view, to compare with
        container.reload()
        fast = layer_changes(container.attrs["GraphDriver"])
        assert fast is not None, "the overlay2 upper layer should be readable here (root)"
        engine = {(c["Path"], c["Kind"]) for c in container.diff()}
        kinds = {"modified": 0, "added": 1, "deleted": 2}
        assert {(c.path, kinds[c.kind]) for c in fast} == engine
        paths = {c.path for c in sb.diff()}
        assert {"/var/tmp/a/b/c", "/etc/issue", "/etc/issue.net", "/opt/link"} <= paths


def test_layer_changes_fall_back_when_the_layer_is_not_here() -> None:
    assert layer_changes({"Name": "overlay2", "Data": {"UpperDir": "/nonexistent/diff"}}) is None
    assert layer_changes({"Name": "btrfs", "Data": {}}) is None
    assert layer_changes({}) is None
