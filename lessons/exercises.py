"""Loads exercises: `exercises/<id>.toml` (structure) and `<lang>/exercises/<id>.toml` (words).

A structure file has a start state, the criteria, a reference solution and known-bad attempts;
a variant names a `base` exercise and overrides parts of it (start state, criteria, scripts).
Scripts may say {servers}, {version} and {new_version}. The files' shapes are declared in
`lessons.schema.exercises`; what needs the engine is checked here, and everything becomes
`models.exercises` types. The first problem is a `CourseFileError` naming the file, key and line.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import msgspec

from models.exercises import (
    CAPACITY,
    CLEANUP,
    GOAL,
    HINT_TIERS,
    NO_GREEN_TRAFFIC,
    STRATEGY,
    CriterionSpec,
    Exercise,
    ExerciseText,
    KnownBad,
    fill,
    nearest_id,
)
from models.grammar import names as grammar_names
from models.messages import Msg
from models.params import SimParams
from models.practice import ParseError, parse_line, parse_script
from models.scenarios import IN_SERVER, Scenario

from . import COURSE_DIR, LOCALES
from .files import CourseFileError, TomlLines, decode, fault, read_toml
from .schema.exercises import (
    ALL,
    Criteria,
    ExerciseFile,
    ExerciseTextFile,
    Hints,
    Start,
    VariantFile,
)

# The criteria as the files name them, and their attributes on `Criteria` and `Hints`.
CRITERION_FIELDS = {f.encode_name: f.name for f in msgspec.structs.fields(Criteria)}
HINT_FIELDS = {f.encode_name: f.name for f in msgspec.structs.fields(Hints)}


@dataclass(frozen=True)
class ScriptOrigin:
    """Where a data script lives: its file, and the file line of the script's first line."""

    path: Path
    first_line: int | None

    def line(self, script_line: int) -> int | None:
        return None if self.first_line is None else self.first_line + script_line - 1


@dataclass
class _Raw:
    """One structure file's tables before a variant is merged into its base, and the files
    its reference and known-bad scripts come from (a variant may keep its base's)."""

    path: Path
    data: dict[str, Any]
    lines: TomlLines
    solution_from: TomlLines
    bad_from: TomlLines

    def solution_origin(self) -> ScriptOrigin:
        return ScriptOrigin(self.solution_from.path,
                            self.solution_from.text_line(("solution", "script")))

    def bad_origin(self, index: int) -> ScriptOrigin:
        return ScriptOrigin(self.bad_from.path, self.bad_from.text_line(("bad", index, "script")))


def _read_raw(path: Path) -> tuple[_Raw, ExerciseFile | None]:
    """A structure file, its shape checked: a whole exercise, or what a variant changes."""
    data = read_toml(path)
    lines = TomlLines(path)
    decoded = decode(path, data, VariantFile if "base" in data else ExerciseFile, lines=lines)
    if decoded.id != path.stem:
        raise CourseFileError(path, fault("course_file.id_not_file_name", id=decoded.id),
                              lines.line(("id",)))
    return _Raw(path, data, lines, lines, lines), (
        decoded if isinstance(decoded, ExerciseFile) else None)


def _merge(base: _Raw, variant: _Raw) -> _Raw:
    """A variant: the base's tables with the variant's start values and criteria laid over."""
    data = copy.deepcopy(base.data)
    own = variant.data
    data["id"] = own["id"]
    data["base"] = own["base"]
    if "order" in own:
        data["order"] = own["order"]
    for key in ("start", "criteria"):
        merged = data.setdefault(key, {})
        for name, value in own.get(key, {}).items():
            if key == "criteria" and isinstance(merged.get(name), dict):
                merged[name] = {**merged[name], **value}
            else:
                merged[name] = value
    solution_from, bad_from = base.solution_from, base.bad_from
    if "solution" in own:
        data["solution"], solution_from = own["solution"], variant.lines
    if "bad" in own:
        data["bad"], bad_from = own["bad"], variant.lines
    return _Raw(variant.path, data, variant.lines, solution_from, bad_from)


def _start(start: Start, lines: TomlLines) -> tuple[Scenario, SimParams]:
    version, new_version = start.version, start.new_version
    for key, value in (("version", version), ("new_version", new_version)):
        if value != value.lower() or any(c.isspace() for c in value):
            raise CourseFileError(lines.path, fault("course_file.version_form", version=value),
                                  lines.line(("start", key)))
    if version == new_version:
        raise CourseFileError(lines.path, fault("course_file.same_versions"),
                              lines.line(("start", "new_version")))
    scenario = Scenario(start.scenario, start.servers, version, new_version)
    params = SimParams(rps=start.rps, fault=start.fault, faulty_version=new_version)
    return scenario, params


def _count(value: int | str, fleet: int) -> int:
    return fleet if value == ALL else int(value)


def _group(name: str, key: str, group: str, scenario: Scenario, lines: TomlLines) -> str:
    if group and group not in scenario.groups:
        raise CourseFileError(lines.path, fault("course_file.unknown_group",
                                                field=f"criteria.{name}.{key}", group=group,
                                                groups=tuple(scenario.groups)),
                              lines.line(("criteria", name, key)))
    return group


