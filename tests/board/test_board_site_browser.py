"""The built site in headless Chromium (Debian's package, driven by Playwright).

Every page reachable from the index loads from a 127.0.0.1 server with no failed request, no request
to any other origin and no console error; the matrix renders with missing cells shown as missing.
Every page stays readable at 1400 and 1024 px and on a phone (390 px): no table is wider than its
box and the page never scrolls sideways, with the demo catalog and with the repository's
models.toml (whose long tool-call and route texts once cut the catalog's status column off).
Screenshots are kept under artifacts/board/ (gitignored) and the test's tmp dir.
"""

from __future__ import annotations

import functools
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from runner.board import board_files, board_schema, build_board, render_site, write_tree
from runner.catalog import ModelCatalog, load_models
from tests.board.demo import demo_catalog, demo_receipts

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(),
    reason="chromium is not installed (apt-get install -y chromium)",
)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(out: Path) -> Iterator[tuple[str, Path]]:
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", out
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _write_site(out: Path, root: Path, catalog: ModelCatalog) -> Path:
    """The demo board, its pages rendered with `catalog` (the catalog page lists its models)."""
    board = build_board(demo_receipts(), demo_catalog())
    files, summary = render_site(board, catalog)
    write_tree(out, board_files(board, files, summary, board_schema(root / "schemas")))
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Iterator[tuple[str, Path]]:
    out = _write_site(tmp_path_factory.mktemp("board") / "site", root, demo_catalog())
    yield from _serve(out)


@pytest.fixture(scope="module")
def real_catalog_site(
    tmp_path_factory: pytest.TempPathFactory, root: Path
) -> Iterator[tuple[str, Path]]:
    out = _write_site(tmp_path_factory.mktemp("board-real") / "site", root, load_models(root))
    yield from _serve(out)


def _artifacts(root: Path, tmp_path: Path) -> list[Path]:
    kept = root / "artifacts" / "board"
    kept.mkdir(parents=True, exist_ok=True)
    return [kept, tmp_path]


def crawl(origin: str) -> tuple[set[str], list[str], list[str]]:
    """Open every page reachable from the index: (pages seen, problems, foreign requests)."""
    problems: list[str] = []
    requested: list[str] = []
    seen: set[str] = set()
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
        page.on("request", lambda r: requested.append(r.url))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status}: {r.url}"))
        queue = [origin + "index.html"]
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            page.goto(url, wait_until="load")
            for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                target = urldefrag(urljoin(url, href)).url
                if target.startswith(origin) and target.endswith(".html"):
                    queue.append(target)
        browser.close()
    foreign = [u for u in requested if urlparse(u).netloc != urlparse(origin).netloc]
    return seen, problems, foreign


def test_every_page_loads_cleanly(site: tuple[str, Path]) -> None:
    origin, out = site
    seen, problems, foreign = crawl(origin)
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert {u.removeprefix(origin) for u in seen} == pages  # every page is linked and was opened
    assert problems == []
    assert foreign == [], "the site must make no external request"


def test_the_crawl_catches_broken_and_foreign_requests(site: tuple[str, Path]) -> None:
    """The checks above can fail: a page with a missing asset and a request to another origin
    (a closed loopback port, so nothing leaves the machine) is reported."""
    origin, out = site
    page = out / "agents" / "index.html"
    clean = page.read_text()
    page.write_text(
        clean.replace(
            "</head>",
            '<link rel="stylesheet" href="../assets/missing.css">'
            '<img src="http://127.0.0.1:9/pixel.png" alt=""></head>',
        )
    )
    try:
        _, problems, foreign = crawl(origin)
    finally:
        page.write_text(clean)
    assert any("404" in p and "missing.css" in p for p in problems)
    assert foreign == ["http://127.0.0.1:9/pixel.png"]


