"""PracticeSession: typed runs grade like scripts; undo, reset, replay and the demo are faithful."""

from __future__ import annotations

import pytest

import app.ui.speeds as speeds
from app.ui.speeds import speed_after
from models.grading import goal_reached, grade
from models.practice_session import PracticeSession, Stop, solution_actions
from tests.support import loaded_exercises

EXERCISES = loaded_exercises()
BAD = [(e.id, b) for e in EXERCISES.values() for b in e.bad]
BAD_IDS = [f"{eid}:{b.id}" for eid, b in BAD]
SLICE_S = 7.5


def finish(session: PracticeSession, slice_s: float = SLICE_S):
    """Animate the running command in small time slices, as the screen does, until it ends."""
    for _ in range(100_000):
        result = session.step(session.sim.now + slice_s)
        if result is not None:
            return result
    raise AssertionError("command never ended")


def run_typed(session: PracticeSession, script: str, limit: int | None = None) -> PracticeSession:
    """Type a script on the console line by line (comments skip), animating each command."""
    for text in script.splitlines():
        if (action := session.parse(text)) is not None and len(session.actions) != limit:
            session.begin(action)
            finish(session)
    return session


def typed(exercise_id: str, script: str, limit: int | None = None) -> PracticeSession:
    return run_typed(PracticeSession(EXERCISES[exercise_id]), script, limit)


def outcome(result):
    return (result.passed, result.score,
            [(c.id, c.passed, c.t, c.line) for c in result.criteria])


def command_number(exercise, script: str, line: int) -> int:
    """The console's number for the command on script line `line` (console lines skip comments)."""
    lines = [a.line for a in exercise.parse(script).actions]
    return lines.index(line) + 1


# --- 1, 2: animation slices do not change the run or its grade ------------------------------
@pytest.mark.parametrize("exercise_id", list(EXERCISES))
@pytest.mark.parametrize("slice_s", [SLICE_S, 0.4])
def test_typed_solution_grades_like_the_whole_script(exercise_id, slice_s):
    exercise = EXERCISES[exercise_id]
    session = PracticeSession(exercise)
    for text in exercise.solution.splitlines():
        if (action := session.parse(text)) is not None:
            session.begin(action)
            finish(session, slice_s)
    typed_grade = session.grade_now()
    reference = grade(exercise, exercise.solution)
    assert typed_grade.passed and typed_grade.score == 100
    assert outcome(typed_grade) == outcome(reference)
    assert typed_grade.facts == reference.facts


@pytest.mark.parametrize(("exercise_id", "bad"), BAD, ids=BAD_IDS)
def test_typed_known_bad_attempt_fails_on_its_criterion_and_line(exercise_id, bad):
    exercise = EXERCISES[exercise_id]
    result = typed(exercise_id, bad.script).grade_now()
    assert not result.passed
    failed = {c.id: c for c in result.failed}
    assert bad.fails in failed
    # The console numbers commands, not script lines: the bad.line-th script line is this command.
    assert failed[bad.fails].line == command_number(exercise, bad.script, bad.line)
    assert failed[bad.fails].t == grade(exercise, bad.script).criterion(bad.fails).t


# --- 3, 4: undo and reset ------------------------------------------------------------------
@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_undo_equals_a_fresh_session_without_the_last_command(exercise_id):
    solution = EXERCISES[exercise_id].solution
    session = typed(exercise_id, solution)
    *rest, last = session.actions
    assert session.undo() == last
    fresh = typed(exercise_id, solution, len(rest))
    assert session.frame() == fresh.frame()
    assert session.commands_text() == fresh.commands_text()
    assert session.actions == fresh.actions


def test_undo_drops_a_command_still_running():
    session = typed("bluegreen", "launch green 4 v102")
    action = session.parse("wait ready green")
    session.begin(action)
    session.step(session.sim.now + 1.0)
    assert session.busy
    assert session.undo() == action
    assert not session.busy
    assert session.frame() == typed("bluegreen", "launch green 4 v102").frame()


def test_undo_on_an_empty_session_returns_none():
    session = PracticeSession(EXERCISES["bluegreen"])
    start = session.frame()
    assert session.undo() is None
    assert session.frame() == start and session.actions == ()


def test_undo_after_grading_clears_the_grade():
    session = typed("bluegreen", EXERCISES["bluegreen"].solution)
    session.grade_now()
    assert session.undo() is not None
    assert not session.graded and session.grade is None
    assert session.efficiency() == {}


@pytest.mark.parametrize("before", ["typed", "graded", "demo"])
def test_reset_gives_the_start_frame_and_no_actions(before):
    exercise = EXERCISES["in-place"]
    session = typed("in-place", exercise.solution, 5)
    if before == "graded":
        session.grade_now()
    elif before == "demo":
        session.play_solution()
        session.begin(session.next_pending())
    session.reset()
    assert session.frame() == PracticeSession(exercise).frame()
    assert session.actions == () and session.commands_text() == ""
    assert not session.graded and not session.demo and session.pending == []


# --- 5: goal_now ----------------------------------------------------------------------------
def goal_trace(session: PracticeSession, script: str) -> list[bool]:
    """goal_now() after each command, as the practice screen asks it."""
    seen = []
    for text in script.splitlines():
        if (action := session.parse(text)) is not None:
            session.begin(action)
            finish(session)
            seen.append(session.goal_now())
    return seen


