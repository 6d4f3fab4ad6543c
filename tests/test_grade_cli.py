"""`deploylab grade` and `deploylab check` as a learner and a teacher use them: exit codes, the
readable and JSON forms, and one clear sentence for every kind of bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main
from models.grading import grade_once
from tests.support import copy_course, loaded_exercises

EXERCISES = loaded_exercises()
BLUEGREEN = EXERCISES["bluegreen"]


def attempt(tmp_path: Path, text: str, name: str = "attempt.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def bad_script(exercise_id: str, bad_id: str) -> str:
    return next(b.script for b in EXERCISES[exercise_id].bad if b.id == bad_id)


def test_a_passing_attempt_exits_0_and_marks_every_criterion(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    code = main(["grade", "bluegreen", attempt(tmp_path, BLUEGREEN.solution), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0
    marks = [line for line in out.splitlines() if line.startswith(("✓", "✗"))]
    assert len(marks) == len(BLUEGREEN.criteria)
    assert all(line.startswith("✓ PASS") for line in marks)  # a text mark, not colour alone
    assert "Passed with 100/100" in out
    assert "\x1b[" not in out


def test_a_failing_attempt_exits_1_and_names_the_line_that_broke_the_rule(tmp_path, capsys):
    script = bad_script("bluegreen", "terminate-while-draining")
    code = main(["grade", "bluegreen", attempt(tmp_path, script), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 1
    order = next(line for line in out.splitlines() if "safe order" in line)
    assert order.startswith("✗ FAIL")
    assert "line 5 (terminate blue)" in " ".join(out.split())
    assert "Not passed" in out


def test_wait_healthy_before_register_cannot_run_but_is_graded_with_a_suggestion(tmp_path, capsys):
    # Not a parse error: the attempt runs on, the grade lists the line (exit 0 or 1, never 2).
    script = ("launch green 4 v102\nwait healthy green\nregister green\nwait healthy green\n"
              "deregister blue\nwait drained blue\nterminate blue\n")
    code = main(["grade", "bluegreen", attempt(tmp_path, script), "--json", "--lang", "en"])
    out = json.loads(capsys.readouterr().out)
    assert code in (0, 1) and code == (0 if out["passed"] else 1)
    errors = out["summary"]["errors"]
    assert [e["line"] for e in errors] == [2]
    assert "not registered" in errors[0]["message"] and "wait ready" in errors[0]["message"]


def test_korean_output(tmp_path, capsys):
    script = bad_script("in-place", "three-at-once")
    code = main(["grade", "in-place", attempt(tmp_path, script), "--lang", "ko"])
    out = capsys.readouterr().out
    assert code == 1
    assert "✗ 실패" in out and "✓ 통과" in out
    assert "3번째 줄(deregister web-3)" in "".join(out.split("\n"))
    assert "아직 통과하지 못했습니다" in out


def test_json_is_one_object_with_the_design_fields(tmp_path, capsys):
    script = bad_script("bluegreen-in-server", "switch-unchecked")
    code = main(["grade", "bluegreen-in-server", attempt(tmp_path, script), "--json",
                 "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 1
    data = json.loads(out)
    assert list(data) == ["exercise", "passed", "score", "criteria", "summary", "runs"]
    # Switching before the check is wrong on every run of the traffic.
    assert data["runs"] == [{"seed": seed, "passed": False, "score": data["score"],
                             "failed": ["zero-downtime", "order"]} for seed in (1, 1001, 2001)]
    order = next(c for c in data["criteria"] if c["id"] == "order")
    assert order == {"id": "order", "passed": False, "message": order["message"],
                     "t": order["t"], "line": 2}
    assert order["t"] == pytest.approx(0.5)
    assert 0 <= data["score"] < 100


def test_the_attempt_can_come_from_standard_input(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(BLUEGREEN.solution))
    assert main(["grade", "bluegreen", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["passed"] is True


def test_the_seed_changes_the_traffic_not_the_verdict_and_repeats_exactly(tmp_path, capsys):
    path = attempt(tmp_path, BLUEGREEN.solution)
    outputs = []
    for seed in ("5", "5", "6"):
        assert main(["grade", "bluegreen", path, "--json", "--seed", seed]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["summary"]["seed"] == 5
    assert json.loads(outputs[0])["summary"]["requests"] != \
        json.loads(outputs[2])["summary"]["requests"]


@pytest.mark.parametrize(("argv", "text", "expected"), [
    (["grade", "bluegren", "{file}"], "status", "unknown exercise 'bluegren'; did you mean "
                                                "'bluegreen'?"),
    (["grade", "bluegreen", "{missing}"], "", "there is no such file"),
    (["grade", "bluegreen", "{dir}"], "", "it is a folder"),
    (["grade", "bluegreen", "{file}", "--lang", "en"], "launch green 4 v102\nlunch green\n",
     "attempt.txt, line 2: unknown command 'lunch'; did you mean 'launch'?"),
    (["grade", "bluegreen", "{file}", "--lang", "ko"], "status\n\nregister gren\n",
     "attempt.txt, 3번째 줄: 알 수 없는 대상 또는 그룹 'gren'"),
    (["grade", "bluegreen", "{file}"], "# nothing but a comment\n", "has no commands"),
    (["grade", "bluegreen", "{file}", "--seed", "x"], "status", "not a whole number"),
])
def test_bad_input_is_one_sentence_on_stderr_and_exit_2(tmp_path, capsys, argv, text, expected):
    file = attempt(tmp_path, text)
    paths = {"{file}": file, "{missing}": str(tmp_path / "nope.txt"), "{dir}": str(tmp_path)}
    code = main([paths.get(a, a) for a in argv])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deploylab: ")
    assert expected in lines[0]


def test_a_file_that_is_not_utf8_is_bad_input(tmp_path, capsys):
    path = tmp_path / "latin1.txt"
    path.write_bytes("status # caf\xe9".encode("latin-1"))
    assert main(["grade", "bluegreen", str(path)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_the_installed_command_grades_from_a_pipe_without_a_traceback():
    command = [str(Path(sys.executable).parent / "deploylab"), "grade", "in-place", "-",
               "--lang", "en"]
    run = subprocess.run(command, input="deploy web-1 v102\n", capture_output=True, text=True,
                         timeout=60, check=False)
    assert run.returncode == 1
    assert "✗ FAIL" in run.stdout and run.stderr == ""
    bad = subprocess.run(command, input="status\ndeploy web-9 v102\n", capture_output=True,
                         text=True, timeout=60, check=False)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.strip() == ("deploylab: stdin, line 2: unknown target or group 'web-9'; "
                                  "did you mean 'web-4'?")


# --- check -------------------------------------------------------------------------------
def test_check_passes_on_the_built_in_course_with_one_line(capsys, monkeypatch):
    # One run per script: the three-run verdict check gives each reference and known-bad
    # attempt is test_grading's matrix at offset 0 (and `make test` runs the full check).
    monkeypatch.setattr("app.cli.check.grade", grade_once)
    assert main(["check"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("OK: ")
    assert f"{len(EXERCISES)} exercises" in out[0]


@pytest.fixture()
def course(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the built-in course to break; one run per script is enough to test reporting."""
    monkeypatch.setattr("app.cli.check.grade", grade_once)
    root = tmp_path / "course"
    copy_course(root)
    return root