def _criterion(name: str, spec: Any, scenario: Scenario, lines: TomlLines) -> CriterionSpec:
    fleet, weight = scenario.host_count, spec.weight
    if name == CAPACITY:
        return CriterionSpec(name, weight, min_serving=_count(spec.min_serving, fleet))
    if name == GOAL:
        version = fill(spec.version or scenario.new_version, scenario)
        if version not in scenario.versions:
            raise CourseFileError(lines.path, fault("course_file.unknown_version", version=version,
                                                    versions=tuple(scenario.versions)),
                                  lines.line(("criteria", name, "version")))
        return CriterionSpec(name, weight, version=version,
                             group=_group(name, "group", spec.group, scenario, lines),
                             serving=_count(spec.serving, fleet))
    if name == CLEANUP:
        for group in spec.groups:
            if group not in scenario.groups:
                raise CourseFileError(lines.path, fault("course_file.cleanup_group", group=group,
                                                        groups=tuple(scenario.groups)),
                                      lines.line(("criteria", name, "groups")))
        return CriterionSpec(name, weight, groups=tuple(spec.groups))
    if name == NO_GREEN_TRAFFIC:
        return CriterionSpec(name, weight,
                             group=_group(name, "group", spec.group, scenario, lines))
    if name == STRATEGY:
        if spec.new_instances and not spec.switch:
            raise CourseFileError(lines.path, fault("course_file.strategy_no_rule"),
                                  lines.line(("criteria", name)))
        if spec.switch and scenario.kind != IN_SERVER:
            raise CourseFileError(lines.path, fault("course_file.switch_needs_in_server",
                                                    kind=scenario.kind),
                                  lines.line(("criteria", name, "switch")))
        return CriterionSpec(name, weight, new_instances=spec.new_instances, switch=spec.switch)
    return CriterionSpec(name, weight)


def _script(text: str, scenario: Scenario, origin: ScriptOrigin, what: Msg) -> str:
    script = fill(text, scenario)
    try:
        parse_script(script, scenario, allow_empty=False)
    except ParseError as err:
        raise CourseFileError(origin.path, fault("course_file.script_problem", what=what,
                                                 problem=err.message),
                              origin.line(err.line)) from None
    return script


def _build(raw: _Raw, exercise: ExerciseFile) -> Exercise:
    path, lines = raw.path, raw.lines
    scenario, params = _start(exercise.start, lines)
    criteria = tuple(_criterion(name, getattr(exercise.criteria, CRITERION_FIELDS[name]),
                                scenario, lines)
                     for name in raw.data["criteria"])
    if not criteria:
        raise CourseFileError(path, fault("course_file.no_criteria"), lines.line(("criteria",)))
    ids = [c.id for c in criteria]
    solution = _script(exercise.solution.script, scenario, raw.solution_origin(),
                       fault("course_file.reference_solution"))
    bad: list[KnownBad] = []
    where = raw.bad_from
    for index, item in enumerate(exercise.bad):
        here = ("bad", index)
        if any(b.id == item.id for b in bad):
            raise CourseFileError(where.path, fault("course_file.bad_twice", id=item.id),
                                  where.line(here + ("id",)))
        if item.fails not in ids:
            raise CourseFileError(where.path, fault("course_file.bad_fails_unknown", id=item.id,
                                                    fails=item.fails, criteria=tuple(ids)),
                                  where.line(here + ("fails",)))
        script = _script(item.script, scenario, raw.bad_origin(index),
                         fault("course_file.bad_attempt", id=item.id))
        commands = parse_script(script, scenario).actions
        if item.line not in {a.line for a in commands}:
            raise CourseFileError(where.path, fault("course_file.bad_line_empty", id=item.id,
                                                    line=item.line),
                                  where.line(here + ("line",)))
        bad.append(KnownBad(item.id, script, item.fails, item.line))
    return Exercise(exercise.id, scenario, params, exercise.start.seed, criteria, solution,
                    tuple(bad), base=exercise.base, order=exercise.order)


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9:.\-]*")
_LONGEST_COMMAND = 8  # words: create-asg green from lt-v102 size 4 is six
_MAKES_NAMES = {"launch", "start", "create-image", "create-template", "create-asg"}


def command_in(text: str, exercise: Exercise) -> str | None:
    """The first practice command `text` spells out (two words or more), if any: with the
    names the start state has, or those the reference solution has made by some point."""
    return _command_in(text, exercise.scenario, exercise.solution)


@functools.lru_cache(maxsize=1024)  # a variant reads its base's words again
def _command_in(text: str, scenario: Scenario, solution: str) -> str | None:
    words = [w.rstrip(".:") for w in _WORD.findall(text.replace("**", "").replace("`", ""))]
    verbs = set(grammar_names())
    starts = [i for i, w in enumerate(words) if w.lower() in verbs]
    if not starts:
        return None
    # A name exists only from some point of a run on (build-1, then img-v102 from it): try the
    # words at the start and after each command of the reference solution that makes names.
    actions = parse_script(solution, scenario).actions
    points = [0] + [k + 1 for k, a in enumerate(actions) if a.verb in _MAKES_NAMES]
    for k in points:
        for i in starts:
            for n in range(min(_LONGEST_COMMAND, len(words) - i), 1, -1):
                candidate = " ".join(words[i:i + n])
                try:
                    parse_line(candidate, scenario, actions[:k])
                except ParseError:
                    continue
                return candidate
    return None


