import json

from tabsplit.cli import main


def test_settle_command(tmp_path, capsys):
    path = tmp_path / "trip.json"
    path.write_text(
        json.dumps(
            {
                "currency": "EUR",
                "members": ["alice", "bob"],
                "rates": {},
                "expenses": [
                    {
                        "payer": "alice",
                        "amount": "10",
                        "currency": "EUR",
                        "shares": {"alice": 1, "bob": 1},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    assert main(["settle", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "bob -> alice  5.00 EUR"


def test_bad_file_exits_2(tmp_path, capsys):
    assert main(["balances", str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err
