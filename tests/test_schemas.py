from __future__ import annotations

import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from pydantic import BaseModel, ConfigDict

from runner import schemas
from runner.cli import main
from runner.receipts import DRAFT


def test_committed_schemas_match_models(root: Path) -> None:
    assert schemas.check_schemas(root / "schemas") == []


def test_every_schema_is_valid_draft_2020_12(root: Path) -> None:
    for name in schemas.SCHEMAS:
        schema = schemas.load_schema(root / "schemas", name)
        assert schema["$schema"] == DRAFT
        jsonschema.Draft202012Validator.check_schema(schema)


def test_check_names_the_drifted_file(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    shutil.copytree(root / "schemas", out)
    path = out / "task.schema.json"
    path.write_text(path.read_text().replace('"time_limit_s"', '"time_limit"', 1))
    result = CliRunner().invoke(main, ["schema", "export", "--check", "--out", str(out)])
    assert result.exit_code == 1
    assert "task.schema.json: differs" in result.output
    assert "receipt.schema.json" not in result.output


def test_editing_a_model_field_is_drift(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Edited(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: str
        added_field: int

    monkeypatch.setitem(schemas.SCHEMAS, "agent.schema.json", Edited)
    drift = schemas.check_schemas(root / "schemas")
    assert [(d.path.name, d.reason) for d in drift] == [("agent.schema.json", "differs")]


def test_export_writes_and_missing_is_reported(tmp_path: Path) -> None:
    assert [d.reason for d in schemas.check_schemas(tmp_path)] == ["missing"] * len(schemas.SCHEMAS)
    schemas.export_schemas(tmp_path)
    assert schemas.check_schemas(tmp_path) == []
    assert not list(tmp_path.glob("*.tmp"))


def test_receipt_schema_rejects_unknown_fields(root: Path) -> None:
    schema = schemas.load_schema(root / "schemas", "receipt.schema.json")
    assert schema["additionalProperties"] is False
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"surprise": 1}, schema)
