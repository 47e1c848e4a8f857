"""The attempt viewer in headless Chromium (Debian's package, driven by Playwright), as a new user
reaches it: open the matrix, click a cell, then an attempt; the coloured diff and the trajectory's
steps render, tool outputs open and close, and no request fails, leaves the origin or logs an error.
Screenshots are kept under artifacts/board/ (gitignored) and the test's tmp dir."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from runner.board import board_files, board_schema, build_board, render_site, write_tree
from runner.catalog import ModelCatalog, parse_file
from tests.board.attempts_demo import AGENTS, MODEL, TASKS, attempt_receipts
from tests.board.test_board_site_browser import CHROMIUM, FLAGS, _QuietHandler, crawl

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="chromium is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("attempts")
    full = parse_file(root / "models.toml", ModelCatalog)
    # Only the column the receipts cover: the catalog page links a page per catalogued model.
    catalog = full.model_copy(update={"models": [m for m in full.models if m.id == MODEL]})
    verified = attempt_receipts(tmp / "receipts")
    board = build_board(verified, catalog)
    files, summary = render_site(board, catalog, attempts=verified)
    out = tmp / "site"
    write_tree(out, board_files(board, files, summary, board_schema(root / "schemas")))
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(out))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", out
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _shots(root: Path, tmp_path: Path, name: str) -> list[Path]:
    kept = root / "artifacts" / "board"
    kept.mkdir(parents=True, exist_ok=True)
    return [kept / name, tmp_path / name]


def test_matrix_to_cell_to_attempt(site: tuple[str, Path], root: Path, tmp_path: Path) -> None:
    origin, _ = site
    problems: list[str] = []
    requested: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status}: {r.url}"))
        page.on("request", lambda r: requested.append(r.url))
        page.goto(origin + "index.html")
        # The matrix cell of codex on the model column leads to that cell's attempts.
        row = page.locator("table.matrix tr", has=page.locator("th.agent", has_text="codex"))
        row.locator("td.cell a").first.click()
        page.wait_for_load_state("load")
        assert "/cells/" in page.url
        grid = page.locator("table.attempt-grid")
        playwright_api.expect(grid).to_be_visible()
        assert grid.get_attribute("data-agent") == "codex"
        # A task x attempt grid coloured by outcome: every task, every attempt number.
        assert grid.locator("th.task").all_inner_texts() == sorted(TASKS)
        assert grid.locator("td.att").count() == len(TASKS) * 3
        assert grid.locator("td.att.o-passed").count() == 2
        for path in _shots(root, tmp_path, "cell.png"):
            page.screenshot(path=str(path), full_page=True)
        grid.locator("td.att.o-failed a").first.click()
        page.wait_for_load_state("load")
        assert "/attempts/" in page.url
        playwright_api.expect(page.locator("#outcome")).to_contain_text("failed")
        # The patch, coloured: added and removed lines are told apart.
        diff = page.locator("pre.diff")
        playwright_api.expect(diff.locator("span.da")).to_have_count(1)
        playwright_api.expect(diff.locator("span.dd")).to_have_count(1)
        added = diff.locator("span.da").evaluate("e => getComputedStyle(e).backgroundColor")
        removed = diff.locator("span.dd").evaluate("e => getComputedStyle(e).backgroundColor")
        assert added != removed
        # The failed check's log is open; the passing ones are folded.
        playwright_api.expect(page.locator("details.check.fail pre.log")).to_be_visible()
        playwright_api.expect(page.locator("details.check.fail")).to_contain_text("1 failed")
        # The trajectory: the instruction, then the agent's steps with its tool call.
        steps = page.locator("ol.steps > li.step")
        playwright_api.expect(steps).to_have_count(3)
        playwright_api.expect(steps.nth(1)).to_contain_text("Applying the change")
        output = steps.nth(1).locator("details.output")
        playwright_api.expect(output.locator("pre")).to_be_hidden()
        output.locator("summary").click()
        playwright_api.expect(output.locator("pre")).to_be_visible()
        for path in _shots(root, tmp_path, "attempt.png"):
            page.screenshot(path=str(path), full_page=True)
        browser.close()
    assert problems == []
    assert all(urlparse(u).netloc == urlparse(origin).netloc for u in requested)


def test_per_model_task_by_agent_grid(site: tuple[str, Path], root: Path, tmp_path: Path) -> None:
    origin, _ = site
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(origin + f"models/{MODEL.replace('/', '--')}.html")
        page.locator("a.tasks-link").first.click()
        page.wait_for_load_state("load")
        grid = page.locator("table.task-grid")
        playwright_api.expect(grid).to_be_visible()
        assert grid.locator("thead th a").all_inner_texts() == sorted(AGENTS)
        # 3 attempts per (agent, task): pass / fail / agent error rotate, so each square says
        # how many of its scored attempts passed.
        texts = grid.locator("td.sol").all_inner_texts()
        assert len(texts) == len(AGENTS) * len(TASKS)
        assert all(t.endswith("/3") for t in texts)
        for path in _shots(root, tmp_path, "tasks.png"):
            page.screenshot(path=str(path), full_page=True)
        grid.locator("td.sol a").first.click()
        page.wait_for_load_state("load")
        assert "/cells/" in page.url and page.url.endswith(f"#task-{sorted(TASKS)[0]}")
        browser.close()


def test_every_attempt_page_is_linked_and_loads_cleanly(site: tuple[str, Path]) -> None:
    origin, out = site
    seen, problems, foreign = crawl(origin)
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert {u.removeprefix(origin) for u in seen} == pages  # every page is linked and opened
    assert len([p for p in pages if p.startswith("attempts/")]) == len(AGENTS) * len(TASKS) * 3
    assert problems == []
    assert foreign == []
