"""Builds the playable course from the table of contents (`lessons.toc`) into models' types.

The files' shapes are checked as they are decoded; here come the checks that need the engine,
and the first problem is a `CourseFileError` naming the file, the key and its line. A step's
commands are checked against the names its pane has by then (instances launched in earlier
steps count; `fresh` starts the pane over).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from models.actions import Action
from models.compare import COLUMNS
from models.course import (
    CLUSTER,
    END,
    PIPELINE,
    TABLE,
    Fleet,
    PaneSpec,
    SectionSpec,
    SectionText,
    StepSpec,
    StepText,
)
from models.narration import FieldError, fields, known
from models.params import HealthCheck, SimParams
from models.pipeline import STAGES as PIPELINE_STAGES
from models.pipeline import PipelineSpec
from models.practice import ParseError, parse_line
from models.scenarios import Scenario
from models.strategies import STRATEGIES

from . import COURSE_DIR, LOCALES
from .files import CourseFileError, Keys, TomlLines, key_path
from .schema.sections import PaneFile, PipelineFile, SectionFile, SectionTextFile, StepFile
from .toc import Toc, read_toc
from .words import render


@dataclass(frozen=True)
class Course:
    """Every section, in order, with its words in each language."""

    sections: tuple[SectionSpec, ...]
    texts: dict[str, dict[str, SectionText]]  # lang -> section id -> text

    def section(self, section_id: str) -> SectionSpec:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def text(self, lang: str, section_id: str) -> SectionText:
        return self.texts[lang][section_id]


def _pane(name: str, pane: PaneFile, lines: TomlLines) -> PaneSpec:
    kind, servers, strategy = pane.scenario, pane.servers, pane.strategy
    if strategy is not None and STRATEGIES[strategy][1] != kind:
        raise CourseFileError(lines.path, f"pane '{name}': strategy '{strategy}' starts from the "
                              f"'{STRATEGIES[strategy][1]}' scenario, not '{kind}'",
                              lines.line(("panes", name, "strategy")))
    if pane.batch > servers:
        raise CourseFileError(lines.path, f"'panes.{name}.batch' should be 1 to {servers}",
                              lines.line(("panes", name, "batch")))
    scenario = Scenario(kind, servers, pane.version, pane.new_version)
    health = HealthCheck(interval_s=pane.health_interval_s,
                         healthy_threshold=pane.healthy_threshold)
    params = SimParams(rps=pane.rps, health=health, fault=pane.fault,
                       faulty_version=scenario.new_version,
                       deregistration_delay_s=pane.deregistration_delay_s,
                       workers=pane.workers, service_mean_s=pane.service_mean_s)
    return PaneSpec(name, scenario, params, pane.seed, strategy, pane.batch, pane.hidden)


class _PaneHistory:
    """The actions each action pane has run so far (a `fresh` step starts it over), so a step may
    name instances that an earlier step launched, and focus names can be checked."""

    def __init__(self, panes: dict[str, PaneSpec]):
        self.panes = panes
        self.actions: dict[str, list[Action]] = {name: [] for name in panes}

    def restart(self, name: str) -> None:
        self.actions[name] = []

    def parse(self, lines: TomlLines, index: int, step_id: str, pane_name: str,
              commands: list[str]) -> tuple[Action, ...]:
        scenario = self.panes[pane_name].scenario
        parsed = []
        for number, text in enumerate(commands, 1):
            where = lines.line(("steps", index, "run", pane_name, number - 1))
            try:
                action = parse_line(text, scenario, tuple(self.actions[pane_name]))
            except ParseError as err:
                raise CourseFileError(lines.path, f"step '{step_id}', run.{pane_name} command "
                                      f"'{text.strip()}': {render(err.detail, 'en')}",
                                      where) from None
            if action is None:
                raise CourseFileError(lines.path, f"step '{step_id}': run.{pane_name} has an "
                                      "empty command", where)
            action = action._replace(line=number)  # the line within this step's list
            self.actions[pane_name].append(action)
            parsed.append(action)
        return tuple(parsed)

    def knows(self, name: str) -> bool:
        """Whether some pane has a target, group or slot called `name` at this point."""
        for pane_name, spec in self.panes.items():
            try:
                # `health` accepts every target, group and slot the pane has.
                parse_line(f"health {name}", spec.scenario, tuple(self.actions[pane_name]))
                return True
            except ParseError:
                continue
        return False


def _step(index: int, step: StepFile, panes: dict[str, PaneSpec], stage: str,
          history: _PaneHistory, strategies: tuple[str, ...], lines: TomlLines) -> StepSpec:
    step_id, path = step.id, lines.path
    here = ("steps", index)
    for number, name in enumerate(step.fresh):
        if name not in panes:
            raise CourseFileError(path, f"step '{step_id}' restarts unknown pane '{name}'",
                                  lines.line(here + ("fresh", number)))
        history.restart(name)
    run: dict[str, tuple[Action, ...]] = {}
    for pane_name, commands in step.run.items():
        if pane_name not in panes or panes[pane_name].strategy:
            raise CourseFileError(path, f"step '{step_id}' runs actions on '{pane_name}', "
                                  "which is not an action pane",
                                  lines.line(here + ("run", pane_name)))
        run[pane_name] = history.parse(lines, index, step_id, pane_name, commands)
    until: dict[str, float] = {}
    for pane_name, value in step.until.items():
        if pane_name not in panes or not panes[pane_name].strategy:
            raise CourseFileError(path, f"step '{step_id}' sets until for '{pane_name}', "
                                  "which is not a strategy pane",
                                  lines.line(here + ("until", pane_name)))
        until[pane_name] = END if value == "end" else value
    pipeline = None
    if step.pipeline is not None:
        if stage != PIPELINE:
            raise CourseFileError(path, f"step '{step_id}' has a pipeline, but the stage is "
                                  f"'{stage}'", lines.line(here + ("id",)))
        pipeline = _pipeline(step.pipeline, lines, here + ("pipeline",))
    elif stage == PIPELINE:
        raise CourseFileError(path, f"step '{step_id}' needs a pipeline = {{...}} table",
                              lines.line(here + ("id",)))
    for number, name in enumerate(step.focus):
        if stage == PIPELINE:
            known, kinds = name in PIPELINE_STAGES, "pipeline stage"
        elif stage == TABLE:
            known, kinds = name in strategies or name in COLUMNS, "strategy or column"
        else:
            known, kinds = history.knows(name), "target, group or slot"
        if not known:
            raise CourseFileError(path, f"step '{step_id}' focuses on '{name}', which is no "
                                  f"{kinds} here", lines.line(here + ("focus", number)))
    for number, name in enumerate(step.show):
        if name not in panes:
            raise CourseFileError(path, f"step '{step_id}' shows unknown pane '{name}'",
                                  lines.line(here + ("show", number)))
    return StepSpec(step_id, run, until, tuple(step.fresh), pipeline, tuple(step.focus),
                    tuple(step.show))


def _pipeline(pipeline: PipelineFile, lines: TomlLines, here: Keys) -> PipelineSpec:
    failing = pipeline.failing_commit
    if failing is not None and failing > pipeline.commits:
        raise CourseFileError(lines.path, f"'{key_path(here)}.failing_commit' should be 1 to "
                              f"{pipeline.commits}", lines.line(here + ("failing_commit",)))
    fixed = pipeline.fixed_by
    if fixed is not None and (failing is None or not failing < fixed <= pipeline.commits):
        raise CourseFileError(lines.path, f"'{key_path(here)}.fixed_by' should come after "
                              "failing_commit and be at most commits",
                              lines.line(here + ("fixed_by",)))
    return PipelineSpec(mode=pipeline.mode, commits=pipeline.commits, failing_commit=failing,
                        fixed_by=fixed,
                        approval=pipeline.approval)


def _check_until_order(lines: TomlLines, steps: tuple[StepSpec, ...]) -> None:
    """A strategy pane only moves forward: a smaller `until` would silently do nothing."""
    reached: dict[str, float] = {}
    for index, step in enumerate(steps):
        for name in step.fresh:
            reached.pop(name, None)
        for name, t in step.until.items():
            before = reached.get(name, 0.0)
            if (before == END and t != END) or (t != END and t < before):
                raise CourseFileError(lines.path, f"step '{step.id}': until.{name} goes back in "
                                      "time (a strategy pane only moves forward; use fresh to "
                                      "restart it)", lines.line(("steps", index, "until", name)))
            reached[name] = t


def _check_exercises(lines: TomlLines, exercises: list[str]) -> None:
    """Practice mode opens `exercises/<id>.toml` next to the sections folder: each must exist,
    and each is listed once."""
    folder = lines.path.parent.parent / "exercises"
    known = sorted(p.stem for p in folder.glob("*.toml"))
    seen: set[str] = set()
    for index, exercise in enumerate(exercises):
        if exercise in seen:
            raise CourseFileError(lines.path, f"exercise '{exercise}' is listed twice",
                                  lines.line(("exercises", index)))
        seen.add(exercise)
        if exercise not in known:
            close = difflib.get_close_matches(exercise, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise CourseFileError(lines.path,
                                  f"exercise '{exercise}' is not in {folder.name}/{hint}",
                                  lines.line(("exercises", index)))


def build_section(section: SectionFile, path: Path) -> SectionSpec:
    """A decoded section file as models' type, after the checks that need the engine."""
    lines = TomlLines(path)
    stage = section.stage
    panes = {name: _pane(name, pane, lines) for name, pane in section.panes.items()}
    if stage == CLUSTER and not panes:
        raise CourseFileError(path, "a cluster stage needs at least one [panes.NAME]")
    if stage != CLUSTER and panes:
        first = next(iter(panes))
        raise CourseFileError(path, f"a {stage} stage has no panes; remove [panes.{first}]",
                              lines.line(("panes", first)))
    strategies = tuple(section.strategies)
    if stage == TABLE and not strategies:
        raise CourseFileError(path, "a table stage needs a list of strategies")
    if stage != TABLE and strategies:
        raise CourseFileError(path, "only a table stage compares strategies",
                              lines.line(("strategies",)))
    fleet = _fleet(section, lines)
    history = _PaneHistory(panes)
    steps = tuple(_step(index, step, panes, stage, history, strategies, lines)
                  for index, step in enumerate(section.steps))
    _check_until_order(lines, steps)
    _check_exercises(lines, section.exercises)
    return SectionSpec(section.id, section.order, stage, tuple(panes.values()), steps,
                       strategies, tuple(section.exercises), fleet)


