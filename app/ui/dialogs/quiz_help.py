"""The quiz's keys and marks."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from app.ui.dialogs.any_key import HelpModal
from app.ui.widgets.quiz_view import hanging
from app.words import word

HELP_KEYS = (("1-9", "quiz.help.digits"), ("↑ ↓", "quiz.help.arrows"),
             ("Enter", "quiz.help.enter"), ("Space", "quiz.help.space"), ("s", "quiz.help.skip"),
             ("PgUp PgDn", "quiz.help.pages"), ("r", "quiz.help.retake"),
             ("l", "quiz.help.lang"), ("Esc", "quiz.help.leave"))


class QuizHelpScreen(HelpModal):
    """The quiz's keys and marks in the current language; any key closes it."""

    TITLE_KEY = "quiz.help.title"

    def blocks(self):
        lang = self.lang
        table = hanging(max(cell_len(k) for k, _ in HELP_KEYS), expand=False)
        for key, words in HELP_KEYS:
            table.add_row(Text(key, style="bold"), word(words, lang))
        yield table
        yield ""
        yield Text(word("quiz.help.marks", lang))
        yield Text(word("quiz.help.dismiss", lang), style="dim")
