"""Calibration models: a deterministic OpenAI / Anthropic compatible server (`cab oracle serve`)."""

from runner.oracle._conversation import Conversation, Message, Reply, Tool, ToolCall, Usage
from runner.oracle._emulate import (
    NIM_DEFAULT_RPM,
    PROFILES,
    WINDOW_S,
    Emulation,
    emulation_from_env,
    minute_counts,
)
from runner.oracle._plan import (
    Behaviour,
    EditFormat,
    detect_edit_format,
    find_edit_tool,
    find_finish_tool,
    find_shell_tool,
    find_workspace,
    find_write_tool,
    plan_reply,
)
from runner.oracle._server import MODELS, OracleServer, OracleSettings, make_app, serve
from runner.oracle._tasks import (
    OracleTask,
    TaskLoadError,
    find_task,
    load_oracle_task,
    load_oracle_tasks,
)
from runner.oracle._wire import (
    BadRequest,
    parse_chat,
    parse_gemini,
    parse_messages,
    parse_responses,
)

__all__ = [
    "MODELS",
    "NIM_DEFAULT_RPM",
    "PROFILES",
    "WINDOW_S",
    "BadRequest",
    "Behaviour",
    "Conversation",
    "EditFormat",
    "Emulation",
    "Message",
    "OracleServer",
    "OracleSettings",
    "OracleTask",
    "Reply",
    "TaskLoadError",
    "Tool",
    "ToolCall",
    "Usage",
    "detect_edit_format",
    "emulation_from_env",
    "find_edit_tool",
    "find_finish_tool",
    "find_shell_tool",
    "find_task",
    "find_workspace",
    "find_write_tool",
    "load_oracle_task",
    "load_oracle_tasks",
    "make_app",
    "minute_counts",
    "parse_chat",
    "parse_gemini",
    "parse_messages",
    "parse_responses",
    "plan_reply",
    "serve",
]
