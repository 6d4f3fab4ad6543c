"""Loads the course's sections: `sections/<id>.toml` (structure) and `<lang>/<id>.toml` (words).

Everything is validated into models' types; the first problem found is a `CourseFileError`
naming the file and, where known, the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.actions import Action
from models.course import (CLUSTER, END, PIPELINE, STAGES, TABLE, PaneSpec, SectionSpec,
                           SectionText, StepSpec, StepText)
from models.params import FAULTS, HealthCheck, SimParams
from models.pipeline import APPROVE, DELIVERY, DEPLOYMENT, NO_ANSWER, REJECT, PipelineSpec
from models.practice import ParseError, parse_script
from models.scenarios import BLUEGREEN, FLEET, IN_SERVER, Scenario
from models.strategies import STRATEGIES

from . import COURSE_DIR, LOCALES
from .files import CourseFileError, Fields, line_of, read_toml

PANE_KEYS = {"scenario", "servers", "rps", "seed", "fault", "strategy", "batch", "version",
             "new_version", "health_interval_s", "healthy_threshold", "deregistration_delay_s"}
STEP_KEYS = {"id", "run", "until", "fresh", "pipeline", "focus"}
SECTION_KEYS = {"id", "order", "stage", "panes", "steps", "strategies", "exercise"}


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


def _pane(name: str, f: Fields) -> PaneSpec:
    f.unknown(PANE_KEYS)
    kind = f.choice("scenario", (FLEET, BLUEGREEN, IN_SERVER))
    servers = f.get("servers", int, 4)
    if not 1 <= servers <= 64:
        raise CourseFileError(f.path, f"'panes.{name}.servers' should be 1 to 64",
                              line_of(f.path, "servers"))
    scenario = Scenario(kind, servers, f.text("version", "v101"), f.text("new_version", "v102"))
    health = HealthCheck(interval_s=float(f.get("health_interval_s", (int, float), 30.0)),
                         healthy_threshold=f.get("healthy_threshold", int, 5))
    params = SimParams(rps=float(f.get("rps", (int, float), 4.0)), health=health,
                       fault=f.choice("fault", FAULTS, "none"), faulty_version=scenario.new_version,
                       deregistration_delay_s=float(f.get("deregistration_delay_s", (int, float),
                                                          300.0)))
    strategy = f.get("strategy", str, None)
    if strategy is not None and strategy not in STRATEGIES:
        raise CourseFileError(f.path, f"'panes.{name}.strategy' is '{strategy}'; expected one of "
                              + ", ".join(STRATEGIES), line_of(f.path, strategy))
    return PaneSpec(name, scenario, params, f.get("seed", int, 1), strategy, f.get("batch", int, 2))


def _pipeline(f: Fields) -> PipelineSpec:
    f.unknown({"mode", "commits", "failing_commit", "approval"})
    return PipelineSpec(mode=f.choice("mode", (DELIVERY, DEPLOYMENT)),
                        commits=f.get("commits", int, 3),
                        failing_commit=f.get("failing_commit", int, None),
                        approval=f.choice("approval", (APPROVE, REJECT, NO_ANSWER), APPROVE))


def _step(f: Fields, panes: dict[str, PaneSpec], stage: str) -> StepSpec:
    f.unknown(STEP_KEYS)
    step_id = f.text("id")
    run: dict[str, tuple[Action, ...]] = {}
    for pane_name, lines in f.table_of("run", {}).table.items():
        if pane_name not in panes or panes[pane_name].strategy:
            raise CourseFileError(f.path, f"step '{step_id}' runs actions on '{pane_name}', "
                                  "which is not an action pane", line_of(f.path, pane_name))
        if not isinstance(lines, list) or any(not isinstance(x, str) for x in lines):
            raise CourseFileError(f.path, f"step '{step_id}': run.{pane_name} should be a list "
                                  "of commands", line_of(f.path, pane_name))
        try:
            run[pane_name] = parse_script("\n".join(lines), panes[pane_name].scenario).actions
        except ParseError as err:
            bad = lines[err.line - 1] if 0 < err.line <= len(lines) else ""
            raise CourseFileError(f.path, f"step '{step_id}': {err.message}",
                                  line_of(f.path, bad) if bad else None) from None
    until: dict[str, float] = {}
    for pane_name, value in f.table_of("until", {}).table.items():
        if pane_name not in panes or not panes[pane_name].strategy:
            raise CourseFileError(f.path, f"step '{step_id}' sets until for '{pane_name}', "
                                  "which is not a strategy pane", line_of(f.path, pane_name))
        if value == "end":
            until[pane_name] = END
        elif isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            until[pane_name] = float(value)
        else:
            raise CourseFileError(f.path, f"step '{step_id}': until.{pane_name} should be seconds "
                                  "or \"end\"", line_of(f.path, pane_name))
    fresh = tuple(f.strings("fresh", []))
    for name in fresh:
        if name not in panes:
            raise CourseFileError(f.path, f"step '{step_id}' restarts unknown pane '{name}'",
                                  line_of(f.path, name))
    pipeline = _pipeline(f.table_of("pipeline")) if "pipeline" in f.table else None
    if stage == PIPELINE and pipeline is None:
        raise CourseFileError(f.path, f"step '{step_id}' needs a [steps.pipeline] table",
                              line_of(f.path, step_id))
    return StepSpec(step_id, run, until, fresh, pipeline, tuple(f.strings("focus", [])))


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
    steps = tuple(_step(s, panes, stage) for s in f.tables("steps"))
    if not steps:
        raise CourseFileError(path, "has no steps")
    seen: set[str] = set()
    for step in steps:
        if step.id in seen:
            raise CourseFileError(path, f"step id '{step.id}' appears twice", line_of(path, step.id))
        seen.add(step.id)
    strategies = tuple(f.strings("strategies", []))
    for name in strategies:
        if name not in STRATEGIES:
            raise CourseFileError(path, f"unknown strategy '{name}'", line_of(path, name))
    if stage == TABLE and not strategies:
        raise CourseFileError(path, "a table stage needs a list of strategies")
    return SectionSpec(section_id, f.get("order", int), stage, tuple(panes.values()), steps,
                       strategies, f.get("exercise", str, None))


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
    panes = {k: v for k, v in f.table_of("panes", {}).table.items() if isinstance(v, str)}
    return SectionText(f.text("title"), f.text("description"), steps, panes)


def load_course(root: Path = COURSE_DIR) -> Course:
    """Load and validate every section and its texts in every language."""
    section_dir = root / "sections"
    if not section_dir.is_dir():
        raise CourseFileError(section_dir, "the sections folder is missing")
    sections = sorted((load_section(p) for p in sorted(section_dir.glob("*.toml"))),
                      key=lambda s: s.order)
    texts: dict[str, dict[str, SectionText]] = {}
    for lang in LOCALES:
        texts[lang] = {s.id: load_text(root / lang / f"{s.id}.toml", s) for s in sections}
    return Course(tuple(sections), texts)
