"""Every learner's progress at a glance, for the teacher (`deploylab progress --all`, the class
screen): each profile's file read without writing anything, not even a migration."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.store.paths import DB_NAME, DEFAULT_PROFILE, PROFILES_DIR, data_dir
from app.store.queries import QUIZ_SUMMARY_SQL
from app.store.schema import BUSY_TIMEOUT_S


@dataclass(frozen=True)
class ClassRow:
    """One learner's progress at a glance, for the teacher's table.

    `passed_with_hints` and `passed_with_solution` count passed exercises whose every passing
    attempt used a hint (and not the solution), or came after seeing the solution; None when
    the file is from a DeployLab that did not record help. `problem`: why the file could not be
    read (the numbers are then empty), in SQLite's English, for the `class.unreadable` sentence.
    """

    profile: str
    completed: frozenset[str] = frozenset()
    best_quiz: tuple[str, int, int] | None = None  # (quiz id, score, max score)
    quizzes_taken: int = 0
    exercises_tried: int = 0
    exercises_passed: int = 0
    passed_with_hints: int | None = None
    passed_with_solution: int | None = None
    last_active: float | None = None
    problem: str | None = None

    @property
    def a_learner(self) -> bool:
        """Whether the row is a learner's: every profile is, but the default one only once
        something is recorded in it (on the teacher's computer the teacher's own app opens it,
        and an empty default profile is nobody in the class)."""
        return (self.profile != DEFAULT_PROFILE or self.problem is not None
                or bool(self.completed or self.quizzes_taken or self.exercises_tried))


def profile_files(path: Path | str | None = None) -> list[tuple[str, Path]]:
    """(profile, database) for every profile folder in the data directory, by name. The name is
    the folder's: profile names are kept case-folded on disk."""
    folder = data_dir(path) / PROFILES_DIR
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        return []
    return [(entry.name, entry / DB_NAME) for entry in entries
            if entry.is_dir() and os.path.lexists(entry / DB_NAME)]


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def read_class_row(profile: str, path: Path) -> ClassRow:
    """`profile`'s row, read from `path` through a read-only connection: nothing is written,
    not even a migration (an older file shows what it has; help it never recorded is None)."""
    # A file no app has open (no -wal beside it) is read as immutable, which leaves nothing
    # behind (a read-only connection to a WAL file creates empty -wal and -shm files); if an app
    # opened it meanwhile, the file is read again the usual way.
    before = _stamp(path)
    quiet = before[1] is None
    row = _read_row(profile, path, immutable=quiet)
    if quiet and _stamp(path) != before:
        row = _read_row(profile, path, immutable=False)
    return row


def _read_row(profile: str, path: Path, immutable: bool) -> ClassRow:
    mode = "immutable=1" if immutable else "mode=ro"
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?{mode}", uri=True,
                               timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as err:
        return ClassRow(profile, problem=str(err))
    try:
        return _class_row(profile, conn)
    except sqlite3.Error as err:
        return ClassRow(profile, problem=str(err))
    finally:
        conn.close()


def _class_row(profile: str, conn: sqlite3.Connection) -> ClassRow:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = sorted({"section_completion", "quiz_attempt", "practice_attempt"} - tables)
    if missing:
        return ClassRow(profile, problem=f"no table {missing[0]}: not a DeployLab progress file")
    times: list[float] = []
    completed = {}
    for section_id, when in conn.execute("SELECT section_id, completed_at "
                                         "FROM section_completion"):
        completed[section_id] = when
        times.append(when)
    best: tuple[str, int, int] | None = None
    quizzes: set[str] = set()
    for quiz_id, score, max_score, when in conn.execute(QUIZ_SUMMARY_SQL):
        quizzes.add(quiz_id)
        times.append(when)
        if best is None or score * best[2] > best[1] * max_score:  # fractions, exactly
            best = (quiz_id, score, max_score)
    helped = {"hints_used", "solution_seen"} <= _columns(conn, "practice_attempt")
    aid_sql = ("CASE WHEN solution_seen THEN 2 WHEN hints_used > 0 THEN 1 ELSE 0 END"
               if helped else "0")
    tried: set[str] = set()
    least_aid: dict[str, int] = {}  # passed exercise -> the least help any pass of it had
    for exercise, passed, aid, when in conn.execute(
            f"SELECT exercise, passed, {aid_sql}, recorded_at FROM practice_attempt"):
        tried.add(exercise)
        times.append(when)
        if passed:
            least_aid[exercise] = min(aid, least_aid.get(exercise, aid))
    if "meta" in tables:
        row = conn.execute("SELECT value FROM meta WHERE key = 'last_opened'").fetchone()
        try:
            times.append(float(row[0]) if row else 0.0)
        except ValueError:
            pass
    times = [t for t in times if t]
    aids = list(least_aid.values())
    return ClassRow(profile, frozenset(completed), best, len(quizzes), len(tried),
                    len(least_aid), aids.count(1) if helped else None,
                    aids.count(2) if helped else None, max(times) if times else None)


def _stamp(path: Path) -> tuple:
    """What changes when a database is written: its own and its write-ahead log's size and
    modification time."""
    stamp = []
    for name in (path, path.with_name(path.name + "-wal")):
        try:
            info = name.stat()
            stamp.append((info.st_mtime_ns, info.st_size))
        except OSError:
            stamp.append(None)
    return tuple(stamp)


class ClassReader:
    """Every profile's `ClassRow`, read again only for files that changed since the last read
    (a cheap poll: a `stat` per file while nobody works)."""

    def __init__(self, path: Path | str | None = None):
        self.path = path
        self._rows: dict[str, tuple[tuple, ClassRow]] = {}

    def read(self) -> tuple[list[ClassRow], bool]:
        """The rows by profile name, and whether anything changed since the last call."""
        changed = False
        seen: dict[str, tuple[tuple, ClassRow]] = {}
        for profile, path in profile_files(self.path):
            stamp = _stamp(path)
            old = self._rows.get(profile)
            if old is not None and old[0] == stamp:
                seen[profile] = old
                continue
            seen[profile] = (stamp, read_class_row(profile, path))
            changed = changed or old is None or old[1] != seen[profile][1]
        changed = changed or set(seen) != set(self._rows)
        self._rows = seen
        return [row for _, row in seen.values() if row.a_learner], changed


def class_progress(path: Path | str | None = None) -> list[ClassRow]:
    """Every learner's row (see `ClassRow.a_learner`), by profile name; writes nothing."""
    rows = (read_class_row(profile, db) for profile, db in profile_files(path))
    return [row for row in rows if row.a_learner]
