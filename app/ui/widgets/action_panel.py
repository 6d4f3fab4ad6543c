"""The practice language as buttons, for people who would rather not type.

Pick a command, then each word it needs (a target, a group, a version, ...) from buttons that
list only what fits now (the grammar table says what comes next: `next_words`); the command is
spelled out as it grows (the console shows it too) and runs once it is complete. Under it, the
attempt's controls: hint, undo, reset, done, solution, and, once graded, stepping the replay.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static

from app.ui.widgets.console import Choice, Vocabulary, next_words, whole

BUILD, GRADED, DEMO = "build", "graded", "demo"
CONTROLS = {
    BUILD: ("hint", "undo", "reset", "done", "solution"),
    DEMO: ("reset",),
    GRADED: ("prev", "next", "undo", "again", "solution"),
}
ALL_CONTROLS = ("prev", "next", "hint", "undo", "reset", "again", "done", "solution", "save")
VARIANTS = {"done": "success", "solution": "warning", "again": "primary", "save": "primary"}
RUN = "\x00run"  # the run button's name: no word of the language can be it


class ActionPanel(Vertical):
    """Buttons that build one command word by word, and the attempt's controls."""

    DEFAULT_CSS = """
    ActionPanel { height: auto; padding: 0 1; border-top: solid $primary 50%; }
    ActionPanel #builder-prompt { height: 1; text-style: bold; }
    ActionPanel #builder-choices { height: auto; grid-size: 6; grid-gutter: 0 1;
                                   grid-rows: 1; margin: 0 0 1 0; }
    ActionPanel #builder-choices Button { width: 100%; min-width: 4; }
    ActionPanel #controls { height: auto; }
    ActionPanel #controls Button { width: auto; margin: 0 1 0 0; }
    ActionPanel.-narrow #builder-choices { grid-size: 4; }
    """

    class Built(Message):
        """The command the buttons have spelled so far; `complete` when it is ready to run."""

        def __init__(self, text: str, complete: bool):
            super().__init__()
            self.text = text
            self.complete = complete

    class Control(Message):
        """A control button: hint, undo, reset, done, solution, prev, next or again."""

        def __init__(self, what: str):
            super().__init__()
            self.what = what

    def __init__(self, vocabulary: Callable[[], Vocabulary], lang: str,
                 words: Callable[..., str], *, id: str | None = None,
                 controls: dict | None = None, labels: dict | None = None):
        super().__init__(id=id)
        self.controls = controls or CONTROLS  # by mode, the control buttons shown (the sandbox's)
        self.labels = labels or {}  # a control's word key instead of practice.btn.<control>
        self.vocabulary = vocabulary
        self.lang = lang
        self.words = words
        self.sofar: list[str] = []
        self.mode = BUILD
        self.withheld: set[str] = set()  # controls this attempt does not offer (an exam's solution)
        self.choices: tuple[str, ...] = ()
        self._kinds: dict[str, object] = {}  # the kind of each word the buttons offer now
        self._last_kind = None  # the kind of the last word pressed (None: a command or keyword)
        self._drawn: tuple | None = None  # what the panel shows now; mounting buttons is costly

    def compose(self) -> ComposeResult:
        yield Static(id="builder-prompt")
        yield Grid(id="builder-choices")
        with Horizontal(id="controls"):
            for what in ALL_CONTROLS:
                yield Button(what, id=f"ctl-{what}", compact=True,
                             variant=VARIANTS.get(what, "default"))

    def on_mount(self) -> None:
        if self.query("#controls"):  # else its screen was closed before this ran
            self.rebuild()

    # --- what the screen calls -------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.sofar = []
        self.rebuild()

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.rebuild()

    def clear(self) -> None:
        """Forget a half-built command (the learner typed one instead) and offer commands."""
        if self.sofar:
            self.sofar = []
        self.rebuild()

    # --- building ---------------------------------------------------------------------------
    def _options(self) -> tuple[str | None, tuple[Choice, ...]]:
        return next_words(self.sofar, self.vocabulary())

    def label_of(self, word: str, kind) -> str:
        if kind is not None and kind.label:
            return self.words(kind.label, self.lang, n=word)
        return word

    def rebuild(self) -> None:
        if not self.is_mounted:
            return
        lang = self.lang
        prompt_key, options = self._options() if self.mode == BUILD else (None, ())
        drawn = (self.mode, lang, tuple(self.sofar), prompt_key, options)
        if drawn == self._drawn:
            return
        self._drawn = drawn
        prompt = self.query_one("#builder-prompt", Static)
        grid = self.query_one("#builder-choices", Grid)
        grid.remove_children()
        if self.mode == BUILD:
            self.choices = tuple(word for word, _ in options)
            # A command that takes several targets runs once it has one, or goes on.
            runnable = bool(options) and all(whole(self.sofar, self._last_kind))
            if self.sofar:
                what = self.words(prompt_key, lang) if prompt_key else ""
                if runnable:
                    what = self.words("practice.arg.or_run", lang, what=what)
                prompt.update(self.words("practice.builder.next", lang, sofar=" ".join(self.sofar),
                                         what=what))
            else:
                prompt.update(self.words("practice.builder.pick", lang))
            buttons = [Button(self.label_of(word, kind), name=word, classes="choice",
                              compact=True) for word, kind in options]
            if runnable:
                buttons.append(Button(self.words("practice.btn.run", lang), name=RUN,
                                      classes="run", compact=True, variant="success"))
            if self.sofar:
                buttons.append(Button(self.words("practice.btn.cancel", lang), name="",
                                      classes="cancel", compact=True, variant="warning"))
            self._kinds = dict(options)
            grid.mount_all(buttons)
            grid.display = True
        else:
            self.choices = ()
            prompt.update(self.words("practice.actions.heading", lang) if self.mode == DEMO else "")
            grid.display = False
        for what in ALL_CONTROLS:
            button = self.query_one(f"#ctl-{what}", Button)
            button.label = self.words(self.labels.get(what, f"practice.btn.{what}"), lang)
            button.display = what in self.controls[self.mode] and what not in self.withheld

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button
        if button.id and button.id.startswith("ctl-"):
            self.post_message(self.Control(button.id.removeprefix("ctl-")))
            return
        word = button.name or ""
        if not word:  # cancel
            self.sofar = []
            self.post_message(self.Built("", False))
        elif word == RUN:
            self.post_message(self.Built(" ".join(self.sofar), True))
            self.sofar = []
        else:
            self.sofar.append(word)
            self._last_kind = self._kinds.get(word)
            runs, goes_on = whole(self.sofar, self._last_kind)
            complete = self._options()[1] == () or (runs and not goes_on)
            self.post_message(self.Built(" ".join(self.sofar), complete))
            if complete:
                self.sofar = []
        self.rebuild()
        self.call_after_refresh(self._focus_first_choice)

    def _focus_first_choice(self) -> None:
        buttons = self.query("#builder-choices Button")
        if buttons:
            buttons.first().focus()
