"""Seeded random keys on every screen of the app, with random resizes: nothing may crash it.

`python -m tests.fuzz [--keys 5000] [--seed 1] [--screens map,lesson:5.1.2,...]` (`make fuzz`)
opens each screen in a headless app, sends it random keys (letters, digits, Korean, arrows,
Enter, Escape, Tab, function and Ctrl keys, whole hostile practice commands) and resizes it now
and then down to 10x5. A key that quits the app starts it again on the same screen. The first
exception ends the run with the screen, the seed and the key sequence since the app started,
which `--replay` plays back. The app runs with `instant=True` (steps complete at once, no clock
runs) so that a seed replays the same way; keys are sent straight to the app's driver and the
fuzzer waits for the app to drain them only every few keys, not after every key.

tests/test_fuzz.py runs a short version (fixed seed, a few hundred keys on a few screens).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field

from textual import events

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
KOREAN = "한글배포서버ㄱㅎㅏ"
NAMED = ("up", "down", "left", "right", "home", "end", "pageup", "pagedown", "enter", "escape",
         "tab", "shift+tab", "backspace", "delete", "space", "insert", "shift+left",
         "shift+right", "shift+up", "shift+down", "question_mark", "slash", "plus", "minus",
         "full_stop", "comma", "colon", "number_sign", "left_square_bracket",
         "right_square_bracket")
FUNCTION = tuple(f"f{n}" for n in range(1, 13))
# ctrl+z suspends a real terminal; headless it is one more key. ctrl+c and ctrl+q may quit.
CTRL = tuple(f"ctrl+{c}" for c in "abcdefghijklmnopqrstuvwxyz")
# Whole lines a hostile learner could type or paste into the practice console or a prompt.
HOSTILE_LINES = (
    "deploy web-1 v102", "register green", "wait healthy green", "deregister blue",
    "launch green 4 v102", "launch green 1000000 v102", "wait 999999999999999999999",
    "wait -1", "wait nan", "wait inf", "wait 1e308", "switch web-1 8082", "stop web-1:8081",
    "start web-1:8082 v102", "terminate blue green web-1", "status", "health blue", "#",
    "deploy", "a" * 300, "한" * 200, "deploy web-1 " + "v" * 5000, "\x00\x1b[2J", "{0}",
    "{result:>1500000000}", "wait drained " + "green " * 100, "create-asg x from y size 99999",
    "   ", "WAIT HEALTHY GREEN", "deploy web-1:99999 v1", "launch blue -3 v101",
)
SIZES = ((10, 5), (20, 8), (40, 12), (59, 19), (60, 20), (80, 19), (80, 24), (100, 30),
         (120, 36), (200, 60))
RESIZE_EVERY = 40  # keys between resizes, on average
SYNC_EVERY = 64  # keys sent between waits for the app to drain its queue


def pick_key(rng: random.Random) -> str:
    """One random key (or a pasted line, as `paste:TEXT`)."""
    roll = rng.random()
    if roll < 0.30:
        return rng.choice(LETTERS)
    if roll < 0.38:
        return rng.choice(DIGITS)
    if roll < 0.43:
        return rng.choice(KOREAN)
    if roll < 0.78:
        return rng.choice(NAMED)
    if roll < 0.85:
        return rng.choice(FUNCTION)
    if roll < 0.95:
        return rng.choice(CTRL)
    return "paste:" + rng.choice(HOSTILE_LINES)


def plan(rng: random.Random, keys: int) -> list[str]:
    """The whole seeded sequence: keys, with `size:WxH` resizes among them."""
    steps: list[str] = []
    for _ in range(keys):
        if rng.randrange(RESIZE_EVERY) == 0:
            width = rng.choice((rng.randint(10, 200),) + tuple(w for w, _ in SIZES))
            height = rng.choice((rng.randint(5, 60),) + tuple(h for _, h in SIZES))
            steps.append(f"size:{width}x{height}")
        steps.append(pick_key(rng))
    return steps


def every_screen(lang: str = "en") -> list[str]:
    """The fuzzer's screen names: the map, each lesson, practice exercise and quiz, each help
    and dialog, the command palette, the teacher's view and the sandbox."""
    from lessons.course import load_course
    from lessons.exercises import load_exercises
    from lessons.quizzes import load_quizzes

    course = load_course()
    names = ["map"]
    names += [f"lesson:{s.id}" for s in course.sections]
    names += [f"practice:{e}" for e in sorted(load_exercises())]
    names += [f"quiz:{q}" for q in sorted(load_quizzes())]
    names += ["help", "help:practice", "practice-help", "quiz-help", "picker", "confirm-solution",
              "leave-quiz", "palette", "teacher", "present:5.1.3", "present:5.1.1", "name",
              "sandbox"]
    return names


