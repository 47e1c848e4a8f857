"""Hidden tests: inline comments versus '#' and ';' inside values."""

import pytest

from confkit import ParseError, loads, parse


def test_quoted_hash_is_part_of_the_value():
    assert parse('[theme]\naccent = "#1e90ff"\n')["theme"]["accent"] == "#1e90ff"


def test_quoted_semicolon_is_part_of_the_value():
    data = parse('[theme]\nbanner = "Hello; sign in first"\n')
    assert data["theme"]["banner"] == "Hello; sign in first"


def test_spaced_markers_inside_quotes_are_kept():
    data = parse("[m]\nbanner = \"shop ; open # daily\"  ; note\nalt = ' ;x #y' # other\n")
    assert data["m"] == {"banner": "shop ; open # daily", "alt": " ;x #y"}


def test_single_quoted_markers_are_kept():
    assert parse("[a]\nsep = ';#'\n")["a"]["sep"] == ";#"


def test_quoted_value_followed_by_inline_comment():
    data = parse('[theme]\naccent = "#1e90ff"   # primary\nalt = \'#000\' ; black\n')
    assert data["theme"] == {"accent": "#1e90ff", "alt": "#000"}


def test_marker_without_preceding_whitespace_is_plain_text():
    data = parse("[links]\nissue = ticket#917\nurl = http://svc.internal/x;y=1\n")
    assert data["links"] == {"issue": "ticket#917", "url": "http://svc.internal/x;y=1"}


def test_escaped_quote_does_not_end_the_quoted_part():
    data = parse('[a]\nmsg = "say \\"#1\\" now" # note\n')
    assert data["a"]["msg"] == 'say "#1" now'


def test_escaped_quote_keeps_spaced_marker_quoted():
    data = parse('[q]\nline = "he said \\"wait ; here\\" twice" ; note\n')
    assert data["q"]["line"] == 'he said "wait ; here" twice'


def test_typed_getter_on_value_with_hash():
    cfg = loads('[ui]\ncolors = "#fff, #000"\n')
    assert cfg.get_list("ui", "colors") == ["#fff", "#000"]


def test_inline_comments_are_still_stripped():
    data = parse("[a]\nport = 8080 # default\nhost = h\t; tab before\n")
    assert data["a"] == {"port": "8080", "host": "h"}


def test_marker_inside_word_then_real_comment():
    assert parse("[a]\nname = x;y ; trailing\n")["a"]["name"] == "x;y"


def test_continuation_lines_strip_comments():
    data = parse("[a]\nmotd =\n    first   # one\n    second ; two\n")
    assert data["a"]["motd"] == "first\nsecond"


def test_unterminated_quote_is_still_an_error():
    with pytest.raises(ParseError) as err:
        parse('[a]\nx = 1\ny = "abc\n', source="app.conf")
    assert err.value.line == 3


def test_comment_only_value_is_empty():
    assert parse("[a]\nx = # nothing here\n")["a"]["x"] == ""


def test_full_line_comments_and_sections_unchanged():
    data = parse("# c\n; c\n[s]\nk = v\n")
    assert data == {"": {}, "s": {"k": "v"}}
