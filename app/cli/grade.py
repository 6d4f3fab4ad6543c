"""`deploylab grade`: grade an attempt from a file or standard input, readable or as JSON.

No Textual here: it runs headless. Bad input is one sentence on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from app.words import lang_from_env, render, rendered, word
from lessons import COURSE_DIR
from lessons.files import CourseFileError
from models.exercises import Exercise, nearest_id
from models.grading import Grade, criterion_label, grade
from models.messages import Msg
from models.practice import ParseError, parse_script

PASSED, FAILED, BAD_INPUT = 0, 1, 2


class _BadInput(Exception):
    """One sentence for stderr, already in the command's language; exit 2."""


def fail(message: str) -> int:
    print(f"deploylab: {message}", file=sys.stderr)
    return BAD_INPUT


def run_grade(args: argparse.Namespace) -> int:
    """Grade args.file (or stdin) on args.exercise: exit 0 passed, 1 failed, 2 bad input."""
    lang = args.lang or lang_from_env(dict(os.environ))
    try:
        exercise = _exercise(args.exercise, lang)
        name, text = _read_attempt(args.file, lang)
        try:
            script = parse_script(text, exercise.scenario, allow_empty=False)
        except ParseError as err:
            from app.cli.usage import shortened

            raise _BadInput(f"{name}, {render(shortened(err.message), lang)}") from None
    except _BadInput as err:
        return fail(str(err))
    seed = exercise.seed if args.seed is None else args.seed
    result = grade(exercise, script.actions, seed)
    if args.json:
        sys.stdout.write(json.dumps(rendered(result.as_dict(), lang), ensure_ascii=False) + "\n")
    else:
        print_grade(result, exercise, lang)
    return PASSED if result.passed else FAILED


def _exercise(exercise_id: str, lang: str) -> Exercise:
    from lessons.exercises import load_exercises

    try:
        exercises = load_exercises()
    except CourseFileError as err:
        problem = where(err, COURSE_DIR, lang)
        raise _BadInput(word("cli.error.grade.broken", lang, problem=problem)) \
            from None
    if exercise_id in exercises:
        return exercises[exercise_id]
    from app.cli.usage import quoted

    hint = nearest_id(exercise_id[:100], exercises)
    known = word("list.sep", lang).join(exercises)
    if hint:
        raise _BadInput(word("cli.error.grade.unknown_hint", lang, exercise=quoted(exercise_id),
                             hint=hint, exercises=known))
    raise _BadInput(word("cli.error.grade.unknown", lang, exercise=quoted(exercise_id),
                         exercises=known))


def _read_attempt(file: str, lang: str) -> tuple[str, str]:
    from app.cli.usage import InputError, read_text_input

    try:
        return read_text_input(file)  # bounded, regular files only (app/cli/usage.py)
    except InputError as err:
        raise _BadInput(err.text_in(lang)) from None


def print_grade(result: Grade, exercise: Exercise, lang: str, console: Console | None = None
                ) -> None:
    """The readable grade: a mark and message per criterion, then the summary."""
    console = console or Console(highlight=False)
    console.print(Text.assemble((exercise.text(lang).title, "bold"), f"  ({exercise.id}, "
                                f"seed {result.seed})"))
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    for criterion in result.criteria:
        if criterion.passed:
            mark = Text("✓ " + word("grade.mark_pass", lang), style="bold green")
        else:
            mark = Text("✗ " + word("grade.mark_fail", lang), style="bold red")
        table.add_row(mark, Text(render(criterion_label(criterion.id), lang), style="bold"),
                      Text(render(criterion.note, lang)))
    console.print(table)
    summary = rendered(result.summary(), lang)
    if result.errors:  # commands that could not run, as the learner saw them; wrapped hanging
        warnings = Table.grid(padding=(0, 1))
        warnings.add_column(no_wrap=True)
        warnings.add_column(ratio=1, overflow="fold")
        for line, message in result.errors:
            shown = Msg.of("at_line", line=line, problem=message) if line is not None else message
            warnings.add_row(Text(" !", style="yellow"), Text(render(shown, lang), style="yellow"))
        console.print(warnings)
    verdict_style = "bold green" if result.passed else "bold red"
    console.print(Text(summary["text"], style=verdict_style))
    runs = result.runs_note()
    if runs is not None:
        console.print(Text(render(runs, lang), style="dim"))
    console.print(Text(_facts_line(summary, lang), style="dim"))


def _facts_line(summary: dict, lang: str) -> str:
    return word("cli.grade.facts", lang, **summary)


def relative(path: Path, root: Path) -> str:
    try:  # the folder resolved, not the file: a file may be a link in a loop
        return str((path.parent.resolve() / path.name).relative_to(root.resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


def where(err: CourseFileError, root: Path, lang: str = "en") -> str:
    """A loader's error with the file named relative to the course folder (ko/ vs en/ matter),
    its problem in `lang`."""
    return relative(err.path, root) + (f", line {err.line}" if err.line else "") + \
        f": {err.problem_in(lang)}"
