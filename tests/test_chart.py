"""The capacity chart: its columns (models/chart.py), its lines (app/ui/widgets/chart.py) and the
metrics line, read as a learner reads them: dips and returns, 2N axes, what answers, no colour,
Korean cells."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from app.ui.widgets.chart import (
    NEEDED_GLYPH,
    NO_FAILURE,
    RANGE_GLYPH,
    REASON_GLYPHS,
    VERSION_GLYPHS,
    ChartStyles,
    chart_lines,
    ideal_rows,
)
from app.ui.widgets.palette import Palette
from app.ui.widgets.stage import timeline_of
from app.words import word
from lessons.course import load_course
from models.actions import Action
from models.chart import REASONS, columns
from models.course import StagePlayer
from models.engine import Simulation
from models.scenarios import BLUEGREEN, Scenario

COURSE = load_course()
STYLES = ChartStyles.of(Palette.for_theme(dark=True))


def at_step(section_id: str, step_id: str):
    section = COURSE.section(section_id)
    player = StagePlayer(section)
    player.goto([s.id for s in section.steps].index(step_id))
    return player.frames()["main"], timeline_of(player.simulation("main"))


def runs(flags: list[bool]) -> list[bool]:
    """Consecutive equal values collapsed: [T, T, F, T] -> [T, F, T]."""
    return [f for i, f in enumerate(flags) if i == 0 or flags[i - 1] != f]


def text(lines) -> list[str]:
    return ["".join(seg.text for seg in line) for line in lines]


def test_in_place_last_step_shows_two_dips_and_the_return_to_four_between():
    section = COURSE.section("5.1.2")
    _, tl = at_step("5.1.2", section.steps[-1].id)
    assert (tl.top, tl.needed) == (4, 4)
    # One bucket a column (the stage's width): 4 → 2 → 4 → 2 → 4.
    cols = columns(tl, 200)
    assert runs([c.low == 4 for c in cols]) == [True, False, True, False, True]
    assert min(c.low for c in cols) == 2
    # Squeezed into few columns, each keeps its fewest and its most: both dips stay, and the
    # moment back at 4 between them is still drawn (as the column's most).
    cols = columns(tl, 12)
    dips = [i for i, c in enumerate(cols) if c.high == 2]
    assert len(dips) >= 2 and dips[-1] - dips[0] >= 2
    assert any(c.high == 4 for c in cols[dips[0] + 1:dips[-1]])
    assert cols[-1].low == 4


def test_blue_green_is_drawn_on_a_2n_axis_eight_of_eight_stacked_by_version():
    _, tl = at_step("5.1.3", "both-serve")
    assert tl.top == 8 and tl.needed == 4
    cols = columns(tl, 200)
    assert cols[-1].low == 8
    assert dict(cols[-1].at_low) == {"v101": 4, "v102": 4}
    lines = text(chart_lines(tl, 100, ideal_rows(tl.top) + 5, STYLES, "en"))
    top_row, bottom_row = lines[0], lines[ideal_rows(tl.top) - 1]
    assert top_row.rstrip().endswith(VERSION_GLYPHS[1])  # v102 stacked on top
    assert bottom_row.rstrip().endswith(VERSION_GLYPHS[0])  # v101 underneath
    assert top_row.split("┤")[0].strip().endswith("8")  # the axis is absolute: 8 at the top
    # After blue leaves: 4 → 8 → 4 is visible, and the 4 at the end is all v102.
    _, tl = at_step("5.1.3", "blue-out")
    cols = columns(tl, 200)
    highs = [c.high for c in cols]
    assert runs([h == 8 for h in highs]) == [False, True, False]
    assert dict(cols[-1].at_low) == {"v102": 4}


def test_empty_slot_serves_nothing_and_its_failures_are_502s():
    frame, tl = at_step("5.1.4", "empty-switch")
    assert frame.serving == 1  # nginx still takes the requests ...
    assert frame.answering == 0  # ... but nothing answers them
    cols = columns(tl, 200)
    assert cols[-1].low == cols[-1].high == 0
    assert {c.reason for c in cols[-3:]} == {"bad_gateway"}
    lines = text(chart_lines(tl, 80, 8, STYLES, "en"))
    failed_row = next(line for line in lines if line.startswith(word("chart.failed", "en")))
    assert failed_row.rstrip().endswith(REASON_GLYPHS["bad_gateway"] * 3)
    assert word("chart.reason.bad_gateway", "en") in lines[-1]  # the legend names it


def test_terminating_registered_blue_counts_only_what_answers():
    sim = Simulation(Scenario(BLUEGREEN, 4), seed=1)
    for line in ("launch green 4 v102", "wait healthy green", "register green",
                 "wait healthy green", "terminate blue", "wait 5"):
        sim.run(Action.of(line))
    frame = sim.frame()
    assert frame.serving == 8  # the load balancer still lists blue
    assert (frame.answering, frame.needed) == (4, 4)


def test_without_colour_every_part_has_its_own_glyph():
    glyphs = [*VERSION_GLYPHS, RANGE_GLYPH, NEEDED_GLYPH, NO_FAILURE,
              *(REASON_GLYPHS[r] for r in REASONS)]
    assert len(set(glyphs)) == len(glyphs)
    _, tl = at_step("5.1.3", "both-serve")
    shown = "\n".join(text(chart_lines(tl, 100, 13, STYLES, "en")))
    assert VERSION_GLYPHS[0] in shown and VERSION_GLYPHS[1] in shown
    # The legend says which glyph is which version, in text.
    assert f"{VERSION_GLYPHS[0]} v101" in shown and f"{VERSION_GLYPHS[1]} v102" in shown


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("width", [36, 58, 98])
def test_labels_fit_by_cells_and_the_plot_starts_in_the_same_column(lang, width):
    _, tl = at_step("5.1.4", "empty-switch")
    for height in (3, 6, 13):
        lines = text(chart_lines(tl, width, height, STYLES, lang))
        assert len(lines) <= height
        assert all(cell_len(line) <= width for line in lines)
        # Capacity, failure and latency rows: the axis sits in the same cell in each.
        axis = {cell_len(line[:next(i for i, ch in enumerate(line) if ch in "┤│▕└")])
                for line in lines if any(ch in line for ch in "┤│▕└")}
        assert len(axis) == 1, (height, lines)
