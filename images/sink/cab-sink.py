#!/usr/bin/env python3
"""The egress sink: the one way out of an agent's network namespace, and a dead end.

Run as root with CAP_NET_ADMIN and /dev/net/tun in a container started with `--network none`;
the agent's container joins its namespace (`--network container:<sink>`) and holds no
capability. It creates the TUN device cab0, gives it documentation addresses, routes every
IPv4 and IPv6 destination through it and reads each packet the namespace sends out. Nothing is
forwarded: a TCP SYN is answered with a reset, a DNS query with "no such name" and any other UDP
datagram with ICMP port unreachable (so a client fails at once instead of waiting for a
timeout); anything else is dropped. Every answer is the sink's own: nothing comes from outside.

What it saw goes to stdout, one JSON object a line, flushed as it happens (the harness reads
the container's log after the agent phase):
  {"ready": true, "ipv6": true}                   the route is in place
  {"n": 3, "proto": "udp", "dst": "192.0.2.53", "port": 53, "dns": "example.invalid"}
                                                  attempt number n (the first MAX_LINES of them)
  {"n": 9000}                                     the running count once lines are capped
One attempt is the first packet of a new flow: a TCP SYN or a UDP datagram of a new (protocol,
source, source port, destination, destination port), an ICMP echo of a new (destination, id),
any other protocol's first packet to a destination; and each DNS query (new id or name) sent
over a UDP flow to port 53. The kernel's own IPv6 neighbour discovery and MLD are not attempts.
The namespace's own addresses (loopback, and cab0's V4_ADDR and V6_ADDR below) are local: what
is sent to them never reaches the TUN device, and nothing reaches further from there either.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import socket
import struct
import sys
import time

TUN_NAME = b"cab0"
# Documentation addresses (RFC 5737 TEST-NET-2, RFC 3849): never routed anywhere.
V4_ADDR = "198.51.100.1"
V6_ADDR = "2001:db8:cab::1"
MAX_LINES = int(os.environ.get("CAB_SINK_MAX_LINES", "256"))
SEEN_CAP = 50_000

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000
IFF_UP = 0x1
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
RTM_NEWLINK, RTM_NEWADDR, RTM_NEWROUTE = 16, 20, 24
IFA_ADDRESS, IFA_LOCAL = 1, 2
IFA_F_NODAD = 0x02
RTA_OIF = 4
RT_TABLE_MAIN, RTPROT_STATIC, RTN_UNICAST = 254, 4, 1
RT_SCOPE_UNIVERSE, RT_SCOPE_LINK = 0, 253
# ICMPv6 the kernel sends by itself on an interface it brings up: MLD and neighbour discovery.
_ICMP6_KERNEL = {130, 131, 132, 133, 134, 135, 136, 137, 143}


# --------------------------------------------------------------------------- set-up (netlink)


def _rta(kind: int, data: bytes) -> bytes:
    head = struct.pack("=HH", 4 + len(data), kind) + data
    return head + b"\0" * (-len(head) % 4)


def _netlink(sock: socket.socket, kind: int, flags: int, body: bytes) -> None:
    sock.send(
        struct.pack("=IHHII", 16 + len(body), kind, flags | NLM_F_REQUEST | NLM_F_ACK, 1, 0) + body
    )
    reply = sock.recv(65536)
    err = struct.unpack_from("=i", reply, 16)[0]
    if err:
        raise OSError(-err, f"netlink request {kind}: {os.strerror(-err)}")


def _set_up(index: int, ipv6: bool) -> None:
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)  # NETLINK_ROUTE
    new = NLM_F_CREATE | NLM_F_EXCL
    _netlink(
        sock, RTM_NEWLINK, 0, struct.pack("=BxHiII", socket.AF_UNSPEC, 0, index, IFF_UP, IFF_UP)
    )
    v4 = socket.inet_pton(socket.AF_INET, V4_ADDR)
    body = struct.pack("=BBBBI", socket.AF_INET, 32, 0, RT_SCOPE_UNIVERSE, index)
    _netlink(sock, RTM_NEWADDR, new, body + _rta(IFA_LOCAL, v4) + _rta(IFA_ADDRESS, v4))
    route = struct.pack(
        "=BBBBBBBBI",
        socket.AF_INET,
        0,
        0,
        0,
        RT_TABLE_MAIN,
        RTPROT_STATIC,
        RT_SCOPE_LINK,
        RTN_UNICAST,
        0,
    )
    _netlink(sock, RTM_NEWROUTE, new, route + _rta(RTA_OIF, struct.pack("=i", index)))
    if ipv6:
        v6 = socket.inet_pton(socket.AF_INET6, V6_ADDR)
        body = struct.pack("=BBBBI", socket.AF_INET6, 128, IFA_F_NODAD, RT_SCOPE_UNIVERSE, index)
        _netlink(sock, RTM_NEWADDR, new, body + _rta(IFA_ADDRESS, v6))
        route = struct.pack(
            "=BBBBBBBBI",
            socket.AF_INET6,
            0,
            0,
            0,
            RT_TABLE_MAIN,
            RTPROT_STATIC,
            RT_SCOPE_UNIVERSE,
            RTN_UNICAST,
            0,
        )
        _netlink(sock, RTM_NEWROUTE, new, route + _rta(RTA_OIF, struct.pack("=i", index)))
    sock.close()


def _ipv6_enabled() -> bool:
    try:
        with open("/proc/sys/net/ipv6/conf/all/disable_ipv6") as f:
            return f.read().strip() == "0"
    except OSError:
        return False


def open_tun() -> tuple[int, bool]:
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", TUN_NAME, IFF_TUN | IFF_NO_PI))
    ipv6 = _ipv6_enabled()
    _set_up(socket.if_nametoindex(TUN_NAME.decode()), ipv6)
    return fd, ipv6


# --------------------------------------------------------------------------- packets


def _sum16(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def _checksum(data: bytes) -> int:
    return ~_sum16(data) & 0xFFFF


def _pseudo(src: bytes, dst: bytes, proto: int, length: int) -> bytes:
    if len(src) == 4:
        return src + dst + struct.pack("!BBH", 0, proto, length)
    return src + dst + struct.pack("!IxxxB", length, proto)


def _ip_packet(src: bytes, dst: bytes, proto: int, payload: bytes) -> bytes:
    if len(src) == 4:
        head = struct.pack(
            "!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, proto, 0, src, dst
        )
        head = head[:10] + struct.pack("!H", _checksum(head)) + head[12:]
        return head + payload
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), proto, 64, src, dst) + payload


def _with_checksum(src: bytes, dst: bytes, proto: int, segment: bytes, at: int) -> bytes:
    total = _checksum(_pseudo(src, dst, proto, len(segment)) + segment)
    return segment[:at] + struct.pack("!H", total) + segment[at + 2 :]


def tcp_reset(src: bytes, dst: bytes, tcp: bytes) -> bytes:
    """The RST+ACK a closed port answers a SYN with, from the address the SYN was sent to."""
    sport, dport, seq = struct.unpack_from("!HHI", tcp)
    segment = struct.pack(
        "!HHIIBBHHH", dport, sport, 0, (seq + 1) & 0xFFFFFFFF, 5 << 4, 0x14, 0, 0, 0
    )
    return _ip_packet(dst, src, 6, _with_checksum(dst, src, 6, segment, 16))


def port_unreachable(packet: bytes, src: bytes, dst: bytes) -> bytes:
    """ICMP (v4 type 3 code 3, v6 type 1 code 4) port unreachable quoting `packet`."""
    if len(src) == 4:
        quoted = packet[: (packet[0] & 0x0F) * 4 + 8]
        message = struct.pack("!BBHI", 3, 3, 0, 0) + quoted
        message = message[:2] + struct.pack("!H", _checksum(message)) + message[4:]
        return _ip_packet(dst, src, 1, message)
    message = struct.pack("!BBHI", 1, 4, 0, 0) + packet[:1232]
    return _ip_packet(dst, src, 58, _with_checksum(dst, src, 58, message, 2))


def dns_nxdomain(src: bytes, dst: bytes, udp: bytes) -> bytes | None:
    """A DNS answer "no such name" to the query in `udp`, from the server it was sent to; None
    when the question cannot be quoted. Resolvers that send from unconnected sockets never see an
    ICMP error and would wait out their timeouts (seconds per query): this ends them at once."""
    payload = udp[8:]
    at = 12
    while at < len(payload) and payload[at]:
        at += 1 + payload[at]
    question = payload[12 : at + 5]
    if at + 5 > len(payload):
        return None
    sport, dport = struct.unpack_from("!HH", udp)
    flags = 0x8000 | (struct.unpack_from("!H", payload, 2)[0] & 0x0100) | 0x0080 | 3
    answer = payload[:2] + struct.pack("!HHHHH", flags, 1, 0, 0, 0) + question
    datagram = struct.pack("!HHHH", dport, sport, 8 + len(answer), 0) + answer
    return _ip_packet(dst, src, 17, _with_checksum(dst, src, 17, datagram, 6))


def dns_query(payload: bytes) -> tuple[int, str] | None:
    """(id, first question's name) of a DNS query, None when `payload` is not one."""
    if len(payload) < 12:
        return None
    qid, flags, qdcount = struct.unpack_from("!HHH", payload)
    if flags & 0x8000 or qdcount < 1:
        return None
    labels, at = [], 12
    while at < len(payload):
        size = payload[at]
        if size == 0:
            return qid, ".".join(labels) or "."
        if size & 0xC0 or at + 1 + size > len(payload) or len(labels) > 127:
            return None
        labels.append(payload[at + 1 : at + 1 + size].decode("ascii", "replace"))
        at += 1 + size
    return None


class Sink:
    def __init__(self, fd: int, out=sys.stdout) -> None:
        self.fd = fd
        self.out = out
        self.count = 0
        self.seen: set[tuple[object, ...]] = set()
        self.unprinted = False

    def emit(self, record: dict[str, object]) -> None:
        self.out.write(json.dumps(record, separators=(",", ":")) + "\n")
        self.out.flush()

    def attempt(
        self, key: tuple[object, ...], proto: str, dst: bytes, port: int | None, dns: str | None
    ) -> None:
        if key in self.seen:
            return
        # Memory stays bounded (the container's limit is 64 MB): past the cap a flow is no longer
        # remembered, so a flood of new flows counts every packet again, never less.
        if len(self.seen) < SEEN_CAP:
            self.seen.add(key)
        self.count += 1
        if self.count > MAX_LINES:
            self.unprinted = True
            return
        family = socket.AF_INET if len(dst) == 4 else socket.AF_INET6
        record: dict[str, object] = {
            "n": self.count,
            "proto": proto,
            "dst": socket.inet_ntop(family, dst),
        }
        if port is not None:
            record["port"] = port
        if dns is not None:
            record["dns"] = dns
        self.emit(record)

    def handle(self, packet: bytes) -> None:
        version = packet[0] >> 4
        if version == 4 and len(packet) >= 20:
            header = (packet[0] & 0x0F) * 4
            proto, src, dst = packet[9], packet[12:16], packet[16:20]
            if struct.unpack_from("!H", packet, 6)[0] & 0x1FFF:
                return  # a later fragment: its first one was the attempt
        elif version == 6 and len(packet) >= 40:
            header, proto, src, dst = 40, packet[6], packet[8:24], packet[24:40]
        else:
            return
        body = packet[header:]
        if proto == 6 and len(body) >= 20:
            sport, dport = struct.unpack_from("!HH", body)
            flags = body[13]
            if flags & 0x02 and not flags & 0x10:  # SYN without ACK: a connect()
                self.attempt(("tcp", src, sport, dst, dport), "tcp", dst, dport, None)
                os.write(self.fd, tcp_reset(src, dst, body))
            elif not flags & 0x04:  # anything else but a reset: say the connection is not there
                os.write(self.fd, tcp_reset(src, dst, body))
        elif proto == 17 and len(body) >= 8:
            sport, dport = struct.unpack_from("!HH", body)
            flow = ("udp", src, sport, dst, dport)
            query = dns_query(body[8:]) if dport == 53 else None
            if query is not None and flow in self.seen:
                self.attempt((*flow, *query), "udp", dst, dport, query[1])  # another query
            else:
                self.attempt(flow, "udp", dst, dport, query[1] if query else None)
                if query is not None and len(self.seen) < SEEN_CAP:
                    self.seen.add((*flow, *query))
            answer = dns_nxdomain(src, dst, body) if query is not None else None
            os.write(self.fd, answer or port_unreachable(packet, src, dst))
        elif proto == 58 and body and body[0] in _ICMP6_KERNEL:
            return
        elif proto in (1, 58) and len(body) >= 8 and body[0] in (8, 128):  # echo request
            self.attempt(
                ("icmp", dst, body[4:6]), "icmp" if proto == 1 else "icmp6", dst, None, None
            )
        else:
            self.attempt(("ip", proto, dst), f"ip{proto}", dst, None, None)

    def run(self) -> None:
        last = 0.0
        while True:
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if ready:
                packet = os.read(self.fd, 65535)
                # A malformed packet is still not a way out.
                with contextlib.suppress(OSError, struct.error, IndexError, ValueError):
                    self.handle(packet)
            now = time.monotonic()
            if self.unprinted and now - last >= 0.2:
                self.emit({"n": self.count})
                self.unprinted, last = False, now


def main() -> int:
    try:
        fd, ipv6 = open_tun()
    except OSError as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
        return 1
    sink = Sink(fd)
    sink.emit({"ready": True, "ipv6": ipv6})
    sink.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
