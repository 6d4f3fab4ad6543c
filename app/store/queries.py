"""The query API: `ProgressStore`, one learner's progress, and the records it returns.

One database file per profile, not one database with a profile column, because on a shared
classroom machine each learner's record is then a folder of its own: a teacher can copy, hand back
or delete one learner's progress without touching the others, a damaged file costs one learner's
history instead of the whole class's, and learners never wait on each other's write locks.

Nothing here crashes the app. When nothing can be written at all (a read-only folder, a file from a
newer DeployLab, a lock that never clears), the session runs on an in-memory copy of what could be
read. Each problem leaves `notice`: one sentence saying what happened and where the old file went.

No record is lost without a word: a write that does not reach the file (a full disk, a read-only
folder, a lock held past the timeout, an in-memory session) raises `NotSaved`, whose sentence the
app shows, and the record is kept in memory and written first the next time anything is saved
(an in-memory session tries its file again then).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from app.store.paths import (
    DEFAULT_PROFILE,
    db_path,
    validate_profile,
)
from app.store.recovery import ASIDE_LABEL, Notice, move_aside, salvage
from app.store.schema import (
    BUSY_TIMEOUT_S,
    SCHEMA_VERSION,
    NewerSchema,
    Problem,
    classify,
    open_db,
    open_for_reading,
    transaction,
)

PRACTICE_MAX_SCORE = 100  # the grader scores every practice attempt out of 100
QUIZ_SUMMARY_SQL = ("SELECT quiz_id, score, max_score, finished_at FROM quiz_attempt "
                    "ORDER BY quiz_id")
# A pass after seeing the solution is kept as it was graded but does not count as passed.
PRACTICE_SUMMARY_SQL = ("SELECT exercise, passed AND NOT solution_seen, score, recorded_at "
                        "FROM practice_attempt ORDER BY exercise")

EMPTY_GRACE_S = 2.0  # a 0-byte file younger than this may be one another process is creating
T = TypeVar("T")


class NotSaved(Exception):
    """A record that did not reach the progress file; the store keeps it and retries it at the
    next write. `text(lang)` is the sentence to show the learner."""

    def __init__(self, notice: Notice):
        super().__init__(notice.text("en"))
        self.notice = notice

    def text(self, lang: str) -> str:
        return self.notice.text(lang)


class SectionCompletion(NamedTuple):
    """A section the learner finished, first time only."""

    section_id: str
    lang: str
    completed_at: float


class QuizAttempt(NamedTuple):
    """One finished quiz: the answers as the quiz recorded them, and the score."""

    id: int
    quiz_id: str
    answers: list[dict]
    score: int
    max_score: int
    started_at: float
    finished_at: float

    @property
    def duration_s(self) -> float:
        return max(0.0, self.finished_at - self.started_at)


class PracticeAttempt(NamedTuple):
    """One graded practice attempt: what the learner typed, what the grader said, and what
    helped: hint tiers opened and whether the reference solution was watched first. `passed`
    is the grader's verdict; `counts_as_passed` is what progress shows. `section_id` and
    `lang` are None only for an old row that could not be placed."""

    id: int
    exercise: str
    commands: str
    passed: bool
    score: int
    criteria: list[dict]
    seed: int
    recorded_at: float
    hints_used: int = 0
    solution_seen: bool = False
    section_id: str | None = None
    lang: str | None = None

    @property
    def counts_as_passed(self) -> bool:
        return self.passed and not self.solution_seen

    @property
    def failed_criteria(self) -> list[str]:
        return [str(c.get("id", "?")) for c in self.criteria
                if isinstance(c, dict) and not c.get("passed", False)]


class ItemProgress(NamedTuple):
    """The best result so far on one quiz or one exercise, and how often it was tried."""

    attempts: int
    best_score: int
    max_score: int
    passed: bool | None  # practice: some attempt passed; None for a quiz, which has no pass mark
    last_at: float


class SectionProgress(NamedTuple):
    """One section: done or not, its quiz and its practice exercise."""

    section_id: str
    completed: bool
    completed_at: float | None
    quiz: ItemProgress | None
    practice: ItemProgress | None

    @property
    def attempts(self) -> int:
        return sum(item.attempts for item in (self.quiz, self.practice) if item)


def _section_sort_key(section_id: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in section_id.split("."))


class ProgressSummary(NamedTuple):
    """Everything a learner has done, per section and per quiz and exercise.

    A quiz's id is the id of the section it is on (one quiz per section). Exercises are linked to
    sections through `exercise_sections` (exercise -> section id, from the course) when given.
    """

    profile: str
    completed: dict[str, float]  # section id -> when first completed
    quizzes: dict[str, ItemProgress]
    exercises: dict[str, ItemProgress]
    exercise_sections: Mapping[str, str]

    def section(self, section_id: str, exercise: str | None = None,
                quiz_id: str | None = None) -> SectionProgress:
        if exercise is None:
            exercise = next((e for e, s in self.exercise_sections.items() if s == section_id), None)
        return SectionProgress(section_id, section_id in self.completed,
                               self.completed.get(section_id),
                               self.quizzes.get(quiz_id or section_id),
                               self.exercises.get(exercise) if exercise else None)

    @property
    def sections(self) -> tuple[SectionProgress, ...]:
        """Every section with any record, in course-number order."""
        ids = set(self.completed) | set(self.quizzes)
        ids |= {self.exercise_sections[e] for e in self.exercises if e in self.exercise_sections}
        return tuple(self.section(i) for i in sorted(ids, key=_section_sort_key))

    @property
    def unlinked_exercises(self) -> dict[str, ItemProgress]:
        """Exercises tried that no section claims (e.g. seeded variants)."""
        return {e: p for e, p in self.exercises.items() if e not in self.exercise_sections}

    @property
    def empty(self) -> bool:
        return not (self.completed or self.quizzes or self.exercises)


def _load_json(text: str) -> list[dict]:
    import json  # here and in the writers: the map's first frame opens the store, reads no JSON

    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return []
    return value if isinstance(value, list) else []


class ProgressStore:
    """One learner's progress, in one SQLite file (see the module docstring)."""

    def __init__(self, profile: str, path: Path):
        self.profile = profile
        self.path = path
        self.persistent = False  # False: running on an in-memory copy, nothing will be saved
        self._conn: sqlite3.Connection | None = None
        self._notice: Notice | None = None
        self._lock = threading.RLock()  # Textual workers may call from threads
        self._pending: list[tuple[str, tuple]] = []  # records not yet in the file, oldest first
        self._wait_s = BUSY_TIMEOUT_S
        self._read_only = False  # opened for reading only: writing is a programming error

    @classmethod
    def open(cls, profile: str = DEFAULT_PROFILE, path: Path | None = None,
             wait_s: float = BUSY_TIMEOUT_S, read_only: bool = False) -> ProgressStore:
        """Open (or create) `profile`'s store in the data directory `path` (default: see the
        module docstring). Raises only `ProfileNameError`, for a bad name; any trouble with the
        file itself is recovered from and told in `notice`. `wait_s`: how long to wait for a
        write lock another process holds before saying the store is busy (the app opens at once
        and tries again when it next saves). `read_only`: only reading will follow (`deploylab
        progress`), so a sound file is opened without writing anything to it."""
        store = cls(validate_profile(profile), db_path(profile, path))
        store._wait_s = wait_s
        if read_only and store.path.is_file():
            conn = open_for_reading(store.path)
            if conn is not None:
                store._conn, store._read_only = conn, True
                return store
        store._start()
        return store

    @property
    def unsaved(self) -> int:
        """How many records wait to be written to the file."""
        return len(self._pending)

    @staticmethod
    def exists(profile: str = DEFAULT_PROFILE, path: Path | None = None) -> bool:
        """Whether `profile` has a database already (so reading need not create one)."""
        return os.path.lexists(db_path(profile, path))

    # -- what happened on open ---------------------------------------------------------------

    @property
    def notice(self) -> str | None:
        """One sentence (English) about a recovery, or None when all went well."""
        return self._notice.text("en") if self._notice else None

    def notice_in(self, lang: str) -> str | None:
        """The notice in `lang` ("ko" or "en")."""
        return self._notice.text(lang) if self._notice else None

    # -- opening and recovering --------------------------------------------------------------

    def _start(self, problem: Problem | None = None) -> None:
        self._conn, self.persistent = None, False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            return self._use_memory("memory", None, reason=err.strerror or str(err))
        error: Exception | None = None
        if problem is None:
            if os.path.lexists(self.path) and not self.path.is_file():
                problem = Problem.NOT_A_FILE
            elif self._truncated():
                problem = Problem.EMPTY
            else:
                try:
                    self._conn, self.persistent = open_db(self.path, self._wait_s), True
                    return
                except NewerSchema as err:
                    return self._use_memory("newer", self.path, found=err.found,
                                            known=SCHEMA_VERSION)
                except sqlite3.Error as err:
                    problem, error = classify(err), err
                    if not os.path.lexists(self.path):  # could not even be created
                        return self._use_memory("memory", None, reason=str(error))
        if problem is Problem.BUSY:
            return self._use_memory("busy", self.path)
        if problem is Problem.OTHER:  # e.g. a full disk: the file may be fine, so leave it be
            return self._use_memory("memory", self.path, reason=str(error))
        try:
            aside: Path | None = move_aside(self.path, ASIDE_LABEL[problem.value])
        except FileNotFoundError:
            aside = None  # another process moved it first
        except OSError as err:
            return self._use_memory("memory", self.path, reason=err.strerror or str(err))
        try:
            self._conn, self.persistent = open_db(self.path, self._wait_s), True
        except (sqlite3.Error, NewerSchema) as err:
            return self._use_memory("memory", aside, reason=str(err))
        count = salvage(aside, self._conn)
        if aside is not None:
            self._notice = Notice("moved", {"path": self.path, "aside": aside,
                                             "reason": problem.value, "count": count})

    def _truncated(self) -> bool:
        """A 0-byte file (no -wal beside it) old enough not to be one being created right now:
        SQLite would take it for an empty database and the loss would go unnoticed."""
        try:
            info = self.path.stat()
        except OSError:
            return False
        wal = self.path.with_name(self.path.name + "-wal")
        return (info.st_size == 0 and not os.path.lexists(wal)
                and time.time() - info.st_mtime > EMPTY_GRACE_S)

    def _use_memory(self, kind: str, salvage_from: Path | None, **params: Any) -> None:
        self._conn, self.persistent = open_db(":memory:"), False
        count = salvage(salvage_from, self._conn)
        had_source = salvage_from is not None and salvage_from.is_file()
        self._notice = Notice(kind, {"path": self.path, "folder": self.path.parent,
                                      "count": count, "had_source": had_source, **params})

    def _run(self, work: Callable[[sqlite3.Connection], T], fallback: T, write: bool) -> T:
        with self._lock:
            for attempt in (1, 2):
                if self._conn is None:
                    raise RuntimeError("this progress store is closed")
                try:
                    if not write:
                        return work(self._conn)
                    with transaction(self._conn):
                        return work(self._conn)
                except sqlite3.Error as err:
                    problem = classify(err)
                    recoverable = problem in (Problem.DAMAGED, Problem.READ_ONLY,
                                              Problem.UNREADABLE) and self.persistent
                    if attempt == 1 and recoverable:
                        self._conn.close()
                        self._start(problem)
                        continue
                    if write:
                        self._notice = Notice("not_saved", {"path": self.path, "reason": str(err)})
                    return fallback
        return fallback

    # -- writing ---------------------------------------------------------------------------

    def _save(self, sql: str, row: tuple) -> None:
        """Write one record, after any kept from failed writes; raises `NotSaved` (the record
        kept) when it did not reach the file."""
        if self._read_only:
            raise RuntimeError("this progress store was opened for reading only")
        with self._lock:
            self._pending.append((sql, row))
            if not self.persistent:
                self._try_file_again()
            if self.persistent:
                batch = list(self._pending)

                def write_all(c: sqlite3.Connection) -> bool:
                    for pending_sql, pending_row in batch:
                        c.execute(pending_sql, pending_row)
                    return True

                if self._run(write_all, False, True) and self.persistent:
                    del self._pending[:len(batch)]
                    if self._notice is not None and self._notice.kind == "not_saved":
                        self._notice = None  # what could not be saved now is
                    return
            else:  # this session still shows it; the file gets it once it can be written
                self._run(lambda c: c.execute(sql, row), None, True)
            raise NotSaved(self._not_saved_notice())

    def _not_saved_notice(self) -> Notice:
        """Why the last write did not reach the file, as the `not_saved` sentence."""
        notice = self._notice
        if notice is not None and notice.kind == "not_saved":
            return notice
        if notice is not None and notice.kind in ("busy", "newer"):
            reason = notice.kind
        else:
            reason = (notice.params.get("reason") if notice else None) or "read_only"
        return Notice("not_saved", {"path": self.path, "reason": reason})

    def _try_file_again(self) -> None:
        """An in-memory session: open the real file if it can be written now (the lock cleared,
        room was made); the records kept are then written to it."""
        if self._notice is not None and self._notice.kind == "newer":
            return  # never write into a newer DeployLab's file
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = open_db(self.path, self._wait_s)
        except (OSError, sqlite3.Error, NewerSchema):
            return
        if self._conn is not None:
            self._conn.close()
        self._conn, self.persistent = conn, True

    def mark_section_completed(self, section_id: str, lang: str) -> None:
        """Record that the learner finished `section_id`; the first completion's time is kept."""
        self._save("INSERT INTO section_completion (section_id, lang, completed_at) "
                   "VALUES (?, ?, ?) ON CONFLICT (section_id) DO NOTHING",
                   (section_id, lang, time.time()))

    def record_quiz_attempt(self, quiz_id: str, answers: list[dict], score: int, max_score: int,
                            started_at: float, finished_at: float) -> None:
        """Record a finished quiz; `quiz_id` is the section the quiz is on, e.g. "5.2.2"."""
        if not 0 <= score <= max_score or max_score < 1:
            raise ValueError(f"quiz score {score} out of {max_score} is impossible")
        import json

        row = (quiz_id, json.dumps(answers, ensure_ascii=False, default=str), int(score),
               int(max_score), float(started_at), float(finished_at))
        self._save("INSERT INTO quiz_attempt (quiz_id, answers, score, max_score, started_at, "
                   "finished_at) VALUES (?, ?, ?, ?, ?, ?)", row)

    def record_practice_attempt(self, exercise: str, commands: str, passed: bool, score: int,
                                criteria: list[dict], seed: int, *, hints_used: int = 0,
                                solution_seen: bool = False, section_id: str | None = None,
                                lang: str | None = None) -> None:
        """Record a graded practice attempt (score out of 100, criteria as the grader gave them),
        the hint tiers opened and whether the solution was seen, and where it was made."""
        if not 0 <= score <= PRACTICE_MAX_SCORE:
            raise ValueError(f"practice score {score} is outside 0 to {PRACTICE_MAX_SCORE}")
        if hints_used < 0:
            raise ValueError(f"{hints_used} hints used is impossible")
        import json

        row = (exercise, commands, int(bool(passed)), int(score),
               json.dumps(criteria, ensure_ascii=False, default=str), int(seed), time.time(),
               int(hints_used), int(bool(solution_seen)), section_id, lang)
        self._save("INSERT INTO practice_attempt (exercise, commands, passed, score, criteria, "
                   "seed, recorded_at, hints_used, solution_seen, section_id, lang) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)

    # -- reading ---------------------------------------------------------------------------

    def completed_sections(self) -> set[str]:
        return self._run(lambda c: {r[0] for r in c.execute(
            "SELECT section_id FROM section_completion")}, set(), False)

    def completions(self) -> list[SectionCompletion]:
        """Completed sections, earliest first."""
        return self._run(lambda c: [SectionCompletion(*r) for r in c.execute(
            "SELECT section_id, lang, completed_at FROM section_completion "
            "ORDER BY completed_at, section_id")], [], False)

    def quiz_attempts(self, quiz_id: str | None = None) -> list[QuizAttempt]:
        """Quiz attempts (all, or one quiz's), oldest first."""
        where, params = ("WHERE quiz_id = ?", (quiz_id,)) if quiz_id is not None else ("", ())
        sql = ("SELECT id, quiz_id, answers, score, max_score, started_at, finished_at "
               f"FROM quiz_attempt {where} ORDER BY finished_at, id")
        return self._run(lambda c: [
            QuizAttempt(r[0], r[1], _load_json(r[2]), r[3], r[4], r[5], r[6])
            for r in c.execute(sql, params)], [], False)

    def practice_attempts(self, exercise: str | None = None) -> list[PracticeAttempt]:
        """Practice attempts (all, or one exercise's), oldest first."""
        where, params = ("WHERE exercise = ?", (exercise,)) if exercise is not None else ("", ())
        sql = ("SELECT id, exercise, commands, passed, score, criteria, seed, recorded_at, "
               "hints_used, solution_seen, section_id, lang "
               f"FROM practice_attempt {where} ORDER BY recorded_at, id")
        return self._run(lambda c: [
            PracticeAttempt(r[0], r[1], r[2], bool(r[3]), r[4], _load_json(r[5]), r[6], r[7],
                            r[8], bool(r[9]), r[10], r[11])
            for r in c.execute(sql, params)], [], False)

    def summary(self, exercise_sections: Mapping[str, str] | None = None) -> ProgressSummary:
        """Per section: completed, best quiz score, best practice score, attempts.

        `exercise_sections` maps an exercise to its section (the course knows; the store does not).
        """
        def read(c: sqlite3.Connection) -> ProgressSummary:
            completed = {r[0]: r[1] for r in c.execute(
                "SELECT section_id, completed_at FROM section_completion")}
            quizzes = _best_of((r[0], r[1], r[2], None, r[3]) for r in c.execute(QUIZ_SUMMARY_SQL))
            exercises = _best_of((r[0], r[2], PRACTICE_MAX_SCORE, bool(r[1]), r[3])
                                 for r in c.execute(PRACTICE_SUMMARY_SQL))
            return ProgressSummary(self.profile, completed, quizzes, exercises,
                                   dict(exercise_sections or {}))
        return self._run(read, ProgressSummary(self.profile, {}, {}, {},
                                               dict(exercise_sections or {})), False)

    def close(self) -> None:
        """Close the file, after one last try to write what could not be saved before."""
        with self._lock:
            if self._pending and self._conn is not None:
                sql, row = self._pending.pop()
                try:
                    self._save(sql, row)
                except NotSaved:
                    pass  # it was said when it failed; nothing more can be done now
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _best_of(rows: Iterator[tuple[str, int, int, bool | None, float]]) -> dict[str, ItemProgress]:
    """Fold (item, score, max, passed, when) rows into each item's best and count."""
    result: dict[str, ItemProgress] = {}
    for item, score, max_score, passed, when in rows:
        old = result.get(item)
        if old is None:
            result[item] = ItemProgress(1, score, max_score, passed, when)
            continue
        better = score * old.max_score > old.best_score * max_score  # compare fractions exactly
        result[item] = ItemProgress(
            old.attempts + 1,
            score if better else old.best_score,
            max_score if better else old.max_score,
            None if passed is None else bool(old.passed) or passed,
            max(old.last_at, when))
    return result
