"""`deploylab --help` and each command's help: read from the catalogue (`cli.help`) in the
locale's language, English exactly as it always was, Korean wrapped by terminal cells.

Golden files: tests/golden/help/<command>.txt hold the English help at 80 columns. When the help
changes on purpose, regenerate them deliberately and review the diff:

    DEPLOYLAB_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_cli_help.py -k golden
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from app.cli.main import build_parser, main
from app.words import word
from lessons.words import catalogue

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "help"
COMMANDS = ("simulate", "sandbox", "grade", "check", "schema", "serve", "progress")
ALL = ("", *COMMANDS)  # "" is deploylab itself


def locale(monkeypatch, lang: str, columns: int = 80) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "ko_KR.UTF-8" if lang == "ko" else "C.UTF-8")
    monkeypatch.setenv("COLUMNS", str(columns))


def shown_help(capsys, command: str) -> str:
    with pytest.raises(SystemExit) as ended:
        main([command, "--help"] if command else ["--help"])
    assert ended.value.code == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def parsers(lang: str | None = None) -> dict[str, object]:
    """deploylab's parser ("") and each command's, as build_parser makes them."""
    top = build_parser(lang)
    return {"": top, **top._subparsers._group_actions[0].choices}


def help_keys(parser) -> set[str]:
    """The catalogue keys one parser's help shows: its texts and each option's help."""
    keys = {parser.description, parser.epilog, "cli.help.usage", "cli.help.options"}
    keys |= {action.help for action in parser._actions if action.help}
    for action in parser._actions:  # the command list's lines
        keys |= {choice.help for choice in getattr(action, "_choices_actions", ())}
    if any(not action.option_strings for action in parser._actions):
        keys.add("cli.help.positionals")
    return keys - {None}


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("command", ALL)
def test_english_help_is_what_it_always_was_golden(command, capsys, monkeypatch):
    locale(monkeypatch, "en")
    got = shown_help(capsys, command)
    path = GOLDEN / f"{command or 'main'}.txt"
    if os.environ.get("DEPLOYLAB_UPDATE_GOLDEN") == "1":
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8"), \
        f"{command or 'deploylab'} --help changed; if on purpose, regenerate (module docstring)"


def test_english_help_documents_the_contract(capsys, monkeypatch):
    locale(monkeypatch, "en")
    top = shown_help(capsys, "")
    assert top.startswith("usage: deploylab ") and "\noptions:\n" in top
    for option in ("--lang {ko,en}", "--lesson ID", "--theme NAME", "--present", *COMMANDS):
        assert option in top
    assert "Without a command, deploylab opens the course." in top
    simulate = shown_help(capsys, "simulate")
    for option in ("--strategy {recreate,in-place,blue-green,in-server,canary}", "--servers",
                   "--batch", "--rps", "--seed", "--fault {none,bad-build,slow-start,",
                   "--json", "--svg FILE", "show this help message and exit"):
        assert option in simulate
    grade = shown_help(capsys, "grade")
    assert "EXERCISE" in grade and "FILE" in grade and "print one JSON object" in grade


@pytest.mark.parametrize("command", ALL)
def test_korean_help_comes_from_the_catalogue(command, capsys, monkeypatch):
    locale(monkeypatch, "ko")
    out = shown_help(capsys, command)
    parser = parsers()[command]
    shown = flat(out)
    for key in help_keys(parser):
        text = word(key, "ko", title=word("app.title", "ko")) if key == "cli.help.description" \
            else word(key, "ko")
        assert flat(text) in shown, key
    assert out.startswith(f"사용법: {parser.prog} ")
    assert "\n옵션:\n" in out and "이 도움말을 보여 주고 끝냅니다" in out
    english = {key: text for key, text in catalogue("en").items() if key.startswith("cli.help.")}
    english["cli.help.description"] = word("cli.help.description", "en",
                                           title=word("app.title", "ko"))
    left = [key for key, text in english.items() if flat(text) in shown]
    assert left == [], "English help left in the Korean help"


def test_the_korean_command_list_and_headings(capsys, monkeypatch):
    locale(monkeypatch, "ko")
    top = shown_help(capsys, "")
    assert "\n위치 인수:\n" in top
    assert re.search(r"\n    simulate +배포 한 번을 화면 없이 실행하고 요약을 출력합니다\n", top)
    assert top.rstrip().endswith("명령 없이 실행하면 deploylab은 강의를 엽니다.")
    grade = shown_help(capsys, "grade")
    assert re.search(r"\n  EXERCISE +예: bluegreen, bluegreen-in-server\n", grade)


def test_help_follows_the_locale_unless_build_parser_is_told(monkeypatch):
    locale(monkeypatch, "ko")
    assert build_parser().format_help().startswith("사용법: deploylab ")
    assert build_parser("en").format_help().startswith("usage: deploylab ")
    monkeypatch.setenv("LC_ALL", "C")  # LC_ALL wins over LANG=ko_KR.UTF-8
    assert build_parser().format_help().startswith("usage: deploylab ")
    assert parsers("ko")["grade"].format_help().startswith("사용법: deploylab grade ")


def usage_lines(out: str) -> tuple[list[str], list[str]]:
    usage, rest = out.split("\n\n", 1)
    return usage.splitlines(), rest.splitlines()


@pytest.mark.parametrize("columns", [80, 60])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_help_lines_fit_the_terminal_in_cells(lang, columns, capsys, monkeypatch):
    """argparse wraps by len(); a Korean character takes two cells. Only a line holding one
    part that cannot be broken (an option and its choices, in the usage or the option list) may be
    wider, as in English."""
    locale(monkeypatch, lang, columns)
    for command in ALL:
        lines = shown_help(capsys, command).splitlines()
        wide = [line for line in lines if cell_len(line) > columns
                and not re.fullmatch(r" +\[?--[a-z-]+ \{[a-z,-]+\}\]?", line)]
        assert wide == [], (command, lang)


def test_korean_usage_lines_line_up_under_the_command(capsys, monkeypatch):
    locale(monkeypatch, "ko")
    usage, _ = usage_lines(shown_help(capsys, "simulate"))
    indent = cell_len("사용법: deploylab simulate ")
    assert len(usage) > 1
    assert all(len(line) - len(line.lstrip(" ")) == indent for line in usage[1:])


def test_korean_help_in_a_real_process():
    env = {**os.environ, "LANG": "ko_KR.UTF-8", "COLUMNS": "80"}
    for name in ("LC_ALL", "LC_MESSAGES"):
        env.pop(name, None)
    run = subprocess.run([sys.executable, "-m", "app.cli.main", "grade", "--help"],
                         capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env,
                         timeout=60)
    assert run.returncode == 0 and run.stderr == ""
    assert run.stdout.startswith("사용법: deploylab grade ")
    assert word("cli.help.grade.file", "ko") in run.stdout
