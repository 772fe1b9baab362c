"""settings.toml: read, validated, and rewritten by the tutor without losing the guard rails."""

import datetime as dt

import pytest

from tutor import settings
from tutor.errors import UsageError


def test_missing_file_means_defaults(tmp_path):
    s = settings.load(tmp_path / "settings.toml")
    assert (s.backend, s.lang, s.theme, s.exam_date, s.path) == ("sandbox", None, "dark", None, None)


def test_save_round_trip_keeps_hand_written_guard_rails(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('deny_accounts = ["111122223333"]\nregion = "eu-west-1"\n', encoding="utf-8")
    saved = settings.save({"lang": "en", "theme": "light", "exam_date": dt.date(2027, 1, 15)}, path)
    assert saved == settings.load(path)
    assert (saved.lang, saved.theme, saved.exam_date, saved.region) == ("en", "light", dt.date(2027, 1, 15), "eu-west-1")
    assert saved.deny_accounts == ("111122223333",)
    assert settings.save({"exam_date": None}, path).exam_date is None


@pytest.mark.parametrize("text", ['lang = "fr"\n', 'theme = "blue"\n', 'exam_date = "2027-01-15"\n',
                                  "exam_date = 2027-01-15T10:00:00\n", 'colour = "red"\n'])
def test_wrong_values_are_usage_errors(tmp_path, text):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError):
        settings.load(path)


def test_save_refuses_guard_rails_and_unknown_keys(tmp_path):
    with pytest.raises(UsageError):
        settings.save({"deny_accounts": ()}, tmp_path / "settings.toml")
    assert not (tmp_path / "settings.toml").exists()
