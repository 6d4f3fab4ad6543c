"""Grading a practice attempt: run it on the engine, then judge the whole run, not just the end.

A verdict must not depend on luck: `grade` runs an attempt from the exercise's start state on
three runs of the same traffic (the exercise's seed and two derived from it, `run_seeds`) and
passes it only when all three pass; the criteria it reports are the first failing run's (the
exercise's seed's when all pass), and when the runs disagree the verdict says the attempt
depends on timing and, where the failure allows, what to wait for. `grade_live` does the same
for a simulation the practice console already drove (its run is the first; the learner's
commands are run again on the other seeds, with the same simulated time between them);
`grade_run` judges one run. Every failed criterion names the simulated time and the attempt
line whose action caused it. Messages are `Msg`s: keys in the catalogue's `grade` table
(criterion names in `criterion`), which the app renders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .actions import Action, ActionResult
from .engine import Simulation
from .exercises import (
    CAPACITY,
    CLEANUP,
    CRITERIA,
    GOAL,
    ORDER,
    STRATEGY,
    ZERO_DOWNTIME,
    CriterionSpec,
    Exercise,
)
from .loadbalancer import DRAINING, HEALTHY, INITIAL, UNHEALTHY
from .messages import Msg

# An attempt is graded on this many runs of the same traffic: the exercise's seed, then seeds
# RUN_SEED_STEP apart (other arrival and health-check timings, the same rates and start state).
RUNS, RUN_SEED_STEP = 3, 1000

# Hazard events the engine logs (see Simulation._kill and _do_switch) that break `order`.
UNSAFE_STOP, SWITCH = "unsafe_stop", "switch"
LAUNCH = "launch"  # the engine's event for each instance an attempt creates
BAD_SWITCHES = ("unchecked", "empty")
DOWN, HTTP_500 = "down", "http_500"
# Criteria about where the run ended rather than how it got there.
END_STATE_CRITERIA = (GOAL, CLEANUP)

# The engine's failure causes that have their own sentence; others read "failed ({cause})".
CAUSE_NOTES = {"no_target": "cause_no_target", "down": "cause_down", "cut": "cause_cut",
               "http_500": "cause_http_500", "overloaded": "cause_overloaded"}
# Hazards that break `order` (an unsafe stop's detail, or a bad switch), with their notes.
ORDER_NOTES = {"serving": "order_serving", "draining": "order_draining", "live": "order_live",
               "unchecked": "order_unchecked", "empty": "order_empty"}


class Note:
    """Grading messages: `Msg`s whose keys are in the catalogue's `grade` table."""

    @staticmethod
    def of(key: str, **params: object) -> Msg:
        return Msg(key, tuple(params.items()), "grade")


def cause_note(cause: str) -> Msg:
    """Why requests of one engine failure cause failed, in one sentence."""
    key = CAUSE_NOTES.get(cause)
    return Note.of(key) if key else Note.of("cause_other", cause=cause)


def criterion_label(criterion_id: str) -> Msg:
    """A criterion's short name for people (the id stays the same in every language)."""
    return Msg(criterion_id, (), "criterion")


@dataclass(frozen=True)
class CriterionResult:
    """How one criterion went: on failure, when (`t`, simulated s) and which attempt `line`."""

    id: str
    passed: bool
    note: Msg
    t: float | None = None
    line: int | None = None
    weight: int = 1

    def as_dict(self) -> dict:
        """As in `deploylab grade --json`, with the message still a `Msg` to render."""
        return {"id": self.id, "passed": self.passed, "message": self.note,
                "t": None if self.t is None else round(self.t, 3), "line": self.line}


def run_seeds(seed: int) -> tuple[int, ...]:
    """The seeds an attempt is graded on: `seed` first, then two derived from it."""
    return tuple(seed + RUN_SEED_STEP * k for k in range(RUNS))


@dataclass(frozen=True)
class RunVerdict:
    """How one of the runs went: its seed, verdict, score and the criteria it failed."""

    seed: int
    passed: bool
    score: int
    failed: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"seed": self.seed, "passed": self.passed, "score": self.score,
                "failed": list(self.failed)}


