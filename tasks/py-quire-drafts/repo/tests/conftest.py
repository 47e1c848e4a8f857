"""Shared fixtures: a small site in memory."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from quire.config import SiteConfig


@pytest.fixture
def config() -> SiteConfig:
    return SiteConfig(
        title="Field notes",
        base_url="https://notes.example.org",
        author="R. Lee",
        now=datetime(2024, 6, 1, tzinfo=UTC),
    )


@pytest.fixture
def sources() -> dict[str, str]:
    return {
        "index.md": "---\ntitle: Home\n---\nWelcome. See [[About]].\n",
        "about.md": "---\ntitle: About\n---\nWho writes this: see [[First steps]].\n",
        "posts/first.md": (
            "---\ntitle: First steps\ndate: 2024-03-02\ntags: [intro, python]\n---\n"
            "Hello *world*. Back to [[about]].\n"
        ),
        "posts/second.md": (
            "---\ntitle: Second post\ndate: 2024-04-15 10:30\ntags: [python]\n---\n"
            "More text linking [[First steps]] and [[Nowhere]].\n"
        ),
    }
