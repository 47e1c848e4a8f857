"""The sweep workflow's job graph, run here: plan -> one shard job per matrix entry -> merge.

Commands are taken from .github/workflows/sweep.yml, not re-typed: each step's `run:` script runs
under bash with its `env:` evaluated from the inputs, the plan job's outputs and the matrix entry,
exactly as Actions would feed them. Uploads and the merge-multiple download are emulated with one
artifact-like folder per shard. Two things cannot run here and are replaced, visibly: keyless
signing (no OIDC provider; the shards' own throwaway keys sign instead) and so the merge's trust
store (TRUST_DIR points at those keys instead of keys/).

verify-receipts.yml's steps run the same way on a pull request made of this run's receipts, one of
them hand-edited and re-signed; `cab sweep` itself runs and resumes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runner.images import inspect_image, read_lock, runtime_tag
from runner.receipts import Ed25519Signer, sign_receipt
from tests.receipt_factory import trust_line

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "sweep.yml"
INPUTS = {
    "agents": "codex",
    "models": "oracle,null",
    "tasks": "py-cron-steps",
    "attempts": 1,
    "max_parallel": 2,
}
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
PATH = re.compile(r"^[A-Za-z_][\w-]*(\.[\w-]+)*$")


# --- a small evaluator for the expressions this workflow uses --------------------------------


def _lookup(path: str, ctx: Mapping[str, Any]) -> Any:
    value: Any = ctx
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None  # Actions: a missing property is null
        value = value[part]
    return value


def _operand(text: str, ctx: Mapping[str, Any]) -> Any:
    text = text.strip()
    call = re.fullmatch(r"(toJSON|fromJSON)\((.*)\)", text)
    if call:
        arg = evaluate(call.group(2), ctx)
        return json.dumps(arg, indent=2) if call.group(1) == "toJSON" else json.loads(str(arg))
    if re.fullmatch(r"'[^']*'", text):
        return text[1:-1]
    if re.fullmatch(r"\d+", text):
        return int(text)
    if PATH.match(text):
        return _lookup(text, ctx)
    raise AssertionError(f"expression this test does not evaluate: {text!r}")


def _split_or(expr: str) -> list[str]:
    """`a || b` split at the top level only (not inside a call's parentheses)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(expr):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and expr.startswith("||", i):
            parts.append(expr[start:i])
            start = i + 2
    return [*parts, expr[start:]]


def evaluate(expr: str, ctx: Mapping[str, Any]) -> Any:
    value: Any = None
    for part in _split_or(expr):
        value = _operand(part, ctx)
        if value not in (None, "", 0, False):
            return value
    return value


def render(template: Any, ctx: Mapping[str, Any]) -> Any:
    """A workflow value with its ${{ }} expressions evaluated (a lone expression keeps its type)."""
    if not isinstance(template, str):
        return template
    whole = EXPR.fullmatch(template.strip())
    if whole:
        return evaluate(whole.group(1), ctx)

    def text(m: re.Match[str]) -> str:
        v = evaluate(m.group(1), ctx)
        return "" if v is None else str(v)

    return EXPR.sub(text, template)


# --- one job's steps, run as the runner would --------------------------------------------------


@dataclass
class Job:
    workspace: Path
    temp: Path
    summary: Path
    path_env: str

    @classmethod
    def make(cls, base: Path, name: str, bin_dir: Path) -> Job:
        (base / name / "work").mkdir(parents=True)
        (base / name / "temp").mkdir()
        summary = base / name / "summary.md"
        summary.touch()
        return cls(
            base / name / "work", base / name / "temp", summary, f"{bin_dir}:{os.environ['PATH']}"
        )

    def run(
        self, step: Mapping[str, Any], ctx: Mapping[str, Any], *, rc: int = 0, **override: str
    ) -> dict[str, str]:
        """Run the script under bash as Actions does; return what it wrote to GITHUB_OUTPUT."""
        output = self.temp / "github_output"
        output.write_text("")
        env = {
            k: "" if v is None else str(v)
            for k, v in ((k, render(v, ctx)) for k, v in step.get("env", {}).items())
        }
        env.update(override)
        script = self.temp / "step.sh"
        script.write_text(step["run"])
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace / step.get("working-directory", "."),
            env={
                **os.environ,
                "PATH": self.path_env,
                "CAB_ROOT": str(ROOT),
                "RUNNER_TEMP": str(self.temp),
                "GITHUB_OUTPUT": str(output),
                "GITHUB_STEP_SUMMARY": str(self.summary),
                "GITHUB_WORKSPACE": str(self.workspace),
                **env,
            },
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert proc.returncode == rc, (
            f"step {step.get('name')!r} failed:\n{proc.stdout}\n{proc.stderr}"
        )
        outputs = {}
        for line in output.read_text().splitlines():
            key, _, value = line.partition("=")
            outputs[key] = value
        return outputs


def step(
    job: Mapping[str, Any], *, id: str | None = None, uses: str | None = None
) -> dict[str, Any]:
    for s in job["steps"]:
        if (id and s.get("id") == id) or (uses and s.get("uses", "").startswith(uses + "@")):
            return dict(s)
    raise AssertionError(f"no step id={id} uses={uses}")


def uploads(job: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A job's upload-artifact steps that always run (no `if:`), in order."""
    return [
        dict(s)
        for s in job["steps"]
        if s.get("uses", "").startswith("actions/upload-artifact@") and "if" not in s
    ]


def upload(job: Job, step_with: Mapping[str, Any], ctx: Mapping[str, Any], store: Path) -> str:
    """upload-artifact: the `path` lines (with ! exclusions), hidden files left out."""
    name = str(render(step_with["name"], ctx))
    lines = [ln.strip() for ln in str(step_with["path"]).splitlines() if ln.strip()]
    include = [job.workspace / ln for ln in lines if not ln.startswith("!")]
    exclude = [(job.workspace / ln[1:]).resolve() for ln in lines if ln.startswith("!")]
    dest = store / name
    assert not dest.exists(), f"artifact {name} uploaded twice (409 Conflict on GitHub)"
    for src in include:
        for f in src.rglob("*"):
            rel = f.relative_to(src)
            hidden = any(p.startswith(".") for p in rel.parts)
            if (
                f.is_file()
                and not hidden
                and not any(f.resolve().is_relative_to(e) for e in exclude)
            ):
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, dest / rel)
    return name


def download(job: Job, step_with: Mapping[str, Any], store: Path) -> Path:
    """download-artifact with pattern + merge-multiple (every match into one folder), or one
    artifact by name (which must exist, as on GitHub)."""
    dest = job.workspace / step_with["path"]
    if "name" in step_with:
        assert (store / step_with["name"]).is_dir(), f"no artifact {step_with['name']}"
        shutil.copytree(store / step_with["name"], dest)
        return dest
    assert step_with["merge-multiple"] is True
    dest.mkdir(parents=True)
    for artifact in sorted(store.glob(step_with["pattern"])):
        shutil.copytree(artifact, dest, dirs_exist_ok=True)
    return dest


# `gh` as the workflow calls it, with a folder standing in for the repository's releases
# (one subfolder per tag, holding its assets).
FAKE_GH = """#!{python}
import os, shutil, sys
from pathlib import Path

root = Path(os.environ["FAKE_RELEASES"])
args = sys.argv[1:]
if args[:2] == ["release", "list"]:  # the workflow asks for --json tagName --jq '.[].tagName'
    assert "--json" in args and "--jq" in args, args
    for tag in sorted(p.name for p in root.iterdir()):
        print(tag)
elif args[:2] == ["release", "download"]:
    dest = Path(args[args.index("--dir") + 1])
    dest.mkdir(parents=True)
    for asset in (root / args[2]).iterdir():
        shutil.copy(asset, dest / asset.name)
elif args[:2] == ["release", "create"]:
    tag, rest = args[2], args[3:]
    assets = rest[: next((i for i, a in enumerate(rest) if a.startswith("--")), len(rest))]
    if (root / tag).exists():
        sys.exit(f"release {{tag}} already exists")
    (root / tag).mkdir()
    for asset in assets:
        shutil.copy(asset, root / tag / Path(asset).name)
else:
    sys.exit(f"fake gh: unexpected {{args}}")
"""


def write_bin(bin_dir: Path) -> None:
    """This tree's runner as `cab` (whatever the venv has installed) and the fake `gh`."""
    bin_dir.mkdir(exist_ok=True)
    shim = f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m runner "$@"\n'
    (bin_dir / "cab").write_text(shim)
    (bin_dir / "gh").write_text(FAKE_GH.format(python=sys.executable))
    for name in ("cab", "gh"):
        (bin_dir / name).chmod(0o755)


# --- the test ---------------------------------------------------------------------------------


@dataclass
class GraphRun:
    plan: dict[str, Any]
    artifacts: list[str]
    merged: Path
    trust: Path
    board: Path
    summary: str


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory, docker_engine: None) -> GraphRun:
    lock = read_lock(ROOT / "images").images
    for tag in (lock["codex"].tag, runtime_tag(ROOT, "runtime-python")):
        if inspect_image(tag) is None:
            pytest.fail(f"{tag} is not built: run `cab images build codex` / `build-runtime --all`")
    base = tmp_path_factory.mktemp("actions")
    bin_dir = base / "bin"
    write_bin(bin_dir)
    store = base / "artifact-store"
    store.mkdir()
    releases = base / "releases"  # the repository's releases: none yet
    releases.mkdir()

    doc = yaml.safe_load(WORKFLOW.read_text())
    jobs = doc["jobs"]
    github = {"ref": "refs/heads/test", "run_id": 1, "run_attempt": 1}
    ctx: dict[str, Any] = {"inputs": INPUTS, "secrets": {}, "github": github}
    fake = {"FAKE_RELEASES": str(releases)}
    trust = base / "shard-keys"
    trust.mkdir()

    # plan: fetch the (empty) store, plan against it, hand the store on
    plan_job = Job.make(base, "plan", bin_dir)
    plan_job.run(step(jobs["plan"], id="fetch"), ctx, **fake)
    # The probe step asks real endpoints (`cab models probe`); here it stands in, keeping
    # every model asked for, as it does when all answer.
    ctx["steps"] = {"probe": {"outputs": {"models": INPUTS["models"]}}}
    plan_out = plan_job.run(step(jobs["plan"], id="plan"), ctx, TRUST_DIR=str(trust))
    for handed in uploads(jobs["plan"]):  # the plan (for the shards) and the store (for merge)
        upload(plan_job, handed["with"], ctx, store)
    ctx["steps"] = {"plan": {"outputs": plan_out}}
    plan_outputs = {k: render(v, ctx) for k, v in jobs["plan"]["outputs"].items()}
    ctx["needs"] = {"plan": {"outputs": plan_outputs}}
    assert jobs["shard"]["if"] == "needs.plan.outputs.count != '0'"
    assert plan_outputs["count"] == str(len(json.loads(plan_outputs["shards"]))) != "0"
    matrix = render(jobs["shard"]["strategy"]["matrix"]["shard"], ctx)
    assert render(jobs["shard"]["strategy"]["max-parallel"], ctx) == 2

    # shard jobs, one per matrix entry, each in a fresh workspace
    names, trust_lines = [], []
    for i, entry in enumerate(matrix):
        shard_ctx = {**ctx, "matrix": {"shard": entry}}
        job = Job.make(base, f"shard-{i}", bin_dir)
        download(job, step(jobs["shard"], uses="actions/download-artifact")["with"], store)
        job.run(step(jobs["shard"], id="cells"), shard_ctx)
        step(jobs["shard"], id="sign")  # keyless signing: needs GitHub's OIDC token, not here
        names.append(
            upload(
                job, step(jobs["shard"], uses="actions/upload-artifact")["with"], shard_ctx, store
            )
        )
        trust_lines.append((job.workspace / "out/cells/trust/allowed_signers").read_text())

    # merge: download receipts-* merged and the store, verify, add to the store, build the board
    merge = Job.make(base, "merge", bin_dir)
    downloads = [s for s in jobs["merge"]["steps"] if "download-artifact" in s.get("uses", "")]
    merged = download(merge, downloads[0]["with"], store)
    download(merge, downloads[1]["with"], store)
    (trust / "allowed_signers").write_text("".join(trust_lines))
    verify_out = merge.run(step(jobs["merge"], id="verify"), ctx, TRUST_DIR=str(trust))
    assert verify_out["status"] == "0", (merge.workspace / "verify.txt").read_text()
    stored = merge.run(step(jobs["merge"], id="store"), ctx, TRUST_DIR=str(trust))
    assert stored["new"] == "true"
    merge.run(step(jobs["merge"], id="board"), ctx, TRUST_DIR=str(trust))
    plan = json.loads((plan_job.workspace / "plan/plan.json").read_text())
    assert json.loads(plan_outputs["shards"]) == [s["shard"] for s in plan["shards"]]
    return GraphRun(
        {"shards": plan["shards"], "count": plan_outputs["count"]},
        names,
        merged,
        trust,
        merge.workspace / "board",
        merge.summary.read_text(),
    )


