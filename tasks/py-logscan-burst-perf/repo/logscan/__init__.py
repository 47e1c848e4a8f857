"""logscan: access-log summaries and burst detection."""

from logscan.bursts import Burst, find_bursts
from logscan.records import Request, parse_line, parse_lines

__all__ = ["Burst", "Request", "find_bursts", "parse_line", "parse_lines"]
