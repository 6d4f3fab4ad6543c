"""The CI/CD stage: one row per pipeline stage, one column per commit, a glyph and colour per state.

Glyphs carry the meaning (✓ ▶ ✗ – ·) so the grid reads without colour.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment

from app.ui.widgets.canvas import Line, LinesView, fit
from app.ui.widgets.stage import format_clock
from app.words import word
from models.pipeline import STAGES, PipelineFrame

GLYPHS = {"waiting": "·", "running": "▶", "passed": "✓", "failed": "✗", "skipped": "–"}


class PipelineView(LinesView):
    """Draws a `PipelineFrame` as a grid of stages × commits."""

    DEFAULT_CSS = """
    PipelineView { height: 1fr; padding: 0 1; }
    """

    def __init__(self, label: str, lang: str, *, id: str | None = None):
        super().__init__(id=id)
        self.label = label
        self.lang = lang
        self.frame: PipelineFrame | None = None
        self.focus_names: frozenset[str] = frozenset()

    def show(self, frame: PipelineFrame | None, focus: frozenset[str] = frozenset()) -> None:
        self.frame, self.focus_names = frame, focus
        self.redraw()

    def set_texts(self, label: str, lang: str) -> None:
        self.label, self.lang = label, lang
        self.redraw()

    def build(self, width: int, height: int) -> list[Line]:
        pal = self.palette
        lang = self.lang
        lines: list[Line] = [[Segment(self.label, pal.strong)]]
        frame = self.frame
        if frame is None:
            return lines
        states = {"waiting": pal.dim, "running": pal.checking, "passed": pal.healthy,
                  "failed": pal.error, "skipped": pal.dim}
        lines.append([Segment(word(f"pipe.{frame.mode}", lang), pal.warning + pal.strong),
                      Segment("   " + word("m.time", lang, t=format_clock(frame.t)), pal.dim)])
        lines.append([])
        label_w = max(cell_len(word(f"pipe.{s}", lang)) for s in STAGES) + 4
        commits = [word("pipe.commit", lang, n=i + 1) for i in range(len(frame.stages))]
        col_w = max([cell_len(c) for c in commits] + [4]) + 2
        header: Line = [Segment(" " * label_w)]
        for text in commits:
            header.append(Segment(fit(text, col_w), pal.strong))
        lines.append(header)
        spacious = height >= 2 * len(STAGES) + 8
        for j, stage in enumerate(STAGES):
            focused = stage in self.focus_names
            row: Line = [Segment("» " if focused else "  ", pal.warning + pal.strong),
                         Segment(fit(word(f"pipe.{stage}", lang), label_w - 2),
                                 pal.focus if focused else pal.strong)]
            for commit_states in frame.stages:
                state = commit_states[j]
                glyph = GLYPHS.get(state, "?")
                pad = (cell_len(commits[0]) - 1) // 2
                row.append(Segment(fit(" " * pad + glyph, col_w), states.get(state, pal.dim)))
            lines.append(row)
            if spacious and j < len(STAGES) - 1:
                arrows: Line = [Segment(" " * label_w)]
                for _ in frame.stages:
                    pad = (cell_len(commits[0]) - 1) // 2
                    arrows.append(Segment(fit(" " * pad + "│", col_w), pal.link_off))
                lines.append(arrows)
        lines.append([])
        deployed = ", ".join(word("pipe.commit", lang, n=c) for c in frame.deployed)
        lines.append([Segment(word("pipe.deployed", lang, list=deployed or word("pipe.none", lang)),
                              pal.healthy if frame.deployed else pal.dim)])
        lines.append([Segment(word("pipe.legend", lang), pal.dim)])
        return lines
