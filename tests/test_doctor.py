"""`cab doctor`'s Docker advice points at one README section, and that section says what CI does
(issue 22, finding 5)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docker
import pytest
from click.testing import CliRunner

from runner.cli import main
from runner.doctor import START_DOCKER, run_doctor

ROOT = Path(__file__).resolve().parents[1]
SECTION = "Starting Docker"


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, re.S | re.M)
    assert match, f"README.md has no section {title!r}"
    return match.group(1)


def dockerd_flags(text: str) -> list[str]:
    """The flags of the (one) dockerd command line in a shell text."""
    (line,) = [ln for ln in text.splitlines() if re.match(r"\s*dockerd\s", ln)]
    return sorted(w for w in line.split(">")[0].split() if w.startswith("--"))


def engine_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**_kw: object) -> None:
        raise docker.errors.DockerException("Error while fetching server API version")

    monkeypatch.setattr(docker, "from_env", refuse)


def docker_cli(monkeypatch: pytest.MonkeyPatch, present: bool) -> None:
    real = shutil.which
    found = "/usr/bin/docker" if present else None
    monkeypatch.setattr(shutil, "which", lambda n: found if n == "docker" else real(n))


@pytest.mark.parametrize("case", ["engine down", "no docker CLI"])
def test_every_docker_advice_points_at_the_readme_section(
    monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    docker_cli(monkeypatch, present=case == "engine down")
    engine_down(monkeypatch)
    findings = {f.name: f for f in run_doctor(ROOT)}
    for name in ("docker engine", "base image"):
        assert not findings[name].ok
        assert findings[name].fix is not None and SECTION in findings[name].fix, name
    result = CliRunner().invoke(main, ["--root", str(ROOT), "doctor"])
    assert result.exit_code == 1
    if case == "engine down":
        assert "fix: start it: dockerd --bridge=none" in result.output
    else:
        assert "fix: apt-get install -y docker.io" in result.output
    assert f"({START_DOCKER})" in result.output


def test_the_section_exists_and_starts_the_engine_as_ci_does() -> None:
    assert f"README.md, section {SECTION}" == START_DOCKER
    section = readme_section(SECTION)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # Same engine flags as CI (no bridge, no iptables), from the same package, same readiness wait.
    assert dockerd_flags(section) == dockerd_flags(ci)
    assert "apt-get install -y docker.io" in section
    assert "docker info >/dev/null 2>&1 && break" in section and "seq 60" in section
    assert re.search(r"dockerd .*&$", section, re.M), "dockerd must be started in the background"


def test_the_doctors_command_is_the_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    docker_cli(monkeypatch, present=True)
    engine_down(monkeypatch)
    (engine,) = [f for f in run_doctor(ROOT) if f.name == "docker engine"]
    assert engine.fix is not None
    assert dockerd_flags(engine.fix.removeprefix("start it: ")) == dockerd_flags(
        readme_section(SECTION)
    )


def test_setup_sh_points_at_the_same_section() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    (line,) = [ln for ln in setup.splitlines() if "Docker engine does not answer" in ln]
    assert START_DOCKER in line
    assert "(see README)" not in setup
