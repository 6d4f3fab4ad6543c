"""The practice language's operations as data: one `Action` per command, and what it returned."""

from __future__ import annotations

from typing import NamedTuple

from .messages import Msg


class Action(NamedTuple):
    """One command: `verb` and its arguments, and the attempt line it came from (if any)."""

    verb: str
    args: tuple[str, ...] = ()
    line: int | None = None

    def text(self) -> str:
        return " ".join((self.verb, *self.args))

    # Convenience constructors keep strategy scripts readable.
    @staticmethod
    def of(text: str, line: int | None = None) -> Action:
        verb, *args = text.split()
        return Action(verb.lower(), tuple(args), line)


class ActionResult(NamedTuple):
    """What an action reported: ok or not, a one-line message, and any report lines."""

    action: Action
    ok: bool
    message: Msg
    lines: tuple[Msg, ...] = ()
    started: float = 0.0
    ended: float = 0.0
