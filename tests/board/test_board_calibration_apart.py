"""Calibration models never pool (issue: a board of oracle and null ranked every agent at 50%)."""

from __future__ import annotations

import re

from runner.board import BoardColumn, build_board, render_site
from tests.board.receipt_factory import make_receipt, verified
from tests.board.test_board_build import P, catalog


def _calibration_only() -> list[object]:
    out = []
    for agent in ("alpha", "beta"):
        for task in ("t1", "t2"):
            out.append(verified(make_receipt(agent, "oracle", task, "passed")))
            out.append(verified(make_receipt(agent, "null", task, "failed")))
    return out


def test_a_calibration_board_has_no_pooled_agent_summary_and_no_host_model_count() -> None:
    board = build_board(_calibration_only(), catalog())  # type: ignore[arg-type]
    assert board.agents == []
    assert {c.column for c in board.cells} == {BoardColumn.calibration}
    assert {s.column for s in board.models} == {BoardColumn.calibration}
    files, summary = render_site(board, catalog())
    index = files["index.html"].decode()
    stats = re.search(r'<ul class="stats">(.*?)</ul>', index, re.S)
    assert stats is not None
    assert "host models" not in stats.group(1) and "ranked agents" not in stats.group(1)
    assert "2</b> calibration models" in stats.group(1)
    assert "Agents across open models" not in index
    assert "Pareto" not in index  # no chart: nothing to rank on a frontier
    assert "Calibration · not ranked" in index
    assert "(calibration)" in summary


def test_calibration_cells_beside_host_cells_stay_out_of_every_pooled_number() -> None:
    host = [verified(make_receipt("alpha", P, f"t{i}", "failed")) for i in range(1, 5)]
    board = build_board([*_calibration_only(), *host], catalog())  # type: ignore[arg-type]
    (alpha,) = [s for s in board.agents if s.agent == "alpha"]
    assert alpha.models == [P] and alpha.n == 4 and alpha.pass_rate == 0.0
    assert not [s for s in board.agents if s.agent == "beta"]  # calibration cells only
    files, _ = render_site(board, catalog())
    index = files["index.html"].decode()
    stats = re.search(r'<ul class="stats">(.*?)</ul>', index, re.S)
    assert stats is not None and "<b>1</b> host models" in stats.group(1)
    figure = re.search(r"<figcaption>(.*?)</figcaption>", index, re.S)
    assert figure is not None and "oracle" not in figure.group(1)
