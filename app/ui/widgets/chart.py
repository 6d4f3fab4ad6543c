"""The capacity chart as lines of segments: the stage draws it and `simulate` prints it.

Rows, top to bottom: serving capacity on an absolute y axis (0 … the fleet, or 2N) stacked by
version, with the capacity the lesson needs marked (▔); failures by reason; p95 latency as a
sparkline; the time axis; a legend. Each part differs by glyph, not only by colour, so the chart
reads with NO_COLOR: █ old version, ▓ new, ▒ another, ░ reached within the column but not held,
and one glyph per failure reason. Text is measured in cells (Korean labels are two a character).
No Textual here (rich only), so the command line can draw it.
"""

from __future__ import annotations

import statistics
from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from app.ui.widgets.palette import Line, Palette, fit
from app.words import word
from models.chart import Column, Timeline, columns, reasons_seen, version_at

BARS = "▁▂▃▄▅▆▇█"
VERSION_GLYPHS = ("█", "▓")  # the old version, the new one
OTHER_GLYPH = "▒"
RANGE_GLYPH = "░"
NEEDED_GLYPH = "▔"
NO_FAILURE = "·"
REASON_GLYPHS = {"no_target": "○", "down": "✗", "bad_gateway": "⊘", "overloaded": "▲",
                 "http_500": "!", "cut": "/"}
NICE_STEPS_S = (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)


class Plan(NamedTuple):
    """Which rows the chart draws in the height it was given."""

    cap_rows: int
    time_axis: bool
    legend: bool
    latency: bool
    baseline: bool

    @property
    def height(self) -> int:
        return self.cap_rows + 1 + self.time_axis + self.legend + self.latency + self.baseline


def ideal_rows(top: int) -> int:
    """Capacity rows that put whole targets on each row: one a row up to 8, else a divisor."""
    if top <= 1:
        return 2
    if top <= 8:
        return top
    return next((r for r in range(8, 1, -1) if top % r == 0), 8)


def plan(height: int, top: int) -> Plan:
    """Rows handed out in order of use: a capacity row and the failure row, the time axis, a
    second capacity row, the legend, latency, the capacity rows a whole scale needs, a baseline."""
    if height < 2:
        return Plan(0, False, False, False, False)
    left = height - 2
    time_axis = left >= 1
    left -= time_axis
    cap = 1 + (left >= 1)
    left -= cap - 1
    legend = left >= 1
    left -= legend
    latency = left >= 1
    left -= latency
    ideal = ideal_rows(top)
    # Whole targets a row, or two rows a target on a big screen (at most 16 rows).
    room = min(max(ideal, 16 if ideal <= 8 else ideal), cap + left)
    rows = next(r for r in range(room, 0, -1)
                if ideal % r == 0 or r % ideal == 0 and r <= 2 * ideal or r == 1)
    rows = max(rows, cap)
    left -= rows - cap
    return Plan(rows, time_axis, legend, latency, left >= 1)


