"""The stage's colours and cell-exact text helpers, without Textual (the CLI uses them too)."""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style

Line = list[Segment]


class Palette(NamedTuple):
    """Colours for the stage, chosen to read on a dark terminal or on a light projector."""

    old: Style
    new: Style
    other: Style
    blue: Style
    green: Style
    healthy: Style
    checking: Style
    warning: Style
    error: Style
    dim: Style
    strong: Style
    link_off: Style
    focus: Style

    @classmethod
    def for_theme(cls, dark: bool) -> Palette:
        if dark:
            return cls(old=Style(color="#f0a040", bold=True), new=Style(color="#c792ea", bold=True),
                       other=Style(color="#a0a0a0", bold=True), blue=Style(color="#5fafff"),
                       green=Style(color="#5fd787"), healthy=Style(color="#5fd787"),
                       checking=Style(color="#5fd7d7"), warning=Style(color="#e5c07b"),
                       error=Style(color="#ff5f5f", bold=True), dim=Style(color="#808080"),
                       strong=Style(bold=True), link_off=Style(color="#585858"),
                       focus=Style(bold=True, underline=True))
        return cls(old=Style(color="#b35900", bold=True), new=Style(color="#7b2fbf", bold=True),
                   other=Style(color="#505050", bold=True), blue=Style(color="#1a5fb4"),
                   green=Style(color="#1e7a3c"), healthy=Style(color="#1e7a3c"),
                   checking=Style(color="#00707a"), warning=Style(color="#8a6d00"),
                   error=Style(color="#c01c28", bold=True), dim=Style(color="#6a6a6a"),
                   strong=Style(bold=True), link_off=Style(color="#a8a8a8"),
                   focus=Style(bold=True, underline=True))


def fit(text: str, width: int) -> str:
    """Cut or pad `text` to exactly `width` terminal cells (Korean is two cells a character)."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    if width == 1:
        return "…"
    return set_cell_size(text, width - 1) + "…"


def centre(text: str, width: int) -> str:
    """`text` in the middle of exactly `width` cells (cut with … when it does not fit)."""
    room = width - cell_len(text)
    if room <= 0:
        return fit(text, width)
    left = room // 2
    return " " * left + text + " " * (room - left)
