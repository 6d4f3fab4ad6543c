"""The progress store: it survives restarts, keeps learners apart, recovers from damage, migrates
old files and loses nothing when two app processes write at once."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import platformdirs
import pytest

from app.store import (
    DB_NAME,
    MIGRATIONS,
    SCHEMA_VERSION,
    NotSaved,
    ProfileNameError,
    ProgressStore,
    db_path,
)
from app.store.queries import PRACTICE_SUMMARY_SQL, QUIZ_SUMMARY_SQL
from app.store.recovery import salvage
from app.store.schema import open_db

CRITERIA = [{"id": "zero-downtime", "passed": False, "message": "3 requests failed", "t": 41.5,
             "line": 4},
            {"id": "cleanup", "passed": True, "message": "blue terminated", "t": None,
             "line": None}]
COMMANDS = "launch green 4 v102\nregister green\nwait healthy green\nderegister blue\n"


def fill(store: ProgressStore) -> None:
    store.mark_section_completed("5.1.2", "ko")
    store.mark_section_completed("5.1.3", "en")
    store.record_quiz_attempt("5.2.2", [{"question": "q1", "answer": 2, "correct": True}],
                              4, 5, 1000.0, 1090.5)
    store.record_practice_attempt("bluegreen", COMMANDS, False, 60, CRITERIA, 7)


def run_python(code: str, data_dir: Path, *args: str, prefix: tuple[str, ...] = ()) -> dict:
    """Run `code` in a fresh interpreter (a separate app process); it prints one JSON object."""
    env = {**os.environ, "DEPLOYLAB_DATA_DIR": str(data_dir)}
    done = subprocess.run([*prefix, sys.executable, "-c", textwrap.dedent(code), *args],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- persistence and profiles ------------------------------------------------------------------

def test_progress_survives_an_app_that_exits_without_closing(data_dir):
    # The first "app" is killed-style: os._exit skips close(), so only committed data can survive.
    run_python("""
        import json, os
        from app.store import ProgressStore
        from tests.test_store import fill
        store = ProgressStore.open("alice")
        fill(store)
        print(json.dumps({"notice": store.notice}))
        os._exit(0)
    """, data_dir)
    with ProgressStore.open("alice") as store:
        assert store.notice is None
        assert store.completed_sections() == {"5.1.2", "5.1.3"}
        [quiz] = store.quiz_attempts()
        assert (quiz.quiz_id, quiz.score, quiz.max_score) == ("5.2.2", 4, 5)
        assert quiz.answers == [{"question": "q1", "answer": 2, "correct": True}]
        assert quiz.duration_s == pytest.approx(90.5)
        [practice] = store.practice_attempts("bluegreen")
        assert practice.commands == COMMANDS
        assert practice.criteria == CRITERIA
        assert (practice.passed, practice.score, practice.seed) == (False, 60, 7)
        assert practice.failed_criteria == ["zero-downtime"]


def test_reopening_in_the_same_process_keeps_everything_and_adds_to_it():
    with ProgressStore.open() as store:
        fill(store)
    with ProgressStore.open() as store:
        store.record_quiz_attempt("5.2.2", [], 5, 5, 2000.0, 2060.0)
    with ProgressStore.open() as store:
        assert [a.score for a in store.quiz_attempts("5.2.2")] == [4, 5]
        assert store.completed_sections() == {"5.1.2", "5.1.3"}


def test_a_section_completed_twice_keeps_its_first_completion():
    with ProgressStore.open() as store:
        store.mark_section_completed("5.1.2", "ko")
        first = store.completions()
        store.mark_section_completed("5.1.2", "en")
        assert store.completions() == first
        assert first[0].lang == "ko"


def test_profiles_are_kept_apart(data_dir):
    with ProgressStore.open("alice") as alice:
        fill(alice)
    with ProgressStore.open("bob") as bob:
        assert bob.completed_sections() == set()
        assert bob.quiz_attempts() == [] and bob.practice_attempts() == []
        bob.mark_section_completed("5.1", "en")
    with ProgressStore.open("alice") as alice:
        assert alice.completed_sections() == {"5.1.2", "5.1.3"}
    assert db_path("alice") != db_path("bob")
    assert db_path("alice").parent.parent == data_dir / "profiles"


def test_profile_names_ignore_case_and_accept_korean():
    with ProgressStore.open("Alice") as store:
        store.mark_section_completed("5.1", "en")
    with ProgressStore.open("alice") as store:
        assert store.completed_sections() == {"5.1"}
    with ProgressStore.open("김민수") as store:
        store.mark_section_completed("5.3", "ko")
    with ProgressStore.open("김민수") as store:
        assert store.completed_sections() == {"5.3"}


@pytest.mark.parametrize(("name", "problem"), [
    ("", "is empty"),
    ("   ", "is empty"),
    ("a/b", "contains '/', a path separator"),
    ("..\\evil", "contains '\\', a path separator"),
    ("..", "must start with a letter or a digit"),
    (".hidden", "must start with a letter or a digit"),
    ("-rf", "must start with a letter or a digit"),
    ("ann smith", "contains a space"),
    ("a\x00b", "contains '\\x00'"),
    ("x" * 41, "longer than 40 characters"),
    ("CON", "reserved by Windows"),
])
def test_bad_profile_names_are_refused_with_one_sentence(data_dir, name, problem):
    with pytest.raises(ProfileNameError) as caught:
        ProgressStore.open(name)
    message = str(caught.value)
    assert problem in message
    assert "\n" not in message
    assert not data_dir.exists()  # nothing was created for a refused name


def test_the_data_directory_is_the_argument_then_the_environment_then_platformdirs(
        tmp_path, monkeypatch):
    explicit = tmp_path / "explicit"
    assert db_path("ann", explicit) == explicit / "profiles" / "ann" / DB_NAME
    assert db_path("ann") == tmp_path / "data" / "profiles" / "ann" / DB_NAME
    monkeypatch.delenv("DEPLOYLAB_DATA_DIR")
    calls = []

    def fake_user_data_dir(appname, appauthor=None):
        calls.append(appname)
        return str(tmp_path / "platform")

    monkeypatch.setattr(platformdirs, "user_data_dir", fake_user_data_dir)
    assert db_path("ann") == tmp_path / "platform" / "profiles" / "ann" / DB_NAME
    assert calls == ["deploylab"]


def test_impossible_scores_are_refused_before_anything_is_written():
    with ProgressStore.open() as store:
        with pytest.raises(ValueError):
            store.record_quiz_attempt("5.2.2", [], 6, 5, 0.0, 1.0)
        with pytest.raises(ValueError):
            store.record_practice_attempt("bluegreen", "", True, 101, [], 1)
        assert store.quiz_attempts() == [] and store.practice_attempts() == []


# -- summary -----------------------------------------------------------------------------------

def test_summary_gives_each_section_its_completion_best_scores_and_attempts():
    with ProgressStore.open() as store:
        store.mark_section_completed("5.2.2", "en")
        store.record_quiz_attempt("5.2.2", [], 3, 5, 0.0, 10.0)
        store.record_quiz_attempt("5.2.2", [], 7, 10, 20.0, 30.0)  # 70% beats 60%
        store.record_quiz_attempt("5.2.2", [], 2, 5, 40.0, 50.0)
        store.record_practice_attempt("bluegreen", "", False, 60, CRITERIA, 1)
        store.record_practice_attempt("bluegreen", "", True, 100, [], 2)
        store.record_practice_attempt("bluegreen", "", False, 80, CRITERIA, 3)
        store.record_practice_attempt("bluegreen-slow-start", "", False, 30, CRITERIA, 4)
        summary = store.summary({"bluegreen": "5.2.2"})
    section = summary.section("5.2.2")
    assert section.completed
    assert (section.quiz.best_score, section.quiz.max_score, section.quiz.attempts) == (7, 10, 3)
    assert section.quiz.passed is None
    assert (section.practice.best_score, section.practice.passed) == (100, True)
    assert section.practice.attempts == 3
    assert section.attempts == 6
    assert [s.section_id for s in summary.sections] == ["5.2.2"]
    assert set(summary.unlinked_exercises) == {"bluegreen-slow-start"}
    assert not summary.section("5.1").completed and summary.section("5.1").attempts == 0


def test_summary_orders_sections_by_their_numbers_not_as_text():
    with ProgressStore.open() as store:
        for section_id in ("5.3", "5.1.10", "5.1.2", "5.1"):
            store.mark_section_completed(section_id, "en")
        ids = [s.section_id for s in store.summary().sections]
    assert ids == ["5.1", "5.1.2", "5.1.10", "5.3"]


# -- migrations --------------------------------------------------------------------------------

def make_v1_database(path: Path) -> None:
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO section_completion VALUES ('5.1.2', 'ko', 100.0)")
    conn.execute("INSERT INTO quiz_attempt (quiz_id, answers, score, max_score, started_at, "
                 "finished_at) VALUES ('5.2.2', '[{\"q\": 1}]', 3, 4, 200.0, 260.0)")
    conn.execute("INSERT INTO practice_attempt (exercise, commands, passed, score, criteria, seed,"
                 " recorded_at) VALUES ('bluegreen', 'status', 1, 100, '[]', 5, 300.0)")
    conn.commit()
    conn.close()


def test_a_version_1_database_is_migrated_with_its_data_intact():
    path = db_path("old")
    make_v1_database(path)
    with ProgressStore.open("old") as store:
        assert store.notice is None
        assert store.completions()[0].section_id == "5.1.2"
        [quiz] = store.quiz_attempts("5.2.2")
        assert (quiz.score, quiz.max_score, quiz.answers) == (3, 4, [{"q": 1}])
        [practice] = store.practice_attempts("bluegreen")
        assert (practice.passed, practice.seed, practice.recorded_at) == (True, 5, 300.0)
        assert store.summary().section("5.2.2").quiz.best_score == 3
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    # migration 2's indexes exist and are what the summary's queries read
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"quiz_attempt_by_quiz", "practice_attempt_by_exercise"} <= indexes
    plans = " ".join(str(row) for sql in (QUIZ_SUMMARY_SQL, PRACTICE_SUMMARY_SQL)
                     for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert "COVERING INDEX quiz_attempt_by_quiz" in plans
    assert "COVERING INDEX practice_attempt_by_exercise" in plans
    conn.close()


def make_v2_database(path: Path) -> None:
    """A file as DeployLab wrote it before hints and solutions were recorded."""
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:2]:
        for statement in migration:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    korean = json.dumps([{"id": "zero-downtime", "passed": False,
                          "message": "\uc694\uccad 3\uac1c\uac00 \uc2e4\ud328"}],
                        ensure_ascii=False)
    rows = [("in-place", korean, 0, 40, 10.0), ("bluegreen-in-server", json.dumps(CRITERIA), 1,
                                                100, 20.0),
            ("bluegreen-bad-build", "[]", 1, 100, 30.0), ("my-own", "[]", 0, 0, 40.0)]
    for exercise, criteria, passed, score, when in rows:
        conn.execute("INSERT INTO practice_attempt (exercise, commands, passed, score, criteria, "
                     "seed, recorded_at) VALUES (?, 'status', ?, ?, ?, 1, ?)",
                     (exercise, passed, score, criteria, when))
    conn.commit()
    conn.close()


def test_a_version_2_file_gains_hints_solution_section_and_language_for_every_old_row():
    make_v2_database(db_path("old"))
    with ProgressStore.open("old") as store:
        attempts = store.practice_attempts()
        # the old rows get what the file lets us know: the language their grader's words
        # were in, and the section the built-in exercise was in; nothing helped them
        assert [(a.exercise, a.section_id, a.lang, a.hints_used, a.solution_seen)
                for a in attempts] == [
            ("in-place", "5.1.2", "ko", 0, False),
            ("bluegreen-in-server", "5.1.4", "en", 0, False),
            ("bluegreen-bad-build", "5.2.2", "en", 0, False),
            ("my-own", None, "en", 0, False)]
        assert store.summary().exercises["bluegreen-in-server"].passed is True


def test_hints_solution_section_and_language_are_kept_with_the_attempt(data_dir):
    with ProgressStore.open() as store:
        store.record_practice_attempt("bluegreen", COMMANDS, True, 100, CRITERIA, 1,
                                      hints_used=2, section_id="5.2.2", lang="ko")
        store.record_practice_attempt("in-place", COMMANDS, True, 100, CRITERIA, 1,
                                      solution_seen=True, hints_used=0, section_id="5.1.2",
                                      lang="en")
        with pytest.raises(ValueError):
            store.record_practice_attempt("in-place", "", True, 100, [], 1, hints_used=-1)
    with ProgressStore.open() as store:
        got = [(a.exercise, a.hints_used, a.solution_seen, a.section_id, a.lang, a.passed,
                a.counts_as_passed) for a in store.practice_attempts()]
        summary = store.summary()
    assert got == [("bluegreen", 2, False, "5.2.2", "ko", True, True),
                   ("in-place", 0, True, "5.1.2", "en", True, False)]
    # a pass after seeing the solution is graded as such but does not mark the exercise passed
    assert summary.exercises["bluegreen"].passed is True
    assert summary.exercises["in-place"].passed is False
    assert summary.exercises["in-place"].best_score == 100


def test_rows_salvaged_from_a_version_2_file_fit_the_new_schema():
    # a damaged file may be of an older version: its rows come over without the later
    # columns, which take their defaults
    make_v2_database(db_path())
    target = open_db(":memory:")
    assert salvage(db_path(), target) == 4
    rows = target.execute("SELECT exercise, passed, hints_used, solution_seen, section_id, lang "
                          "FROM practice_attempt ORDER BY recorded_at").fetchall()
    assert rows[:2] == [("in-place", 0, 0, 0, None, None),
                        ("bluegreen-in-server", 1, 0, 0, None, None)]
    target.close()


def test_a_migrated_file_has_the_same_schema_as_a_new_one():
    make_v1_database(db_path("old"))
    make_v2_database(db_path("older-by-one"))
    ProgressStore.open("old").close()
    ProgressStore.open("older-by-one").close()
    ProgressStore.open("new").close()

    def schema(profile: str) -> list[tuple]:
        conn = sqlite3.connect(db_path(profile))
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        conn.close()
        return rows

    assert schema("old") == schema("new") == schema("older-by-one")


# -- damage and recovery -----------------------------------------------------------------------

def assert_moved_aside(store: ProgressStore, label: str) -> Path:
    """The notice names the file and where it went; that place holds the old file; the new
    store works and keeps what it is given."""
    assert store.notice is not None and "\n" not in store.notice
    asides = sorted(store.path.parent.glob(f"{DB_NAME}.{label}-*"))
    asides = [p for p in asides if not p.name.endswith(("-wal", "-shm"))]
    assert len(asides) == 1, list(store.path.parent.iterdir())
    assert str(store.path) in store.notice and str(asides[0]) in store.notice
    assert str(asides[0]) in store.notice_in("ko")
    assert store.persistent
    store.mark_section_completed("5.3", "en")
    store.close()
    with ProgressStore.open(store.profile) as again:
        assert again.notice is None
        assert "5.3" in again.completed_sections()
    return asides[0]


def test_a_file_of_garbage_is_moved_aside_and_a_fresh_one_started():
    path = db_path()
    path.parent.mkdir(parents=True)
    garbage = bytes(range(256)) * 32
    path.write_bytes(garbage)
    store = ProgressStore.open()
    assert "damaged" in store.notice and "nothing in it could be recovered" in store.notice
    assert store.completed_sections() == set()
    aside = assert_moved_aside(store, "damaged")
    assert aside.read_bytes() == garbage


def test_a_truncated_file_is_moved_aside_and_what_survived_is_recovered():
    with ProgressStore.open() as store:
        for number in range(8):
            store.mark_section_completed(f"5.{number}", "en")
        for seed in range(400):
            store.record_practice_attempt("bluegreen", COMMANDS * 4, True, 90, CRITERIA, seed)
    path = db_path()
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    store = ProgressStore.open()
    recovered_sections = store.completed_sections()
    recovered_attempts = store.practice_attempts()
    count = len(recovered_sections) + len(recovered_attempts)
    assert recovered_sections == {f"5.{n}" for n in range(8)}
    assert 0 < len(recovered_attempts) < 400  # the first half's rows, not the lost half's
    assert f"{count} records were recovered" in store.notice
    assert all(a.criteria == CRITERIA for a in recovered_attempts)
    aside = assert_moved_aside(store, "damaged")
    assert aside.stat().st_size == len(whole) // 2


def test_a_folder_where_the_file_should_be_is_moved_aside():
    path = db_path()
    path.mkdir(parents=True)
    (path / "stray.txt").write_text("someone's notes")
    store = ProgressStore.open()
    assert "it is a folder, not a file" in store.notice
    aside = assert_moved_aside(store, "damaged")
    assert (aside / "stray.txt").read_text() == "someone's notes"


def test_another_programs_database_is_moved_aside_not_mixed_into():
    path = db_path()
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.execute("INSERT INTO bookmarks VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    store = ProgressStore.open()
    aside = assert_moved_aside(store, "damaged")
    assert aside.read_bytes() == before  # set aside exactly as found
    conn = sqlite3.connect(aside)
    assert conn.execute("SELECT url FROM bookmarks").fetchall() == [("https://example.org",)]
    conn.close()


def test_a_file_from_a_newer_deploylab_is_left_untouched_and_still_shown():
    with ProgressStore.open() as store:
        fill(store)
    path = db_path()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.execute("PRAGMA journal_mode = DELETE")  # as a newer version might leave it
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with ProgressStore.open() as store:
        assert "newer DeployLab" in store.notice and "schema 99" in store.notice
        assert not store.persistent
        assert store.completed_sections() == {"5.1.2", "5.1.3"}
        with pytest.raises(NotSaved) as told:  # said at once, never claimed as saved
            store.mark_section_completed("5.3", "en")
        assert "could not be saved" in str(told.value) and "newer DeployLab" in str(told.value)
        assert "5.3" in store.completed_sections()  # the session still shows it
    assert path.read_bytes() == before


@pytest.fixture
def without_root_override(tmp_path) -> tuple[str, ...]:
    """A command prefix under which file permissions apply, even when the tests run as root."""
    if os.geteuid() != 0:
        return ()
    prefix = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner",
              "--inh-caps=-all")
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: file permissions cannot be enforced")
    probe = tmp_path / "probe"
    probe.mkdir(mode=0o555)
    refused = subprocess.run([*prefix, "touch", str(probe / "x")], capture_output=True)
    probe.chmod(0o755)
    if refused.returncode == 0:
        pytest.skip("root's permission override could not be dropped here")
    return prefix


OPEN_AND_WRITE = """
    import json, sys
    from app.store import NotSaved, ProgressStore
    store = ProgressStore.open("alice")
    before = sorted(store.completed_sections())
    try:
        store.mark_section_completed("5.3", "en")
        not_saved = None
    except NotSaved as err:
        not_saved = str(err)
    print(json.dumps({"notice": store.notice, "notice_ko": store.notice_in("ko"),
                      "persistent": store.persistent, "before": before, "not_saved": not_saved,
                      "after": sorted(store.completed_sections())}))