def clock(t: float) -> str:
    sign = "-" if t < 0 else ""
    t = abs(int(round(t)))
    minutes, seconds = divmod(t, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{seconds:02d}"
    return f"{sign}{minutes}:{seconds:02d}"


def duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


class ChartStyles(NamedTuple):
    """The palette's styles the chart uses, by version position."""

    versions: tuple[Style, ...]
    other: Style
    error: Style
    warning: Style
    dim: Style
    latency: Style
    label: Style  # row labels: dim, kept apart from the axis (a Korean run would take it along)

    @classmethod
    def of(cls, pal: Palette) -> ChartStyles:
        return cls((pal.old, pal.new), pal.other, pal.error, pal.warning, pal.dim, pal.checking,
                   pal.dim + Style(italic=False))


def version_look(tl: Timeline, version: str, styles: ChartStyles) -> tuple[str, Style]:
    """A version's glyph and style: its place in the scenario decides both."""
    index = tl.versions.index(version) if version in tl.versions else len(tl.versions)
    if index < len(VERSION_GLYPHS):
        return VERSION_GLYPHS[index], styles.versions[index]
    return OTHER_GLYPH, styles.other


def gutter_width(lang: str, top: int) -> tuple[int, int]:
    """(label cells, tick cells) left of the plot."""
    label_w = max(cell_len(word(k, lang)) for k in ("chart.capacity", "chart.failed",
                                                    "chart.latency"))
    return label_w, len(str(top))


def plot_width(tl: Timeline, width: int, lang: str) -> int:
    """Cells left for the columns once the gutter (labels and ticks) is drawn."""
    label_w, tick_w = gutter_width(lang, tl.top)
    return max(1, width - label_w - tick_w - 2)


def stretch(cols: tuple[Column, ...], width: int) -> tuple[Column, ...]:
    """A short run drawn wider: each column repeated (up to 4 cells) to fill the width."""
    k = min(4, width // len(cols)) if cols else 1
    if k <= 1:
        return cols
    out = []
    for c in cols:
        part = (c.t1 - c.t0) / k
        out.extend(c._replace(t0=c.t0 + i * part, t1=c.t0 + (i + 1) * part) for i in range(k))
    return tuple(out)


def chart_lines(tl: Timeline, width: int, height: int, styles: ChartStyles,
                lang: str) -> list[Line]:
    """The chart in at most `height` lines of `width` cells."""
    p = plan(height, tl.top)
    if not p.cap_rows:
        return []
    label_w, tick_w = gutter_width(lang, tl.top)
    cols = stretch(columns(tl, plot_width(tl, width, lang)), plot_width(tl, width, lang))
    lines = capacity_rows(tl, cols, p.cap_rows, label_w, tick_w, styles, lang)
    if p.baseline:
        lines.append([Segment(" " * label_w + " " + "0".rjust(tick_w) + "└", styles.dim),
                      Segment("─" * len(cols), styles.dim)])
    lines.append(failure_row(cols, label_w, tick_w, styles, lang))
    if p.latency:
        lines.append(latency_row(cols, label_w, tick_w, styles, lang))
    if p.time_axis:
        lines.append(time_row(cols, label_w + tick_w + 2, width, styles))
    if p.legend:
        lines.append(legend_row(tl, cols, width, styles, lang))
    return lines


def capacity_rows(tl: Timeline, cols: tuple[Column, ...], rows: int, label_w: int, tick_w: int,
                  styles: ChartStyles, lang: str) -> list[Line]:
    top, needed = tl.top, tl.needed
    unit = top / rows
    needed_row = max(0, min(rows - 1, -(-needed * rows // top) - 1)) if needed else -1
    step = max(1, top // 4)
    # Each distinct column's cells, bottom row first, worked out once: a stretched or steady
    # run repeats the same column many times, and the chart is redrawn on every tick.
    stacks: dict[tuple, list[tuple[str, Style | None]]] = {}
    for c in cols:
        key = (c.low, c.high, c.at_low, c.at_high)
        if key in stacks:
            continue
        cells = []
        for r in range(rows):
            centre = (r + 0.5) * unit
            if c.low >= centre:
                cells.append(version_look(tl, version_at(c.at_low, tl.versions, centre), styles))
            elif c.high >= centre:
                _, style = version_look(tl, version_at(c.at_high, tl.versions, centre), styles)
                cells.append((RANGE_GLYPH, style))
            elif r == needed_row:
                cells.append((NEEDED_GLYPH, styles.warning))
            else:
                cells.append((" ", None))
        stacks[key] = cells
    column_cells = [stacks[(c.low, c.high, c.at_low, c.at_high)] for c in cols]
    out: list[Line] = []
    for r in range(rows - 1, -1, -1):
        upper = (r + 1) * unit
        value = round(upper)
        labelled = abs(upper - value) < 1e-9 and (value in (top, needed) or value % step == 0)
        label = word("chart.capacity", lang) if r == rows - 1 else ""
        tick = str(value).rjust(tick_w) if labelled else " " * tick_w
        line: Line = [Segment(fit(label, label_w) + " ", styles.label),
                      Segment(tick, styles.warning if r == needed_row else styles.dim),
                      Segment("┤" if labelled else "│", styles.dim)]
        run, run_style = "", None
        for cells in column_cells:
            glyph, style = cells[r]
            if style is not run_style and run:
                line.append(Segment(run, run_style))
                run = ""
            run += glyph
            run_style = style
        if run:
            line.append(Segment(run, run_style))
        out.append(line)
    return out


def failure_row(cols: tuple[Column, ...], label_w: int, tick_w: int, styles: ChartStyles,
                lang: str) -> Line:
    cells = "".join(REASON_GLYPHS.get(c.reason, "✗") if c.failed else NO_FAILURE for c in cols)
    line: Line = [Segment(fit(word("chart.failed", lang), label_w), styles.label),
                  Segment(" " + " " * tick_w + "▕", styles.dim)]
    run, run_fail = "", False
    for ch in cells:
        fail = ch != NO_FAILURE
        if run and fail != run_fail:
            line.append(Segment(run, styles.error if run_fail else styles.dim))
            run = ""
        run += ch
        run_fail = fail
    if run:
        line.append(Segment(run, styles.error if run_fail else styles.dim))
    return line


def latency_top_ms(cols: tuple[Column, ...]) -> float:
    """The sparkline's full height: the worst p95, and at least twice the usual one (so a
    steady run stays low and a climb stands out)."""
    p95s = [c.p95_ms for c in cols if c.p95_ms is not None]
    if not p95s:
        return 0.0
    return max(max(p95s), 2 * statistics.median(p95s))


def latency_row(cols: tuple[Column, ...], label_w: int, tick_w: int, styles: ChartStyles,
                lang: str) -> Line:
    top = latency_top_ms(cols)
    cells = []
    for c in cols:
        if c.p95_ms is None or top <= 0:
            cells.append(" ")
        else:
            cells.append(BARS[max(1, min(8, round(8 * c.p95_ms / top))) - 1])
    return [Segment(fit(word("chart.latency", lang), label_w), styles.label),
            Segment(" " + " " * tick_w + "▕", styles.dim), Segment("".join(cells), styles.latency)]


def time_row(cols: tuple[Column, ...], indent: int, width: int, styles: ChartStyles) -> Line:
    """Clock labels under the columns where a round time falls, spaced so they never touch;
    a label that would run past `width` is left out, not cut."""
    if not cols:
        return []
    span = cols[0].t1 - cols[0].t0
    label_w = max(cell_len(clock(cols[0].t0)), cell_len(clock(cols[-1].t1))) + 2
    step = next((s for s in NICE_STEPS_S if s >= span * (label_w + 4)), NICE_STEPS_S[-1])
    start = cols[0].t0
    cells = [" "] * len(cols)
    t = -(-start // step) * step
    free = 0
    while t < cols[-1].t1:
        j = int((t - start) // span)
        text = "╵" + clock(t)
        if j >= free and indent + j + cell_len(text) <= width:
            for k, ch in enumerate(text):
                if j + k < len(cells):
                    cells[j + k] = ch
                else:
                    cells.append(ch)
            free = j + cell_len(text) + 1
        t += step
    return [Segment(" " * indent), Segment("".join(cells), styles.dim)]


def legend_row(tl: Timeline, cols: tuple[Column, ...], width: int, styles: ChartStyles,
               lang: str) -> Line:
    """What each glyph means; what does not fit is left out whole, the versions first kept."""
    items: list[list[Segment]] = []
    shown = {v for c in cols for v, n in c.at_high + c.at_low if n}
    for v in tl.versions:
        if v in shown:
            glyph, style = version_look(tl, v, styles)
            items.append([Segment(glyph, style), Segment(f" {v}")])
    if tl.needed:
        items.append([Segment(NEEDED_GLYPH, styles.warning),
                      Segment(" " + word("chart.needed", lang, n=tl.needed))])
    for reason in reasons_seen(cols):
        items.append([Segment(REASON_GLYPHS[reason], styles.error),
                      Segment(" " + word(f"chart.reason.{reason}", lang))])
    if any(c.low < c.high for c in cols):
        items.append([Segment(RANGE_GLYPH, styles.dim),
                      Segment(" " + word("chart.range", lang))])
    top = latency_top_ms(cols)
    if top:
        items.append([Segment("▁▇", styles.latency),
                      Segment(" " + word("chart.latency_top", lang, t=duration(top)))])
    line: Line = []
    used = 0
    for item in items:
        size = sum(cell_len(s.text) for s in item) + (2 if line else 0)
        if used + size > width:
            continue
        if line:
            line.append(Segment("  "))
        line.extend(item)
        used += size
    return line