def _check(root: Path, capsys) -> tuple[int, list[str]]:
    code = main(["check", str(root)])
    return code, capsys.readouterr().err.strip().splitlines()


def test_check_a_copy_of_the_course_passes(course, capsys):
    assert main(["check", str(course)]) == 0
    assert capsys.readouterr().out.startswith("OK: ")


def test_check_names_the_file_and_line_of_a_toml_syntax_error(course, capsys):
    path = course / "exercises" / "in-place.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[9] = "servers = = 4"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, errors = _check(course, capsys)
    assert code == 1
    assert errors == [errors[0]] and errors[0].startswith(
        "deploylab check: exercises/in-place.toml, line 10: invalid TOML")


def test_check_reports_a_known_bad_attempt_that_does_not_fail_where_it_says(course, capsys):
    path = course / "exercises" / "in-place.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('id = "three-at-once"\nfails = "capacity"\nline = 3',
                                 'id = "three-at-once"\nfails = "capacity"\nline = 2'),
                    encoding="utf-8")
    code, errors = _check(course, capsys)
    assert code == 1 and len(errors) == 1
    assert errors[0].startswith("deploylab check: exercises/in-place.toml, line ")
    assert "'three-at-once'" in errors[0] and "at line 2, but fails it at line 3" in errors[0]