"""


def test_a_read_only_file_is_moved_aside_and_its_records_carried_over(data_dir,
                                                                      without_root_override):
    with ProgressStore.open("alice") as store:
        fill(store)
    path = db_path("alice")
    path.chmod(0o444)
    seen = run_python(OPEN_AND_WRITE, data_dir, prefix=without_root_override)
    assert "read-only" in seen["notice"]
    assert "4 records were recovered" in seen["notice"]
    assert seen["persistent"] and seen["before"] == ["5.1.2", "5.1.3"]
    assert seen["not_saved"] is None  # it went to the fresh file
    asides = [p for p in path.parent.glob(f"{DB_NAME}.readonly-*")
              if not p.name.endswith(("-wal", "-shm"))]
    assert len(asides) == 1 and asides[0].name in seen["notice"]
    with ProgressStore.open("alice") as store:
        assert store.notice is None
        assert store.completed_sections() == {"5.1.2", "5.1.3", "5.3"}
        assert store.practice_attempts()[0].criteria == CRITERIA


def test_a_read_only_folder_runs_the_session_in_memory_showing_what_was_saved(
        data_dir, without_root_override):
    with ProgressStore.open("alice") as store:
        fill(store)
    folder = db_path("alice").parent
    before = db_path("alice").read_bytes()
    folder.chmod(0o555)
    try:
        seen = run_python(OPEN_AND_WRITE, data_dir, prefix=without_root_override)
    finally:
        folder.chmod(0o755)
    assert not seen["persistent"]
    assert "cannot be saved" in seen["notice"] and str(folder) in seen["notice"]
    assert "DEPLOYLAB_DATA_DIR" in seen["notice"] and "DEPLOYLAB_DATA_DIR" in seen["notice_ko"]
    assert seen["before"] == ["5.1.2", "5.1.3"]  # what was saved is still shown
    assert seen["after"] == ["5.1.2", "5.1.3", "5.3"]  # and the session goes on
    assert "could not be saved" in seen["not_saved"]  # but it is not said to be saved
    assert db_path("alice").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [DB_NAME]


def test_a_data_folder_that_cannot_be_created_gives_a_notice_not_a_crash(
        tmp_path, without_root_override):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    try:
        seen = run_python(OPEN_AND_WRITE, locked / "data", prefix=without_root_override)
    finally:
        locked.chmod(0o755)
    assert not seen["persistent"] and "cannot be saved" in seen["notice"]
    assert seen["before"] == [] and seen["after"] == ["5.3"]
    assert "could not be saved" in seen["not_saved"]


# -- two processes at once ---------------------------------------------------------------------

WRITER = """
    import json, sys, time
    from pathlib import Path
    from app.store import ProgressStore
    tag, count, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    while not go.exists():
        time.sleep(0.001)
    started = time.time()
    store = ProgressStore.open("class")  # both open the new file at once: one migrates it
    for number in range(count):
        store.record_practice_attempt(f"ex-{tag}", str(number), number % 2 == 0, 50, [], number)
        store.record_quiz_attempt(f"quiz-{tag}", [{"n": number}], 1, 2, started, time.time())
        if number % 20 == 0:
            store.mark_section_completed(f"{tag}.{number}", "en")
    finished = time.time()
    print(json.dumps({"notice": store.notice, "started": started, "finished": finished}))
    store.close()
