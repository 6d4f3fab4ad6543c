"""Practice mode's keys, and the practice language's commands (from the grammar table)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from app.practice_words import pt
from app.ui.dialogs.any_key import AnyKeyModal
from app.ui.widgets.canvas import fit
from app.words import tr
from models.grammar import usage_lines

TYPING_KEYS = (("Enter", "help.enter"), ("Tab", "help.tab"), ("↑ ↓", "help.history"),
               ("Esc", "help.escape_typing"))
OTHER_KEYS = (("/  i", "help.type"), ("h", "help.hint"), ("u", "help.undo"), ("r", "help.reset"),
              ("d", "help.done"), ("s", "help.solution"), ("e", "help.exercises"),
              ("← →", "help.replay"), ("l", "help.lang"), ("?", "key.help"),
              ("Esc", "help.back"))


class PracticeHelpScreen(AnyKeyModal):
    """Practice mode's keys and the command language; any key closes it."""

    DEFAULT_CSS = """
    PracticeHelpScreen { align: center middle; }
    PracticeHelpScreen > Vertical { width: auto; max-width: 96%; height: auto; max-height: 94%;
                                    border: round $accent; padding: 0 2; background: $panel; }
    PracticeHelpScreen > Vertical > Static { width: auto; }
    """

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def _word(self, key: str) -> str:
        return tr(key, self.lang) if key.startswith("key.") else pt(key, self.lang)

    def _table(self, heading: str, keys) -> Text:
        key_w = max(cell_len(k) for k, _ in keys) + 2
        text = Text()
        text.append(pt(heading, self.lang) + "\n", style="bold underline")
        for key, word in keys:
            text.append(fit(key, key_w), style="bold")
            text.append(self._word(word) + "\n")
        return text

    def compose(self) -> ComposeResult:
        lang = self.lang
        language = Text()
        language.append(pt("help.language", lang) + "\n", style="bold underline")
        for line in usage_lines():
            language.append(line + "\n")
        with Vertical() as box:
            box.border_title = pt("help.title", lang)
            yield Static(self._table("help.typing", TYPING_KEYS))
            yield Static(Text(pt("help.ctrl", lang) + "\n", style="italic"))
            yield Static(self._table("help.other", OTHER_KEYS))
            yield Static(language)
            yield Static(Text(pt("help.dismiss", lang), style="dim"))
