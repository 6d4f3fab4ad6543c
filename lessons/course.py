"""Loads the course's sections: `sections/<id>.toml` (structure) and `<lang>/<id>.toml` (words).

Everything is validated into models' types; the first problem found is a `CourseFileError`
naming the file and, where known, the line. A step's commands are checked against the names its
pane has by then (instances launched in earlier steps count; `fresh` starts the pane over).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from models.actions import Action
from models.compare import COLUMNS
from models.course import (
    CLUSTER,
    END,
    PIPELINE,
    STAGES,
    TABLE,
    Fleet,
    PaneSpec,
    SectionSpec,
    SectionText,
    StepSpec,
    StepText,
)
from models.params import FAULTS, HealthCheck, SimParams
from models.pipeline import APPROVE, DELIVERY, DEPLOYMENT, NO_ANSWER, REJECT, PipelineSpec
from models.pipeline import STAGES as PIPELINE_STAGES
from models.practice import ParseError, parse_line
from models.scenarios import BLUEGREEN, FLEET, IN_SERVER, Scenario
from models.strategies import STRATEGIES

from . import COURSE_DIR, LOCALES
from .files import CourseFileError, Fields, line_of, read_toml
from .words import render

PANE_KEYS = {"scenario", "servers", "rps", "seed", "fault", "strategy", "batch", "version",
             "new_version", "health_interval_s", "healthy_threshold", "deregistration_delay_s"}
STEP_KEYS = {"id", "run", "until", "fresh", "pipeline", "focus"}
SECTION_KEYS = {"id", "order", "stage", "panes", "steps", "strategies", "exercise", "fleet"}
FLEET_KEYS = {"servers", "rps", "seed"}
STEP_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


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


def _pane_line(f: Fields, key: str) -> int | None:
    return line_after(f.path, f"[{f.where}]", key)


def _pane(name: str, f: Fields) -> PaneSpec:
    f.unknown(PANE_KEYS)
    kind = f.choice("scenario", (FLEET, BLUEGREEN, IN_SERVER))
    servers = f.get("servers", int, 4)
    if not 1 <= servers <= 64:
        raise CourseFileError(f.path, f"'panes.{name}.servers' should be 1 to 64",
                              _pane_line(f, "servers"))
    scenario = Scenario(kind, servers, f.text("version", "v101"), f.text("new_version", "v102"))
    health = HealthCheck(interval_s=float(f.get("health_interval_s", (int, float), 30.0)),
                         healthy_threshold=f.get("healthy_threshold", int, 5))
    params = SimParams(rps=float(f.get("rps", (int, float), 4.0)), health=health,
                       fault=f.choice("fault", FAULTS, "none"), faulty_version=scenario.new_version,
                       deregistration_delay_s=float(f.get("deregistration_delay_s", (int, float),
                                                          300.0)))
    _at_least(f, "rps", params.rps, 0.1)
    _at_least(f, "health_interval_s", health.interval_s, 1.0)
    _at_least(f, "healthy_threshold", health.healthy_threshold, 1)
    if not 0 <= params.deregistration_delay_s <= 3600:
        raise CourseFileError(f.path, f"'panes.{name}.deregistration_delay_s' should be 0 to 3600",
                              _pane_line(f, "deregistration_delay_s"))
    strategy = f.get("strategy", str, None)
    if strategy is not None and strategy not in STRATEGIES:
        raise CourseFileError(f.path, f"'panes.{name}.strategy' is '{strategy}'; expected one of "
                              + ", ".join(STRATEGIES), _pane_line(f, strategy))
    if strategy is not None and STRATEGIES[strategy][1] != kind:
        raise CourseFileError(f.path, f"pane '{name}': strategy '{strategy}' starts from the "
                              f"'{STRATEGIES[strategy][1]}' scenario, not '{kind}'",
                              _pane_line(f, strategy))
    batch = f.get("batch", int, 2)
    if not 1 <= batch <= servers:
        raise CourseFileError(f.path, f"'panes.{name}.batch' should be 1 to {servers}",
                              _pane_line(f, "batch"))
    return PaneSpec(name, scenario, params, f.get("seed", int, 1), strategy, batch)


def _at_least(f: Fields, key: str, value: float, least: float) -> None:
    if value < least:
        raise CourseFileError(f.path, f"'{f.where}.{key}' should be at least {least:g}",
                              _pane_line(f, key))


def _pipeline(f: Fields) -> PipelineSpec:
    f.unknown({"mode", "commits", "failing_commit", "approval"})
    commits = f.get("commits", int, 3)
    if not 1 <= commits <= 8:
        raise CourseFileError(f.path, f"'{f.where}.commits' should be 1 to 8",
                              line_of(f.path, "commits"))
    failing = f.get("failing_commit", int, None)
    if failing is not None and not 1 <= failing <= commits:
        raise CourseFileError(f.path, f"'{f.where}.failing_commit' should be 1 to {commits}",
                              line_of(f.path, "failing_commit"))
    return PipelineSpec(mode=f.choice("mode", (DELIVERY, DEPLOYMENT)), commits=commits,
                        failing_commit=failing,
                        approval=f.choice("approval", (APPROVE, REJECT, NO_ANSWER), APPROVE))


def line_after(path: Path, anchor: str, needle: str) -> int | None:
    """The first line containing `needle` at or after the line containing `anchor` (a step's id
    or a pane's table), so an error points into the right step or pane."""
    start = line_of(path, anchor) or 1
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for number in range(start, len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return line_of(path, needle)


def _step_line(path: Path, step_id: str, needle: str) -> int | None:
    return line_after(path, f'id = "{step_id}"', needle)


class _PaneHistory:
    """The actions each action pane has run so far (a `fresh` step starts it over), so a step may
    name instances that an earlier step launched, and focus names can be checked."""

    def __init__(self, panes: dict[str, PaneSpec]):
        self.panes = panes
        self.actions: dict[str, list[Action]] = {name: [] for name in panes}

    def restart(self, name: str) -> None:
        self.actions[name] = []

    def parse(self, path: Path, step_id: str, pane_name: str,
              lines: list[str]) -> tuple[Action, ...]:
        scenario = self.panes[pane_name].scenario
        parsed = []
        for number, text in enumerate(lines, 1):
            try:
                action = parse_line(text, scenario, tuple(self.actions[pane_name]))
            except ParseError as err:
                line = _step_line(path, step_id, text) if text.strip() else None
                raise CourseFileError(path, f"step '{step_id}', run.{pane_name} command "
                                      f"'{text.strip()}': {render(err.detail, 'en')}",
                                      line) from None
            if action is None:
                raise CourseFileError(path, f"step '{step_id}': run.{pane_name} has an empty "
                                      "command", _step_line(path, step_id, f"run.{pane_name}"))
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


def _step(f: Fields, panes: dict[str, PaneSpec], stage: str, history: _PaneHistory,
          strategies: tuple[str, ...]) -> StepSpec:
    f.unknown(STEP_KEYS)
    step_id = f.text("id")
    if not STEP_ID.fullmatch(step_id):
        raise CourseFileError(f.path, f"step id '{step_id}' should be lowercase letters, digits "
                              "and hyphens", line_of(f.path, f'"{step_id}"'))
    where = line_of(f.path, f'"{step_id}"')
    fresh = tuple(f.strings("fresh", []))
    for name in fresh:
        if name not in panes:
            raise CourseFileError(f.path, f"step '{step_id}' restarts unknown pane '{name}'",
                                  _step_line(f.path, step_id, f'"{name}"'))
        history.restart(name)
    run: dict[str, tuple[Action, ...]] = {}
    for pane_name, lines in f.table_of("run", {}).table.items():
        if pane_name not in panes or panes[pane_name].strategy:
            raise CourseFileError(f.path, f"step '{step_id}' runs actions on '{pane_name}', "
                                  "which is not an action pane",
                                  _step_line(f.path, step_id, f"run.{pane_name}"))
        if not isinstance(lines, list) or not lines or any(not isinstance(x, str) for x in lines):
            raise CourseFileError(f.path, f"step '{step_id}': run.{pane_name} should be a list "
                                  "of commands", _step_line(f.path, step_id, f"run.{pane_name}"))
        run[pane_name] = history.parse(f.path, step_id, pane_name, lines)
    until: dict[str, float] = {}
    for pane_name, value in f.table_of("until", {}).table.items():
        if pane_name not in panes or not panes[pane_name].strategy:
            raise CourseFileError(f.path, f"step '{step_id}' sets until for '{pane_name}', "
                                  "which is not a strategy pane",
                                  _step_line(f.path, step_id, f"until.{pane_name}"))
        if value == "end":
            until[pane_name] = END
        elif isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            until[pane_name] = float(value)
        else:
            raise CourseFileError(f.path, f"step '{step_id}': until.{pane_name} should be seconds "
                                  "or \"end\"", _step_line(f.path, step_id, f"until.{pane_name}"))
    pipeline = _pipeline(f.table_of("pipeline")) if "pipeline" in f.table else None
    if stage == PIPELINE and pipeline is None:
        raise CourseFileError(f.path, f"step '{step_id}' needs a pipeline = {{...}} table", where)
    if stage != PIPELINE and pipeline is not None:
        raise CourseFileError(f.path, f"step '{step_id}' has a pipeline, but the stage is "
                              f"'{stage}'", where)
    focus = tuple(f.strings("focus", []))
    for name in focus:
        if stage == PIPELINE:
            known, kinds = name in PIPELINE_STAGES, "pipeline stage"
        elif stage == TABLE:
            known, kinds = name in strategies or name in COLUMNS, "strategy or column"
        else:
            known, kinds = history.knows(name), "target, group or slot"
        if not known:
            raise CourseFileError(f.path, f"step '{step_id}' focuses on '{name}', which is no "
                                  f"{kinds} here", _step_line(f.path, step_id, f'"{name}"'))
    return StepSpec(step_id, run, until, fresh, pipeline, focus)


def _check_until_order(path: Path, steps: tuple[StepSpec, ...]) -> None:
    """A strategy pane only moves forward: a smaller `until` would silently do nothing."""
    reached: dict[str, float] = {}
    for step in steps:
        for name in step.fresh:
            reached.pop(name, None)
        for name, t in step.until.items():
            before = reached.get(name, 0.0)
            if (before == END and t != END) or (t != END and t < before):
                raise CourseFileError(path, f"step '{step.id}': until.{name} goes back in time "
                                      "(a strategy pane only moves forward; use fresh to "
                                      "restart it)",
                                      _step_line(path, step.id, f"until.{name}"))
            reached[name] = t


def _check_exercise(path: Path, exercise: str) -> None:
    """Practice mode opens `exercises/<id>.toml` next to the sections folder: it must exist."""
    folder = path.parent.parent / "exercises"
    known = sorted(p.stem for p in folder.glob("*.toml"))
    if exercise not in known:
        close = difflib.get_close_matches(exercise, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise CourseFileError(path, f"exercise '{exercise}' is not in {folder.name}/{hint}",
                              line_of(path, "exercise ="))


def load_section(path: Path) -> SectionSpec:
    f = Fields(path, read_toml(path))
    f.unknown(SECTION_KEYS)
    section_id = f.text("id")
    if path.stem != section_id:
        raise CourseFileError(path, f"id '{section_id}' does not match the file name",
                              line_of(path, "id"))
    stage = f.choice("stage", STAGES)
    panes = {name: _pane(name, Fields(path, table, f"panes.{name}"))
             for name, table in f.table_of("panes", {}).table.items()}
    if stage == CLUSTER and not panes:
        raise CourseFileError(path, "a cluster stage needs at least one [panes.NAME]")
    if stage != CLUSTER and panes:
        raise CourseFileError(path, f"a {stage} stage has no panes; remove "
                              f"[panes.{next(iter(panes))}]",
                              line_of(path, "[panes."))
    strategies = tuple(f.strings("strategies", []))
    for name in strategies:
        if name not in STRATEGIES:
            raise CourseFileError(path, f"unknown strategy '{name}'", line_of(path, f'"{name}"'))
    if stage == TABLE and not strategies:
        raise CourseFileError(path, "a table stage needs a list of strategies")
    if stage != TABLE and strategies:
        raise CourseFileError(path, "only a table stage compares strategies",
                              line_of(path, "strategies"))
    fleet = _fleet(path, f, stage)
    history = _PaneHistory(panes)
    steps = tuple(_step(s, panes, stage, history, strategies) for s in f.tables("steps"))
    if not steps:
        raise CourseFileError(path, "has no steps")
    seen: set[str] = set()
    for step in steps:
        if step.id in seen:
            raise CourseFileError(path, f"step id '{step.id}' appears twice",
                                  line_of(path, f'"{step.id}"'))
        seen.add(step.id)
    _check_until_order(path, steps)
    exercise = f.get("exercise", str, None)
    if exercise is not None:
        _check_exercise(path, exercise)
    return SectionSpec(section_id, f.get("order", int), stage, tuple(panes.values()), steps,
                       strategies, exercise, fleet)


def _fleet(path: Path, f: Fields, stage: str) -> Fleet | None:
    """A table stage's [fleet]: how many servers, what traffic, which seed."""
    if stage != TABLE:
        if "fleet" in f.table:
            raise CourseFileError(path, "only a table stage has a [fleet]",
                                  line_of(path, "[fleet]"))
        return None
    table = f.table_of("fleet")
    table.unknown(FLEET_KEYS)
    servers, rps = table.get("servers", int), table.get("rps", (int, float))
    seed = table.get("seed", int)
    if servers < 1 or not 0 < rps <= 1000:
        raise CourseFileError(path, "[fleet] needs servers of at least 1 and rps above 0, at most "
                              "1000", line_of(path, "[fleet]"))
    return Fleet(servers, float(rps), seed)


def load_text(path: Path, section: SectionSpec) -> SectionText:
    f = Fields(path, read_toml(path))
    f.unknown({"title", "description", "steps", "panes"})
    steps_table = f.table_of("steps")
    steps: dict[str, StepText] = {}
    for step in section.steps:
        if step.id not in steps_table.table:
            raise CourseFileError(path, f"has no text for step '{step.id}'")
        sf = steps_table.table_of(step.id)
        sf.unknown({"title", "body"})
        steps[step.id] = StepText(sf.text("title"), sf.text("body"))
    extra = sorted(set(steps_table.table) - set(steps))
    if extra:
        raise CourseFileError(path, f"has text for step '{extra[0]}', which the section lacks",
                              line_of(path, extra[0]))
    pane_fields = f.table_of("panes", {})
    # A pipeline stage has one pane, the pipeline itself, labelled like a simulation pane.
    names = {"pipeline"} if section.stage == PIPELINE else {p.name for p in section.panes}
    for name in sorted(names - set(pane_fields.table)):
        raise CourseFileError(path, f"has no [panes] label for pane '{name}'",
                              line_of(path, "[panes]"))
    for name in sorted(set(pane_fields.table) - names):
        raise CourseFileError(path, f"labels pane '{name}', which the section lacks",
                              line_of(path, name))
    panes = {name: pane_fields.text(name) for name in sorted(names)}
    return SectionText(f.text("title"), f.text("description"), steps, panes)


def load_course(root: Path = COURSE_DIR) -> Course:
    """Load and validate every section and its texts in every language."""
    section_dir = root / "sections"
    if not section_dir.is_dir():
        raise CourseFileError(section_dir, "the sections folder is missing")
    sections = sorted((load_section(p) for p in sorted(section_dir.glob("*.toml"))),
                      key=lambda s: s.order)
    if not sections:
        raise CourseFileError(section_dir, "has no section files")
    for before, after in zip(sections, sections[1:], strict=False):
        if before.order == after.order:
            raise CourseFileError(section_dir / f"{after.id}.toml",
                                  f"order {after.order} is taken by section {before.id} too",
                                  line_of(section_dir / f"{after.id}.toml", "order"))
    texts: dict[str, dict[str, SectionText]] = {}
    for lang in LOCALES:
        texts[lang] = {s.id: load_text(root / lang / f"{s.id}.toml", s) for s in sections}
    return Course(tuple(sections), texts)
