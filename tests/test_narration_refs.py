"""Narration matches the stage: every "watch …" / "look at …" sentence (보세요, 지켜보세요, …)
names something the stage shows at that step.

Each such sentence must use a phrase of `REFERENCES` (a sentence that points at something this
list does not know fails, so new wording gets a check too), and each phrase's check must hold
for the step: the pipeline stages it names are the step's `focus`, and the counter, chart or
state it names is in what the stage widgets draw at the lesson's size.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from app.ui.widgets.pipeline_view import PipelineView
from app.ui.widgets.stage import ClusterView, timeline_of
from app.words import word
from models.course import CLUSTER, PIPELINE, StagePlayer, narrate, shown_panes
from tests.support import pane_size
from tests.test_course_steps import COURSE, LANGS, drawing, drawn  # noqa: F401 (a fixture)

WATCH = {
    "en": re.compile(r"(^|[.;:!?]\s+|\n\s*)(watch|look at|keep an eye on)\b[^.!?]*", re.IGNORECASE),
    # 해 보세요 / 비교해 보세요 ask the reader to try or compare, not to look at the stage.
    "ko": re.compile(r"[^.!?\n]*(?<!해 )(?<!해)(눈여겨보세요|살펴보세요|지켜보세요|보세요)"),
}


class Stage:
    """What one step shows: its focus, and the text each pane (or the pipeline) draws."""

    def __init__(self, section, k: int, lang: str, player: StagePlayer):
        self.section, self.k, self.lang = section, k, lang
        self.focus = frozenset(section.steps[k].focus)
        texts = COURSE.text(lang, section.id)
        size = pane_size(section, k)
        self.panes: dict[str, str] = {}
        self.metrics: dict[str, str] = {}
        if section.stage == CLUSTER:
            for pane in (p for p in section.panes if p.name in shown_panes(section, k)):
                view = ClusterView(texts.panes.get(pane.name, pane.name),
                                   pane.scenario.versions, lang)
                view.show(player.frames()[pane.name], timeline_of(player.simulation(pane.name)),
                          self.focus)
                lines = drawn(view, size).splitlines()
                self.panes[pane.name] = "\n".join(lines)
                self.metrics[pane.name] = lines[-1]
        elif section.stage == PIPELINE:
            view = PipelineView(texts.panes.get("pipeline", texts.title), lang)
            view.show(player.frames().get("pipeline"), self.focus)
            self.panes["pipeline"] = drawn(view, size)

    def any_metrics(self, key: str) -> bool:
        head = word(key, self.lang, n=0, total=0).split("0")[0].strip()
        return any(head in line for line in self.metrics.values())

    def versions_in_metrics(self) -> bool:
        return any(all(v in self.metrics[p.name] for v in p.scenario.versions)
                   for p in self.section.panes if p.name in self.metrics)

    def versions_on_diagram(self) -> bool:
        return any(all(v in self.panes[p.name] for v in p.scenario.versions)
                   for p in self.section.panes if p.name in self.panes)


Check = Callable[[Stage], bool]
# (English phrase, Korean phrase, what the stage must show for it)
REFERENCES: tuple[tuple[str, str, Check], ...] = (
    (r"first three stages", r"처음 세 단계",
     lambda s: s.focus == {"source", "build", "test"}),
    (r"approval stage", r"승인 단계", lambda s: "approval" in s.focus),
    (r"failed counter|failed requests", r"실패 수|실패한 요청 수",
     lambda s: s.any_metrics("m.failed")),
    (r"instance count", r"인스턴스 수", lambda s: s.any_metrics("m.instances")),
    (r"serving count", r"서비스 중인 서버 수", lambda s: s.any_metrics("m.serving")),
    (r"the metrics\b", r"지표를", lambda s: s.any_metrics("m.serving")),
    (r"requests by version", r"버전별 요청", lambda s: s.versions_in_metrics()),
    (r"servers of both versions", r"두 버전의 서버",
     lambda s: s.versions_on_diagram()),
    (r"capacity chart", r"용량 그래프",
     lambda s: any(word("chart.capacity", s.lang) in p for p in s.panes.values())),
    (r"draining servers", r"드레이닝 중인 서버",
     lambda s: any(word("st.draining", s.lang) in p for p in s.panes.values())),
    (r"queued counts", r"대기 수",
     lambda s: any(word("st.queued", s.lang, n=0).replace("0", "").strip() in p
                   for p in s.panes.values())),
    (r"in flight", r"처리 중",
     lambda s: any(word("st.in_flight", s.lang, n=0).replace("0", "").strip() in p
                   for p in s.panes.values())),
)


def sentences(section, lang: str):
    """Every watch-sentence of the section's bodies in `lang`, with its step index."""
    texts = COURSE.text(lang, section.id)
    for k, step in enumerate(section.steps):
        # One paragraph is one run of text: a line break inside it does not end a sentence.
        body = re.sub(r"(?<!\n)\n(?!\n)", " ", narrate(section, k, texts.steps[step.id].body))
        for match in WATCH[lang].finditer(body):
            yield k, " ".join(match.group(0).split())


CASES = [pytest.param(s.id, lang, id=f"{s.id}-{lang}")
         for s in COURSE.sections for lang in LANGS
         if s.stage in (CLUSTER, PIPELINE)]


@pytest.mark.parametrize(("section_id", "lang"), CASES)
def test_every_watch_sentence_names_what_the_stage_shows(section_id, lang, drawing):  # noqa: F811
    section = COURSE.section(section_id)
    found = list(sentences(section, lang))
    player = StagePlayer(section)
    column = 0 if lang == "en" else 1
    for k, sentence in found:
        player.goto(k)
        stage = Stage(section, k, lang, player)
        named = [ref for ref in REFERENCES if re.search(ref[column], sentence, re.IGNORECASE)]
        assert named, f"{section_id} step {k + 1} [{lang}]: '{sentence}' names nothing known"
        for ref in named:
            assert ref[2](stage), (f"{section_id} step {k + 1} [{lang}]: '{sentence}' points at "
                                   f"'{ref[column]}', which the stage does not show")


def test_the_sentences_are_found():
    """The patterns catch the lessons' watch-sentences in both languages (and not 'try it')."""
    counts = {lang: sum(len(list(sentences(s, lang))) for s in COURSE.sections
                        if s.stage in (CLUSTER, PIPELINE)) for lang in LANGS}
    assert counts["en"] >= 7 and counts["ko"] >= 7, counts
    assert not WATCH["ko"].search("x 키를 눌러 직접 해 보세요.")
    assert not WATCH["ko"].search("롤백과 비교해 보세요.")
    assert WATCH["ko"].search("실패 수를 보세요.")
