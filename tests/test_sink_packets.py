"""The egress sink's packet handling (images/sink/cab-sink.py) on crafted packets, without a
TUN device: what counts as an attempt, what it answers, and that no packet can break it."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import socket
import struct
from types import ModuleType

import pytest

from tests.conftest import ROOT


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cab_sink", ROOT / "images/sink/cab-sink.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sink_mod = _load()
SRC4, DST4 = socket.inet_aton("198.51.100.1"), socket.inet_aton("192.0.2.1")
SRC6 = socket.inet_pton(socket.AF_INET6, "2001:db8:cab::1")
DST6 = socket.inet_pton(socket.AF_INET6, "2001:db8::1")


class Recorder:
    """A Sink writing its replies to a list instead of the TUN device."""

    def __init__(self) -> None:
        self.out = io.StringIO()
        self.sink = sink_mod.Sink(fd=-1, out=self.out)
        self.replies: list[bytes] = []
        self._write = sink_mod.os.write

    def __enter__(self) -> Recorder:
        sink_mod.os.write = lambda _fd, data: self.replies.append(data) or len(data)
        return self

    def __exit__(self, *exc: object) -> None:
        sink_mod.os.write = self._write

    def records(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.out.getvalue().splitlines()]


def ip4(proto: int, payload: bytes, dst: bytes = DST4) -> bytes:
    return sink_mod._ip_packet(SRC4, dst, proto, payload)


def tcp(sport: int, dport: int, flags: int, seq: int = 1000) -> bytes:
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0)


def dns(qid: int, name: str) -> bytes:
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split("."))
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + b"\0\0\1\0\1"


def udp(sport: int, dport: int, payload: bytes) -> bytes:
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def test_a_syn_is_one_attempt_answered_with_a_valid_reset() -> None:
    with Recorder() as r:
        r.sink.handle(ip4(6, tcp(40000, 443, 0x02, seq=1000)))
        r.sink.handle(ip4(6, tcp(40000, 443, 0x02, seq=1000)))  # a retransmission
        r.sink.handle(ip4(6, tcp(40001, 443, 0x02)))  # a new connection: a new flow
    assert r.records() == [
        {"n": 1, "proto": "tcp", "dst": "192.0.2.1", "port": 443},
        {"n": 2, "proto": "tcp", "dst": "192.0.2.1", "port": 443},
    ]
    reset = r.replies[0]
    assert reset[12:16] == DST4 and reset[16:20] == SRC4  # from the address the SYN was sent to
    assert sink_mod._sum16(reset[:20]) == 0xFFFF  # the IP header checksum holds
    segment = reset[20:]
    sport, dport, _seq, ack = struct.unpack_from("!HHII", segment)
    assert (sport, dport, ack, segment[13]) == (443, 40000, 1001, 0x14)  # RST+ACK of seq + 1
    pseudo = sink_mod._pseudo(DST4, SRC4, 6, len(segment))
    assert sink_mod._sum16(pseudo + segment) == 0xFFFF


def test_dns_queries_count_once_each_and_name_their_question() -> None:
    resolver = socket.inet_aton("192.0.2.53")
    first = ip4(17, udp(5353, 53, dns(7, "example.invalid")), resolver)
    with Recorder() as r:
        r.sink.handle(first)
        r.sink.handle(first)  # a retry of the same query
        r.sink.handle(ip4(17, udp(5353, 53, dns(8, "example.invalid")), resolver))
        r.sink.handle(ip4(17, udp(5354, 9, b"hello")))
    assert [(x["n"], x.get("dns"), x["port"]) for x in r.records()] == [
        (1, "example.invalid", 53),
        (2, "example.invalid", 53),  # the same socket's next query (AAAA after A)
        (3, None, 9),
    ]
    # A query is answered "no such name" by the sink itself, from the address it was sent to.
    answer = r.replies[0]
    assert answer[12:16] == resolver and answer[16:20] == SRC4 and answer[9] == 17
    sport, dport = struct.unpack_from("!HH", answer, 20)
    qid, flags, qd, an = struct.unpack_from("!HHHH", answer, 28)
    assert (sport, dport, qid, flags & 0x800F, qd, an) == (53, 5353, 7, 0x8003, 1, 0)
    assert answer[40:] == dns(7, "example.invalid")[12:]  # the question, quoted
    pseudo = sink_mod._pseudo(resolver, SRC4, 17, len(answer) - 20)
    assert sink_mod._sum16(pseudo + answer[20:]) == 0xFFFF
    # Any other datagram gets ICMP port unreachable quoting it.
    unreachable = r.replies[-1]
    assert unreachable[12:16] == DST4 and unreachable[9] == 1
    assert unreachable[20:22] == b"\x03\x03"
    assert unreachable[28:] == ip4(17, udp(5354, 9, b"hello"))[:28]
    assert sink_mod._sum16(unreachable[20:]) == 0xFFFF


def test_ipv6_attempts_count_and_the_kernels_own_icmpv6_does_not() -> None:
    with Recorder() as r:
        r.sink.handle(sink_mod._ip_packet(SRC6, DST6, 6, tcp(40000, 443, 0x02)))
        neighbour_solicitation = bytes([135, 0, 0, 0]) + bytes(20)
        r.sink.handle(sink_mod._ip_packet(SRC6, DST6, 58, neighbour_solicitation))
        r.sink.handle(sink_mod._ip_packet(SRC6, DST6, 58, bytes([128, 0, 0, 0, 0, 1, 0, 1])))
    assert [(x["proto"], x["dst"]) for x in r.records()] == [
        ("tcp", "2001:db8::1"),
        ("icmp6", "2001:db8::1"),
    ]
    reset = r.replies[0]
    assert reset[0] >> 4 == 6 and reset[8:24] == DST6 and reset[24:40] == SRC6


BAD_NAME = b"\x00\x01\x01\x00\x00\x01" + bytes(6) + b"\x3f"  # a label longer than the datagram
BROKEN = [
    b"", b"\x45", b"\x45" + bytes(10), ip4(6, b"\x00\x01"), ip4(17, b"\x00"), b"\x60" + bytes(20),
    ip4(17, udp(1, 53, b"\xff" * 40)), ip4(17, udp(1, 53, BAD_NAME)),
]  # fmt: skip


@pytest.mark.parametrize("packet", BROKEN)
def test_no_packet_breaks_the_sink(packet: bytes) -> None:
    with Recorder() as r:
        # What run() swallows around each packet: the loop goes on.
        with contextlib.suppress(OSError, struct.error, IndexError, ValueError):
            r.sink.handle(packet)
        r.sink.handle(ip4(6, tcp(1, 443, 0x02)))
    assert r.records()[-1]["port"] == 443


def test_names_cannot_forge_a_line() -> None:
    with Recorder() as r:
        r.sink.handle(ip4(17, udp(1, 53, dns(1, 'x"}\n{"n":99,"ready.invalid'))))
    (record,) = r.records()
    assert record["n"] == 1 and "ready" in str(record["dns"])


def test_past_the_line_cap_only_the_count_is_written() -> None:
    with Recorder() as r:
        for port in range(sink_mod.MAX_LINES + 5):
            r.sink.handle(ip4(6, tcp(port, 443, 0x02)))
    assert len(r.records()) == sink_mod.MAX_LINES
    assert r.sink.count == sink_mod.MAX_LINES + 5 and r.sink.unprinted
