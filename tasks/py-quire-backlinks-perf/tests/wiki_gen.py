"""Deterministic wiki-style sites for the hidden tests (not a test module)."""

from __future__ import annotations

from datetime import UTC, datetime


def make_sources(count: int, links_per_page: int, seed: int = 3) -> dict[str, str]:
    state = seed
    sources = {}
    for i in range(count):
        body = [f"Page {i} text."]
        for _ in range(links_per_page):
            state = (state * 1103515245 + 12345) % 2**31
            target = state % (count + count // 20)  # some targets do not exist
            style = state % 3
            if style == 0:
                body.append(f"See [[Topic {target}]].")
            elif style == 1:
                body.append(f"Also [[topic-{target}|this one]].")
            else:
                body.append(f"And [[t{target:05d}]].")
        sources[f"wiki/t{i:05d}.md"] = f"---\ntitle: Topic {i}\n---\n" + " ".join(body) + "\n"
    return sources


def config():
    from quire.config import SiteConfig

    return SiteConfig(title="Wiki", base_url="https://wiki.example", now=datetime(2025, 1, 1, tzinfo=UTC))
