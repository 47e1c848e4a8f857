"""The JSON Schema (Draft 2020-12) of a pydantic model, as committed under schemas/.

One rendering for the files `cab schema export` writes, the receipt verifier's fallback and the
board's: the committed file and the in-memory schema cannot differ by how they were made.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def model_schema(model: type[BaseModel]) -> dict[str, Any]:
    return {"$schema": DRAFT, **model.model_json_schema(mode="validation")}


def render_schema(model: type[BaseModel]) -> str:
    """The stored form: sorted keys, two-space indent, UTF-8 kept, trailing newline."""
    return json.dumps(model_schema(model), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
