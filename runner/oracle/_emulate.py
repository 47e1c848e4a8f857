"""`cab oracle serve --emulate nim`: the oracle behaving like NVIDIA NIM's hosted API where a sweep
feels the difference. Chat Completions only (the Responses and Messages routes answer 404, so
LiteLLM must bridge Codex and Claude Code into chat), a model list of what it "hosts" (a model it
does not host answers 404 like a retired endpoint), a per-key requests-per-minute limit answering
429 with `Retry-After`, optional per-token latency, and the `reasoning_content` field NIM's
reasoning models send beside `content`. Every request is written to a JSONL log, so a test can
say which routes were asked and how many requests were served in any minute."""

from __future__ import annotations

import collections
import hashlib
import json
import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROFILES = ("nim",)
# NIM's public free tier, as reported: about 40 requests per minute per key.
NIM_DEFAULT_RPM = 40
WINDOW_S = 60.0
REASONING_TEXT = "Reading the task and the repository before acting."


@dataclass
class Emulation:
    """What the emulated endpoint enforces. `hosted` None: every calibration model is listed."""

    profile: str = "nim"
    rpm_per_key: int | None = NIM_DEFAULT_RPM
    hosted: tuple[str, ...] | None = None
    token_latency_s: float = 0.0  # added per output token before a reply
    # The per-key limit counts the requests served in this many seconds: a minute, as NIM's
    # reported limit, or longer, as an endpoint with a longer hidden window (`rpm_per_key` is
    # then the budget of that window).
    window_s: float = WINDOW_S
    # The Retry-After a 429 names. None: when the key's minute frees a slot. A number: that
    # many seconds whatever the minute says, as an endpoint with a longer hidden window does
    # (LiteLLM's router honours at most 60 s and otherwise backs off briefly, so a longer one
    # reaches the agent).
    retry_after_s: int | None = None
    reasoning: bool = True  # send reasoning_content like NIM's reasoning models
    log_path: Path | None = None
    _served: dict[str, collections.deque[float]] = field(
        default_factory=lambda: collections.defaultdict(collections.deque), init=False, repr=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"unknown emulation profile {self.profile!r} (known: {PROFILES})")
        if self.rpm_per_key is not None and self.rpm_per_key < 1:
            raise ValueError("rpm_per_key must be at least 1 (or None: no limit)")
        if self.window_s < 1:
            raise ValueError("window_s must be at least 1")
        if self.retry_after_s is not None and self.retry_after_s < 1:
            raise ValueError("retry_after_s must be at least 1 (or None: the minute's)")

    def retry_after(self, wait_s: float) -> str:
        """The Retry-After header of a 429 when the key's next slot is `wait_s` away."""
        return str(self.retry_after_s) if self.retry_after_s else retry_after_header(wait_s)

    def hosts(self, model: str, known: tuple[str, ...]) -> bool:
        return model in (self.hosted if self.hosted is not None else known)

    def listed(self, known: tuple[str, ...]) -> list[str]:
        return [m for m in known if self.hosts(m, known)]

    def admit(self, key: str, now: float | None = None) -> float | None:
        """None when `key` may be served now (and counts it), else the seconds to wait: a
        sliding window (window_s, a minute by default) of served requests per key."""
        if self.rpm_per_key is None:
            return None
        now = time.time() if now is None else now
        with self._lock:
            served = self._served[key]
            while served and served[0] <= now - self.window_s:
                served.popleft()
            if len(served) >= self.rpm_per_key:
                return max(0.001, served[0] + self.window_s - now)
            served.append(now)
            return None

    def record(self, **entry: Any) -> None:
        if self.log_path is None:
            return
        line = json.dumps({"t": round(time.time(), 3), **entry}, sort_keys=True) + "\n"
        with self._lock, self.log_path.open("a", encoding="utf-8") as f:
            f.write(line)


def key_id(authorization: str | None) -> str:
    """A short digest of the caller's key: the log names keys without holding them."""
    raw = (authorization or "").removeprefix("Bearer ").strip()
    return hashlib.sha256(raw.encode()).hexdigest()[:12] if raw else "anonymous"


def retry_after_header(wait_s: float) -> str:
    return str(max(1, math.ceil(wait_s)))


def add_reasoning(body: dict[str, Any]) -> dict[str, Any]:
    """A non-streamed chat completion with NIM's `reasoning_content` beside the content."""
    for choice in body.get("choices", []):
        choice.get("message", {})["reasoning_content"] = REASONING_TEXT
    return body


def reasoning_chunk(first_chunk: str) -> str | None:
    """A stream chunk carrying `reasoning_content`, shaped like `first_chunk` (the role chunk);
    None when that chunk is not a chat completion chunk."""
    try:
        data = json.loads(first_chunk)
    except ValueError:
        return None
    if not isinstance(data, dict) or not data.get("choices"):
        return None
    choice = {**data["choices"][0], "delta": {"reasoning_content": REASONING_TEXT}}
    return json.dumps({**data, "choices": [choice]})


def minute_counts(log_path: Path, status: int = 200) -> list[int]:
    """Requests answered `status` in each sliding 60 s window starting at a logged request: the
    most any minute saw is max() of this (a test's and the bench's budget check)."""
    times = sorted(
        e["t"]
        for e in map(json.loads, log_path.read_text(encoding="utf-8").splitlines())
        if e.get("status") == status
    )
    counts: list[int] = []
    j = 0
    for i, t in enumerate(times):
        while j < len(times) and times[j] < t + WINDOW_S:
            j += 1
        counts.append(j - i)
    return counts


EMULATE_ENV = "CAB_ORACLE_EMULATE"  # a profile name: the harness's oracle emulates it
EMULATE_RPM_ENV = "CAB_ORACLE_RPM"  # its per-key budget (default NIM's 40; 0: none)
EMULATE_LOG_ENV = "CAB_ORACLE_LOG"  # its request log
EMULATE_HOSTED_ENV = "CAB_ORACLE_HOSTED"  # comma-separated models it hosts


def emulation_from_env(environ: dict[str, str] | None = None) -> Emulation | None:
    """The emulation the harness's in-process oracle runs (None: the plain oracle), from the
    environment, as CAB_ORACLE_FAULTS picks flaky's faults: `nox -s cells` and the benches set
    it; a sweep on real endpoints never starts an oracle."""
    import os

    env = os.environ if environ is None else environ
    profile = env.get(EMULATE_ENV, "").strip()
    if not profile:
        return None
    raw_rpm = env.get(EMULATE_RPM_ENV, "").strip()
    if raw_rpm and not raw_rpm.isdigit():
        raise ValueError(f"{EMULATE_RPM_ENV}={raw_rpm!r}: want a whole number")
    hosted = tuple(m.strip() for m in env.get(EMULATE_HOSTED_ENV, "").split(",") if m.strip())
    log = env.get(EMULATE_LOG_ENV, "").strip()
    return Emulation(
        profile=profile,
        rpm_per_key=(int(raw_rpm) or None) if raw_rpm else NIM_DEFAULT_RPM,
        hosted=hosted or None,
        log_path=Path(log) if log else None,
    )
