import pytest

from confkit import ConfigError, load, loads


def test_later_layers_win():
    cfg = loads("[s]\na = 1\nb = 2\n", "[s]\nb = 3\n")
    assert cfg.get("s", "a") == "1"
    assert cfg.get("s", "b") == "3"


def test_env_overrides(tmp_path):
    path = tmp_path / "app.conf"
    path.write_text("[server]\nport = 8080\n", encoding="utf-8")
    cfg = load([path], env={"APP_SERVER__PORT": "9090", "OTHER": "x"}, prefix="APP_")
    assert cfg.get_int("server", "port") == 9090


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load([tmp_path / "nope.conf"])


def test_typed_getter_reports_section_and_key():
    cfg = loads("[s]\nport = eighty\n")
    with pytest.raises(ConfigError, match=r"\[s\] port: not an integer"):
        cfg.get_int("s", "port")


def test_default_is_returned_untouched():
    cfg = loads("")
    assert cfg.get_int("s", "port", None) is None
