"""The quiz's keys and marks."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from app.ui.dialogs.any_key import AnyKeyModal
from app.ui.widgets.quiz_view import hanging
from app.words import word

HELP_KEYS = (("1-9", "quiz.help.digits"), ("↑ ↓", "quiz.help.arrows"),
             ("Enter", "quiz.help.enter"), ("Space", "quiz.help.space"), ("s", "quiz.help.skip"),
             ("PgUp PgDn", "quiz.help.pages"), ("r", "quiz.help.retake"),
             ("l", "quiz.help.lang"), ("Esc", "quiz.help.leave"))


class QuizHelpScreen(AnyKeyModal):
    """The quiz's keys and marks in the current language; any key closes it."""

    DEFAULT_CSS = """
    QuizHelpScreen { align: center middle; }
    QuizHelpScreen > Vertical { width: auto; max-width: 90%; height: auto; max-height: 90%;
                                border: round $accent; padding: 0 2; background: $panel; }
    QuizHelpScreen > Vertical > Static { width: auto; }
    """

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        lang = self.lang
        table = hanging(max(cell_len(k) for k, _ in HELP_KEYS), expand=False)
        for key, words in HELP_KEYS:
            table.add_row(Text(key, style="bold"), word(words, lang))
        with Vertical() as box:
            box.border_title = word("quiz.help.title", lang)
            yield Static(table)
            yield Static("")
            yield Static(Text(word("quiz.help.marks", lang)))
            yield Static(Text(word("quiz.help.dismiss", lang), style="dim"))
