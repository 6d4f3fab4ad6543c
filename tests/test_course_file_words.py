"""A broken course file is reported in the reader's language: `CourseFileError.text(lang)` and
`deploylab check DIR` with a Korean locale give the Korean sentence of the catalogue's
`course_file` table; `str(err)` and an English locale give the English sentence as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli.main import main
from app.words import word
from lessons import COURSE_DIR
from lessons.course import load_course
from lessons.exercises import load_exercises
from lessons.files import CourseFileError
from lessons.quizzes import load_quizzes
from tests.support import copy_course

# (file, text replaced, replacement, loader, place, English problem, Korean problem,
#  the Korean problem as the catalogue words it)
CASES = {
    "section": (
        "sections/5.1.2.toml", 'exercises = ["in-place"]', 'exercises = ["in-plase"]',
        load_course, "5.1.2.toml, line 8",
        "exercise 'in-plase' is not in exercises/; did you mean 'in-place'?",
        "실습 'in-plase'가 exercises/에 없습니다. 'in-place'를 쓰려고 하셨나요?",
        lambda lang: word("course_file.exercise_not_in_hint", lang, exercise="in-plase",
                          folder="exercises", hint="in-place")),
    "section text": (
        "ko/5.1.2.toml", "[steps.first-out]", "[steps.first-outt]",
        load_course, "5.1.2.toml",
        "has no text for step 'first-out'",
        "단계 'first-out'의 글이 없습니다",
        lambda lang: word("course_file.no_step_text", lang, step="first-out")),
    "exercise": (
        "exercises/in-place.toml", "order = 1\n", 'order = "first"\n',
        load_exercises, "in-place.toml, line 4",
        "'order' should be an integer, not a string",
        "'order' 값이 문자열입니다 (정수 값이어야 합니다)",
        lambda lang: word("course_file.key_problem", lang, field="'order'", problem=word(
            "course_file.wrong_kind", lang, expected=word("course_file.kind.int", lang),
            kind=word("course_file.kind.str", lang)))),
    "quiz": (
        "quizzes/5.1.2.toml", 'correct = "let-requests-finish"',
        'correct = "let-requests-finnish"',
        load_quizzes, "quizzes/5.1.2.toml, line 20",
        "question 'why-deregister-first': correct option 'let-requests-finnish' is not one "
        "of its options",
        "문항 'why-deregister-first': 정답 'let-requests-finnish'이 보기에 없습니다",
        lambda lang: word("course_file.labelled", lang,
                          label=word("course_file.question", lang, id="why-deregister-first"),
                          problem=word("course_file.correct_not_option", lang,
                                       option="let-requests-finnish"))),
}


def broken_copy(tmp_path: Path, kind: str) -> Path:
    """The built-in course copied to tmp_path with one file broken as CASES[kind] says."""
    name, before, after = CASES[kind][:3]
    root = tmp_path / "course"
    copy_course(root)
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert before in text
    path.write_text(text.replace(before, after, 1), encoding="utf-8")
    return root


@pytest.mark.parametrize("kind", list(CASES))
def test_a_broken_file_is_worded_in_korean_and_in_english_as_before(tmp_path, kind):
    _, _, _, load, place, english, korean, from_catalogue = CASES[kind]
    with pytest.raises(CourseFileError) as caught:
        load(broken_copy(tmp_path, kind))
    err = caught.value
    assert str(err) == f"{place}: {english}"
    assert err.text("en") == str(err)
    assert err.problem == english
    assert err.text("ko") == f"{place}: {korean}"
    assert err.problem_in("ko") == from_catalogue("ko")
    assert from_catalogue("en") == english


@pytest.mark.parametrize("kind", list(CASES))
@pytest.mark.parametrize("locale", ["ko_KR.UTF-8", "C.UTF-8"])
def test_deploylab_check_words_a_broken_file_in_the_locales_language(tmp_path, capsys,
                                                                     monkeypatch, kind, locale):
    name, _, _, _, place, english, korean, _ = CASES[kind]
    root = broken_copy(tmp_path, kind)
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", locale)
    assert main(["check", str(root)]) == 1
    err = capsys.readouterr().err
    line = place.partition(",")[1] + place.partition(",")[2]  # ", line 8", or nothing
    problem = korean if locale.startswith("ko") else english
    # check names the file by its path in the course folder
    assert f"deploylab check: {name}{line}: {problem}\n" in err
    assert (english if locale.startswith("ko") else korean) not in err


def test_an_error_made_with_a_plain_sentence_is_that_sentence_in_every_language():
    err = CourseFileError("ko/words.toml", "invalid TOML: expected '=' after a key", 3)
    assert str(err) == "words.toml, line 3: invalid TOML: expected '=' after a key"
    assert err.text("ko") == str(err)


def test_making_an_error_reads_no_catalogue(monkeypatch):
    import lessons.words as words
    from lessons.files import fault

    def no_catalogue(lang):
        raise AssertionError("the catalogue was read")

    monkeypatch.setattr(words, "catalogue", no_catalogue)
    err = CourseFileError("5.1.toml", fault("course_file.no_steps"), 2)
    assert err.line == 2 and err.message.catalogue_key == "course_file.no_steps"


def test_without_a_catalogue_the_error_still_names_its_problem(monkeypatch):
    import lessons.words as words
    from lessons.files import fault

    monkeypatch.setenv(words.STRICT_ENV, "0")
    monkeypatch.setattr(words, "catalogue", lambda lang: {})  # as when words.toml is broken
    err = CourseFileError("5.1.toml", fault("course_file.no_step_text", step="intro"))
    assert str(err) == "5.1.toml: course_file.no_step_text step='intro'"


@pytest.fixture
def korean(monkeypatch):
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")


def test_check_refuses_what_is_not_a_course_in_korean(tmp_path, capsys, korean):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["check", str(empty)]) == 2
    assert capsys.readouterr().err == (
        f"deploylab: '{empty}'는 빈 폴더라서 강의가 아닙니다 (강의에는 sections/, exercises/, "
        "quizzes/와 언어별 폴더가 있습니다)\n")
    assert main(["check", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err == f"deploylab: '{tmp_path / 'nowhere'}'는 폴더가 아닙니다\n"


@pytest.fixture
def course_copy(tmp_path, monkeypatch) -> Path:
    """The built-in course copied, checked on one run per script (enough to test wording)."""
    from models.grading import grade_once

    monkeypatch.setattr("app.cli.check.grade", grade_once)
    root = tmp_path / "course"
    copy_course(root)
    return root


def test_check_reports_a_known_bad_attempt_in_korean(course_copy, capsys, korean):
    path = course_copy / "exercises" / "in-place.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('id = "three-at-once"\nfails = "capacity"\nline = 3',
                                 'id = "three-at-once"\nfails = "capacity"\nline = 2'),
                    encoding="utf-8")
    assert main(["check", str(course_copy)]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 1 and errors[0].startswith(
        "deploylab check: exercises/in-place.toml, line ")
    assert ("'in-place'의 틀린 예시 'three-at-once'는 2번 줄에서 'capacity' 기준에 실패해야 "
            "하는데, 3번 줄에서 실패합니다 (시드 ") in errors[0]


def test_check_says_ok_in_korean(course_copy, capsys, korean):
    assert main(["check", str(course_copy)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: 절 ") and "(언어: ko, en)" in out and "참고 풀이 " in out


def test_the_app_words_a_course_error_found_after_the_first_frame_in_its_language(
        tmp_path, capsys, monkeypatch):
    import lessons.course
    import lessons.toc
    from app.ui.app import DeployLabApp

    copy = tmp_path / "course"
    copy_course(copy)
    monkeypatch.setattr(lessons.toc.read_toc, "__defaults__", (copy,))
    monkeypatch.setattr(lessons.course.load_course, "__defaults__", (copy,))
    first = sorted((copy / "sections").glob("*.toml"))[0]
    # Only the engine knows there is no such target: the map is drawn before that is found.
    first.write_text(first.read_text("utf-8").replace('focus = ["web"]', 'focus = ["webs"]', 1),
                     "utf-8")
    real_run = DeployLabApp.run
    monkeypatch.setattr(DeployLabApp, "run",
                        lambda self, *a, **k: real_run(self, headless=True, size=(100, 30)))
    assert main(["--lang", "ko"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"deploylab: 강의 파일이 손상되었습니다: {first.name}, line ")
    assert "'webs'을 가리키지만, 여기의 대상, 그룹, 슬롯 중에는 그런 이름이 없습니다" in err
    assert "focuses on" not in err


@pytest.mark.parametrize(("lang", "said"), [
    ("ko", "강의 파일이 손상되었습니다: 5.1.2.toml: 단계 'first-out'의 글이 없습니다"),
    ("en", "the course files are broken: 5.1.2.toml: has no text for step 'first-out'"),
])
def test_a_course_error_before_the_first_frame_is_worded_in_the_courses_language(
        tmp_path, capsys, monkeypatch, lang, said):
    import lessons.toc

    root = tmp_path / "course"
    copy_course(root)
    path = root / lang / "5.1.2.toml"  # the table of contents reads the words of --lang
    path.write_text(path.read_text("utf-8").replace("[steps.first-out]", "[steps.first-outt]"),
                    "utf-8")
    monkeypatch.setattr(lessons.toc.read_toc, "__defaults__", (root,))
    assert main(["--lang", lang]) == 2
    assert capsys.readouterr().err == f"deploylab: {said}\n"


def test_deploylab_grade_words_a_broken_exercise_file_in_the_locales_language(
        tmp_path, capsys, monkeypatch):
    """grade reads the built-in exercises; when they are broken its sentence names the file
    relative to the course folder and says the problem in the user's language."""
    import lessons.exercises
    from lessons.files import fault

    broken = CourseFileError(COURSE_DIR / "exercises" / "in-place.toml",
                             fault("course_file.no_steps"), 4)

    def load(*args, **kwargs):
        raise broken

    monkeypatch.setattr(lessons.exercises, "load_exercises", load)
    attempt = tmp_path / "attempt.txt"
    attempt.write_text("status\n", encoding="utf-8")
    for lang, locale in (("ko", "ko_KR.UTF-8"), ("en", "C.UTF-8")):
        monkeypatch.delenv("LC_ALL", raising=False)
        monkeypatch.delenv("LC_MESSAGES", raising=False)
        monkeypatch.setenv("LANG", locale)
        assert main(["grade", "in-place", str(attempt)]) == 2
        err = capsys.readouterr().err
        problem = f"exercises/in-place.toml, line 4: {broken.problem_in(lang)}"
        assert err == "deploylab: " + word("cli.error.grade.broken", lang, problem=problem) + "\n"
    assert broken.problem_in("ko") != broken.problem_in("en")
