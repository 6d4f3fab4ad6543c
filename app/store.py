"""Progress that lasts: lessons completed, quiz attempts and practice attempts, kept in SQLite.

Where the data lives: `<data dir>/profiles/<profile>/progress.db`. The data directory is the
`path` given to `ProgressStore.open`, else $DEPLOYLAB_DATA_DIR (tests and classrooms set it), else
the user data directory platformdirs gives for "deploylab".

One database file per profile, not one database with a profile column, because on a shared
classroom machine each learner's record is then a folder of its own: a teacher can copy, hand back
or delete one learner's progress without touching the others, a damaged file costs one learner's
history instead of the whole class's, and learners never wait on each other's write locks.
Profile names are letters (any script, so 김민수 works), digits, '-', '_' and '.'; they are compared
case-insensitively because the file systems of macOS and Windows are.

Schema: `PRAGMA user_version` counts the `MIGRATIONS` applied; `open` applies the missing ones in
one transaction, so two processes opening a new or old file at once migrate it exactly once.

Nothing here crashes the app. A file that is damaged, unreadable, read-only or not a file at all is
moved aside (`progress.db.damaged-<time>`, together with its -wal and -shm) and a fresh one is
started, after copying into it every row that can still be read from the old one. When nothing can
be written at all (a read-only folder, a file from a newer DeployLab, a lock that never clears),
the session runs on an in-memory copy of what could be read. Each of these leaves `notice`: one
sentence saying what happened and where the old file went. Writes are short `BEGIN IMMEDIATE`
transactions with a busy timeout, so two app processes writing at once lose nothing.
"""

from __future__ import annotations

import enum
import json
import os
import shutil
import sqlite3
import struct
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

APP_NAME = "deploylab"
DATA_DIR_ENV = "DEPLOYLAB_DATA_DIR"
PROFILES_DIR = "profiles"
DB_NAME = "progress.db"
DEFAULT_PROFILE = "default"
PROFILE_MAX_CHARS = 40
PRACTICE_MAX_SCORE = 100  # the grader scores every practice attempt out of 100
BUSY_TIMEOUT_S = 15.0  # far longer than any of our transactions, so a second process just waits

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}

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
)
SCHEMA_VERSION = len(MIGRATIONS)

# The columns every version has; salvage copies exactly these from a damaged file.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "section_completion": ("section_id", "lang", "completed_at"),
    "quiz_attempt": ("quiz_id", "answers", "score", "max_score", "started_at", "finished_at"),
    "practice_attempt": ("exercise", "commands", "passed", "score", "criteria", "seed",
                         "recorded_at"),
}

QUIZ_SUMMARY_SQL = ("SELECT quiz_id, score, max_score, finished_at FROM quiz_attempt "
                    "ORDER BY quiz_id")
PRACTICE_SUMMARY_SQL = ("SELECT exercise, passed, score, recorded_at FROM practice_attempt "
                        "ORDER BY exercise")

T = TypeVar("T")


class ProfileNameError(ValueError):
    """A profile name that cannot be used; `str()` is the one sentence to show."""


@dataclass(frozen=True)
class SectionCompletion:
    """A section the learner finished, first time only."""

    section_id: str
    lang: str
    completed_at: float


@dataclass(frozen=True)
class QuizAttempt:
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


@dataclass(frozen=True)
class PracticeAttempt:
    """One graded practice attempt: what the learner typed and what the grader said."""

    id: int
    exercise: str
    commands: str
    passed: bool
    score: int
    criteria: list[dict]
    seed: int
    recorded_at: float

    @property
    def failed_criteria(self) -> list[str]:
        return [str(c.get("id", "?")) for c in self.criteria
                if isinstance(c, dict) and not c.get("passed", False)]


@dataclass(frozen=True)
class ItemProgress:
    """The best result so far on one quiz or one exercise, and how often it was tried."""

    attempts: int
    best_score: int
    max_score: int
    passed: bool | None  # practice: some attempt passed; None for a quiz, which has no pass mark
    last_at: float


@dataclass(frozen=True)
class SectionProgress:
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


@dataclass(frozen=True)
class ProgressSummary:
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


