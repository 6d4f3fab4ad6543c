"""The DeployLab Textual app: the course map, lessons, help, and jumping between sections.

The app owns what outlives a screen: the course, the language, the progress store and the
classroom settings. Screens render; the models compute.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import events
from textual.app import App
from textual.screen import Screen

from app.ui.screens.course_map import CourseMapScreen
from app.words import other_lang, rendered, word

PRESENT_THEME = "textual-light"  # reads on a projector; --theme overrides it
OPEN_WAIT_S = 0.5  # how long opening the progress store waits for another process's lock


def section_commands():
    """The command palette's section provider, imported only when the palette opens."""
    from app.ui.commands import SectionCommands

    return SectionCommands


class DeployLabApp(App):
    """The course in the terminal.

    `instant=True` completes every step at once and never starts a clock (tests and snapshots
    see a still screen); `autoplay` defaults to on only for `present`. `course`, `exercises`
    and `quizzes`, when given, stand for what the App would otherwise load itself (the tests
    load them once per process and hand them to every App). `ask_name` (what `serve` runs)
    first asks the learner's name and keeps their progress under it.
    """

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses may live elsewhere
    TITLE = "DeployLab"
    COMMANDS = App.COMMANDS | {section_commands}
    HORIZONTAL_BREAKPOINTS = [(0, "-w-tiny"), (60, "-w-narrow"), (110, "-w-wide"),
                              (170, "-w-huge")]
    VERTICAL_BREAKPOINTS = [(0, "-h-tiny"), (20, "-h-short"), (34, "-h-tall"), (50, "-h-huge")]

    def __init__(self, *, lang: str = "en", lesson: str | None = None, present: bool = False,
                 theme: str | None = None, profile: str = "default", instant: bool = False,
                 autoplay: bool | None = None, store=None, course=None, toc=None,
                 exercises: dict | None = None, quizzes: dict | None = None,
                 teacher: bool = False, ask_name: bool = False, sandbox=None):
        super().__init__()
        self.ask_name = ask_name
        self._course = course
        self._toc = toc
        if course is None and toc is None:
            from lessons.toc import read_toc

            self._toc = read_toc(langs=(lang,))
        self.course_error: str | None = None
        self.lang = lang
        self.lesson = lesson
        self.present = present
        self.quitting = False
        self.teacher = teacher  # open the teacher's view of the class first
        self.sandbox = sandbox  # a models.sandbox.SandboxSpec: open the sandbox first
        self.instant = instant
        self.autoplay = present if autoplay is None else autoplay
        self.profile = profile
        self._store = store
        self._theme_name = theme or (PRESENT_THEME if present else None)
        self._completed_cache: set[str] | None = None
        self.last_section: str | None = None  # the section opened last (the map highlights it)
        self._loaded: dict[str, dict | Exception] = {}  # exercises, quizzes: see _load_once
        for what, given in (("exercises", exercises), ("quizzes", quizzes)):
            if given is not None:  # loaded already (tests share what their process loaded)
                self._loaded[what] = given
        self.computed_tables: dict = {}  # comparison rows by (strategies, fleet), computed once
        # Per exercise, the hints opened and whether the solution was played (practice.SeenHelp):
        # a practice screen closed and opened again still knows, and its next attempt says so.
        self.seen_help: dict = {}

    # --- the course ----------------------------------------------------------------------
    @property
    def toc(self):
        """What the map and the palette list: the table of contents `lessons.toc` read."""
        return self._toc or self._course

    @property
    def course(self):
        """The full, validated course (built from the table of contents on first use)."""
        self._ensure_course()
        return self._course

    def _ensure_course(self) -> None:
        if self._course is None:
            from lessons.course import load_course

            self._course = load_course(toc=self._toc)

    def on_ready(self) -> None:
        # The map came from the table of contents; the engine's checks run once it is on screen.
        from lessons.files import CourseFileError

        try:
            self._ensure_course()
        except CourseFileError as err:
            self.course_error = word("cli.error.course.broken", self.lang,
                                     problem=err.text(self.lang))
            self.exit(return_code=2)

    # --- start ---------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        if self.ask_name:
            from app.ui.screens.name import NameScreen

            return NameScreen(self.lang)
        return CourseMapScreen()

    def on_mount(self) -> None:
        if self._theme_name:
            self.theme = self._theme_name
        self.set_class(self.present, "-present")
        self._set_titles()
        if self.ask_name:
            self.use_command_palette = False  # it opens sections, which need the profile
        else:
            self._begin()

    def learner_named(self, profile: str) -> None:
        """The name screen's answer: this learner's own progress, then the map."""
        from app.store import ProgressStore

        self._store = ProgressStore.open(profile, wait_s=OPEN_WAIT_S)
        self.profile = self._store.profile
        self._completed_cache = None
        # The name screen is the base of the default stack: the map starts a stack of its
        # own, so going back to the map (show_map) never comes back to the name.
        self.add_mode("course", CourseMapScreen)
        self.switch_mode("course")
        self.use_command_palette = True
        self._begin()

    def _begin(self) -> None:
        """What follows the first screen: the store's notice, the section asked for."""
        notice = self.store.notice_in(self.lang)
        if notice:
            self.notify(word("store.notice", self.lang, notice=notice), severity="warning",
                        timeout=10)
        if self.lesson:
            self.open_section(self.lesson)
        if self.teacher:
            self.open_teacher()
        if self.sandbox is not None:
            self.open_sandbox(self.sandbox)

    @property
    def store(self):
        if self._store is None:
            from app.store import ProgressStore

            # Another process holding the write lock must not freeze the first frame: the
            # store says it is busy and tries the file again when it next saves.
            self._store = ProgressStore.open(self.profile, wait_s=OPEN_WAIT_S)
        return self._store

    def exit(self, result=None, return_code: int = 0, message=None) -> None:
        self.quitting = True
        super().exit(result, return_code, message)

    async def on_event(self, event: events.Event) -> None:
        # Keys typed after q, faster than the app closes, would open a screen on an app shutting
        # down (it mounts empty and crashes); a closed terminal would have dropped them too.
        if self.quitting and isinstance(event, (events.Key, events.Paste, events.MouseEvent)):
            return
        if isinstance(event, (events.Key, events.Paste)) and self.screen_stack:
            await self._mounted(self.screen)
        await super().on_event(event)

    @staticmethod
    async def _mounted(screen: Screen, limit_s: float = 1.0) -> None:
        """Wait (briefly) until `screen` and its widgets have mounted. A key typed faster than
        the screen it opened can mount (Enter, then Escape) closed that screen before its
        on_mount (or a widget's) ran, which then found its widgets gone; at human speed a key
        always finds its screen ready."""
        waited = 0.0
        while not _all_mounted(screen) and waited < limit_s:
            await asyncio.sleep(0.005)
            waited += 0.005

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()

    def _set_titles(self) -> None:
        self.title = word("app.title", self.lang)
        self.sub_title = word("app.subtitle", self.lang)

    # --- progress ------------------------------------------------------------------------
    def completed_sections(self) -> set[str]:
        if self._completed_cache is None:
            self._completed_cache = set(self.store.completed_sections())
        return self._completed_cache

    def tell_not_saved(self, error: Exception) -> None:
        """A toast, at once, when progress did not reach the file (the store keeps it and
        tries again when it next writes)."""
        text = error.text(self.lang) if hasattr(error, "text") else str(error)
        self.notify(word("store.notice", self.lang, notice=text), severity="error", timeout=10)

    def mark_completed(self, section_id: str) -> None:
        from app.store import NotSaved

        try:
            self.store.mark_section_completed(section_id, self.lang)
        except NotSaved as err:
            self.tell_not_saved(err)
        self._completed_cache = None
        title = self.toc.text(self.lang, section_id).title
        self.notify(word("toast.completed", self.lang, title=title), timeout=4)

    # --- navigation ----------------------------------------------------------------------
    def open_section(self, section_id: str) -> None:
        """Open a section over the map (replacing a lesson already open)."""
        from app.ui.screens.lesson import LessonScreen

        self.last_section = section_id
        screen = LessonScreen(self.course.section(section_id), instant=self.instant,
                              autoplay=self.autoplay)
        if isinstance(self.screen, LessonScreen):
            self.switch_screen(screen)
        else:
            self.show_map()
            self.push_screen(screen)

    def open_teacher(self) -> None:
        """The class's progress, every learner's, over the current screen."""
        from app.ui.screens.teacher import TeacherScreen

        if self.ask_name:  # a served tab is one learner's; the class is the teacher's to see
            self.notify(word("serve.no_teacher", self.lang), severity="warning")
            return
        if not isinstance(self.screen, TeacherScreen):
            self.push_screen(TeacherScreen())

    def show_map(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def _load_once(self, what: str) -> dict:
        """The exercises or the quizzes, read the first time they are asked for; broken files
        raise their `CourseFileError`, then and every later time, without reading them again."""
        if what not in self._loaded:
            from lessons.files import CourseFileError

            if what == "exercises":
                from lessons.exercises import load_exercises as load
            else:
                from lessons.quizzes import load_quizzes as load
            try:
                self._loaded[what] = load()
            except CourseFileError as err:
                self._loaded[what] = err
        found = self._loaded[what]
        if isinstance(found, Exception):
            raise found
        return found

    def exercises(self) -> dict:
        """Every exercise and variant, loaded once; raises `CourseFileError` for broken files."""
        return self._load_once("exercises")

    def exercises_or_note(self) -> dict | None:
        """The exercises, or None after telling the learner, in a sentence, what is broken."""
        from lessons.files import CourseFileError

        try:
            return self.exercises()
        except CourseFileError as err:
            self.notify(word("practice.broken", self.lang, error=err.text(self.lang)),
                        severity="error", timeout=10)
            return None

    def open_practice(self, exercise: str) -> None:
        from app.ui.screens.practice import PracticeScreen

        known = self.exercises_or_note()
        if known is None:
            return
        if exercise not in known:
            self.notify(word("practice.unknown", self.lang, id=exercise), severity="error")
            return
        self.push_screen(PracticeScreen(exercise, self.lang))

    def section_of(self, exercise: str) -> str | None:
        """The section whose file lists `exercise` (None if none does, or the course is
        broken: the attempt is still saved)."""
        try:
            sections = self.course.sections
        except Exception:  # noqa: BLE001 - a broken course costs the section, not the save
            return None
        return next((s.id for s in sections if exercise in s.exercises), None)

    def open_sandbox(self, spec=None) -> None:
        """The practice screen with no exercise (`spec`: a SandboxSpec; default bluegreen)."""
        from app.ui.screens.practice import PracticeScreen
        from models.sandbox import SandboxSpec

        self.push_screen(PracticeScreen(spec or SandboxSpec(), self.lang))

    def on_practice_screen_attempt_graded(self, message) -> None:
        """Record a graded practice attempt and tell the screen whether it was saved."""
        grade = message.grade
        try:
            self.store.record_practice_attempt(
                message.exercise, message.commands, grade.passed, grade.score,
                rendered([c.as_dict() for c in grade.criteria], message.lang), grade.seed,
                hints_used=message.hints_used, solution_seen=message.solution_seen,
                section_id=self.section_of(message.exercise), lang=message.lang)
        except Exception as err:  # the store names its own problem; the grade stands
            message.screen.attempt_recorded(err)
            self.tell_not_saved(err)
            return
        message.screen.attempt_recorded(None)

    def pick_practice(self, only: tuple[str, ...] | None = None,
                      current: str | None = None) -> None:
        """The list of exercises (and their variants), or just `only` (a section's, in its
        order); the one picked opens in practice mode."""
        from app.ui.dialogs.exercise_picker import ExercisePickerScreen

        if self.exercises_or_note() is None:
            return

        def picked(exercise: str | None) -> None:
            if exercise:
                self.open_practice(exercise)

        self.push_screen(ExercisePickerScreen(current, only=only), callback=picked)

    def quizzes(self) -> dict:
        """Every section's quiz, loaded once; raises `CourseFileError` for broken files."""
        return self._load_once("quizzes")

    def exercise_title(self, exercise: str, lang: str) -> str:
        """An exercise's title in `lang` (its id when the exercise files cannot be read:
        `deploylab check` names the problem, and the quiz goes on)."""
        from lessons.files import CourseFileError

        try:
            spec = self.exercises().get(exercise)
        except CourseFileError:
            return exercise
        return spec.texts[lang].title if spec is not None else exercise

    def open_quiz(self, section_id: str, seed: int | None = None) -> None:
        """Open `section_id`'s quiz over the current screen; a clear note if it has none."""
        from app.ui.screens.quiz import QuizScreen
        from lessons.files import CourseFileError

        try:
            quiz = self.quizzes().get(section_id)
        except CourseFileError as err:
            self.notify(word("quiz.open.broken", self.lang, error=err.text(self.lang)),
                        severity="error", timeout=10)
            return
        if quiz is None:
            self.notify(word("quiz.open.none", self.lang, id=section_id), severity="warning")
            return
        self.push_screen(QuizScreen(quiz, seed=seed))

    # --- app-wide actions ----------------------------------------------------------------
    def action_switch_lang(self) -> None:
        """Switch ko ↔ en in place: every open screen re-words itself, nothing else moves."""
        self.lang = other_lang(self.lang)
        self._set_titles()
        for screen in self.screen_stack:
            apply = getattr(screen, "apply_lang", None)
            if apply is not None:
                apply()

    def action_command_palette(self) -> None:
        from app.ui.commands import GuardedCommandPalette

        if self.use_command_palette and not GuardedCommandPalette.is_open(self):
            self.push_screen(GuardedCommandPalette(id="--command-palette"))

    def search_themes(self) -> None:
        """The palette's theme list (its "Theme" command), as Textual's but guarded like the
        palette itself: Textual's own popped the map on a late Enter (found by make fuzz)."""
        from textual.theme import ThemeProvider

        from app.ui.commands import GuardedCommandPalette

        self.push_screen(GuardedCommandPalette(
            providers=[ThemeProvider], placeholder=word("palette.search_themes", self.lang)))

    def search_commands(self, commands, placeholder: str | None = None):
        """Textual's list of commands (e.g. the screenshot formats), guarded the same way."""
        from textual.command import SimpleProvider

        from app.ui.commands import GuardedCommandPalette

        return self.push_screen(GuardedCommandPalette(
            providers=[SimpleProvider(self.screen, commands)],
            placeholder=placeholder or word("palette.search_commands", self.lang)))

    def action_help(self) -> None:
        from app.ui.dialogs.help import HelpScreen

        section = getattr(self.screen, "section", None)
        practice = bool(section and section.exercises)
        on_map = isinstance(self.screen, CourseMapScreen)
        self.push_screen(HelpScreen(self.lang, practice or on_map, sandbox=on_map))


def _all_mounted(screen: Screen) -> bool:
    return screen.is_mounted and all(node.is_mounted for node in screen.walk_children())