def _fleet(section: SectionFile, lines: TomlLines) -> Fleet | None:
    """A table stage's [fleet]: how many servers, what traffic, which seed."""
    fleet = section.fleet
    if section.stage != TABLE:
        if fleet is not None:
            raise CourseFileError(lines.path, "only a table stage has a [fleet]",
                                  lines.line(("fleet",)))
        return None
    if fleet is None:
        raise CourseFileError(lines.path, "'fleet' is missing")
    return Fleet(fleet.servers, fleet.rps, fleet.seed)


def _placeholder_line(lines: TomlLines, keys: Keys, shown: str) -> int | None:
    """The file line where `shown` first appears in the value at `keys` (its key's line else)."""
    start = lines.line(keys)
    if start is None:
        return None
    source = lines.path.read_text(encoding="utf-8").splitlines()
    for number in range(start, len(source) + 1):
        if shown and shown in source[number - 1]:
            return number
    return start


def _check_placeholders(text: SectionTextFile, section: SectionSpec, path: Path) -> None:
    """Every `{name}` in a step's body is one the engine fills (`models.narration`)."""
    panes = tuple(p.name for p in section.panes)
    lines: TomlLines | None = None
    for step_id, step in text.steps.items():
        keys = ("steps", step_id, "body")
        try:
            names = fields(step.body)
            problem, shown = next(((known(n, panes), "{" + n + "}") for n in names
                                   if known(n, panes)), ("", ""))
        except FieldError as err:
            problem, shown = err.problem, err.field
        if problem:
            lines = lines or TomlLines(path)
            raise CourseFileError(path, f"step '{step_id}': {problem}",
                                  _placeholder_line(lines, keys, shown))