def open_screen(app, name: str) -> None:
    """Put `app` (mounted, on its map) on the screen called `name`."""
    kind, _, arg = name.partition(":")
    lang = app.lang
    if kind in ("map", "name"):  # name: the app was made with --ask-name (a served tab)
        return
    if kind in ("lesson", "present"):  # present: the app was made with --present
        app.open_section(arg)
    elif kind == "practice":
        app.open_practice(arg)
    elif kind == "quiz":
        app.open_quiz(arg, seed=1)
    elif kind == "help":
        from app.ui.dialogs.help import HelpScreen

        app.push_screen(HelpScreen(lang, practice=arg == "practice"))
    elif kind == "practice-help":
        from app.ui.dialogs.practice_help import PracticeHelpScreen

        app.push_screen(PracticeHelpScreen(lang))
    elif kind == "quiz-help":
        from app.ui.dialogs.quiz_help import QuizHelpScreen

        app.push_screen(QuizHelpScreen(lang))
    elif kind == "picker":
        app.pick_practice()
    elif kind == "confirm-solution":
        from app.ui.dialogs.confirm_solution import ConfirmSolutionScreen

        app.push_screen(ConfirmSolutionScreen(lang))
    elif kind == "leave-quiz":
        from app.ui.dialogs.leave_quiz import LeaveQuizScreen

        app.push_screen(LeaveQuizScreen(lang))
    elif kind == "palette":
        app.action_command_palette()
    elif kind == "teacher":
        app.open_teacher()
    elif kind == "sandbox":  # its w saves attempt files in the current folder (the fuzz's own)
        app.open_sandbox()
    else:
        raise ValueError(f"no screen called {name!r}")


@dataclass
class Crash:
    """What broke, and how to get there again."""

    screen: str
    seed: int
    steps: list[str]
    error: str

    def describe(self) -> str:
        return (f"{self.screen}: {self.error}\n  seed {self.seed}, key {len(self.steps)} since "
                f"the app started; replay with\n  python -m tests.fuzz --screens {self.screen} "
                f"--replay '{json.dumps(self.steps)}'")


@dataclass
class Result:
    screen: str
    keys: int = 0
    restarts: int = 0
    resizes: int = 0
    seconds: float = 0.0
    crash: Crash | None = None
    crashes: list[Crash] = field(default_factory=list)


def send(app, key: str) -> None:
    """Hand one key (or a paste) to the app's driver, as a terminal would, without waiting."""
    if key.startswith("paste:"):
        event = events.Paste(key[6:])
    else:
        import unicodedata

        from textual.app import _character_to_key  # what Pilot.press does to a key
        from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key

        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


def resize(app, width: int, height: int) -> None:
    """What `Pilot.resize_terminal` does, without its wait for the app to settle."""
    from textual.geometry import Size

    size = Size(width, height)
    app._driver._size = size
    app.post_message(events.Resize(size, size))


async def drain(app, pilot, rounds: int = 200) -> None:
    """Wait until the app has handled every key sent. Leaving `run_test` shuts the app down from
    outside while keys may still be queued, and Textual then hands them to a screen stack it has
    already emptied (ScreenStackError); a real terminal quits through the queue, after them."""
    for _ in range(rounds):
        await pilot.pause()
        if app._message_queue.empty():
            return


def error_of(app) -> str | None:
    exc = app._exception
    if exc is None:
        return None
    return f"{type(exc).__name__}: {exc}"


