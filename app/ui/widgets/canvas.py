"""A widget that draws its own lines (one render pass, no child widgets) and the colours it uses.

The stage redraws up to 30 times a second; composing it from many small widgets would cost a
layout per frame. Subclasses build a list of segment lines once per change and Textual asks
for them row by row; `redraw()` refreshes without layout.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget

from app.ui.widgets.palette import Line, Palette, centre, fit

__all__ = ["Line", "Palette", "centre", "fit", "line_len", "clip", "LinesView"]


def line_len(line: Line) -> int:
    return sum(cell_len(seg.text) for seg in line)


def clip(line: Line, width: int) -> Line:
    """Keep the first `width` cells of a line, ending in … when something was cut."""
    if line_len(line) <= width:
        return line
    out: Line = []
    used = 0
    for seg in line:
        size = cell_len(seg.text)
        if used + size < width:
            out.append(seg)
            used += size
            continue
        room = width - used - 1
        if room > 0:
            out.append(Segment(set_cell_size(seg.text, room), seg.style))
        out.append(Segment("…", seg.style))
        break
    return out


class LinesView(Widget):
    """A widget rendered from lines that a subclass builds for the current size."""

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._strips: list[Strip] = []
        self._built_for: tuple[int, int] | None = None
        self._palette: Palette | None = None
        self._palette_dark: bool | None = None

    @property
    def palette(self) -> Palette:
        dark = self.app.current_theme.dark
        if self._palette is None or self._palette_dark != dark:
            self._palette = Palette.for_theme(dark)
            self._palette_dark = dark
        return self._palette

    def build(self, width: int, height: int) -> list[Line]:
        raise NotImplementedError

    def redraw(self) -> None:
        """Rebuild the lines on the next paint; the size does not change, so no layout."""
        self._built_for = None
        self.refresh(layout=False)

    def _rebuild(self) -> None:
        width, height = self.content_size
        base = self.rich_style
        strips = []
        for line in self.build(width, height)[:height]:
            strips.append(Strip(clip(line, width)).adjust_cell_length(width).apply_style(base))
        self._strips = strips
        self._built_for = (width, height)

    def render_line(self, y: int) -> Strip:
        size = self.content_size
        if self._built_for != (size.width, size.height):
            self._rebuild()
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(size.width, self.rich_style)

    def on_resize(self) -> None:
        self._built_for = None
