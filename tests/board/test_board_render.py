"""The rendered site and summary show the board's numbers, missing cells as missing, tiers apart
and the reference column unranked."""

from __future__ import annotations

import re

from runner.board import build_board, render_site
from tests.board.receipt_factory import make_receipt, verified
from tests.board.test_board_build import P, R, U, catalog, scenario


def site() -> tuple[dict[str, str], str]:
    # delta ran only on the reference model: listed, never ranked.
    items = [*scenario(), verified(make_receipt("delta", R, "t1", "passed"))]
    files, summary = render_site(build_board(items, catalog()), catalog())
    return {k: v.decode() for k, v in files.items()}, summary


def test_matrix_cells_missing_and_unscored() -> None:
    files, _ = site()
    index = files["index.html"]
    official = index.split('data-tier="official"')[1].split("</table>")[0]
    # 4 agents x 3 models: alpha U P R, beta U P, delta R scored; gamma U infra only; 5 missing
    assert official.count('<td class="cell"') == 6
    assert official.count('class="cell missing"') == 5
    assert official.count('class="cell unscored"') == 1
    assert ">0.0%<" not in official  # nothing is drawn as a zero
    assert ">50.0%<" in official and ">25.0%<" in official and ">83.3%<" in official
    assert "composite 0.506" in official  # alpha on U: 0.50625
    assert 'class="grp ref"' in official
    community = index.split('data-tier="community"')[1].split("</table>")[0]
    assert community.count('<td class="cell"') == 1


def test_reference_is_never_ranked() -> None:
    files, _ = site()
    ref_page = files["models/org--closed-ref.html"]
    ranks = re.findall(r'<td class="rank">([^<]*)</td>', ref_page)
    assert ranks and all(r.strip() == "\u2013" for r in ranks)
    agents = files["agents/index.html"]
    assert "delta" in agents and "reference columns only: not ranked" in agents
    open_page = files["models/org--priced-open.html"]
    assert re.findall(r'<td class="rank">([^<]*)</td>', open_page) == ["1", "2"]
    assert "p = 0.0386" in open_page  # beta vs alpha on P: 158/4096


def test_pages_for_every_agent_and_model() -> None:
    files, _ = site()
    for page in ("agents/alpha.html", "agents/gamma.html", "agents/delta.html"):
        assert page in files
    for model in (P, U, R):
        assert f"models/{model.replace('/', '--')}.html" in files
    assert "not scored: 2 infra errors only" in files["agents/gamma.html"]
    catalog_page = files["catalog.html"]
    assert "none: cost axis uses tokens" in catalog_page
    assert "$1.0 / $3.0" in catalog_page
    for name, text in files.items():
        # Only plain links may point elsewhere (the catalog's provider pages); nothing loads.
        assert not re.search(r'(src|srcset|action)="https?:|url\(\s*["\']?https?:|@import', text)
        assert not re.search(r'<link[^>]+href="https?:', text), name


def test_summary_md() -> None:
    _, summary = site()
    assert "| agent | unpriced-open | priced-open | closed-ref (ref) |" in summary
    assert (
        "| alpha | **50.0%** [15-85] · 0.506 (n=4) | **83.3%** [55-95] · 0.817 (n=12) |" in summary
    )
    assert (
        "| beta | **25.0%** [5-70] · 0.312 (n=4) | **16.7%** [5-45] · 0.260 (n=12) | — |" in summary
    )
    assert "| gamma | infra errors only (2) | — | — |" in summary
    assert "priced-open: alpha 10-2 beta over 12 shared attempts, p = 0.03857" in summary
    assert "Infra errors excluded from every denominator: 3." in summary


def test_self_hosted_column_is_labelled_as_such() -> None:
    """A self-hosted model's column says so wherever the model is named: matrix header, model
    page (with where its base URL came from), model list, agent page and catalog."""
    from runner.catalog import ModelCatalog
    from tests.board.test_board_build import _host

    s = "org/own-server"
    base = catalog()
    hosts = [
        *(h.model_dump(mode="json", exclude_none=True) for h in base.models),
        _host(s, notes={"price": "none"}, status="held", joined_methodology=None,
              serving={"kind": "self-hosted", "route": "openai/own", "api_base_env": "OWN_URL",
                       "endpoint": "own"}),
    ]  # fmt: skip
    cat = ModelCatalog.model_validate({"methodology_version": base.methodology_version,
                                       "model": hosts})  # fmt: skip
    items = [verified(make_receipt("alpha", m, "t1", "passed")) for m in (U, s)]
    files, _ = render_site(build_board(items, cat), cat)
    pages = {k: v.decode() for k, v in files.items()}
    flag = 'class="flag selfhosted"'
    index = pages["index.html"]
    header = index.split('href="models/org--own-server.html"')[1].split("</th>")[0]
    assert flag in header and "self-hosted" in header
    unpriced = index.split('href="models/org--unpriced-open.html"')[1].split("</th>")[0]
    assert flag not in unpriced
    model = pages["models/org--own-server.html"]
    assert flag in model.split("</h1>")[0]
    assert "self-hosted: served by whoever ran the cells" in model and "$OWN_URL" in model
    assert "hosted by the provider" in pages["models/org--unpriced-open.html"]
    for page in ("models/index.html", "agents/alpha.html", "catalog.html"):
        assert pages[page].count(flag) == 1, page
