"""The progress database's schema and migrations, and opening one file soundly.

`PRAGMA user_version` counts the `MIGRATIONS` applied; opening applies the missing ones in one
transaction, so two processes opening a new or old file at once migrate it exactly once. Writes are
short `BEGIN IMMEDIATE` transactions with a busy timeout, so two app processes writing at once lose
nothing.
"""

from __future__ import annotations

import enum
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_S = 15.0  # far longer than any of our transactions, so a second process just waits


# Each migration is a list of statements; migration n+1 turns a version-n file into version n+1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE section_completion (
               section_id TEXT PRIMARY KEY,
               lang TEXT NOT NULL,
               completed_at REAL NOT NULL)""",
        """CREATE TABLE quiz_attempt (
               id INTEGER PRIMARY KEY,
               quiz_id TEXT NOT NULL,
               answers TEXT NOT NULL,
               score INTEGER NOT NULL,
               max_score INTEGER NOT NULL,
               started_at REAL NOT NULL,
               finished_at REAL NOT NULL)""",
        """CREATE TABLE practice_attempt (
               id INTEGER PRIMARY KEY,
               exercise TEXT NOT NULL,
               commands TEXT NOT NULL,
               passed INTEGER NOT NULL,
               score INTEGER NOT NULL,
               criteria TEXT NOT NULL,
               seed INTEGER NOT NULL,
               recorded_at REAL NOT NULL)""",
    ),
    (
        # summary() reads every attempt's item and score; these covering indexes let it (and the
        # per-item attempt lists) read the index alone instead of each row's answers and commands.
        "CREATE INDEX quiz_attempt_by_quiz "
        "ON quiz_attempt (quiz_id, score, max_score, finished_at)",
        "CREATE INDEX practice_attempt_by_exercise "
        "ON practice_attempt (exercise, passed, score, recorded_at)",
    ),
    (
        # What helped the attempt (hint tiers opened, the reference solution watched) and
        # where it was made (the section practice was opened from, the screen's language).
        "ALTER TABLE practice_attempt ADD COLUMN hints_used INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE practice_attempt ADD COLUMN solution_seen INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE practice_attempt ADD COLUMN section_id TEXT",
        "ALTER TABLE practice_attempt ADD COLUMN lang TEXT",
        # Older rows: the grader's sentences were stored in the attempt's language, so Hangul
        # in them means Korean; the built-in exercises lived in these sections then.
        "UPDATE practice_attempt SET lang = CASE WHEN criteria GLOB '*[\uac00-\ud7a3]*' "
        "THEN 'ko' ELSE 'en' END",
        "UPDATE practice_attempt SET section_id = CASE "
        "WHEN exercise = 'in-place' THEN '5.1.2' "
        "WHEN exercise = 'bluegreen-in-server' THEN '5.1.4' "
        "WHEN exercise GLOB 'bluegreen*' THEN '5.2.2' END",
        # A pass after the solution does not count as passed: the summary reads both.
        "DROP INDEX practice_attempt_by_exercise",
        "CREATE INDEX practice_attempt_by_exercise "
        "ON practice_attempt (exercise, passed, solution_seen, score, recorded_at)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

# Each table's columns in this version; salvage copies these from a damaged file (those of
# `LATER_COLUMNS` only when the file has them: an older file does not).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "section_completion": ("section_id", "lang", "completed_at"),
    "quiz_attempt": ("quiz_id", "answers", "score", "max_score", "started_at", "finished_at"),
    "practice_attempt": ("exercise", "commands", "passed", "score", "criteria", "seed",
                         "recorded_at", "hints_used", "solution_seen", "section_id", "lang"),
}
# Columns a migration after the first added (the rest of TABLE_COLUMNS every version has).
LATER_COLUMNS: dict[str, tuple[str, ...]] = {
    "practice_attempt": ("hints_used", "solution_seen", "section_id", "lang"),
}


class Problem(enum.Enum):
    DAMAGED = "damaged"
    READ_ONLY = "read_only"
    UNREADABLE = "unreadable"
    NOT_A_FILE = "not_a_file"
    EMPTY = "empty"  # 0 bytes: truncated (a crash, a full disk), not a database
    BUSY = "busy"
    OTHER = "other"


class Damaged(sqlite3.DatabaseError):
    """The file opens but is not a sound DeployLab progress database."""


class NewerSchema(Exception):
    def __init__(self, found: int):
        super().__init__(found)
        self.found = found


_ERROR_PROBLEMS = {
    "SQLITE_CORRUPT": Problem.DAMAGED, "SQLITE_NOTADB": Problem.DAMAGED,
    "SQLITE_FORMAT": Problem.DAMAGED, "SQLITE_READONLY": Problem.READ_ONLY,
    "SQLITE_CANTOPEN": Problem.UNREADABLE, "SQLITE_IOERR": Problem.UNREADABLE,
    "SQLITE_PERM": Problem.UNREADABLE, "SQLITE_AUTH": Problem.UNREADABLE,
    "SQLITE_BUSY": Problem.BUSY, "SQLITE_LOCKED": Problem.BUSY,
}


def classify(err: sqlite3.Error) -> Problem:
    if isinstance(err, Damaged):
        return Problem.DAMAGED
    # extended codes (SQLITE_IOERR_READ, SQLITE_READONLY_DIRECTORY...) share their primary's fate
    name = getattr(err, "sqlite_errorname", None) or ""
    for primary, problem in _ERROR_PROBLEMS.items():
        if name == primary or name.startswith(primary + "_"):
            return problem
    if isinstance(err, sqlite3.DatabaseError) and not isinstance(err, sqlite3.OperationalError):
        return Problem.DAMAGED
    return Problem.OTHER


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE takes the write lock up front, where the busy timeout applies; a deferred
    # transaction that upgrades later can fail at once with SQLITE_BUSY instead of waiting.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        raise
    conn.execute("COMMIT")


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _check_ours(conn: sqlite3.Connection) -> int:
    """The file's schema version, if it is ours and not from a newer DeployLab; reads only."""
    version = _user_version(conn)
    if version > SCHEMA_VERSION:
        raise NewerSchema(version)
    if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise Damaged("the file holds tables that are not DeployLab progress")
    return version


