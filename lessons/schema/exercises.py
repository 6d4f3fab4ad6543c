"""The shape of exercise files: `exercises/<id>.toml` (structure), `<lang>/exercises/<id>.toml`.

A structure file is an `ExerciseFile`; a variant (it names a `base`) is a `VariantFile`, which
may give any part of its base's tables, and becomes an `ExerciseFile` once laid over its base.
`deploylab schema` prints both as JSON Schema for editors. Scripts and the goal's version may
say {servers}, {version} and {new_version}. What needs the engine (scripts parse, groups and
versions exist in the start state, a known-bad line holds a command) is checked by
`lessons.exercises`.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType, field

from .sections import MAX_ORDER, MAX_RPS, MAX_SEED, MAX_SERVERS, Fault, ScenarioKind, Text

ALL = "all"  # a count meaning the whole start fleet
Weight = Annotated[int, Meta(ge=1, le=100, description="points out of the criteria's total")]
Script = Annotated[Text, Meta(description="one practice command a line; `#` starts a comment; "
                              "may say {servers}, {version} and {new_version}")]


class Start(Struct, forbid_unknown_fields=True, kw_only=True):
    """`[start]`: the fleet, versions and traffic the attempt begins with."""

    scenario: ScenarioKind
    servers: Annotated[int, Meta(ge=1, le=MAX_SERVERS)] = 4
    version: Text = "v101"
    new_version: Text = "v102"
    rps: Annotated[float, Meta(gt=0, le=MAX_RPS)] = 10.0
    seed: Annotated[int, Meta(ge=0, le=MAX_SEED)] = 1
    fault: Fault = "none"


class ZeroDowntime(Struct, forbid_unknown_fields=True, kw_only=True):
    """No request fails during the run."""

    weight: Weight = 1


class Capacity(Struct, forbid_unknown_fields=True, kw_only=True):
    """At no instant do fewer than `min_serving` targets serve."""

    weight: Weight = 1
    # "all": the whole start fleet
    min_serving: Annotated[int, Meta(ge=0, le=MAX_SERVERS)] | Literal["all"]


class Order(Struct, forbid_unknown_fields=True, kw_only=True):
    """Nothing is stopped or destroyed while it still serves or drains."""

    weight: Weight = 1


class Goal(Struct, forbid_unknown_fields=True, kw_only=True):
    """At the end, `serving` targets (of `group`) serve `version` (default: the new version)."""

    weight: Weight = 1
    version: Text | None = None
    group: str = ""
    serving: Annotated[int, Meta(ge=1, le=MAX_SERVERS)] | Literal["all"] = ALL


class Cleanup(Struct, forbid_unknown_fields=True, kw_only=True):
    """At the end, nothing is left running in `groups`."""

    weight: Weight = 1
    groups: Annotated[list[str], Meta(min_length=1)]


class NoGreenTraffic(Struct, forbid_unknown_fields=True, kw_only=True):
    """Users never reach `group` (a bad build must not serve)."""

    weight: Weight = 1
    group: str


class Strategy(Struct, forbid_unknown_fields=True, kw_only=True):
    """The attempt is the strategy the exercise teaches (give at least one rule)."""

    weight: Weight = 1
    new_instances: Annotated[bool, Meta(
        description="false: the attempt may not create instances (in-place needs none; "
                    "in-server stays on its one host)")] = True
    switch: Annotated[bool, Meta(
        description="true: traffic must move by switching nginx to the other slot "
                    "(in-server start states only)")] = False


class Criteria(Struct, forbid_unknown_fields=True, kw_only=True):
    """`[criteria.ID]`: the rules the attempt is graded on, in the order the file gives them."""

    zero_downtime: ZeroDowntime | None = field(name="zero-downtime", default=None)
    capacity: Capacity | None = None
    order: Order | None = None
    strategy: Strategy | None = None
    goal: Goal | None = None
    cleanup: Cleanup | None = None
    no_green_traffic: NoGreenTraffic | None = field(name="no-green-traffic", default=None)


class Solution(Struct, forbid_unknown_fields=True):
    """`[solution]`: the reference solution; `deploylab check` runs it, and it must pass."""

    script: Script


class Bad(Struct, forbid_unknown_fields=True, kw_only=True):
    """`[[bad]]`: a known-bad attempt; the grader must fail it on `fails`, blaming `line`."""

    id: Text
    fails: Annotated[Text, Meta(description="the id of the criterion it must fail")]
    line: Annotated[int, Meta(ge=1, le=10_000,
                              description="the line of its script the grader must blame")]
    script: Script


class ExerciseFile(Struct, forbid_unknown_fields=True, kw_only=True):
    """An exercise: start state, criteria, a reference solution and known-bad attempts."""

    id: Text
    base: str | None = None  # set once a variant is laid over its base
    order: Annotated[int, Meta(ge=0, le=MAX_ORDER)] = 0
    start: Start
    criteria: Criteria
    solution: Solution
    bad: list[Bad] = field(default_factory=list)


def _patch(struct: type[Struct]) -> type[Struct]:
    """`struct` with every field optional (and tables patched in turn): what a variant gives."""
    hints = typing.get_type_hints(struct, include_extras=True)
    fields: list[tuple[str, Any, Any]] = []
    for info in msgspec.structs.fields(struct):
        kind = hints[info.name]
        union = typing.get_origin(kind) in (typing.Union, types.UnionType)
        members = typing.get_args(kind) if union else (kind,)
        if any(isinstance(m, type) and issubclass(m, Struct) for m in members):
            kind = _patch(next(m for m in members if isinstance(m, type)
                               and issubclass(m, Struct)))
        fields.append((info.name, kind | UnsetType, UNSET))
    patch = msgspec.defstruct(
        f"{struct.__name__}Patch", fields, kw_only=True, forbid_unknown_fields=True,
        rename={info.name: info.encode_name for info in msgspec.structs.fields(struct)},
        module=__name__)
    patch.__doc__ = f"{struct.__doc__} In a variant, give only what changes."
    return patch


StartPatch = _patch(Start)
CriteriaPatch = _patch(Criteria)


class VariantFile(Struct, forbid_unknown_fields=True, kw_only=True):
    """A variant: its `base` exercise with some start values, criteria settings or scripts
    changed (a criterion's settings are laid over the base's; scripts replace the base's)."""

    id: Text
    base: Text
    order: Annotated[int, Meta(ge=0, le=MAX_ORDER)] | UnsetType = UNSET
    start: StartPatch | UnsetType = UNSET  # type: ignore[valid-type]
    criteria: CriteriaPatch | UnsetType = UNSET  # type: ignore[valid-type]
    solution: Solution | UnsetType = UNSET
    bad: list[Bad] | UnsetType = UNSET


Tiers = Annotated[list[Text], Meta(
    min_length=3, max_length=3,
    description="three tiers: a nudge, the idea, then the commands (only the last gives "
                "commands); may say {servers}, {version} and {new_version}")]


class Hints(Struct, forbid_unknown_fields=True, kw_only=True):
    """`[hints]`: three tiers per criterion of the exercise; practice shows the tiers of the
    criterion the run is closest to breaking (or has broken) now."""

    zero_downtime: Tiers | None = field(name="zero-downtime", default=None)
    capacity: Tiers | None = None
    order: Tiers | None = None
    strategy: Tiers | None = None
    goal: Tiers | None = None
    cleanup: Tiers | None = None
    no_green_traffic: Tiers | None = field(name="no-green-traffic", default=None)


class ExerciseTextFile(Struct, forbid_unknown_fields=True, kw_only=True):
    """`<lang>/exercises/<id>.toml`: the title, the goal and each criterion's hints (a variant
    keeps its base's hints for the criteria it does not give)."""

    title: Text
    goal: Text
    hints: Hints | None = None