def validate_profile(name: str) -> str:
    """The profile name as stored (Unicode NFC); a bad one raises `ProfileNameError`."""
    allowed = "use letters, digits, '-', '_' or '.'"
    if not isinstance(name, str) or not name.strip():
        raise ProfileNameError(f"the profile name is empty; {allowed}, e.g. --profile alice")
    name = unicodedata.normalize("NFC", name)
    shown = name if name.isprintable() else repr(name)
    for ch in name:
        if ch in "/\\":
            raise ProfileNameError(f"the profile name '{shown}' contains '{ch}', a path separator; "
                                   f"{allowed}")
        if not (ch.isalnum() or ch in "-_."):
            what = "a space" if ch.isspace() else repr(ch)
            raise ProfileNameError(f"the profile name '{shown}' contains {what}; {allowed}")
    if name[0] in "-.":
        raise ProfileNameError(f"the profile name '{shown}' must start with a letter or a digit")
    if len(name) > PROFILE_MAX_CHARS:
        raise ProfileNameError(f"the profile name '{shown}' is longer than {PROFILE_MAX_CHARS} "
                               "characters")
    if name.casefold() in _WINDOWS_RESERVED:
        raise ProfileNameError(f"the profile name '{shown}' is reserved by Windows; choose another")
    return name


def data_dir(path: Path | str | None = None) -> Path:
    """The data directory: `path`, else $DEPLOYLAB_DATA_DIR, else the user data directory."""
    if path is not None:
        return Path(path).expanduser().absolute()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().absolute()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def db_path(profile: str = DEFAULT_PROFILE, path: Path | str | None = None) -> Path:
    """Where `profile`'s database lives (validates the name)."""
    return data_dir(path) / PROFILES_DIR / validate_profile(profile).casefold() / DB_NAME


# Notices: what happened, in both languages. Reasons are filled from _REASONS or the OS's words.
_NOTICES: dict[str, dict[str, str]] = {
    "moved": {
        "en": "Your progress file {path} could not be used ({reason}), so it was moved to {aside} "
              "and a fresh one was started; {recovered}.",
        "ko": "진도 파일 {path}을(를) 사용할 수 없어서({reason}) {aside}(으)로 옮겨 두고 새 파일로 "
              "시작했으며, {recovered}.",
    },
    "memory": {
        "en": "Progress cannot be saved in {folder} ({reason}), so what you do now will be lost "
              "when DeployLab closes{shown}; set DEPLOYLAB_DATA_DIR to a folder you can write to.",
        "ko": "{folder}에 진도를 저장할 수 없어서({reason}) {shown}지금부터 하는 학습은 "
              "DeployLab을 닫으면 사라지므로 쓸 수 있는 폴더를 "
              "DEPLOYLAB_DATA_DIR로 지정하세요.",
    },
    "newer": {
        "en": "Your progress file {path} was written by a newer DeployLab (schema {found}; "
              "this one knows up to {known}), so it is left untouched and what you do now "
              "will not be saved{shown}.",
        "ko": "진도 파일 {path}은(는) 더 새로운 DeployLab이 만든 것이라(스키마 {found}, 이 버전은 "
              "{known}까지 읽음) 손대지 않았으며, {shown}지금부터 하는 학습은 저장되지 않습니다.",
    },
    "busy": {
        "en": "Your progress file {path} stayed locked by another program, so what you do now "
              "will not be saved{shown}.",
        "ko": "진도 파일 {path}을(를) 다른 프로그램이 계속 잠그고 있어서 {shown}지금부터 하는 "
              "학습은 저장되지 않습니다.",
    },
    "not_saved": {
        "en": "Your latest progress could not be saved to {path} ({reason}).",
        "ko": "방금 한 학습을 {path}에 저장하지 못했습니다({reason}).",
    },
}
_REASONS: dict[str, dict[str, str]] = {
    "damaged": {"en": "it is damaged", "ko": "파일이 손상됨"},
    "read_only": {"en": "it is read-only", "ko": "읽기 전용 파일임"},
    "unreadable": {"en": "it cannot be read", "ko": "파일을 읽을 수 없음"},
    "not_a_file": {"en": "it is a folder, not a file", "ko": "파일이 아니라 폴더임"},
}
_ASIDE_LABEL = {"damaged": "damaged", "read_only": "readonly", "unreadable": "unreadable",
                "not_a_file": "damaged"}


def _recovered_phrase(count: int, lang: str) -> str:
    if lang == "ko":
        return (f"그 안의 기록 {count}개를 되살렸습니다" if count
                else "되살릴 수 있는 기록은 없었습니다")
    if count:
        return f"{count} record{'s were' if count != 1 else ' was'} recovered from it"
    return "nothing in it could be recovered"