def test_check_reports_a_reference_solution_that_fails(course, capsys):
    path = course / "exercises" / "bluegreen-in-server.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("wait healthy web-1:8082\n# Point", "# Point"), encoding="utf-8")
    code, errors = _check(course, capsys)
    assert code == 1 and len(errors) == 1
    # Switching before the check sends users to a booting app: after the switch they fail.
    assert "the reference solution of 'bluegreen-in-server' fails 'zero-downtime'" in errors[0]


def test_check_wants_every_exercise_in_both_languages(course, capsys):
    (course / "ko" / "exercises" / "in-place.toml").unlink()
    code, errors = _check(course, capsys)
    assert code == 1
    assert errors == ["deploylab check: ko/exercises/in-place.toml: the file is missing"]


def test_check_rejects_a_parse_error_in_a_data_script_with_its_file_line(course, capsys):
    path = course / "exercises" / "bluegreen.toml"
    text = path.read_text(encoding="utf-8")
    # The first such lines in the file are the known-bad attempt 'deregister-too-soon'.
    path.write_text(text.replace("deregister blue\nwait drained blue\nterminate blue",
                                 "deregister blue\nwait drianed blue\nterminate blue", 1),
                    encoding="utf-8")
    number = next(n for n, line in enumerate(path.read_text().splitlines(), 1)
                  if "drianed" in line)
    code, errors = _check(course, capsys)
    assert code == 1 and len(errors) == 1
    assert errors[0].startswith(f"deploylab check: exercises/bluegreen.toml, line {number}: "
                                "known-bad attempt 'deregister-too-soon': line 4: ")
    assert "did you mean 'drained'?" in errors[0]


def test_check_resolves_a_sections_exercise(course, capsys):
    path = course / "sections" / "5.2.2.toml"
    text = path.read_text(encoding="utf-8")
    assert 'exercises = ["bluegreen",' in text  # the edit below must change something
    path.write_text(text.replace('exercises = ["bluegreen",', 'exercises = ["bluegren",'),
                    encoding="utf-8")
    code, errors = _check(course, capsys)
    assert code == 1
    assert len(errors) == 1 and errors[0].startswith("deploylab check: sections/5.2.2.toml, line ")
    assert "'bluegren'" in errors[0] and "did you mean 'bluegreen'?" in errors[0]


def test_check_of_a_missing_folder_is_bad_input(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err.strip() == \
        f"deploylab: '{tmp_path / 'nowhere'}' is not a folder"


def test_grade_and_check_never_import_textual():
    # check grades on one run, not three: the imports are the same (test_grading grades all).
    code = ("import sys\nfrom app.cli.main import main\nimport app.cli.check\n"
            "from models.grading import grade_once\napp.cli.check.grade = grade_once\n"
            "main(['grade', 'bluegreen-in-server', '-', '--json'])\n"
            "main(['check'])\n"
            "print('textual' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], input="status\n", capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.stdout.strip().splitlines()[-1] == "False", run.stderr


def test_the_language_may_also_be_given_before_the_command(tmp_path, capsys):
    assert main(["--lang", "ko", "grade", "bluegreen", attempt(tmp_path, "status")]) == 1
    assert "✗ 실패" in capsys.readouterr().out