@dataclass(frozen=True)
class Grade:
    """A graded attempt: the verdict, each criterion, and what the run measured.

    Graded on several runs, the criteria, facts and seed are the reported run's (the first
    that failed, or the first when all passed) and `runs` has every run's verdict; `advice`
    is what the reported run says to wait for when the runs disagree (None: nothing to say).
    """

    exercise: str
    seed: int
    passed: bool
    score: int
    criteria: tuple[CriterionResult, ...]
    actions: tuple[Action, ...]
    facts: dict
    errors: tuple[tuple[int | None, Msg], ...]  # commands that could not run, with their line
    runs: tuple[RunVerdict, ...] = ()
    advice: Msg | None = None

    @property
    def verdict(self) -> RunVerdict:
        """This run's own verdict (one entry of `runs`)."""
        return RunVerdict(self.seed, self.passed, self.score, tuple(c.id for c in self.failed))

    @property
    def run_verdicts(self) -> tuple[RunVerdict, ...]:
        """Every run's verdict (this run's alone when it was graded on one)."""
        return self.runs or (self.verdict,)

    @property
    def depends_on_timing(self) -> bool:
        """Whether some runs of the same traffic passed and others did not."""
        return len({run.passed for run in self.runs}) > 1

    def criterion(self, criterion_id: str) -> CriterionResult:
        for result in self.criteria:
            if result.id == criterion_id:
                return result
        raise KeyError(criterion_id)

    @property
    def failed(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if not c.passed)

    def command(self, line: int | None) -> str | None:
        """The attempt's command on `line` (to highlight it next to a failed criterion)."""
        for action in self.actions:
            if action.line == line:
                return action.text()
        return None

    def summary_note(self) -> Msg:
        """The verdict in one sentence."""
        if self.passed:
            return Note.of("summary_passed", score=self.score)
        ids = tuple(criterion_label(c.id) for c in self.failed)
        if self.depends_on_timing:
            advice = self.advice or Note.of("timing_failed_on", seed=self.seed, ids=ids)
            return Note.of("summary_timing", passed=sum(r.passed for r in self.runs),
                           runs=len(self.runs), advice=advice, score=self.score)
        return Note.of("summary_failed", failed=len(self.failed), total=len(self.criteria),
                       ids=ids, score=self.score)

    def runs_note(self) -> Msg | None:
        """Which runs of the same traffic the verdict stands on (None: graded on one run)."""
        if len(self.runs) < 2:
            return None
        passed = sum(r.passed for r in self.runs)
        key = ("runs_all" if passed == len(self.runs) else "runs_some" if passed else "runs_none")
        return Note.of(key, runs=len(self.runs), passed=passed, seed=self.seed,
                       seeds=", ".join(str(r.seed) for r in self.runs))

    def summary(self) -> dict:
        errors = [{"line": line, "message": message} for line, message in self.errors]
        return {"text": self.summary_note(), **self.facts, "errors": errors}

    def as_dict(self) -> dict:
        """The `deploylab grade --json` object, its messages still `Msg`s (the app renders them)."""
        return {"exercise": self.exercise, "passed": self.passed, "score": self.score,
                "criteria": [c.as_dict() for c in self.criteria],
                "summary": self.summary(),
                "runs": [r.as_dict() for r in self.run_verdicts]}


# --- grading -----------------------------------------------------------------------------
# An attempt as it ran: each command with the simulated time that passed before it began.
Timed = tuple[tuple[float, Action], ...]


def grade(exercise: Exercise, attempt: str | Sequence[Action], seed: int | None = None
          ) -> Grade:
    """Grade an attempt (text, checked whole first, or parsed actions) on three runs from the
    start state: `seed` (default: the exercise's) and two derived from it; it passes only if
    all three pass.

    Raises `ParseError` for bad text; nothing runs then.
    """
    timed = tuple((0.0, a) for a in _actions(exercise, attempt))
    first = exercise.seed if seed is None else seed
    return _combined([_run_timed(exercise, timed, s) for s in run_seeds(first)])[0]


def grade_once(exercise: Exercise, attempt: str | Sequence[Action], seed: int | None = None
               ) -> Grade:
    """Grade an attempt on one run only (`seed`, default the exercise's): a measurement, not
    the verdict a learner gets."""
    timed = tuple((0.0, a) for a in _actions(exercise, attempt))
    return _run_timed(exercise, timed, exercise.seed if seed is None else seed)[0]


