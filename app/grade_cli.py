"""`deploylab grade` grades an attempt; `deploylab check` validates the course and its exercises.

No Textual here: both run headless. Bad input is one sentence on stderr and exit 2.
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

from app.i18n import lang_from_env
from lessons import COURSE_DIR, LOCALES
from lessons.files import CourseFileError
from models.exercises import Exercise, nearest_id
from models.grading import Grade, Note, criterion_label, grade
from models.messages import Msg
from models.practice import ParseError, parse_script

PASSED, FAILED, BAD_INPUT = 0, 1, 2
CHECK_SEEDS = 3  # check runs every data script with the exercise's seed and the next ones


class _BadInput(Exception):
    """One sentence for stderr; exit 2."""


def _fail(message: str) -> int:
    print(f"deploylab: {message}", file=sys.stderr)
    return BAD_INPUT


# --- grade -------------------------------------------------------------------------------
def run_grade(args: argparse.Namespace) -> int:
    """Grade args.file (or stdin) on args.exercise: exit 0 passed, 1 failed, 2 bad input."""
    lang = args.lang or lang_from_env(dict(os.environ))
    try:
        exercise = _exercise(args.exercise)
        name, text = _read_attempt(args.file)
        try:
            script = parse_script(text, exercise.scenario, allow_empty=False)
        except ParseError as err:
            raise _BadInput(f"{name}, {err.render(lang)}") from None
    except _BadInput as err:
        return _fail(str(err))
    seed = exercise.seed if args.seed is None else args.seed
    result = grade(exercise, script.actions, seed, lang)
    if args.json:
        sys.stdout.write(json.dumps(result.as_dict(lang), ensure_ascii=False) + "\n")
    else:
        print_grade(result, exercise, lang)
    return PASSED if result.passed else FAILED


def _exercise(exercise_id: str) -> Exercise:
    from lessons.exercises import load_exercises

    try:
        exercises = load_exercises()
    except CourseFileError as err:
        raise _BadInput(f"the built-in exercises do not load: {_where(err, COURSE_DIR)}") from None
    if exercise_id in exercises:
        return exercises[exercise_id]
    hint = nearest_id(exercise_id, exercises)
    known = ", ".join(exercises)
    if hint:
        raise _BadInput(f"unknown exercise '{exercise_id}'; did you mean '{hint}'? "
                        f"(exercises: {known})")
    raise _BadInput(f"unknown exercise '{exercise_id}' (exercises: {known})")


def _read_attempt(file: str) -> tuple[str, str]:
    if file == "-":
        try:
            return "stdin", sys.stdin.read()
        except UnicodeDecodeError:
            raise _BadInput("standard input is not UTF-8 text") from None
    path = Path(file)
    try:
        return path.name, path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _BadInput(f"cannot read '{file}': there is no such file") from None
    except IsADirectoryError:
        raise _BadInput(f"cannot read '{file}': it is a folder, not a file") from None
    except PermissionError:
        raise _BadInput(f"cannot read '{file}': permission denied") from None
    except UnicodeDecodeError:
        raise _BadInput(f"cannot read '{file}': it is not UTF-8 text") from None
    except OSError as err:
        raise _BadInput(f"cannot read '{file}': {err.strerror or err.__class__.__name__}") from None


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
            mark = Text("✓ " + Note.of("mark_pass").render(lang), style="bold green")
        else:
            mark = Text("✗ " + Note.of("mark_fail").render(lang), style="bold red")
        table.add_row(mark, Text(criterion_label(criterion.id, lang), style="bold"),
                      Text(criterion.message(lang)))
    console.print(table)
    summary = result.summary(lang)
    if result.errors:  # commands that could not run, as the learner saw them; wrapped hanging
        warnings = Table.grid(padding=(0, 1))
        warnings.add_column(no_wrap=True)
        warnings.add_column(ratio=1, overflow="fold")
        for line, message in result.errors:
            shown = Msg.of("at_line", line=line, problem=message) if line is not None else message
            warnings.add_row(Text(" !", style="yellow"), Text(shown.render(lang), style="yellow"))
        console.print(warnings)
    verdict_style = "bold green" if result.passed else "bold red"
    console.print(Text(summary["text"], style=verdict_style))
    console.print(Text(_facts_line(summary, lang), style="dim"))


def _facts_line(summary: dict, lang: str) -> str:
    if lang == "ko":
        return (f"요청 {summary['requests']}건, 실패 {summary['failed']}건 · 가장 적게 서비스한 "
                f"대상 {summary['min_serving']}대 · 최대 인스턴스 {summary['max_instances']}대 · "
                f"시뮬레이션 {summary['duration_s']:.0f}초 · 명령 {summary['commands']}개"
                f"(모범 답안 {summary['reference_commands']}개)")
    return (f"{summary['requests']} requests, {summary['failed']} failed · fewest serving "
            f"{summary['min_serving']} · most instances {summary['max_instances']} · "
            f"{summary['duration_s']:.0f} s simulated · commands: {summary['commands']} "
            f"(reference: {summary['reference_commands']})")


# --- check -------------------------------------------------------------------------------
def run_check(args: argparse.Namespace) -> int:
    """Validate every course file in args.dir (default: the built-in course) and run every
    exercise's reference (must pass) and known-bad attempts (must fail as named)."""
    root = Path(args.dir) if args.dir else COURSE_DIR
    if not root.is_dir():
        return _fail(f"'{args.dir}' is not a folder")
    problems, summary = check_course(root)
    if problems:
        for problem in problems:
            print(f"deploylab check: {problem}", file=sys.stderr)
        return FAILED
    print(summary)
    return PASSED


