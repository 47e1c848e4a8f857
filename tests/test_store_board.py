"""The board of a whole store: one receipt stands per cell and tier, the same bytes whatever the
order or folders the receipts arrive in, and a published site anyone can re-check offline."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner import METHODOLOGY_VERSION
from runner.board import select_standing
from runner.catalog import load_catalog
from runner.cli import main
from runner.receipts import Tier, load_trust_store, verify_receipts
from runner.store import add_sweep
from runner.sweep import build_store_site
from tests.board.receipt_factory import make_receipt, verified
from tests.store_helpers import Signed, tree

ROOT = Path(__file__).resolve().parents[1]
V = METHODOLOGY_VERSION
AGENTS, MODELS, TASKS = (
    ("codex", "aider"),
    ("oracle", "null"),
    ("py-cron-steps", "sh-cfgcheck-set-e"),
)


def test_one_receipt_stands_per_cell_and_tier_whatever_the_order() -> None:
    infra = make_receipt("codex", "oracle", "t1", "infra_error", total_s=10.0)
    retry = make_receipt("codex", "oracle", "t1", "passed", total_s=5.0)  # finishes earlier
    older = make_receipt("codex", "null", "t1", "failed", total_s=100.0)
    newer = make_receipt("codex", "null", "t1", "passed", total_s=200.0)
    community = make_receipt("codex", "oracle", "t1", "failed")
    items = [
        verified(infra), verified(retry, Tier.official), verified(older), verified(newer),
        verified(community, Tier.community),
    ]  # fmt: skip
    # Distinct digests for the receipts that share a (tier, cell).
    items = [
        type(v)(receipt=v.receipt, digest=f"sha256:{i:064x}", tier=v.tier)
        for i, v in enumerate(items)
    ]
    expected = None
    for seed in range(20):
        shuffled = random.Random(seed).sample(items, len(items))
        standing, superseded = select_standing(shuffled + shuffled[:2])  # duplicates are one
        got = ([v.digest for v in standing], [v.digest for v in superseded])
        expected = expected or got
        assert got == expected
    standing, superseded = select_standing(items)
    stand = {(v.tier, v.receipt.cell.key): v.receipt for v in standing}
    assert stand[(Tier.official, retry.cell.key)] is retry  # a measured retry beats an infra error
    assert stand[(Tier.official, newer.cell.key)] is newer  # then the later finish
    assert stand[(Tier.community, community.cell.key)] is community  # tiers never compete
    assert {v.receipt.outcome.value for v in superseded} == {"infra_error", "failed"}


def _cells(signed: Signed, parent: Path, cells: list[dict[str, object]]) -> Path:
    for c in cells:
        signed.cell(parent, **c)  # type: ignore[arg-type]
    return parent


def _matrix() -> list[dict[str, object]]:
    return [
        {"agent": a, "model": m, "task": t, "outcome": "passed" if m == "oracle" else "failed"}
        for a in AGENTS for m in MODELS for t in TASKS
    ]  # fmt: skip


def _store(tmp_path: Path, signed: Signed, name: str, split: list[list[int]]) -> Path:
    """The matrix's receipts, signed once, filed into sweeps as `split` says."""
    cells = tmp_path / "signed"
    if not cells.exists():
        _cells(signed, cells, _matrix())
    folders = sorted(p for p in cells.iterdir() if p.is_dir())
    store = tmp_path / name
    for i, part in enumerate(split):
        merged = tmp_path / f"{name}-merged-{i}"
        for j in part:
            shutil.copytree(folders[j], merged / f"renamed-{j}")  # folder names do not matter
        found = verify_receipts([merged], load_trust_store(signed.trust_dir))
        add_sweep(store, f"{name}-sweep-{len(split) - i}", found)
    return store


