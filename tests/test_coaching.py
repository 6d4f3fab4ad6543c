"""Live coaching on the engine (no app): marks from the exercise's criteria on the run so far."""

from __future__ import annotations

from app.words import render
from lessons.exercises import load_exercises
from models.coaching import FAILING, OK, RISK, checkpoint, coach
from models.practice import parse_line

EXERCISES = load_exercises()


def marks(exercise_id: str, lines: list[str]):
    """Each line run in turn, with its coaching and its result."""
    exercise = EXERCISES[exercise_id]
    sim = exercise.new_simulation()
    done, out = (), []
    for number, text in enumerate(lines, 1):
        action = parse_line(text, exercise.scenario, done)._replace(line=number)
        since = checkpoint(exercise, sim)
        result = sim.run(action)
        done += (action,)
        out.append((coach(exercise, sim, since), result))
    return out


def test_switching_nginx_to_an_empty_slot_is_not_called_a_graceful_reload():
    (mark, result), = marks("bluegreen-in-server", ["switch web-1 8082"])
    assert result.message.key == "switched_empty"
    for lang in ("en", "ko"):
        said = render(result.message, lang)
        assert "graceful" not in said and "무중단" not in said
    assert mark.level in (RISK, FAILING)
    assert "web-1:8082" in " ".join(render(r, "en") for r in mark.reasons)


def test_a_wait_during_which_requests_fail_is_never_a_tick():
    out = marks("bluegreen", ["launch green 4 v102", "register green", "deregister blue",
                              "wait 30"])
    assert [mark.level for mark, _ in out] == [OK, OK, RISK, FAILING]
    assert out[3][0].failed > 0
