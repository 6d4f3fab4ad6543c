"""Every step of every section, in Korean and English, headless.

For each section the stage player goes forward to the last step and back to the first, as the
lesson screen's Right and Left do in instant mode, and every step's frames equal a fresh replay
to that step. Each step has its texts in both languages, and the stage widgets, drawn at the size
the lesson screen gives them at 120×36, show each step's figures, hosts and states in words.
The pilot tests in test_app_course.py walk one section of each kind of stage on screen and
check that the panes have the sizes used here.
"""

from __future__ import annotations

import pytest
from textual._context import active_app

from app.ui.app import DeployLabApp
from app.ui.widgets.pipeline_view import PipelineView
from app.ui.widgets.stage import ClusterView, state_key, timeline_of
from app.words import word
from models.course import CLUSTER, PIPELINE, StagePlayer, shown_panes
from tests.support import loaded_course, pane_size

COURSE = loaded_course()
SECTION_IDS = [s.id for s in COURSE.sections]
LANGS = ("ko", "en")


@pytest.fixture
def drawing():
    """The stage widgets draw outside a running app: they only read the app's theme."""
    token = active_app.set(DeployLabApp(lang="en", instant=True, course=COURSE))
    yield
    active_app.reset(token)


def drawn(view, size: tuple[int, int]) -> str:
    return "\n".join("".join(seg.text for seg in line) for line in view.build(*size))


def replayed(section, k: int) -> dict:
    player = StagePlayer(section)
    player.goto(k)
    return player.frames()


def check_stage(section, player: StagePlayer, lang: str, k: int) -> None:
    """What the stage widgets draw for step k, in `lang`, at the lesson's size."""
    texts = COURSE.text(lang, section.id)
    size = pane_size(section, k)
    if section.stage == CLUSTER:
        shown = shown_panes(section, k)
        for pane in (p for p in section.panes if p.name in shown):
            frame = player.frames()[pane.name]
            view = ClusterView(texts.panes.get(pane.name, pane.name), pane.scenario.versions,
                               lang)
            view.show(frame, timeline_of(player.simulation(pane.name)),
                      frozenset(section.steps[k].focus))
            shown = drawn(view, size)
            assert word("m.serving", lang, n=frame.answering, total=frame.needed) in shown
            assert word("m.failed", lang, n=f"{frame.failed:,}") in shown
            for node in frame.nodes[:3]:  # the smallest panes show at least three rows
                if node.kind == "host":
                    assert node.name in shown, (k, node.name)
                    assert word(state_key(node), lang) in shown, (k, node.name)
    elif section.stage == PIPELINE:
        view = PipelineView(texts.panes.get("pipeline", texts.title), lang)
        view.show(player.frames().get("pipeline"))
        shown = drawn(view, size)
        assert word("pipe.source", lang) in shown and word("pipe.monitor", lang) in shown


def check_step(section, player: StagePlayer, lang: str, k: int) -> None:
    assert player.step == k and not player.animating
    assert player.frames() == replayed(section, k)
    step = section.steps[k]
    text = COURSE.text(lang, section.id).steps[step.id]
    assert text.title.strip() and text.body.strip()
    assert str(k + 1) in word("step.counter", lang, k=k + 1, n=len(section.steps))
    check_stage(section, player, lang, k)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("section_id", SECTION_IDS)
def test_every_step_forward_to_the_end_and_back(section_id, lang, drawing):
    section = COURSE.section(section_id)
    player = StagePlayer(section)
    last = len(section.steps) - 1
    player.goto(0)
    for k in range(last + 1):
        if k:
            player.goto(k)
        check_step(section, player, lang, k)
    for k in range(last - 1, -1, -1):
        player.goto(k)
        check_step(section, player, lang, k)
