"""The first screen of a served course: the learner types a display name, which becomes their
profile (the same rules as `--profile`); a name that cannot be one is asked again, with why."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from app.store import PROFILE_MAX_CHARS, ProfileNameError, validate_profile
from app.words import word

# ProfileNameError.kind -> the sentence that says what to change.
REASONS = {
    "empty": "name.reason.empty",
    "long": "name.reason.long",
    "control": "name.reason.control",
    "space": "name.reason.space",
    "separator": "name.reason.character",
    "character": "name.reason.character",
    "start": "name.reason.start",
    "reserved": "name.reason.reserved",
}
# Room for a name too long to keep, so the learner sees it whole and is told to shorten it.
INPUT_MAX_CHARS = 4 * PROFILE_MAX_CHARS


def name_problem(text: str, lang: str) -> tuple[str | None, str]:
    """(the sentence saying why `text` cannot be a name, or None; the name as it is kept)."""
    name = text.strip()  # spaces around a name are a slip of the finger, not part of it
    try:
        return None, validate_profile(name)
    except ProfileNameError as err:
        char = err.char
        shown = f"U+{ord(char):04X}" if char and not char.isprintable() else char
        key = REASONS.get(err.kind, "name.reason.character")
        return word(key, lang, max=PROFILE_MAX_CHARS, count=len(name), char=shown,
                    name=name[:PROFILE_MAX_CHARS]), name


class NameScreen(Screen):
    """Asks for the learner's name; Enter hands a good one to the App (`learner_named`)."""

    DEFAULT_CSS = """
    NameScreen { align: center middle; }
    NameScreen > Vertical { width: 72; max-width: 100%; height: auto; padding: 1 2;
                            border: round $primary; background: $panel; }
    NameScreen #name-title { text-style: bold; margin-bottom: 1; }
    NameScreen #name-input { margin: 1 0 0 0; }
    NameScreen #name-rules { color: $text-muted; }
    NameScreen #name-problem { color: $text-error; margin-top: 1; height: auto; }
    """

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical():
            yield Static(Text(word("name.title", lang)), id="name-title")
            yield Static(Text(word("name.prompt", lang)), id="name-prompt")
            yield Input(placeholder=word("name.placeholder", lang), id="name-input",
                        max_length=INPUT_MAX_CHARS)
            yield Static(Text(word("name.rules", lang, max=PROFILE_MAX_CHARS)), id="name-rules")
            yield Static("", id="name-problem")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem, name = name_problem(event.value, self.lang)
        if problem is not None:
            self.query_one("#name-problem", Static).update(Text(problem))
            return
        self.app.learner_named(name)
