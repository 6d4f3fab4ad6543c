"""A lesson: narration for the current step, the stage the engine drives, metrics, a step bar.

The screen owns the `StagePlayer`. Next plays step k's animation on a ~30 fps clock
(`player.tick(dt * speed)`); Back replays to the end of the previous step at once (`goto`).
With `instant` every step completes at once and no clock runs, so tests see a still screen.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Container, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Markdown, Static

from app.ui.widgets.chrome import (
    CourseHeader,
    KeyFooter,
    StepBar,
    TooSmall,
    localize_bindings,
    preset_breakpoints,
)
from app.ui.widgets.comparison import ComparisonView
from app.ui.widgets.pipeline_view import PipelineView
from app.ui.widgets.presenter import LargeNarration, PresenterBar
from app.ui.widgets.stage import ClusterView, timeline_of
from app.words import word
from models.course import (
    CLUSTER,
    PIPELINE,
    TABLE,
    SectionSpec,
    StagePlayer,
    narrate,
    shown_panes,
)

FPS = 30
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200)  # simulated seconds per real second
DEFAULT_SPEED = 20
MECHANICS_SPEED = 2  # simulated seconds per real second at most while a drain is under way
SIDE_BY_SIDE_MIN = 88  # stage width at which two panes fit next to each other
PRESENT_PAUSE_S = 5.0  # presenter: seconds more at a step's end, for the teacher to speak
PRESENT_BAR_S = 0.5  # presenter: how often the bar's countdown is redrawn
SPACED_MIN_ROWS = 34  # presenter: double-spaced narration from this terminal height

LESSON_KEYS = (
    ("right", "next_step", "key.next", True, True),
    ("space", "next_step", "key.next", False, True),
    ("left", "prev_step", "key.prev", True, True),
    ("p", "toggle_play", "key.play"),
    ("plus,equals_sign", "faster", "key.faster", False),
    ("minus", "slower", "key.slower", False),
    ("pagedown", "page(1)", "key.page", False),
    ("pageup", "page(-1)", "key.page", False),
    ("r", "reset", "key.reset", False),
    ("x", "practice", "key.practice"),
    ("t", "quiz", "key.quiz"),
    ("l", "app.switch_lang", "key.lang"),
    ("question_mark", "app.help", "key.help"),
    ("escape", "back", "key.back"),
    ("q", "app.quit", "key.quit"),
)


def reading_delay(text: str) -> float:
    """Seconds a reader needs for a step's narration before autoplay moves on (cells, not chars)."""
    return max(5.0, min(30.0, cell_len(text) / 28))


@dataclass(frozen=True)
class Snapshot:
    """A stage as drawn: frames by pane, and each cluster pane's (serving, failed) timeline."""

    frames: dict
    timelines: dict[str, tuple[tuple[int, int], ...]]


class PaneGrid(Container):
    """Holds the simulation panes: side by side when there is room, stacked otherwise."""

    DEFAULT_CSS = """
    PaneGrid { layout: vertical; height: 1fr; }
    PaneGrid.-side-by-side { layout: horizontal; }
    PaneGrid.-side-by-side > ClusterView { width: 1fr; height: 1fr; }
    PaneGrid > ClusterView { width: 1fr; }
    """

    def on_resize(self) -> None:
        self.place_panes()

    def place_panes(self) -> None:
        shown = sum(1 for child in self.children if child.display)
        self.set_class(shown > 1 and self.size.width >= SIDE_BY_SIDE_MIN, "-side-by-side")