def grade_live(exercise: Exercise, sim: Simulation) -> tuple[Grade, Simulation]:
    """Grade a run the practice console drove, by the same three-run rule as `grade`.

    `sim` is the first run (graded and finished here); its commands run again on the two
    other seeds with the same simulated time between them. Returns the grade and the reported
    run's simulation (the one whose failures the grade names, for the replay).
    """
    first = grade_run(exercise, sim)
    timed = timed_actions(sim.results)
    runs = [(first, sim)] + [_run_timed(exercise, timed, s) for s in run_seeds(sim.seed)[1:]]
    return _combined(runs)


def timed_actions(results: Sequence[ActionResult]) -> Timed:
    """A driven run's commands, each with the simulated time between the previous one's end
    (or the start) and its own beginning."""
    timed, last = [], 0.0
    for result in results:
        timed.append((max(0.0, result.started - last), result.action))
        last = result.ended
    return tuple(timed)


def _actions(exercise: Exercise, attempt: str | Sequence[Action]) -> tuple[Action, ...]:
    return exercise.parse(attempt).actions if isinstance(attempt, str) else tuple(attempt)


def _run_timed(exercise: Exercise, timed: Timed, seed: int) -> tuple[Grade, Simulation]:
    sim = exercise.new_simulation(seed)
    for gap, action in timed:
        sim.advance(gap)
        sim.run(action)
    return grade_run(exercise, sim), sim


def _combined(runs: list[tuple[Grade, Simulation]]) -> tuple[Grade, Simulation]:
    """The verdict over runs: the first failing run's grade (or the first's), with every run's
    verdict attached."""
    reported, sim = next(((g, s) for g, s in runs if not g.passed), runs[0])
    return replace(reported, runs=tuple(g.verdict for g, _ in runs)), sim


def grade_run(exercise: Exercise, sim: Simulation) -> Grade:
    """Grade a simulation that was driven command by command (the practice console's run).

    A command still running is run to its end first. The end state is read where the attempt
    ended; then the run is finished (traffic stops, in-flight requests settle) and the criteria
    are judged over the whole run. The simulation is finished afterwards: grade it once.
    """
    if sim.busy:
        sim.run_current()
    actions = tuple(r.action for r in sim.results)
    end = _EndState.of(sim, actions)
    if sim.metrics.window_end is None:
        sim.finish()
    judge = _Judge(sim, actions, end)
    results = tuple(judge.criterion(spec) for spec in _ordered(exercise.criteria))
    total = sum(r.weight for r in results) or 1
    score = round(100 * sum(r.weight for r in results if r.passed) / total)
    passed = all(r.passed for r in results)
    errors = tuple((r.action.line, r.message) for r in sim.results if not r.ok)
    facts = _facts(exercise, sim, actions)
    advice = None if passed else judge.advice(results)
    return Grade(exercise.id, sim.seed, passed, score, results, actions, facts, errors,
                 advice=advice)


def goal_reached(exercise: Exercise, sim: Simulation) -> bool:
    """Whether the live run is in the exercise's end state now (goal and clean-up met).

    Reads the simulation without changing it, so practice mode can offer to grade as soon as
    the learner gets there.
    """
    actions = tuple(r.action for r in sim.results)
    judge = _Judge(sim, actions, _EndState.of(sim, actions))
    return all(judge.criterion(spec).passed for spec in exercise.criteria
               if spec.id in END_STATE_CRITERIA)


def judge_so_far(exercise: Exercise, sim: Simulation) -> tuple[CriterionResult, ...]:
    """The exercise's criteria judged on the live run as it stands, without finishing it (the
    practice console's coaching reads this). The end-state criteria (goal, clean-up) say
    whether the run is there yet; a strategy that must switch is not failed for not having
    switched yet."""
    actions = tuple(r.action for r in sim.results)
    judge = _Judge(sim, actions, _EndState.of(sim, actions))
    return tuple(judge.criterion(replace(spec, switch=False) if spec.id == STRATEGY else spec)
                 for spec in _ordered(exercise.criteria))


def _ordered(specs: tuple[CriterionSpec, ...]) -> list[CriterionSpec]:
    return sorted(specs, key=lambda s: CRITERIA.index(s.id) if s.id in CRITERIA else len(CRITERIA))


def _facts(exercise: Exercise, sim: Simulation, actions: tuple[Action, ...]) -> dict:
    return {
        "seed": sim.seed,
        "commands": len(actions),
        "reference_commands": len(exercise.parse(exercise.solution).actions),
        **sim.summary(),
    }


