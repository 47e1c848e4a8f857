import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(os.environ.get("TASK_REPO", "/repo"))
CHECKS = ["shell-syntax", "json", "unit-tests", "index"]


@pytest.fixture
def project(tmp_path):
    """A private copy of the repository, so tests can break things."""
    dest = tmp_path / "project"
    shutil.copytree(REPO, dest, ignore=shutil.ignore_patterns(".git", "ci-logs"))
    return dest


def run_ci(project, log_dir):
    env = {k: v for k, v in os.environ.items() if k != "CI_LOG_DIR"}
    if log_dir is not None:
        env["CI_LOG_DIR"] = str(log_dir)
    return subprocess.run(
        ["bash", str(project / "ci" / "check.sh")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=project,
    )


def last_line(res):
    lines = res.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def test_broken_json_fails_ci(project, tmp_path):
    (project / "config" / "nav.json").write_text('{"order": ["index.md",]}\n')
    res = run_ci(project, tmp_path / "logs")
    assert last_line(res) == "ci: failed checks: json"
    assert res.returncode == 1


def test_syntax_error_in_any_script_fails_ci(project, tmp_path):
    page = project / "scripts" / "new-page.sh"
    page.write_text(page.read_text().replace("esac\n", "", 1))
    res = run_ci(project, tmp_path / "logs")
    assert last_line(res) == "ci: failed checks: shell-syntax"
    assert res.returncode == 1


def test_failing_unit_tests_fail_ci(project, tmp_path):
    run_sh = project / "tests" / "run.sh"
    run_sh.write_text(run_sh.read_text().replace('printf \'# Beta page\\n\'', 'printf \'# Gamma page\\n\''))
    res = run_ci(project, tmp_path / "logs")
    assert last_line(res) == "ci: failed checks: unit-tests"
    assert res.returncode == 1


def test_stale_index_fails_ci(project, tmp_path):
    (project / "docs" / "security.md").write_text("# Security\n")
    res = run_ci(project, tmp_path / "logs")
    assert last_line(res) == "ci: failed checks: index"
    assert res.returncode == 1


def test_every_check_runs_and_all_failures_are_listed(project, tmp_path):
    (project / "config" / "nav.json").write_text("{\n")
    page = project / "scripts" / "new-page.sh"
    page.write_text(page.read_text().replace("esac\n", "", 1))
    (project / "docs" / "security.md").write_text("# Security\n")
    logs = tmp_path / "logs"
    res = run_ci(project, logs)
    assert last_line(res) == "ci: failed checks: shell-syntax json index"
    assert res.returncode == 1
    assert sorted(p.name for p in logs.iterdir()) == sorted(f"{name}.log" for name in CHECKS)
    assert "json config/nav.json" in (logs / "json.log").read_text()
    assert "json config/site.json" in (logs / "json.log").read_text()
    assert "bash -n tests/run.sh" in (logs / "shell-syntax.log").read_text()


def test_clean_project_passes(project, tmp_path):
    logs = tmp_path / "logs"
    res = run_ci(project, logs)
    assert res.returncode == 0, res.stdout + res.stderr
    assert last_line(res) == "ci: all 4 checks passed"
    assert sorted(p.name for p in logs.iterdir()) == sorted(f"{name}.log" for name in CHECKS)
    assert "index is up to date" in (logs / "index.log").read_text()


def test_default_log_dir(project):
    res = run_ci(project, None)
    assert res.returncode == 0, res.stdout + res.stderr
    assert (project / "ci-logs" / "unit-tests.log").read_text().count("ok   ") == 3


def test_output_is_shown_and_grouped(project, tmp_path):
    res = run_ci(project, tmp_path / "logs")
    for name in CHECKS:
        assert f"::group::{name}\n" in res.stdout
    assert res.stdout.count("::endgroup::") == 4
    assert "ok   fresh index passes --check" in res.stdout
