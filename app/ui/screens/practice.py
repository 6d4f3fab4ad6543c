"""Practice mode: the learner deploys on the live stage by typing (or clicking) commands.

The screen drives a `PracticeSession` (app/practice_session.py) and draws what it hands out:
the stage, a log of what each command reported, the goal and hints, and once the learner says
done (or reaches the goal) the grade, with the command that broke a rule highlighted and the
run replayable step by step (Left/Right). Leaving dismisses the screen with the attempt's
`Grade` (or None): the quiz's practical question reads it.

Given a `SandboxSpec` instead of an exercise, it is the sandbox: every command, no goal, hints,
solution or score; `d` ends the run and sums up what users saw, `w` saves the commands as an
attempt file (models/sandbox.py).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import RichLog, Static

from app.ui.dialogs.confirm_solution import ConfirmSolutionScreen
from app.ui.dialogs.exercise_picker import ExercisePickerScreen
from app.ui.dialogs.practice_help import PracticeHelpScreen
from app.ui.speeds import SCRUB_S, speed_after
from app.ui.widgets.action_panel import BUILD, DEMO, GRADED, ActionPanel
from app.ui.widgets.chrome import (
    CourseHeader,
    KeyFooter,
    TooSmall,
    dismiss_once,
    emphasised,
    preset_breakpoints,
)
from app.ui.widgets.console import CommandConsole, Vocabulary, localize
from app.ui.widgets.grade_view import grade_report
from app.ui.widgets.stage import ClusterView, format_clock, timeline_of
from app.words import render, word
from models.actions import Action, ActionResult
from models.coaching import FAILING, OK, RISK, Coaching
from models.exercises import Exercise
from models.grading import Grade, cause_note, criterion_label
from models.grammar import offered
from models.practice import ParseError
from models.practice_session import PracticeSession, Stop
from models.sandbox import SandboxSession, SandboxSpec, attempt_script, matching
from models.scenarios import BLUEGREEN, BUILD_GROUP, CONSOLE

FPS = 30
LOG_LINES = 500

# (keys, action, word key[, show]); the letter keys work when the input is not focused.
PRACTICE_KEYS = (
    ("slash,i", "type", "practice.key.type", False),  # the input is in plain sight; help lists it
    ("h", "hint", "practice.key.hint"),
    ("u", "undo", "practice.key.undo"),
    ("r", "reset", "practice.key.reset"),
    ("d", "done", "practice.key.done"),
    ("s", "solution", "practice.key.solution"),
    ("left", "replay(-1)", "practice.key.replay_prev"),
    ("right", "replay(1)", "practice.key.replay_next"),
    ("shift+left", "scrub(-1)", "practice.key.replay_prev", False),
    ("shift+right", "scrub(1)", "practice.key.replay_next", False),
    ("escape", "leave", "practice.key.back"),
    ("e", "exercises", "practice.key.exercises"),
    ("x", "exam", "practice.key.exam"),
    ("l", "app.switch_lang", "key.lang"),
    ("question_mark", "help", "key.help"),
)
# The sandbox's: no hint, solution, exercise list or exam; d ends the run, w saves the file.
SANDBOX_KEYS = (
    ("slash,i", "type", "practice.key.type", False),
    ("u", "undo", "practice.key.undo"),
    ("r", "reset", "practice.key.reset"),
    ("d", "done", "sandbox.key.done"),
    ("w", "save", "sandbox.key.save"),
    ("left", "replay(-1)", "practice.key.replay_prev"),
    ("right", "replay(1)", "practice.key.replay_next"),
    ("shift+left", "scrub(-1)", "practice.key.replay_prev", False),
    ("shift+right", "scrub(1)", "practice.key.replay_next", False),
    ("escape", "leave", "practice.key.back"),
    ("l", "app.switch_lang", "key.lang"),
    ("question_mark", "help", "key.help"),
)
# The console's shortcuts in the sandbox: no hint, and ctrl+d ends the run.
SANDBOX_CONSOLE_KEYS = tuple(
    (keys, action, "sandbox.key.done" if action == "ask('done')" else key, *rest)
    for keys, action, key, *rest in CommandConsole.KEYS if action != "ask('hint')")
SANDBOX_CONTROLS = {BUILD: ("undo", "reset", "done", "save"), DEMO: ("reset",),
                    GRADED: ("prev", "next", "undo", "again", "save")}
SAVE_TRIES = 999  # sandbox-<scenario>-1.txt ... -999.txt: never over an existing file
LETTER_ACTIONS = {"type", "hint", "undo", "reset", "done", "solution", "exercises", "replay",
                  "scrub", "help", "leave", "exam", "save"}
# How a coaching mark looks: its style, and the word that says it besides the symbol.
MARK_STYLES = {OK: "", RISK: "bold yellow", FAILING: "bold red"}
MARK_WORDS = {OK: "coach.mark_ok", RISK: "coach.mark_risk", FAILING: "coach.mark_failing"}
# What helped a graded attempt, by (passed, the help): the sentence under the verdict.
AID_WORDS = {(True, "solution"): "practice.aid.passed_solution",
             (False, "solution"): "practice.aid.failed_solution",
             (True, "hint"): "practice.aid.passed_hint",
             (False, "hint"): "practice.aid.failed_hint",
             (True, "hints"): "practice.aid.passed_hints",
             (False, "hints"): "practice.aid.failed_hints"}
LIVE_MARK_S = 0.25  # a running command's live mark is recomputed at most this often (wall s)


def vocabulary_of(session: PracticeSession) -> Vocabulary:
    """The words the console and buttons offer: what exists in the live simulation now."""
    scenario = session.scenario
    frame = session.frame()
    hosts = tuple(n.name for n in frame.nodes if n.kind == "host" and n.state != "terminated")
    slots = tuple(n.name for n in frame.nodes if n.kind == "slot")
    proxies = tuple(dict.fromkeys(s.split(":")[0] for s in slots))
    ports = tuple(dict.fromkeys(s.split(":")[1] for s in slots))
    sim = session.sim
    new_images = tuple(n for n in map(scenario.image, scenario.versions) if n not in sim.images)
    new_templates = tuple(n for n in map(scenario.template, scenario.versions)
                          if n not in sim.templates)
    return Vocabulary(commands=offered(scenario.kind),
                      groups=scenario.groups if scenario.kind in (BLUEGREEN, CONSOLE) else (),
                      hosts=hosts, slots=slots, proxies=proxies, ports=ports,
                      versions=scenario.versions, max_count=max(1, scenario.servers),
                      images=tuple(sim.images), templates=tuple(sim.templates),
                      asgs=tuple(sim.asgs), new_images=new_images, new_templates=new_templates,
                      new_asgs=tuple(g for g in scenario.groups
                                     if g not in sim.asgs and g != BUILD_GROUP)
                      if scenario.kind == CONSOLE else (),
                      sizes=(str(scenario.servers),) if scenario.kind == CONSOLE else ())


def write_new_file(folder: Path, stem: str, text_for) -> Path:
    """Write `text_for(name)` to the first free `<stem>-N.txt` in `folder` (never over a file
    that exists: O_EXCL); raises OSError when the folder cannot be written."""
    for n in range(1, SAVE_TRIES + 1):
        path = folder / f"{stem}-{n}.txt"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text_for(path.name))
        except OSError:
            path.unlink(missing_ok=True)  # not half a file under a name we told nobody
            raise
        return path
    raise FileExistsError(f"{stem}-1.txt to -{SAVE_TRIES}.txt all exist")


def save_problem(err: OSError, folder: Path, lang: str) -> str:
    """Why an attempt file could not be written, in one sentence."""
    if isinstance(err, PermissionError):
        reason = word("sandbox.reason.permission", lang)
    elif isinstance(err, FileNotFoundError):
        reason = word("sandbox.reason.missing", lang)
    elif isinstance(err, FileExistsError):
        reason = word("sandbox.reason.full", lang, tries=SAVE_TRIES)
    else:
        reason = (err.strerror or type(err).__name__).lower()
    return word("sandbox.save_failed", lang, folder=str(folder), reason=reason)


@dataclass
class SeenHelp:
    """What helped with one exercise so far: hint tiers opened per criterion, and whether the
    reference solution was played. Every attempt graded after it says so."""

    hints_open: dict[str, int] = field(default_factory=dict)
    solution: bool = False


def seen_help(app, exercise_id: str) -> SeenHelp:
    """The App's record of what helped with `exercise_id`, kept while the app runs (a new one
    for an app without the record, e.g. a test's bare App)."""
    records = getattr(app, "seen_help", None)
    if records is None:
        return SeenHelp()
    return records.setdefault(exercise_id, SeenHelp())


