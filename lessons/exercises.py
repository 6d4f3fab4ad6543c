"""Loads exercises: `exercises/<id>.toml` (structure) and `<lang>/exercises/<id>.toml` (words).

A structure file has a start state, the criteria, a reference solution and known-bad attempts;
a variant names a `base` exercise and overrides parts of it (start state, criteria, scripts).
Scripts may say {servers}, {version} and {new_version}. Everything is validated into
`models.exercises` types; the first problem is a `CourseFileError` naming the file and line.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from models.exercises import (
    CAPACITY,
    CLEANUP,
    CRITERIA,
    GOAL,
    HINT_TIERS,
    NO_GREEN_TRAFFIC,
    CriterionSpec,
    Exercise,
    ExerciseText,
    KnownBad,
    fill,
    nearest_id,
)
from models.params import FAULTS, SimParams
from models.practice import ParseError, parse_script
from models.scenarios import BLUEGREEN, FLEET, IN_SERVER, Scenario

from . import COURSE_DIR, LOCALES
from .files import CourseFileError, Fields, line_of, read_toml
from .words import render

EXERCISE_KEYS = {"id", "base", "order", "start", "criteria", "solution", "bad"}
START_KEYS = {"scenario", "servers", "version", "new_version", "rps", "seed", "fault"}
CRITERION_KEYS = {
    "zero-downtime": {"weight"},
    "capacity": {"weight", "min_serving"},
    "order": {"weight"},
    "goal": {"weight", "version", "group", "serving"},
    "cleanup": {"weight", "groups"},
    "no-green-traffic": {"weight", "group"},
}
BAD_KEYS = {"id", "fails", "line", "script"}
TEXT_KEYS = {"title", "goal", "hints"}
ALL = "all"  # a count meaning the whole start fleet
MAX_SERVERS = 64


@dataclass(frozen=True)
class ScriptOrigin:
    """Where a data script lives: its file, and the file line of the script's first line."""

    path: Path
    first_line: int | None

    def line(self, script_line: int) -> int | None:
        return None if self.first_line is None else self.first_line + script_line - 1


def _script_origin(path: Path, header: str, index: int = 0) -> ScriptOrigin:
    """Find the `script` key under the `index`-th `header` table (e.g. "[[bad]]")."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ScriptOrigin(path, None)
    seen = -1
    inside = False
    for number, raw in enumerate(lines, 1):
        text = raw.split("#", 1)[0].strip()
        if text.startswith("["):
            inside = text == header and (seen := seen + 1) == index
            continue
        if inside and text.startswith("script"):
            value = text.split("=", 1)[1].strip() if "=" in text else ""
            opens_block = value in ('"""', "'''")
            return ScriptOrigin(path, number + 1 if opens_block else number)
    return ScriptOrigin(path, None)


@dataclass
class _Raw:
    """One structure file's tables before a variant is merged into its base."""

    path: Path
    data: dict[str, Any]
    solution_origin: ScriptOrigin
    bad_origins: list[ScriptOrigin]


def _read_raw(path: Path) -> _Raw:
    data = read_toml(path)
    f = Fields(path, data)
    f.unknown(EXERCISE_KEYS)
    exercise_id = f.text("id")
    if exercise_id != path.stem:
        raise CourseFileError(path, f"id '{exercise_id}' does not match the file name",
                              line_of(path, "id"))
    bad = data.get("bad", [])
    count = len(bad) if isinstance(bad, list) else 0
    return _Raw(path, data, _script_origin(path, "[solution]"),
                [_script_origin(path, "[[bad]]", i) for i in range(count)])


def _merge(base: _Raw, variant: _Raw) -> _Raw:
    """A variant: the base's tables with the variant's start values and criteria laid over."""
    data = copy.deepcopy(base.data)
    own = variant.data
    data["id"] = own["id"]
    data["base"] = own["base"]
    if "order" in own:
        data["order"] = own["order"]
    for key in ("start", "criteria"):
        if key in own:
            table = Fields(variant.path, own).table_of(key).table
            merged = data.setdefault(key, {})
            for name, value in table.items():
                if key == "criteria" and isinstance(value, dict) and isinstance(merged.get(name),
                                                                                dict):
                    merged[name] = {**merged[name], **value}
                else:
                    merged[name] = value
    solution_origin, bad_origins = base.solution_origin, base.bad_origins
    if "solution" in own:
        data["solution"], solution_origin = own["solution"], variant.solution_origin
    if "bad" in own:
        data["bad"], bad_origins = own["bad"], variant.bad_origins
    return _Raw(variant.path, data, solution_origin, bad_origins)


