"""The teacher's view: every learner's progress in one table (as `deploylab progress --all`
prints it), read again every few seconds while the class works.

Reading only: each poll is a `stat` of every profile's file, and a read-only query of the ones
that changed (`ClassReader`), so it may run all lesson long next to forty learners' apps.
"""

from __future__ import annotations

import time
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from app.ui.widgets.chrome import (
    CourseHeader,
    KeyFooter,
    TooSmall,
    localize_bindings,
    preset_breakpoints,
)
from app.ui.widgets.class_table import class_table, row_cells
from app.words import word

POLL_S = 2.0  # how often the files are looked at again
TEACHER_KEYS = (
    ("r", "reread", "key.refresh"),
    ("l", "app.switch_lang", "key.lang"),
    ("question_mark", "app.help", "key.help"),
    ("escape", "back", "key.back"),
    ("q", "app.quit", "key.quit"),
)


class TeacherScreen(Screen):
    """The class at a glance; Escape goes back to the map."""

    DEFAULT_CSS = """
    TeacherScreen #class-box { height: 1fr; padding: 1 2; }
    TeacherScreen #class-table { width: auto; height: auto; }
    TeacherScreen #class-status { height: 1; padding: 0 2; color: $text-muted; }
    """

    def __init__(self, path=None) -> None:
        super().__init__()
        from app.store.classroom import ClassReader

        self.reader = ClassReader(path)
        self.rows: list = []
        self.read_at: float | None = None
        self.reads = 0  # how many polls found a change (tests wait on it)
        self._shown: tuple | None = None  # what the table was drawn from

    def compose(self) -> ComposeResult:
        preset_breakpoints(self)
        localize_bindings(self, TEACHER_KEYS, self.app.lang)
        yield CourseHeader(show_clock=False, icon="◆")
        with VerticalScroll(id="class-box"):
            yield Static(id="class-table")
        yield Static(id="class-status")
        yield KeyFooter()
        yield TooSmall()

    def on_mount(self) -> None:
        self.poll()
        self.set_interval(POLL_S, self.poll)

    def on_resize(self) -> None:
        self.query_one(TooSmall).show_size(self.app.size.width, self.app.size.height)
        self.show()

    def poll(self) -> None:
        """Read what changed since the last poll; redraw (the "ago" column moves on anyway)."""
        rows, changed = self.reader.read()
        self.rows, self.read_at = rows, time.time()
        if changed:
            self.reads += 1
        self.show()

    def action_reread(self) -> None:
        self.poll()

    def show(self) -> None:
        if not self.is_mounted:
            return
        lang = self.app.lang
        section_ids = [s.id for s in self.app.toc.sections]
        width = max(20, self.app.size.width - 6)  # the box's padding and a scrollbar
        now = self.read_at or time.time()
        # Drawing forty rows costs ~40 ms: only when a cell (an "ago" included) would change.
        shown = (lang, width, tuple(tuple(row_cells(row, section_ids, now, lang))
                                    for row in self.rows))
        if shown != self._shown:
            self._shown = shown
            if self.rows:
                table = class_table(self.rows, section_ids, now, lang, width)
            else:
                from app.store import data_dir
                from app.store.paths import PROFILES_DIR

                table = word("class.nobody", lang,
                             path=data_dir(self.reader.path) / PROFILES_DIR)
            self.query_one("#class-table", Static).update(table)
        stamp = datetime.fromtimestamp(now).strftime("%H:%M:%S")
        self.query_one("#class-status", Static).update(
            word("class.refresh", lang, s=f"{POLL_S:g}", t=stamp))

    def apply_lang(self) -> None:
        localize_bindings(self, TEACHER_KEYS, self.app.lang)
        self.show()

    def action_back(self) -> None:
        self.app.show_map()
