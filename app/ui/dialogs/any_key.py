"""The base of the help dialogs: a modal that any key or click closes."""

from __future__ import annotations

from textual import events
from textual.screen import ModalScreen

from app.ui.widgets.chrome import dismiss_once


class AnyKeyModal(ModalScreen[None]):
    """A modal that any key or click closes (the help screens)."""

    def on_key(self, event: events.Key) -> None:
        event.stop()
        dismiss_once(self)

    def on_click(self) -> None:
        dismiss_once(self)
