"""Messages the engine, parser and grader produce: catalogue keys with parameters, never sentences.

The words live in `lessons/<lang>/words.toml`; the app renders a `Msg` (`lessons.words.render`).
"""

from __future__ import annotations

from typing import NamedTuple


class Msg(NamedTuple):
    """A message: its key in the catalogue's `table` (engine messages: `msg`) and parameters.

    A parameter may itself be a `Msg`, or a tuple of parts (a list, joined when rendered).
    """

    key: str
    params: tuple[tuple[str, object], ...] = ()
    table: str = "msg"

    @staticmethod
    def of(key: str, **params: object) -> Msg:
        return Msg(key, tuple(params.items()))

    @property
    def catalogue_key(self) -> str:
        return f"{self.table}.{self.key}"
