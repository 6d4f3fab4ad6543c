"""The course map: the chapter's sections by number and title, what is done (n/N sections,
quizzes and exercises), what each holds and what comes next; `s` opens the sandbox."""

from __future__ import annotations

import dataclasses

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from app.ui.widgets.canvas import fit
from app.ui.widgets.chrome import (
    CourseHeader,
    KeyFooter,
    TooSmall,
    localize_bindings,
    preset_breakpoints,
)
from app.words import word

MAP_KEYS = (
    ("enter", "open_selected", "key.open"),
    ("t", "quiz", "key.quiz"),
    ("x", "practice", "key.practice"),
    ("s", "sandbox", "key.sandbox"),
    ("c", "teacher", "key.teacher", False),  # for the teacher: in the help, not the footer
    ("l", "app.switch_lang", "key.lang"),
    ("question_mark", "app.help", "key.help"),
    ("q", "app.quit", "key.quit"),
)


class CourseMapScreen(Screen):
    """Lists every section; Enter opens the highlighted one."""

    # The list has the focus from the start: Textual's default focused the scrolling box around
    # it first, and moving the focus restyled both before the first frame.
    AUTO_FOCUS = "#map-list"

    def __init__(self) -> None:
        super().__init__()
        self._progress = None  # quiz and practice records, read after the map is painted
        self._quizzes: frozenset[str] | None = None  # sections that have a quiz (read with them)
        self._reading = False

    def compose(self) -> ComposeResult:
        preset_breakpoints(self)
        localize_bindings(self, MAP_KEYS, self.app.lang)  # before the footer first reads them
        yield CourseHeader(show_clock=False, icon="◆")
        with Horizontal(id="map-body"):
            with VerticalScroll(id="map-list-box"):
                yield Static(id="map-heading")
                yield OptionList(id="map-list")
            yield Static(id="map-description")
        yield KeyFooter()
        yield TooSmall()

    def on_mount(self) -> None:
        self.show_heading()
        self.refresh_sections()
        self.show_the_lists_enter()
        self.query_one(OptionList).focus()
        self._want_progress()

    def on_screen_resume(self) -> None:
        self._progress = None  # a lesson, quiz or exercise may have just been done
        self.refresh_sections()
        self._highlight(self.app.last_section)
        self._want_progress()

    def _highlight(self, section_id: str | None) -> None:
        """Put the highlight on `section_id` (the section last opened), if it is listed."""
        option_list = self.query_one(OptionList)
        ids = [s.id for s in self.app.toc.sections]
        if section_id in ids and option_list.highlighted != ids.index(section_id):
            option_list.highlighted = ids.index(section_id)

    def on_resize(self) -> None:
        self.query_one(TooSmall).show_size(self.app.size.width, self.app.size.height)

    def show_the_lists_enter(self) -> None:
        """The section list's own Enter (which opens the highlighted section) in the footer:
        Textual's OptionList hides it, and it shadows the map's, so nothing said how to open a
        section. It stays the list's key: a Down typed just before is handled first."""
        option_list = self.query_one(OptionList)
        bindings = [dataclasses.replace(b, description=word("key.open", self.app.lang),
                                        show=True) if b.key == "enter" else b
                    for group in option_list._bindings.key_to_bindings.values() for b in group]
        option_list._bindings = BindingsMap(bindings)
        option_list.refresh_bindings()

    def apply_lang(self) -> None:
        localize_bindings(self, MAP_KEYS, self.app.lang)
        self.show_the_lists_enter()
        self.show_heading()
        self.refresh_sections()

    def show_heading(self) -> None:
        heading = Text(word("map.heading", self.app.lang), style="bold")
        counts = self.counts()
        if counts is not None:
            heading.append("\n" + word("map.counts", self.app.lang, **counts), style="dim")
        self.query_one("#map-heading", Static).update(heading)

    def exercise_ids(self) -> list[str]:
        """Every section's exercises, in course order (the map's N of exercises)."""
        return [e for s in self.app.toc.sections for e in s.exercises]

    def counts(self) -> dict | None:
        """Sections, quizzes and exercises done of all (None until the records are read). A
        quiz is done once taken; an exercise once passed."""
        if self._progress is None:
            return None
        sections = [s.id for s in self.app.toc.sections]
        done = self.app.completed_sections()
        quizzes = sorted(self._quizzes or ())
        exercises = self.exercise_ids()
        passed = self._progress.exercises
        return {"sections": sum(s in done for s in sections), "sections_n": len(sections),
                "quizzes": sum(q in self._progress.quizzes for q in quizzes),
                "quizzes_n": len(quizzes),
                "exercises": sum(bool(passed.get(e) and passed[e].passed) for e in exercises),
                "exercises_n": len(exercises)}

    def refresh_sections(self) -> None:
        app = self.app
        lang = app.lang
        done = app.completed_sections()
        shown = (lang, frozenset(done))
        if shown == getattr(self, "_shown", None):
            return  # nothing changed: keep the list as it is (and skip a relayout)
        self._shown = shown
        option_list = self.query_one(OptionList)
        keep = option_list.highlighted
        sections = app.toc.sections
        id_w = max(cell_len(s.id) for s in sections) + 2
        mark = word("map.done", lang)
        options = []
        for section in sections:
            title = app.toc.text(lang, section.id).title
            prompt = Text(no_wrap=True, overflow="ellipsis")
            prompt.append(fit(section.id, id_w), style="bold")
            prompt.append(title)
            if section.id in done:
                prompt.append(f"  {mark}", style="bold green")
            options.append(Option(prompt, id=section.id))
        option_list.clear_options()
        option_list.add_options(options)
        if keep is None:
            keep = 0
            for i, section in enumerate(sections):
                if section.id not in done:
                    keep = i
                    break
        option_list.highlighted = min(keep, len(sections) - 1)
        self._describe(sections[option_list.highlighted].id)

    def _describe(self, section_id: str) -> None:
        app = self.app
        lang = app.lang
        section = app.toc.section(section_id)
        text = app.toc.text(lang, section_id)
        body = Text()
        body.append(f"{section.id}  {text.title}\n", style="bold")
        body.append("\n" + text.description + "\n\n")
        body.append(word(f"map.stage.{section.stage}", lang), style="italic")
        body.append(" · " + word("map.steps", lang, n=len(section.steps)) + "\n", style="italic")
        if section.exercises:
            body.append(word("map.practice", lang) + "\n", style="italic")
        body.append(self._what_next(section_id))  # before the steps: a short pane cuts the end
        body.append("\n")
        for number, step in enumerate(section.steps, 1):
            body.append(f"{number:>2}. ", style="dim")
            body.append(text.steps[step.id].title + "\n")
        if section_id in app.completed_sections():
            body.append("\n" + word("map.done", lang) + " · " + word("map.completed", lang) + "\n",
                        style="bold green")
        body.append(self._scores(section_id))
        body.append("\n" + word("map.open_hint", lang), style="dim")
        self.query_one("#map-description", Static).update(body)

    def _want_progress(self) -> None:
        if not self._reading:
            self._reading = True
            self.call_after_refresh(self._read_progress)

    def _read_progress(self) -> None:
        """Read the learner's quiz and practice records (once a visit, after the first paint)."""
        self._reading = False
        self._progress = self.app.store.summary(
            {s.exercises[0]: s.id for s in self.app.toc.sections if s.exercises})
        if self._quizzes is None:
            from lessons.files import CourseFileError

            try:
                self._quizzes = frozenset(self.app.quizzes())
            except CourseFileError:  # the quiz key says what is broken when pressed
                self._quizzes = frozenset()
        self.show_heading()
        option_list = self.query_one(OptionList)
        if option_list.highlighted is not None:
            self._describe(option_list.get_option_at_index(option_list.highlighted).id)

    def _scores(self, section_id: str) -> Text:
        out = Text()
        if self._progress is None:
            return out
        lang = self.app.lang
        record = self._progress.section(section_id)
        if record.quiz:
            out.append(word("map.quiz_best", lang, score=record.quiz.best_score,
                          n=record.quiz.attempts) + "\n")
        section = self.app.toc.section(section_id)
        for exercise in section.exercises:
            item = self._progress.exercises.get(exercise)
            if item is None:
                continue
            if len(section.exercises) > 1:
                out.append(word("map.practice_best_named", lang, score=item.best_score,
                                n=item.attempts, title=self.app.exercise_title(exercise, lang)))
            else:
                out.append(word("map.practice_best", lang, score=item.best_score,
                                n=item.attempts))
            if item.passed:
                out.append(word("map.practice_passed", lang), style="bold green")
            out.append("\n")
        return out

    def _what_next(self, section_id: str) -> Text:
        """What is left to do here, then the next section: the line the map offers for the
        highlighted section (the last opened, on coming back)."""
        out = Text()
        if self._progress is None:
            return out
        app, lang = self.app, self.app.lang
        ids = [s.id for s in app.toc.sections]
        done = app.completed_sections()
        items = []
        if section_id not in done:
            items.append(word("map.next.read", lang))
        if section_id in (self._quizzes or ()) and section_id not in self._progress.quizzes:
            items.append(word("map.next.quiz", lang))
        open_exercise = self.open_exercise(section_id)
        if open_exercise is not None:
            items.append(word("map.next.practice", lang,
                              title=app.exercise_title(open_exercise, lang)))
        index = ids.index(section_id)
        following = next((i for i in ids[index + 1:] if i not in done), None)
        if following is not None and section_id in done:
            items.append(word("map.next.section", lang, id=following,
                              title=app.toc.text(lang, following).title))
        if not items:
            items.append(word("map.next.all_done", lang))
        out.append(word("map.next.title", lang) + ": ", style="bold")
        out.append(" · ".join(items) + "\n")
        return out

    def open_exercise(self, section_id: str) -> str | None:
        """The section's first exercise not passed yet (None: none left, or none at all)."""
        if self._progress is None:
            return None
        section = self.app.toc.section(section_id)
        passed = self._progress.exercises
        return next((e for e in section.exercises
                     if not (passed.get(e) and passed[e].passed)), None)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_id:
            self._describe(event.option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # Enter, then s (or x, t, c) faster than the list delivers its choice: the screen that
        # key opened is on top by then, and opening the section would close it before it has
        # even mounted. A choice made on a map no longer in front is dropped.
        if event.option_id and self.is_active:
            self.app.open_section(event.option_id)

    def selected_id(self) -> str | None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return None
        return option_list.get_option_at_index(option_list.highlighted).id

    def action_quiz(self) -> None:
        section_id = self.selected_id()
        if section_id:
            self.app.open_quiz(section_id)

    def action_practice(self) -> None:
        """Every exercise, the highlighted section's next one under the cursor."""
        section_id = self.selected_id()
        self.app.pick_practice(current=self.open_exercise(section_id) if section_id else None)

    def action_teacher(self) -> None:
        self.app.open_teacher()

    def action_sandbox(self) -> None:
        self.app.open_sandbox()

    def action_open_selected(self) -> None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is not None:
            self.app.open_section(option_list.get_option_at_index(option_list.highlighted).id)
