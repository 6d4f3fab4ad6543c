"""One practice attempt on a live simulation: run commands, undo, reset, grade, replay.

No Textual here: the practice screen drives a `PracticeSession` and draws the frames it
hands out. Every way back in time (undo, replay) starts a new `Simulation` from the exercise's
seed and runs the same actions again, so what the learner scrubs through is the run that was
graded, event for event.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.actions import Action, ActionResult
from models.coaching import Checkpoint, Coaching, checkpoint, coach, focus
from models.engine import Simulation
from models.exercises import Exercise
from models.frames import Frame
from models.grading import Grade, goal_reached, grade_live, grade_once
from models.practice import parse_line


@dataclass(frozen=True)
class Stop:
    """A replay position: `done` commands finished, then time `t` into the next one (if later).

    `running` starts the next command even at the instant it began: a failure it caused at
    once (a deploy that stops a serving app) is then on screen, not the moment before it.
    """

    done: int
    t: float
    running: bool = False

    @property
    def order(self) -> tuple[float, int, bool]:
        return (self.t, self.done, self.running)


def solution_actions(exercise: Exercise) -> tuple[Action, ...]:
    """The reference solution as console commands, numbered 1, 2, ... like typed ones."""
    script = exercise.parse(exercise.solution)
    return tuple(a._replace(line=i) for i, a in enumerate(script.actions, 1))


class PracticeSession:
    """The learner's attempt: a live simulation, its commands, and a grade once done."""

    def __init__(self, exercise: Exercise):
        self.exercise = exercise
        self.sim = exercise.new_simulation()
        self.grade: Grade | None = None
        self.demo = False  # playing the reference solution rather than the learner's attempt
        self.pending: list[Action] = []  # commands queued to run one after another
        # The goal counts only once the attempt has been away from it: a start state that
        # already meets it (the bad build: blue serving, nothing to clean) is not a finish.
        self.goal_missed = not goal_reached(exercise, self.sim)
        self._reference_facts: dict | None = None  # the reference's run, measured when asked
        self._checkpoint: Checkpoint | None = None  # the run as the current command began

    # --- what the screen reads -------------------------------------------------------------
    @property
    def scenario(self):
        return self.exercise.scenario

    @property
    def busy(self) -> bool:
        return self.sim.busy

    @property
    def results(self) -> list[ActionResult]:
        return self.sim.results

    @property
    def actions(self) -> tuple[Action, ...]:
        """Commands run so far, the running one last."""
        done = tuple(r.action for r in self.sim.results)
        return done + ((self.sim.current,) if self.sim.busy and self.sim.current else ())

    @property
    def graded(self) -> bool:
        return self.grade is not None

    def frame(self) -> Frame:
        return self.sim.frame()

    def commands_text(self) -> str:
        """The attempt as a script `deploylab grade` reads back (one command a line)."""
        return "\n".join(a.text() for a in self.actions)

    # --- running ---------------------------------------------------------------------------
    def parse(self, text: str) -> Action | None:
        """Check a console line against the names that exist now; raises `ParseError`."""
        return parse_line(text, self.scenario, self.actions)

    def begin(self, action: Action) -> None:
        if self.graded:
            raise RuntimeError("the attempt is graded; reset or undo first")
        self._checkpoint = checkpoint(self.exercise, self.sim)
        self.sim.begin(action)

    def coaching(self) -> Coaching | None:
        """What the current (or last) command has done to users so far, by the exercise's
        criteria on the run as it stands (None before any command)."""
        if self._checkpoint is None:
            return None
        return coach(self.exercise, self.sim, self._checkpoint)

    def focus(self) -> str | None:
        """The criterion a hint should be about now (the first at risk or failed)."""
        return focus(self.exercise, self.sim)

    def step(self, until: float) -> ActionResult | None:
        """Move the running command on to simulated time `until`; its result once it ends."""
        self.sim.step_until(until)
        return None if self.sim.busy else self.sim.results[-1]

    def finish_current(self) -> ActionResult | None:
        """Run the current command to its end at once (Enter while it animates, instant mode)."""
        if not self.sim.busy:
            return None
        return self.sim.run_current()

    def goal_now(self) -> bool:
        """Whether the attempt has just got to the goal state (checked after each command)."""
        if self.demo and self.pending:
            return False
        reached = goal_reached(self.exercise, self.sim)
        if not reached:
            self.goal_missed = True
        return reached and self.goal_missed

    def grade_now(self) -> Grade:
        """Grade this very run (a running command is finished first) by the three-run rule;
        the run ends here. When another run of the same traffic is the one that failed, that
        run becomes the one shown and replayed: the grade's failures happened there."""
        self.pending.clear()
        self.grade, self.sim = grade_live(self.exercise, self.sim)
        return self.grade

    # --- going back ------------------------------------------------------------------------
    def _rebuild(self, actions: tuple[Action, ...]) -> None:
        self.sim = self.exercise.new_simulation()
        self.grade = None
        self._checkpoint = None
        self.goal_missed = not goal_reached(self.exercise, self.sim)
        for action in actions:
            self.sim.run(action)
            if not goal_reached(self.exercise, self.sim):
                self.goal_missed = True

    def undo(self) -> Action | None:
        """Drop the last command (running or done, graded or not): replay the rest from the seed."""
        actions = self.actions
        if not actions:
            return None
        self.pending.clear()
        self.demo = False
        self._rebuild(actions[:-1])
        return actions[-1]

    def reset(self) -> None:
        self.pending.clear()
        self.demo = False
        self._rebuild(())

    def play_solution(self) -> None:
        """Start over and queue the reference solution; the screen runs it like typed commands."""
        self.reset()
        self.demo = True
        self.pending = list(solution_actions(self.exercise))

    def next_pending(self) -> Action | None:
        return self.pending.pop(0) if self.pending else None

    # --- replay after grading ----------------------------------------------------------------
    def stops(self) -> list[Stop]:
        """Where Left/Right stop: the start, each command's end, and each failure's moment."""
        results = self.results
        stops = {Stop(0, 0.0)}
        for i, result in enumerate(results):
            stops.add(Stop(i + 1, result.ended))
        if self.grade is not None:
            for criterion in self.grade.failed:
                if criterion.t is not None:
                    stops.add(self.stop_at(criterion.t, criterion.line))
        return sorted(stops, key=lambda s: s.order)

    def stop_at(self, t: float, line: int | None = None) -> Stop:
        """The replay position at simulated time `t`: commands ended by then are done; when
        the command on attempt `line` is the one under way at `t`, it has begun."""
        results = self.results
        done = 0
        while done < len(results) and results[done].ended <= t:
            done += 1
        if (line is not None and done < len(results) and results[done].action.line == line
                and results[done].started <= t):
            return Stop(done, t, running=True)
        last_end = results[done - 1].ended if done else 0.0
        return Stop(done, max(t, last_end))

    def first_failure_stop(self) -> Stop | None:
        if self.grade is None:
            return None
        moments = [(c.t, c.line) for c in self.grade.failed if c.t is not None]
        return self.stop_at(*min(moments, key=lambda m: m[0])) if moments else None

    def during(self, stop: Stop) -> bool:
        """Whether a replay position is inside a command (rather than between two)."""
        results = self.results
        return stop.done < len(results) and (stop.running or stop.t > results[stop.done].started)

    def end_stop(self) -> Stop:
        """The last replay position: the end of the observation window once graded."""
        results = self.results
        end = results[-1].ended if results else 0.0
        if self.grade is not None and self.sim.metrics.window_end is not None:
            end = max(end, self.sim.metrics.window_end)
        return Stop(len(results), end)

    def replay(self, stop: Stop) -> Simulation:
        """A new simulation from the shown run's seed, at `stop` of this attempt's commands
        (with the same simulated time between them as in that run)."""
        sim = self.exercise.new_simulation(self.sim.seed)
        results = self.results
        for result in results[:stop.done]:
            sim.advance(result.started - sim.now)
            sim.run(result.action)
        following = results[stop.done] if stop.done < len(results) else None
        if following is not None and (stop.running or stop.t > following.started):
            sim.advance(following.started - sim.now)
            sim.begin(following.action)
            sim.step_until(stop.t)
        elif stop.t > sim.now:  # before the next command, or the observation window
            sim.advance(stop.t - sim.now)
        return sim

    def running_line(self, stop: Stop) -> int | None:
        """The command a replay position is in (or has just finished), for the listing's ▶."""
        results = self.results
        if self.during(stop):
            return results[stop.done].action.line
        if stop.done:
            return results[stop.done - 1].action.line
        return None

    def efficiency(self) -> dict:
        """This run against the reference: commands, simulated time, instance-seconds."""
        if self.grade is None:
            return {}
        if self._reference_facts is None:
            self._reference_facts = grade_once(self.exercise, self.exercise.solution).facts
        facts, ref = self.grade.facts, self._reference_facts
        return {"commands": facts["commands"], "reference_commands": ref["commands"],
                "duration_s": facts["duration_s"], "reference_duration_s": ref["duration_s"],
                "instance_seconds": facts["instance_seconds"],
                "reference_instance_seconds": ref["instance_seconds"]}
