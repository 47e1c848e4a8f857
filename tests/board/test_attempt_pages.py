"""The attempt pages as files (runner/board/_attempts.py): links from the matrix, what a page says
when an artifact is missing, altered or too large, and that hostile text stays text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner.board import _attempts as attempts_mod
from runner.board import build_board, render_site
from runner.board._attempts import attempt_page, cell_page, diff_html, tasks_page
from runner.catalog import ModelCatalog, parse_file
from tests.board.attempts_demo import AGENTS, MODEL, TASKS, attempt_receipts
from tests.conftest import ROOT

CATALOG = parse_file(ROOT / "models.toml", ModelCatalog)


def _site(folder: Path) -> tuple[dict[str, bytes], list]:  # type: ignore[type-arg]
    verified = attempt_receipts(folder)
    files, _ = render_site(build_board(verified, CATALOG), CATALOG, attempts=verified)
    return files, verified


def test_matrix_cells_link_to_their_attempts(tmp_path: Path) -> None:
    files, verified = _site(tmp_path)
    index = files["index.html"].decode()
    for agent in AGENTS:
        cell = verified[0].tier, agent, MODEL
        assert f'href="{cell_page(*cell)}"' in index
        page = files[cell_page(*cell)].decode()
        mine = [v for v in verified if v.receipt.cell.agent == agent]
        assert all(f'href="../{attempt_page(v)}"' in page for v in mine)
    model_page = files[f"models/{MODEL.replace('/', '--')}.html"].decode()
    assert f'href="../{tasks_page(verified[0].tier, MODEL)}"' in model_page
    assert len([f for f in files if f.startswith("attempts/")]) == len(AGENTS) * len(TASKS) * 3


def test_without_receipts_folders_the_matrix_links_as_before() -> None:
    from tests.board.demo import demo_catalog, demo_receipts

    files, _ = render_site(build_board(demo_receipts(), demo_catalog()), demo_catalog())
    assert not any(f.startswith(("attempts/", "cells/", "tasks/")) for f in files)
    assert 'href="cells/' not in files["index.html"].decode()


def test_forked_rendering_gives_the_same_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial, _ = _site(tmp_path / "a")
    monkeypatch.setattr(attempts_mod, "PARALLEL_FROM", 1)
    monkeypatch.setattr(attempts_mod.os, "cpu_count", lambda: 2)
    forked, _ = _site(tmp_path / "b")
    assert serial == forked


def test_hostile_text_stays_text() -> None:
    html = str(diff_html("+<script>alert(1)</script>\n-</span><b>x\n@@ -1 +1 @@\n ctx"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count('<span class="da">') == 1 and html.count('<span class="dd">') == 1
    assert '<span class="dh">' in html and '<span class="dc">' in html


def _page_of(files: dict[str, bytes], v: object) -> str:
    return files[attempt_page(v)].decode()  # type: ignore[arg-type]


def test_an_altered_or_oversized_trajectory_is_said_not_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified = attempt_receipts(tmp_path)
    first, second = verified[0], verified[1]
    assert first.folder is not None
    path = first.folder / "trajectory.json"
    path.write_text(path.read_text().replace("Applying", "Spoofing"))
    files, _ = render_site(build_board(verified, CATALOG), CATALOG, attempts=verified)
    altered = _page_of(files, first)
    assert "altered since signing" in altered and "Spoofing" not in altered
    monkeypatch.setattr(attempts_mod, "MAX_TRAJECTORY_BYTES", 100)
    files, _ = render_site(build_board(verified, CATALOG), CATALOG, attempts=verified)
    big = _page_of(files, second)
    assert "larger than this board shows" in big and 'class="steps"' not in big


def test_a_page_shows_the_failed_checks_log_and_the_steps(tmp_path: Path) -> None:
    files, verified = _site(tmp_path)
    failed = next(v for v in verified if v.receipt.outcome.value == "failed")
    page = _page_of(files, failed)
    assert "1 failed" in page and 'class="check fail" open' in page
    traj = json.loads((failed.folder / "trajectory.json").read_text())  # type: ignore[operator]
    assert page.count('<li class="step ') == len(traj["steps"])
    assert page.count('<div class="call">') == sum(
        len(s.get("tool_calls", [])) for s in traj["steps"]
    )
