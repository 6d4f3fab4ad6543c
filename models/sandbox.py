"""The sandbox: practice mode with no exercise, on a start state and traffic the learner picks.

Every command of the scenario is available; nothing is graded. The console still marks each
command by what users saw (failures and their cause, a load balancer with nothing healthy to
send to), because a sandbox "exercise" has no criteria and coaching then reads only the run.
Ending the run (`end_run`) observes it to the end like a grade does and sums up what users
saw; undo, reset and replay work as in practice. The attempt is saved as a plain practice
script that `deploylab grade` reads back. Pure: no I/O (the screen writes the file).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .actions import Action
from .engine import Simulation
from .exercises import Exercise
from .grading import Grade, grade_run
from .messages import Msg
from .params import FAULTS, SimParams
from .practice_session import PracticeSession, Stop
from .scenarios import BLUEGREEN, FLEET, IN_SERVER, Scenario

SANDBOX = "sandbox"  # the sandbox's exercise id (no exercise file has it: ids are file names)
SCENARIOS = (FLEET, BLUEGREEN, IN_SERVER)
# What the live stage shows and animates: a fleet of up to 20 (an Auto Scaling group's
# console limit here too), and traffic the engine keeps up with at the fastest animation.
MAX_SERVERS = 20
MAX_RPS = 200.0


class SandboxSpec(NamedTuple):
    """A sandbox's start state and traffic: `deploylab sandbox`'s options."""

    scenario: str = BLUEGREEN
    servers: int = 4
    rps: float = 10.0
    capacity: float = SimParams().capacity_rps  # requests a second one server answers
    fault: str = "none"
    seed: int = 1
    version: str = "v101"
    new_version: str = "v102"

    def start(self) -> Scenario:
        servers = 1 if self.scenario == IN_SERVER else self.servers
        return Scenario(self.scenario, servers, self.version, self.new_version)

    def params(self) -> SimParams:
        params = SimParams(rps=self.rps, fault=self.fault, faulty_version=self.new_version)
        return params.with_capacity(self.capacity)

    def exercise(self) -> Exercise:
        """The sandbox as an exercise with no criteria, no solution and no words."""
        return Exercise(SANDBOX, self.start(), self.params(), self.seed, criteria=(),
                        solution="")

    def options(self) -> str:
        """The command line that opens this sandbox again."""
        parts = [f"--scenario {self.scenario}"]
        if self.scenario != IN_SERVER:
            parts.append(f"--servers {self.servers}")
        parts += [f"--rps {self.rps:g}", f"--capacity {self.capacity:g}",
                  f"--fault {self.fault}", f"--seed {self.seed}"]
        return "deploylab sandbox " + " ".join(parts)


def problem(spec: SandboxSpec) -> Msg | None:
    """Why the live sandbox cannot run `spec` (None: it can): a message naming the option, for
    the command line to say in its language."""
    if spec.scenario not in SCENARIOS:
        return Msg("scenario", (("scenario", spec.scenario), ("choices", tuple(SCENARIOS))),
                   "cli.error.sandbox")
    if spec.fault not in FAULTS:
        return Msg("fault", (("fault", spec.fault), ("choices", tuple(FAULTS))),
                   "cli.error.sandbox")
    if spec.servers > MAX_SERVERS:
        return Msg("servers_limit", (("servers", spec.servers), ("max", MAX_SERVERS)),
                   "cli.error.sandbox")
    if spec.rps > MAX_RPS:
        return Msg("rps_limit", (("rps", f"{spec.rps:g}"), ("max", f"{MAX_RPS:g}")),
                   "cli.error.sandbox")
    return None


def matching(spec: SandboxSpec, exercises: Iterable[Exercise]) -> list[str]:
    """The exercises a sandbox attempt can be graded against (the same start state), those
    with the same traffic and seed too first."""
    start, params = spec.start(), spec.params()
    same = [e for e in exercises if e.scenario == start]
    return [e.id for e in sorted(same, key=lambda e: (e.params != params or e.seed != spec.seed,
                                                      e.order, e.id))]


def attempt_script(header: Sequence[str], actions: Sequence[Action]) -> str:
    """A plain practice script: the header as comments, then one command a line."""
    lines = [f"# {line}" if line else "#" for line in header]
    return "\n".join(lines + [a.text() for a in actions]) + "\n"


@dataclass(frozen=True)
class Failed:
    """Requests of one cause that failed, and the attempt line that caused them."""

    cause: str
    line: int | None
    count: int
    first_t: float
    last_t: float


@dataclass(frozen=True)
class Seen:
    """What users saw over a whole run: requests, those answered, those that failed and why."""

    requests: int
    succeeded: int
    failed: int
    failures: tuple[Failed, ...]
    errors: tuple[tuple[int | None, Msg], ...]  # commands that could not run
    duration_s: float
    peak_p95_ms: float | None


def seen(sim: Simulation) -> Seen:
    m = sim.metrics
    failures = tuple(Failed(f.cause, f.line, f.count, f.first_t, f.last_t)
                     for f in sorted(m.failures.values(), key=lambda f: (f.first_t, f.cause))
                     if f.count)
    errors = tuple((r.action.line, r.message) for r in sim.results if not r.ok)
    summary = sim.summary()
    return Seen(m.requests, m.ok, m.failed, failures, errors, summary["duration_s"],
                summary["peak_p95_ms"])


class SandboxSession(PracticeSession):
    """A practice session with no exercise: never graded, its run ended on request."""

    def __init__(self, spec: SandboxSpec):
        super().__init__(spec.exercise())
        self.spec = spec
        self.seen: Seen | None = None

    def goal_now(self) -> bool:
        return False  # no goal: the run goes on until the learner ends it

    def grade_now(self) -> Grade:
        """End the run: observe it to the end (as a grade would) and sum up what users saw.
        The criteria-less `Grade` only carries the run for the replay; nothing is scored."""
        self.pending.clear()
        self.grade = grade_run(self.exercise, self.sim)
        self.seen = seen(self.sim)
        return self.grade

    end_run = grade_now

    def _rebuild(self, actions: tuple[Action, ...]) -> None:
        self.seen = None
        super()._rebuild(actions)

    def play_solution(self) -> None:
        return  # there is none

    def stops(self) -> list[Stop]:
        """The practice stops, and the moment each cause of failure first hit users."""
        stops = set(super().stops())
        if self.seen is not None:
            for failure in self.seen.failures:
                stops.add(self.stop_at(failure.first_t, failure.line))
        return sorted(stops, key=lambda s: s.order)

    def first_failure_stop(self) -> Stop | None:
        if not self.seen or not self.seen.failures:
            return None
        first = min(self.seen.failures, key=lambda f: f.first_t)
        return self.stop_at(first.first_t, first.line)

    def efficiency(self) -> dict:
        return {}  # no reference to compare with


__all__ = ["MAX_RPS", "MAX_SERVERS", "SANDBOX", "SCENARIOS", "Failed", "SandboxSession",
           "SandboxSpec", "Seen", "attempt_script", "matching", "problem", "seen"]