def _migrate(conn: sqlite3.Connection) -> None:
    if _check_ours(conn) == SCHEMA_VERSION:
        return
    with transaction(conn):
        version = _check_ours(conn)  # another process may have migrated while we waited
        for number in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[number]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")


def _check_schema(conn: sqlite3.Connection) -> None:
    for table, columns in TABLE_COLUMNS.items():
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if not set(columns) <= present:
            raise Damaged(f"table {table} is missing or incomplete")


def _use_wal(conn: sqlite3.Connection, wait_s: float) -> None:
    # Switching a new file to WAL needs an exclusive lock and SQLite reports a clash at once
    # instead of calling the busy handler, so two apps starting together wait here by hand.
    deadline = time.monotonic() + wait_s
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if classify(err) is not Problem.BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def open_for_reading(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to `path` if it is a sound DeployLab database of this version,
    else None (the caller then opens it as usual, which recovers or migrates it)."""
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True,
                               timeout=BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        if (conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok"
                or _user_version(conn) != SCHEMA_VERSION):
            conn.close()
            return None
        _check_schema(conn)
        return conn
    except sqlite3.Error:
        conn.close()
        return None


def open_db(target: Path | str, wait_s: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """Open, check, migrate and test-write one database; raises if any of that fails.

    `wait_s` is how long opening waits for another process's write lock (the app waits little
    and says the store is busy); the connection then waits `BUSY_TIMEOUT_S` as usual."""
    conn = sqlite3.connect(target, timeout=wait_s, isolation_level=None,
                           check_same_thread=False)
    try:
        verdict = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        if verdict != "ok":
            raise Damaged(verdict)
        _check_ours(conn)  # before anything is written, so a file that is not ours stays as found
        _use_wal(conn, wait_s)
        _migrate(conn)
        _check_schema(conn)
        # A read-only file shows itself only when written to; better here than at a quiz's end.
        with transaction(conn):
            conn.execute("INSERT INTO meta (key, value) VALUES ('last_opened', ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         (str(time.time()),))
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        return conn
    except BaseException:
        conn.close()
        raise
