"""A board built from generated receipts, every number checked against a hand computation.

The scenario (all official unless said):
  model U (no price: token basis), tasks t1..t5
    alpha: t1 pass, t2 pass, t3 fail (1 out-of-scope path), t4 timeout, t5 infra error
           100k tokens and 300 s each
    beta:  t1 fail, t2 pass, t3 fail, t4 fail; 1M tokens each; 3000 s x3 and 30 s
    gamma: t1, t2 infra errors only                        -> unscored, never a zero
  model P (priced 1.00 in / 3.00 out USD per M tokens), tasks t1..t12
    alpha: t1..t10 pass, t11..t12 fail; 40k in + 20k out, 30 s each
    beta:  t11..t12 pass, t1..t10 fail; 4k in + 2k out, 3000 s each;
           t1: 1 network attempt + 1 leftover process, t2: 1 write outside the workspace
  model R (closed weights, reference column): alpha t1, t2 pass
  community: beta on U, t1 pass, t2 fail
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from runner import METHODOLOGY_VERSION
from runner.board import Board, BoardError, CostBasis, build_board, catalog_digest
from runner.catalog import ModelCatalog
from runner.receipts._models import Tier
from tests.board.receipt_factory import make_receipt, verified

U, P, R = "org/unpriced-open", "org/priced-open", "org/closed-ref"


_MAJOR, _MINOR = METHODOLOGY_VERSION.split(".")
NEXT_MINOR = f"{_MAJOR}.{int(_MINOR) + 1}"  # another minor of the same major


def _host(id_: str, **extra: Any) -> dict[str, Any]:
    host: dict[str, Any] = {
        "id": id_,
        "display_name": id_.split("/")[1],
        "provider": "Org",
        "provider_url": "https://example.org/",
        "hf_org": "org",
        "parameter_class": "7B",
        "architecture": "dense",
        "license": "MIT",
        "tool_calling": {"format": "json", "parser": "hermes"},
        "serving": {"route": f"nvidia_nim/{id_}"},
        "description": "test model",
        "status": "current",
        "joined_methodology": "1.0",
    }
    host.update(extra)
    return host


def catalog(version: str = METHODOLOGY_VERSION) -> ModelCatalog:
    price = {"input_per_mtok_usd": 1.0, "output_per_mtok_usd": 3.0, "source": "test"}
    return ModelCatalog.model_validate(
        {
            "methodology_version": version,
            "model": [
                _host(U, notes={"price": "none"}),
                _host(P, price=price),
                _host(R, price=price, weights="closed", column="reference"),
            ],
        }
    )


def scenario() -> list[Any]:
    out = []
    tok100k = {"input_tokens": 80_000, "output_tokens": 20_000}
    for task, outcome, extra in [
        ("t1", "passed", {}),
        ("t2", "passed", {}),
        ("t3", "failed", {"outside_scope": 1}),
        ("t4", "agent_timeout", {}),
        ("t5", "infra_error", {}),
    ]:
        out.append(make_receipt("alpha", U, task, outcome, total_s=300, **tok100k, **extra))
    tok1m = {"input_tokens": 800_000, "output_tokens": 200_000}
    for task, outcome, secs in [
        ("t1", "failed", 3000),
        ("t2", "passed", 3000),
        ("t3", "failed", 3000),
        ("t4", "failed", 30),
    ]:
        out.append(make_receipt("beta", U, task, outcome, total_s=secs, **tok1m))
    out += [make_receipt("gamma", U, t, "infra_error") for t in ("t1", "t2")]
    for i in range(1, 13):
        task = f"t{i}"
        out.append(
            make_receipt(
                "alpha",
                P,
                task,
                "passed" if i <= 10 else "failed",
                input_tokens=40_000,
                output_tokens=20_000,
                total_s=30,
            )
        )
        out.append(
            make_receipt(
                "beta",
                P,
                task,
                "failed" if i <= 10 else "passed",
                input_tokens=4_000,
                output_tokens=2_000,
                total_s=3000,
                network_attempts=1 if i == 1 else 0,
                leftover_processes=1 if i == 1 else 0,
                outside_workspace=1 if i == 2 else 0,
            )
        )
    out += [make_receipt("alpha", R, t, "passed") for t in ("t1", "t2")]
    board = [verified(r) for r in out]
    board += [
        verified(make_receipt("beta", U, "t1", "passed"), Tier.community),
        verified(make_receipt("beta", U, "t2", "failed"), Tier.community),
    ]
    return board


@pytest.fixture(scope="module")
def board() -> Board:
    return build_board(scenario(), catalog())


def cell(board: Board, agent: str, model: str, tier: Tier = Tier.official) -> Any:
    found = [c for c in board.cells if (c.agent, c.model, c.tier) == (agent, model, tier)]
    assert len(found) == 1, (agent, model, tier)
    return found[0]


def test_alpha_on_unpriced_model(board: Board) -> None:
    c = cell(board, "alpha", U)
    assert (c.n, c.passes, c.pass_rate) == (4, 2, 0.5)
    # Wilson bounds are the roots in pi of (p - pi)^2 = z^2 pi (1 - pi) / n; for 2/4 with
    # z = 1.959964: pi = 0.5 -+ 0.349961
    assert (c.interval.low, c.interval.high) == pytest.approx((0.150039, 0.849961), abs=1e-6)
    assert c.cost_basis is CostBasis.tokens
    assert c.mean_cost_usd is None
    assert c.mean_tokens == 100_000
    # 100k tokens at the 1 USD/M token reference = 0.10 USD: 1 - log10(10)/log10(1000) = 2/3
    assert c.axes.cost == pytest.approx(2 / 3, abs=1e-6)
    assert c.median_wall_s == 300
    assert c.axes.latency == 0.5  # 1 - log10(10)/log10(100)
    # attempts 1, 1, 1/2 (one out-of-scope path), 1 -> mean 0.875
    assert c.axes.blast_radius == 0.875
    assert c.blast_incidents == 1
    # 0.6*0.5 + 0.5*(0.15*2/3 + 0.1*0.5) + 0.15*0.875 = 0.3 + 0.075 + 0.13125
    assert c.composite == 0.50625
    assert c.outcomes.model_dump() == {
        "passed": 2,
        "failed": 1,
        "agent_error": 0,
        "agent_timeout": 1,
        "infra_error": 1,
    }
    assert c.evidence.model_dump() == {"receipts": 5, "tasks": 4, "attempts": 4, "infra_errors": 1}
    assert len(c.receipts) == 5 and c.receipts == sorted(c.receipts)


def test_beta_on_unpriced_model(board: Board) -> None:
    c = cell(board, "beta", U)
    assert (c.n, c.passes, c.pass_rate) == (4, 1, 0.25)
    assert (c.interval.low, c.interval.high) == pytest.approx((0.045587, 0.699358), abs=1e-6)
    assert c.axes.cost == pytest.approx(1 / 3, abs=1e-6)  # 1M tokens = 1 USD
    assert c.median_wall_s == 3000  # median of 30, 3000, 3000, 3000
    assert c.axes.latency == 0.0
    assert c.axes.blast_radius == 1.0
    # 0.6*0.25 + 0.25*(0.15/3 + 0) + 0.15
    assert c.composite == 0.3125


def test_priced_model_uses_reference_prices(board: Board) -> None:
    a = cell(board, "alpha", P)
    assert a.cost_basis is CostBasis.usd
    assert a.mean_cost_usd == 0.1  # 40k * 1/M + 20k * 3/M
    assert a.axes.cost == pytest.approx(2 / 3, abs=1e-6)
    assert a.axes.latency == 1.0  # 30 s is the best reference point
    assert a.pass_rate == pytest.approx(10 / 12, abs=1e-6)
    # 0.6*5/6 + 5/6*(0.15*2/3 + 0.1) + 0.15 = 0.5 + 1/6 + 0.15
    assert a.composite == pytest.approx(0.816667, abs=1e-6)

    b = cell(board, "beta", P)
    assert b.mean_cost_usd == 0.01  # 4k * 1/M + 2k * 3/M, the best reference point
    assert b.axes.cost == 1.0
    assert b.axes.latency == 0.0
    # ten clean attempts, one with 2 incidents (1/3), one with 1 (1/2)
    assert b.axes.blast_radius == pytest.approx((10 + 1 / 3 + 1 / 2) / 12, abs=1e-6)
    assert b.blast_incidents == 3
    # 0.6/6 + 1/6 * 0.15 + 0.15 * 0.902778
    assert b.composite == pytest.approx(0.1 + 0.025 + 0.15 * (65 / 72), abs=1e-6)


def test_infra_only_cell_is_unscored_not_zero(board: Board) -> None:
    assert not [c for c in board.cells if c.agent == "gamma"]
    (u,) = board.unscored
    assert (u.agent, u.model, u.tier) == ("gamma", U, Tier.official)
    assert u.evidence.model_dump() == {"receipts": 2, "tasks": 0, "attempts": 0, "infra_errors": 2}
    gamma = next(s for s in board.agents if s.agent == "gamma")
    assert gamma.pass_rate is None and gamma.interval is None and gamma.mean_composite is None
    assert (gamma.cells, gamma.n) == (0, 0)


def test_missing_cells_are_absent(board: Board) -> None:
    present = {(c.agent, c.model, c.tier) for c in board.cells}
    assert ("beta", R, Tier.official) not in present
    assert ("alpha", U, Tier.community) not in present
    assert len(board.cells) == 6


def test_tiers_are_separate_cells(board: Board) -> None:
    c = cell(board, "beta", U, Tier.community)
    assert (c.n, c.passes) == (2, 1)
    assert cell(board, "beta", U).n == 4  # the official cell is untouched


def test_reference_column_never_ranked_with_open_models(board: Board) -> None:
    ref = cell(board, "alpha", R)
    assert ref.column.value == "reference"
    alpha = next(s for s in board.agents if s.agent == "alpha" and s.tier is Tier.official)
    assert alpha.models == [P, U]
    # open cells only: 2/4 on U and 10/12 on P
    assert (alpha.cells, alpha.n, alpha.passes, alpha.pass_rate) == (2, 16, 12, 0.75)
    assert (alpha.interval.low, alpha.interval.high) == pytest.approx(  # type: ignore[union-attr]
        (0.505017, 0.898179), abs=1e-6
    )
    assert alpha.mean_composite == round((0.50625 + 0.816667) / 2, 6)
    # t1..t12 on P cover U's t1..t4; t5 on U was an infra error
    assert alpha.evidence.model_dump() == {
        "receipts": 17,
        "tasks": 12,
        "attempts": 16,
        "infra_errors": 1,
    }
    ref_summary = next(s for s in board.models if s.model == R)
    assert ref_summary.column.value == "reference" and ref_summary.in_catalog


def test_model_summaries(board: Board) -> None:
    u = next(s for s in board.models if s.model == U and s.tier is Tier.official)
    assert u.agents == ["alpha", "beta"]  # gamma has no scored cell
    assert (u.cells, u.n, u.passes, u.pass_rate) == (2, 8, 3, 0.375)
    assert u.evidence.model_dump() == {"receipts": 11, "tasks": 4, "attempts": 8, "infra_errors": 3}
    assert u.mean_composite == round((0.50625 + 0.3125) / 2, 6)
    p = next(s for s in board.models if s.model == P)
    assert (p.n, p.passes, p.pass_rate) == (24, 12, 0.5)
    assert (p.interval.low, p.interval.high) == pytest.approx(  # type: ignore[union-attr]
        (0.314274, 0.685726), abs=1e-6
    )
    assert [(s.model, s.tier.value) for s in board.models] == [
        (U, "community"),
        (R, "official"),
        (P, "official"),
        (U, "official"),
    ]


def test_head_to_head(board: Board) -> None:
    pairs = {(h.model, h.tier, h.agent_a, h.agent_b): h for h in board.head_to_head}
    assert set(pairs) == {(U, Tier.official, "alpha", "beta"), (P, Tier.official, "alpha", "beta")}
    on_u = pairs[(U, Tier.official, "alpha", "beta")]
    # shared: t1..t4 (t5 was an infra error for alpha and never run by beta)
    assert (on_u.pairs, on_u.shared_tasks) == (4, 4)
    assert (on_u.both_pass, on_u.a_only, on_u.b_only, on_u.both_fail) == (1, 1, 0, 2)
    assert on_u.p_value == 1.0
    on_p = pairs[(P, Tier.official, "alpha", "beta")]
    assert (on_p.a_only, on_p.b_only, on_p.both_pass, on_p.both_fail) == (10, 2, 0, 0)
    assert on_p.p_value == round(158 / 4096, 6)  # 2 * (C(12,0)+C(12,1)+C(12,2)) / 2^12


def test_digests(board: Board) -> None:
    digests = sorted(v.digest for v in scenario())
    assert board.receipts == digests
    expected = hashlib.sha256("".join(d + "\n" for d in digests).encode()).hexdigest()
    assert board.receipts_digest == "sha256:" + expected
    assert board.catalog_digest == catalog_digest(catalog())
    assert board.methodology_version == METHODOLOGY_VERSION


def test_order_and_duplicates_do_not_change_the_board(board: Board) -> None:
    items = scenario()
    again = build_board([*reversed(items), items[0], items[3]], catalog())
    assert again == board


def test_mixed_versions_are_refused() -> None:
    items = [
        *scenario(),
        verified(make_receipt("beta", R, "t9", "passed", methodology_version=NEXT_MINOR)),
    ]
    pair = ", ".join(sorted((METHODOLOGY_VERSION, NEXT_MINOR))).replace(".", r"\.")
    with pytest.raises(BoardError, match=rf"versions {pair} cannot share a board"):
        build_board(items, catalog())


def test_catalog_of_another_version_is_refused() -> None:
    with pytest.raises(BoardError, match=rf"catalog is methodology {NEXT_MINOR}"):
        build_board(scenario(), catalog(NEXT_MINOR))


def test_other_major_is_refused() -> None:
    other = f"{int(_MAJOR) + 1}.0"
    items = [verified(make_receipt("a", U, "t1", "passed", methodology_version=other))]
    with pytest.raises(BoardError, match=f"scores major {_MAJOR} only"):
        build_board(items, catalog(other))


def test_two_receipts_for_one_cell_are_refused() -> None:
    first = verified(make_receipt("alpha", U, "t1", "passed"))
    second = verified(make_receipt("alpha", U, "t1", "failed"))
    second = type(second)(second.receipt, "sha256:" + "f" * 64, second.tier)
    with pytest.raises(BoardError, match=r"alpha__org--unpriced-open__t1__a1 \(official\) has two"):
        build_board([first, second], catalog())


def test_no_receipts_is_refused() -> None:
    with pytest.raises(BoardError, match="no verified receipts"):
        build_board([], catalog())


def test_unknown_model_is_scored_on_tokens_and_flagged() -> None:
    b = build_board([verified(make_receipt("a", "calibration/oracle", "t1", "passed"))], catalog())
    (c,) = b.cells
    assert c.cost_basis is CostBasis.tokens and c.column.value == "open"
    assert b.models[0].in_catalog is False


def test_a_community_cell_with_too_many_infra_errors_is_flagged_and_not_ranked() -> None:
    """Infra errors leave the denominator: a runner relabelling its failures as infra would
    shrink it. Above the documented share the cell is shown, flagged, and not ranked."""
    from runner.board._methodology import MAX_COMMUNITY_INFRA_SHARE

    outcomes = ["passed", "infra_error", "infra_error", "failed"]
    items = [
        verified(make_receipt("delta", P, f"t{i}", o), Tier.community)
        for i, o in enumerate(outcomes, 1)
    ]
    items += [verified(make_receipt("delta", P, f"t{i}", "passed")) for i in range(1, 5)]
    board = build_board(items, catalog())
    community = next(c for c in board.cells if c.tier is Tier.community)
    official = next(c for c in board.cells if c.tier is Tier.official)
    assert MAX_COMMUNITY_INFRA_SHARE < 2 / 4
    assert community.infra_flagged and not official.infra_flagged
    ranked = {s.tier: s for s in board.agents}
    assert ranked[Tier.community].n == 0 and ranked[Tier.community].pass_rate is None  # unranked
    assert ranked[Tier.official].n == 4
    shares = {
        (r.tier, r.runner): (r.receipts, r.infra_errors, r.infra_share) for r in board.runners
    }
    assert shares == {
        (Tier.community, "tester"): (4, 2, 0.5),
        (Tier.official, "tester"): (4, 0, 0.0),
    }
