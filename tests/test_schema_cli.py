"""`deploylab schema`: the JSON Schema of an exercise file is valid JSON, names the exercise keys,
and every exercise file of the course validates against it (a damaged one does not)."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from app.cli.main import main
from lessons import COURSE_DIR


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(_printed())


def _printed() -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["schema"]) == 0
    return out.getvalue()


def problems(value, node: dict, root: dict, at: str = "$") -> list[str]:
    """What in `value` breaks `node` (the JSON Schema keywords msgspec writes, nothing more)."""
    if "$ref" in node:
        return problems(value, root["$defs"][node["$ref"].split("/")[-1]], root, at)
    if "anyOf" in node:
        found = [problems(value, option, root, at) for option in node["anyOf"]]
        return [] if any(not f for f in found) else [p for f in found for p in f]
    kinds = {"object": dict, "array": list, "string": str, "null": type(None),
             "integer": int, "number": (int, float), "boolean": bool}
    kind = node.get("type")
    if kind and (not isinstance(value, kinds[kind])
                 or (kind in ("integer", "number") and isinstance(value, bool))):
        return [f"{at}: not {kind}"]
    if "enum" in node and value not in node["enum"]:
        return [f"{at}: {value!r} not in {node['enum']}"]
    out: list[str] = []
    if isinstance(value, dict):
        for key in node.get("required", []):
            if key not in value:
                out.append(f"{at}.{key}: missing")
        for key, item in value.items():
            if key in node.get("properties", {}):
                out += problems(item, node["properties"][key], root, f"{at}.{key}")
            elif node.get("additionalProperties") is False:
                out.append(f"{at}.{key}: not allowed")
    if isinstance(value, list):
        if len(value) < node.get("minItems", 0):
            out.append(f"{at}: too few items")
        for i, item in enumerate(value):
            out += problems(item, node.get("items", {}), root, f"{at}[{i}]")
    if isinstance(value, str) and "pattern" in node and not re.search(node["pattern"], value):
        out.append(f"{at}: does not match {node['pattern']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in node and value < node["minimum"]:
            out.append(f"{at}: below {node['minimum']}")
        if "maximum" in node and value > node["maximum"]:
            out.append(f"{at}: above {node['maximum']}")
        if "exclusiveMinimum" in node and value <= node["exclusiveMinimum"]:
            out.append(f"{at}: not above {node['exclusiveMinimum']}")
    return out


def test_the_schema_is_json_schema_naming_the_exercise_keys(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    whole = schema["$defs"]["ExerciseFile"]
    assert set(whole["properties"]) == {"id", "base", "order", "start", "criteria", "solution",
                                        "bad"}
    assert set(whole["required"]) == {"id", "start", "criteria", "solution"}
    criteria = schema["$defs"]["Criteria"]["properties"]
    assert set(criteria) == {"zero-downtime", "capacity", "order", "strategy", "goal", "cleanup",
                             "no-green-traffic"}
    start = schema["$defs"]["Start"]["properties"]
    assert start["scenario"]["enum"] == ["bluegreen", "console", "fleet", "in-server"]
    assert (start["servers"]["minimum"], start["servers"]["maximum"]) == (1, 64)
    assert schema["$defs"]["VariantFile"]["required"] == ["id", "base"]
    assert all(d.get("description") for d in schema["$defs"].values())  # hover text in editors


def test_every_exercise_file_of_the_course_validates_against_it(schema):
    paths = sorted((COURSE_DIR / "exercises").glob("*.toml"))
    assert len(paths) >= 4
    for path in paths:
        assert problems(tomllib.loads(path.read_text("utf-8")), schema, schema) == [], path.name


@pytest.mark.parametrize("old, new, problem", [
    ("servers = 4", 'servers = "4"', "$.start.servers: not integer"),
    ("[criteria.zero-downtime]", "[criteria.zero-downtim]", "$.criteria.zero-downtim"),
    ('scenario = "bluegreen"', 'scenario = "blue-green"', "$.start.scenario"),
    ("[solution]\nscript", "[solution]\nscripts", "$.solution.script: missing"),
])
def test_a_damaged_exercise_file_does_not(schema, old, new, problem):
    text = (COURSE_DIR / "exercises" / "bluegreen.toml").read_text("utf-8")
    assert old in text
    found = problems(tomllib.loads(text.replace(old, new, 1)), schema, schema)
    assert any(p.startswith(problem) for p in found), found
