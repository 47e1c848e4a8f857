"""Audit events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from auditlog.clock import now

ACTIONS = frozenset({"create", "update", "delete", "login", "logout", "grant", "revoke", "export"})


@dataclass(frozen=True)
class AuditEvent:
    actor: str
    action: str
    target: str
    at: datetime
    metadata: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.actor:
            raise ValueError("actor must not be empty")
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}")


def record(
    actor: str, action: str, target: str, at: datetime | None = None, **metadata: str
) -> AuditEvent:
    """A new event, stamped with the current time unless ``at`` is given (UTC)."""
    return AuditEvent(actor, action, target, at if at is not None else now(), dict(metadata))
