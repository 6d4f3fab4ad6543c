"""The shape of a section's files: `sections/<id>.toml` (structure) and `<lang>/<id>.toml` (words).

Read before the course map's first frame, so this imports nothing of models: the words a stage,
a scenario, a fault, a pipeline and a strategy may be are spelled out here, and a test keeps
them equal to models' own (`models.course.STAGES`, `models.scenarios`, `models.params.FAULTS`,
`models.pipeline`'s modes and answers, `models.strategies.STRATEGIES`).
What needs the engine (commands parse, names exist, `until` only moves forward) is checked by
`lessons.course`.
"""

from typing import Annotated, Literal

from msgspec import Meta, Struct, field

MAX_SERVERS = 64
# Every number a course file gives is finite (see lessons.files.decode) and within a range.
MAX_RPS = 1000.0
MAX_SEED = 2**31 - 1
MAX_SECONDS = 86_400.0  # a day: far past any lesson's timeline
MAX_ORDER = 10_000

Text = Annotated[str, Meta(pattern=r"\S")]  # words a learner reads: never empty
Stage = Literal["cluster", "pipeline", "table"]
Strategy = Literal["recreate", "in-place", "blue-green", "in-server", "canary"]
ScenarioKind = Literal["fleet", "bluegreen", "in-server", "console"]
Fault = Literal["none", "bad-build", "slow-start", "traffic-spike", "bad-config"]


class PaneFile(Struct, forbid_unknown_fields=True, kw_only=True):
    """`[panes.NAME]`: one simulation on the stage; with `strategy`, it plays that script."""

    scenario: ScenarioKind
    servers: Annotated[int, Meta(ge=1, le=MAX_SERVERS)] = 4
    rps: Annotated[float, Meta(ge=0.1, le=MAX_RPS)] = 4.0
    seed: Annotated[int, Meta(ge=0, le=MAX_SEED)] = 1
    fault: Fault = "none"
    strategy: Strategy | None = None
    batch: Annotated[int, Meta(ge=1, le=MAX_SERVERS)] = 2  # at most `servers` (checked later)
    version: Text = "v101"
    new_version: Text = "v102"
    health_interval_s: Annotated[float, Meta(ge=1, le=300)] = 30.0
    healthy_threshold: Annotated[int, Meta(ge=1, le=100)] = 5
    deregistration_delay_s: Annotated[float, Meta(ge=0, le=3600)] = 300.0
    # Finite servers: each app's workers and how long a request holds one (mean seconds).
    # Lessons use seconds-long requests so a drain visibly takes a few seconds.
    hidden: bool = False  # shown only at the steps that name it in `show`
    workers: Annotated[int, Meta(ge=1, le=256)] = 4
    service_mean_s: Annotated[float, Meta(gt=0, le=60)] = 0.25


class PipelineFile(Struct, forbid_unknown_fields=True, kw_only=True):
    """A pipeline step's run: which commit fails its tests, and what the approver answers."""

    mode: Literal["integration", "delivery", "deployment"]
    commits: Annotated[int, Meta(ge=1, le=8)] = 3
    failing_commit: Annotated[int, Meta(ge=1, le=8)] | None = None  # at most `commits`
    # after failing_commit, at most `commits`
    fixed_by: Annotated[int, Meta(ge=1, le=8)] | None = None
    approval: Literal["approve", "reject", "none"] = "approve"


class StepFile(Struct, forbid_unknown_fields=True, kw_only=True):
    """`[[steps]]`: actions per action pane, a time per strategy pane, or a pipeline run."""

    id: str
    run: dict[str, Annotated[list[str], Meta(min_length=1)]] = field(default_factory=dict)
    until: dict[str, Annotated[float, Meta(ge=0, le=MAX_SECONDS)] | Literal["end"]] = field(
        default_factory=dict)
    fresh: list[str] = field(default_factory=list)
    pipeline: PipelineFile | None = None
    focus: list[str] = field(default_factory=list)
    show: list[str] = field(default_factory=list)  # the panes on the stage (default: not hidden)


class FleetFile(Struct, forbid_unknown_fields=True, kw_only=True):
    """`[fleet]` of a table stage: the fleet and traffic every strategy runs on."""

    servers: Annotated[int, Meta(ge=1, le=MAX_SERVERS)]
    rps: Annotated[float, Meta(gt=0, le=MAX_RPS)]
    seed: Annotated[int, Meta(ge=0, le=MAX_SEED)]


class SectionFile(Struct, forbid_unknown_fields=True, kw_only=True):
    """`sections/<id>.toml`: the stage, its panes and the steps, the same in every language."""

    id: Text
    order: Annotated[int, Meta(ge=0, le=MAX_ORDER)]
    stage: Stage
    panes: dict[str, PaneFile] = field(default_factory=dict)
    steps: list[StepFile]
    strategies: list[Strategy] = field(default_factory=list)
    exercises: list[str] = field(default_factory=list)  # practice: the section's own, in order
    fleet: FleetFile | None = None  # a table stage's, and only a table stage's


class StepTextFile(Struct, forbid_unknown_fields=True):
    """`[steps.ID]` in a language's file: the step's title and its Markdown narration."""

    title: Text
    body: Text


class SectionTextFile(Struct, forbid_unknown_fields=True, kw_only=True):
    """`<lang>/<id>.toml`: a section's words in one language."""

    title: Text
    description: Text
    steps: dict[str, StepTextFile]
    panes: dict[str, Text] = field(default_factory=dict)
