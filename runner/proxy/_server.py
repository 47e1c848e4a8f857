"""Running the real LiteLLM proxy: one per sweep or shard (start-up takes ~10 s), not per cell."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import runner
from runner.catalog import ModelCatalog
from runner.proxy._config import build_config, dump_config, gemini_alias, prices, rate_shares
from runner.proxy._keys import mint_cell_key
from runner.proxy._relay import UnixRelay

SECRET_ENV = "CAB_PROXY_KEY_SECRET"
SETTINGS_ENV = "CAB_PROXY_SETTINGS"
# LiteLLM runs in its own session, so that stop() can end it as a group; a runner killed with
# SIGKILL cannot stop it, so the kernel does (PR_SET_PDEATHSIG = 1, Linux only). The death signal
# follows the thread that started the proxy: start it from one that outlives it (the main one).
# SIGKILL, not SIGTERM: uvicorn's graceful stop would wait for the streams of orphaned agents.
_LAUNCH = """
import os, signal, sys
if sys.platform == "linux":
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    if os.getppid() != int(os.environ.pop("CAB_PROXY_PARENT")):
        sys.exit("cab proxy: the runner that started this proxy is gone")
from litellm.proxy.proxy_cli import run_server
run_server()
"""


class ProxyStartError(RuntimeError):
    pass


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class ProxyServer:
    """The LiteLLM proxy as a child process group, on 127.0.0.1:<port> and a unix socket.

    with ProxyServer(catalog, usage_dir=..., oracle_url=...) as proxy:
        key = proxy.mint_key("cell-123", ttl_s=3600, model="oracle")  # scoped to one model
        ... agents call proxy.url (or proxy.socket_path) with `key` ...
    """

    def __init__(
        self,
        catalog: ModelCatalog,
        *,
        usage_dir: Path,
        oracle_url: str | None = None,
        models: Sequence[str] | None = None,
        host: str = "127.0.0.1",
        port: int | None = None,
        socket_path: Path | None = None,
        workdir: Path | None = None,
        startup_timeout_s: float = 120.0,
        keep_workdir: bool = False,
        shards_at_once: int = 1,
    ) -> None:
        self.catalog = catalog
        self.usage_dir = usage_dir.resolve()
        self.oracle_url = oracle_url
        self.models = models
        self.host = host
        self.port = port or free_port(host)
        self._own_workdir = workdir is None
        self.workdir = Path(tempfile.mkdtemp(prefix="cab-proxy-")) if workdir is None else workdir
        self.socket_path = socket_path or self.workdir / "proxy.sock"
        self.startup_timeout_s = startup_timeout_s
        self.keep_workdir = keep_workdir  # else a temporary workdir (config, log) goes at stop
        self.master_key = "sk-" + secrets.token_urlsafe(32)
        self._key_secret = secrets.token_bytes(32)
        self._proc: subprocess.Popen[bytes] | None = None
        self._relay: UnixRelay | None = None
        self.log_path = self.workdir / "litellm.log"
        self.startup_s: float | None = None
        # Proxies running at once on the same keys: each paces to its share of the budget.
        self.shards_at_once = shards_at_once
        self.rates: dict[str, dict[str, object]] = {}

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def mint_key(self, cell_id: str, ttl_s: float = 4 * 3600, *, model: str) -> str:
        """A key for one cell that admits only `model` (and the Gemini-style name Gemini CLI
        reaches it by): any other model gets 403 and a `model_escape` record for the cell."""
        return mint_cell_key(self._key_secret, cell_id, ttl_s, models=(model, gemini_alias(model)))

    def start(self) -> ProxyServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.usage_dir.mkdir(parents=True, exist_ok=True)
        config_path = self.workdir / "litellm.yaml"
        config = build_config(self.catalog, oracle_url=self.oracle_url, models=self.models)
        config_path.write_text(dump_config(config))
        served = [d["model_name"] for d in config["model_list"]]
        self.rates = rate_shares(self.catalog, served, shards_at_once=self.shards_at_once)
        settings_path = self.workdir / "cab-proxy.json"
        settings = {
            "usage_dir": str(self.usage_dir),
            "prices": prices(self.catalog),
            "aliases": config["router_settings"]["model_group_alias"],
            "rates": self.rates,
        }
        settings_path.write_text(json.dumps(settings))
        package_root = str(Path(runner.__file__).resolve().parents[1])
        env = {
            **os.environ,
            "LITELLM_MASTER_KEY": self.master_key,
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "LITELLM_TELEMETRY": "False",
            SECRET_ENV: self._key_secret.hex(),
            SETTINGS_ENV: str(settings_path),
            "CAB_PROXY_PARENT": str(os.getpid()),
            "PYTHONPATH": os.pathsep.join(
                p for p in (package_root, os.environ.get("PYTHONPATH")) if p
            ),
        }
        argv = [
            sys.executable,
            "-c",
            _LAUNCH,
            "--config",
            str(config_path),
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--num_workers",
            "1",
        ]
        started = time.monotonic()
        with self.log_path.open("wb") as log:
            self._proc = subprocess.Popen(
                argv,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=self.workdir,
            )
        try:
            self._wait_healthy()
            self._relay = UnixRelay(self.socket_path, self.host, self.port)
            self._relay.start()
        except BaseException:
            self.stop()
            raise
        self.startup_s = time.monotonic() - started
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise ProxyStartError(
                    f"LiteLLM exited with {self._proc.returncode} during start-up:\n"
                    + self.log_tail()
                )
            try:
                with urllib.request.urlopen(f"{self.url}/health/liveliness", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.25)
        raise ProxyStartError(
            f"LiteLLM not healthy after {self.startup_timeout_s:.0f}s:\n" + self.log_tail()
        )

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        if self._relay is not None:
            self._relay.close()
            self._relay = None
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            # The process group we created at start: LiteLLM's workers die with it.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        if self._own_workdir and not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> ProxyServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
