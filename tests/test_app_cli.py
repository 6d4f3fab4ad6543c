"""`deploylab` without a command: language from the locale, bad --lesson/--theme/--profile."""

from __future__ import annotations

import pytest

from app.cli import course as course_cli
from app.cli.main import main
from app.words import lang_from_env
from tests.support import copy_course


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


def test_the_maps_table_of_contents_is_what_the_course_is_built_from():
    from lessons.course import load_course
    from lessons.toc import read_toc

    toc = read_toc()
    course = load_course(toc=toc)
    assert [s.id for s in toc.sections] == [s.id for s in course.sections]
    for entry, section in zip(toc.sections, course.sections, strict=True):
        assert (entry.stage, tuple(entry.exercises)) == (section.stage, section.exercises)
        assert [s.id for s in entry.steps] == [s.id for s in section.steps]
        for lang in ("ko", "en"):
            words, text = toc.text(lang, section.id), course.text(lang, section.id)
            assert (words.title, words.description) == (text.title, text.description)
            assert {k: v.title for k, v in words.steps.items()} == \
                {k: v.title for k, v in text.steps.items()}


def test_the_first_frame_reads_no_engine():
    """The map's first frame comes from lessons.toc, which imports nothing of the engine."""
    import subprocess
    import sys

    code = ("import sys; import lessons.toc; lessons.toc.read_toc(); "
            "print(sorted(m for m in sys.modules if m.startswith(('simpy', 'models.engine', "
            "'models.course', 'lessons.course'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout.strip()
    assert out == "[]"


async def test_the_app_draws_the_map_from_the_toc_then_loads_the_course():
    from app.ui.app import DeployLabApp
    from lessons.toc import read_toc

    toc = read_toc()
    app = DeployLabApp(lang="en", toc=toc, instant=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app._course is not None  # loaded and validated once the map was on screen
        assert app.toc is toc  # the map keeps the table of contents it was drawn from
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.section.id == app.course.sections[0].id


@pytest.fixture
def broken_course(tmp_path, monkeypatch):
    """A copy of the course the loaders read instead of the real one; the test breaks it."""
    import lessons.course
    import lessons.toc

    copy = tmp_path / "course"
    copy_course(copy)
    monkeypatch.setattr(lessons.toc.read_toc, "__defaults__", (copy,))
    monkeypatch.setattr(lessons.course.load_course, "__defaults__", (copy,))
    return copy


@pytest.mark.parametrize("damage", [
    lambda text: "id = \"5.1\n",  # not TOML at all
    lambda text: text.replace('stage = "', 'stage = "nonsense-', 1),  # not the file's shape
])
def test_an_unreadable_course_file_stops_before_the_screen(broken_course, capsys, launched,
                                                           damage):
    first = sorted((broken_course / "sections").glob("*.toml"))[0]
    first.write_text(damage(first.read_text("utf-8")), "utf-8")
    assert main(["--lang", "en"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("deploylab: the course files are broken: ") and "\n" not in err
    assert first.name in err
    assert "app" not in launched


def test_an_invalid_course_file_found_after_the_first_frame_still_exits_2(broken_course, capsys,
                                                                           monkeypatch):
    from app.ui.app import DeployLabApp

    first = sorted((broken_course / "sections").glob("*.toml"))[0]
    # Only the engine knows there is no such target: the map is drawn before that is found.
    first.write_text(first.read_text("utf-8").replace('focus = ["web"]', 'focus = ["webs"]', 1),
                     "utf-8")
    real_run = DeployLabApp.run
    monkeypatch.setattr(DeployLabApp, "run",
                        lambda self, *a, **k: real_run(self, headless=True, size=(100, 30)))
    assert main(["--lang", "en"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("deploylab: the course files are broken: ")
    assert first.name in err and "focuses on 'webs'" in err