class PracticeScreen(Screen):
    """One exercise, live: console, buttons, log, goal and hints, then the grade and replay."""

    DEFAULT_CSS = """
    PracticeScreen #practice-bar { height: 1; padding: 0 1; background: $boost; }
    PracticeScreen #practice-body { height: 1fr; layout: horizontal; }
    PracticeScreen #practice-main { width: 1fr; height: 1fr; }
    PracticeScreen #practice-stage { height: 1fr; min-height: 6; }
    PracticeScreen #practice-log { height: 7; padding: 0 1; border-top: solid $primary 50%;
                                   background: transparent; scrollbar-size-vertical: 1;
                                   scrollbar-gutter: stable; overflow-x: hidden; }
    PracticeScreen #practice-side { width: 46; height: 1fr; border-left: solid $primary 50%; }
    PracticeScreen #practice-goal { height: auto; padding: 0 1 1 1; }
    PracticeScreen #practice-hint { height: auto; padding: 0 1 1 1; color: $text-muted; }
    PracticeScreen #practice-grade { height: auto; padding: 0 1 1 1; display: none; }
    PracticeScreen.-graded #practice-grade { display: block; }
    PracticeScreen.-graded #practice-goal, PracticeScreen.-graded #practice-hint { display: none; }
    PracticeScreen #practice-side ActionPanel #builder-choices { grid-size: 3; }
    PracticeScreen #practice-side ActionPanel #controls { layout: grid; grid-size: 3;
                                                          grid-gutter: 0 1; grid-rows: 1; }
    PracticeScreen #practice-side ActionPanel #controls Button { width: 100%; margin: 0; }
    PracticeScreen.-w-narrow #practice-side { width: 34; }
    PracticeScreen.-w-narrow #practice-side ActionPanel #builder-choices { grid-size: 2; }
    PracticeScreen.-w-narrow #practice-log { height: 5; }
    PracticeScreen.-w-huge #practice-side { width: 60; }
    PracticeScreen.-h-short Header { display: none; }
    PracticeScreen.-h-tall #practice-log { height: 9; }
    PracticeScreen.-h-huge #practice-log { height: 14; }
    """

    @dataclass
    class AttemptGraded(Message):
        """A learner's attempt was graded (never the reference's demo); the App records it."""

        screen: PracticeScreen
        exercise: str
        commands: str
        grade: Grade
        lang: str
        hints_used: int = 0  # hint tiers opened on this screen before the grade
        solution_seen: bool = False  # the reference solution was played before the grade

    def __init__(self, exercise: str | Exercise | SandboxSpec, lang: str | None = None, *,
                 instant: bool | None = None, exam: bool = False,
                 save_dir: Path | None = None):
        super().__init__()
        self.sandbox = isinstance(exercise, SandboxSpec)
        self.save_dir = save_dir  # where the sandbox saves attempt files (None: the current folder)
        # Exam mode: no coaching marks until the grade (the quiz's practical always; a toggle
        # in practice). Marks are still computed, and shown once the attempt is graded.
        self.exam = exam
        self._live_mark: tuple[float, Coaching | None] = (0.0, None)
        self._exercise_arg = exercise  # `lang` is the opener's; the screen follows the app's
        self._instant_arg = instant
        self.session: PracticeSession | None = None
        self.exercise_locked = False  # the quiz opened it for one exercise: no switching
        # Hint tiers opened per criterion, and whether the reference solution was played: the
        # App's record for this exercise (see `seen`), so what was seen stays seen through undo,
        # reset, closing the screen and opening it again.
        self.seen = SeenHelp()
        self.replay_stop: Stop | None = None
        self._replays: dict[Stop, object] = {}
        self._log: list[tuple[str, object]] = []  # (kind, payload), re-worded on a language switch
        self._clock: Timer | None = None
        self._last_tick = 0.0
        self._command_started = 0.0
        self._saved = False
        self._not_saved: Exception | None = None  # why the graded attempt was not saved
        self._chrome: tuple[str, str] | None = None  # (mode, language) the chrome was drawn for

    # --- building ------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.app.lang

    @property
    def instant(self) -> bool:
        if self._instant_arg is not None:
            return self._instant_arg
        return bool(getattr(self.app, "instant", False))

    @property
    def exercise(self) -> Exercise:
        return self.session.exercise

    def _load_exercise(self, exercise: str | Exercise) -> Exercise:
        return exercise if isinstance(exercise, Exercise) else self.app.exercises()[exercise]

    @property
    def keys(self) -> tuple:
        return SANDBOX_KEYS if self.sandbox else PRACTICE_KEYS

    def shown_title(self, lang: str) -> str:
        """The exercise's title, or what the sandbox starts from."""
        if not self.sandbox:
            return self.exercise.text(lang).title
        spec = self.session.spec
        return word("sandbox.title", lang, scenario=word(f"sandbox.scenario.{spec.scenario}",
                                                         lang, servers=spec.servers))

    def compose(self) -> ComposeResult:
        preset_breakpoints(self)
        if self.sandbox:
            self.session = SandboxSession(self._exercise_arg)
        else:
            self.session = PracticeSession(self._load_exercise(self._exercise_arg))
            self.seen = seen_help(self.app, self.exercise.id)
        lang = self.lang
        localize(self, self.keys, lang, word)
        yield CourseHeader(show_clock=False, icon="◆")
        yield Static(id="practice-bar")
        with Horizontal(id="practice-body"):
            with Vertical(id="practice-main"):
                yield ClusterView(self.shown_title(lang), self.session.scenario.versions,
                                  lang, id="practice-stage")
                yield RichLog(id="practice-log", wrap=True, markup=False, max_lines=LOG_LINES,
                              min_width=20, auto_scroll=True)
                console = CommandConsole(self.vocabulary, lang, word, id="console")
                if self.sandbox:
                    console.KEYS = SANDBOX_CONSOLE_KEYS
                yield console
            with VerticalScroll(id="practice-side"):
                yield Static(id="practice-goal")
                yield Static(id="practice-hint")
                yield Static(id="practice-grade")
                yield ActionPanel(self.vocabulary, lang, word, id="actions",
                                  controls=SANDBOX_CONTROLS if self.sandbox else None,
                                  labels={"done": "sandbox.btn.done"} if self.sandbox else None)
        yield KeyFooter(show_command_palette=False)
        yield TooSmall()

    def on_mount(self) -> None:
        if self.exercise_locked:  # the quiz's practical is an exam: no solution to watch
            self.panel.withheld = {"solution"}
        self._clock = self.set_interval(1 / FPS, self._tick, pause=True)
        self.query_one("#practice-log", RichLog).can_focus = False
        self.add_log("note", "sandbox.log.start" if self.sandbox else "practice.log.start")
        self.refresh_all()
        self.focus_input()

    def on_resize(self) -> None:
        self.query_one(TooSmall).show_size(self.app.size.width, self.app.size.height)
        self.call_after_refresh(self.rewrite_log)  # RichLog wraps at write time: wrap anew

    def on_unmount(self) -> None:
        if self._clock is not None:
            self._clock.stop()

    def vocabulary(self) -> Vocabulary:
        return vocabulary_of(self.session)

    @property
    def console(self) -> CommandConsole:
        return self.query_one(CommandConsole)

    @property
    def panel(self) -> ActionPanel:
        return self.query_one(ActionPanel)

    @property
    def graded(self) -> bool:
        return self.session.graded

    def focus_input(self) -> None:
        if not self.console.input.disabled:
            self.console.input.focus()

    # --- drawing -------------------------------------------------------------------------
    def refresh_all(self) -> None:
        """Re-draw everything from the session (after a command, undo, reset, grading, language).

        What only a change of mode or language alters is redone only then: re-keying the
        console and the footer costs a relayout, too much to pay after every command.
        """
        self.draw_stage()
        self.show_bar()
        self.show_grade()
        self.show_hint()
        mode = GRADED if self.graded else DEMO if self.session.demo else BUILD
        if self.panel.mode != mode:
            self.panel.set_mode(mode)
        else:
            self.panel.rebuild()
        if (mode, self.lang) != self._chrome:
            self._chrome = (mode, self.lang)
            self.show_goal()
            self.set_class(self.graded, "-graded")
            placeholder = word({GRADED: "sandbox.console.ended" if self.sandbox
                                else "practice.console.graded",
                                DEMO: "practice.console.demo"}.get(
                mode, "practice.console.placeholder"), self.lang)
            self.console.set_lang(self.lang, placeholder)
            self.console.input.disabled = mode != BUILD
            self.refresh_bindings()

    def draw_stage(self, *, animate: bool = False) -> None:
        stage = self.query_one("#practice-stage", ClusterView)
        if self.graded and self.replay_stop is not None:
            sim = self.replay_sim(self.replay_stop)
        else:
            sim = self.session.sim
        stage.show(sim.frame(), timeline_of(sim), animate=animate)

    def replay_sim(self, stop: Stop):
        sim = self._replays.get(stop)
        if sim is None:
            if len(self._replays) > 64:
                self._replays.clear()
            sim = self._replays[stop] = self.session.replay(stop)
        return sim

    def show_bar(self) -> None:
        lang = self.lang
        session = self.session
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.sandbox:  # the stage's label names the start state; the bar stays short
            text.append(word("sandbox.goal.heading", lang), style="bold")
        else:
            text.append(f"{word('practice.bar.practice', lang)} · ", style="bold")
            text.append(self.exercise.text(lang).title, style="bold")
        text.append("  ")
        if session.graded and self.sandbox:
            users = session.seen
            text.append(word("sandbox.bar.ended", lang, failed=f"{users.failed:,}",
                             requests=f"{users.requests:,}"),
                        style="bold red" if users.failed else "bold green")
            self._replay_position(text)
        elif session.graded:
            grade = session.grade
            key = "practice.bar.passed" if grade.passed else "practice.bar.failed"
            text.append(word(key, lang, score=grade.score),
                        style="bold green" if grade.passed else "bold red")
            self._replay_position(text)
        elif session.busy:
            speed = speed_after(time.monotonic() - self._command_started)
            text.append(word("practice.bar.running", lang, command=session.sim.current.text(),
                             speed=f"{speed:.0f}"), style="bold yellow")
            live = None if self.exam else self.live_mark()
            if live is not None:
                text.append("  " + live.symbol + " " + word(MARK_WORDS[live.level], lang),
                            style=MARK_STYLES[live.level] or "bold green")
                if live.failed:
                    text.append(f" ({live.failed})", style=MARK_STYLES[live.level])
        else:
            text.append(word("practice.bar.ready", lang, n=len(session.actions)))
        if session.demo:
            text.append("  · " + word("practice.bar.demo", lang), style="italic")
        if self.exam and not session.graded:
            text.append("  · " + word("practice.bar.exam", lang), style="italic")
        self.query_one("#practice-bar", Static).update(text)

    def _replay_position(self, text: Text) -> None:
        if self.replay_stop is None:
            return
        lang = self.lang
        stops = self.session.stops()
        k = stops.index(self.replay_stop) + 1 if self.replay_stop in stops else 0
        text.append("   " + word("practice.bar.replay", lang, k=k or "·", n=len(stops),
                                t=format_clock(self.replay_stop.t)), style="bold")
        text.append(" · " + self.replay_where(self.replay_stop), style="italic")

    def replay_where(self, stop: Stop) -> str:
        lang = self.lang
        results = self.session.results
        if self.session.during(stop):
            action = results[stop.done].action
            return word("practice.replay.during", lang, line=action.line, command=action.text())
        if stop.done:
            action = results[stop.done - 1].action
            return word("practice.replay.after", lang, line=action.line, command=action.text())
        return word("practice.replay.start", lang)

    def show_goal(self) -> None:
        lang = self.lang
        if self.sandbox:
            goal = Text()
            goal.append(word("sandbox.goal.heading", lang) + "\n", style="bold underline")
            goal.append(emphasised(word("sandbox.goal.body", lang)) + "\n\n")
            goal.append(word("sandbox.goal.options", lang), style="bold")
            goal.append("\n" + self.session.spec.options(), style="dim")
            self.query_one("#practice-goal", Static).update(goal)
            self.query_one("#practice-hint", Static).display = False
            return
        text = self.exercise.text(lang)
        goal = Text()
        goal.append(word("practice.goal.heading", lang) + "\n", style="bold underline")
        goal.append(emphasised(text.goal))
        self.query_one("#practice-goal", Static).update(goal)
        self.show_hint()

    @property
    def hints_open(self) -> dict[str, int]:
        return self.seen.hints_open

    @property
    def solution_seen(self) -> bool:
        return self.seen.solution

    @property
    def hints_used(self) -> int:
        return sum(self.hints_open.values())

    @property
    def hint_criterion(self) -> str | None:
        """The criterion a hint is about now: the run's first at risk or failed (see focus)."""
        return self.session.focus()

    def show_hint(self) -> None:
        """The hints of the criterion the run is about now, as far as they have been opened."""
        if self.sandbox:
            return  # no exercise, no hints
        lang = self.lang
        criterion = self.hint_criterion
        tiers = self.exercise.text(lang).tiers(criterion) if criterion else ()
        opened = min(self.hints_open.get(criterion, 0), len(tiers))
        about = render(criterion_label(criterion), lang) if criterion else ""
        hint = Text()
        if opened:
            hint.append(word("practice.hint.heading", lang, k=opened, n=len(tiers),
                             about=about) + "\n", style="bold")
            for tier in tiers[:opened]:
                hint.append("• ")
                hint.append(emphasised(tier))
                hint.append("\n")
            if opened >= len(tiers):
                hint.append(word("practice.hint.all", lang), style="italic")
        elif tiers:
            hint.append(word("practice.hint.none", lang, about=about), style="italic")
        if self.hints_used > opened:
            hint.append("\n" + word("practice.hint.used", lang, n=self.hints_used), style="dim")
        self.query_one("#practice-hint", Static).update(hint)

    def aid_note(self) -> str:
        """What helped the graded attempt, in a sentence for the grade (empty: nothing did)."""
        grade = self.session.grade
        if grade is None or self.session.demo:
            return ""
        used = self.hints_used
        help_ = "solution" if self.solution_seen else "hint" if used == 1 else "hints" \
            if used else None
        return word(AID_WORDS[grade.passed, help_], self.lang, n=used) if help_ else ""

    def show_grade(self) -> None:
        grade = self.session.grade
        view = self.query_one("#practice-grade", Static)
        if grade is None:
            view.update("")
            return
        lang = self.lang
        if self.sandbox:
            view.update(self.seen_report(lang))
            return
        note = word("practice.grade.demo", lang) if self.session.demo else (
            word("practice.grade.saved", lang) if self._saved else
            word("practice.grade.not_saved", lang, error=self._save_error(lang))
            if self._not_saved is not None else "")
        line = self.session.running_line(self.replay_stop) if self.replay_stop else None
        report = grade_report(grade, lang, replay_line=line,
                              efficiency=self.session.efficiency(), note=note,
                              aid=self.aid_note())
        report.append("\n" + word("practice.grade.replay", lang), style="dim")
        view.update(report)

    def seen_report(self, lang: str) -> Text:
        """What users saw over the ended sandbox run: no score, no criteria."""
        users = self.session.seen
        out = Text()
        out.append(word("sandbox.seen.heading", lang) + "\n", style="bold underline")
        out.append(word("sandbox.seen.total", lang, requests=f"{users.requests:,}",
                        succeeded=f"{users.succeeded:,}", failed=f"{users.failed:,}") + "\n",
                   style="bold red" if users.failed else "bold green")
        if not users.failures:
            out.append(word("sandbox.seen.none", lang) + "\n")
        replay_line = (self.session.running_line(self.replay_stop) if self.replay_stop
                       else None)
        for failure in users.failures:
            command = self.session.grade.command(failure.line)
            at = dict(count=f"{failure.count:,}", first=format_clock(failure.first_t),
                      last=format_clock(failure.last_t), cause=render(cause_note(failure.cause),
                                                                      lang))
            if command is not None:
                shown = word("sandbox.seen.failure", lang, line=failure.line, command=command,
                             **at)
            else:
                shown = word("sandbox.seen.failure_start", lang, **at)
            style = "bold red" if failure.line == replay_line and replay_line else "red"
            out.append("✗ " + shown + "\n", style=style)
        if users.peak_p95_ms:
            out.append(word("sandbox.seen.p95", lang, p95=f"{users.peak_p95_ms:,.0f}") + "\n",
                       style="dim")
        if users.errors:
            out.append(word("practice.grade.errors", lang) + "\n", style="bold")
            for line, message in users.errors:
                out.append(f"  {line}: {render(message, lang)}\n", style="yellow")
        out.append("\n" + word("sandbox.seen.next", lang), style="dim")
        return out

    # --- the log -------------------------------------------------------------------------
    def add_log(self, kind: str, payload: object) -> None:
        self._log.append((kind, payload))
        if len(self._log) > LOG_LINES:
            del self._log[:-LOG_LINES]
        logs = self.query("#practice-log")
        if logs:  # else the screen has closed; the line is kept for nothing, harmlessly
            logs.first(RichLog).write(self.log_text(kind, payload))

    def log_text(self, kind: str, payload: object) -> Text:
        lang = self.lang
        if kind == "command":
            action: Action = payload
            return Text(f"{action.line:>3} › {action.text()}", style="bold")
        if kind == "result":
            result, coaching = payload
            marked = coaching is not None and not (self.exam and not self.graded)
            if not result.ok:
                symbol, style = "✗ ", "bold red"
            elif marked:
                symbol, style = coaching.symbol + " ", MARK_STYLES[coaching.level]
            else:
                symbol, style = "· ", ""
            text = Text("    " + symbol + render(result.message, lang), style=style)
            for line in result.lines:
                text.append("\n      " + render(line, lang))
            if marked and coaching.level != OK:
                text.append("\n      " + coaching.symbol + " "
                            + word(MARK_WORDS[coaching.level], lang) + ": ",
                            style=MARK_STYLES[coaching.level])
                text.append(" ".join(render(reason, lang) for reason in coaching.reasons),
                            style=MARK_STYLES[coaching.level].replace("bold ", ""))
            return text
        if kind == "undo":
            action = payload
            return Text(word("practice.log.undo", lang, line=action.line, command=action.text()),
                        style="yellow")
        if kind == "error":
            return Text(payload(lang) if callable(payload) else str(payload), style="red")
        if kind == "saved":
            return Text(payload(lang), style="bold green")
        return Text(word(payload, lang), style="italic dim")

    def rewrite_log(self) -> None:
        logs = self.query("#practice-log")
        if not logs:  # a resize's rewrite that came after the screen was taken down
            return
        log = logs.first(RichLog)
        log.clear()
        for kind, payload in self._log:
            log.write(self.log_text(kind, payload))

    # --- running commands ----------------------------------------------------------------
    def on_command_console_entered(self, event: CommandConsole.Entered) -> None:
        event.stop()
        text = event.text
        if self.graded or self.session.demo:
            return
        if not text.split("#", 1)[0].strip():
            if self.session.busy:
                self.finish_running()
            self.console.show_feedback("", "")
            return
        try:
            action = self.session.parse(text)
        except ParseError as err:
            self.console.show_feedback(render(err.message, self.lang), "error")
            return
        self.console.input.remember(text.strip())
        self.console.input.value = ""
        note = ""
        if self.session.busy:
            self.finish_running()
            note = word("practice.console.busy", self.lang)
        self.console.show_feedback(note, "note" if note else "")
        self.panel.clear()
        if action is not None:
            self.run_action(action)

    def on_action_panel_built(self, event: ActionPanel.Built) -> None:
        event.stop()
        self.console.input.value = event.text  # the console spells out what the buttons build
        if event.complete:
            self.post_message(CommandConsole.Entered(event.text))

    def on_command_console_completed(self, event: CommandConsole.Completed) -> None:
        event.stop()
        if event.choices:
            self.console.show_feedback(word("practice.console.choices", self.lang,
                                            words=" ".join(event.choices)), "note")
        elif event.nothing:
            self.console.show_feedback(word("practice.console.no_choice", self.lang), "note")
        else:
            self.console.show_feedback("", "")

    def on_command_console_left(self, event: CommandConsole.Left) -> None:
        event.stop()
        self.set_focus(None)
        self.refresh_bindings()

    def on_command_console_asked(self, event: CommandConsole.Asked) -> None:
        event.stop()
        if event.what == "lang":
            self.app.action_switch_lang()
        else:
            getattr(self, f"action_{event.what}")()

    def on_action_panel_control(self, event: ActionPanel.Control) -> None:
        event.stop()
        what = event.what
        if what in ("prev", "next"):
            self.action_replay(-1 if what == "prev" else 1)
        elif what == "again":
            self.action_reset()
        else:
            getattr(self, f"action_{what}")()

    def run_action(self, action: Action) -> None:
        """Start `action` on the live simulation; it animates, or ends at once when instant."""
        self.session.begin(action)
        self._command_started = time.monotonic()
        self._live_mark = (0.0, None)
        self.add_log("command", action)
        if self.instant:
            self.command_finished(self.session.finish_current())
        else:
            self._last_tick = time.monotonic()
            self._clock.resume()
            self.draw_stage()
            self.show_bar()

    def finish_running(self) -> None:
        """Run the command under way to its end at once (Enter while it animates)."""
        result = self.session.finish_current()
        if result is not None:
            self.command_finished(result, chain=False)

    def command_finished(self, result: ActionResult, *, chain: bool = True) -> None:
        self.add_log("result", (result, self.session.coaching()))
        session = self.session
        if session.demo:
            following = session.next_pending()
            if following is not None:
                self.refresh_all()
                if chain:
                    self.run_action(following)
                else:  # finished at once: run the rest of the solution at once too
                    self.session.pending.insert(0, following)
                    self.finish_demo()
                return
            self.grade_attempt()
            return
        if session.goal_now():
            self.add_log("note", "practice.log.goal")
            self.grade_attempt()
            return
        self.refresh_all()

    def finish_demo(self) -> None:
        while self.session.demo and (following := self.session.next_pending()) is not None:
            self.session.begin(following)
            self.add_log("command", following)
            result = self.session.finish_current()
            self.add_log("result", (result, self.session.coaching()))
        self.grade_attempt()

    def _tick(self) -> None:
        now = time.monotonic()
        dt = min(now - self._last_tick, 0.1)  # a stalled terminal must not jump the simulation
        self._last_tick = now
        stage = self.query_one("#practice-stage", ClusterView)
        moving = stage.move_dots()
        session = self.session
        if session.busy:
            speed = speed_after(now - self._command_started)
            result = session.step(session.sim.now + dt * speed)
            self.draw_stage(animate=True)
            self.show_bar()
            if result is not None:
                self.command_finished(result)
        elif not moving and self._clock is not None:
            self._clock.pause()

    # --- grading -------------------------------------------------------------------------
    def grade_attempt(self) -> Grade:
        """Grade the run as it stands, save it (not the reference's), and open the replay."""
        session = self.session
        grade = session.grade_now()
        self._saved = False
        self._not_saved = None
        if self.sandbox:
            self.add_log("note", "sandbox.log.ended")
        elif not session.demo:  # the App records it and answers with attempt_recorded()
            self.post_message(self.AttemptGraded(
                self, self.exercise.id, session.commands_text(), grade, self.lang,
                hints_used=self.hints_used, solution_seen=self.solution_seen))
        self._replays.clear()
        self.replay_stop = session.first_failure_stop() or session.end_stop()
        if self.exam:
            self.rewrite_log()  # graded: the marks exam mode kept back are shown now
        self.refresh_all()
        self.set_focus(None)
        self.query_one("#practice-side", VerticalScroll).scroll_home(animate=False)
        return grade

    def _save_error(self, lang: str) -> str:
        error = self._not_saved
        return error.text(lang) if hasattr(error, "text") else str(error)

    def attempt_recorded(self, error: Exception | None) -> None:
        """The App's answer to `AttemptGraded`: saved, or why not."""
        self._saved = error is None
        self._not_saved = error
        if error is not None:
            self.add_log("error", lambda lang: word("practice.log.saved_failed", lang,
                                                     error=self._save_error(lang)))
        if self.query("#practice-grade"):  # the learner may have left before the answer came
            self.show_grade()

    # --- actions -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted or self.session is None:
            return True
        if action in LETTER_ACTIONS and action != "leave" and self.focused is self.console.input:
            return False  # typed letters go to the input; the footer shows the input's keys
        if action in ("replay", "scrub"):
            return self.graded
        if action in ("exercises", "exam"):
            return not self.exercise_locked
        if action in ("hint", "done"):
            return not (self.graded or self.session.demo)
        if action == "solution":  # an exam (the quiz's practical) does not hand out answers
            return not (self.session.demo or self.exercise_locked)
        if action == "save":
            return self.sandbox
        return True

    def live_mark(self) -> Coaching | None:
        """The running command's mark so far, recomputed at most every `LIVE_MARK_S`."""
        now = time.monotonic()
        at, mark = self._live_mark
        if mark is None or now - at >= LIVE_MARK_S:
            mark = self.session.coaching()
            self._live_mark = (now, mark)
        return mark

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_exam(self) -> None:
        """Coaching off (exam) or on; the grade is the same either way."""
        if self.exercise_locked or self.sandbox:
            return
        self.exam = not self.exam
        self.add_log("note", "coach.exam_on" if self.exam else "coach.exam_off")
        self.rewrite_log()
        self.show_bar()

    def action_type(self) -> None:
        self.focus_input()

    def action_hint(self) -> None:
        """Open the next tier of the hint about the criterion the run is about now."""
        if self.sandbox:  # ctrl+t from the console: there is no exercise to hint at
            self.add_log("note", "sandbox.log.no_hints")
            return
        if self.graded or self.session.demo:
            return
        criterion = self.hint_criterion
        if criterion is None:
            return
        total = len(self.exercise.text(self.lang).tiers(criterion))
        if self.hints_open.get(criterion, 0) < total:
            self.hints_open[criterion] = self.hints_open.get(criterion, 0) + 1
        self.show_hint()
        self.query_one("#practice-hint", Static).scroll_visible(animate=False)

    def action_undo(self) -> None:
        undone = self.session.undo()
        if undone is None:
            if self.graded:  # an empty attempt was graded: back to the start state to go on
                self.action_reset()
            else:
                self.add_log("note", "practice.log.nothing_to_undo")
            return
        self.replay_stop = None
        self._replays.clear()
        self.add_log("undo", undone)
        self.refresh_all()
        self.focus_input()

    def action_reset(self) -> None:
        self.session.reset()
        self.replay_stop = None
        self._replays.clear()
        self.add_log("note", "practice.log.reset")
        self.refresh_all()
        self.focus_input()

    def action_done(self) -> None:
        if self.graded or self.session.demo:
            return
        if self.session.busy:
            self.finish_running()
            if self.graded:
                return
        self.grade_attempt()

    def action_solution(self) -> None:
        if self.session.demo or self.exercise_locked or self.sandbox:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.play_solution()

        self.app.push_screen(ConfirmSolutionScreen(self.lang), callback=answered)

    def play_solution(self) -> None:
        self.seen.solution = True
        self.session.play_solution()
        self.replay_stop = None
        self._replays.clear()
        self.add_log("note", "practice.log.solution")
        self.refresh_all()
        first = self.session.next_pending()
        if first is not None:
            self.run_action(first)

    def action_replay(self, step: int) -> None:
        if not self.graded:
            return
        stops = self.session.stops()
        current = self.replay_stop or self.session.end_stop()
        if step < 0:
            earlier = [s for s in stops if s.order < current.order]
            target = earlier[-1] if earlier else stops[0]
        else:
            later = [s for s in stops if s.order > current.order]
            target = later[0] if later else stops[-1]
        self.show_replay(target)

    def action_scrub(self, step: int) -> None:
        if not self.graded:
            return
        current = self.replay_stop or self.session.end_stop()
        end = self.session.end_stop()
        t = max(0.0, min(end.t, current.t + step * SCRUB_S))
        self.show_replay(self.session.stop_at(t))

    def show_replay(self, stop: Stop) -> None:
        self.replay_stop = stop
        self.draw_stage()
        self.show_bar()
        self.show_grade()

    def action_exercises(self) -> None:
        if self.exercise_locked or self.sandbox:
            return

        def picked(exercise_id: str | None) -> None:
            if exercise_id and exercise_id != self.exercise.id:
                self.app.switch_screen(PracticeScreen(exercise_id, instant=self._instant_arg))

        self.app.push_screen(ExercisePickerScreen(self.exercise.id), callback=picked)

    def action_help(self) -> None:
        self.app.push_screen(PracticeHelpScreen(self.lang, sandbox=self.sandbox))

    def action_save(self) -> None:
        """The sandbox's commands as an attempt file in the current folder, under a new name."""
        if not self.sandbox:
            return
        lang = self.lang
        if getattr(self.app, "ask_name", False):  # served to a browser: the folder is the server's
            self.add_log("note", "sandbox.log.save_served")
            return
        actions = self.session.actions
        if not actions:
            self.add_log("note", "sandbox.log.save_empty")
            return
        spec = self.session.spec
        try:
            exercises = matching(spec, self.app.exercises().values())
        except Exception:  # broken exercise files: the file is still a plain script
            exercises = []
        start = word(f"sandbox.scenario.{spec.scenario}", lang, servers=spec.servers)

        def text_for(name: str) -> str:
            header = [word("sandbox.file.title", lang, start=start),
                      word("sandbox.file.open", lang, options=spec.options())]
            if exercises:
                header.append(word("sandbox.file.grade", lang, exercise=exercises[0], name=name))
            header += [word("sandbox.file.lines", lang), ""]
            return attempt_script(header, actions)

        try:
            folder = self.save_dir or Path.cwd()
            path = write_new_file(folder, f"sandbox-{spec.scenario}", text_for)
        except OSError as err:
            folder = self.save_dir or Path(os.environ.get("PWD", "."))
            message = save_problem(err, folder, lang)
            self.add_log("error", message)
            self.console.show_feedback(message, "error")
            return
        exercise = exercises[0] if exercises else None

        def saved(lang: str) -> str:
            if exercise is None:
                return word("sandbox.saved", lang, path=str(path))
            return word("sandbox.saved_grade", lang, path=str(path), exercise=exercise,
                        name=path.name)

        self.add_log("saved", saved)
        self.console.show_feedback(saved(lang), "note")

    def action_leave(self) -> None:
        if self.session.busy:
            self.finish_running()
        nothing = self.session.demo or self.sandbox  # a sandbox run has no grade to hand back
        dismiss_once(self, None if nothing else self.session.grade)

    # --- language ------------------------------------------------------------------------
    def apply_lang(self) -> None:
        """Re-word the screen in the app's language; the attempt, log and replay stay put."""
        lang = self.lang
        localize(self, self.keys, lang, word)
        self.query_one("#practice-stage", ClusterView).set_texts(self.shown_title(lang), lang)
        self.panel.set_lang(lang)
        self.rewrite_log()
        self.refresh_all()