async def fuzz_screen(name: str, steps: list[str], *, seed: int, lang: str = "en",
                      size: tuple[int, int] = (100, 30)) -> Result:
    """Play `steps` on screen `name`, restarting the app when a key quits it."""
    from app.ui.app import DeployLabApp

    result = Result(name)
    started = time.perf_counter()
    position = 0
    while position < len(steps):
        app = DeployLabApp(lang=lang, instant=True, present=name.startswith("present:"),
                           ask_name=name == "name")
        since_start: list[str] = []
        crashed = None
        try:
            async with app.run_test(size=size) as pilot:
                open_screen(app, name)
                await pilot.pause()
                while position < len(steps) and app.return_code is None:
                    step = steps[position]
                    position += 1
                    since_start.append(step)
                    if step.startswith("size:"):
                        width, height = map(int, step[5:].split("x"))
                        result.resizes += 1
                        resize(app, width, height)
                    else:
                        result.keys += 1
                        send(app, step)
                        if result.keys % SYNC_EVERY == 0:
                            await pilot.pause()
                    crashed = error_of(app)
                    if crashed:
                        break
                if crashed is None and app.return_code is None:
                    await drain(app, pilot)
        except Exception as err:  # run_test re-raises the app's first exception
            crashed = error_of(app) or f"{type(err).__name__}: {err}"
        crashed = crashed or error_of(app)
        if crashed:
            result.crash = Crash(name, seed, since_start, crashed)
            break
        if app.return_code is not None and position < len(steps):
            result.restarts += 1
    result.seconds = time.perf_counter() - started
    return result


def fuzz_one(name: str, keys: int, seed: int, lang: str, replay: list[str] | None) -> Result:
    """One screen's whole run (in a worker process when `--jobs` is above 1)."""
    # Each screen's sequence depends on the seed and its name only (str seeds are stable).
    steps = replay if replay is not None else plan(random.Random(f"{seed}:{name}"), keys)
    return asyncio.run(fuzz_screen(name, steps, seed=seed, lang=lang))


def report(result: Result, out) -> None:
    status = "CRASH" if result.crash else "ok"
    print(f"{result.screen:28} {result.keys:6} keys {result.resizes:4} resizes "
          f"{result.restarts:3} restarts {result.seconds:7.1f} s  {status}", file=out, flush=True)
    if result.crash:
        print(result.crash.describe(), file=out, flush=True)


def run(screens: list[str], keys: int, seed: int, lang: str = "en",
        replay: list[str] | None = None, jobs: int = 1, out=sys.stdout) -> list[Result]:
    """Fuzz each screen with its own seeded sequence, `jobs` screens at a time."""
    if jobs <= 1:
        results = []
        for name in screens:
            results.append(fuzz_one(name, keys, seed, lang, replay))
            report(results[-1], out)
        return results
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(fuzz_one, name, keys, seed, lang, replay) for name in screens]
        results = []
        for future in as_completed(futures):
            results.append(future.result())
            report(results[-1], out)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--keys", type=int, default=5000, help="keys per screen")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lang", choices=("ko", "en"), default="en")
    parser.add_argument("--screens", help="comma-separated screen names (default: every screen)")
    parser.add_argument("--replay", help="a JSON list of steps a crash report printed")
    parser.add_argument("--jobs", type=int, default=1, help="screens fuzzed at once")
    args = parser.parse_args(argv)
    # The fuzzer's progress and anything the app might write stay in a folder of its own.
    work = tempfile.mkdtemp(prefix="deploylab-fuzz-")
    os.environ["DEPLOYLAB_DATA_DIR"] = os.path.join(work, "data")
    os.environ.setdefault("DEPLOYLAB_STRICT_WORDS", "1")
    os.chdir(work)
    screens = args.screens.split(",") if args.screens else every_screen(args.lang)
    replay = json.loads(args.replay) if args.replay else None
    started = time.perf_counter()
    results = run(screens, args.keys, args.seed, args.lang, replay, jobs=args.jobs)
    total = sum(r.keys for r in results)
    crashes = [r for r in results if r.crash]
    print(f"{len(results)} screens, {total} keys ({args.keys} planned per screen), "
          f"{len(crashes)} crashes, "
          f"{time.perf_counter() - started:.0f} s")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