@pytest.mark.docker
def test_job_graph_builds_a_board_from_every_planned_cell(graph: GraphRun) -> None:
    cells = [c for s in graph.plan["shards"] for c in s["cells"]]
    assert sorted(cells) == ["codex:null:py-cron-steps:1", "codex:oracle:py-cron-steps:1"]
    assert graph.artifacts == [f"receipts-{s['shard']}" for s in graph.plan["shards"]]
    assert (graph.board / "index.html").is_file()
    board = json.loads((graph.board / "board.json").read_text())
    assert len(board["receipts"]) == len(cells)
    cell_models = sorted(c["model"] for c in board["cells"])
    assert cell_models == ["null", "oracle"]
    assert "codex" in graph.summary.lower() and "verified receipts" in graph.summary


def _edit_and_resign(
    src: Path, dest: Path, edit: Any, key: Ed25519PrivateKey | None = None
) -> tuple[Path, Path]:
    shutil.copytree(src, dest)
    predicate = dest / "receipt.json"
    doc = json.loads(predicate.read_text())
    edit(doc)
    predicate.write_text(json.dumps(doc, indent=1))
    for old in dest.glob("*.dsse.json"):
        old.unlink()
    key = key or Ed25519PrivateKey.generate()
    envelope = sign_receipt(predicate, Ed25519Signer(key))
    trust = dest.parent / "trust"
    trust.mkdir(exist_ok=True)
    (trust / "allowed_signers").write_text(trust_line(key, doc["runner"]["id"]) + "\n")
    return envelope, trust


