"""Practice mode's keys, and the practice language's commands (from the grammar table)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from app.ui.dialogs.any_key import HelpModal
from app.ui.widgets.canvas import fit
from app.words import word
from models.grammar import usage_lines

TYPING_KEYS = (("Enter", "practice.help.enter"), ("Tab", "practice.help.tab"),
               ("↑ ↓", "practice.help.history"), ("Esc", "practice.help.escape_typing"))
OTHER_KEYS = (("/  i", "practice.help.type"), ("h", "practice.help.hint"),
              ("u", "practice.help.undo"), ("r", "practice.help.reset"),
              ("d", "practice.help.done"), ("s", "practice.help.solution"),
              ("e", "practice.help.exercises"), ("x", "practice.help.exam"),
              ("← →", "practice.help.replay"),
              ("l", "practice.help.lang"), ("?", "key.help"), ("Esc", "practice.help.back"))
SANDBOX_KEYS = (("/  i", "practice.help.type"), ("u", "practice.help.undo"),
                ("r", "practice.help.reset"), ("d", "sandbox.help.done"),
                ("w", "sandbox.help.save"), ("← →", "practice.help.replay"),
                ("l", "practice.help.lang"), ("?", "key.help"), ("Esc", "practice.help.back"))


class PracticeHelpScreen(HelpModal):
    """Practice mode's keys and the command language; any key closes it."""

    DEFAULT_CSS = """
    PracticeHelpScreen > Vertical { max-width: 96%; max-height: 94%; }
    """
    TITLE_KEY = "practice.help.title"

    def __init__(self, lang: str, *, sandbox: bool = False):
        super().__init__(lang)
        self.sandbox = sandbox  # the sandbox's keys: no hint, solution, exercises or exam

    def _table(self, heading: str, keys) -> Text:
        key_w = max(cell_len(k) for k, _ in keys) + 2
        text = Text()
        text.append(word(heading, self.lang) + "\n", style="bold underline")
        for key, what in keys:
            text.append(fit(key, key_w), style="bold")
            text.append(word(what, self.lang) + "\n")
        return text

    def blocks(self):
        lang = self.lang
        language = Text()
        language.append(word("practice.help.language", lang) + "\n", style="bold underline")
        for line in usage_lines():
            language.append(line + "\n")
        yield self._table("practice.help.typing", TYPING_KEYS)
        yield Text(word("practice.help.ctrl", lang) + "\n", style="italic")
        yield self._table("practice.help.other", SANDBOX_KEYS if self.sandbox else OTHER_KEYS)
        yield language
        yield Text(word("practice.help.dismiss", lang), style="dim")
