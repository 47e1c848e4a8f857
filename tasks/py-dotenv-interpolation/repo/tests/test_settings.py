import pytest

from dotfig import SettingError, Settings, load_dotenv


def test_typed(tmp_path):
    env = tmp_path / ".env"
    env.write_text("PORT=8000\nDEBUG=yes\nHOSTS=a, b,,c\n", encoding="utf-8")
    s = Settings(load_dotenv(env, environ={}))
    assert s.get_int("PORT") == 8000
    assert s.get_bool("DEBUG") is True
    assert s.get_list("HOSTS") == ["a", "b", "c"]
    assert s.get_int("MISSING", default=3) == 3
    with pytest.raises(SettingError):
        s.get_str("MISSING")


def test_export_respects_existing(tmp_path):
    env = tmp_path / ".env"
    env.write_text("A=file\nB=file\n", encoding="utf-8")
    target = {"A": "process"}
    load_dotenv(env, environ=target, export=True)
    assert target == {"A": "process", "B": "file"}
