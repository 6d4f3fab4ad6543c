"""The command line's error sentences come from the catalogue ([cli.error]) in the command's
language: a Korean locale (LANG=ko_KR.UTF-8) gets the Korean sentence, as one line on stderr and
exit 2; `--lang` wins over the locale; with LANG=C.UTF-8 the English is what it always was."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main
from app.cli.serve import bind_problem
from app.cli.usage import profile_problem
from app.store import ProfileNameError, validate_profile
from app.words import render, word

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def locale(monkeypatch):
    """Set LANG for the command (LC_ALL and LC_MESSAGES unset, so LANG decides)."""
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    return lambda value: monkeypatch.setenv("LANG", value)


def stderr_line(capsys, argv: list[str]) -> str:
    """Run `deploylab ARGV`: exit 2, nothing on stdout; the one line on stderr, without the
    program's name."""
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("deploylab: ")
    return err.removeprefix("deploylab: ").removesuffix("\n")


def section_ids() -> list[str]:
    from lessons.toc import read_toc

    return [s.id for s in read_toc(langs=("ko",)).sections]


# Each case: argv, a file to make first (or None), and the sentence as the catalogue words it
# in `lang`, next to the English it has always printed.
def cases(tmp_path: Path):
    bad_utf8 = tmp_path / "attempt.txt"
    ids = section_ids()
    return [
        (["--lesson", "9.9"], lambda lang: word(
            "cli.error.course.no_section", lang, lesson="9.9", nearest="5.3",
            sections=word("list.sep", lang).join(ids)),
         f"there is no section '9.9'; the nearest is 5.3 (sections: {', '.join(ids)})"),
        (["simulate", "--servers", "99999"], lambda lang: word(
            "cli.error.simulate.servers_limit", lang, servers=99999, max=5000),
         "--servers 99999 is more than the 5000 this simulator runs"),
        (["simulate", "--servers", "0"], lambda lang: word(
            "cli.error.usage.argument", lang, argument="--servers",
            problem=word("cli.error.usage.at_least_one", lang, value=0)),
         "argument --servers: 0 must be at least 1"),
        (["simulate", "--svg", str(tmp_path / "no" / "run.svg")], lambda lang: word(
            "cli.error.write.no_folder", lang, what=word("cli.error.what.svg", lang),
            path=tmp_path / "no" / "run.svg", folder=tmp_path / "no"),
         f"cannot write the SVG to {tmp_path / 'no' / 'run.svg'}: the folder {tmp_path / 'no'} "
         "does not exist"),
        (["grade", "bluegreen", str(tmp_path / "missing.txt")], lambda lang: word(
            "cli.error.input.missing", lang, name=tmp_path / "missing.txt"),
         f"cannot read '{tmp_path / 'missing.txt'}': there is no such file"),
        (["grade", "bluegreen", str(bad_utf8)], lambda lang: word(
            "cli.error.input.not_utf8", lang, name=bad_utf8, byte=6),
         f"'{bad_utf8}' is not UTF-8 text (byte 6 cannot be read)"),
        (["grade", "blugreen", "-"], lambda lang: word(
            "cli.error.grade.unknown_hint", lang, exercise="blugreen", hint="bluegreen",
            exercises=word("list.sep", lang).join(exercise_ids())),
         f"unknown exercise 'blugreen'; did you mean 'bluegreen'? (exercises: "
         f"{', '.join(exercise_ids())})"),
        (["progress", "--all", "--profile", "ann"], lambda lang: word(
            "cli.error.progress.all_with_profile", lang),
         "--all shows every profile; leave out --profile"),
        (["progress", "--profile", "a/b"], lambda lang: word(
            "cli.error.profile.separator", lang, name="a/b", char="/"),
         "the profile name 'a/b' contains '/', a path separator; use letters, digits, '-', '_' "
         "or '.'"),
        (["serve", "--host", " "], lambda lang: word("cli.error.serve.bad_host", lang, host=" "),
         "the host ' ' is not a host name or address"),
        (["sandbox", "--servers", "30"], lambda lang: word(
            "cli.error.sandbox.servers_limit", lang, servers=30, max=20),
         "--servers 30 is more than the 20 servers the sandbox's stage shows; deploylab "
         "simulate runs bigger fleets"),
    ], bad_utf8