def check_course(root: Path) -> tuple[list[str], str]:
    """Every problem in the course at `root` as one sentence each, and the OK summary line."""
    from lessons.course import load_course
    from lessons.exercises import load_exercises

    problems: list[str] = []
    course = exercises = None
    quizzes: dict | None = None
    try:
        course = load_course(root)
    except CourseFileError as err:
        problems.append(_where(err, root))
    origins: dict[tuple[str, str], tuple[Path, int | None]] = {}
    try:
        exercises = load_exercises(root, origins)
    except CourseFileError as err:
        problems.append(_where(err, root))
    try:
        from lessons.quizzes import load_quizzes
    except ImportError:
        load_quizzes = None
    if load_quizzes is not None and (root / "quizzes").is_dir():
        try:
            quizzes = load_quizzes(root)
        except CourseFileError as err:
            problems.append(_where(err, root))
    # A section's `exercise` is resolved by load_course; a practical quiz's by load_quizzes.
    runs = bad_count = 0
    for exercise in (exercises or {}).values():
        found, runs_here = _check_scripts(exercise, origins, root)
        problems.extend(found)
        runs += runs_here
        bad_count += len(exercise.bad)
    if problems:
        return problems, ""
    sections = len(course.sections) if course else 0
    summary = (f"OK: {sections} sections, {len(exercises or {})} exercises and "
               f"{len(quizzes or {})} quizzes in {' and '.join(LOCALES)}; "
               f"{len(exercises or {})} reference solutions pass and {bad_count} known-bad "
               f"attempts fail on their named criterion and line, each with {CHECK_SEEDS} seeds "
               f"({runs} graded runs).")
    return problems, summary


def _check_scripts(exercise: Exercise, origins: dict, root: Path) -> tuple[list[str], int]:
    """Run the reference and the known-bad attempts with several seeds; one problem per script."""
    seeds = range(exercise.seed, exercise.seed + CHECK_SEEDS)
    problems: list[str] = []
    wrong: dict[str, list[tuple[int, str]]] = {}  # script id -> (seed, what happened)
    for seed in seeds:
        result = grade(exercise, exercise.solution, seed)
        if not result.passed:
            failed = result.failed[0]
            wrong.setdefault("solution", []).append(
                (seed, f"fails '{failed.id}': {failed.message('en')}"))
        for bad in exercise.bad:
            criterion = grade(exercise, bad.script, seed).criterion(bad.fails)
            if criterion.passed:
                wrong.setdefault(bad.id, []).append((seed, "passes it"))
            elif criterion.line != bad.line:
                wrong.setdefault(bad.id, []).append((seed, f"fails it at line {criterion.line}"))
    for script_id, cases in wrong.items():
        path, line = origins.get((exercise.id, script_id), (None, None))
        where = _place(path, line, root, exercise)
        seed_list = ", ".join(str(seed) for seed, _ in cases)
        first = cases[0][1]
        if script_id == "solution":
            problems.append(f"{where}: the reference solution of '{exercise.id}' {first} "
                            f"(seeds {seed_list})")
        else:
            bad = next(b for b in exercise.bad if b.id == script_id)
            problems.append(f"{where}: known-bad attempt '{bad.id}' of '{exercise.id}' should "
                            f"fail '{bad.fails}' at line {bad.line}, but {first} (seeds "
                            f"{seed_list})")
    return problems, len(seeds) * (1 + len(exercise.bad))


def _place(path: Path | None, line: int | None, root: Path, exercise: Exercise) -> str:
    path = path or root / "exercises" / f"{exercise.id}.toml"
    return _relative(path, root) + (f", line {line}" if line else "")


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _where(err: CourseFileError, root: Path) -> str:
    """A loader's error with the file named relative to the course folder (ko/ vs en/ matter)."""
    return _relative(err.path, root) + (f", line {err.line}" if err.line else "") + \
        f": {err.problem}"