def _verify(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runner", "receipts", "verify", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.docker
def test_rescore_accepts_real_receipts_and_catches_an_edited_verdict(
    graph: GraphRun, tmp_path: Path
) -> None:
    ok = _verify(graph.merged, "--trust-dir", graph.trust, "--check-tasks", "--rescore")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stderr.count("rescore ok") == 2

    oracle = next(graph.merged.glob("codex__oracle__*"))

    def claim_failure(doc: dict[str, Any]) -> None:
        assert doc["outcome"] == "passed"
        doc["outcome"], doc["outcome_detail"] = "failed", "runner: edited"
        doc["checks"][0]["passed"] = False  # checks are ordered runner, lint, diff

    envelope, trust = _edit_and_resign(oracle, tmp_path / "edited" / oracle.name, claim_failure)
    signed = _verify(envelope, "--trust-dir", trust)
    assert signed.returncode == 0, signed.stdout  # the signature is fine: only re-scoring can tell
    edited = _verify(envelope, "--trust-dir", trust, "--rescore", "--json")
    assert edited.returncode == 1
    verdict = json.loads(edited.stdout)["receipts"][0]
    assert verdict["code"] == "rescore-differs"
    assert "runner: recorded fail, re-run pass" in verdict["reason"]


@pytest.mark.docker
def test_cab_sweep_builds_a_board_and_resumes(tmp_path: Path, docker_engine: None) -> None:
    argv = [sys.executable, "-m", "runner", "sweep", "--agents", "codex", "--models",
            "oracle", "--tasks", "py-cron-steps", "--max-jobs", "1", "--out", "rel/out",
            "--json"]  # fmt: skip
    # A relative --out from another folder: the sweep must resolve it for the cell runner.
    env = {**os.environ, "CAB_ROOT": str(ROOT), "PYTHONPATH": str(ROOT)}
    first = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert (summary["ran"], summary["already_done"], summary["receipts"]) == (1, 0, 1)
    index = Path(summary["board"])
    assert index == tmp_path / "rel/out/site/index.html" and index.is_file()
    assert (tmp_path / "rel/out/artifacts/receipts-shard-000").is_dir()
    board = json.loads((index.parent / "board.json").read_text())
    assert [c["model"] for c in board["cells"]] == ["oracle"]

    again = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert (json.loads(again.stdout)["ran"], json.loads(again.stdout)["already_done"]) == (0, 1)


@pytest.mark.docker
def test_cab_sweep_with_a_store_runs_nothing_twice(tmp_path: Path, docker_engine: None) -> None:
    """The main job's shape (`cab sweep --store`) on one real cell: the second sweep, from a
    fresh out folder, runs 0 cells and rebuilds the same board, which `cab board verify`
    re-checks."""
    env = {**os.environ, "CAB_ROOT": str(ROOT), "PYTHONPATH": str(ROOT)}

    def sweep(out: str) -> dict[str, Any]:
        argv = [sys.executable, "-m", "runner", "sweep", "--agents", "codex", "--models",
                "oracle", "--tasks", "py-cron-steps", "--max-jobs", "1", "--out", out,
                "--store", "store", "--key", str(tmp_path / "key"), "--json"]  # fmt: skip
        proc = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=600)  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        result: dict[str, Any] = json.loads(proc.stdout)
        return result

    first = sweep("one")
    assert (first["ran"], first["stored"], first["receipts"]) == (1, 1, 1)
    second = sweep("two")
    assert (second["ran"], second["already_done"], second["stored"]) == (0, 1, 0)
    sites = [Path(r["board"]).parent for r in (first, second)]
    files = [
        {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}
        for site in sites
    ]
    assert files[0] == files[1]
    verify = subprocess.run(
        [sys.executable, "-m", "runner", "board", "verify", str(sites[1]), "--trust",
         str(tmp_path / "two" / "trust")],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert verify.returncode == 0 and verify.stdout.startswith("ok "), verify.stdout


VERIFY_WORKFLOW = ROOT / ".github" / "workflows" / "verify-receipts.yml"
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", ".cab", "out", "site", "__pycache__", ".*_cache"
)