def test_a_store_board_is_the_same_bytes_whatever_the_layout(tmp_path: Path) -> None:
    signed = Signed(tmp_path / "trust")
    catalog = load_catalog(ROOT)
    one = _store(tmp_path, signed, "one", [[0, 1, 2, 3], [4, 5, 6, 7]])
    two = _store(tmp_path, signed, "two", [[7, 3], [1], [6, 0, 5, 2, 4]])
    community = tmp_path / "community" / "alice"
    signed.cell(community / "batch-1", runner="alice", agent="codex", model="oracle",
                task="py-cron-steps", attempt=2)  # fmt: skip
    sites = []
    for store in (one, two):
        site = tmp_path / f"site-{store.name}"
        built = build_store_site(
            catalog, store, signed.trust_dir, site, community=tmp_path / "community"
        )
        assert (built.receipts, built.rejected) == (9, [])
        sites.append(tree(site))
    assert sites[0] == sites[1]
    board = json.loads(sites[0]["board.json"])
    # Ed25519 receipts are community tier wherever they sit; alice's is the ninth.
    assert len(board["receipts"]) == 9
    assert sum(1 for k in sites[0] if k.endswith(".dsse.json")) == 9
    assert "receipts/community/codex__oracle__py-cron-steps__a2/patch.diff" in sites[0]


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    signed = Signed(tmp_path / "trust")
    store = _store(tmp_path, signed, "store", [[0, 1, 2], [3, 4, 5, 6, 7]])
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["--root", str(ROOT), "board", "build", "--store",
                                       str(store), "--trust", str(signed.trust_dir), "-o",
                                       str(out), "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["receipts"] == 8
    return out, signed.trust_dir


def _verify(site: Path, trust: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(
        main, ["--root", str(ROOT), "board", "verify", str(site), "--trust", str(trust)]
    )
    return result.exit_code, result.output.strip().splitlines()


def test_board_verify_passes_on_a_built_site(site: tuple[Path, Path]) -> None:
    out, trust = site
    assert (out / "models.toml").read_bytes() == (ROOT / "models.toml").read_bytes()
    index = json.loads((out / "receipts" / "index.json").read_text())["receipts"]
    assert len(index) == 8 and all((out / r["path"]).is_file() for r in index)
    assert "receipts/index.json" in (out / "index.html").read_text()
    code, lines = _verify(out, trust)
    assert (code, lines) == (0, ["ok board.json recomputed from 8 receipts: identical"])


def _published(out: Path, name: str = "codex__oracle__py-cron-steps__a1") -> Path:
    return out / "receipts" / "community" / name


def test_board_verify_names_an_altered_receipt(site: tuple[Path, Path]) -> None:
    out, trust = site
    patch = _published(out) / "patch.diff"
    patch.write_bytes(patch.read_bytes() + b"+ one more line\n")
    code, lines = _verify(out, trust)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(
        "FAIL receipts/community/codex__oracle__py-cron-steps__a1/"
        "codex__oracle__py-cron-steps__a1.dsse.json: artifact patch.diff"
    )


def test_board_verify_names_a_forged_envelope(site: tuple[Path, Path], tmp_path: Path) -> None:
    out, trust = site
    # Re-signed by a key the checker does not trust: the signature is the line.
    folder = _published(out)
    envelope = next(folder.glob("*.dsse.json"))
    doc = json.loads(envelope.read_text())
    doc["signatures"][0]["sig"] = doc["signatures"][0]["sig"][:-4] + "AAA="
    envelope.write_text(json.dumps(doc, separators=(",", ":")))
    code, lines = _verify(out, trust)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(f"FAIL receipts/community/{folder.name}/{envelope.name}: ")


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (
            ("cells", 0, "pass_rate"),
            0.75,
            "board.json: cells[0].pass_rate is 0.75, the receipts give ",
        ),
        (("cells", 1, "n"), 7, "board.json: cells[1].n is 7, the receipts give "),
        (("models", 0, "passes"), 99, "board.json: models[0].passes is 99, the receipts give "),
    ],
)
def test_board_verify_names_an_altered_number(
    site: tuple[Path, Path], path: tuple[str | int, ...], value: object, field: str
) -> None:
    out, trust = site
    board = json.loads((out / "board.json").read_text())
    node = board
    for key in path[:-1]:
        node = node[key]
    assert node[path[-1]] != value
    node[path[-1]] = value
    (out / "board.json").write_text(json.dumps(board, indent=2, sort_keys=True) + "\n")
    code, lines = _verify(out, trust)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith("FAIL " + field), lines


