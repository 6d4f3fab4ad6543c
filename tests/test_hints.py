"""Hints tied to criteria: three tiers per criterion in both languages, only the last giving
commands; the files are checked (a hint for a criterion the exercise lacks, a missing tier, a
command too early: one error naming the file, the key and its line); the hint chosen follows
the state of the run."""

from __future__ import annotations

import pytest

from lessons import LOCALES
from lessons.exercises import command_in, load_exercises
from lessons.files import CourseFileError
from models.coaching import focus
from models.practice_session import PracticeSession
from tests.support import copy_course, edit, loaded_exercises

EXERCISES = loaded_exercises()


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_every_criterion_has_three_tiers_in_both_languages_and_only_the_last_gives_commands(
        exercise_id):
    exercise = EXERCISES[exercise_id]
    ids = [c.id for c in exercise.criteria]
    for lang in LOCALES:
        text = exercise.text(lang)
        assert list(text.hints) == ids, lang
        for criterion in ids:
            tiers = text.tiers(criterion)
            assert len(tiers) == 3 and all(t.strip() for t in tiers)
            assert all("{" not in t for t in tiers)  # placeholders filled
            assert [command_in(t, exercise) for t in tiers[:2]] == [None, None], (lang, criterion)
            assert command_in(tiers[2], exercise) is not None, (lang, criterion)


def test_variants_keep_their_bases_hints_unless_they_give_their_own():
    base, six, slow = (EXERCISES[k] for k in ("bluegreen", "bluegreen-6", "bluegreen-slow-start"))
    assert "launch green 6 v102" in six.text("en").tiers("goal")[2]
    assert six.text("en").tiers("order") == base.text("en").tiers("order")
    assert slow.text("ko").tiers("zero-downtime") != base.text("ko").tiers("zero-downtime")
    assert slow.text("ko").tiers("cleanup") == base.text("ko").tiers("cleanup")
    bad = EXERCISES["bluegreen-bad-build"]
    # the broken build must not inherit advice that sends users to green
    assert "register green" not in " ".join(bad.text("en").tiers("goal"))
    assert bad.text("en").tiers("no-green-traffic")


def test_a_command_in_prose_is_found_and_ordinary_words_are_not():
    exercise = EXERCISES["bluegreen-console"]
    assert command_in("then `detach-asg blue`, and wait", exercise) == "detach-asg blue"
    assert command_in("Make an image: create-image img-v102 from build-1.", exercise) == \
        "create-image img-v102 from build-1"
    assert command_in("Wait until the health checks pass; start with the image.", exercise) \
        is None


@pytest.fixture
def copy(tmp_path):
    root = tmp_path / "lessons"
    copy_course(root)
    return root


FIRST_TIER = '"Is the group you are about to destroy still handling requests?",'


@pytest.mark.parametrize("file, old, new, message, key", [
    ("en/exercises/bluegreen.toml", "\norder = [", "\nstrategy = [",
     "'hints.strategy' is for a criterion this exercise does not have (it has zero-downtime, "
     "capacity, order, goal, cleanup)", "strategy"),
    ("en/exercises/bluegreen.toml", "\norder = [", "\nordr = [",
     "'hints.ordr' is not a known key; did you mean 'order'?", "ordr"),
    ("en/exercises/bluegreen.toml", FIRST_TIER, "",
     "'hints.order' should have exactly 3 items", "order"),
    ("ko/exercises/bluegreen.toml", "\norder = [", "\norder_ = [",
     "'hints.order_' is not a known key; did you mean 'order'?", "order_"),
    ("en/exercises/bluegreen.toml", FIRST_TIER,
     '"Still handling requests? Then deregister blue first.",',
     "'hints.order' tier 1 gives the command 'deregister blue'; only the last of the 3 tiers "
     "may give commands", "order"),
    ("en/exercises/bluegreen.toml", FIRST_TIER, '"",',
     "'hints.order[1]' is empty", '""'),
])
def test_a_broken_hint_is_one_error_naming_the_file_key_and_line(copy, file, old, new,
                                                                   message, key):
    path = copy / file
    edit(path, old, new)
    with pytest.raises(CourseFileError) as err:
        load_exercises(copy)
    assert err.value.path == path
    assert err.value.problem == message
    assert key in path.read_text("utf-8").splitlines()[err.value.line - 1]


def test_an_exercise_without_the_hints_of_one_criterion_is_refused(copy):
    path = copy / "ko" / "exercises" / "in-place.toml"
    text = path.read_text("utf-8")
    start = text.index("\nstrategy = [")
    end = text.index("]\n", start) + 2
    path.write_text(text[:start + 1] + text[end:], "utf-8")
    with pytest.raises(CourseFileError) as err:
        load_exercises(copy)
    assert err.value.path == path
    assert err.value.problem.startswith("'hints.strategy' is missing: each criterion needs 3 "
                                        "tiers")
    assert path.read_text("utf-8").splitlines()[err.value.line - 1] == "[hints]"


def run(exercise_id: str, *commands: str):
    session = PracticeSession(EXERCISES[exercise_id])
    for command in commands:
        session.begin(session.parse(command))
        session.finish_current()
    return session.exercise, session.sim


def test_the_hint_is_about_the_first_criterion_before_any_command():
    for exercise in EXERCISES.values():
        assert focus(exercise, exercise.new_simulation()) == exercise.criteria[0].id


@pytest.mark.parametrize("exercise_id, commands, criterion", [
    # launch, register and deregister blue at once: green is not healthy yet
    ("bluegreen", ("launch green 4 v102", "register green", "deregister blue"), "zero-downtime"),
    # a correct start: nothing at risk, so the hint is about what is still to do
    ("bluegreen", ("launch green 4 v102", "wait ready green"), "goal"),
    ("bluegreen", ("launch green 4 v102", "wait ready green", "register green",
                   "wait healthy green", "deregister blue", "wait drained blue"), "cleanup"),
    ("in-place", ("deregister web-1 web-2 web-3",), "capacity"),
    ("in-place", ("launch web 1 v102",), "strategy"),
    ("bluegreen-in-server", ("launch web 1 v102",), "strategy"),
    ("bluegreen-console", ("launch build 1 v102", "wait ready build-1",
                           "create-image img-v102 from build-1"), "goal"),
])
def test_the_hint_follows_the_state_of_the_run(exercise_id, commands, criterion):
    exercise, sim = run(exercise_id, *commands)
    assert focus(exercise, sim) == criterion