def _section_text(text: SectionTextFile, section: SectionSpec, path: Path) -> SectionText:
    _check_placeholders(text, section, path)
    steps = {step_id: StepText(step.title, step.body) for step_id, step in text.steps.items()}
    return SectionText(text.title, text.description, steps, dict(sorted(text.panes.items())))


def _check_one_section_each(toc: Toc, sections: tuple[SectionSpec, ...]) -> None:
    """An exercise belongs to one section (its practice rows are that section's)."""
    owner: dict[str, str] = {}
    for section in sections:
        for index, exercise in enumerate(section.exercises):
            if exercise in owner:
                path = toc.path(section.id)
                raise CourseFileError(path, f"exercise '{exercise}' belongs to section "
                                      f"{owner[exercise]} already",
                                      TomlLines(path).line(("exercises", index)))
            owner[exercise] = section.id


def load_course(root: Path = COURSE_DIR, *, toc: Toc | None = None) -> Course:
    """Every section, validated, with its texts in every language (from `toc` when the
    table of contents was read already)."""
    toc = toc or read_toc(root)
    sections = tuple(build_section(section, toc.path(section.id)) for section in toc.sections)
    _check_one_section_each(toc, sections)
    texts = {lang: {s.id: _section_text(toc.text(lang, s.id), s, toc.root / lang / f"{s.id}.toml")
                    for s in sections}
             for lang in LOCALES}
    return Course(sections, texts)
