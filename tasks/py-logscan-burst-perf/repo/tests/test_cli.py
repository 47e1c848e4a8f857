from logscan.cli import main

LINES = [
    f'198.51.100.{i % 2} - - [10/Oct/2026:13:55:{i:02d} +0000] "GET /p{i % 3} HTTP/1.1" '
    f'{200 if i % 5 else 500} 10 "-" "t" {i}'
    for i in range(20)
]


def test_summary(tmp_path, capsys):
    path = tmp_path / "a.log"
    path.write_text("\n".join(LINES) + "\nnot a log line\n", encoding="utf-8")
    assert main(["summary", str(path)]) == 0
    out = capsys.readouterr().out
    assert "requests   20  (1 unparsable lines skipped)" in out
    assert "5xx 20.0%" in out
    assert "p50 9ms" in out


def test_bursts_none(tmp_path, capsys):
    path = tmp_path / "a.log"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    assert main(["bursts", str(path), "--window", "5", "--threshold", "10"]) == 0
    assert capsys.readouterr().out.strip() == "no bursts"
