"""The book's hands-on, literally (5.2.2): the cloud console's objects as practice commands.

An instance to build from, an image (minutes), a launch template, an Auto Scaling group that
launches from it, attaching and detaching groups to the target group, deleting a group. Each
command runs until its own work is done; bad input names the line and the nearest word.
"""

from __future__ import annotations

import json

import pytest

from app.cli.main import main
from app.words import render
from lessons.exercises import load_exercises
from models.actions import Action
from models.engine import Simulation
from models.exercises import fill
from models.grading import grade
from models.params import SimParams
from models.practice import ParseError, parse_script
from models.scenarios import CONSOLE, Scenario

EXERCISE = load_exercises()["bluegreen-console"]
SCENARIO = Scenario(CONSOLE, 4)
BUILD = "launch build 1 v102\nwait healthy build-1\n"


def run(sim: Simulation, text: str):
    return sim.run(Action.of(text))


def error(text: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse_script(text, SCENARIO)
    return caught.value


def test_blue_starts_as_an_attached_group_of_four_with_its_image_and_template():
    sim = Simulation(SCENARIO, SimParams(), 1)
    assert sim.asgs["blue"].attached and sim.asgs["blue"].template == "lt-v101"
    assert sim.templates == {"lt-v101": "img-v101"} and sim.images == {"img-v101": "v101"}
    assert sim.final_versions() == {"v101": 4}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_console_step_takes_its_own_time_and_builds_on_the_last(seed):
    params = SimParams()
    sim = Simulation(SCENARIO, params, seed)
    run(sim, "launch build 1 v102")
    run(sim, "wait healthy build-1")
    made = run(sim, "create-image img-v102 from build-1")
    assert made.ok and made.ended - made.started == params.image_s  # minutes, not seconds
    assert sim.instances["build-1"].state == "running"  # the instance keeps running
    assert run(sim, "create-template lt-v102 from img-v102").ok
    group = run(sim, "create-asg green from lt-v102 size 4")
    assert group.ok and group.ended - group.started >= params.boot_s  # until they run
    green = [i for i in sim.instances.values() if i.group == "green"]
    assert len(green) == 4 and {i.process.version for i in green} == {"v102"}
    assert not any(t.instance.group == "green" for t in sim.lb.routable)  # not attached yet
    run(sim, "wait healthy green")
    assert run(sim, "attach-asg green").ok
    assert run(sim, "wait healthy green").ok
    assert sim.final_versions() == {"v101": 4, "v102": 4}
    assert run(sim, "detach-asg blue").ok
    assert run(sim, "wait drained blue").ok
    deleted = run(sim, "delete-asg blue")
    assert deleted.ok and "blue" not in sim.asgs
    assert all(i.state == "terminated" for i in sim.instances.values() if i.group == "blue")
    assert sim.final_versions() == {"v102": 4} and sim.metrics.failed == 0


def test_an_instance_of_a_group_is_not_terminated_by_hand():
    sim = Simulation(SCENARIO, SimParams(), 1)
    result = run(sim, "terminate blue-1")
    assert not result.ok and result.message.key == "in_asg"
    assert "delete the group" in render(result.message, "en")
    assert sim.instances["blue-1"].alive


@pytest.mark.parametrize(("text", "key", "suggestion"), [
    ("create-template lt-v102 from img-v102", "unknown_image", "img-v101"),
    (BUILD + "create-image img-v102 from build-1\ncreate-asg green from lt-v12 size 4",
     "unknown_template", "lt-v101"),
    ("create-image img-v101 from blue-1", "name_taken", None),
    ("create-asg blue from lt-v101 size 4", "name_taken", None),
    ("create-asg gren from lt-v101 size 4", "unknown_group", "green"),
    ("create-asg green from lt-v101 size 0", "bad_count", None),
    ("create-asg green from lt-v101 size 21", "bad_count", None),
    ("attach-asg green", "unknown_asg", None),
    ("attach-asg bleu", "unknown_asg", "blue"),
    ("create-image IMG! from blue-1", "bad_name", None),
    ("create-image img-v102 from build-1", "unknown_target", "blue-1"),
    ("create-image img-v102 blue-1", "wrong_arity", None),
])
def test_bad_console_input_names_the_line_and_the_nearest_word(text, key, suggestion):
    err = error(text)
    assert err.problem.key == key, render(err.message, "en")
    assert err.line == text.count("\n") + 1
    assert err.suggestion == suggestion
    assert render(err.message, "ko") != render(err.message, "en")


def test_a_template_from_an_image_made_later_is_an_error_at_its_line():
    err = error(BUILD + "create-template lt-v102 from img-v102\n"
                "create-image img-v102 from build-1")
    assert (err.line, err.problem.key) == (3, "unknown_image")


def test_the_reference_passes_and_each_known_bad_fails_where_it_should():
    assert grade(EXERCISE, fill(EXERCISE.solution, EXERCISE.scenario)).passed
    for bad in EXERCISE.bad:
        result = grade(EXERCISE, fill(bad.script, EXERCISE.scenario))
        failed = {c.id: c.line for c in result.failed}
        assert failed.get(bad.fails) == bad.line, (bad.id, failed)


def test_grade_on_the_command_line_passes_the_reference(tmp_path, capsys):
    attempt = tmp_path / "attempt.txt"
    attempt.write_text(fill(EXERCISE.solution, EXERCISE.scenario), "utf-8")
    assert main(["grade", "bluegreen-console", str(attempt), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] and data["score"] == 100
