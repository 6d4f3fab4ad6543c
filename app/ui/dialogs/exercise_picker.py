"""The exercise picker: every exercise (or a section's) with the learner's best so far; Enter
starts one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from app.ui.widgets.chrome import (
    CourseHeader,
    KeyFooter,
    TooSmall,
    dismiss_once,
    emphasised,
    preset_breakpoints,
)
from app.ui.widgets.console import localize
from app.words import word
from models.exercises import Exercise


class ExercisePickerScreen(Screen[str | None]):
    """Every exercise and seeded variant, with the learner's best so far; Enter starts one."""

    DEFAULT_CSS = """
    ExercisePickerScreen #picker-heading { height: auto; padding: 1 2 0 2; text-style: bold; }
    ExercisePickerScreen #picker-list { height: 1fr; margin: 1 2; border: none; }
    ExercisePickerScreen #picker-goal { height: auto; max-height: 12; padding: 0 2 1 2;
                                        border-top: solid $primary 50%; }
    """
    PICKER_KEYS = (("enter", "open", "practice.key.open"), ("l", "app.switch_lang", "key.lang"),
                   ("escape", "close", "practice.key.back"))

    def __init__(self, current: str | None = None, only: tuple[str, ...] | None = None):
        super().__init__()
        self.current = current
        self.only = only  # a section's exercises, in the section's order (None: every one)

    @property
    def lang(self) -> str:
        return self.app.lang

    def exercises(self) -> list[Exercise]:
        known = self.app.exercises()
        if self.only is not None:
            return [known[e] for e in self.only if e in known]
        return sorted(known.values(), key=lambda e: (e.order, e.id))

    def compose(self) -> ComposeResult:
        preset_breakpoints(self)
        localize(self, self.PICKER_KEYS, self.lang, word)
        yield CourseHeader(show_clock=False, icon="◆")
        yield Static(id="picker-heading")
        yield OptionList(id="picker-list")
        yield Static(id="picker-goal")
        yield KeyFooter(show_command_palette=False)
        yield TooSmall()

    def on_mount(self) -> None:
        self.fill()
        self.query_one(OptionList).focus()

    def on_resize(self) -> None:
        self.query_one(TooSmall).show_size(self.app.size.width, self.app.size.height)

    def fill(self) -> None:
        lang = self.lang
        self.query_one("#picker-heading", Static).update(word("practice.picker.heading", lang))
        attempts: dict[str, list] = {}
        for attempt in self.app.store.practice_attempts():
            attempts.setdefault(attempt.exercise, []).append(attempt)
        options = []
        for exercise in self.exercises():
            tries = attempts.get(exercise.id, [])
            prompt = Text(no_wrap=True, overflow="ellipsis")
            prompt.append(exercise.text(lang).title, style="bold")
            if tries:
                best = max(a.score for a in tries)
                if any(a.counts_as_passed for a in tries):
                    prompt.append("  " + word("practice.picker.passed", lang), style="bold green")
                prompt.append("  " + word("practice.picker.best", lang, score=best, n=len(tries)),
                              style="dim")
            else:
                prompt.append("  " + word("practice.picker.new", lang), style="dim")
            options.append(Option(prompt, id=exercise.id))
        option_list = self.query_one(OptionList)
        keep = option_list.highlighted
        option_list.clear_options()
        option_list.add_options(options)
        ids = [o.id for o in options]
        if keep is None:
            keep = ids.index(self.current) if self.current in ids else 0
        option_list.highlighted = keep
        self.describe(ids[keep])

    def describe(self, exercise_id: str) -> None:
        exercise = next(e for e in self.exercises() if e.id == exercise_id)
        text = exercise.text(self.lang)
        body = Text()
        body.append(emphasised(text.goal))
        body.append("\n\n")
        body.append(word("practice.picker.open", self.lang), style="dim")
        self.query_one("#picker-goal", Static).update(body)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_id:
            self.describe(event.option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        dismiss_once(self, event.option_id)

    def action_open(self) -> None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is not None:
            dismiss_once(self, option_list.get_option_at_index(option_list.highlighted).id)

    def action_close(self) -> None:
        dismiss_once(self, None)

    def apply_lang(self) -> None:
        localize(self, self.PICKER_KEYS, self.lang, word)
        self.fill()
