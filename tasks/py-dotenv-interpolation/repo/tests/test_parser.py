import pytest

from dotfig import DotenvSyntaxError, parse_dotenv


def test_basic_forms():
    text = """
# comment
export HOST=example.internal
PORT = 8080   # inline comment
EMPTY=
SINGLE='raw \\n value # not a comment'
DOUBLE="line1\\nline2 \\"quoted\\""
HASH=abc#def
"""
    assert parse_dotenv(text) == {
        "HOST": "example.internal",
        "PORT": "8080",
        "EMPTY": "",
        "SINGLE": "raw \\n value # not a comment",
        "DOUBLE": 'line1\nline2 "quoted"',
        "HASH": "abc#def",
    }


def test_last_value_wins():
    assert parse_dotenv("A=1\nA=2\n") == {"A": "2"}


@pytest.mark.parametrize(
    ("text", "line"),
    [("A=1\nnonsense\n", 2), ("1A=x", 1), ('A="open', 1), ("A='x' trailing", 1)],
)
def test_errors(text, line):
    with pytest.raises(DotenvSyntaxError) as info:
        parse_dotenv(text)
    assert info.value.line == line
