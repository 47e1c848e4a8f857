from tabular.cli import main


def test_convert_to_stdout(csv_file, capsys):
    assert main(["convert", str(csv_file), "--to", "markdown", "--columns", "region"]) == 0
    assert capsys.readouterr().out == "| region |\n| --- |\n| north |\n| south |\n"


def test_output_extension_picks_format(csv_file, tmp_path):
    out = tmp_path / "out.json"
    assert main(["convert", str(csv_file), "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("[\n  {")


def test_unknown_extension(csv_file, tmp_path, capsys):
    assert main(["convert", str(csv_file), "--output", str(tmp_path / "out.xyz")]) == 2
    assert "cannot tell the format of out.xyz" in capsys.readouterr().err
