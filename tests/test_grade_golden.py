"""`deploylab grade --json` for every reference and known-bad attempt, in both languages, against
the recorded golden file: refactors must not change a grade. Regenerate on purpose with
`DEPLOYLAB_REGOLD=1 pytest tests/test_grade_golden.py` and review the diff."""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

import pytest

from app.cli.main import main
from tests.support import loaded_exercises

GOLDEN = Path(__file__).with_name("golden") / "grades.json"
EXERCISES = loaded_exercises()
ATTEMPTS = [(e.id, "solution", e.solution) for e in EXERCISES.values()] + [
    (e.id, bad.id, bad.script) for e in EXERCISES.values() for bad in e.bad]


def graded(capsys, tmp_path: Path, exercise: str, script: str, lang: str) -> dict:
    attempt = tmp_path / "attempt.txt"
    attempt.write_text(script, "utf-8")
    code = main(["grade", exercise, str(attempt), "--json", "--lang", lang])
    out = capsys.readouterr().out
    result = json.loads(out)
    assert code == (0 if result["passed"] else 1)
    return result


def regold(key: str, result: dict) -> None:
    """Put one entry in the golden file; the file is locked while it is read and rewritten, so
    pytest-xdist workers regenerating at once keep each other's entries."""
    with open(GOLDEN, "a+", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        file.seek(0)
        text = file.read()
        golden = json.loads(text) if text.strip() else {}
        golden[key] = result
        file.seek(0)
        file.truncate()
        file.write(json.dumps(dict(sorted(golden.items())), ensure_ascii=False, indent=1) + "\n")


def test_every_attempt_is_in_the_golden_file():
    golden = json.loads(GOLDEN.read_text("utf-8"))
    assert sorted(golden) == sorted(f"{e}/{a}/{lang}" for e, a, _ in ATTEMPTS for lang in
                                    ("ko", "en"))


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(("exercise", "attempt", "script"), ATTEMPTS,
                         ids=[f"{e}/{a}" for e, a, _ in ATTEMPTS])
def test_grade_json_is_unchanged(capsys, tmp_path, exercise, attempt, script, lang):
    result = graded(capsys, tmp_path, exercise, script, lang)
    key = f"{exercise}/{attempt}/{lang}"
    if os.environ.get("DEPLOYLAB_REGOLD"):
        regold(key, result)
        return
    assert result == json.loads(GOLDEN.read_text("utf-8"))[key]
