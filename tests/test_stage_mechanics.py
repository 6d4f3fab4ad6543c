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
