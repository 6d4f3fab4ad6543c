"""The course map: the chapter's sections by number and title, what is done, what each holds."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from app.ui.widgets.canvas import fit
from app.ui.widgets.chrome import KeyFooter, TooSmall, localize_bindings, preset_breakpoints
from app.words import word

MAP_KEYS = (
    ("enter", "open_selected", "key.open"),
    ("t", "quiz", "key.quiz"),
    ("x", "practice", "key.practice"),
    ("c", "teacher", "key.teacher", False),  # for the teacher: in the help, not the footer
    ("l", "app.switch_lang", "key.lang"),
    ("question_mark", "app.help", "key.help"),
    ("q", "app.quit", "key.quit"),
)


class CourseMapScreen(Screen):
    """Lists every section; Enter opens the highlighted one."""

    def __init__(self) -> None:
        super().__init__()
        self._progress = None  # quiz and practice records, read after the map is painted
        self._reading = False

    def compose(self) -> ComposeResult:
        preset_breakpoints(self)
        localize_bindings(self, MAP_KEYS, self.app.lang)  # before the footer first reads them
        yield Header(show_clock=False, icon="◆")
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
        self.query_one(OptionList).focus()
        self._want_progress()

    def on_screen_resume(self) -> None:
        self._progress = None  # a lesson, quiz or exercise may have just been done
        self.refresh_sections()
        self._want_progress()

    def on_resize(self) -> None:
        self.query_one(TooSmall).show_size(self.app.size.width, self.app.size.height)

    def apply_lang(self) -> None:
        localize_bindings(self, MAP_KEYS, self.app.lang)
        self.show_heading()
        self.refresh_sections()

    def show_heading(self) -> None:
        self.query_one("#map-heading", Static).update(
            Text(word("map.heading", self.app.lang), style="bold"))

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
        if section.exercise:
            body.append(word("map.practice", lang) + "\n", style="italic")
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
            {s.exercise: s.id for s in self.app.toc.sections if s.exercise})
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
        if record.practice:
            out.append(word("map.practice_best", lang, score=record.practice.best_score,
                          n=record.practice.attempts))
            if record.practice.passed:
                out.append(word("map.practice_passed", lang), style="bold green")
            out.append("\n")
        return out

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_id:
            self._describe(event.option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_id:
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
        self.app.pick_practice()

    def action_teacher(self) -> None:
        self.app.open_teacher()

    def action_open_selected(self) -> None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is not None:
            self.app.open_section(option_list.get_option_at_index(option_list.highlighted).id)
