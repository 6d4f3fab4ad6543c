"""Asks before a quiz is left midway."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from app.ui.widgets.chrome import dismiss_once
from app.words import word


class LeaveQuizScreen(ModalScreen[bool]):
    """Asks before throwing away a quiz midway: y or Enter leaves, n or Escape stays."""

    DEFAULT_CSS = """
    LeaveQuizScreen { align: center middle; }
    LeaveQuizScreen > Vertical { width: auto; max-width: 90%; height: auto;
                                 border: round $warning; padding: 0 2; background: $panel; }
    """
    BINDINGS = [Binding("y,enter", "answer(True)", show=False),
                Binding("n,escape", "answer(False)", show=False)]

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = word("quiz.leave.title", self.lang)
            yield Static(Text(word("quiz.leave.body", self.lang)))
            yield Static(Text(word("quiz.leave.keys", self.lang), style="bold"))

    def action_answer(self, leave: bool) -> None:
        dismiss_once(self, leave)
