"""The base of the help dialogs: a modal that any key or click closes."""

from __future__ import annotations

from textual import events
from textual.screen import ModalScreen


class AnyKeyModal(ModalScreen[None]):
    """A modal that any key or click closes (the help screens)."""

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self.dismiss()

    def on_click(self) -> None:
        self.dismiss()
