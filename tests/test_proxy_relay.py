"""The unix-socket relay in front of the proxy's TCP port."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from runner.proxy._relay import UnixRelay


def _echo_upper_server() -> tuple[socket.socket, int]:
    """A TCP server that reads until the client half-closes, then answers in upper case."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()

    def serve() -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            with conn:
                data = b""
                while chunk := conn.recv(65536):
                    data += chunk
                conn.sendall(data.upper())

    threading.Thread(target=serve, daemon=True).start()
    return srv, int(srv.getsockname()[1])


def test_relay_carries_bytes_both_ways_and_honours_half_close(tmp_path: Path) -> None:
    srv, port = _echo_upper_server()
    relay = UnixRelay(tmp_path / "sock" / "proxy.sock", "127.0.0.1", port)
    relay.start()
    try:
        payload = b"x" * 300_000 + b"end"
        for _ in range(3):  # several connections through one relay
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(str(relay.socket_path))
                client.sendall(payload)
                client.shutdown(socket.SHUT_WR)
                got = b""
                while chunk := client.recv(65536):
                    got += chunk
            assert got == payload.upper()
    finally:
        relay.close()
        srv.close()
    assert not relay.socket_path.exists()
