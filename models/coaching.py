"""Live coaching: what the command just run did to users, judged on the run so far.

The practice console marks each command (and the one running) by the exercise's own criteria,
as models/grading.py judges them, applied to the live run without finishing it:
✓ nothing broke; ⚠ a rule is at risk now, or broke while no request has failed yet, with the
reason; ✗ requests failed since the command began, with the count and the cause. A ✓ is never
given to a command during which a request failed. `focus` says which criterion a hint should
address now: the first at risk or failed, else the first not yet met. Pure: it reads the
simulation and returns `Msg`s (the catalogue's `coach` table).
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine import Simulation
from .exercises import CAPACITY, CRITERIA, ZERO_DOWNTIME, Exercise
from .grading import END_STATE_CRITERIA, CriterionResult, cause_note, judge_so_far
from .loadbalancer import DRAINING, INITIAL, UNHEALTHY
from .messages import Msg

OK, RISK, FAILING = "ok", "risk", "failing"
SYMBOLS = {OK: "✓", RISK: "⚠", FAILING: "✗"}
# A target state's phrase when a whole group is in it, and when only some of it is.
STATE_PHRASES = {INITIAL: ("group_initial", "some_initial"),
                 DRAINING: ("group_draining", "some_draining"),
                 UNHEALTHY: ("group_unhealthy", "some_unhealthy")}


def note(key: str, **params: object) -> Msg:
    return Msg(key, tuple(params.items()), "coach")


@dataclass(frozen=True)
class Checkpoint:
    """The run when a command began: failed requests by cause, criteria already broken."""

    t: float
    failed: tuple[tuple[str, int], ...]
    broken: tuple[str, ...]


@dataclass(frozen=True)
class Coaching:
    """A command's mark: its level, the reasons (empty for ✓), the criterion it is about, and
    how many requests failed since the command began."""

    level: str
    reasons: tuple[Msg, ...] = ()
    criterion: str | None = None
    failed: int = 0

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.level]


def _failed_by_cause(sim: Simulation) -> dict[str, int]:
    counts: dict[str, int] = {}
    for failure in sim.metrics.failures.values():
        counts[failure.cause] = counts.get(failure.cause, 0) + failure.count
    return counts


def _broken(results: tuple[CriterionResult, ...]) -> tuple[str, ...]:
    return tuple(r.id for r in results if not r.passed and r.id not in END_STATE_CRITERIA)


def checkpoint(exercise: Exercise, sim: Simulation) -> Checkpoint:
    """Where the run stands before a command, to judge what the command did."""
    return Checkpoint(sim.now, tuple(sorted(_failed_by_cause(sim).items())),
                      _broken(judge_so_far(exercise, sim)))


def _target_name(target) -> str:
    inst = target.instance
    if inst.slots is not None and inst.live_port:
        return f"{inst.name}:{inst.live_port}"
    return inst.name


def risks_now(exercise: Exercise, sim: Simulation) -> list[tuple[str, Msg]]:
    """What puts users at risk at this instant, each with the criterion it threatens."""
    ids = [spec.id for spec in exercise.criteria]
    users = ZERO_DOWNTIME if ZERO_DOWNTIME in ids else (ids[0] if ids else ZERO_DOWNTIME)
    lb = sim.lb
    routable = lb.routable
    if not routable:
        groups: dict[str, dict[str, int]] = {}
        sizes: dict[str, int] = {}
        for target in lb.targets.values():
            group = target.instance.group
            sizes[group] = sizes.get(group, 0) + 1
            states = groups.setdefault(group, {})
            states[target.state] = states.get(target.state, 0) + 1
        parts = []
        for group, states in groups.items():
            for state, count in states.items():
                if state not in STATE_PHRASES:
                    continue
                whole, some = STATE_PHRASES[state]
                parts.append(note(whole if count == sizes[group] else some,
                                  group=group, count=count))
        if parts:
            states = note("both", first=parts[0], second=parts[1]) if len(parts) == 2 \
                else tuple(parts)
            return [(users, note("no_healthy_target", states=states))]
        return [(users, note("no_target"))]
    risks: list[tuple[str, Msg]] = []
    down = [_target_name(t) for t in routable
            if (proc := t.instance.serving_process()) is None or not proc.answers]
    if down:
        risks.append((users, note("routed_to_down", names=", ".join(down))))
    broken = [_target_name(t) for t in routable
              if (proc := t.instance.serving_process()) is not None and proc.answers
              and not proc.good]
    if broken:
        risks.append((users, note("routed_to_500", names=", ".join(broken))))
    for spec in exercise.criteria:
        if spec.id == CAPACITY and len(routable) < spec.min_serving:
            risks.append((CAPACITY, note("below_capacity", serving=len(routable),
                                         need=spec.min_serving)))
    return risks


def _rank(criterion_id: str) -> int:
    return CRITERIA.index(criterion_id) if criterion_id in CRITERIA else len(CRITERIA)


def coach(exercise: Exercise, sim: Simulation, since: Checkpoint) -> Coaching:
    """The mark of the command that began at `since`, on the run as it stands now."""
    results = judge_so_far(exercise, sim)
    risks = risks_now(exercise, sim)
    before = dict(since.failed)
    new = {cause: count - before.get(cause, 0) for cause, count in _failed_by_cause(sim).items()}
    new = {cause: count for cause, count in new.items() if count > 0}
    if new:
        failed = sum(new.values())
        cause = max(new, key=lambda c: (new[c], c))
        reasons = (note("failing", count=failed, cause=cause_note(cause)),
                   *(msg for _, msg in risks[:1]))
        criterion = ZERO_DOWNTIME if any(s.id == ZERO_DOWNTIME for s in exercise.criteria) \
            else next((r.id for r in results if not r.passed), None)
        return Coaching(FAILING, reasons, criterion, failed)
    risk_ids = {criterion for criterion, _ in risks}
    if any(m.key in ("no_target", "no_healthy_target") for _, m in risks):
        risk_ids.add(CAPACITY)  # with nothing to route to, the capacity shortfall is the same story
    newly = [r for r in results if r.id in _broken(results) and r.id not in since.broken
             and r.id not in risk_ids]
    if risks or newly:
        reasons = tuple(msg for _, msg in risks[:2]) + tuple(r.note for r in newly)
        criterion = min([c for c, _ in risks] + [r.id for r in newly], key=_rank)
        return Coaching(RISK, reasons, criterion)
    return Coaching(OK)


def focus(exercise: Exercise, sim: Simulation) -> str | None:
    """The criterion a hint should be about now: before any command, the exercise's first;
    then the first (in grading order) failed so far or at risk now; else the first end-state
    criterion not yet met; else the exercise's first."""
    if not exercise.criteria:
        return None
    if not sim.results and sim.current is None:
        return exercise.criteria[0].id
    results = judge_so_far(exercise, sim)
    at_risk = {criterion for criterion, _ in risks_now(exercise, sim)}
    for result in results:
        if result.id not in END_STATE_CRITERIA and (not result.passed or result.id in at_risk):
            return result.id
    for result in results:
        if result.id in END_STATE_CRITERIA and not result.passed:
            return result.id
    return exercise.criteria[0].id


__all__ = ["Checkpoint", "Coaching", "OK", "RISK", "FAILING", "SYMBOLS", "checkpoint", "coach",
           "focus", "risks_now"]
