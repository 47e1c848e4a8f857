"""`cab proxy serve` and `cab oracle serve` as a user runs them: start, use, SIGTERM, all gone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from runner.proxy import free_port, read_usage

pytestmark = pytest.mark.slow
FIXTURES = Path(__file__).parent / "fixtures"


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_commands_start_serve_and_stop_cleanly(root: Path, tmp_path: Path) -> None:
    port = free_port()
    oracle = subprocess.Popen(
        [sys.executable, "-m", "runner", "--root", str(root), "oracle", "serve", "--port",
         str(port), "--tasks-root", str(FIXTURES)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    proxy = subprocess.Popen(
        [sys.executable, "-m", "runner", "--root", str(root), "proxy", "serve", "--json",
         "--models", "oracle,null", "--oracle-url", f"http://127.0.0.1:{port}",
         "--usage-dir", str(tmp_path / "usage"), "--cell", "cli-cell=null"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        assert proxy.stdout is not None
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proxy.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("}"):
                break
        info = json.loads("".join(lines))
        transport = httpx.HTTPTransport(uds=info["socket"])
        with httpx.Client(transport=transport, base_url="http://proxy") as client:
            r = client.post(
                "/v1/chat/completions",
                json={"model": "null", "messages": [{"role": "user", "content": "hi"}]},
                headers={"authorization": f"Bearer {info['cell_keys']['cli-cell']}"},
            )
        assert r.status_code == 200, r.text
        assert r.json()["choices"][0]["message"]["content"].startswith("Done")
        deadline = time.monotonic() + 10
        while not read_usage(tmp_path / "usage", "cli-cell") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(read_usage(tmp_path / "usage", "cli-cell")) == 1

        litellm_pid = int(
            subprocess.run(["pgrep", "-P", str(proxy.pid)], capture_output=True, text=True,
                           check=False).stdout.split()[0]
        )  # fmt: skip
        proxy.send_signal(signal.SIGTERM)
        assert proxy.wait(30) == 0
        assert not _group_alive(litellm_pid)  # LiteLLM ran in its own group, now gone
        assert not Path(info["socket"]).exists()
    finally:
        for p in (proxy, oracle):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(15)
