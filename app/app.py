"""The DeployLab Textual app: the course map, lessons, help, and jumping between sections.

The app owns what outlives a screen: the course, the language, the progress store and the
classroom settings. Screens render; the models compute.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import partial

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from app.i18n import other_lang, tr
from app.screens.course_map import CourseMapScreen

PRESENT_THEME = "textual-light"  # reads on a projector; --theme overrides it
PRACTICE_MODULE = "app.screens.practice"  # issue 5 adds PracticeScreen(exercise, lang) there


class SectionCommands(Provider):
    """Command palette entries: open any section of the course by number or title."""

    def _entries(self) -> list[tuple[str, str, Callable[[], None]]]:
        app = self.app
        lang = app.lang
        entries = []
        for section in app.course.sections:
            text = app.course.text(lang, section.id)
            label = tr("palette.open", lang, id=section.id, title=text.title)
            entries.append((label, text.description, partial(app.open_section, section.id)))
        entries.append((tr("palette.map", lang), "", app.show_map))
        return entries

    async def discover(self) -> Hits:
        for label, help_text, callback in self._entries():
            yield DiscoveryHit(label, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, callback in self._entries():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, help=help_text)


class DeployLabApp(App):
    """The course in the terminal.

    `instant=True` completes every step at once and never starts a clock (tests and snapshots
    see a still screen); `autoplay` defaults to on only for `present`.
    """

    CSS_PATH = "app.tcss"
    TITLE = "DeployLab"
    COMMANDS = App.COMMANDS | {SectionCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-w-tiny"), (60, "-w-narrow"), (110, "-w-wide"),
                              (170, "-w-huge")]
    VERTICAL_BREAKPOINTS = [(0, "-h-tiny"), (20, "-h-short"), (34, "-h-tall"), (50, "-h-huge")]

    def __init__(self, *, lang: str = "en", lesson: str | None = None, present: bool = False,
                 theme: str | None = None, profile: str = "default", instant: bool = False,
                 autoplay: bool | None = None, store=None, course=None):
        super().__init__()
        if course is None:
            from lessons.course import load_course

            course = load_course()
        self.course = course
        self.lang = lang
        self.lesson = lesson
        self.present = present
        self.instant = instant
        self.autoplay = present if autoplay is None else autoplay
        self.profile = profile
        self._store = store
        self._theme_name = theme or (PRESENT_THEME if present else None)
        self._completed_cache: set[str] | None = None

    # --- start ---------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        return CourseMapScreen()

    def on_mount(self) -> None:
        if self._theme_name:
            self.theme = self._theme_name
        self.set_class(self.present, "-present")
        self._set_titles()
        notice = self.store_notice()
        if notice:
            self.notify(tr("store.notice", self.lang, notice=notice), severity="warning",
                        timeout=10)
        if self.lesson:
            self.open_section(self.lesson)

    @property
    def store(self):
        if self._store is None:
            from app.store import ProgressStore

            self._store = ProgressStore.open(self.profile)
        return self._store

    def store_notice(self) -> str | None:
        notice_in = getattr(self.store, "notice_in", None)
        return notice_in(self.lang) if notice_in else self.store.notice

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()

    def _set_titles(self) -> None:
        self.title = tr("app.title", self.lang)
        self.sub_title = tr("app.subtitle", self.lang)

    # --- progress ------------------------------------------------------------------------
    def completed_sections(self) -> set[str]:
        if self._completed_cache is None:
            self._completed_cache = set(self.store.completed_sections())
        return self._completed_cache

    def mark_completed(self, section_id: str) -> None:
        self.store.mark_section_completed(section_id, self.lang)
        self._completed_cache = None
        title = self.course.text(self.lang, section_id).title
        self.notify(tr("toast.completed", self.lang, title=title), timeout=4)

    # --- navigation ----------------------------------------------------------------------
    def open_section(self, section_id: str) -> None:
        """Open a section over the map (replacing a lesson already open)."""
        from app.screens.lesson import LessonScreen

        screen = LessonScreen(self.course.section(section_id), instant=self.instant,
                              autoplay=self.autoplay)
        if isinstance(self.screen, LessonScreen):
            self.switch_screen(screen)
        else:
            self.show_map()
            self.push_screen(screen)

    def show_map(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def practice_available(self) -> bool:
        return importlib.util.find_spec(PRACTICE_MODULE) is not None

    def open_practice(self, exercise: str) -> None:
        if not self.practice_available():
            return
        module = importlib.import_module(PRACTICE_MODULE)
        self.push_screen(module.PracticeScreen(exercise, self.lang))

    # --- app-wide actions ----------------------------------------------------------------
    def action_switch_lang(self) -> None:
        """Switch ko ↔ en in place: every open screen re-words itself, nothing else moves."""
        self.lang = other_lang(self.lang)
        self._set_titles()
        for screen in self.screen_stack:
            apply = getattr(screen, "apply_lang", None)
            if apply is not None:
                apply()

    def action_help(self) -> None:
        from app.screens.help import HelpScreen

        section = getattr(self.screen, "section", None)
        practice = bool(section and section.exercise and self.practice_available())
        self.push_screen(HelpScreen(self.lang, practice))
