"""The offline base image runs, and a container with --network none cannot reach anything."""

from __future__ import annotations

import subprocess

import pytest

pytestmark = pytest.mark.docker

# Connect to a public address (no packet can leave: there is no route) and resolve a name.
PROBE = r"""
import socket, sys
results = []
try:
    socket.create_connection(("1.1.1.1", 443), timeout=3)
    results.append("tcp:connected")
except OSError as exc:
    results.append(f"tcp:{type(exc).__name__}:{exc.errno}")
try:
    socket.getaddrinfo("example.com", 443)
    results.append("dns:resolved")
except OSError as exc:
    results.append(f"dns:{type(exc).__name__}")
ifaces = sorted(name for _, name in socket.if_nameindex())
print(" ".join(results), "ifaces=" + ",".join(ifaces))
"""


def docker_run(image: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker", "run", "--rm", "--network", "none", "--init", image, *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_base_image_has_the_toolchain(base_image: str) -> None:
    proc = docker_run(base_image, "sh", "-c", "python3 --version && git --version")
    assert proc.returncode == 0, proc.stderr
    assert "Python 3.11" in proc.stdout
    assert "git version" in proc.stdout


def test_network_none_cannot_reach_the_network(base_image: str) -> None:
    proc = docker_run(base_image, "python3", "-c", PROBE)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.strip()
    assert "tcp:connected" not in out
    assert "dns:resolved" not in out
    assert out.endswith("ifaces=lo"), out
