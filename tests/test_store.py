"""The store of record: append-only writes, manifests, release bundles, and what a plan reads."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner import METHODOLOGY_VERSION
from runner.catalog import load_catalog
from runner.cli import main
from runner.plan import PlanReason, StoredCell, make_plan
from runner.receipts import CellId, load_trust_store, verify_receipts
from runner.store import (
    MANIFEST,
    Manifest,
    StoreError,
    add_sweep,
    pack_sweep,
    read_manifest,
    store_sources,
    sweep_dirs,
    unpack_release,
    verify_sources,
    write_sweep,
)
from runner.sweep import receipt_state
from tests.store_helpers import Signed, tree

ROOT = Path(__file__).resolve().parents[1]
V = METHODOLOGY_VERSION
CELL = {"agent": "codex", "model": "oracle", "task": "py-cron-steps"}


@pytest.fixture
def signed(tmp_path: Path) -> Signed:
    return Signed(tmp_path / "trust")


def verdicts(folder: Path, signed: Signed) -> list:  # type: ignore[type-arg]
    out = verify_receipts([folder], load_trust_store(signed.trust_dir))
    assert all(v.ok for v in out), [v.reason for v in out]
    return out


def test_a_sweep_is_stored_with_its_manifest_and_not_twice(tmp_path: Path, signed: Signed) -> None:
    merged = tmp_path / "merged"
    for attempt in (1, 2):
        signed.cell(merged, **CELL, attempt=attempt)
    store = tmp_path / "store"
    (added,) = add_sweep(store, "s1", verdicts(merged, signed))
    assert (added.added, added.already_stored) == (2, 0)
    assert added.folder == store / V / "sweeps" / "s1"
    manifest = read_manifest(added.folder / MANIFEST)
    assert len(manifest.receipts) == 2 and manifest.methodology_version == V
    # Each cell folder holds the envelope and every artifact, each listed with its digest.
    assert "codex__oracle__py-cron-steps__a1/codex__oracle__py-cron-steps__a1.dsse.json" in (
        manifest.files
    )
    assert "codex__oracle__py-cron-steps__a1/patch.diff" in manifest.files
    assert "codex__oracle__py-cron-steps__a1/receipt.json" not in manifest.files  # not verified
    # The same receipts again, under another sweep id: nothing new, nothing written.
    (again,) = add_sweep(store, "s2", verdicts(merged, signed))
    assert (again.added, again.already_stored, again.folder) == (0, 2, None)
    assert [d.name for d in sweep_dirs(store, V)] == ["s1"]


def test_the_store_refuses_to_rewrite_a_receipt(tmp_path: Path, signed: Signed) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    signed.cell(first, **CELL, attempt=1, outcome="passed")
    signed.cell(second, **CELL, attempt=1, outcome="failed")  # same cell, other bytes
    store = tmp_path / "store"
    (added,) = add_sweep(store, "s1", verdicts(first, signed))
    assert added.folder is not None
    before = tree(store)
    with pytest.raises(StoreError, match="append-only") as err:
        add_sweep(store, "s1", verdicts(second, signed))
    assert "codex__oracle__py-cron-steps__a1" in str(err.value)
    assert tree(store) == before  # nothing half-written
    # Under a new sweep id the second receipt is stored beside the first, which stays.
    add_sweep(store, "s2", verdicts(second, signed))
    assert tree(store).items() >= before.items()
    # write_sweep on its own: a manifest with other bytes for an existing sweep is refused.
    manifest = read_manifest(added.folder / MANIFEST)
    with pytest.raises(StoreError, match="append-only"):
        write_sweep(store, manifest.model_copy(update={"receipts": []}), {})


@pytest.mark.parametrize(
    "name",
    ["../escape/x", "/abs/x", "cell/../../x", "cell//x", "manifest.json", "top-level-file"],
)
def test_a_manifest_cannot_name_a_file_outside_its_cells(name: str) -> None:
    with pytest.raises(ValueError, match=r"sweep folder|cell folder"):
        Manifest(methodology_version=V, sweep="s1", files={name: "sha256:" + "0" * 64},
                 receipts=[])  # fmt: skip
    with pytest.raises(ValueError):
        Manifest(methodology_version="../1.0", sweep="s1", files={}, receipts=[])
    with pytest.raises(ValueError, match="pattern"):
        Manifest(methodology_version=V, sweep="s1", files={"c/x": "md5:00"}, receipts=[])


def test_an_inflating_release_is_refused_before_it_is_read(
    tmp_path: Path, signed: Signed, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store, release = _release(tmp_path, signed)
    size = (release / "receipts.tar.gz").stat().st_size
    with tarfile.open(release / "receipts.tar.gz", "r:gz") as tar:
        assert sum(m.size for m in tar) > size  # it does inflate
    monkeypatch.setattr("runner.store._bundle.MAX_BUNDLE_BYTES", size)
    with pytest.raises(StoreError, match=f"unpacks to more than {size} bytes"):
        unpack_release(release, tmp_path / "other")


def _release(tmp_path: Path, signed: Signed) -> tuple[Path, Path]:
    merged = tmp_path / "merged"
    signed.cell(merged, **CELL, attempt=1)
    signed.cell(merged, **{**CELL, "model": "null"}, attempt=1, outcome="failed")
    store = tmp_path / "store"
    add_sweep(store, "run-7-1", verdicts(merged, signed))
    out = tmp_path / "release"
    pack_sweep(store, V, "run-7-1", out)
    return store, out


def test_a_release_round_trips_into_another_store(tmp_path: Path, signed: Signed) -> None:
    store, release = _release(tmp_path, signed)
    bundle = (release / "receipts.tar.gz").read_bytes()
    pack_sweep(store, V, "run-7-1", tmp_path / "again")
    assert (tmp_path / "again" / "receipts.tar.gz").read_bytes() == bundle  # reproducible
    other = tmp_path / "other"
    unpack_release(release, other)
    assert tree(other) == tree(store)
    unpack_release(release, other)  # fetching the same release again is a no-op
    state = receipt_state([other], load_trust_store(signed.trust_dir))
    assert len(state.done) == 2 and state.rejected == 0


def _rewrite_bundle(release: Path, edit: dict[str, bytes | None]) -> None:
    with tarfile.open(release / "receipts.tar.gz", "r:gz") as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]
    for name, data in edit.items():
        if data is None:
            files.pop(name)
        else:
            files[name] = data
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    (release / "receipts.tar.gz").write_bytes(gzip.compress(raw.getvalue()))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"codex__oracle__py-cron-steps__a1/patch.diff": b"evil\n"}, "does not match its manifest"),
        ({"codex__oracle__py-cron-steps__a1/patch.diff": None}, "not in the archive"),
        ({"codex__oracle__py-cron-steps__a1/extra.sh": b"x"}, "not a file its manifest lists"),
        ({"../outside": b"x"}, "not a file its manifest lists"),
    ],
)
def test_an_altered_release_is_refused_whole(
    tmp_path: Path, signed: Signed, edit: dict[str, bytes | None], message: str
) -> None:
    _store, release = _release(tmp_path, signed)
    _rewrite_bundle(release, edit)
    with pytest.raises(StoreError, match=message):
        unpack_release(release, tmp_path / "other")
    assert not (tmp_path / "other").exists() or tree(tmp_path / "other") == {}


def test_store_sources_verify_each_sweep_apart(tmp_path: Path, signed: Signed) -> None:
    # An infra error in one sweep and its retry in the next: both verify (the duplicate-cell
    # rule holds inside a sweep), and the plan counts the cell as done.
    store = tmp_path / "store"
    for sweep, outcome in (("s1", "infra_error"), ("s2", "passed")):
        merged = tmp_path / sweep
        signed.cell(merged, **CELL, attempt=1, outcome=outcome)
        add_sweep(store, sweep, verdicts(merged, signed))
    trust = load_trust_store(signed.trust_dir)
    found = verify_sources(store_sources(store, V), trust)
    assert [v.ok for v in found] == [True, True]
    state = receipt_state([store], trust)
    assert state.done == {CellId(**CELL, attempt=1)}
    # Each version has its own section; a receipt of another version moved into this one is
    # rejected there, and counts for nothing.
    other = tmp_path / "other"
    signed.cell(other, **{**CELL, "task": "js-csv-quoted-fields"}, methodology="9.9")
    (added,) = add_sweep(store, "s3", verdicts(other, signed))
    assert added.folder == store / "9.9" / "sweeps" / "s3"
    assert [v.ok for v in verify_sources(store_sources(store, V), trust)] == [True, True]
    added.folder.rename(store / V / "sweeps" / "s3")
    found = verify_sources(store_sources(store, V), trust)
    assert [(v.ok, v.code) for v in found][-1] == (False, "methodology")
    assert "methodology 9.9 receipt in the store's" in found[-1].reason
    assert receipt_state([store], trust).done == state.done


def test_plan_reasons(tmp_path: Path) -> None:
    catalog = load_catalog(ROOT)
    pinned = catalog.agents["codex"].package.version

    def cell(task: str = "py-cron-steps", model: str = "oracle", attempt: int = 1,
             agent: str = "codex") -> CellId:  # fmt: skip
        return CellId(agent=agent, model=model, task=task, attempt=attempt)

    stored = [
        StoredCell(cell(), pinned, True),  # stands
        StoredCell(cell(attempt=2), pinned, False),  # infra error only
        StoredCell(cell(attempt=3), "0.0.1", True),  # an older agent version
        StoredCell(cell(agent="aider"), "9.9.9", True),
    ]
    wanted = [
        cell(), cell(attempt=2), cell(attempt=3), cell(attempt=4),
        cell(task="js-csv-quoted-fields"), cell(model="null"), cell(agent="goose"),
    ]  # fmt: skip
    plan = make_plan(catalog, wanted, stored=stored)
    reasons = {c.cell: c.reason for c in plan.cells}
    assert plan.skipped == 1 and cell() not in reasons
    assert reasons == {
        cell(attempt=2): PlanReason.infra_retry,
        cell(attempt=3): PlanReason.new_agent_version,
        cell(attempt=4): PlanReason.missing,
        cell(task="js-csv-quoted-fields"): PlanReason.new_task,
        cell(model="null"): PlanReason.new_model,
        cell(agent="goose"): PlanReason.new_agent,
    }
    assert plan.to_json()["reason_counts"] == {r.value: 1 for r in reasons.values()}


def test_cab_plan_against_a_store_says_why(tmp_path: Path, signed: Signed) -> None:
    store = tmp_path / "store"
    merged = tmp_path / "merged"
    signed.cell(merged, **CELL, attempt=1)
    signed.cell(merged, **CELL, attempt=2, outcome="infra_error")
    add_sweep(store, "s1", verdicts(merged, signed))
    argv = ["--root", str(ROOT), "plan", "--agents", "codex", "--models", "oracle",
            "--tasks", "py-cron-steps,js-csv-quoted-fields", "--attempts", "2",
            "--receipts", str(store), "--trust-dir", str(signed.trust_dir)]  # fmt: skip
    result = CliRunner().invoke(main, [*argv, "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["skipped"] == 1
    assert plan["reasons"] == {
        "codex:oracle:py-cron-steps:2": "infra_retry",
        "codex:oracle:js-csv-quoted-fields:1": "new_task",
        "codex:oracle:js-csv-quoted-fields:2": "new_task",
    }
    assert plan["reason_counts"] == {"infra_retry": 1, "new_task": 2}
    text = CliRunner().invoke(main, argv)
    assert "why: 1 infra retry, 2 new task" in text.output


def test_store_cli_add_pack_unpack_and_tags(tmp_path: Path, signed: Signed) -> None:
    merged = tmp_path / "merged"
    signed.cell(merged, **CELL, attempt=1)
    store, release = tmp_path / "store", tmp_path / "release"
    argv = ["--root", str(ROOT), "store", "add", str(merged), "--store", str(store),
            "--sweep-id", "run-1-1", "--trust-dir", str(signed.trust_dir),
            "--release-dir", str(release), "--json"]  # fmt: skip
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output)["sweeps"]
    assert entry["tag"] == f"receipts-{V}-run-1-1" and entry["added"] == 1
    assert sorted(p.name for p in (release / entry["tag"]).iterdir()) == [
        "manifest.json", "receipts.tar.gz",
    ]  # fmt: skip
    again = CliRunner().invoke(main, argv)
    assert json.loads(again.output)["sweeps"][0]["tag"] is None  # nothing new: no release
    copy = tmp_path / "copy"
    unpacked = CliRunner().invoke(
        main, ["store", "unpack", str(release / entry["tag"]), "--store", str(copy)]
    )
    assert unpacked.exit_code == 0, unpacked.output
    assert tree(copy) == tree(store)
    tags = CliRunner().invoke(
        main, ["store", "tags"], input=f"receipts-0.9-old\nv1.0\nreceipts-{V}-b\nreceipts-{V}-a\n"
    )
    assert tags.output.split() == [f"receipts-{V}-a", f"receipts-{V}-b"]