"""


def test_two_processes_writing_at_once_lose_nothing(data_dir, tmp_path):
    count = 300
    go = tmp_path / "go"
    env = {**os.environ, "DEPLOYLAB_DATA_DIR": str(data_dir)}
    writers = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(WRITER), tag, str(count),
                                 str(go)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for tag in ("a", "b")]
    time.sleep(0.3)  # both interpreters are up and waiting on the same start signal
    go.touch()
    reports = []
    for writer in writers:
        out, err = writer.communicate(timeout=180)
        assert writer.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    assert all(r["notice"] is None for r in reports), reports
    # each began before the other had finished, so they really contended for the file
    assert max(r["started"] for r in reports) < min(r["finished"] for r in reports)
    with ProgressStore.open("class") as store:
        for tag in ("a", "b"):
            numbers = sorted(int(a.commands) for a in store.practice_attempts(f"ex-{tag}"))
            assert numbers == list(range(count))
            quizzes = sorted(a.answers[0]["n"] for a in store.quiz_attempts(f"quiz-{tag}"))
            assert quizzes == list(range(count))
        assert len(store.completed_sections()) == 2 * len(range(0, count, 20))


def test_a_write_refused_mid_session_still_lands_in_a_fresh_file():
    store = ProgressStore.open()
    fill(store)
    # From here SQLite refuses writes on this connection exactly as it does for a file that
    # turned read-only under a running app.
    store._conn.execute("PRAGMA query_only = ON")
    store.mark_section_completed("5.3", "en")
    assert "read-only" in store.notice and "4 records were recovered" in store.notice
    assert store.completed_sections() == {"5.1.2", "5.1.3", "5.3"}
    assert_moved_aside(store, "readonly")
    with ProgressStore.open() as again:
        assert again.practice_attempts()[0].criteria == CRITERIA
        assert len(again.quiz_attempts()) == 1


# -- nothing lost without a word ---------------------------------------------------------------

def big_criteria(n: int) -> list[dict]:
    return [{"id": f"c{i}", "passed": True, "message": "x" * 400} for i in range(n)]


def test_a_full_disk_says_so_keeps_the_record_and_saves_it_with_the_next_write():
    store = ProgressStore.open()
    fill(store)
    # SQLite's own limit on the file's pages fails writes exactly as a full disk does (SQLITE_FULL)
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(NotSaved) as told:
        store.record_practice_attempt("bluegreen", "x", True, 100, big_criteria(40), 1)
    assert "full" in str(told.value) and str(store.path) in str(told.value)
    assert "tries again" in str(told.value) and "다시 시도" in told.value.text("ko")
    assert store.unsaved == 1
    assert len(store.practice_attempts()) == 1  # never claimed: only the earlier one is there
    store._conn.execute(f"PRAGMA max_page_count = {pages + 1000}")  # room again
    store.record_quiz_attempt("5.1", [], 1, 1, 1.0, 2.0)  # saves the kept one first
    assert store.unsaved == 0 and store.notice is None
    store.close()
    with ProgressStore.open() as again:
        assert [a.passed for a in again.practice_attempts()] == [False, True]
        assert len(again.quiz_attempts()) == 2


def test_a_session_in_memory_saves_what_it_kept_once_the_folder_can_be_written(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the data folder should be")
    store = ProgressStore.open("alice", path=blocker / "data")
    assert not store.persistent and "cannot be saved" in store.notice
    with pytest.raises(NotSaved):
        store.mark_section_completed("5.1", "en")
    assert store.completed_sections() == {"5.1"}  # shown for the session
    blocker.unlink()  # the folder can be made now
    store.mark_section_completed("5.2.2", "en")
    assert store.persistent and store.unsaved == 0
    store.close()
    with ProgressStore.open("alice", path=blocker / "data") as again:
        assert again.completed_sections() == {"5.1", "5.2.2"}


def test_a_lock_held_by_another_program_opens_at_once_and_saves_once_it_clears():
    with ProgressStore.open() as store:
        fill(store)
    other = sqlite3.connect(db_path(), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # holds the write lock
    started = time.monotonic()
    store = ProgressStore.open(wait_s=0.05)
    opened_in = time.monotonic() - started
    assert "locked" in store.notice and not store.persistent
    assert opened_in < 5  # not the 15 s busy timeout (a loose bound: the suite runs in parallel)
    with pytest.raises(NotSaved) as told:
        store.mark_section_completed("5.3", "en")
    assert "locked" in str(told.value)
    other.execute("COMMIT")
    other.close()
    store.record_quiz_attempt("5.1", [], 1, 1, 1.0, 2.0)
    assert store.persistent and store.unsaved == 0
    store.close()
    with ProgressStore.open() as again:
        assert again.completed_sections() == {"5.1.2", "5.1.3", "5.3"}


def test_an_empty_progress_file_is_moved_aside_with_a_notice():
    path = db_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    old = time.time() - 60
    os.utime(path, (old, old))
    with ProgressStore.open() as store:
        assert store.persistent
        assert "empty" in store.notice and "moved" in store.notice
        assert "빈 파일" in store.notice_in("ko")
        assert_moved_aside(store, "empty")