def exercise_ids() -> list[str]:
    from lessons.exercises import load_exercises

    return list(load_exercises())


CASE_NAMES = ["lesson", "servers-limit", "servers-zero", "svg-folder", "grade-missing",
              "grade-utf8", "grade-exercise", "progress-all", "profile", "serve-host", "sandbox"]


@pytest.mark.parametrize("case", range(len(CASE_NAMES)), ids=CASE_NAMES)
def test_a_korean_locale_gets_the_korean_sentence_and_c_the_english_one(
        capsys, locale, tmp_path, case):
    all_cases, bad_utf8 = cases(tmp_path)
    bad_utf8.write_bytes(b"wait \xff\n")
    argv, worded, english = all_cases[case]
    locale("ko_KR.UTF-8")
    korean = stderr_line(capsys, argv)
    assert korean == worded("ko")
    assert korean != worded("en")  # it is not the English sentence under another key
    locale("C.UTF-8")
    assert stderr_line(capsys, argv) == worded("en") == english


def test_the_lang_option_wins_over_the_locale(capsys, locale, tmp_path):
    missing = str(tmp_path / "missing.txt")
    locale("ko_KR.UTF-8")
    assert stderr_line(capsys, ["grade", "--lang", "en", "bluegreen", missing]) == \
        f"cannot read '{missing}': there is no such file"
    locale("C.UTF-8")
    assert stderr_line(capsys, ["grade", "--lang", "ko", "bluegreen", missing]) == \
        word("cli.error.input.missing", "ko", name=missing)
    # A value argparse refuses: no arguments were parsed, --lang is read from the command line.
    assert stderr_line(capsys, ["--lang=ko", "simulate", "--rps", "x"]) == word(
        "cli.error.usage.argument", "ko", argument="--rps",
        problem=word("cli.error.usage.not_number", "ko", value="x"))


def test_argparse_own_english_is_kept_in_every_language(capsys, locale):
    """An invalid choice is argparse's sentence, not DeployLab's: it stays as argparse says it."""
    locale("ko_KR.UTF-8")
    assert stderr_line(capsys, ["simulate", "--fault", "nope"]).startswith(
        "argument --fault: invalid choice: 'nope' (choose from ")


@pytest.mark.parametrize("name", ["", " ", "../evil", "..\\evil", ".hidden", "ann smith",
                                  "a\tb", "a\x00b", "a*b", "x" * 41, "y" * 100, "CON"])
def test_a_refused_profile_name_is_worded_as_the_store_words_it(name):
    with pytest.raises(ProfileNameError) as caught:
        validate_profile(name)
    assert render(profile_problem(caught.value, name), "en") == str(caught.value)
    assert render(profile_problem(caught.value, name), "ko") != str(caught.value)


@pytest.mark.parametrize("error, key, params", [
    (socket.gaierror(-2, "Name or service not known"), "cli.error.serve.unknown_host", {}),
    (OSError(errno.EADDRINUSE, "Address already in use"), "cli.error.serve.port_in_use",
     {"port": 80}),
    (OSError(errno.EACCES, "Permission denied"), "cli.error.serve.low_port", {"port": 80}),
])
def test_a_port_that_cannot_be_listened_on_is_worded_in_the_language(error, key, params):
    message = bind_problem("lab.example", 80, error)
    for lang in ("ko", "en"):
        assert render(message, lang) == word(key, lang, host="lab.example", **params)
    assert render(bind_problem("lab.example", 80, OSError(errno.EADDRINUSE, "x")), "en") == \
        "port 80 on lab.example is already in use (another server?); choose another with --port"


def test_a_closed_stdout_is_said_in_korean_by_a_real_process(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if key not in ("LC_ALL", "LC_MESSAGES")}
    env.update(PYTHONPATH=str(REPO), LANG="ko_KR.UTF-8")
    done = subprocess.run(["bash", "-c", f"{sys.executable} -m app.cli.main simulate >&-"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == f"deploylab: {word('cli.error.stdout_closed', 'ko')}\n"
