"""`deploylab progress`: a learner's progress as a table, or an export a teacher can collect.

`deploylab progress [--profile NAME] [--export FILE.csv|FILE.json]`
`deploylab progress --all [--export FILE.csv|FILE.json]`: every profile, one row each (see
`CLASS_COLUMNS` below).

The export has one row per record and the same columns in both formats, so a teacher can gather
every learner's file and concatenate them:

    profile          the learner's profile name
    kind             "section" (a lesson completed), "quiz" (one quiz attempt) or
                     "practice" (one graded practice attempt)
    item             the section id, the quiz id or the exercise name
    section          the course section the item belongs to: for a practice attempt the
                     section it was made in (an old attempt: its exercise's section)
    attempt          1, 2, ... per item, oldest first (always 1 for a completed section)
    score, max_score the attempt's score out of max_score (empty for a section)
    passed           practice: true or false; a completed section: true; a quiz: empty
    when             when it happened, ISO 8601 local time with its UTC offset
    duration_s       a quiz: seconds from its start to its end; otherwise empty
    lang             the language a section was completed in or a practice attempt made in
    seed             a practice attempt's random seed; otherwise empty
    failed_criteria  a practice attempt: the ids of the criteria it failed, space-separated
    hints_used       a practice attempt: how many hint tiers were opened before its grade
    solution_seen    a practice attempt: true if the reference solution was played before it
                     (such a pass keeps passed = true but progress does not count it)

CSV: UTF-8 with a byte-order mark (so Excel shows Korean names), a header row, an empty cell for
no value, true/false for passed and solution_seen. JSON: {"format": "deploylab-progress",
"version": 2, "profile", "exported_at", "columns", "records": [...]} with the same keys, numbers
as numbers, null for no value.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from app.store import (
    DEFAULT_PROFILE,
    PRACTICE_MAX_SCORE,
    ItemProgress,
    ProfileNameError,
    ProgressStore,
    ProgressSummary,
    data_dir,
    db_path,
)
from app.store.paths import PROFILES_DIR
from app.words import lang_from_env, render, word

EXPORT_FORMAT = "deploylab-progress"
EXPORT_VERSION = 2  # 2: hints_used and solution_seen; practice rows have section and lang
COLUMNS = ("profile", "kind", "item", "section", "attempt", "score", "max_score", "passed", "when",
           "duration_s", "lang", "seed", "failed_criteria", "hints_used", "solution_seen")

def _lang(args: argparse.Namespace) -> str:
    chosen = getattr(args, "lang", None)
    if chosen in ("ko", "en"):
        return chosen
    return lang_from_env(dict(os.environ))


def _fail(message, lang: str) -> int:
    """One sentence (`message`, a `Msg`) on stderr in `lang`, exit 2."""
    print(f"deploylab: {render(message, lang)}", file=sys.stderr)
    return 2


def _load_course() -> Any | None:
    # The table is still useful with bare section ids, so a broken course must not stop it.
    try:
        from lessons.course import load_course

        return load_course()
    except Exception:  # noqa: BLE001 - any failure to load means "no titles", nothing more
        return None


def _when(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds")


def exercise_sections(course: Any | None) -> dict[str, str]:
    """Each exercise's section: the section whose file lists it."""
    return {e: s.id for s in course.sections for e in s.exercises} if course else {}


def practice_section(attempt: Any, sections: dict[str, str]) -> str | None:
    """Where a practice attempt was made: as recorded, else its exercise's section."""
    return attempt.section_id or sections.get(attempt.exercise)


def export_records(store: ProgressStore | None, profile: str, course: Any | None) -> list[dict]:
    """The export's rows (see the module docstring), completions first, then attempts by time."""
    if store is None:
        return []
    section_ids = {s.id for s in course.sections} if course else set()
    practice = store.practice_attempts()
    exercise_section = exercise_sections(course)

    def row(**values: Any) -> dict:
        return {column: values.get(column) for column in COLUMNS}

    records = [row(profile=profile, kind="section", item=c.section_id, section=c.section_id,
                   attempt=1, passed=True, when=_when(c.completed_at), lang=c.lang)
               for c in store.completions()]
    attempts: list[tuple[float, dict]] = []
    counts: dict[tuple[str, str], int] = {}
    for q in store.quiz_attempts():
        counts[("quiz", q.quiz_id)] = number = counts.get(("quiz", q.quiz_id), 0) + 1
        attempts.append((q.finished_at, row(
            profile=profile, kind="quiz", item=q.quiz_id,
            section=q.quiz_id if q.quiz_id in section_ids else None, attempt=number,
            score=q.score, max_score=q.max_score, when=_when(q.finished_at),
            duration_s=round(q.duration_s, 3))))
    for p in practice:
        counts[("practice", p.exercise)] = number = counts.get(("practice", p.exercise), 0) + 1
        attempts.append((p.recorded_at, row(
            profile=profile, kind="practice", item=p.exercise,
            section=practice_section(p, exercise_section), attempt=number, score=p.score,
            max_score=PRACTICE_MAX_SCORE, passed=p.passed, when=_when(p.recorded_at),
            lang=p.lang, seed=p.seed, failed_criteria=" ".join(p.failed_criteria) or None,
            hints_used=p.hints_used, solution_seen=p.solution_seen)))
    attempts.sort(key=lambda pair: pair[0])
    return records + [r for _, r in attempts]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _render_export(records: list[dict], profile: str, fmt: str) -> str:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows([_csv_cell(r[c]) for c in COLUMNS] for r in records)
        return buffer.getvalue()
    document = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "profile": profile,
                "exported_at": _when(time.time()), "columns": list(COLUMNS), "records": records}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _write_atomically(target: Path, text: str, encoding: str) -> None:
    # A temporary file renamed into place: a teacher's collection never picks up half a file.
    folder = target.parent
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="") as f:
            f.write(text)
        os.replace(temp_name, target)
    except BaseException:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        raise


