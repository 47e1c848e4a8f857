"""board.json's schema check: the fast validator only ever answers "valid"; a bad board is
refused with jsonschema's message whether or not jsonschema-rs is installed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from runner.board import BoardError, board_json, board_schema, build_board
from runner.board._output import validate_board_bytes
from tests.board.test_board_build import catalog, scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["with-jsonschema-rs", "without"])
def fast(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "without":
        monkeypatch.setitem(sys.modules, "jsonschema_rs", None)  # import fails
    return str(request.param)


def test_valid_board_passes_and_bad_ones_are_refused(fast: str) -> None:
    schema = board_schema(ROOT / "schemas")
    data = board_json(build_board(scenario(), catalog()))
    validate_board_bytes(data, schema)
    doc = json.loads(data)
    doc["cells"][0]["pass_rate"] = 1.5
    with pytest.raises(
        BoardError, match=r"board.json fails board.schema.json at cells/0/pass_rate"
    ):
        validate_board_bytes(json.dumps(doc).encode(), schema)
    doc = json.loads(data)
    doc["extra"] = True
    with pytest.raises(BoardError, match=r"at \(top level\): Additional properties"):
        validate_board_bytes(json.dumps(doc).encode(), schema)


def test_validators_that_disagree_refuse_the_board(monkeypatch: pytest.MonkeyPatch) -> None:
    class SaysInvalid:
        def __init__(self, schema: object) -> None:
            pass

        def is_valid(self, instance: object) -> bool:
            return False

    class FakeModule:
        Draft202012Validator = SaysInvalid

    monkeypatch.setitem(sys.modules, "jsonschema_rs", FakeModule())
    data = board_json(build_board(scenario(), catalog()))
    with pytest.raises(BoardError, match="validators disagree"):
        validate_board_bytes(data, board_schema(ROOT / "schemas"))
