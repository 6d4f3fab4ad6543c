"""Grading speed (issue 9): grading each exercise's reference solution, on all three runs of the
same traffic the verdict stands on, within 100 ms of engine time.

For every exercise: the engine's time to run the reference from the start state to the end of
the run (Simulation, every action, finish) on each of the grader's seeds (`run_seeds`), added
up, and the whole `grade()` call (parse, the three runs, judging every criterion), as the
median CPU time of several runs, so other work on the machine does not skew the figures. The
judging overhead is shown as a ratio to the engine time measured in the same run.
"""

from __future__ import annotations

import statistics
import time

from lessons.exercises import load_exercises
from models.grading import grade, run_seeds

ROUNDS = 7
ENGINE_BUDGET_MS = 100.0


def _cpu_ms(work) -> float:
    start = time.process_time()
    work()
    return (time.process_time() - start) * 1000


def engine_ms(exercise) -> float:
    """CPU ms of the engine alone for one grade: the reference run on every grading seed."""
    actions = exercise.parse(exercise.solution).actions

    def run() -> None:
        for seed in run_seeds(exercise.seed):
            sim = exercise.new_simulation(seed)
            for action in actions:
                sim.run(action)
            sim.finish()

    return statistics.median(_cpu_ms(run) for _ in range(ROUNDS))


def grade_ms(exercise) -> float:
    return statistics.median(_cpu_ms(lambda: grade(exercise, exercise.solution))
                             for _ in range(ROUNDS))


def main() -> bool:
    met = True
    for exercise in load_exercises().values():
        engine, whole = engine_ms(exercise), grade_ms(exercise)
        ok = engine < ENGINE_BUDGET_MS
        met = met and ok
        print(f"grade {exercise.id:<22} engine, 3 runs {engine:6.1f} ms (target < "
              f"{ENGINE_BUDGET_MS:g}: "
              f"{'PASS' if ok else 'FAIL'})  whole grade {whole:6.1f} ms = "
              f"{whole / engine if engine else float('nan'):.2f}x engine")
    return met


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
