"""Damage recovery: move a bad file aside, salvage its readable rows, and say so in one sentence.

A file that is damaged, unreadable, read-only or not a file at all is moved aside
(`progress.db.damaged-<time>`, together with its -wal and -shm) and a fresh one is started, after
copying into it every row that can still be read from the old one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.store.schema import TABLE_COLUMNS, transaction

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
ASIDE_LABEL = {"damaged": "damaged", "read_only": "readonly", "unreadable": "unreadable",
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
class Notice:
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
    with transaction(target):
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