def _count(f: Fields, key: str, fleet: int, default: Any, least: int) -> int:
    value = f.get(key, (int, str), default)
    if value == ALL:
        return fleet
    if isinstance(value, str) or value < least:
        raise CourseFileError(f.path, f"'{f.where}.{key}' should be a whole number of at least "
                              f"{least} or \"{ALL}\"", line_of(f.path, key))
    return value


def _group(f: Fields, key: str, scenario: Scenario, default: Any = ...) -> str:
    value = f.get(key, str, default)
    if value and value not in scenario.groups:
        raise CourseFileError(f.path, f"'{f.where}.{key}' is '{value}'; this start state has "
                              f"groups {', '.join(scenario.groups)}", line_of(f.path, key))
    return value


def _start(f: Fields) -> tuple[Scenario, SimParams, int]:
    f.unknown(START_KEYS)
    kind = f.choice("scenario", (FLEET, BLUEGREEN, IN_SERVER))
    servers = f.get("servers", int, 4)
    if not 1 <= servers <= MAX_SERVERS:
        raise CourseFileError(f.path, f"'start.servers' should be 1 to {MAX_SERVERS}",
                              line_of(f.path, "servers"))
    version, new_version = f.text("version", "v101"), f.text("new_version", "v102")
    for value in (version, new_version):
        if not value or value != value.lower() or any(c.isspace() for c in value):
            raise CourseFileError(f.path, f"version '{value}' should be one lower-case word",
                                  line_of(f.path, value))
    if version == new_version:
        raise CourseFileError(f.path, "'start.version' and 'start.new_version' are the same",
                              line_of(f.path, "new_version"))
    rps = f.get("rps", (int, float), 10.0)
    if not 0 < rps <= 1000:
        raise CourseFileError(f.path, "'start.rps' should be more than 0 and at most 1000",
                              line_of(f.path, "rps"))
    scenario = Scenario(kind, servers, version, new_version)
    params = SimParams(rps=float(rps), fault=f.choice("fault", FAULTS, "none"),
                       faulty_version=new_version)
    return scenario, params, f.get("seed", int, 1)


def _criterion(name: str, f: Fields, scenario: Scenario) -> CriterionSpec:
    if name not in CRITERION_KEYS:
        hint = nearest_id(name, CRITERIA)
        raise CourseFileError(f.path, f"unknown criterion '{name}'"
                              + (f"; did you mean '{hint}'?" if hint else ""),
                              line_of(f.path, name))
    f.unknown(CRITERION_KEYS[name])
    weight = f.get("weight", int, 1)
    if not 1 <= weight <= 100:
        raise CourseFileError(f.path, f"'{f.where}.weight' should be 1 to 100",
                              line_of(f.path, "weight"))
    fleet = scenario.host_count
    if name == CAPACITY:
        return CriterionSpec(name, weight, min_serving=_count(f, "min_serving", fleet, ..., 0))
    if name == GOAL:
        version = fill(f.text("version", scenario.new_version), scenario)
        if version not in scenario.versions:
            raise CourseFileError(f.path, f"'{f.where}.version' is '{version}'; this start state "
                                  f"has {', '.join(scenario.versions)}", line_of(f.path, "version"))
        return CriterionSpec(name, weight, version=version, group=_group(f, "group", scenario, ""),
                             serving=_count(f, "serving", fleet, ALL, 1))
    if name == CLEANUP:
        groups = f.strings("groups")
        if not groups:
            raise CourseFileError(f.path, f"'{f.where}.groups' is empty", line_of(f.path, "groups"))
        for group in groups:
            if group not in scenario.groups:
                raise CourseFileError(f.path, f"'{f.where}.groups' names '{group}'; this start "
                                      f"state has groups {', '.join(scenario.groups)}",
                                      line_of(f.path, "groups"))
        return CriterionSpec(name, weight, groups=tuple(groups))
    if name == NO_GREEN_TRAFFIC:
        return CriterionSpec(name, weight, group=_group(f, "group", scenario))
    return CriterionSpec(name, weight)


def _script(text: str, scenario: Scenario, origin: ScriptOrigin, what: str) -> str:
    script = fill(text, scenario)
    try:
        parse_script(script, scenario, allow_empty=False)
    except ParseError as err:
        raise CourseFileError(origin.path, f"{what}: {render(err.message, 'en')}",
                              origin.line(err.line)) from None
    return script


