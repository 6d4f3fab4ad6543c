"""The course's sections as models' types, and the player that drives a section's stage.

A section has panes (simulations or a CI/CD pipeline) and steps. Step k's stage is what the
panes look like after steps 1..k ran; going back replays from the seeds (cheap, deterministic).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .actions import Action
from .engine import Simulation
from .frames import Frame
from .narration import PARAMS, STATE, fields, fill, needs_state
from .params import HealthCheck, SimParams
from .pipeline import Pipeline, PipelineFrame, PipelineSpec
from .scenarios import Scenario
from .strategies import STRATEGIES, Script

CLUSTER, PIPELINE, TABLE = "cluster", "pipeline", "table"
STAGES = (CLUSTER, PIPELINE, TABLE)
END = -1.0  # a strategy pane's `until` meaning "until the script ends"


@dataclass(frozen=True)
class PaneSpec:
    """One simulation on the stage: its start state, traffic, seed, fault, and maybe a strategy."""

    name: str
    scenario: Scenario
    params: SimParams
    seed: int = 1
    strategy: str | None = None  # set: the pane plays this script; steps say `until` when
    batch: int = 2
    hidden: bool = False  # on the stage only at steps that `show` it

    def new_simulation(self) -> Simulation:
        return Simulation(self.scenario, self.params, self.seed)


@dataclass(frozen=True)
class StepSpec:
    """One step: actions per action pane, a time per strategy pane, or a pipeline run."""

    id: str
    run: dict[str, tuple[Action, ...]] = field(default_factory=dict)
    until: dict[str, float] = field(default_factory=dict)
    fresh: tuple[str, ...] = ()  # panes that start over before this step
    pipeline: PipelineSpec | None = None
    focus: tuple[str, ...] = ()
    show: tuple[str, ...] = ()  # the panes on the stage at this step; () = every pane not hidden


@dataclass(frozen=True)
class Fleet:
    """The fleet and traffic a table stage runs every strategy on."""

    servers: int
    rps: float
    seed: int


@dataclass(frozen=True)
class SectionSpec:
    """A section of the chapter, language-neutral (texts live per locale)."""

    id: str
    order: int
    stage: str
    panes: tuple[PaneSpec, ...] = ()
    steps: tuple[StepSpec, ...] = ()
    strategies: tuple[str, ...] = ()  # the table stage compares these
    exercises: tuple[str, ...] = ()  # practice mode's exercises for this section, in order
    fleet: Fleet | None = None  # the table stage runs its strategies on this


@dataclass(frozen=True)
class StepText:
    """A step's narration in one language (Markdown body)."""

    title: str
    body: str


@dataclass(frozen=True)
class SectionText:
    """A section's words in one language."""

    title: str
    description: str
    steps: dict[str, StepText]
    panes: dict[str, str] = field(default_factory=dict)


class _ActionPane:
    """A pane whose steps are practice-language actions."""

    def __init__(self, spec: PaneSpec):
        self.spec = spec
        self.sim = spec.new_simulation()
        self.queue: list[Action] = []

    def load(self, step: StepSpec) -> None:
        self.queue.extend(step.run.get(self.spec.name, ()))

    @property
    def busy(self) -> bool:
        return bool(self.queue) or self.sim.busy

    def tick(self, dt: float) -> None:
        sim = self.sim
        while dt > 1e-9:
            if not sim.busy:
                if not self.queue:
                    return
                sim.begin(self.queue.pop(0))
            before = sim.now
            sim.step_until(before + dt)
            dt -= sim.now - before
            if sim.busy:
                return

    def frame(self) -> Frame:
        return self.sim.frame()


class _StrategyPane:
    """A pane that plays a strategy script; steps say until which simulated time."""

    def __init__(self, spec: PaneSpec):
        self.spec = spec
        self.sim = spec.new_simulation()
        script_fn, _kind = STRATEGIES[spec.strategy]
        self.script: Script | None = script_fn(spec.scenario, self.sim.params, spec.batch)
        self.until = 0.0
        self.outcome: str | None = None
        self._next_action()

    def _next_action(self, result=None) -> None:
        if self.script is None:
            return
        try:
            action = next(self.script) if result is None else self.script.send(result)
        except StopIteration as stop:
            self.script, self.outcome = None, stop.value
            return
        self.sim.begin(action)

    def load(self, step: StepSpec) -> None:
        if self.spec.name in step.until:
            self.until = step.until[self.spec.name]

    @property
    def busy(self) -> bool:
        if self.until == END:
            return self.script is not None
        return self.sim.now < self.until - 1e-9

    def tick(self, dt: float) -> None:
        sim = self.sim
        end = sim.now + dt if self.until == END else min(sim.now + dt, self.until)
        if self.until != END and end >= self.until - 1e-9:
            # Land exactly on `until`: summed ticks drift (0.1 x 125 != 12.5), and replay does not.
            end = self.until
        while True:
            if self.script is not None and not sim.busy:
                self._next_action(sim.results[-1])
                continue
            if self.script is None:
                if self.until != END and sim.now < end:
                    sim.advance(end - sim.now)
                return
            if sim.now >= end - 1e-9:
                return
            sim.step_until(end)

    def frame(self) -> Frame:
        return self.sim.frame()


