"""Course UI speed (issue 4's targets), each against a baseline or budget in the same run.

1. First frame: `deploylab --lang ko` as a whole process until its course map is first drawn
   (Textual's Ready event), against a minimal Textual app (Header, Static, Footer) measured the
   same way, interleaved, median of several runs. CPU seconds (user + system) up to that moment
   decide, so other work on the machine does not skew the ratio; wall times are printed
   alongside. Target: ratio <= 1.3.
2. Animation tick at 120x40: advance the engine by one frame's worth of simulated time and
   repaint the stage (8 instances with traffic, metrics, chart) through Textual's compositor,
   exactly what the 30 fps clock does. Target: median <= 16 ms, and no layout per tick.
3. Stepping back: from every step of every section to the one before, time until the screen
   shows it (the step's remembered end state, repainted); the engine's replay to it
   (`StagePlayer.goto`) runs right after the paint and is printed too. Target: the slowest
   step's median <= 50 ms on screen.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = 7
FIRST_FRAME_TARGET = 1.3
TICK_TARGET_MS = 16.0
REPLAY_TARGET_MS = 50.0

# Each child writes its CPU seconds and the wall-clock time at its first frame (Textual's
# Ready event) to the file named by BENCH_OUT, then exits; what the course app does after its
# first frame (it validates the whole course then) is not part of the first frame.
REPORT = textwrap.dedent("""
    import os, resource, time

    def report():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        with open(os.environ["BENCH_OUT"], "w") as out:
            out.write(f"{usage.ru_utime + usage.ru_stime} {time.time()}")
""")

BASELINE_APP = REPORT + textwrap.dedent("""
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Minimal(App):
        def compose(self):
            yield Header()
            yield Static("DeployLab")
            yield Footer()

        def on_ready(self):
            report()
            self.exit()

    Minimal().run(headless=True, size=(120, 36))
""")

# The real entry point, `deploylab --lang ko`, with the app told to stop at its first frame.
COURSE_APP = REPORT + textwrap.dedent("""
    import sys
    from app.ui.app import DeployLabApp
    from app.cli.main import main

    real_run = DeployLabApp.run

    def headless_run(self, *args, **kwargs):
        return real_run(self, headless=True, size=(120, 36))

    def first_frame(self):
        report()
        self.exit()

    DeployLabApp.run = headless_run
    DeployLabApp.on_ready = first_frame
    sys.exit(main(["--lang", "ko"]))