def _build(raw: _Raw) -> Exercise:
    path, f = raw.path, Fields(raw.path, raw.data)
    exercise_id = f.text("id")
    scenario, params, seed = _start(f.table_of("start"))
    criteria_table = f.table_of("criteria")
    criteria = tuple(_criterion(name, criteria_table.table_of(name), scenario)
                     for name in criteria_table.table)
    if not criteria:
        raise CourseFileError(path, "has no criteria", line_of(path, "criteria"))
    ids = [c.id for c in criteria]
    solution_table = f.table_of("solution")
    solution_table.unknown({"script"})
    solution = _script(solution_table.text("script"), scenario, raw.solution_origin,
                       "reference solution")
    bad: list[KnownBad] = []
    for index, item in enumerate(f.tables("bad") if "bad" in raw.data else []):
        item.unknown(BAD_KEYS)
        bad_id = item.text("id")
        origin = raw.bad_origins[index] if index < len(raw.bad_origins) else ScriptOrigin(path,
                                                                                          None)
        where = origin.path
        if any(b.id == bad_id for b in bad):
            raise CourseFileError(where, f"known-bad attempt '{bad_id}' appears twice",
                                  line_of(where, bad_id))
        fails = item.text("fails")
        if fails not in ids:
            raise CourseFileError(where, f"known-bad attempt '{bad_id}' fails '{fails}', which is "
                                  f"not one of this exercise's criteria ({', '.join(ids)})",
                                  line_of(where, f'"{fails}"'))
        script = _script(item.text("script"), scenario, origin, f"known-bad attempt '{bad_id}'")
        line = item.get("line", int)
        commands = parse_script(script, scenario).actions
        if line not in {a.line for a in commands}:
            raise CourseFileError(where, f"known-bad attempt '{bad_id}' names line {line}, which "
                                  "holds no command of its script", line_of(where, bad_id))
        bad.append(KnownBad(bad_id, script, fails, line))
    return Exercise(exercise_id, scenario, params, seed, criteria, solution, tuple(bad),
                    base=raw.data.get("base"), order=f.get("order", int, 0))


def _text(path: Path, scenario: Scenario, inherited: ExerciseText | None) -> ExerciseText:
    f = Fields(path, read_toml(path))
    f.unknown(TEXT_KEYS)
    if "hints" in f.table or inherited is None:
        hints = f.strings("hints")
        if len(hints) != HINT_TIERS or any(not h.strip() for h in hints):
            raise CourseFileError(path, f"'hints' should be {HINT_TIERS} hints: a nudge, the "
                                  "idea, nearly the answer", line_of(path, "hints"))
        hints = tuple(fill(h, scenario) for h in hints)
    else:
        hints = inherited.hints
    return ExerciseText(fill(f.text("title"), scenario), fill(f.text("goal"), scenario), hints)


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
    raws = {p.stem: _read_raw(p) for p in sorted(folder.glob("*.toml"))}
    merged: dict[str, _Raw] = {}
    for exercise_id, raw in raws.items():
        base_id = raw.data.get("base")
        if base_id is None:
            merged[exercise_id] = raw
            continue
        base = raws.get(base_id) if isinstance(base_id, str) else None
        if base is None or base_id == exercise_id:
            hint = nearest_id(str(base_id), [k for k in raws if k != exercise_id])
            raise CourseFileError(raw.path, f"base exercise '{base_id}' does not exist"
                                  + (f"; did you mean '{hint}'?" if hint else ""),
                                  line_of(raw.path, "base"))
        if "base" in base.data:
            raise CourseFileError(raw.path, f"base exercise '{base_id}' is itself a variant; "
                                  "name the exercise it is based on", line_of(raw.path, "base"))
        merged[exercise_id] = _merge(base, raw)
    # Bases first, so a problem in a base is reported against the base's own file.
    order = sorted(merged, key=lambda k: "base" in merged[k].data)
    built = {k: _build(merged[k]) for k in order}
    exercises: dict[str, Exercise] = {}
    for exercise_id, exercise in built.items():
        texts: dict[str, ExerciseText] = {}
        for lang in LOCALES:
            inherited = None
            if exercise.base:
                inherited = _text(root / lang / "exercises" / f"{exercise.base}.toml",
                                  exercise.scenario, None)
            texts[lang] = _text(root / lang / "exercises" / f"{exercise_id}.toml",
                                exercise.scenario, inherited)
        exercises[exercise_id] = replace(exercise, texts=texts)
        if origins is not None:
            raw = merged[exercise_id]
            origins[(exercise_id, "solution")] = (raw.solution_origin.path,
                                                  raw.solution_origin.first_line)
            for bad, origin in zip(exercise.bad, raw.bad_origins, strict=False):
                origins[(exercise_id, bad.id)] = (origin.path, line_of(origin.path, f'"{bad.id}"'))
    for lang in LOCALES:
        for path in sorted((root / lang / "exercises").glob("*.toml")):
            if path.stem not in exercises:
                raise CourseFileError(path, f"there is no exercises/{path.name} for these words")
    return dict(sorted(exercises.items(), key=lambda item: (item[1].order, item[0])))


__all__ = ["load_exercises", "ScriptOrigin"]
