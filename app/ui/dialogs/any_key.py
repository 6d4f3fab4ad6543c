"""The base of the help dialogs: a modal that any key or click closes, and the help box."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.console import RenderableType
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from app.ui.widgets.chrome import dismiss_once
from app.words import word


class AnyKeyModal(ModalScreen[None]):
    """A modal that any key or click closes (the help screens)."""

    def on_key(self, event: events.Key) -> None:
        event.stop()
        dismiss_once(self)

    def on_click(self) -> None:
        dismiss_once(self)


class HelpModal(AnyKeyModal):
    """A help screen: a titled box in the middle, sized to its text, of one `Static` per block
    that `blocks` gives, in the current language; any key closes it.

    The box's CSS is scoped to this class (Textual scopes a class's DEFAULT_CSS to it), so a
    subclass changes only what differs, e.g. `PracticeHelpScreen > Vertical { max-width: 96%; }`.
    """

    DEFAULT_CSS = """
    HelpModal { align: center middle; }
    HelpModal > Vertical { width: auto; max-width: 90%; height: auto; max-height: 90%;
                           border: round $accent; padding: 0 2; background: $panel; }
    HelpModal > Vertical > Static { width: auto; }
    """
    TITLE_KEY: ClassVar[str]  # the catalogue key of the box's title
    BOX_ID: ClassVar[str | None] = None

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def blocks(self) -> Iterable[RenderableType]:
        """What the box shows, one block after another."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id=self.BOX_ID) as box:
            box.border_title = word(self.TITLE_KEY, self.lang)
            for block in self.blocks():
                yield Static(block)
