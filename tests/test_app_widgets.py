"""The stage widgets on their own: what they draw for a frame, in cells, readable without colour."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from app.ui.widgets.canvas import clip, fit
from app.ui.widgets.chart import duration
from app.ui.widgets.chrome import StepBar
from app.ui.widgets.pipeline_view import PipelineView
from app.ui.widgets.stage import ClusterView, state_key, timeline_of
from app.words import word
from models.actions import Action
from models.engine import Simulation
from models.frames import NodeView
from models.pipeline import Pipeline, PipelineSpec
from models.scenarios import BLUEGREEN, IN_SERVER, Scenario
from tests.support import loaded_course, new_app

APP_DIR = Path(__file__).resolve().parent.parent / "app"
COURSE = loaded_course()


def text_of(view) -> str:
    width, height = view.content_size
    return "\n".join("".join(seg.text for seg in line) for line in view.build(width, height))


def test_fit_and_clip_count_korean_as_two_cells():
    assert cell_len(fit("현재 위치 배포", 7)) == 7
    assert fit("현재 위치 배포", 7).endswith("…")
    assert cell_len(fit("배포", 6)) == 6
    from rich.segment import Segment

    line = [Segment("서버 "), Segment("네 대가 v101을 실행")]
    assert sum(cell_len(s.text) for s in clip(line, 9)) <= 9


@pytest.mark.parametrize(("node", "key"), [
    (NodeView("web-1", "host", "web", "running", "", "v101", 0, "healthy", 0), "st.healthy"),
    (NodeView("web-1", "host", "web", "running", "", "v102", 0, "initial", 0), "st.initial"),
    (NodeView("web-1", "host", "web", "running", "", "v101", 2, "draining", 0), "st.draining"),
    (NodeView("web-1", "host", "web", "running", "", "v101", 0, "unused", 0), "st.unused"),
    (NodeView("web-1", "host", "web", "deploying", "Install", None, 0, "unused", 0),
     "st.deploying"),
    (NodeView("blue-1", "host", "blue", "terminated", "", None, 0, "unused", 0), "st.terminated"),
    (NodeView("green-1", "host", "green", "launching", "", None, 0, "unused", 0), "st.launching"),
    (NodeView("web-1:8082", "slot", "web", "running", "", "v102", 0, "", 0, live=False), "st.idle"),
    (NodeView("web-1:8081", "slot", "web", "running", "", "v101", 0, "", 0, live=True), "st.live"),
    (NodeView("web-1:8082", "slot", "web", "empty", "", None, 0, "", 0), "st.empty"),
])
def test_state_words(node, key):
    assert state_key(node) == key


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_cluster_view_marks_versions_states_and_traffic_in_text(lang):
    sim = Simulation(Scenario(BLUEGREEN, 4), seed=3)
    for text in ("launch green 4 v102", "wait healthy green", "register green",
                 "wait healthy green", "deregister blue"):
        sim.run(Action.of(text))
    frame = sim.frame()
    app = new_app(lang=lang, instant=True)
    async with app.run_test(size=(100, 30)) as pilot:
        view = ClusterView("pane", ("v101", "v102"), lang)
        await app.screen.mount(view)
        await pilot.pause()
        view.show(frame, timeline_of(sim), frozenset({"green-1"}))
        shown = text_of(view)
        # Old and new versions differ in shape as well as colour.
        assert shown.count("◇ v101") == 4 and shown.count("◆ v102") == 4
        # Groups are labelled; the focused node carries a » mark.
        assert word("group.blue", lang) in shown and word("group.green", lang) in shown
        assert shown.count("»") == 1
        rows = {name: line for line in shown.splitlines()
                for name in ("blue-1", "green-1") if f" {name} " in line}
        # Green receives traffic (solid link with an arrow); blue drains (dashed, no arrow).
        assert "━" in rows["green-1"] and "▸" in rows["green-1"]
        assert "╌" in rows["blue-1"] and "━" not in rows["blue-1"]
        assert (word("st.draining", lang) in rows["blue-1"]
                or word("st.unused", lang) in rows["blue-1"])
        assert word("m.serving", lang, n=frame.answering, total=4) in shown
        # What users get: the share of requests each version answered lately, and p95.
        timeline = timeline_of(sim)
        assert [v for v, _ in timeline.share] == ["v101", "v102"]
        assert " / ".join(f"{v} {p:.0f}%" for v, p in timeline.share) in shown
        assert word("m.p95", lang, t=duration(timeline.p95_ms)) in shown
        width = view.content_size.width
        assert all(strip.cell_length == width for strip in view._strips)


async def test_in_server_view_hangs_the_slots_under_nginx():
    sim = Simulation(Scenario(IN_SERVER), seed=1)
    for text in ("start web-1:8082 v102", "wait 15", "health web-1:8082", "switch web-1 8082"):
        sim.run(Action.of(text))
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=(100, 30)) as pilot:
        view = ClusterView("pane", ("v101", "v102"), "en")
        await app.screen.mount(view)
        await pilot.pause()
        view.show(sim.frame(), timeline_of(sim))
        shown = text_of(view)
        live = next(line for line in shown.splitlines() if " :8082  " in line)
        idle = next(line for line in shown.splitlines() if " :8081  " in line)
        assert "live" in live and "◆ v102" in live and "▸" in live
        assert "idle" in idle and "◇ v101" in idle and "╌" in idle
        assert "nginx → :8082" in shown


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_eight_instances_fit_the_smallest_comfortable_terminal(lang):
    section = next(s for s in COURSE.sections
                   if any(p.scenario.kind == BLUEGREEN for p in s.panes) and len(s.panes) == 1)
    pane = section.panes[0].name
    app = new_app(lang=lang, lesson=section.id, instant=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        for k in range(len(section.steps)):
            screen.enter_step(k, animate=False)
            await pilot.pause()
            view = screen.query_one(f"#pane-{pane}", ClusterView)
            width = view.content_size.width
            view._rebuild()
            assert all(strip.cell_length == width for strip in view._strips)
            shown = "\n".join(strip.text for strip in view._strips)
            frame = screen.player.frames()[pane]
            for node in frame.nodes:
                assert node.name in shown, (k, node.name)
            assert word("m.serving", lang, n=frame.answering, total=frame.needed) in shown


async def test_pipeline_view_shows_each_stage_state_as_a_glyph():
    pipeline = Pipeline(PipelineSpec(mode="deployment", commits=3, failing_commit=2, fixed_by=3),
                        seed=1)
    pipeline.run()
    frame = pipeline.frame()
    app = new_app(lang="ko", instant=True)
    async with app.run_test(size=(100, 30)) as pilot:
        view = PipelineView("파이프라인", "ko")
        await app.screen.mount(view)
        await pilot.pause()
        view.show(frame, frozenset({"test"}))
        shown = text_of(view)
        test_row = next(line for line in shown.splitlines() if word("pipe.test", "ko") in line)
        assert test_row.count("✓") == 2 and test_row.count("✗") == 1
        assert test_row.startswith("» ")
        assert word("pipe.deployment", "ko") in shown
        assert word("pipe.commit", "ko", n=1) in shown


@pytest.mark.parametrize("width", [60, 80, 120])
async def test_step_bar_never_overflows_with_korean_titles(width):
    app = new_app(lang="ko", instant=True)
    async with app.run_test(size=(width, 24)) as pilot:
        bar = StepBar()
        await app.screen.mount(bar)
        await pilot.pause()
        bar.show(section="5.1.3 서버 단위의 블루/그린 배포", k=2, n=7,
                 title="그린 그룹을 로드 밸런서에 연결하고 상태 검사를 기다리기",
                 clock="▶ 재생 중 · ×20", lang="ko")
        text = bar.render()
        assert cell_len(text.plain) <= bar.content_size.width
        assert "3/7단계" in text.plain and "×20" in text.plain