def test_board_verify_names_a_missing_receipt_and_refuses_a_non_board(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    out, trust = site
    shutil.rmtree(_published(out))
    code, lines = _verify(out, trust)
    assert code == 1 and "board.json lists receipt sha256:" in lines[0]
    assert "which the site does not publish" in lines[0]
    (tmp_path / "empty").mkdir()
    code, lines = _verify(tmp_path / "empty", trust)
    assert code == 2 and "not a board folder" in lines[-1]


def test_board_verify_reads_the_published_catalog(site: tuple[Path, Path]) -> None:
    out, trust = site
    text = (out / "models.toml").read_text()
    edited = text.replace('display_name = "DeepSeek V4 Flash"', 'display_name = "Edited"', 1)
    assert edited != text
    (out / "models.toml").write_text(edited)
    code, lines = _verify(out, trust)
    assert code == 1 and lines[0].startswith("FAIL board.json: catalog_digest is ")


def test_a_superseded_receipt_stays_in_the_store_but_off_the_board(tmp_path: Path) -> None:
    signed = Signed(tmp_path / "trust")
    store = tmp_path / "store"
    cell = {"agent": "codex", "model": "oracle", "task": "py-cron-steps"}
    for sweep, outcome, finished in (("s1", "infra_error", "2026-11-26T10:05:00Z"),
                                     ("s2", "passed", "2026-11-27T10:05:00Z")):  # fmt: skip
        merged = tmp_path / sweep
        signed.cell(merged, **cell, outcome=outcome, finished=finished)
        add_sweep(store, sweep, verify_receipts([merged], load_trust_store(signed.trust_dir)))
    built = build_store_site(load_catalog(ROOT), store, signed.trust_dir, tmp_path / "site")
    assert (built.receipts, built.superseded) == (1, 1)
    board = json.loads((tmp_path / "site" / "board.json").read_text())
    assert board["cells"][0]["passes"] == 1 and board["cells"][0]["evidence"]["infra_errors"] == 0


def test_a_plain_board_build_is_re_checkable_too(tmp_path: Path) -> None:
    signed = Signed(tmp_path / "trust")
    merged = _cells(signed, tmp_path / "merged", _matrix()[:3])
    out = tmp_path / "site"
    argv = [
        "--root",
        str(ROOT),
        "board",
        "build",
        str(merged),
        str(merged),
        "--trust",
        str(signed.trust_dir),
        "-o",
        str(out),
    ]  # fmt: skip  (the same folder twice: one set)
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 0, result.output
    assert _verify(out, signed.trust_dir) == (
        0, ["ok board.json recomputed from 3 receipts: identical"],
    )  # fmt: skip
    # Checked against another trust store, the same site fails on its first receipt.
    other = Signed(tmp_path / "other-trust")
    other.key("someone-else")
    code, lines = _verify(out, other.trust_dir)
    assert code == 1 and lines[0].startswith("FAIL receipts/community/") and "trusted" in lines[0]


def test_board_build_store_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    for extra in (["receipts-too"], ["--models", "models.toml"], ["--archive", "a"]):
        argv = ["--root", str(ROOT), "board", "build", "--store", str(tmp_path / "store"),
                "-o", str(tmp_path / "o"), *extra]  # fmt: skip
        assert CliRunner().invoke(main, argv).exit_code == 2
    no_args = CliRunner().invoke(main, ["--root", str(ROOT), "board", "build", "-o", "x"])
    assert no_args.exit_code == 2 and "give RECEIPTS, or --store" in no_args.output
    argv = ["--root", str(ROOT), "board", "build", "--store", str(tmp_path / "store"), "-o",
            str(tmp_path / "o")]  # fmt: skip
    empty = CliRunner().invoke(main, argv)
    assert empty.exit_code == 2 and "nothing to build a board from" in empty.output
    assert not (tmp_path / "o").exists()


def test_board_verify_names_an_extra_or_linked_receipt(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    out, trust = site
    # A receipt of another (honest) board slipped into this site: verified, but not listed.
    signed = Signed(tmp_path / "extra-trust")
    extra = signed.cell(tmp_path / "extra", runner="extra-runner", agent="codex", model="oracle",
                        task="py-cron-steps", attempt=9)  # fmt: skip
    with (trust / "allowed_signers").open("a") as f:  # trusted as well as the site's signer
        f.write((tmp_path / "extra-trust" / "allowed_signers").read_text())
    shutil.copytree(extra.parent, out / "receipts" / "community" / extra.parent.name)
    code, lines = _verify(out, trust)
    assert code == 1
    assert lines[0] == (f"FAIL receipts/community/{extra.parent.name}/{extra.name}: published, "
                        "but not a receipt board.json lists")  # fmt: skip
    shutil.rmtree(out / "receipts" / "community" / extra.parent.name)
    # A published receipt replaced by a link to a copy outside the site.
    folder = _published(out)
    envelope = next(folder.glob("*.dsse.json"))
    outside = tmp_path / "outside" / envelope.name
    outside.parent.mkdir()
    outside.write_bytes(envelope.read_bytes())
    envelope.unlink()
    envelope.symlink_to(outside)
    code, lines = _verify(out, trust)
    assert code == 1 and "outside" in lines[0]


def test_the_later_finish_is_the_later_instant_whatever_its_offset() -> None:
    from datetime import timedelta, timezone

    utc = make_receipt("codex", "null", "t1", "failed")  # finishes T0 + 300 s, in UTC
    ahead = timezone(timedelta(hours=5))
    # Written in UTC+5: its clock reads later, but it finished a minute before the other.
    earlier = make_receipt("codex", "null", "t1", "passed")
    shifted = earlier.timings.model_copy(
        update={"finished_at": (utc.timings.finished_at - timedelta(minutes=1)).astimezone(ahead),
                "started_at": utc.timings.started_at.astimezone(ahead)}
    )  # fmt: skip
    earlier = earlier.model_copy(update={"timings": shifted})
    items = [type(v)(receipt=v.receipt, digest=f"sha256:{i:064x}", tier=v.tier)
             for i, v in enumerate([verified(utc), verified(earlier)])]  # fmt: skip
    (standing,), _ = select_standing(items)
    assert standing.receipt is utc