def _score(item: ItemProgress | None, lang: str) -> str:
    if item is None:
        return "-"
    text = f"{item.best_score}/{item.max_score}"
    if item.passed is not None:
        text += f" ({word('progress.passed' if item.passed else 'progress.failed', lang)})"
    return text


def _table(summary: ProgressSummary, course: Any | None, profile: str, lang: str) -> Table:
    table = Table(title=word("progress.title", lang, profile=profile), title_justify="left",
                  caption=word("progress.best", lang), caption_justify="left",
                  box=box.SIMPLE_HEAD)
    for key in ("progress.section", "progress.name", "progress.done", "progress.quiz",
                "progress.practice", "progress.attempts"):
        # Only the title may wrap; scores and marks stay whole on narrow terminals.
        table.add_column(word(key, lang), justify="right" if key == "progress.attempts" else "left",
                         no_wrap=key != "progress.name", overflow="fold")
    course_ids: list[str] = []
    if course is not None:
        for spec in course.sections:
            course_ids.append(spec.id)
            title = course.text(lang, spec.id).title
            _add_row(table, summary.section(spec.id, exercise=_first(spec.exercises)), title, lang)
    for progress in summary.sections:
        if progress.section_id not in course_ids:
            _add_row(table, progress, "", lang)
    claimed = set(summary.exercise_sections)
    for exercise, item in sorted(summary.exercises.items()):
        if exercise not in claimed:
            table.add_row("-", word("progress.exercise", lang, name=exercise), "-", "-",
                          _score(item, lang), str(item.attempts))
    return table


def _first(exercises: tuple[str, ...]) -> str | None:
    return exercises[0] if exercises else None


def _add_row(table: Table, progress: Any, title: str, lang: str) -> None:
    table.add_row(progress.section_id, title,
                  word("progress.yes", lang) if progress.completed else "-",
                  _score(progress.quiz, lang), _score(progress.practice, lang),
                  str(progress.attempts) if progress.attempts else "-")


def _export_format(args: argparse.Namespace) -> tuple[str | None, Any]:
    """--export's format (csv or json, None without --export), or the message refusing it."""
    export = getattr(args, "export", None)
    if export is None:
        return None, None
    from app.cli.usage import cli_msg, quoted, target_problem

    fmt = Path(export).suffix.lower().lstrip(".")
    if fmt not in ("csv", "json"):
        return None, cli_msg("cli.error.progress.export_suffix", file=quoted(export))
    return fmt, target_problem(export, "export", bool(getattr(args, "force", False)))


def run_progress(args: argparse.Namespace) -> int:
    """Show `profile`'s progress, or export it; 0 on success, 2 with one sentence on bad input."""
    if getattr(args, "all_profiles", False):
        return run_class(args)
    # An explicit empty name is a mistake to report, not a request for the default profile.
    profile = getattr(args, "progress_profile", None)
    if profile is None:
        profile = getattr(args, "profile", None)
    if profile is None:
        profile = DEFAULT_PROFILE
    export = getattr(args, "export", None)
    lang = _lang(args)
    fmt, problem = _export_format(args)
    if problem:  # refused before any store is opened: a refused export touches nothing
        return _fail(problem, lang)
    try:
        exists = ProgressStore.exists(profile)
        path = db_path(profile)
    except ProfileNameError as err:
        from app.cli.usage import profile_problem

        return _fail(profile_problem(err, profile), lang)
    # Reading must not create a profile: a typo in --profile would leave an empty folder behind.
    store = ProgressStore.open(profile, read_only=True) if exists else None
    try:
        if store is not None and store.notice:
            print(store.notice_in(lang), file=sys.stderr)
        course = _load_course()
        # The table's practice column is a section's first exercise; the others get rows of
        # their own, as exercises no section claims do.
        exercise_sections = ({s.exercises[0]: s.id for s in course.sections if s.exercises}
                             if course else {})
        if fmt is not None:
            return _export(Path(export), store, profile, course, fmt, lang)
        summary = (store.summary(exercise_sections) if store is not None
                   else ProgressSummary(profile, {}, {}, {}, exercise_sections))
        console = Console(highlight=False)
        console.print(_table(summary, course, profile, lang))
        if summary.empty:
            console.print(word("progress.nothing", lang, profile=profile))
        else:
            console.print(word("progress.stored", lang, path=store.path if store else path),
                          style="dim")
        return 0
    finally:
        if store is not None:
            store.close()


