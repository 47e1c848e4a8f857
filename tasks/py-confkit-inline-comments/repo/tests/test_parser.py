import pytest

from confkit import ParseError, parse


def test_sections_and_root_keys():
    data = parse("name = billing\n[server]\nhost = 0.0.0.0\nport: 8080\n")
    assert data[""] == {"name": "billing"}
    assert data["server"] == {"host": "0.0.0.0", "port": "8080"}


def test_keys_and_sections_are_case_insensitive():
    data = parse("[Server]\nHost = a\n")
    assert data["server"] == {"host": "a"}


def test_full_line_comments_and_blank_lines():
    data = parse("# top\n\n; also a comment\n[a]\nx = 1\n  # indented comment\n")
    assert data == {"": {}, "a": {"x": "1"}}


def test_inline_comment_is_stripped():
    data = parse("[a]\nport = 8080   # the default\nhost = example ; primary\n")
    assert data["a"] == {"port": "8080", "host": "example"}


def test_double_quoted_escapes():
    data = parse('[a]\nmsg = "say \\"hi\\"\\n"\n')
    assert data["a"]["msg"] == 'say "hi"\n'


def test_single_quotes_are_literal():
    data = parse("[a]\npath = 'C:\\temp'\n")
    assert data["a"]["path"] == "C:\\temp"


def test_continuation_lines():
    data = parse("[a]\nmotd =\n    first\n    second\n")
    assert data["a"]["motd"] == "first\nsecond"


def test_duplicate_key_reports_line():
    with pytest.raises(ParseError) as err:
        parse("[a]\nx = 1\nx = 2\n", source="app.conf")
    assert err.value.line == 3
    assert str(err.value) == "app.conf:3: duplicate key 'x'"


def test_garbage_line():
    with pytest.raises(ParseError, match="expected 'key = value'"):
        parse("[a]\njust words\n")
