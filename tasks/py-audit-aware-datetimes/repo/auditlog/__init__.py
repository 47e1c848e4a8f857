"""auditlog: who did what, to what, when."""

from auditlog.clock import now, set_clock
from auditlog.events import AuditEvent, record
from auditlog.export import export_csv, from_epoch, to_epoch
from auditlog.serialize import event_from_json, event_to_json, format_timestamp, parse_timestamp
from auditlog.store import AuditStore

__all__ = [
    "AuditEvent",
    "AuditStore",
    "event_from_json",
    "event_to_json",
    "export_csv",
    "format_timestamp",
    "from_epoch",
    "now",
    "parse_timestamp",
    "record",
    "set_clock",
    "to_epoch",
]
