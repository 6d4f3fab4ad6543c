"""Damage recovery: move a bad file aside, salvage its readable rows, and say so in one sentence.

A file that is damaged, unreadable, read-only or not a file at all is moved aside
(`progress.db.damaged-<time>`, together with its -wal and -shm) and a fresh one is started, after
copying into it every row that can still be read from the old one.
"""

from __future__ import annotations

import os
import sqlite3
import struct
import time
from pathlib import Path
from typing import Any, NamedTuple

from app.store.schema import LATER_COLUMNS, TABLE_COLUMNS, transaction
from app.words import word

# Notices: what happened, in the catalogue's `store` table. Reasons are ours or the OS's words.
NOTICES = {"moved": "store.moved", "memory": "store.memory", "newer": "store.newer",
           "busy": "store.busy", "not_saved": "store.not_saved"}
REASONS = {"damaged": "store.reason.damaged", "read_only": "store.reason.read_only",
           "unreadable": "store.reason.unreadable", "not_a_file": "store.reason.not_a_file",
           "empty": "store.reason.empty", "busy": "store.reason.busy",
           "newer": "store.reason.newer"}
ASIDE_LABEL = {"damaged": "damaged", "read_only": "readonly", "unreadable": "unreadable",
                "not_a_file": "damaged", "empty": "empty"}


def _by_count(count: int, none: str, one: str, many: str) -> str:
    return none if count == 0 else one if count == 1 else many


class Notice(NamedTuple):
    kind: str
    params: dict[str, Any]

    def text(self, lang: str) -> str:
        params = dict(self.params)
        reason = params.get("reason")
        if reason in REASONS:
            params["reason"] = word(REASONS[reason], lang)
        count = params.get("count", 0)
        params["recovered"] = word(_by_count(count, "store.recovered.none", "store.recovered.one",
                                             "store.recovered.many"), lang, count=count)
        # Korean puts what is shown before the main clause, English after it (see the words).
        params["shown"] = word(_by_count(count, "store.shown.none", "store.shown.one",
                                         "store.shown.many"), lang, count=count) \
            if params.get("had_source", False) else ""
        return word(NOTICES[self.kind], lang, **params)


def move_aside(db: Path, label: str) -> Path:
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


def salvage(source: Path | None, target: sqlite3.Connection) -> int:
    """Copy every row that can still be read from `source` into `target`; how many were copied."""
    if source is None or not source.is_file():
        return 0
    try:
        import shutil  # only a damaged file needs these (not the first frame)
        import tempfile

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
    columns_of: dict[str, tuple[str, ...]] = {}
    for table, columns in TABLE_COLUMNS.items():
        later = LATER_COLUMNS.get(table, ())
        try:
            present = {r[1] for r in src.execute(f"PRAGMA table_info({table})")}
        except sqlite3.Error:
            present = set()
        # An older file lacks the later columns; their defaults fill them in the new file.
        columns = columns_of[table] = tuple(c for c in columns
                                            if c not in later or c in present)
        rows: list[tuple] = []
        try:
            for row in src.execute(f"SELECT {', '.join(columns)} FROM {table}"):
                rows.append(row)
        except sqlite3.Error:
            pass  # keep the rows read before the damage
        rows_by_table[table] = rows
    copied = 0
    with transaction(target):
        for table, rows in rows_by_table.items():
            columns = columns_of[table]
            sql = (f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) "
                   f"VALUES ({', '.join('?' * len(columns))})")
            for row in rows:
                try:
                    copied += target.execute(sql, row).rowcount
                except sqlite3.Error:
                    pass  # a row whose values broke a constraint: skip it, keep the rest
    return copied
