"""A small but realistic board: seven agents, four open host models (one priced), a closed-weight
reference column, both tiers, missing cells, infra errors and an infra-only cell.

Outcomes come from a seeded generator, so the board is the same on every run.
"""

from __future__ import annotations

import random

from runner import METHODOLOGY_VERSION
from runner.board._build import VerifiedReceipt
from runner.catalog import ModelCatalog
from runner.receipts._models import Tier
from tests.board.receipt_factory import make_receipt, verified

OPEN_MODELS = [
    "meta/llama-3.3-70b-instruct",
    "qwen/qwen3-coder-480b-a35b-instruct",
    "deepseek-ai/deepseek-v3.1",
    "openai/gpt-oss-120b",
]
REFERENCE = "anthropic/claude-sonnet-4"
AGENTS = {
    "aider": 0.42,
    "claude-code": 0.63,
    "codex": 0.58,
    "gemini-cli": 0.37,
    "mini-swe-agent": 0.47,
    "opencode": 0.52,
    "qwen-code": 0.49,
}
MODEL_SKILL = {
    OPEN_MODELS[0]: -0.12,
    OPEN_MODELS[1]: 0.12,
    OPEN_MODELS[2]: 0.05,
    OPEN_MODELS[3]: 0.0,
    REFERENCE: 0.22,
}
TASKS = [f"task-{i:02d}" for i in range(24)]


def _model(id_: str, name: str, **extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": id_,
        "display_name": name,
        "provider": name.split()[0],
        "parameter_class": "unknown",
        "architecture": "dense",
        "license": "open",
        "provider_url": "https://example.org/",
        "hf_org": "example",
        "tool_calling": {"format": "JSON tool calls", "parser": "hermes"},
        "serving": {"route": f"nvidia_nim/{id_}"},
        "description": f"{name}: a host model of the demo board.",
        "status": "current",
        "joined_methodology": "1.0",
        "notes": {"price": "no verified reference price; the cost axis uses tokens"},
    }
    base.update(extra)
    return base


def demo_catalog() -> ModelCatalog:
    return ModelCatalog.model_validate(
        {
            "methodology_version": METHODOLOGY_VERSION,
            "model": [
                _model(OPEN_MODELS[0], "Llama 3.3 70B Instruct"),
                _model(OPEN_MODELS[1], "Qwen3 Coder 480B A35B"),
                _model(OPEN_MODELS[2], "DeepSeek V3.1"),
                _model(
                    OPEN_MODELS[3],
                    "gpt-oss 120B",
                    price={
                        "input_per_mtok_usd": 0.15,
                        "output_per_mtok_usd": 0.6,
                        "source": "demo price",
                    },
                    notes={},
                ),
                _model(
                    REFERENCE,
                    "Claude Sonnet 4 (reference)",
                    weights="closed",
                    column="reference",
                    license="proprietary",
                    price={
                        "input_per_mtok_usd": 3.0,
                        "output_per_mtok_usd": 15.0,
                        "source": "demo price",
                    },
                    notes={},
                ),
                _model(
                    "mistralai/devstral-2-123b",
                    "Devstral 2 123B",
                    status="held",
                    joined_methodology=None,
                ),
            ],
        }
    )


def demo_receipts() -> list[VerifiedReceipt]:
    rng = random.Random(20261126)
    out: list[VerifiedReceipt] = []
    for agent, skill in AGENTS.items():
        for model, bonus in MODEL_SKILL.items():
            if (agent, model) in {("gemini-cli", OPEN_MODELS[0]), ("aider", REFERENCE)}:
                continue  # missing cells: never run
            for task in TASKS:
                r = rng.random()
                p = min(0.95, max(0.03, skill + bonus))
                if r < 0.03:
                    outcome = "infra_error"
                elif r < 0.06:
                    outcome = "agent_timeout"
                elif rng.random() < p:
                    outcome = "passed"
                else:
                    outcome = "failed" if rng.random() < 0.85 else "agent_error"
                out.append(
                    verified(
                        make_receipt(
                            agent,
                            model,
                            task,
                            outcome,
                            input_tokens=int(rng.lognormvariate(11.5, 0.6) * (1 + skill)),
                            output_tokens=int(rng.lognormvariate(9.5, 0.5)),
                            total_s=rng.lognormvariate(5.3, 0.5) * (1.4 if agent == "aider" else 1),
                            outside_scope=1 if rng.random() < 0.04 else 0,
                            leftover_processes=1 if rng.random() < 0.03 else 0,
                        )
                    )
                )
    # Community: a held model the official sweep does not run, and a rerun of one official cell.
    for agent in ("opencode", "aider"):
        for task in TASKS[:12]:
            passed = rng.random() < AGENTS[agent] + 0.08
            out.append(
                verified(
                    make_receipt(
                        agent, "mistralai/devstral-2-123b", task, "passed" if passed else "failed"
                    ),
                    Tier.community,
                )
            )
    for task in TASKS[:10]:
        out.append(
            verified(
                make_receipt(
                    "codex", OPEN_MODELS[0], task, "passed" if rng.random() < 0.5 else "failed"
                ),
                Tier.community,
            )
        )
    # An infra-only cell: every attempt an infra error, so it is reported but never scored.
    for task in TASKS[:3]:
        out.append(
            verified(
                make_receipt("qwen-code", "mistralai/devstral-2-123b", task, "infra_error"),
                Tier.community,
            )
        )
    return out
