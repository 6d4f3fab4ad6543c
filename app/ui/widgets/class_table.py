"""The class at a glance: one row per learner, drawn with rich only, so `deploylab progress
--all` prints the same table the teacher's screen shows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from app.words import word

COLUMN_KEYS = ("class.profile", "class.sections", "class.quiz", "class.passed",
               "class.with_hints", "class.with_solution", "class.last_active")


def ago(when: float | None, now: float, lang: str) -> str:
    """When a learner was last active, as a teacher glances at it: minutes or hours ago today,
    the date before that."""
    if when is None:
        return "-"
    seconds = max(0.0, now - when)
    if seconds < 60:
        return word("class.ago.now", lang)
    if seconds < 3600:
        return word("class.ago.minutes", lang, n=int(seconds // 60))
    if seconds < 12 * 3600:
        return word("class.ago.hours", lang, n=int(seconds // 3600))
    return datetime.fromtimestamp(when).strftime("%Y-%m-%d %H:%M")


def quiz_text(row) -> str:
    if row.best_quiz is None:
        return "-"
    quiz_id, score, max_score = row.best_quiz
    return f"{score}/{max_score} · {quiz_id}"


def helped_text(count: int | None, passed: int) -> str:
    # None: the learner's file is from before help was recorded; say so rather than claim 0.
    if count is None:
        return "?" if passed else "-"
    return str(count)


def row_cells(row, section_ids: Sequence[str], now: float, lang: str) -> list[str]:
    """One learner's cells, in `COLUMN_KEYS` order."""
    if row.problem is not None:
        return [row.profile, "-", "-", "-", "-", "-",
                word("class.unreadable", lang, reason=row.problem)]  # the note: see class_table
    done = len(row.completed & set(section_ids)) if section_ids else len(row.completed)
    total = f"/{len(section_ids)}" if section_ids else ""
    passed = f"{row.exercises_passed}/{row.exercises_tried}" if row.exercises_tried else "-"
    return [row.profile, f"{done}{total}", quiz_text(row), passed,
            helped_text(row.passed_with_hints, row.exercises_passed),
            helped_text(row.passed_with_solution, row.exercises_passed),
            ago(row.last_active, now, lang)]


def _min_width(header: str, cells: list[str]) -> int:
    """A column's narrowest: its widest cell whole, and its header's longest word."""
    words = [cell_len(w) for w in header.split()] or [0]
    return max([max(words)] + [cell_len(c) for c in cells])


def class_table(rows, section_ids: Sequence[str], now: float, lang: str,
                width: int | None = None, *, title: bool = True) -> RenderableType:
    """The teacher's table: a row per learner, widths in terminal cells, headers wrapping
    between words, names and numbers whole; files that cannot be read are named below it.
    When `width` cells cannot hold every column so, each learner gets a block of lines (a field
    and its value) instead."""
    headers = [word(key, lang) for key in COLUMN_KEYS]
    body = [row_cells(row, section_ids, now, lang) for row in rows]
    caption = Text(word("class.caption", lang), style="dim")
    heading = Text(word("class.title_one", lang) if len(rows) == 1 else
                   word("class.title", lang, n=len(rows)), style="bold") if title else None
    notes = [Text(f"⚠ {row.profile}: {cells[-1]}", style="red")
             for row, cells in zip(rows, body, strict=True) if row.problem is not None]
    cells_shown = [cells[:-1] + ["⚠"] if row.problem is not None else cells
                   for row, cells in zip(rows, body, strict=True)]
    mins = [_min_width(header, [cells[i] for cells in cells_shown])
            for i, header in enumerate(headers)]
    # Each column is padded a cell either side, with a cell between columns (no edges).
    if width is not None and sum(mins) + 3 * len(mins) - 1 > width:
        problems = [row.problem is not None for row in rows]
        return Group(*([heading] if heading else []), _blocks(body, problems, headers), caption)
    widths = _widths(headers, mins, width)
    table = Table(title=heading, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False,
                  expand=False)
    for key, header, cells_w in zip(COLUMN_KEYS, headers, widths, strict=True):
        numeric = key not in ("class.profile", "class.last_active", "class.quiz")
        # Widths are worked out here (rich's own squeeze cuts cells when headers are long).
        table.add_column(header, justify="right" if numeric else "left", overflow="fold",
                         width=cells_w)
    for cells in cells_shown:
        table.add_row(*(Text(cell, no_wrap=True, style="red" if cell == "⚠" else "")
                        for cell in cells))
    return Group(table, *notes, caption)


def _widths(headers: list[str], mins: list[int], width: int | None) -> list[int]:
    """Each column's width: every cell whole, then as many headers on one line as fit (the
    cheapest first)."""
    widths = list(mins)
    room = None if width is None else width - (3 * len(widths) - 1) - sum(widths)
    wants = sorted(range(len(widths)), key=lambda i: cell_len(headers[i]) - widths[i])
    for i in wants:
        extra = max(0, cell_len(headers[i]) - widths[i])
        if room is None or extra <= room:
            widths[i] += extra
            room = None if room is None else room - extra
    return widths


def _blocks(body: list[list[str]], problems: list[bool], headers: list[str]) -> Text:
    """Narrow terminals: each learner's name, then a field and its value on each line."""
    field_w = max(cell_len(h) for h in headers[1:]) + 2
    out = Text()
    for cells, problem in zip(body, problems, strict=True):
        out.append(cells[0] + "\n", style="bold")
        if problem:
            out.append(f"  ⚠ {cells[-1]}\n", style="red")
            continue
        for header, cell in zip(headers[1:], cells[1:], strict=True):
            out.append("  " + header + " " * (field_w - cell_len(header)))
            out.append(cell + "\n")
    out.rstrip()
    return out
