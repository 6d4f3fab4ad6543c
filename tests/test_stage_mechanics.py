"""The stage shows the mechanics the lessons teach: drains with their requests in flight, health
probes with their result, an empty nginx slot and where nginx sends requests (issue 10).

Drawn headless at the lesson's pane size (120x36), in both languages.
"""

from __future__ import annotations

import pytest

from app.ui.widgets.stage import ClusterView, timeline_of
from app.words import word
from models.course import StagePlayer
from tests.support import pane_size
from tests.test_course_steps import COURSE, LANGS, drawing, drawn  # noqa: F401 (a fixture)


def at(section_id: str, step_id: str) -> tuple:
    section = COURSE.section(section_id)
    k = [s.id for s in section.steps].index(step_id)
    player = StagePlayer(section)
    player.goto(k)
    return section, player


def draw(section, player: StagePlayer, lang: str, pane: str = "main") -> str:
    spec = next(p for p in section.panes if p.name == pane)
    view = ClusterView(pane, spec.scenario.versions, lang)
    view.show(player.frames()[pane], timeline_of(player.simulation(pane)))
    return drawn(view, pane_size(section))


def line_of(shown: str, name: str) -> str:
    return next(line for line in shown.splitlines() if f" {name}  " in line)


@pytest.mark.parametrize("lang", LANGS)
def test_a_drain_shows_its_requests_in_flight(lang, drawing):  # noqa: F811
    section, player = at("5.1.2", "first-out")
    draining = [n for n in player.frames()["main"].nodes if n.lb == "draining"]
    assert draining, "the step ends while a server drains (seconds-long requests)"
    shown = draw(section, player, lang)
    for node in draining:
        line = line_of(shown, node.name)
        assert word("st.draining", lang) in line
        assert word("st.in_flight", lang, n=node.in_flight) in line


@pytest.mark.parametrize("lang", LANGS)
def test_the_probe_of_8082_shows_its_result(lang, drawing):  # noqa: F811
    section, player = at("5.1.4", "health-check")
    shown = draw(section, player, lang)
    line = line_of(shown, ":8082")
    assert word("check.probe", lang, result=word("check.ok", lang)) in line
    assert "♥" in line and "✓" in line
    # nginx still points at 8081: the pointer is on its row, not on 8082's.
    assert "◀" in line_of(shown, ":8081") and "◀" not in line


@pytest.mark.parametrize("lang", LANGS)
def test_an_empty_live_slot_is_drawn_empty_with_nginx_pointing_at_it(lang, drawing):  # noqa: F811
    section, player = at("5.1.4", "empty-switch")
    frame = player.frames()["main"]
    assert frame.node("web-1:8082").state == "empty" and frame.node("web-1:8082").live
    shown = draw(section, player, lang)
    line = line_of(shown, ":8082")
    assert "□" in line and word("st.empty", lang) in line and "v10" not in line
    assert f"◀ {word('st.nginx_here', lang)} · {word('st.bad_gateway', lang)}" in line
    assert "✗" in line  # the link ends in a failure mark: requests reach nothing
    assert "◀" not in line_of(shown, ":8081")


@pytest.mark.parametrize("lang", LANGS)
def test_the_albs_checks_on_green_show_as_they_happen(lang, drawing):  # noqa: F811
    section = COURSE.section("5.1.3")
    k = [s.id for s in section.steps].index("both-serve")
    player = StagePlayer(section)
    player.play(k)
    seen = False
    while player.animating and not seen:
        player.tick(0.5)
        frame = player.frames()["main"]
        green = [n for n in frame.nodes if n.group == "green" and n.check is not None
                 and n.check.by == "alb" and frame.t - n.check.t < 1.0]
        if green:
            shown = draw(section, player, lang)
            line = line_of(shown, green[0].name)
            assert word("check.alb", lang, result=word("check.ok", lang)) in line
            seen = True
    assert seen, "the load balancer checked green while it registered"


# --- 5.3's table holds every number whole ------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_summary_table_holds_every_number_whole(size, lang):
    from rich.cells import cell_len
    from rich.console import Console

    from app.ui.app import DeployLabApp
    from app.ui.widgets.comparison import COLUMNS, ComparisonView

    app = DeployLabApp(lang=lang, lesson="5.3", instant=True, course=COURSE)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ComparisonView)
        table = view.query_one("#comparison-table")
        width = table.content_size.width
        console = Console(width=width, color_system=None, legacy_windows=False)
        with console.capture() as out:
            console.print(view.table(view.content_size.width))
        lines = out.get().splitlines()
        # The whole table and its caption are on screen at once, not behind a scroll bar: on
        # its side the measures' names take the room left over instead of wrapping.
        assert len(lines) <= view.content_size.height, (len(lines), view.content_size)
    assert all(cell_len(line.rstrip()) <= width for line in lines)
    assert not any("…" in line for line in lines)
    tokens = {token for line in lines for token in line.split()}
    for row in view.rows:
        for name, _key, fmt in COLUMNS:
            assert fmt.format(getattr(row, name)) in tokens, (row.strategy, name)
    words = {w for _name, key, _fmt in COLUMNS for w in word(key, lang).split()}
    assert words <= tokens  # headers wrap between words, never inside one


# --- 5.1.2's busy hour ---------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_the_busy_hour_shows_the_queues_the_dip_causes(lang, drawing):  # noqa: F811
    """The same in-place deployment at 75% of the fleet's capacity: while a batch is out, the two
    servers left queue requests (drawn next to them) and refuse some; blue/green at the same
    traffic loses none and answers faster. The narration quotes those numbers."""
    from models.course import narrate, shown_panes

    section, player = at("5.1.2", "busy-hour")
    k = [s.id for s in section.steps].index("busy-hour")
    assert shown_panes(section, k) == ("busy", "busy-bg")
    busy = player.frames()["busy"]
    spec = next(p for p in section.panes if p.name == "busy")
    assert spec.params.rps == 0.75 * spec.scenario.servers * spec.params.capacity_rps
    queued = [n for n in busy.nodes if n.queued]
    assert {n.name for n in queued} == {"web-3", "web-4"} and busy.failed > 0
    shown = draw(section, player, lang, "busy")
    for node in queued:
        assert word("st.queued", lang, n=node.queued) in line_of(shown, node.name)
    body = narrate(section, k, COURSE.text(lang, "5.1.2").steps["busy-hour"].body, player)
    assert f"{sum(n.queued for n in queued):,}" in body and f"{busy.failed:,}" in body

    section, player = at("5.1.2", "busy-after")
    in_place, blue_green = (player.simulation(p) for p in ("busy", "busy-bg"))
    assert in_place.metrics.failed > 0 == blue_green.metrics.failed
    p95 = {name: sim.metrics.latency().percentile_ms(0.95)
           for name, sim in (("in-place", in_place), ("blue-green", blue_green))}
    assert p95["in-place"] > 2 * p95["blue-green"]
    k = [s.id for s in section.steps].index("busy-after")
    body = narrate(section, k, COURSE.text(lang, "5.1.2").steps["busy-after"].body)
    assert f"{round(p95['in-place']):,}" in body and f"{round(p95['blue-green']):,}" in body