@pytest.mark.docker
def test_verify_receipts_workflow_blocks_an_edited_community_receipt(
    graph: GraphRun, tmp_path: Path
) -> None:
    """verify-receipts.yml's steps on a PR with one honest and one hand-edited community receipt,
    the base branch (this tree) trusting the community key."""
    doc = yaml.safe_load(VERIFY_WORKFLOW.read_text())
    (job_id,) = doc["jobs"]
    steps_ = doc["jobs"][job_id]["steps"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m runner "$@"\n'
    (bin_dir / "cab").write_text(shim)
    (bin_dir / "cab").chmod(0o755)
    job = Job.make(tmp_path, "verify", bin_dir)

    # The two checkouts the workflow makes: the base (verifier, keys, tasks) and the PR.
    shutil.copytree(ROOT, job.workspace / "base", ignore=COPY_IGNORE)
    key = Ed25519PrivateKey.generate()
    with (job.workspace / "base/keys/allowed_signers").open("a") as f:
        f.write(trust_line(key, "alice-test") + "\n")
    community = job.workspace / "pr/receipts/community/alice-test"

    def as_alice(doc: dict[str, Any]) -> None:
        doc["runner"]["id"] = "alice-test"

    def as_alice_edited(doc: dict[str, Any]) -> None:
        as_alice(doc)
        assert doc["outcome"] == "failed"  # the null model's honest verdict
        doc["outcome"], doc["outcome_detail"] = "passed", "runner, lint and diff checks pass"
        for check in doc["checks"]:
            check["passed"] = True

    honest = next(graph.merged.glob("codex__oracle__*"))
    edited = next(graph.merged.glob("codex__null__*"))
    _edit_and_resign(honest, community / honest.name, as_alice, key)
    _edit_and_resign(edited, community / edited.name, as_alice_edited, key)
    shutil.rmtree(community / "trust")  # the helper's own trust folder is not submitted

    ctx = {"github": {"workspace": str(job.workspace)}}
    verify = job.run(step({"steps": steps_}, id="verify"), ctx)
    assert verify["status"] == "0", (job.temp / "verify.txt").read_text()
    rescore = job.run(step({"steps": steps_}, id="rescore"), ctx)
    assert rescore["status"] == "1"
    report = (job.temp / "rescore.txt").read_text()
    assert f"rescore ok {community / honest.name}" in report
    assert f"rescore FAIL {community / edited.name}" in report
    post = next(s for s in steps_ if s.get("name") == "Post the verdict")
    ctx["steps"] = {"verify": {"outputs": verify}, "rescore": {"outputs": rescore}}
    job.run(post, ctx, rc=1)  # the check fails
    summary = job.summary.read_text()
    assert "## Receipt verification: pass" in summary and "## Re-scoring: FAIL" in summary
