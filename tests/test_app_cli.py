"""`deploylab` without a command: language from the locale, bad --lesson/--theme/--profile."""

from __future__ import annotations

import pytest

from app import course_cli
from app.cli import main
from app.i18n import lang_from_env


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DEPLOYLAB_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def launched(monkeypatch):
    """Record the app the CLI would run instead of taking over the terminal."""
    seen = {}

    def fake_run(self, *args, **kwargs):
        seen["app"] = self

    monkeypatch.setattr("app.app.DeployLabApp.run", fake_run)
    return seen


@pytest.mark.parametrize(("env", "lang"), [
    ({"LANG": "ko_KR.UTF-8"}, "ko"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LC_ALL": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}, "ko"),
    ({"LC_ALL": "C", "LANG": "ko_KR.UTF-8"}, "en"),
    ({"LC_MESSAGES": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}, "ko"),
    ({"LC_ALL": "", "LANG": "ko"}, "ko"),
    ({}, "en"),
])
def test_language_comes_from_the_locale(env, lang):
    assert lang_from_env(env) == lang


def test_no_lang_option_uses_the_locale(monkeypatch, launched):
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert main([]) == 0
    assert launched["app"].lang == "ko"
    assert main(["--lang", "en"]) == 0
    assert launched["app"].lang == "en"


def test_lesson_theme_present_and_profile_reach_the_app(launched):
    assert main(["--lang", "en", "--lesson", "5.1.2", "--theme", "nord", "--present",
                 "--profile", "민수"]) == 0
    app = launched["app"]
    assert (app.lesson, app._theme_name, app.present) == ("5.1.2", "nord", True)
    assert app.profile == "민수"
    assert app.autoplay  # the classroom layout plays by itself


def test_present_uses_a_light_theme_unless_one_is_given(launched):
    assert main(["--present"]) == 0
    assert launched["app"]._theme_name == "textual-light"


def test_unknown_lesson_names_the_nearest_section(capsys, launched):
    assert main(["--lesson", "5.1.9"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "'5.1.9'" in err and "nearest is 5.1" in err
    assert "app" not in launched


def test_unknown_theme_lists_the_valid_ones(capsys, launched):
    assert main(["--theme", "sparkly"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "'sparkly'" in err and "textual-light" in err and "nord" in err
    assert "app" not in launched


def test_bad_profile_name_is_one_sentence(capsys, launched):
    assert main(["--profile", "a/b"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("deploylab: ") and err.count("\n") == 0 and "profile" in err


def test_nearest_prefers_the_closest_id():
    ids = ["5.1", "5.1.1", "5.1.2", "5.2.2", "5.3"]
    assert course_cli.nearest("5.2.3", ids) in ("5.2.2", "5.3")
    assert course_cli.nearest("5.1.2.", ids) == "5.1.2"
