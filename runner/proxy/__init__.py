"""The LiteLLM proxy: config from the catalog, lifecycle, per-cell keys and usage metering.

The auth hook (`_auth`) and the usage callback (`_usage`) run inside the proxy process and are
loaded by LiteLLM by dotted path; they import LiteLLM, so they are not imported here.
"""

import os

# Importing LiteLLM (the pacer hook does, in this process too) fetches its model cost map from
# GitHub unless told not to: prices come from models.toml, and nothing may leave the machine.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from runner.proxy._config import (
    ConfigError,
    build_config,
    calibration_route,
    dump_config,
    gemini_alias,
    prices,
    rate_shares,
)
from runner.proxy._keys import CellKey, KeyRejected, mint_cell_key, verify_cell_key
from runner.proxy._probe import ModelProbe, ProbeReport, probe_models, tool_call_problem
from runner.proxy._server import ProxyServer, ProxyStartError, free_port
from runner.proxy._usage_log import (
    UsageRecord,
    escapes_file,
    read_escapes,
    read_usage,
    usage_file,
)

__all__ = [
    "CellKey",
    "ConfigError",
    "KeyRejected",
    "ModelProbe",
    "ProbeReport",
    "ProxyServer",
    "ProxyStartError",
    "UsageRecord",
    "build_config",
    "calibration_route",
    "dump_config",
    "escapes_file",
    "free_port",
    "gemini_alias",
    "mint_cell_key",
    "prices",
    "probe_models",
    "rate_shares",
    "read_escapes",
    "read_usage",
    "tool_call_problem",
    "usage_file",
    "verify_cell_key",
]
