from buildplan.cli import main


def test_order(plan_file, capsys):
    assert main(["order", str(plan_file)]) == 0
    assert capsys.readouterr().out.split() == ["checkout", "build", "lint", "test-unit"]


def test_cycle_exits_2(tmp_path, capsys):
    path = tmp_path / "p.toml"
    path.write_text('[jobs.a]\nduration = 1\nneeds = ["a"]\n', encoding="utf-8")
    assert main(["order", str(path)]) == 2
    assert capsys.readouterr().err.strip() == "buildplan: cycle: a -> a"