def _text(path: Path, exercise: Exercise, inherited: ExerciseText | None, *,
          complete: bool = True) -> ExerciseText:
    """One language's words; `complete`: every criterion must have its hints by now (a base
    read for its variant is not complete: the variant may add criteria)."""
    scenario = exercise.scenario
    text = decode(path, read_toml(path), ExerciseTextFile)
    lines = TomlLines(path)
    ids = [c.id for c in exercise.criteria]
    hints = dict(inherited.hints) if inherited is not None else {}
    given = text.hints
    for name, attr in HINT_FIELDS.items():
        tiers = getattr(given, attr) if given is not None else None
        if tiers is None:
            continue
        if name not in ids:
            raise CourseFileError(path, fault("course_file.hint_unknown_criterion", name=name,
                                              criteria=tuple(ids)),
                                  lines.line(("hints", name)))
        filled = tuple(fill(tier, scenario) for tier in tiers)
        for number, tier in enumerate(filled[:-1], 1):
            spelled = command_in(tier, exercise)
            if spelled is not None:
                raise CourseFileError(path, fault("course_file.hint_gives_command", name=name,
                                                  tier=number, command=spelled[:60],
                                                  tiers=HINT_TIERS),
                                      lines.line(("hints", name)))
        hints[name] = filled
    missing = [c for c in ids if c not in hints]
    if complete and missing:
        raise CourseFileError(path, fault("course_file.hints_missing", name=missing[0],
                                          tiers=HINT_TIERS),
                              lines.line(("hints",)) if given is not None else None)
    return ExerciseText(fill(text.title, scenario), fill(text.goal, scenario),
                        {c: hints[c] for c in ids if c in hints})


def load_exercises(root: Path = COURSE_DIR,
                   origins: dict[tuple[str, str], tuple[Path, int | None]] | None = None
                   ) -> dict[str, Exercise]:
    """Every exercise (variants merged), with its words in every language, in order.

    `origins`, when given, is filled with (exercise id, script id) -> (file, line) for the
    reference ("solution") and each known-bad attempt, so `check` can point at them.
    """
    folder = root / "exercises"
    if not folder.is_dir():
        return {}
    read = {p.stem: _read_raw(p) for p in sorted(folder.glob("*.toml"))}
    raws = {exercise_id: raw for exercise_id, (raw, _) in read.items()}
    merged: dict[str, tuple[_Raw, ExerciseFile]] = {}
    for exercise_id, (raw, decoded) in read.items():
        if decoded is not None:
            merged[exercise_id] = raw, decoded
            continue
        base_id = raw.data["base"]
        base = raws.get(base_id)
        if base is None or base_id == exercise_id:
            hint = nearest_id(base_id, [k for k in raws if k != exercise_id])
            raise CourseFileError(raw.path, fault("course_file.no_base_hint", base=base_id,
                                                  hint=hint) if hint else
                                  fault("course_file.no_base", base=base_id),
                                  raw.lines.line(("base",)))
        if "base" in base.data:
            raise CourseFileError(raw.path, fault("course_file.base_is_variant", base=base_id),
                                  raw.lines.line(("base",)))
        variant = _merge(base, raw)
        merged[exercise_id] = variant, decode(raw.path, variant.data, ExerciseFile,
                                              lines=raw.lines)
    # Bases first, so a problem in a base is reported against the base's own file.
    order = sorted(merged, key=lambda k: merged[k][1].base is not None)
    built = {k: _build(*merged[k]) for k in order}
    exercises: dict[str, Exercise] = {}
    for exercise_id, exercise in built.items():
        texts: dict[str, ExerciseText] = {}
        for lang in LOCALES:
            inherited = None
            if exercise.base:
                inherited = _text(root / lang / "exercises" / f"{exercise.base}.toml",
                                  exercise, None, complete=False)
            texts[lang] = _text(root / lang / "exercises" / f"{exercise_id}.toml",
                                exercise, inherited)
        exercises[exercise_id] = replace(exercise, texts=texts)
        if origins is not None:
            raw = merged[exercise_id][0]
            solution = raw.solution_origin()
            origins[(exercise_id, "solution")] = (solution.path, solution.first_line)
            for index, bad in enumerate(exercise.bad):
                origins[(exercise_id, bad.id)] = (raw.bad_from.path,
                                                  raw.bad_from.line(("bad", index, "id")))
    for lang in LOCALES:
        for path in sorted((root / lang / "exercises").glob("*.toml")):
            if path.stem not in exercises:
                raise CourseFileError(path, fault("course_file.words_without_file",
                                                  file=f"exercises/{path.name}"))
    return dict(sorted(exercises.items(), key=lambda item: (item[1].order, item[0])))


__all__ = ["load_exercises", "ScriptOrigin"]
