"""`deploylab schema`: the JSON Schema of an exercise file, so an editor completes and checks it."""

from __future__ import annotations

import argparse
import json

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def exercise_schema() -> dict:
    """The JSON Schema of `exercises/<id>.toml`: a whole exercise, or a variant of one."""
    import msgspec

    from lessons.schema.exercises import ExerciseFile, VariantFile

    (whole, variant), definitions = msgspec.json.schema_components(
        (ExerciseFile, VariantFile), ref_template="#/$defs/{name}")
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "DeployLab exercise file",
        "description": "exercises/<id>.toml: a start state, criteria, a reference solution and "
                       "known-bad attempts; or a variant that names its base and changes some "
                       "of them. The words live in <lang>/exercises/<id>.toml.",
        "anyOf": [whole, variant],
        "$defs": definitions,
    }


def run_schema(args: argparse.Namespace) -> int:
    print(json.dumps(exercise_schema(), indent=2, ensure_ascii=False))
    return 0