def _shown_phrase(count: int, had_source: bool, lang: str) -> str:
    if not had_source:
        return ""
    if lang == "ko":
        # Korean puts this before the main clause: "이전 기록은 보여 드리지만 ... 사라집니다"
        return (f"이전 기록 {count}개는 그대로 보여 드리지만 " if count
                else "이전 기록은 읽지 못했고 ")
    if count:
        return (f" (the {count} earlier records in it are shown)" if count != 1
                else " (the one earlier record in it is shown)")
    return " (nothing earlier in it could be read)"


@dataclass(frozen=True)
class _Notice:
    kind: str
    params: dict[str, Any]

    def text(self, lang: str) -> str:
        lang = lang if lang in ("ko", "en") else "en"
        params = dict(self.params)
        reason = params.get("reason")
        if reason in _REASONS:
            params["reason"] = _REASONS[reason][lang]
        count = params.get("count", 0)
        params["recovered"] = _recovered_phrase(count, lang)
        params["shown"] = _shown_phrase(count, params.get("had_source", False), lang)
        return _NOTICES[self.kind][lang].format(**params)


class _Problem(enum.Enum):
    DAMAGED = "damaged"
    READ_ONLY = "read_only"
    UNREADABLE = "unreadable"
    NOT_A_FILE = "not_a_file"
    BUSY = "busy"
    OTHER = "other"


class _Damaged(sqlite3.DatabaseError):
    """The file opens but is not a sound DeployLab progress database."""


class _NewerSchema(Exception):
    def __init__(self, found: int):
        super().__init__(found)
        self.found = found


_ERROR_PROBLEMS = {
    "SQLITE_CORRUPT": _Problem.DAMAGED, "SQLITE_NOTADB": _Problem.DAMAGED,
    "SQLITE_FORMAT": _Problem.DAMAGED, "SQLITE_READONLY": _Problem.READ_ONLY,
    "SQLITE_CANTOPEN": _Problem.UNREADABLE, "SQLITE_IOERR": _Problem.UNREADABLE,
    "SQLITE_PERM": _Problem.UNREADABLE, "SQLITE_AUTH": _Problem.UNREADABLE,
    "SQLITE_BUSY": _Problem.BUSY, "SQLITE_LOCKED": _Problem.BUSY,
}


def _classify(err: sqlite3.Error) -> _Problem:
    if isinstance(err, _Damaged):
        return _Problem.DAMAGED
    # extended codes (SQLITE_IOERR_READ, SQLITE_READONLY_DIRECTORY...) share their primary's fate
    name = getattr(err, "sqlite_errorname", None) or ""
    for primary, problem in _ERROR_PROBLEMS.items():
        if name == primary or name.startswith(primary + "_"):
            return problem
    if isinstance(err, sqlite3.DatabaseError) and not isinstance(err, sqlite3.OperationalError):
        return _Problem.DAMAGED
    return _Problem.OTHER


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
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
        raise _NewerSchema(version)
    if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise _Damaged("the file holds tables that are not DeployLab progress")
    return version


def _migrate(conn: sqlite3.Connection) -> None:
    if _check_ours(conn) == SCHEMA_VERSION:
        return
    with _transaction(conn):
        version = _check_ours(conn)  # another process may have migrated while we waited
        for number in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[number]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")


def _check_schema(conn: sqlite3.Connection) -> None:
    for table, columns in TABLE_COLUMNS.items():
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if not set(columns) <= present:
            raise _Damaged(f"table {table} is missing or incomplete")


