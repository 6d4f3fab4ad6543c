"""The stage player: animating a step in small ticks ends on exactly the frames `goto` replays.

Going back a step replays from the seed; if animation and replay disagreed by a single event, the
stage would jump when a learner steps back and forth. Frames are compared whole (time, every
node, counters, recent events).
"""

from __future__ import annotations

import pytest

from lessons import COURSE_DIR
from lessons.course import load_course
from models.course import CLUSTER, END, PaneSpec, SectionSpec, StagePlayer, StepSpec
from models.params import SimParams
from models.scenarios import BLUEGREEN, FLEET, Scenario

TICKS = (0.1, 0.7, 3.3)  # tick sizes that do not line up with event times
TICK_LIMIT = 200_000


def lesson_512() -> SectionSpec:
    return load_course(COURSE_DIR).section("5.1.2")


def two_strategies() -> SectionSpec:
    """A downtime and a zero-downtime deployment side by side, as 5.1.1 shows them."""
    panes = (
        PaneSpec("downtime", Scenario(FLEET, 4), SimParams(rps=4), seed=3, strategy="recreate"),
        PaneSpec("rolling", Scenario(FLEET, 4), SimParams(rps=4), seed=3, strategy="in-place",
                 batch=2),
        PaneSpec("bluegreen", Scenario(BLUEGREEN, 2), SimParams(rps=6), seed=5,
                 strategy="blue-green"),
    )
    steps = (
        StepSpec("start", until={"downtime": 12.5, "rolling": 12.5, "bluegreen": 12.5}),
        StepSpec("middle", until={"downtime": 130.25, "rolling": 130.25, "bluegreen": 130.25}),
        StepSpec("end", until={"downtime": END, "rolling": END, "bluegreen": END}),
        StepSpec("after", until={"downtime": 700.0, "rolling": 700.0, "bluegreen": 700.0}),
        StepSpec("again", until={"bluegreen": 40.0}, fresh=("bluegreen",)),
    )
    return SectionSpec("t.1", 1, CLUSTER, panes, steps)


SECTIONS = {"5.1.2": lesson_512, "two-strategies": two_strategies}


def run_ticks(player: StagePlayer, dt: float) -> int:
    ticks = 0
    while player.animating:
        player.tick(dt)
        ticks += 1
        assert ticks < TICK_LIMIT, "the step never finished"
    return ticks


def replayed(section: SectionSpec, k: int) -> dict:
    player = StagePlayer(section)
    player.goto(k)
    return player.frames()


@pytest.mark.parametrize("name", sorted(SECTIONS))
@pytest.mark.parametrize("dt", TICKS)
def test_animating_every_step_in_turn_matches_replay(name, dt):
    section = SECTIONS[name]()
    player = StagePlayer(section)
    for k in range(player.step_count):
        player.play(k)
        ticks = run_ticks(player, dt)
        assert player.frames() == replayed(section, k), f"step {k} after {ticks} ticks"


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_playing_one_step_from_a_jump_matches_replay(name):
    section = SECTIONS[name]()
    for k in range(len(section.steps)):
        player = StagePlayer(section)
        player.play(k)  # replays up to k-1 first
        run_ticks(player, 1.3)
        assert player.frames() == replayed(section, k)


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_going_back_shows_exactly_the_earlier_stage(name):
    section = SECTIONS[name]()
    player = StagePlayer(section)
    player.goto(len(section.steps) - 1)
    for k in reversed(range(len(section.steps))):
        player.goto(k)
        assert player.frames() == replayed(section, k)


def test_stopping_halfway_and_finishing_matches_replay():
    section = lesson_512()
    player = StagePlayer(section)
    player.goto(1)
    player.play(2)
    player.tick(4.0)
    halfway = player.frames()["main"]
    assert player.animating and halfway.action  # caught in the middle of a deploy
    player.finish()
    assert player.frames() == replayed(section, 2)


def test_lesson_512_tells_the_books_story():
    """4 on v101 -> 2 out (caught draining) -> v102 on them -> back -> the other 2 -> all v102,
    2 always serving."""
    section = lesson_512()
    player = StagePlayer(section)
    lb_states = []
    for k in range(player.step_count):
        player.goto(k)
        frame = player.frames()["main"]
        lb_states.append({n.name: (n.version, n.lb) for n in frame.nodes})
        assert frame.failed == 0
        assert frame.serving >= 2
    assert lb_states[0] == {f"web-{i}": ("v101", "healthy") for i in range(1, 5)}
    # The step ends while the two drain: out of the load balancer, requests still finishing.
    out = {lb_states[1][name] for name in ("web-1", "web-2")}
    assert out <= {("v101", "unused"), ("v101", "draining")} and ("v101", "draining") in out
    player.goto(1)
    draining = [n for n in player.frames()["main"].nodes if n.lb == "draining"]
    assert draining and all(n.in_flight > 0 for n in draining)
    assert lb_states[2]["web-1"] == ("v102", "unused")
    assert lb_states[3]["web-1"] == ("v102", "healthy")
    assert lb_states[-1] == {f"web-{i}": ("v102", "healthy") for i in range(1, 5)}
