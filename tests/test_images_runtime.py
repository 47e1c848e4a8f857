from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import main
from runner.images import BuiltImage, image_tag, record_image, runtime_dirs, runtime_tag


def test_tag_follows_the_folder_content(tmp_path: Path) -> None:
    folder = tmp_path / "runtime-demo"
    folder.mkdir()
    (folder / "Dockerfile").write_text("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n")
    first = image_tag(folder)
    assert first.startswith("cab/runtime-demo:") and len(first.split(":")[1]) == 12
    assert image_tag(folder) == first
    (folder / "requirements.lock").write_text("pytest==9.2.0\n")
    assert image_tag(folder) != first


def test_runtime_python_is_known(root: Path) -> None:
    assert "runtime-python" in runtime_dirs(root)
    assert runtime_tag(root, "runtime-python").startswith("cab/runtime-python:")


def test_runtime_dockerfile_defaults_to_the_pinned_public_base(root: Path) -> None:
    public = json.loads((root / "images" / "lock.json").read_text())["base"]["public"]
    dockerfile = (root / "images" / "runtime-python" / "Dockerfile").read_text()
    assert f"ARG BASE_IMAGE={public}" in dockerfile
    assert "@sha256:" in public
    assert "USER cab" in dockerfile


def test_record_image_merges_atomically(tmp_path: Path) -> None:
    image = BuiltImage("runtime-a", "cab/runtime-a:0", "sha256:1", 10, "base", 1.0, {}, "now")
    record_image(tmp_path, image)
    record_image(tmp_path, replace(image, name="runtime-b", tag="cab/runtime-b:0"))
    state = json.loads((tmp_path / "images.json").read_text())
    assert sorted(state) == ["runtime-a", "runtime-b"]
    assert state["runtime-a"]["image_id"] == "sha256:1"
    assert [p.name for p in tmp_path.iterdir()] == ["images.json"]


@pytest.mark.parametrize(
    "argv,message",
    [
        (["images", "build-runtime"], "give runtime image names or --all"),
        (["images", "build-runtime", "cobol"], "images/runtime-cobol/Dockerfile does not exist"),
        (["tasks", "validate", "no-such-task"], "unknown task 'no-such-task'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(root: Path, argv: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["--root", str(root), *argv])
    assert result.exit_code == 2
    assert message in result.output