def _use_wal(conn: sqlite3.Connection) -> None:
    # Switching a new file to WAL needs an exclusive lock and SQLite reports a clash at once
    # instead of calling the busy handler, so two apps starting together wait here by hand.
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if _classify(err) is not _Problem.BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def _open_db(target: Path | str) -> sqlite3.Connection:
    """Open, check, migrate and test-write one database; raises if any of that fails."""
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    try:
        verdict = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        if verdict != "ok":
            raise _Damaged(verdict)
        _check_ours(conn)  # before anything is written, so a file that is not ours stays as found
        _use_wal(conn)
        _migrate(conn)
        _check_schema(conn)
        # A read-only file shows itself only when written to; better here than at a quiz's end.
        with _transaction(conn):
            conn.execute("INSERT INTO meta (key, value) VALUES ('last_opened', ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         (str(time.time()),))
        return conn
    except BaseException:
        conn.close()
        raise


def _move_aside(db: Path, label: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = db.with_name(f"{db.name}.{label}-{stamp}")
    number = 1
    while os.path.lexists(aside):
        number += 1
        aside = db.with_name(f"{db.name}.{label}-{stamp}-{number}")
    os.rename(db, aside)
    for suffix in ("-wal", "-shm"):  # the -wal may hold the newest rows; keep it with its file
        side = db.with_name(db.name + suffix)
        if side.is_file():
            try:
                os.rename(side, aside.with_name(aside.name + suffix))
            except OSError:
                pass
    return aside


def _repair_header_size(copy: Path) -> None:
    # A truncated file still claims its old page count, and SQLite then refuses every read; the
    # real count lets the pages that survived be read.
    with open(copy, "r+b") as f:
        header = f.read(100)
        if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
            return
        page_size = struct.unpack(">H", header[16:18])[0]
        page_size = 65536 if page_size == 1 else page_size
        if page_size < 512 or page_size & (page_size - 1):
            return
        pages = copy.stat().st_size // page_size
        if struct.unpack(">I", header[28:32])[0] > pages:
            f.seek(28)
            f.write(struct.pack(">I", pages))


def _salvage(source: Path | None, target: sqlite3.Connection) -> int:
    """Copy every row that can still be read from `source` into `target`; how many were copied."""
    if source is None or not source.is_file():
        return 0
    try:
        with tempfile.TemporaryDirectory(prefix="deploylab-salvage-") as tmp:
            # Work on a copy: reading may need to write (-shm, a header fix), and the original
            # should stay exactly as it was found.
            copy = Path(tmp) / "copy.db"
            shutil.copyfile(source, copy)
            wal = source.with_name(source.name + "-wal")
            if wal.is_file():
                shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
            _repair_header_size(copy)
            src = sqlite3.connect(copy, isolation_level=None)
            try:
                src.execute("PRAGMA writable_schema = ON")  # tolerate a schema that points past EOF
                return _copy_rows(src, target)
            finally:
                src.close()
    except (OSError, sqlite3.Error):
        return 0


def _copy_rows(src: sqlite3.Connection, target: sqlite3.Connection) -> int:
    rows_by_table: dict[str, list[tuple]] = {}
    for table, columns in TABLE_COLUMNS.items():
        rows: list[tuple] = []
        try:
            for row in src.execute(f"SELECT {', '.join(columns)} FROM {table}"):
                rows.append(row)
        except sqlite3.Error:
            pass  # keep the rows read before the damage
        rows_by_table[table] = rows
    copied = 0
    with _transaction(target):
        for table, rows in rows_by_table.items():
            columns = TABLE_COLUMNS[table]
            sql = (f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) "
                   f"VALUES ({', '.join('?' * len(columns))})")
            for row in rows:
                try:
                    copied += target.execute(sql, row).rowcount
                except sqlite3.Error:
                    pass  # a row whose values broke a constraint: skip it, keep the rest
    return copied


def _load_json(text: str) -> list[dict]:
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
        self._notice: _Notice | None = None
        self._lock = threading.RLock()  # Textual workers may call from threads

    @classmethod
    def open(cls, profile: str = DEFAULT_PROFILE, path: Path | None = None) -> ProgressStore:
        """Open (or create) `profile`'s store in the data directory `path` (default: see the
        module docstring). Raises only `ProfileNameError`, for a bad name; any trouble with the
        file itself is recovered from and told in `notice`."""
        store = cls(validate_profile(profile), db_path(profile, path))
        store._start()
        return store

    @staticmethod
    def exists(profile: str = DEFAULT_PROFILE, path: Path | None = None) -> bool:
        """Whether `profile` has a database already (so reading need not create one)."""
        return os.path.lexists(db_path(profile, path))

    # -- what happened on open ---------------------------------------------------------------

    @property
    def notice(self) -> str | None:
        """One sentence (English) about a recovery, or None when all went well."""
        return self._notice.text("en") if self._notice else None

    @notice.setter
    def notice(self, value: None) -> None:
        if value is not None:
            raise ValueError("a notice can only be cleared (set to None)")
        self._notice = None

    def notice_in(self, lang: str) -> str | None:
        """The notice in `lang` ("ko" or "en")."""
        return self._notice.text(lang) if self._notice else None

    # -- opening and recovering --------------------------------------------------------------

    def _start(self, problem: _Problem | None = None) -> None:
        self._conn, self.persistent = None, False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            return self._use_memory("memory", None, reason=err.strerror or str(err))
        error: Exception | None = None
        if problem is None:
            if os.path.lexists(self.path) and not self.path.is_file():
                problem = _Problem.NOT_A_FILE
            else:
                try:
                    self._conn, self.persistent = _open_db(self.path), True
                    return
                except _NewerSchema as err:
                    return self._use_memory("newer", self.path, found=err.found,
                                            known=SCHEMA_VERSION)
                except sqlite3.Error as err:
                    problem, error = _classify(err), err
                    if not os.path.lexists(self.path):  # could not even be created
                        return self._use_memory("memory", None, reason=str(error))
        if problem is _Problem.BUSY:
            return self._use_memory("busy", self.path)
        if problem is _Problem.OTHER:  # e.g. a full disk: the file may be fine, so leave it be
            return self._use_memory("memory", self.path, reason=str(error))
        try:
            aside: Path | None = _move_aside(self.path, _ASIDE_LABEL[problem.value])
        except FileNotFoundError:
            aside = None  # another process moved it first
        except OSError as err:
            return self._use_memory("memory", self.path, reason=err.strerror or str(err))
        try:
            self._conn, self.persistent = _open_db(self.path), True
        except (sqlite3.Error, _NewerSchema) as err:
            return self._use_memory("memory", aside, reason=str(err))
        count = _salvage(aside, self._conn)
        if aside is not None:
            self._notice = _Notice("moved", {"path": self.path, "aside": aside,
                                             "reason": problem.value, "count": count})

    def _use_memory(self, kind: str, salvage_from: Path | None, **params: Any) -> None:
        self._conn, self.persistent = _open_db(":memory:"), False
        count = _salvage(salvage_from, self._conn)
        had_source = salvage_from is not None and salvage_from.is_file()
        self._notice = _Notice(kind, {"path": self.path, "folder": self.path.parent,
                                      "count": count, "had_source": had_source, **params})

    def _run(self, work: Callable[[sqlite3.Connection], T], fallback: T, write: bool) -> T:
        with self._lock:
            for attempt in (1, 2):
                if self._conn is None:
                    raise RuntimeError("this progress store is closed")
                try:
                    if not write:
                        return work(self._conn)
                    with _transaction(self._conn):
                        return work(self._conn)
                except sqlite3.Error as err:
                    problem = _classify(err)
                    recoverable = problem in (_Problem.DAMAGED, _Problem.READ_ONLY,
                                              _Problem.UNREADABLE) and self.persistent
                    if attempt == 1 and recoverable:
                        self._conn.close()
                        self._start(problem)
                        continue
                    if write:
                        self._notice = _Notice("not_saved", {"path": self.path, "reason": str(err)})
                    return fallback
        return fallback

    # -- writing ---------------------------------------------------------------------------

    def mark_section_completed(self, section_id: str, lang: str) -> None:
        """Record that the learner finished `section_id`; the first completion's time is kept."""
        self._run(lambda c: c.execute(
            "INSERT INTO section_completion (section_id, lang, completed_at) VALUES (?, ?, ?) "
            "ON CONFLICT (section_id) DO NOTHING", (section_id, lang, time.time())), None, True)

    def record_quiz_attempt(self, quiz_id: str, answers: list[dict], score: int, max_score: int,
                            started_at: float, finished_at: float) -> None:
        """Record a finished quiz; `quiz_id` is the section the quiz is on, e.g. "5.2.2"."""
        if not 0 <= score <= max_score or max_score < 1:
            raise ValueError(f"quiz score {score} out of {max_score} is impossible")
        row = (quiz_id, json.dumps(answers, ensure_ascii=False, default=str), int(score),
               int(max_score), float(started_at), float(finished_at))
        self._run(lambda c: c.execute(
            "INSERT INTO quiz_attempt (quiz_id, answers, score, max_score, started_at, "
            "finished_at) VALUES (?, ?, ?, ?, ?, ?)", row), None, True)

    def record_practice_attempt(self, exercise: str, commands: str, passed: bool, score: int,
                                criteria: list[dict], seed: int) -> None:
        """Record a graded practice attempt (score out of 100, criteria as the grader gave them)."""
        if not 0 <= score <= PRACTICE_MAX_SCORE:
            raise ValueError(f"practice score {score} is outside 0 to {PRACTICE_MAX_SCORE}")
        row = (exercise, commands, int(bool(passed)), int(score),
               json.dumps(criteria, ensure_ascii=False, default=str), int(seed), time.time())
        self._run(lambda c: c.execute(
            "INSERT INTO practice_attempt (exercise, commands, passed, score, criteria, seed, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", row), None, True)

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
        sql = ("SELECT id, exercise, commands, passed, score, criteria, seed, recorded_at "
               f"FROM practice_attempt {where} ORDER BY recorded_at, id")
        return self._run(lambda c: [
            PracticeAttempt(r[0], r[1], r[2], bool(r[3]), r[4], _load_json(r[5]), r[6], r[7])
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
        with self._lock:
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