class LessonScreen(Screen):
    """One section of the chapter, stepped through on the stage."""

    def __init__(self, section: SectionSpec, *, instant: bool = False, autoplay: bool = False):
        super().__init__()
        self.section = section
        self.instant = instant
        self.autoplay = autoplay
        self.player = StagePlayer(section)
        self.k = 0
        self.speed = DEFAULT_SPEED
        self.paused = False
        self.completed = False
        self._clock: Timer | None = None
        self._reading: Timer | None = None
        self._last_tick = 0.0
        # Each step's end state as drawn (frames and chart timelines), kept once reached, so
        # going back shows it at once; the player catches up by replay right after the paint.
        self._ends: dict[int, Snapshot] = {}
        self._behind: int | None = None  # the step the player must still replay to
        self._narrations: dict[tuple[str, int], str] = {}  # (lang, step) -> filled body
        self.offering_next = False  # Right at the last step: the narration says what is next
        self.next_at: float | None = None  # autoplay's pause at a step's end ends then

    # --- building ------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.app.lang

    def texts(self):
        return self.app.course.text(self.lang, self.section.id)

    @property
    def present(self) -> bool:
        """The presenter's layout (--present): large stage and type, no grading or console."""
        return bool(getattr(self.app, "present", False))

    def compose(self) -> ComposeResult:
        preset_breakpoints(self)
        localize_bindings(self, LESSON_KEYS, self.app.lang)  # before the footer first reads them
        lang = self.app.lang
        texts = self.app.course.text(lang, self.section.id)
        yield CourseHeader(show_clock=False, icon="◆")
        yield StepBar(id="step-bar")
        with Container(id="lesson-body"):
            with VerticalScroll(id="narration"):
                yield Static(id="narration-more")
                if self.present:
                    yield Static(id="narration-large")
                else:
                    yield Markdown(id="narration-text")
            with Container(id="stage"):
                if self.section.stage == CLUSTER:
                    with PaneGrid(id="panes"):
                        for pane in self.section.panes:
                            label = texts.panes.get(pane.name, pane.name)
                            view = ClusterView(label, pane.scenario.versions, lang,
                                               id=f"pane-{pane.name}", classes="pane")
                            view.large = self.present
                            yield view
                elif self.section.stage == PIPELINE:
                    yield PipelineView(texts.panes.get("pipeline", texts.title), lang,
                                       id="pipeline")
                elif self.section.stage == TABLE:
                    yield ComparisonView(self.section.strategies, self.section.fleet, lang,
                                         instant=self.instant,
                                         computed=self.app.computed_tables, id="comparison")
        yield KeyFooter()
        if self.present:
            yield PresenterBar(id="presenter-bar")
        yield TooSmall()

    def on_mount(self) -> None:
        self.sub_title = ""
        self.watch(self.query_one("#narration", VerticalScroll), "scroll_y",
                   lambda: self.show_pages(), init=False)
        self._clock = self.set_interval(1 / FPS, self._tick, pause=True)
        if self.present and not self.instant:
            self.set_interval(PRESENT_BAR_S, self.show_presenter_bar)
        self.enter_step(0, animate=not self.instant)

    def on_resize(self) -> None:
        self.query_one(TooSmall).show_size(self.app.size.width, self.app.size.height)
        if self.present and self.is_mounted:
            self.show_narration()  # its spacing follows the height

    def on_unmount(self) -> None:
        self._stop_clock()

    # --- steps ---------------------------------------------------------------------------
    @property
    def last(self) -> int:
        return len(self.section.steps) - 1

    @property
    def animating(self) -> bool:
        return self._behind is None and self.player.animating

    def snapshot(self) -> Snapshot:
        """What the stage shows now: every pane's frame and, for cluster panes, its timeline."""
        timelines = {pane.name: timeline_of(self.player.simulation(pane.name))
                     for pane in self.section.panes if self.section.stage == CLUSTER}
        return Snapshot(self.player.frames(), timelines)

    def _remember_end(self, k: int) -> None:
        if k >= 0 and k not in self._ends and self.player.step == k and not self.player.animating:
            self._ends[k] = self.snapshot()

    def catch_up(self) -> None:
        """Replay the player to the step on screen, if a cached end state was shown first."""
        if self._behind is not None:
            k, self._behind = self._behind, None
            if self.player.step != k or self.player.animating:
                self.player.goto(k)

    def enter_step(self, k: int, *, animate: bool) -> None:
        """Show step k: animate into it from step k-1, or jump to its end state by replay."""
        self._cancel_reading()
        k = max(0, min(self.last, k))
        if animate and not self.instant:
            self.catch_up()
            if self.player.step == k - 1 and self.player.animating:
                self.player.finish()  # the same end state a replay reaches, for less work
            self._remember_end(k - 1)
            self.k = k
            self.player.play(k)
            self.draw(animate=False)
            if not self.paused:
                self._start_clock()
        else:
            self.k = k
            self._stop_clock()
            at_k = self.player.step == k and not self.player.animating and self._behind is None
            cached = self._ends.get(k)
            if cached is not None and not at_k:
                self._behind = k
                self.draw(animate=False, shown=cached)
                self.call_after_refresh(self.catch_up)
            else:
                self._behind = None
                if not at_k:
                    self.player.goto(k)
                self._remember_end(k)
                self.draw(animate=False)
            self._schedule_next()
        self.show_narration()
        self.show_step_bar()
        if k == self.last and not self.completed:
            self.completed = True
            self.app.mark_completed(self.section.id)

    def narration(self, k: int) -> str:
        """Step k's body with the numbers the engine computed for it (kept once computed)."""
        key = (self.lang, k)
        body = self._narrations.get(key)
        if body is None:
            text = self.texts().steps[self.section.steps[k].id].body
            body = self._narrations[key] = narrate(self.section, k, text, self.player)
        return body

    def show_narration(self) -> None:
        step = self.section.steps[self.k]
        text = self.texts().steps[step.id]
        extra = f"\n\n{self.what_next()}" if self.offering_next and self.k == self.last else ""
        if self.present:
            # Blank lines between lines only where the pane is tall (34+ rows: -h-tall).
            self.query_one("#narration-large", Static).update(
                LargeNarration(text.title, f"{self.narration(self.k)}{extra}",
                               spaced=self.app.size.height >= SPACED_MIN_ROWS))
        else:
            self.query_one("#narration-text", Markdown).update(
                f"## {text.title}\n\n{self.narration(self.k)}{extra}")
        self.query_one("#narration", VerticalScroll).scroll_home(animate=False)
        self.call_after_refresh(self.show_pages)

    # A step's text taller than its pane is read in pages (PageDown/PageUp), with the page and
    # the key on its last row, rather than behind a scrollbar (80x24 leaves the text 5 rows).
    def pages(self) -> tuple[int, int]:
        """(page shown, pages) of the narration; (1, 1) when it fits."""
        pane = self.query_one("#narration", VerticalScroll)
        rows = max(1, pane.scrollable_content_region.height)
        total = max(rows, pane.virtual_size.height)
        count = -(-total // rows)
        if pane.scroll_y >= pane.max_scroll_y:
            return count, count
        return min(count, int(pane.scroll_y) // rows + 1), count

    def show_pages(self) -> None:
        if not self.query("#narration-more"):  # the screen closed before its refresh came
            return
        page, count = self.pages()
        more = self.query_one("#narration-more", Static)
        more.display = count > 1
        if count > 1:
            key = "lesson.page.more" if page < count else "lesson.page.last"
            more.update(word(key, self.lang, page=page, pages=count))

    def action_page(self, direction: int) -> None:
        pane = self.query_one("#narration", VerticalScroll)
        if direction > 0:
            pane.scroll_page_down(animate=False)
        else:
            pane.scroll_page_up(animate=False)

    def clock_text(self) -> str:
        lang = self.lang
        if self.animating:
            state = word("clock.paused" if self.paused else "clock.playing", lang)
        else:
            state = word("clock.done", lang)
        auto = f" · {word('clock.auto', lang)}" if self.autoplay else ""
        return f"{state}{auto} · {word('clock.speed', lang, speed=self.speed)}"

    def show_step_bar(self) -> None:
        step = self.section.steps[self.k]
        texts = self.texts()
        self.query_one(StepBar).show(section=f"{self.section.id} {texts.title}", k=self.k,
                                     n=len(self.section.steps), title=texts.steps[step.id].title,
                                     clock=self.clock_text(), lang=self.lang)
        self.show_presenter_bar()

    def autoplay_mode(self) -> tuple[str, int]:
        """What autoplay is doing, for the presenter's bar: playing, waiting (and the whole
        seconds left of the pause at the step's end), paused, off, or at the last step."""
        if self.animating:
            return ("playing" if self.autoplay and not self.paused else "paused"), 0
        if self.k == self.last:
            return "last", 0
        if not self.autoplay:
            return "off", 0
        if self.next_at is not None:
            return "waiting", max(1, math.ceil(self.next_at - time.monotonic()))
        return "auto", 0

    def show_presenter_bar(self) -> None:
        if not self.present:
            return
        mode, seconds = self.autoplay_mode()
        self.query_one(PresenterBar).show(speed=self.speed, mode=mode, seconds=seconds,
                                          lang=self.lang)

    def focus_names(self) -> frozenset[str]:
        return frozenset(self.section.steps[self.k].focus)

    def draw(self, *, animate: bool, shown: Snapshot | None = None) -> None:
        """Hand frames to the stage widgets (they redraw without layout): the player's, or a
        remembered step end."""
        shown = shown or self.snapshot()
        frames = shown.frames
        focus = self.focus_names()
        stage = self.section.stage
        if stage == CLUSTER:
            shown_now = set(shown_panes(self.section, self.k))
            for pane in self.section.panes:
                view = self.query_one(f"#pane-{pane.name}", ClusterView)
                if view.display != (pane.name in shown_now):
                    view.display = pane.name in shown_now
                    self.query_one(PaneGrid).place_panes()
                frame = frames[pane.name]
                names = focus | {n.name for n in frame.nodes if n.group in focus}
                view.show(frame, shown.timelines[pane.name], frozenset(names), animate=animate)
        elif stage == PIPELINE:
            self.query_one(PipelineView).show(frames.get("pipeline"), focus)
        elif stage == TABLE:
            self.query_one(ComparisonView).set_focus_names(focus)

    # --- the clock -----------------------------------------------------------------------
    def _start_clock(self) -> None:
        if self._clock is not None:
            self._last_tick = time.monotonic()
            self._clock.resume()

    def _stop_clock(self) -> None:
        if self._clock is not None:
            self._clock.pause()

    def _tick(self) -> None:
        now = time.monotonic()
        dt = min(now - self._last_tick, 0.1)  # a stalled terminal must not jump the simulation
        self._last_tick = now
        self.advance(dt)

    def advance(self, dt: float) -> None:
        """One animation frame: move requests along links, then `dt` real seconds of simulation."""
        moving = False
        for view in self.query(ClusterView):
            moving = view.move_dots() or moving
        was_animating = self.animating
        if was_animating and not self.paused:
            self.player.tick(dt * self.tick_speed())
            self.draw(animate=True)
        if not self.animating:
            if was_animating:
                self._remember_end(self.k)
                self.show_step_bar()
                self._schedule_next()
            if not moving:
                self._stop_clock()

    def tick_speed(self) -> float:
        """The clock's speed; slowed while requests drain, so "N in flight" can be read as it
        counts down (a drain lasts a few simulated seconds)."""
        for view in self.query(ClusterView):
            frame = view.frame
            if frame is not None and any(n.lb == "draining" and n.in_flight
                                         for n in frame.nodes):
                return min(self.speed, MECHANICS_SPEED)
        return self.speed

    def _schedule_next(self) -> None:
        if self.autoplay and self.k < self.last and not self.instant:
            text = self.texts().steps[self.section.steps[self.k].id]
            self._cancel_reading()
            # The pause at a step's end: time to read, and in front of a class time to talk.
            delay = reading_delay(text.title + text.body) + (PRESENT_PAUSE_S if self.present
                                                             else 0.0)
            self.next_at = time.monotonic() + delay
            self._reading = self.set_timer(delay, self._auto_next)
            self.show_presenter_bar()

    def _cancel_reading(self) -> None:
        self.next_at = None
        if self._reading is not None:
            self._reading.stop()
            self._reading = None

    def _auto_next(self) -> None:
        self._reading = None
        self.next_at = None
        if self.autoplay and self.k < self.last and not self.animating:
            self.enter_step(self.k + 1, animate=True)

    # --- actions -------------------------------------------------------------------------
    def action_next_step(self) -> None:
        self.paused = False
        if self.k < self.last:
            self.enter_step(self.k + 1, animate=True)
        elif self.animating:
            self.player.finish()
            self._remember_end(self.k)
            self.draw(animate=False)
            self.show_step_bar()
        elif self.offering_next and self.next_section() is not None:
            self.app.open_section(self.next_section().id)
        else:
            self.offering_next = True  # the lesson is over: say what comes next
            self.show_narration()
            self.query_one("#narration", VerticalScroll).scroll_end(animate=False)

    def next_section(self):
        sections = self.app.course.sections
        index = next(i for i, s in enumerate(sections) if s.id == self.section.id)
        return sections[index + 1] if index + 1 < len(sections) else None

    def what_next(self) -> str:
        """The lesson's last words: the quiz, practice where there is one, the next section."""
        lang = self.lang
        lines = [f"### {word('next.title', lang)}", ""]
        try:
            has_quiz = self.app.quizzes().get(self.section.id) is not None
        except Exception:  # a broken quiz file: the quiz key says so when pressed
            has_quiz = False
        if has_quiz and not self.present:  # the presenter's screen has no quiz or console
            lines.append(f"- {word('next.quiz', lang)}")
        exercises = self.section.exercises if not self.present else ()
        if len(exercises) == 1:
            title = self.app.exercise_title(exercises[0], lang)
            lines.append(f"- {word('next.practice', lang, title=title)}")
        elif exercises:
            titles = ", ".join(self.app.exercise_title(e, lang) for e in exercises)
            lines.append(f"- {word('next.practice_choice', lang, titles=titles)}")
        following = self.next_section()
        if following is not None:
            title = self.app.course.text(lang, following.id).title
            lines.append(f"- {word('next.section', lang, id=following.id, title=title)}")
        else:
            lines.append(f"- {word('next.map', lang)}")
        return "\n".join(lines)

    def action_prev_step(self) -> None:
        self.paused = False
        self.offering_next = False
        self.enter_step(max(0, self.k - 1), animate=False)

    def action_reset(self) -> None:
        self.paused = False
        self.enter_step(0, animate=True)

    def action_toggle_play(self) -> None:
        self.autoplay = not self.autoplay
        if self.autoplay:
            self.paused = False
            if self.animating:
                self._start_clock()
            elif self.k < self.last:
                self.enter_step(self.k + 1, animate=True)
        else:
            self._cancel_reading()
            if self.animating:
                self.paused = True
                self._stop_clock()
        self.show_step_bar()

    def action_faster(self) -> None:
        self._set_speed(+1)

    def action_slower(self) -> None:
        self._set_speed(-1)

    def _set_speed(self, direction: int) -> None:
        index = SPEEDS.index(self.speed) if self.speed in SPEEDS else SPEEDS.index(DEFAULT_SPEED)
        self.speed = SPEEDS[max(0, min(len(SPEEDS) - 1, index + direction))]
        self.show_step_bar()

    def action_back(self) -> None:
        self.app.show_map()

    def action_practice(self) -> None:
        """The section's exercise, or a choice when it has several (5.2.2's blue/green ones)."""
        exercises = self.section.exercises
        if len(exercises) == 1:
            self.app.open_practice(exercises[0])
        elif exercises:
            self.app.pick_practice(exercises)

    def action_quiz(self) -> None:
        self._stop_clock()
        self.app.open_quiz(self.section.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("practice", "quiz") and self.present:
            return False  # grading and the practice console stay off the projector
        if action == "practice":
            return bool(self.section.exercises)
        return True

    # --- language ------------------------------------------------------------------------
    def apply_lang(self) -> None:
        """Re-word everything in the app's language; the step and the stage stay where they are."""
        lang = self.lang
        localize_bindings(self, LESSON_KEYS, lang)
        texts = self.texts()
        if self.section.stage == CLUSTER:
            for pane in self.section.panes:
                self.query_one(f"#pane-{pane.name}", ClusterView).set_texts(
                    texts.panes.get(pane.name, pane.name), lang)
        elif self.section.stage == PIPELINE:
            self.query_one(PipelineView).set_texts(texts.panes.get("pipeline", texts.title), lang)
        elif self.section.stage == TABLE:
            self.query_one(ComparisonView).set_lang(lang)
        self.show_narration()
        self.show_step_bar()
