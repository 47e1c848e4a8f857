"""Each package of `runner` is reached through its __init__: no module imports another package's
private module (`runner.<pkg>._<name>`). Run by `nox -s lint` beside import-linter's contracts
(pyproject.toml), which check the layers and cycles; exit 1 listing every such import.

    python scripts/check_private_imports.py [ROOT]
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def _private(module: str) -> bool:
    return any(p.startswith("_") and not p.startswith("__") for p in module.split(".")[2:])


def violations(graph: grimp.ImportGraph) -> list[str]:
    found = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if _private(imported) and _package(imported) != _package(importer):
                lines = graph.get_import_details(importer=importer, imported=imported)
                where = ", ".join(f"l.{d['line_number']}" for d in lines) or "?"
                found.append(f"{importer} -> {imported} ({where})")
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    found = violations(grimp.build_graph("runner", cache_dir=None))
    for line in found:
        print(f"private module imported from another package: {line}")
    print(f"private-module imports across packages: {len(found)}")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
