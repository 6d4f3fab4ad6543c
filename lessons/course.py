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
from .files import CourseFileError, Keys, TomlLines, fault, key_path
from .schema.sections import PaneFile, PipelineFile, SectionFile, SectionTextFile, StepFile
from .toc import Toc, read_toc


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
        raise CourseFileError(lines.path, fault("course_file.strategy_scenario", pane=name,
                                                strategy=strategy,
                                                scenario=STRATEGIES[strategy][1], kind=kind),
                              lines.line(("panes", name, "strategy")))
    if pane.batch > servers:
        raise CourseFileError(lines.path, fault("course_file.pane_batch", pane=name,
                                                servers=servers),
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
                raise CourseFileError(lines.path, fault("course_file.step_command", step=step_id,
                                                        pane=pane_name, command=text.strip(),
                                                        problem=err.detail),
                                      where) from None
            if action is None:
                raise CourseFileError(lines.path, fault("course_file.step_empty_command",
                                                        step=step_id, pane=pane_name), where)
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
            raise CourseFileError(path, fault("course_file.step_fresh_unknown", step=step_id,
                                              pane=name),
                                  lines.line(here + ("fresh", number)))
        history.restart(name)
    run: dict[str, tuple[Action, ...]] = {}
    for pane_name, commands in step.run.items():
        if pane_name not in panes or panes[pane_name].strategy:
            raise CourseFileError(path, fault("course_file.step_run_not_action", step=step_id,
                                              pane=pane_name),
                                  lines.line(here + ("run", pane_name)))
        run[pane_name] = history.parse(lines, index, step_id, pane_name, commands)
    until: dict[str, float] = {}
    for pane_name, value in step.until.items():
        if pane_name not in panes or not panes[pane_name].strategy:
            raise CourseFileError(path, fault("course_file.step_until_not_strategy", step=step_id,
                                              pane=pane_name),
                                  lines.line(here + ("until", pane_name)))
        until[pane_name] = END if value == "end" else value
    pipeline = None
    if step.pipeline is not None:
        if stage != PIPELINE:
            raise CourseFileError(path, fault("course_file.step_pipeline_stage", step=step_id,
                                              stage=stage), lines.line(here + ("id",)))
        pipeline = _pipeline(step.pipeline, lines, here + ("pipeline",))
    elif stage == PIPELINE:
        raise CourseFileError(path, fault("course_file.step_needs_pipeline", step=step_id),
                              lines.line(here + ("id",)))
    for number, name in enumerate(step.focus):
        if stage == PIPELINE:
            known, kinds = name in PIPELINE_STAGES, "course_file.focus.pipeline"
        elif stage == TABLE:
            known, kinds = name in strategies or name in COLUMNS, "course_file.focus.table"
        else:
            known, kinds = history.knows(name), "course_file.focus.cluster"
        if not known:
            raise CourseFileError(path, fault("course_file.step_focus_unknown", step=step_id,
                                              name=name, kinds=fault(kinds)),
                                  lines.line(here + ("focus", number)))
    for number, name in enumerate(step.show):
        if name not in panes:
            raise CourseFileError(path, fault("course_file.step_show_unknown", step=step_id,
                                              pane=name),
                                  lines.line(here + ("show", number)))
    return StepSpec(step_id, run, until, tuple(step.fresh), pipeline, tuple(step.focus),
                    tuple(step.show))


def _pipeline(pipeline: PipelineFile, lines: TomlLines, here: Keys) -> PipelineSpec:
    failing = pipeline.failing_commit
    if failing is not None and failing > pipeline.commits:
        raise CourseFileError(lines.path, fault("course_file.failing_commit", field=key_path(here),
                                                commits=pipeline.commits),
                              lines.line(here + ("failing_commit",)))
    fixed = pipeline.fixed_by
    if fixed is not None and (failing is None or not failing < fixed <= pipeline.commits):
        raise CourseFileError(lines.path, fault("course_file.fixed_by", field=key_path(here)),
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
                raise CourseFileError(lines.path, fault("course_file.until_back", step=step.id,
                                                        pane=name),
                                      lines.line(("steps", index, "until", name)))
            reached[name] = t


def _check_exercises(lines: TomlLines, exercises: list[str]) -> None:
    """Practice mode opens `exercises/<id>.toml` next to the sections folder: each must exist,
    and each is listed once."""
    folder = lines.path.parent.parent / "exercises"
    known = sorted(p.stem for p in folder.glob("*.toml"))
    seen: set[str] = set()
    for index, exercise in enumerate(exercises):
        if exercise in seen:
            raise CourseFileError(lines.path, fault("course_file.exercise_twice",
                                                    exercise=exercise),
                                  lines.line(("exercises", index)))
        seen.add(exercise)
        if exercise not in known:
            close = difflib.get_close_matches(exercise, known, n=1)
            raise CourseFileError(lines.path, fault("course_file.exercise_not_in_hint",
                                                    exercise=exercise, folder=folder.name,
                                                    hint=close[0]) if close else
                                  fault("course_file.exercise_not_in", exercise=exercise,
                                        folder=folder.name),
                                  lines.line(("exercises", index)))


def build_section(section: SectionFile, path: Path) -> SectionSpec:
    """A decoded section file as models' type, after the checks that need the engine."""
    lines = TomlLines(path)
    stage = section.stage
    panes = {name: _pane(name, pane, lines) for name, pane in section.panes.items()}
    if stage == CLUSTER and not panes:
        raise CourseFileError(path, fault("course_file.cluster_needs_pane"))
    if stage != CLUSTER and panes:
        first = next(iter(panes))
        raise CourseFileError(path, fault("course_file.stage_has_no_panes", stage=stage,
                                          pane=first),
                              lines.line(("panes", first)))
    strategies = tuple(section.strategies)
    if stage == TABLE and not strategies:
        raise CourseFileError(path, fault("course_file.table_needs_strategies"))
    if stage != TABLE and strategies:
        raise CourseFileError(path, fault("course_file.only_table_strategies"),
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
            raise CourseFileError(lines.path, fault("course_file.only_table_fleet"),
                                  lines.line(("fleet",)))
        return None
    if fleet is None:
        raise CourseFileError(lines.path, fault("course_file.key_missing", field="fleet"))
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
                                   if known(n, panes)), (None, ""))
        except FieldError as err:
            problem, shown = err.problem, err.field
        if problem:
            lines = lines or TomlLines(path)
            raise CourseFileError(path, fault("course_file.step_placeholder", step=step_id,
                                              problem=problem),
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
                raise CourseFileError(path, fault("course_file.exercise_owned", exercise=exercise,
                                                  section=owner[exercise]),
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