@dataclass(frozen=True)
class _EndState:
    """What the load balancer served and what still ran when the attempt's last command ended."""

    t: float
    last_line: int | None
    last_command: str | None
    serving: tuple[tuple[str, str], ...]  # (group, label): a version, DOWN or HTTP_500
    alive: tuple[tuple[str, str], ...]  # (group, instance name)

    @staticmethod
    def of(sim: Simulation, actions: tuple[Action, ...]) -> _EndState:
        serving = []
        for target in sim.lb.routable:
            inst = target.instance
            proc = inst.serving_process()
            if proc is None or not proc.answers:
                label = DOWN
            elif not proc.good:
                label = HTTP_500
            else:
                label = proc.version
            serving.append((inst.group, label))
        alive = tuple((i.group, i.name) for i in sim.instances.values() if i.alive)
        last = actions[-1] if actions else None
        return _EndState(sim.now, last.line if last else None, last.text() if last else None,
                         tuple(serving), alive)



class _Judge:
    """Evaluates criteria over one finished run."""

    def __init__(self, sim: Simulation, actions: tuple[Action, ...], end: _EndState):
        self.sim = sim
        self.metrics = sim.metrics
        self.end = end
        self.commands = {a.line: a.text() for a in actions if a.line is not None}

    def step(self, line: int | None, t: float | None = None) -> Msg:
        if line is not None and line in self.commands:
            return Note.of("step_line", line=line, command=self.commands[line])
        if t is not None:
            return Note.of("step_time", t=f"{t:.1f}")
        return Note.of("step_none")

    def when(self, t: float, line: int | None) -> Msg:
        if line is not None and line in self.commands:
            return Note.of("when_step", t=f"{t:.1f}", step=self.step(line))
        return Note.of("when_time", t=f"{t:.1f}")

    def end_step(self) -> Msg:
        return self.step(self.end.last_line)

    def criterion(self, spec: CriterionSpec) -> CriterionResult:
        judge = getattr(self, "_" + spec.id.replace("-", "_"))
        passed, note, t, line = judge(spec)
        return CriterionResult(spec.id, passed, note, None if passed else t,
                               None if passed else line, spec.weight)

    # Each returns (passed, note, t, line).
    def _zero_downtime(self, spec: CriterionSpec):
        m = self.metrics
        if not m.failures:
            return True, Note.of("zero_downtime_ok", requests=m.requests), None, None
        first = min(m.failures.values(), key=lambda f: (f.first_t, f.line or 0))
        cause = cause_note(first.cause)
        note = Note.of("zero_downtime_failed", failed=m.failed, requests=m.requests,
                       when=self.when(first.first_t, first.line), cause=cause)
        return False, note, first.first_t, first.line

    def _capacity(self, spec: CriterionSpec):
        need = spec.min_serving
        log = self.metrics.serving_log
        least = min((serving for _t, serving, _line in log), default=self.metrics.serving)
        for index, (t, serving, line) in enumerate(log):
            if serving < need:
                # A group command takes its targets out one by one at the same instant:
                # report how low that one command took capacity.
                for t2, serving2, line2 in log[index + 1:]:
                    if (t2, line2) != (t, line):
                        break
                    serving = min(serving, serving2)
                note = Note.of("capacity_failed", serving=serving, need=need,
                               when=self.when(t, line))
                return False, note, t, line
        return True, Note.of("capacity_ok", need=need, least=least), None, None

    def _order(self, spec: CriterionSpec):
        has_slots = any(i.slots is not None for i in self.sim.instances.values())
        for event in self.metrics.events:
            if event.kind == UNSAFE_STOP:
                key = ORDER_NOTES[event.detail]
            elif event.kind == SWITCH and event.detail in BAD_SWITCHES:
                key = ORDER_NOTES[event.detail]
            else:
                continue
            note = Note.of(key, step=self.step(event.line, event.t), target=event.target)
            return False, note, event.t, event.line
        return True, Note.of("order_ok_slots" if has_slots else "order_ok"), None, None

    def _strategy(self, spec: CriterionSpec):
        events = self.metrics.events
        hosts = [i for i in self.sim.instances.values() if i.slots is not None]
        host = hosts[0].name if hosts else ""
        if not spec.new_instances:
            first = next((e for e in events if e.kind == LAUNCH), None)
            if first is not None:
                names = ", ".join(e.target for e in events
                                  if e.kind == LAUNCH and e.line == first.line)
                key = "strategy_new_host" if host else "strategy_new_instance"
                note = Note.of(key, step=self.step(first.line, first.t), names=names, host=host)
                return False, note, first.t, first.line
        if spec.switch and not any(e.kind == SWITCH for e in events):
            note = Note.of("strategy_no_switch", step=self.end_step(), host=host)
            return False, note, self.end.t, self.end.last_line
        if spec.switch:
            key = "strategy_ok_one_host" if not spec.new_instances else "strategy_ok_switched"
        else:
            key = "strategy_ok_no_new"
        return True, Note.of(key, host=host, count=self.sim.scenario.host_count), None, None

    # --- what a failed run says to wait for (when other runs of the traffic passed) -----
    def advice(self, results: tuple[CriterionResult, ...]) -> Msg | None:
        """For the earliest failure that waiting would have avoided: what to wait for, and
        before which line. A target still `initial` when capacity fell or a request found no
        server needed `wait healthy`; a server stopped while draining needed `wait drained`."""
        for result in sorted((r for r in results if not r.passed and r.t is not None),
                             key=lambda r: r.t):
            if result.id in (CAPACITY, ZERO_DOWNTIME):
                waiting = [name for name, state in self._targets_at(result.t).items()
                           if state == INITIAL]
                if waiting:
                    return Note.of("timing_wait_healthy", names=", ".join(waiting),
                                   step=self.step(result.line, result.t))
            if result.id == ORDER:
                stop = next((e for e in self.metrics.events if e.kind == UNSAFE_STOP
                             and e.t == result.t and e.detail == DRAINING), None)
                if stop is not None:
                    return Note.of("timing_wait_drained", names=stop.target,
                                   step=self.step(result.line, result.t))
        return None

    def _targets_at(self, t: float) -> dict[str, str]:
        """The load balancer's state of each target the attempt registered, at time `t`."""
        states: dict[str, str] = {}
        for event in self.metrics.events:
            if event.t > t:
                break
            if event.kind == "register":
                states[event.target] = INITIAL
            elif event.kind in (HEALTHY, UNHEALTHY, DRAINING) and event.target in states:
                states[event.target] = event.kind
            elif event.kind == "drained":
                states.pop(event.target, None)
        return states

    def _goal(self, spec: CriterionSpec):
        end = self.end
        in_group = Note.of("in_group", group=spec.group) if spec.group else ""
        right = [1 for group, label in end.serving
                 if label == spec.version and (not spec.group or group == spec.group)]
        if len(right) == len(end.serving) and len(right) >= spec.serving:
            note = Note.of("goal_ok", count=len(right), in_group=in_group, version=spec.version)
            return True, note, None, None
        if not end.serving:
            note = Note.of("goal_failed_nothing", step=self.end_step(), need=spec.serving,
                           in_group=in_group, version=spec.version)
        else:
            note = Note.of("goal_failed", step=self.end_step(), serving=self._serving_list(),
                           need=spec.serving, in_group=in_group, version=spec.version)
        return False, note, end.t, end.last_line

    def _serving_list(self) -> tuple[Msg, ...]:
        counts: dict[tuple[str, str], int] = {}
        for key in self.end.serving:
            counts[key] = counts.get(key, 0) + 1
        parts = []
        for (group, label), count in sorted(counts.items()):
            shown: object = label
            if label == DOWN:
                shown = Note.of("label_down")
            elif label == HTTP_500:
                shown = Note.of("label_500")
            parts.append(Note.of("serving_part", count=count, group=group, version=shown))
        return tuple(parts)

    def _cleanup(self, spec: CriterionSpec):
        left = [name for group, name in self.end.alive if group in spec.groups]
        if not left:
            return True, Note.of("cleanup_ok", groups=", ".join(spec.groups)), None, None
        note = Note.of("cleanup_failed", step=self.end_step(), names=", ".join(left))
        return False, note, self.end.t, self.end.last_line

    def _no_green_traffic(self, spec: CriterionSpec):
        first = self.metrics.first_routable.get(spec.group)
        if first is None:
            return True, Note.of("no_green_ok", group=spec.group), None, None
        t, line = first
        note = Note.of("no_green_failed", t=f"{t:.1f}", group=spec.group, step=self.step(line, t))
        return False, note, t, line


__all__ = ["Grade", "CriterionResult", "RunVerdict", "Note", "grade", "grade_once", "grade_live",
           "grade_run", "goal_reached", "judge_so_far", "cause_note", "criterion_label",
           "run_seeds", "timed_actions", "RUNS"]
