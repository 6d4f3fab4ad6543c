"""A CI/CD pipeline for lesson 5.1: commits flow source → build → test → artifact → staging →
(approval) → production → monitor. Continuous integration is the first three stages only (every
commit built and tested on the shared main line). Continuous delivery waits for a person at the
approval gate; continuous deployment has no gate. A failing test stops the line: the main line is
broken, so that commit and every later one fail their tests until the commit that fixes the build
(`fixed_by`), and nothing ships meanwhile. A rejected or unanswered approval fails its commit.
Deterministic from its seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import simpy

INTEGRATION, DELIVERY, DEPLOYMENT = "integration", "delivery", "deployment"
MODES = (INTEGRATION, DELIVERY, DEPLOYMENT)
CI_STAGES = ("source", "build", "test")
STAGES = ("source", "build", "test", "artifact", "staging", "approval", "production", "monitor")
# Mean seconds each automatic stage takes.
STAGE_S = {"source": 5.0, "build": 60.0, "test": 90.0, "artifact": 15.0, "staging": 45.0,
           "production": 60.0, "monitor": 30.0}
APPROVE, REJECT, NO_ANSWER = "approve", "reject", "none"
# Stage states.
WAITING, RUNNING, PASSED, FAILED, SKIPPED = "waiting", "running", "passed", "failed", "skipped"


@dataclass(frozen=True)
class PipelineSpec:
    """One pipeline run: the mode, the commits, which one breaks a test, the approver's answer."""

    mode: str = DELIVERY
    commits: int = 3
    commit_every_s: float = 120.0
    failing_commit: int | None = None  # 1-based: it breaks the main line's tests
    fixed_by: int | None = None  # 1-based, after failing_commit: it repairs the build
    approval: str = APPROVE
    approve_after_s: float = 120.0
    approval_timeout_s: float = 600.0


@dataclass(frozen=True)
class PipelineEvent:
    """A stage of a commit changed state at time t."""

    t: float
    commit: int
    stage: str
    state: str


@dataclass(frozen=True)
class PipelineFrame:
    """Every commit's stages at time t (`stages[i][j]` is commit i+1, STAGES[j])."""

    t: float
    mode: str
    stages: tuple[tuple[str, ...], ...]
    deployed: tuple[int, ...]  # commits that reached production, in order


class Pipeline:
    """The simulation of one `PipelineSpec`."""

    def __init__(self, spec: PipelineSpec, seed: int = 1):
        self.spec = spec
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        self.events: list[PipelineEvent] = []
        self.stages = [[SKIPPED if self._not_run(s) else WAITING for s in STAGES]
                       for _ in range(spec.commits)]
        self.deployed: list[int] = []
        self.approved: set[int] = set()
        self.finished = self.env.all_of([self.env.process(self._commit(i))
                                         for i in range(spec.commits)])

    def _not_run(self, stage: str) -> bool:
        """Stages this mode never runs: CI stops after the tests, deployment has no gate."""
        if self.spec.mode == INTEGRATION:
            return stage not in CI_STAGES
        return stage == "approval" and self.spec.mode == DEPLOYMENT

    def broken(self, commit: int) -> bool:
        """Whether the 1-based `commit` is built on a broken main line: its tests fail."""
        failing, fixed = self.spec.failing_commit, self.spec.fixed_by
        if failing is None or commit < failing:
            return False
        return fixed is None or commit < fixed

    def _set(self, commit: int, stage: str, state: str) -> None:
        self.stages[commit][STAGES.index(stage)] = state
        self.events.append(PipelineEvent(self.env.now, commit + 1, stage, state))

    def _commit(self, i: int):
        spec, env = self.spec, self.env
        yield env.timeout(i * spec.commit_every_s)
        for stage in STAGES:
            if self._not_run(stage):
                continue  # CI ends at the tests; continuous deployment never waits
            if stage == "approval":
                self._set(i, stage, RUNNING)
                # An answer after the gate's timeout is no answer: the gate has failed by then.
                answered = (spec.approval != NO_ANSWER
                            and spec.approve_after_s <= spec.approval_timeout_s)
                yield env.timeout(spec.approve_after_s if answered else spec.approval_timeout_s)
                if answered and spec.approval == APPROVE:
                    self.approved.add(i + 1)
                    self._set(i, stage, PASSED)
                    continue
                self._set(i, stage, FAILED)
                self._skip_rest(i, stage)
                return
            self._set(i, stage, RUNNING)
            yield env.timeout(STAGE_S[stage] * self.rng.uniform(0.8, 1.2))
            if stage == "test" and self.broken(i + 1):
                self._set(i, stage, FAILED)
                self._skip_rest(i, stage)
                return
            if stage == "production":
                self.deployed.append(i + 1)
            self._set(i, stage, PASSED)

    def _skip_rest(self, i: int, stage: str) -> None:
        for later in STAGES[STAGES.index(stage) + 1:]:
            if self.stages[i][STAGES.index(later)] == WAITING:
                self._set(i, later, SKIPPED)

    @property
    def done(self) -> bool:
        return self.finished.triggered

    def advance(self, dt: float) -> None:
        self.env.run(until=self.env.now + dt)

    def run(self) -> None:
        if not self.done:
            self.env.run(until=self.finished)

    def frame(self) -> PipelineFrame:
        return PipelineFrame(self.env.now, self.spec.mode,
                             tuple(tuple(row) for row in self.stages), tuple(self.deployed))
