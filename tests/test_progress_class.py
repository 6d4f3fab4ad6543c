"""`deploylab progress --all`: the teacher's table of every learner, and its CSV/JSON export.

Learners are made through the store API, as the app (or `deploylab serve`) makes them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import time
from datetime import datetime
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from app.cli import progress as progress_cli
from app.cli.main import main
from app.cli.progress import CLASS_COLUMNS
from app.store import ProgressStore
from app.store.classroom import ClassReader, class_progress
from app.ui.widgets.class_table import class_table, row_cells
from tests.test_progress_cli import FakeCourse

SECTIONS = [s.id for s in FakeCourse.sections]


@pytest.fixture(autouse=True)
def environment(data_dir, monkeypatch) -> Path:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(progress_cli, "_load_course", FakeCourse)
    return data_dir


def practice(store, exercise: str, passed: bool, **helped) -> None:
    """A graded practice attempt, with the help it had (hints_used, solution_seen)."""
    store.record_practice_attempt(exercise, "status", passed, 90 if passed else 30, [], 1,
                                  **helped)


def make_class() -> None:
    """Three learners: one done with two sections, one mid-way (Korean name), one who opened
    the app and did nothing."""
    with ProgressStore.open("alice") as store:
        store.mark_section_completed("5.1", "en")
        store.mark_section_completed("5.1.2", "en")
        store.record_quiz_attempt("5.1.2", [], 6, 10, 1.0, 2.0)
        store.record_quiz_attempt("5.2.2", [], 9, 10, 3.0, 4.0)
        practice(store, "bluegreen", False)
        practice(store, "bluegreen", True)
        practice(store, "in-place", True, hints_used=2)
    with ProgressStore.open("김민지") as store:
        store.mark_section_completed("5.1", "ko")
        store.record_quiz_attempt("5.1.2", [], 3, 10, 1.0, 2.0)
        practice(store, "bluegreen", True, solution_seen=True, hints_used=3)
    ProgressStore.open("bob").close()


def folder_state(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, hashlib.sha1(p.read_bytes())
                                         .hexdigest())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def table_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().out.splitlines() if line.strip()]


# -- the query -------------------------------------------------------------------------------

def test_every_profile_has_a_row_with_its_summary(environment):
    make_class()
    rows = {row.profile: row for row in class_progress()}
    assert sorted(rows) == ["alice", "bob", "김민지"]
    alice, minji, bob = rows["alice"], rows["김민지"], rows["bob"]
    assert alice.completed == {"5.1", "5.1.2"} and alice.best_quiz == ("5.2.2", 9, 10)
    assert (alice.quizzes_taken, alice.exercises_tried, alice.exercises_passed) == (2, 2, 2)
    assert (minji.best_quiz, minji.exercises_passed) == (("5.1.2", 3, 10), 1)
    assert bob.completed == frozenset() and bob.best_quiz is None and bob.exercises_tried == 0
    assert all(row.last_active and abs(row.last_active - time.time()) < 60
               for row in rows.values())  # bob: the app's last opening


def test_the_default_profile_is_a_learner_only_once_something_is_recorded_in_it(environment,
                                                                               capsys):
    """On the teacher's computer the teacher's own app opens the default profile; empty, it
    is nobody in the class (the table said "2 learners" for one). A learner who signed in and
    did nothing yet is still listed."""
    ProgressStore.open("minsu").close()
    ProgressStore.open().close()  # the teacher's app
    assert [row.profile for row in class_progress()] == ["minsu"]
    assert [row.profile for row in ClassReader().read()[0]] == ["minsu"]
    assert main(["progress", "--all"]) == 0
    assert table_lines(capsys)[0].strip() == "The class: 1 learner"  # not "1 learners"
    with ProgressStore.open() as store:  # someone learns on this computer's default profile
        store.mark_section_completed("5.1", "en")
    assert [row.profile for row in class_progress()] == ["default", "minsu"]


def test_help_counts_come_from_the_attempts(environment):
    make_class()
    rows = {row.profile: row for row in class_progress()}
    assert (rows["alice"].passed_with_hints, rows["alice"].passed_with_solution) == (1, 0)
    assert (rows["김민지"].passed_with_hints, rows["김민지"].passed_with_solution) == (0, 1)


def test_a_pass_without_help_outranks_an_earlier_pass_with_it(environment):
    with ProgressStore.open("carol") as store:
        practice(store, "bluegreen", True, hints_used=1)
        practice(store, "bluegreen", True)
    row = class_progress()[0]
    assert (row.exercises_passed, row.passed_with_hints, row.passed_with_solution) == (1, 0, 0)


def test_reading_the_class_writes_nothing_anywhere(environment):
    make_class()
    before = folder_state(environment)
    class_progress()
    assert main(["progress", "--all"]) == 0
    assert folder_state(environment) == before  # no -wal, no -shm, no migration, no mtime


def test_a_learner_whose_app_is_open_is_read_with_what_they_just_did(environment):
    make_class()
    with ProgressStore.open("bob") as store:  # bob's app is open: its -wal holds the record
        store.mark_section_completed("5.1", "en")
        assert {r.profile: r for r in class_progress()}["bob"].completed == {"5.1"}


def test_an_unreadable_file_is_named_and_the_others_are_shown(environment, capsys):
    make_class()
    broken = environment / "profiles" / "dora" / "progress.db"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"this is not a database" * 200)
    rows = {row.profile: row for row in class_progress()}
    assert rows["dora"].problem and rows["alice"].problem is None
    assert main(["progress", "--all"]) == 0
    out = capsys.readouterr().out
    assert "⚠ dora: cannot be read" in out and "alice" in out and "김민지" in out


def test_the_reader_reads_again_only_what_changed(environment, monkeypatch):
    make_class()
    reader = ClassReader()
    rows, changed = reader.read()
    assert changed and len(rows) == 3
    read = []
    from app.store import classroom

    original = classroom.read_class_row
    monkeypatch.setattr(classroom, "read_class_row",
                        lambda p, path: read.append(p) or original(p, path))
    assert reader.read()[1] is False and read == []  # nothing changed: a stat per file
    with ProgressStore.open("bob") as store:
        store.record_quiz_attempt("5.1", [], 5, 5, 1.0, 2.0)
    rows, changed = reader.read()
    assert changed and read == ["bob"]
    assert {r.profile: r for r in rows}["bob"].best_quiz == ("5.1", 5, 5)


# -- the table -------------------------------------------------------------------------------

def test_the_table_lists_every_learner_with_their_numbers(capsys):
    make_class()
    assert main(["progress", "--all"]) == 0
    lines = table_lines(capsys)
    assert lines[0].startswith("The class: 3 learners")
    by_name = {line.split()[0]: line.split() for line in lines[1:] if line.split()}
    # name, sections done, best quiz, exercises passed of tried, with hints, with the solution
    assert by_name["alice"][:8] == ["alice", "2/3", "9/10", "·", "5.2.2", "2/2", "1", "0"]
    assert by_name["김민지"][:8] == ["김민지", "1/3", "3/10", "·", "5.1.2", "1/1", "0", "1"]
    assert by_name["bob"][:6] == ["bob", "0/3", "-", "-", "0", "0"]


def test_korean_names_line_up_in_terminal_cells(capsys):
    make_class()
    assert main(["--lang", "ko", "progress", "--all"]) == 0
    lines = table_lines(capsys)
    rows = [line for line in lines if line.split()[0] in ("alice", "bob", "김민지")]
    assert len(rows) == 3
    # The sections column ends at the same cell in every row, whatever the name's script.
    ends = set()
    for line in rows:
        cut = line.index("/3") + 2
        ends.add(cell_len(line[:cut]))
    assert len(ends) == 1, rows


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("width", [60, 80, 100, 120, 200])
def test_the_table_fits_and_keeps_every_cell_whole(environment, lang, width):
    make_class()
    rows = class_progress()
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    now = time.time()
    console.print(class_table(rows, SECTIONS, now, lang, width))
    out = console.export_text()
    assert max(cell_len(line.rstrip()) for line in out.splitlines()) <= width
    for row in rows:
        for cell in row_cells(row, SECTIONS, now, lang):
            assert cell in out, (cell, out)


def test_no_learner_yet_is_one_sentence(capsys, environment):
    assert main(["progress", "--all"]) == 0
    assert "No learner has any progress" in capsys.readouterr().out
    assert not environment.exists()


def test_all_with_a_profile_is_refused(capsys):
    assert main(["progress", "--all", "--profile", "alice"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("deploylab: ") and err.count("\n") == 1 and "--all" in err


# -- the export ------------------------------------------------------------------------------

def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == CLASS_COLUMNS
        return list(reader)


def test_the_class_exports_to_csv_one_row_per_learner(tmp_path, capsys):
    make_class()
    target = tmp_path / "out" / "class.csv"
    target.parent.mkdir()
    assert main(["progress", "--all", "--export", str(target)]) == 0
    assert "Exported the progress of 3 learners" in capsys.readouterr().out
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = {row["profile"]: row for row in read_csv(target)}
    assert sorted(rows) == ["alice", "bob", "김민지"]
    alice = rows["alice"]
    assert (alice["sections_done"], alice["sections_total"], alice["sections"]) == \
        ("2", "3", "5.1 5.1.2")
    assert (alice["best_quiz"], alice["best_quiz_score"], alice["best_quiz_max"]) == \
        ("5.2.2", "9", "10")
    assert (alice["exercises_tried"], alice["exercises_passed"]) == ("2", "2")
    assert (alice["passed_with_hints"], alice["passed_with_solution"]) == ("1", "0")
    assert (rows["김민지"]["passed_with_hints"], rows["김민지"]["passed_with_solution"]) == \
        ("0", "1")
    assert rows["bob"]["best_quiz"] == "" and rows["bob"]["problem"] == ""
    datetime.fromisoformat(alice["last_active"])
    assert [p.name for p in target.parent.iterdir()] == ["class.csv"]  # no temporary left over


def test_the_json_export_holds_the_same_learners_as_the_csv(tmp_path):
    make_class()
    assert main(["progress", "--all", "--export", str(tmp_path / "class.json")]) == 0
    assert main(["progress", "--all", "--export", str(tmp_path / "class.csv")]) == 0
    document = json.loads((tmp_path / "class.json").read_text(encoding="utf-8"))
    assert document["format"] == "deploylab-class" and document["version"] == 1
    assert document["columns"] == list(CLASS_COLUMNS)
    learners = document["learners"]
    assert [r["profile"] for r in learners] == [r["profile"] for r in
                                                 read_csv(tmp_path / "class.csv")]
    alice = next(r for r in learners if r["profile"] == "alice")
    assert alice["sections_done"] == 2 and alice["best_quiz_score"] == 9  # numbers as numbers
    bob = next(r for r in learners if r["profile"] == "bob")
    assert bob["best_quiz"] is None
    for csv_row, json_row in zip(read_csv(tmp_path / "class.csv"), learners, strict=True):
        assert csv_row == {k: "" if v is None else str(v) for k, v in json_row.items()}


def test_an_existing_export_is_kept_without_force(tmp_path, capsys):
    make_class()
    target = tmp_path / "class.csv"
    target.write_text("keep me")
    assert main(["progress", "--all", "--export", str(target)]) == 2
    err = capsys.readouterr().err
    assert "exists already; give --force" in err and err.count("\n") == 1
    assert target.read_text() == "keep me"
    assert main(["progress", "--all", "--export", str(target), "--force"]) == 0
    assert len(read_csv(target)) == 3


@pytest.mark.parametrize("name", ["class.txt", "class"])
def test_an_export_name_without_csv_or_json_is_refused(tmp_path, capsys, name):
    make_class()
    assert main(["progress", "--all", "--export", str(tmp_path / name)]) == 2
    assert ".csv or .json" in capsys.readouterr().err
    assert not (tmp_path / name).exists()


def test_an_export_that_cannot_be_written_is_one_sentence(tmp_path, capsys, monkeypatch):
    make_class()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(progress_cli.tempfile, "mkstemp", refuse)
    assert main(["progress", "--all", "--export", str(tmp_path / "class.csv")]) == 2
    err = capsys.readouterr().err
    assert "cannot write there" in err and err.count("\n") == 1 and "Traceback" not in err


def test_an_export_into_a_missing_folder_is_one_sentence(tmp_path, capsys):
    make_class()
    assert main(["progress", "--all", "--export", str(tmp_path / "nope" / "c.json")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_an_older_file_is_read_without_migrating_it(environment):
    """A learner's file from the first schema is read as it is (the teacher's view never
    upgrades a learner's file); help it never recorded shows as unknown, not as none."""
    from app.store import MIGRATIONS

    path = environment / "profiles" / "old" / "progress.db"
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO practice_attempt (exercise, commands, passed, score, criteria, "
                     "seed, recorded_at) VALUES ('bluegreen', '', 1, 90, '[]', 1, 5.0)")
    conn.close()
    before = folder_state(environment)
    (row,) = class_progress()
    assert (row.profile, row.exercises_passed, row.last_active) == ("old", 1, 5.0)
    assert row.passed_with_hints is None and row.passed_with_solution is None
    assert folder_state(environment) == before
    assert row_cells(row, SECTIONS, 10.0, "en")[4:6] == ["?", "?"]
