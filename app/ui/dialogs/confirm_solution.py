"""Asks before the reference solution replaces the learner's attempt."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from app.ui.widgets.chrome import dismiss_once
from app.words import word


class ConfirmSolutionScreen(ModalScreen[bool]):
    """Asks before the reference solution replaces the attempt; y / n / Escape answer."""

    DEFAULT_CSS = """
    ConfirmSolutionScreen { align: center middle; }
    ConfirmSolutionScreen > Vertical { width: 64; max-width: 95%; height: auto;
                                       border: round $warning; padding: 1 2; background: $panel; }
    ConfirmSolutionScreen #confirm-body { margin: 0 0 1 0; }
    ConfirmSolutionScreen Horizontal { height: auto; align: center middle; }
    ConfirmSolutionScreen Button { margin: 0 1; }
    """
    BINDINGS = [("y", "answer(True)", "Yes"), ("n,escape", "answer(False)", "No")]

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = word("practice.confirm.title", self.lang)
            yield Static(word("practice.confirm.body", self.lang), id="confirm-body")
            with Horizontal():
                yield Button(word("practice.confirm.no", self.lang), id="confirm-no",
                             variant="primary")
                yield Button(word("practice.confirm.yes", self.lang), id="confirm-yes",
                             variant="warning")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        dismiss_once(self, event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        dismiss_once(self, yes)
