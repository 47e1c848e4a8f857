"""The archive: posts grouped by month, newest month first.

Months are calendar months in the site's timezone: a post dated 2024-03-31T23:30:00-05:00 on a
site at +01:00 belongs to April 2024.
"""

from __future__ import annotations

from datetime import UTC, timezone

from quire.page import Page

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def archive_groups(pages: list[Page], site_tz: timezone = UTC) -> list[tuple[str, list[Page]]]:
    """[("April 2024", [posts newest first]), ...], newest month first."""
    groups: dict[tuple[int, int], list[Page]] = {}
    for page in pages:
        if not page.is_post or page.date is None:
            continue
        local = page.date.astimezone(site_tz)
        groups.setdefault((local.year, local.month), []).append(page)
    out = []
    for year, month in sorted(groups, reverse=True):
        out.append(
            (f"{MONTHS[month - 1]} {year}", sorted(groups[(year, month)], key=Page.sort_key))
        )
    return out