def test_bad_build_start_state_is_not_a_finish():
    session = PracticeSession(EXERCISES["bluegreen-bad-build"])
    assert goal_reached(session.exercise, session.sim)  # blue serving v101, nothing to clean up
    assert session.goal_now() is False
    # Away from the goal (green launched) and back (green terminated) does count.
    assert goal_trace(session, session.exercise.solution) == [False, False, False, True]
    run_typed(session, "status")
    session.undo()  # the rebuilt run also left the goal and came back
    assert session.goal_now() is True


def test_goal_now_turns_true_right_after_the_last_solution_command():
    session = PracticeSession(EXERCISES["bluegreen"])
    assert session.goal_now() is False
    seen = goal_trace(session, session.exercise.solution)
    assert seen == [False] * (len(seen) - 1) + [True]


# --- 6: replay after grading ----------------------------------------------------------------
@pytest.mark.parametrize(("exercise_id", "bad"), BAD, ids=BAD_IDS)
def test_replay_stops_and_frames_match_the_graded_run(exercise_id, bad):
    exercise = EXERCISES[exercise_id]
    session = typed(exercise_id, bad.script)
    session.grade_now()
    stops = session.stops()
    assert stops[0] == Stop(0, 0.0)
    assert [s.t for s in stops] == sorted(s.t for s in stops)
    ends = [Stop(i, r.ended) for i, r in enumerate(session.results, 1)]
    assert set(ends) <= set(stops)
    failure = session.first_failure_stop()
    moments = [session.stop_at(c.t, c.line) for c in session.grade.failed]
    assert failure == min(moments, key=lambda s: s.order) and set(moments) <= set(stops)
    assert all(session.stop_at(stop.t).done >= stop.done for stop in ends)
    for stop in moments:  # a failure inside a command: replay runs up to that very moment
        assert session.replay(stop).now == stop.t
    # Each command's end replays to the run of the commands up to it. One simulation runs them
    # in turn and is compared at each end: the same runs as a fresh simulation per end, once.
    sim = exercise.new_simulation()
    for stop, result in zip(ends, session.results, strict=True):
        sim.run(result.action)
        replayed = session.replay(stop)
        assert replayed.now == stop.t
        assert replayed.frame() == sim.frame(), stop
    assert session.replay(failure).frame() == session.replay(failure).frame()


def test_first_failure_replay_has_started_the_blamed_command():
    missed = []
    for exercise_id, bad in BAD:
        session = typed(exercise_id, bad.script)
        first = min(session.grade_now().failed, key=lambda c: c.t)
        sim = session.replay(session.first_failure_stop())
        begun = [r.action.line for r in sim.results] + ([sim.current.line] if sim.busy else [])
        if first.line not in begun:
            missed.append(f"{exercise_id}:{bad.id}")
    assert missed == []


# --- 7: the demo ----------------------------------------------------------------------------
@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_play_solution_queues_the_reference_numbered_from_one(exercise_id):
    exercise = EXERCISES[exercise_id]
    session = typed(exercise_id, "status\nstatus")
    session.play_solution()
    expected = [(a.verb, a.args) for a in exercise.parse(exercise.solution).actions]
    assert [(a.verb, a.args) for a in session.pending] == expected
    assert [a.line for a in session.pending] == list(range(1, len(expected) + 1))
    assert session.pending == list(solution_actions(exercise))
    assert session.demo and session.actions == ()
    assert session.frame() == PracticeSession(exercise).frame()
    while session.pending:
        session.begin(session.next_pending())
        finish(session)
    assert session.grade_now().passed


# --- 8, 9: efficiency and graded attempts ---------------------------------------------------
@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_efficiency_of_the_reference_matches_the_reference(exercise_id):
    session = typed(exercise_id, EXERCISES[exercise_id].solution)
    assert session.efficiency() == {}
    assert session.grade_now().passed
    eff = session.efficiency()
    assert eff["commands"] == eff["reference_commands"] == len(session.actions)
    assert eff["duration_s"] == eff["reference_duration_s"] > 0
    assert eff["instance_seconds"] == eff["reference_instance_seconds"]


def test_grading_mid_demo_drops_the_queued_commands():
    session = PracticeSession(EXERCISES["bluegreen"])
    session.play_solution()
    session.begin(session.next_pending())
    session.grade_now()
    assert session.pending == [] and session.next_pending() is None
    assert [a.line for a in session.actions] == [1]


def test_begin_after_grading_raises_and_leaves_the_attempt_alone():
    session = typed("bluegreen", "launch green 4 v102")
    result = session.grade_now()
    text = session.commands_text()
    with pytest.raises(RuntimeError):
        session.begin(session.parse("wait healthy green"))
    assert session.grade is result and session.commands_text() == text
    assert not session.busy


# --- 10: animation speed --------------------------------------------------------------------
def test_speed_starts_at_base_grows_and_is_capped():
    assert speed_after(0) == speeds.BASE_SPEED
    ramp = [speed_after(t / 2) for t in range(40)]
    assert all(a <= b for a, b in zip(ramp, ramp[1:], strict=False))
    assert speed_after(1.0) > speeds.BASE_SPEED
    assert speed_after(1000) == speeds.MAX_SPEED
