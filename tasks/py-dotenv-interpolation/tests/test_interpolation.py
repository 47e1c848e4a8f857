import pytest

from dotfig import DotenvSyntaxError, load_dotenv, parse_dotenv


def test_reference_to_earlier_key():
    text = "HOST=db.internal\nPORT=5432\nURL=postgres://${HOST}:${PORT}/app\n"
    assert parse_dotenv(text, environ={})["URL"] == "postgres://db.internal:5432/app"


def test_reference_in_double_quotes():
    text = 'USER=ana\nGREETING="hello ${USER}, welcome"\n'
    assert parse_dotenv(text, environ={})["GREETING"] == "hello ana, welcome"


def test_single_quotes_are_literal():
    text = "USER=ana\nRAW='${USER} stays'\n"
    assert parse_dotenv(text, environ={})["RAW"] == "${USER} stays"


def test_falls_back_to_environ():
    assert parse_dotenv("HOME_DIR=${HOME}/app\n", environ={"HOME": "/home/bo"}) == {
        "HOME_DIR": "/home/bo/app"
    }


def test_file_key_wins_over_environ():
    values = parse_dotenv("HOST=file-host\nURL=http://${HOST}\n", environ={"HOST": "env-host"})
    assert values["URL"] == "http://file-host"


def test_only_earlier_keys_are_visible():
    values = parse_dotenv("A=${B}\nB=late\n", environ={})
    assert values == {"A": "", "B": "late"}


def test_redefinition_uses_value_at_that_point():
    values = parse_dotenv("A=1\nB=${A}\nA=2\nC=${A}\n", environ={})
    assert (values["B"], values["C"]) == ("1", "2")


def test_defaults():
    text = 'EMPTY=\nA=${MISSING:-fallback}\nB="${EMPTY:-used when empty}"\nC=${SET:-unused}\n'
    values = parse_dotenv(text, environ={"SET": "set"})
    assert (values["A"], values["B"], values["C"]) == ("fallback", "used when empty", "set")


def test_missing_without_default_is_empty():
    assert parse_dotenv("A=x${NOPE}y\n", environ={})["A"] == "xy"


def test_escaped_dollar_is_literal():
    text = 'PRICE=\\${AMOUNT}\nQUOTED="cost: \\${AMOUNT} \\$5"\nAMOUNT=3\n'
    values = parse_dotenv(text, environ={"AMOUNT": "9"})
    assert values["PRICE"] == "${AMOUNT}"
    assert values["QUOTED"] == "cost: ${AMOUNT} $5"


def test_plain_dollar_without_braces_is_untouched():
    values = parse_dotenv("A=cost $5 and $HOME\n", environ={"HOME": "/x"})
    assert values["A"] == "cost $5 and $HOME"


@pytest.mark.parametrize(
    "text",
    ["A=${UNCLOSED\n", 'A="${ALSO_UNCLOSED"\n', "A=${}\n", "A=${1X}\n"],
    ids=["unclosed", "unclosed-in-quotes", "empty-name", "bad-name"],
)
def test_bad_references(text):
    with pytest.raises(DotenvSyntaxError) as info:
        parse_dotenv("OK=1\n" + text, environ={})
    assert info.value.line == 2


def test_load_dotenv_uses_given_environ(tmp_path):
    env = tmp_path / ".env"
    env.write_text("DATA=${BASE:-/srv}/data\n", encoding="utf-8")
    assert load_dotenv(env, environ={"BASE": "/opt"}) == {"DATA": "/opt/data"}
    assert load_dotenv(env, environ={}) == {"DATA": "/srv/data"}


def test_environ_defaults_to_os_environ(monkeypatch):
    monkeypatch.setenv("DOTFIG_HIDDEN_ROOT", "/var/lib/q7")
    monkeypatch.delenv("DOTFIG_HIDDEN_UNSET", raising=False)
    values = parse_dotenv("P=${DOTFIG_HIDDEN_ROOT}/x\nQ=${DOTFIG_HIDDEN_UNSET:-dflt}\n")
    assert values == {"P": "/var/lib/q7/x", "Q": "dflt"}


def test_readme_documents_the_syntax():
    from pathlib import Path

    import dotfig

    readme = (Path(dotfig.__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "${" in readme and ":-" in readme and "\\$" in readme


# --- existing behaviour


def test_existing_syntax_unchanged():
    text = (
        "export HOST=example.internal\n"
        "PORT = 8080   # inline comment\n"
        "SINGLE='raw \\n value # not a comment'\n"
        'DOUBLE="line1\\nline2 \\"quoted\\""\n'
        "HASH=abc#def\n"
        "WIN=C:\\path\\to\n"
    )
    assert parse_dotenv(text, environ={}) == {
        "HOST": "example.internal",
        "PORT": "8080",
        "SINGLE": "raw \\n value # not a comment",
        "DOUBLE": 'line1\nline2 "quoted"',
        "HASH": "abc#def",
        "WIN": "C:\\path\\to",
    }


@pytest.mark.parametrize(
    ("text", "line"), [("A=1\nnonsense\n", 2), ('A="open', 1)], ids=["no-equals", "open-quote"]
)
def test_existing_errors_unchanged(text, line):
    with pytest.raises(DotenvSyntaxError) as info:
        parse_dotenv(text, environ={})
    assert info.value.line == line
