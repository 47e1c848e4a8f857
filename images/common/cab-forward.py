"""Relay 127.0.0.1:<port> inside an agent container to the proxy's unix socket.

The container runs with --network none; the harness bind-mounts the LiteLLM proxy's socket at
/run/cab/proxy.sock, and agents that only speak TCP are pointed at http://127.0.0.1:<port>.
Stdlib only: it must run in every agent image, whatever the agent is written in.
"""

import argparse
import asyncio
import contextlib
import pathlib


async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()  # half-close: the peer still sends its answer
    except (ConnectionError, OSError):
        writer.close()


async def relay(socket_path: str, client_r, client_w) -> None:
    try:
        up_r, up_w = await asyncio.open_unix_connection(socket_path)
    except OSError:
        # The proxy is gone or refuses: drop the client so the agent sees a failed request.
        client_w.close()
        return
    await asyncio.gather(pump(client_r, up_w), pump(up_r, client_w))
    for w in (client_w, up_w):
        w.close()
        with contextlib.suppress(ConnectionError, OSError):
            await w.wait_closed()


async def serve(socket_path: str, port: int, ready_file: str | None) -> None:
    server = await asyncio.start_server(
        lambda r, w: relay(socket_path, r, w), host="127.0.0.1", port=port
    )
    if ready_file:
        pathlib.Path(ready_file).write_text(str(port))
    async with server:
        await server.serve_forever()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--socket", default="/run/cab/proxy.sock")
    ap.add_argument("--port", type=int, default=4000)
    ap.add_argument("--ready-file", default=None, help="written once the port is listening")
    args = ap.parse_args()
    asyncio.run(serve(args.socket, args.port, args.ready_file))


if __name__ == "__main__":
    main()
