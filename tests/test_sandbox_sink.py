"""The egress sink (images/sink): a sandbox whose network namespace is a sink container's sees
every connection refused at once, nothing from outside, and each attempt counted with its
destination. Only documentation addresses and names under .invalid are aimed at."""

from __future__ import annotations

import json
import subprocess
import textwrap

import pytest

from runner.images import ensure_sink_image
from runner.sandbox import (
    SINK_NAMESERVER,
    Egress,
    Flow,
    SandboxError,
    SandboxSpec,
    create_sandbox,
    parse_sink_log,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.docker

# What the client does: each attempt prints how it ended and how long it took.
PROBE = textwrap.dedent(
    """
    import json, socket, time

    def timed(name, fn):
        t = time.monotonic()
        try:
            fn()
            end = "ok"
        except OSError as exc:
            end = type(exc).__name__
        print(json.dumps({"what": name, "end": end, "s": time.monotonic() - t}), flush=True)

    def udp():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        s.connect(("192.0.2.53", 53))  # connected: the ICMP refusal reaches the socket
        s.send(b"\\x12\\x34" + bytes(10))
        s.recv(512)  # nothing may answer but the sink's ICMP (a refusal on recv)

    timed("tcp", lambda: socket.create_connection(("192.0.2.1", 443), timeout=10))
    timed("tcp6", lambda: socket.create_connection(("2001:db8::1", 443), timeout=10))
    timed("udp", udp)
    timed("dns", lambda: socket.getaddrinfo("example.invalid", 443))
    """
)


@pytest.fixture(scope="module")
def sink_image(base_image: str) -> str:
    return ensure_sink_image(ROOT, base_image)


def test_attempts_are_refused_at_once_and_counted(base_image: str, sink_image: str) -> None:
    spec = SandboxSpec(image=base_image, egress_sink=sink_image, user="65534:65534")
    with create_sandbox(spec) as sb:
        res = sb.exec(["python3", "-c", PROBE], timeout_s=60)
        assert res.exit_code == 0, res.stderr
        ends = {r["what"]: r for r in map(json.loads, res.stdout.decode().splitlines())}
        assert ends["tcp"]["end"] == ends["tcp6"]["end"] == "ConnectionRefusedError"
        assert ends["udp"]["end"] == "ConnectionRefusedError"  # ICMP port unreachable
        assert ends["dns"]["end"] == "gaierror"
        for r in ends.values():  # refused, never timed out
            assert r["s"] < 1.0, ends
        resolv = sb.exec(["cat", "/etc/resolv.conf"]).stdout.decode()
        assert resolv.split() == ["nameserver", SINK_NAMESERVER], resolv
        caps = sb.exec(["grep", "CapEff", "/proc/self/status"]).stdout.decode()
        assert caps.split()[-1] == "0000000000000000", "the sandbox holds no capability"
        sb.kill()
        egress = sb.egress()
    flows = set(egress.flows)
    assert Flow("tcp", "192.0.2.1", 443) in flows
    assert Flow("tcp", "2001:db8::1", 443) in flows
    assert Flow("udp", "192.0.2.53", 53) in flows  # not a DNS query: no name
    assert Flow("udp", SINK_NAMESERVER, 53, "example.invalid") in flows
    # Exactly these: the connects (one SYN each: the reset stops retransmits), the datagram and
    # the resolver's A and AAAA queries (a retry of the same query is not a new attempt).
    others = [f for f in egress.flows if f.dns != "example.invalid"]
    assert len(others) == 3, egress
    assert egress.attempts == len(egress.flows)
    assert 1 <= sum(1 for f in egress.flows if f.dns) <= 4, egress


def test_the_sink_is_the_only_holder_of_a_capability(base_image: str, sink_image: str) -> None:
    spec = SandboxSpec(image=base_image, egress_sink=sink_image)
    with create_sandbox(spec) as sb:
        # The sandbox cannot take the route down or add another one: no NET_ADMIN.
        res = sb.exec(["sh", "-c", "cat /proc/net/route; cat /proc/self/status | grep CapEff"])
        assert "cab0" in res.stdout.decode()
        network = _inspect(sb.id)["HostConfig"]["NetworkMode"]
        sink = network.removeprefix("container:")
        assert network.startswith("container:") and sink
        host = _inspect(sink)["HostConfig"]
        assert host["CapAdd"] == ["NET_ADMIN"] and host["CapDrop"] == ["ALL"]
        assert host["NetworkMode"] == "none"
        assert host["ReadonlyRootfs"] is True
        assert _inspect(sb.id)["HostConfig"]["CapAdd"] in (None, [])
    # Both are gone with the sandbox.
    assert _inspect(sb.id) is None and _inspect(sink) is None


def _inspect(cid: str) -> dict | None:  # type: ignore[type-arg]
    out = subprocess.run(["docker", "inspect", cid], capture_output=True, text=True, check=False)
    return json.loads(out.stdout)[0] if out.returncode == 0 else None


def test_a_log_without_ready_is_not_a_measurement() -> None:
    with pytest.raises(SandboxError, match="never reported"):
        parse_sink_log(b'{"n":1,"proto":"tcp","dst":"192.0.2.1","port":443}\n')
    with pytest.raises(SandboxError, match="failed"):
        parse_sink_log(b'{"error":"OSError: no tun"}\n')
    capped = b'{"ready":true}\n{"n":1,"proto":"udp","dst":"192.0.2.53","port":53}\n{"n":900}\n'
    assert parse_sink_log(capped) == Egress(900, (Flow("udp", "192.0.2.53", 53),))