def test_matrix_renders(site: tuple[str, Path], root: Path, tmp_path: Path) -> None:
    origin, _ = site
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(origin + "index.html")
        official = page.locator('table.matrix[data-tier="official"]')
        playwright_api.expect(official).to_be_visible()
        # 7 agents x (4 open + 1 reference) models, two of them never run.
        assert official.locator("td.cell").count() == 35
        missing = official.locator("td.cell.missing")
        assert missing.count() == 2
        assert missing.all_inner_texts() == ["—", "—"]
        assert official.locator("th.model.ref").count() == 1
        first = official.locator("td.cell:not(.missing) .rate").first.inner_text()
        assert first.endswith("%")
        community = page.locator('table.matrix[data-tier="community"]')
        assert community.locator("td.cell.unscored").count() == 1
        assert page.locator("svg.chart").count() == 2
        box = page.locator("svg.chart").first.bounding_box()
        assert box is not None and box["width"] > 600 and box["height"] > 250
        for folder in _artifacts(root, tmp_path):
            page.screenshot(path=str(folder / "index.png"), full_page=True)
        page.goto(origin + "models/openai--gpt-oss-120b.html")
        assert page.locator("table.leaderboard tbody tr").count() == 7
        for folder in _artifacts(root, tmp_path):
            page.screenshot(path=str(folder / "model.png"), full_page=True)
        browser.close()
    assert (root / "artifacts" / "board" / "index.png").stat().st_size > 10_000


# Widths the site must stay readable at: desktop, the narrowest desktop, a phone.
WIDTHS = (1400, 1024, 390)
# Per page: how far the page and each table stick out of their boxes (0 = they fit). A table's box
# is its parent (the .scroll frame); a frame that has to scroll sideways hides part of its table.
FIT_JS = """() => {
  const out = [];
  const page = document.documentElement.scrollWidth - window.innerWidth;
  if (page > 0) out.push(`page is ${page}px wider than the window`);
  document.querySelectorAll("table").forEach((t, i) => {
    const box = t.parentElement;
    const over = Math.ceil(t.getBoundingClientRect().width) - box.clientWidth;
    const hidden = box.scrollWidth - box.clientWidth;
    const by = Math.max(over, hidden);
    if (by > 1) out.push(`table ${i} (${t.className}) overflows its box by ${by}px`);
  });
  return out;
}"""
SHOTS = ("catalog.html", "index.html", "models/openai--gpt-oss-120b.html", "agents/codex.html")


def overflows(origin: str, out: Path, width: int, shots: list[Path]) -> list[str]:
    """Every page at `width`: what does not fit. Screenshots of SHOTS go into each of `shots`."""
    problems: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        for rel in sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")):
            page.goto(origin + rel, wait_until="load")
            problems += [f"{rel} at {width}px: {p}" for p in page.evaluate(FIT_JS)]
            if rel in SHOTS:
                for folder in shots:
                    name = f"{rel.replace('/', '_').removesuffix('.html')}-{width}.png"
                    page.screenshot(path=str(folder / name), full_page=True)
        browser.close()
    return problems


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["demo catalog", "repository models.toml"])
def test_pages_fit_from_1024_px_up_and_on_a_phone(
    request: pytest.FixtureRequest, root: Path, tmp_path: Path, width: int, which: str
) -> None:
    origin, out = request.getfixturevalue(
        "site" if which == "demo catalog" else "real_catalog_site"
    )
    shots = _artifacts(root, tmp_path)
    if which != "demo catalog":
        shots = [folder / "models-toml" for folder in shots]
        for folder in shots:
            folder.mkdir(exist_ok=True)
    assert overflows(origin, out, width, shots) == []
    assert (shots[1] / f"catalog-{width}.png").stat().st_size > 10_000


def test_the_fit_check_catches_an_overflowing_table(
    real_catalog_site: tuple[str, Path], tmp_path: Path
) -> None:
    """The check above can fail: a catalog cell with a wide unbreakable box is reported."""
    origin, out = real_catalog_site
    page = out / "catalog.html"
    clean = page.read_text()
    page.write_text(clean.replace("</td>", '<div style="width:2400px">x</div></td>', 1))
    try:
        problems = overflows(origin, out, 1400, [tmp_path])
    finally:
        page.write_text(clean)
    (problem,) = [p for p in problems if p.startswith("catalog.html")]
    match = re.fullmatch(
        r"catalog\.html at 1400px: table 0 \(board catalog\) overflows its box by (\d+)px", problem
    )
    assert match and int(match.group(1)) > 1000, problem
