"""The practice language's parser: clear errors naming the line and the nearest word, never a crash.

Hypothesis feeds it random text (only `ParseError` may escape, always with a line) and random
valid command sequences (they always parse, run and get a grade: waits have deadlines).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.words import render
from models.exercises import CRITERIA
from models.grading import grade
from models.practice import ParseError, parse_line, parse_script
from models.scenarios import BLUEGREEN, FLEET, IN_SERVER, Scenario
from tests.support import loaded_exercises

EXERCISES = loaded_exercises()
BLUEGREEN_SC = Scenario(BLUEGREEN, 4)
FLEET_SC = Scenario(FLEET, 4)
IN_SERVER_SC = Scenario(IN_SERVER)


def error(text: str, scenario: Scenario = BLUEGREEN_SC) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse_script(text, scenario)
    return caught.value


# --- errors a learner sees -----------------------------------------------------------------
def test_a_misspelt_command_names_the_line_and_the_nearest_command():
    err = error("launch green 4 v102\nlunch green 4 v102\n")
    assert err.line == 2
    assert render(err.message, "en") == "line 2: unknown command 'lunch'; did you mean 'launch'?"
    assert render(err.message, "ko").startswith("2번째 줄: 알 수 없는 명령 'lunch'")
    assert "'launch'" in render(err.message, "ko")


def test_line_numbers_count_comments_and_blank_lines_as_an_editor_does():
    text = "# blue/green\n\nlaunch green 4 v102\n\x0c\nregister gren  # typo\n"
    err = error(text)
    assert err.line == 5
    assert err.suggestion == "green"


@pytest.mark.parametrize(("text", "scenario", "line", "suggestion"), [
    ("deploy web-1 v103", FLEET_SC, 1, "v102"),
    ("deregister web-5", FLEET_SC, 1, "web-4"),
    ("launch gren 2 v102", BLUEGREEN_SC, 1, "green"),
    ("switch web-1 8083", IN_SERVER_SC, 1, "8082"),
    ("start web-1:8038 v102", IN_SERVER_SC, 1, "web-1:8082"),
    ("register web-1:8081", IN_SERVER_SC, 1, "web-1"),
    ("wait helthy blue", BLUEGREEN_SC, 1, "healthy"),
    ("status\nterminate bleu", BLUEGREEN_SC, 2, "blue"),
])
def test_bad_names_suggest_the_nearest_valid_word(text, scenario, line, suggestion):
    err = error(text, scenario)
    assert (err.line, err.suggestion) == (line, suggestion)
    assert f"did you mean '{suggestion}'?" in render(err.message, "en")


@pytest.mark.parametrize("text", [
    "launch green",  # wrong arity
    "launch green ² v102",  # a digit int() refuses
    "launch green 0 v102",
    "launch green 65 v102",
    "wait 0",
    "wait nan",
    "wait inf",
    "wait -5",
    "wait healthy",
    "start web-1:8081 v102",  # no slots in a blue/green exercise
    "switch blue-1 8081",
    "deploy blue v102 now",
])
def test_malformed_lines_are_parse_errors_on_line_one(text):
    assert error(text).line == 1


def test_instances_exist_only_after_the_launch_that_creates_them():
    assert error("register green-1\nlaunch green 2 v102").line == 1
    script = parse_script("launch green 2 v102\nregister green-2", BLUEGREEN_SC)
    assert [a.text() for a in script.actions] == ["launch green 2 v102", "register green-2"]
    err = error("launch green 2 v102\nregister green-3")
    assert (err.line, err.suggestion) == (2, "green-2")


def test_commands_are_case_insensitive_and_comments_are_ignored():
    script = parse_script("LAUNCH Green 4 V102   # four, like blue\n# done\n", BLUEGREEN_SC)
    assert [(a.text(), a.line) for a in script.actions] == [("launch green 4 v102", 1)]


def test_a_bad_last_line_stops_the_whole_attempt_before_anything_runs():
    exercise = EXERCISES["bluegreen"]
    with pytest.raises(ParseError) as caught:
        grade(exercise, exercise.solution + "\nterminate purple\n")
    assert caught.value.line == len(exercise.solution.split("\n")) + 1


def test_the_console_numbers_lines_after_its_history_and_knows_launched_names():
    history = (parse_line("launch green 2 v102", BLUEGREEN_SC),)
    action = parse_line("register green-2", BLUEGREEN_SC, history)
    assert action is not None and (action.text(), action.line) == ("register green-2", 2)
    assert parse_line("   # only a comment", BLUEGREEN_SC, history) is None
    with pytest.raises(ParseError) as caught:
        parse_line("register green-3", BLUEGREEN_SC, history)
    assert caught.value.line == 2


# --- properties ----------------------------------------------------------------------------
VOCABULARY = ["launch", "deploy", "register", "deregister", "terminate", "start", "stop",
              "switch", "health", "wait", "status", "healthy", "drained", "blue", "green", "web",
              "blue-1", "green-1", "web-1", "web-1:8081", "web-1:8082", "web-1:", ":8081",
              "8081", "8082", "v101", "v102", "V102", "4", "0", "-1", "1e9", "nan", "²", "#",
              "launch green", "lunch", "\t", "\r", "\n", "\x0c", "\u2028", "블루", "ｖ102"]
SCENARIOS = st.sampled_from([BLUEGREEN_SC, FLEET_SC, IN_SERVER_SC, Scenario(BLUEGREEN, 6)])


def _check_any_text(text: str, scenario: Scenario) -> None:
    try:
        script = parse_script(text, scenario)
    except ParseError as err:
        assert 1 <= err.line <= text.count("\n") + 1
        for lang in ("ko", "en"):
            rendered = render(err.message, lang)
            assert re.match(r"^(line \d+: |\d+번째 줄: )", rendered)
        return
    lines = {a.line for a in script.actions}
    assert all(1 <= n <= text.count("\n") + 1 for n in lines)


@given(text=st.text(max_size=200), scenario=SCENARIOS)
@settings(max_examples=300)
def test_random_text_only_ever_raises_a_parse_error_that_names_a_line(text, scenario):
    _check_any_text(text, scenario)


@given(words=st.lists(st.sampled_from(VOCABULARY) | st.text(max_size=6), max_size=30),
       scenario=SCENARIOS)
@settings(max_examples=300)
def test_near_valid_word_soup_only_ever_raises_a_parse_error(words, scenario):
    _check_any_text(" ".join(words), scenario)


@st.composite
def valid_attempts(draw) -> tuple[str, str]:
    """An exercise id and a random attempt that parses: only names that exist at that line."""
    exercise_id = draw(st.sampled_from(sorted(EXERCISES)))
    sc = EXERCISES[exercise_id].scenario
    created = {group: 0 for group in sc.groups}
    created[sc.start_group] = sc.host_count
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        hosts = [f"{g}-{i}" for g, n in created.items() for i in range(1, n + 1)]
        targets = hosts + [g for g, n in created.items() if n]
        version = draw(st.sampled_from(sc.versions))
        seconds = draw(st.sampled_from(["1", "5", "30", "90"]))
        choices = [f"wait {seconds}", "status"]
        if targets:
            target = draw(st.sampled_from(targets))
            choices += [f"register {target}", f"deregister {target}", f"terminate {target}",
                        f"health {target}", f"wait healthy {target}", f"wait drained {target}"]
        if sc.kind == IN_SERVER:
            slot = draw(st.sampled_from(["web-1:8081", "web-1:8082"]))
            choices += [f"start {slot} {version}", f"stop {slot}", f"health {slot}",
                        f"wait healthy {slot}", f"switch web-1 {slot[-4:]}"]
        else:
            group = draw(st.sampled_from(sc.groups))
            count = draw(st.integers(1, 3))
            choices.append(f"launch {group} {count} {version}")
            if targets:
                choices.append(f"deploy {draw(st.sampled_from(targets))} {version}")
        line = draw(st.sampled_from(choices))
        if line.startswith("launch"):
            _verb, group, count, _version = line.split()
            created[group] += int(count)
        lines.append(line)
    return exercise_id, "\n".join(lines)


@given(attempt=valid_attempts(), seed=st.integers(1, 1000))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_valid_command_sequences_always_get_a_grade(attempt, seed):
    exercise_id, text = attempt
    exercise = EXERCISES[exercise_id]
    result = grade(exercise, text, seed)  # never raises, never hangs
    assert 0 <= result.score <= 100
    ids = [c.id for c in result.criteria]
    assert sorted(ids) == sorted(c.id for c in exercise.criteria)
    assert ids == [c for c in CRITERIA if c in ids]  # always listed in the same order
    assert result.passed == all(c.passed for c in result.criteria)
    lines = {a.line for a in result.actions}
    for criterion in result.failed:
        assert criterion.t is not None and criterion.t >= 0
        assert criterion.line is None or criterion.line in lines


def test_an_attempt_is_capped_so_grading_it_always_ends_soon():
    too_many = error("status\n" * 200 + "status\n")
    assert too_many.line == 201 and "at most 200 commands" in render(too_many.message, "en")
    too_long = error("wait 3600\n" * 4 + "wait 1\n")
    assert too_long.line == 5 and "14400 s" in render(too_long.message, "en")
    history = tuple(parse_line("wait 3600", BLUEGREEN_SC) for _ in range(4))
    with pytest.raises(ParseError):
        parse_line("wait 1", BLUEGREEN_SC, history)


# --- several targets in one command (a CodeDeploy batch) ------------------------------------------
def test_several_targets_in_one_command_parse_in_the_order_written():
    script = parse_script("deregister web-1 web-2\nwait drained web-1 web-2\n"
                          "deploy web-1 web-2 v102\nregister web-1 web-2\n"
                          "wait healthy web-2 web-1", FLEET_SC)
    assert [a.args for a in script.actions] == [
        ("web-1", "web-2"), ("drained", "web-1", "web-2"), ("web-1", "web-2", "v102"),
        ("web-1", "web-2"), ("healthy", "web-2", "web-1")]


def test_groups_and_single_targets_mix():
    script = parse_script("launch green 2 v102\nregister green blue-1", BLUEGREEN_SC)
    assert script.actions[1].args == ("green", "blue-1")


def test_the_same_target_twice_is_an_error_naming_it():
    err = error("deploy web-1 web-2 web-1 v102", FLEET_SC)
    assert err.problem.key == "named_twice"
    assert render(err.message, "en") == "line 1: 'web-1' is named twice"
    assert "'web-1'" in render(err.message, "ko")


def test_an_unknown_target_among_several_names_itself_and_the_nearest():
    err = error("wait healthy web-1 wbe-2", FLEET_SC)
    assert err.problem.key == "unknown_target"
    assert "'wbe-2'" in render(err.message, "en") and err.suggestion == "web-2"


def test_a_version_among_the_targets_gets_the_usage():
    err = error("deploy web-1 v102 web-2", FLEET_SC)
    assert render(err.message, "en") == "line 1: 'deploy' takes deploy <target|group>... <version>"
