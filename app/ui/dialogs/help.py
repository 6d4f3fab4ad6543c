"""The help modal: every key and how to read the stage, in the current language."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from app.ui.dialogs.any_key import HelpModal
from app.ui.widgets.canvas import fit
from app.words import word

KEYS = (("→  Space", "help.next"), ("←", "help.prev"), ("p", "help.play"), ("+  -", "help.speed"),
        ("r", "help.reset"), ("PgDn  PgUp", "help.page"), ("l", "help.lang"),
        ("Ctrl+P", "help.palette"), ("Esc", "help.back"),
        ("x", "help.practice"), ("s", "help.sandbox"), ("t", "help.quiz"), ("c", "help.teacher"),
        ("?", "key.help"), ("q", "help.quit"))
LEGEND = ("help.legend.versions", "help.legend.links", "help.legend.focus")


class HelpScreen(HelpModal):
    """Lists the keys; any key closes it."""

    TITLE_KEY = "help.title"
    BOX_ID = "help-box"

    def __init__(self, lang: str, practice: bool = False, sandbox: bool = False):
        super().__init__(lang)
        self.practice = practice
        self.sandbox = sandbox  # on the map, where s opens the sandbox

    def blocks(self):
        lang = self.lang
        keys = [k for k in KEYS if (k[0] != "x" or self.practice) and (k[0] != "s" or self.sandbox)]
        key_w = max(cell_len(k) for k, _ in keys) + 2
        table = Text()
        for key, text in keys:
            table.append(fit(key, key_w), style="bold")
            table.append(word(text, lang) + "\n")
        legend = Text()
        legend.append(word("help.legend.heading", lang) + "\n", style="bold")
        for key in LEGEND:
            legend.append(word(key, lang) + "\n")
        legend.append("\n" + word("help.dismiss", lang), style="dim")
        yield table
        yield ""
        yield legend