""")


def _run_child(code: str, env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) from starting `python -c code` to its first frame."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
        start = time.time()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                       env={**env, "BENCH_OUT": out.name}, check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cpu, ready = (float(x) for x in out.read().split())
    return cpu, ready - start


def first_frame() -> bool:
    with tempfile.TemporaryDirectory() as data:
        # Bytecode is written even where the environment says not to, or the course's own
        # modules would be compiled again in every run (an installed app has its bytecode).
        env = {**os.environ, "DEPLOYLAB_DATA_DIR": data, "TEXTUAL_ANIMATIONS": "none",
               "PYTHONDONTWRITEBYTECODE": ""}
        _run_child(BASELINE_APP, env)  # warm the file cache and bytecode for both
        _run_child(COURSE_APP, env)
        base, course = [], []
        for _ in range(RUNS):
            base.append(_run_child(BASELINE_APP, env))
            course.append(_run_child(COURSE_APP, env))
    base_cpu = statistics.median(c for c, _ in base)
    course_cpu = statistics.median(c for c, _ in course)
    ratio = course_cpu / base_cpu
    ok = ratio <= FIRST_FRAME_TARGET
    print(f"first frame: course map {course_cpu * 1000:.0f} ms CPU "
          f"({statistics.median(w for _, w in course) * 1000:.0f} ms wall), minimal app "
          f"{base_cpu * 1000:.0f} ms CPU ({statistics.median(w for _, w in base) * 1000:.0f} ms "
          f"wall): ratio {ratio:.2f} (target <= {FIRST_FRAME_TARGET}) {'PASS' if ok else 'FAIL'}")
    return ok


def _bench_course():
    """A course of one section whose second step keeps 8 instances (blue and green) serving."""
    from lessons.course import Course
    from models.actions import Action
    from models.course import PaneSpec, SectionSpec, SectionText, StepSpec, StepText
    from models.params import SimParams
    from models.scenarios import BLUEGREEN, Scenario

    setup = tuple(Action.of(text) for text in (
        "launch green 4 v102", "wait healthy green", "register green", "wait healthy green"))
    pane = PaneSpec("main", Scenario(BLUEGREEN, 4), SimParams(rps=4.0))
    steps = (StepSpec("both-serve", run={"main": setup}),
             StepSpec("keep-serving", run={"main": (Action.of("wait 3600"),)}))
    section = SectionSpec("bench", 1, "cluster", (pane,), steps)
    words = SectionText("Benchmark", "Eight instances serving.",
                        {s.id: StepText(s.id, "Blue and green both serve.") for s in steps},
                        {"main": "Load balancer and eight instances"})
    return Course((section,), {"ko": {"bench": words}, "en": {"bench": words}})


def _collect_dirty(screen) -> int:
    """Hand the screen the widgets that asked to repaint, as their idle handlers would.

    Returns how many asked for a layout (the stage must never need one to animate).
    """
    layouts = int(screen._layout_required)
    for widget in screen.walk_children(with_self=False):
        layouts += bool(widget._layout_required)
        if widget._repaint_required:
            widget._repaint_required = False
            screen._dirty_widgets.add(widget)
    return layouts


async def _tick_ms() -> tuple[float, int, int]:
    from app.ui.app import DeployLabApp
    from app.ui.widgets.stage import ClusterView

    app = DeployLabApp(lang="en", lesson="bench", course=_bench_course())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen._stop_clock()  # the benchmark drives the frames itself
        screen.player.finish()
        screen.enter_step(1, animate=True)
        screen._stop_clock()
        await pilot.pause()
        view = screen.query_one(ClusterView)
        times, layouts, with_dots = [], 0, 0
        for _ in range(300):
            start = time.perf_counter()
            screen.advance(1 / 30)
            layouts += _collect_dirty(screen)
            screen._on_timer_update()  # the repaint the update timer would do next
            times.append((time.perf_counter() - start) * 1000)
            with_dots += bool(view.dots)
        assert screen.player.animating, "the benchmark step ended early"
        assert screen.player.frames()["main"].instances == 8
        return statistics.median(times), layouts, with_dots


async def _replay_ms() -> tuple[float, str, float, str]:
    """(slowest step back as shown, where; slowest raw engine replay, where), medians of 5.

    A learner reaches step k+1 by passing step k, so going back finds step k's end state
    remembered and shows it at once; the player's replay then runs after the paint. Both are
    measured: what the learner waits for, and what the engine costs.
    """
    from app.ui.app import DeployLabApp
    from lessons.course import load_course
    from models.course import StagePlayer

    course = load_course()
    shown_worst, shown_where, raw_worst, raw_where = 0.0, "", 0.0, ""
    app = DeployLabApp(lang="en", instant=True, course=course)
    async with app.run_test(size=(120, 40)) as pilot:
        for section in course.sections:
            app.open_section(section.id)
            await pilot.pause()
            screen = app.screen
            for k in range(len(section.steps)):  # forward, as a learner goes
                screen.enter_step(k, animate=False)
                screen.catch_up()
            await pilot.pause()
            for k in range(len(section.steps) - 2, -1, -1):
                times = []
                for _ in range(5):
                    screen.enter_step(k + 1, animate=False)
                    screen.catch_up()
                    start = time.perf_counter()
                    screen.enter_step(k, animate=False)
                    _collect_dirty(screen)
                    screen._on_timer_update()
                    times.append((time.perf_counter() - start) * 1000)
                    screen.catch_up()
                    await pilot.pause()  # let the narration's Markdown settle between runs
                median = statistics.median(times)
                if median > shown_worst:
                    shown_worst, shown_where = median, f"{section.id} step {k + 1}"
            player = StagePlayer(section)
            for k in range(len(section.steps)):
                times = []
                for _ in range(5):
                    start = time.perf_counter()
                    player.goto(k)
                    times.append((time.perf_counter() - start) * 1000)
                median = statistics.median(times)
                if median > raw_worst:
                    raw_worst, raw_where = median, f"{section.id} step {k + 1}"
    return shown_worst, shown_where, raw_worst, raw_where


def tick() -> bool:
    median, layouts, dots = asyncio.run(_tick_ms())
    ok = median <= TICK_TARGET_MS and layouts == 0
    print(f"animation tick at 120x40, 8 instances with traffic: median {median:.2f} ms "
          f"(target <= {TICK_TARGET_MS:.0f} ms), layouts in 300 ticks: {layouts}, "
          f"{'PASS' if ok else 'FAIL'}")
    if not dots:
        print("  note: no request dots were on screen during the run")
    return ok


def replay() -> bool:
    shown, shown_where, raw, raw_where = asyncio.run(_replay_ms())
    ok = shown <= REPLAY_TARGET_MS
    print(f"step back, every step of every section: on screen in at most {shown:.1f} ms "
          f"({shown_where}) (target <= {REPLAY_TARGET_MS:.0f} ms) {'PASS' if ok else 'FAIL'}")
    print(f"  the engine's replay behind it (StagePlayer.goto, after the paint): slowest "
          f"{raw:.1f} ms ({raw_where})")
    return ok


def main() -> bool:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    with tempfile.TemporaryDirectory() as data:
        os.environ["DEPLOYLAB_DATA_DIR"] = data
        results = [first_frame(), tick(), replay()]
    return all(results)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