def _export(target: Path, store: ProgressStore | None, profile: str, course: Any | None,
            fmt: str, lang: str) -> int:
    records = export_records(store, profile, course)
    text = _render_export(records, profile, fmt)
    try:
        _write_atomically(target, text, "utf-8-sig" if fmt == "csv" else "utf-8")
    except OSError as err:
        from app.cli.usage import write_problem

        return _fail(write_problem(str(target), "export", err), lang)
    print(word("progress.exported", lang, count=len(records), profile=profile, path=target))
    return 0


# -- the class: every profile, one row each ---------------------------------------------------

CLASS_FORMAT = "deploylab-class"
CLASS_VERSION = 1
# One row per learner, the same in CSV and JSON:
#   profile                the profile (its folder's name: names are kept case-folded)
#   sections_done          sections of the course completed, of sections_total
#   sections               the completed section ids, space-separated
#   best_quiz              the quiz with the best score, best_quiz_score of best_quiz_max
#   quizzes_taken          how many different quizzes were taken
#   exercises_tried        how many different exercises were tried, exercises_passed passed
#   passed_with_hints      of those passed, passed only after opening a hint
#   passed_with_solution   of those passed, passed only after watching the reference solution
#                          (both empty/null when the file does not record help)
#   last_active            the latest record or the last time the app opened, ISO 8601
#   problem                why the file could not be read (then the rest is empty)
CLASS_COLUMNS = ("profile", "sections_done", "sections_total", "sections", "best_quiz",
                 "best_quiz_score", "best_quiz_max", "quizzes_taken", "exercises_tried",
                 "exercises_passed", "passed_with_hints", "passed_with_solution", "last_active",
                 "problem")


def class_records(rows: list, section_ids: list[str]) -> list[dict]:
    """The class export's rows (see `CLASS_COLUMNS`)."""
    records = []
    for row in rows:
        if row.problem is not None:
            records.append({c: (row.profile if c == "profile" else
                                row.problem if c == "problem" else None) for c in CLASS_COLUMNS})
            continue
        done = ([s for s in section_ids if s in row.completed] if section_ids
                else sorted(row.completed))
        quiz = row.best_quiz or (None, None, None)
        records.append(dict(zip(CLASS_COLUMNS, (
            row.profile, len(done), len(section_ids) if section_ids else None,
            " ".join(done) or None, quiz[0], quiz[1], quiz[2], row.quizzes_taken,
            row.exercises_tried, row.exercises_passed, row.passed_with_hints,
            row.passed_with_solution, _when(row.last_active), None), strict=True)))
    return records


def _render_class(records: list[dict], fmt: str) -> str:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(CLASS_COLUMNS)
        writer.writerows([_csv_cell(r[c]) for c in CLASS_COLUMNS] for r in records)
        return buffer.getvalue()
    document = {"format": CLASS_FORMAT, "version": CLASS_VERSION,
                "exported_at": _when(time.time()), "columns": list(CLASS_COLUMNS),
                "learners": records}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def run_class(args: argparse.Namespace) -> int:
    """`progress --all`: every profile in one table, or in one export; reads only."""
    from app.store.classroom import class_progress
    from app.ui.widgets.class_table import class_table

    lang = _lang(args)
    if getattr(args, "progress_profile", None) is not None:
        from app.cli.usage import cli_msg

        return _fail(cli_msg("cli.error.progress.all_with_profile"), lang)
    export = getattr(args, "export", None)
    fmt, problem = _export_format(args)
    if problem:  # refused before any store is opened: a refused export touches nothing
        return _fail(problem, lang)
    course = _load_course()
    section_ids = [s.id for s in course.sections] if course else []
    rows = class_progress()
    folder = data_dir() / PROFILES_DIR
    if fmt is not None:
        records = class_records(rows, section_ids)
        target = Path(export)
        try:
            _write_atomically(target, _render_class(records, fmt),
                              "utf-8-sig" if fmt == "csv" else "utf-8")
        except OSError as err:
            from app.cli.usage import write_problem

            return _fail(write_problem(str(target), "export", err), lang)
        print(word("class.exported", lang, count=len(records), path=target))
        return 0
    console = Console(highlight=False)
    if not rows:
        console.print(word("class.nobody", lang, path=folder))
        return 0
    console.print(class_table(rows, section_ids, time.time(), lang, console.width))
    console.print(word("class.stored", lang, path=folder), style="dim")
    return 0
