"""Exercises as models' types: a start state, the criteria a run is graded on, and check scripts.

An exercise is language-neutral data plus its words per locale. The loader in `lessons/` builds
these from TOML (a variant is a base exercise with overrides, already merged here).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .engine import Simulation
from .params import SimParams
from .practice import Script, parse_script
from .scenarios import Scenario

ZERO_DOWNTIME, CAPACITY, ORDER, STRATEGY, GOAL, CLEANUP, NO_GREEN_TRAFFIC = (
    "zero-downtime", "capacity", "order", "strategy", "goal", "cleanup", "no-green-traffic")
# Every criterion the grader knows, in the order a grade lists them.
CRITERIA = (ZERO_DOWNTIME, CAPACITY, ORDER, STRATEGY, GOAL, CLEANUP, NO_GREEN_TRAFFIC)
HINT_TIERS = 3  # a nudge, the idea, then the commands (only the last tier gives commands)

_PLACEHOLDER = re.compile(r"\{(servers|version|new_version)\}")


def fill(template: str, scenario: Scenario) -> str:
    """Put the start state's numbers into a data script or text: {servers}, {version}, ..."""
    values = {"servers": str(scenario.servers), "version": scenario.version,
              "new_version": scenario.new_version}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


@dataclass(frozen=True)
class CriterionSpec:
    """One rule a run is graded on, with the settings its kind uses (the rest stay empty)."""

    id: str
    weight: int = 1
    min_serving: int = 0  # capacity: fewest targets in service allowed at any instant
    version: str = ""  # goal: what every serving target runs when the attempt ends
    serving: int = 0  # goal: how many targets serve then, at least
    group: str = ""  # goal: the group that serves; no-green-traffic: the group users never reach
    groups: tuple[str, ...] = ()  # cleanup: groups with nothing left running at the end
    # strategy: the attempt must be the strategy the exercise teaches. `new_instances` False:
    # it may not create an instance (in-place's pro; in-server stays on its one host);
    # `switch` True: traffic must move by switching nginx to the other slot.
    new_instances: bool = True
    switch: bool = False


@dataclass(frozen=True)
class KnownBad:
    """A wrong attempt the grader must fail on criterion `fails`, blaming attempt line `line`."""

    id: str
    script: str
    fails: str
    line: int


@dataclass(frozen=True)
class ExerciseText:
    """An exercise's words in one language: a title, what success means, and for each
    criterion three tiers of hints (a nudge, the idea, the commands)."""

    title: str
    goal: str
    hints: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def tiers(self, criterion_id: str) -> tuple[str, ...]:
        return tuple(self.hints.get(criterion_id, ()))


@dataclass(frozen=True)
class Exercise:
    """A practice task: start state, traffic, faults, criteria, reference and known-bad scripts."""

    id: str
    scenario: Scenario
    params: SimParams
    seed: int
    criteria: tuple[CriterionSpec, ...]
    solution: str
    bad: tuple[KnownBad, ...] = ()
    texts: dict[str, ExerciseText] = field(default_factory=dict)
    base: str | None = None  # set for a variant: the exercise it changes
    order: int = 0

    def new_simulation(self, seed: int | None = None) -> Simulation:
        """The start state, live: what practice mode drives and what a grade runs on."""
        return Simulation(self.scenario, self.params, self.seed if seed is None else seed)

    def parse(self, text: str) -> Script:
        """Check a whole attempt against this start state; raises `ParseError`."""
        return parse_script(text, self.scenario)

    def criterion(self, criterion_id: str) -> CriterionSpec:
        for spec in self.criteria:
            if spec.id == criterion_id:
                return spec
        raise KeyError(criterion_id)

    def text(self, lang: str) -> ExerciseText:
        return self.texts.get(lang) or self.texts["en"]


def nearest_id(word: str, ids) -> str | None:
    """The closest known id to a mistyped one (for "did you mean ...?")."""
    found = difflib.get_close_matches(word, list(ids), n=1, cutoff=0.5)
    return found[0] if found else None


__all__ = ["CRITERIA", "CriterionSpec", "Exercise", "ExerciseText", "KnownBad", "fill",
           "nearest_id", "ZERO_DOWNTIME", "CAPACITY", "ORDER", "GOAL", "CLEANUP",
           "NO_GREEN_TRAFFIC", "STRATEGY", "HINT_TIERS"]