class _PipelinePane:
    """The CI/CD pipeline; every step runs its own pipeline from the start."""

    def __init__(self, seed: int):
        self.seed = seed
        self.pipeline: Pipeline | None = None

    def load(self, step: StepSpec) -> None:
        if step.pipeline is not None:
            self.pipeline = Pipeline(step.pipeline, self.seed)

    @property
    def busy(self) -> bool:
        return self.pipeline is not None and not self.pipeline.done

    def tick(self, dt: float) -> None:
        pipeline = self.pipeline
        if pipeline is None or pipeline.done:
            return
        # Stop on the pipeline's last event, so finishing a step does not leap the clock ahead.
        env, end = pipeline.env, pipeline.env.now + dt
        while not pipeline.done and env.peek() <= end:
            env.step()
        if not pipeline.done and end > env.now:
            env.run(until=end)

    def frame(self) -> PipelineFrame | None:
        return self.pipeline.frame() if self.pipeline else None


class StagePlayer:
    """Plays a section: `goto(k)` shows step k's end state (replayed), `play(k)` animates to it."""

    def __init__(self, section: SectionSpec, seed: int = 1):
        self.section = section
        self.seed = seed
        self.step = -1
        self.panes: dict[str, _ActionPane | _StrategyPane | _PipelinePane] = {}
        self._reset()

    def _make(self, spec: PaneSpec):
        return _StrategyPane(spec) if spec.strategy else _ActionPane(spec)

    def _reset(self) -> None:
        self.step = -1
        if self.section.stage == PIPELINE:
            self.panes = {"pipeline": _PipelinePane(self.seed)}
        else:
            self.panes = {p.name: self._make(p) for p in self.section.panes}

    @property
    def step_count(self) -> int:
        return len(self.section.steps)

    @property
    def animating(self) -> bool:
        return any(p.busy for p in self.panes.values())

    def _load(self, k: int) -> None:
        step = self.section.steps[k]
        for name in step.fresh:
            spec = next(p for p in self.section.panes if p.name == name)
            self.panes[name] = self._make(spec)
        for pane in self.panes.values():
            pane.load(step)
        self.step = k

    def play(self, k: int) -> None:
        """Start animating step k from the end state of step k-1 (replaying if needed)."""
        if self.step != k - 1 or self.animating:
            self.goto(k - 1)
        self._load(k)

    def tick(self, dt: float) -> None:
        for pane in self.panes.values():
            pane.tick(dt)

    def goto(self, k: int) -> None:
        """Jump to the end of step k (k = -1: the start state) by replaying from the seeds."""
        self._reset()
        for i in range(k + 1):
            self._load(i)
            self.finish()

    def finish(self) -> None:
        """Complete the current step at once."""
        while self.animating:
            self.tick(1e9)

    def frames(self) -> dict[str, Frame | PipelineFrame | None]:
        return {name: pane.frame() for name, pane in self.panes.items()}

    def simulation(self, pane: str) -> Simulation:
        return self.panes[pane].sim  # type: ignore[union-attr]


def shown_panes(section: SectionSpec, k: int) -> tuple[str, ...]:
    """The panes the stage shows at step k: the step's `show`, else every pane not hidden."""
    step = section.steps[k]
    return step.show or tuple(p.name for p in section.panes if not p.hidden)


def narrate(section: SectionSpec, k: int, text: str, player: StagePlayer | None = None) -> str:
    """Step k's `text` with its placeholders filled from the engine: the panes' parameters, and
    the step's end state (replayed here unless `player` already stands at the end of step k)."""
    if not fields(text):
        return text
    if needs_state(text) and (player is None or player.step != k or player.animating):
        player = StagePlayer(section)
        player.goto(k)
    specs = {pane.name: pane for pane in section.panes}
    first = section.panes[0].name if section.panes else None
    step = section.steps[k]

    def value(pane: str | None, field: str):
        spec = specs[pane or first]
        if field in STATE:
            waits = tuple(float(a.args[0]) for a in step.run.get(spec.name, ())
                          if a.verb == "wait" and len(a.args) == 1)
            return STATE[field](player.simulation(spec.name), waits)
        return PARAMS[field](spec.params, spec.scenario.host_count)

    return fill(text, value)


__all__ = ["narrate", "shown_panes", "PaneSpec", "StepSpec",
           "SectionSpec", "SectionText", "StepText", "StagePlayer",
           "HealthCheck", "Fleet", "CLUSTER", "PIPELINE", "TABLE", "STAGES", "END"]
