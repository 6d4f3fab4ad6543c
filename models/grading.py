"""Grading a practice attempt: run it on the engine, then judge the whole run, not just the end.

`grade` parses and runs an attempt from the exercise's start state; `grade_run` judges a
simulation that was already driven (the practice console runs commands one at a time on a live
`Simulation` and grades that same run when the learner is done). Every failed criterion names
the simulated time and the attempt line whose action caused it. Messages render in ko or en.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .actions import Action
from .engine import Simulation
from .exercises import (
    CAPACITY,
    CLEANUP,
    CRITERIA,
    GOAL,
    NO_GREEN_TRAFFIC,
    ORDER,
    ZERO_DOWNTIME,
    CriterionSpec,
    Exercise,
)
from .messages import Msg

# Hazard events the engine logs (see Simulation._kill and _do_switch) that break `order`.
UNSAFE_STOP, SWITCH = "unsafe_stop", "switch"
BAD_SWITCHES = ("unchecked", "empty")
DOWN, HTTP_500 = "down", "http_500"
# Criteria about where the run ended rather than how it got there.
END_STATE_CRITERIA = (GOAL, CLEANUP)

GRADE_TEMPLATES: dict[str, dict[str, str]] = {
    # Where something happened: the attempt line (and its command), or only the time.
    "step_line": {"en": "line {line} ({command})", "ko": "{line}번째 줄({command})"},
    "step_time": {"en": "the command at {t} s", "ko": "{t}초의 명령"},
    "step_none": {"en": "the start state", "ko": "시작 상태"},
    "when_step": {"en": "at {t} s, after {step}", "ko": "{t}초, {step} 직후"},
    "when_time": {"en": "at {t} s", "ko": "{t}초"},
    # zero-downtime
    "zero_downtime_ok": {
        "en": "No request failed: all {requests} got an answer.",
        "ko": "실패한 요청이 없습니다. 요청 {requests}건이 모두 응답을 받았습니다.",
    },
    "zero_downtime_failed": {
        "en": "{failed} of {requests} requests failed; the first {when}. {cause}",
        "ko": "요청 {requests}건 중 {failed}건이 실패했습니다. 첫 실패: {when}. {cause}",
    },
    "cause_no_target": {"en": "No server was in service to take it.",
                        "ko": "요청을 받을 서버가 하나도 없었습니다."},
    "cause_down": {"en": "It reached a server whose app was not running.",
                   "ko": "앱이 실행되고 있지 않은 서버로 요청이 갔습니다."},
    "cause_cut": {"en": "It was cut off mid-flight when its server's app was stopped.",
                  "ko": "처리 중이던 요청이 서버의 앱이 멈추면서 끊겼습니다."},
    "cause_http_500": {"en": "The new build answered it with HTTP 500.",
                       "ko": "새 빌드가 HTTP 500 오류로 응답했습니다."},
    "cause_other": {"en": "The request failed ({cause}).", "ko": "요청이 실패했습니다({cause})."},
    # capacity
    "capacity_ok": {"en": "The targets in service never fell below {need} (fewest: {least}).",
                    "ko": "어느 순간에도 {need}대 이상이 서비스했습니다(가장 적을 때 {least}대)."},
    "capacity_failed": {
        "en": "The targets in service fell to {serving} {when}; this exercise needs at least "
              "{need} at every moment.",
        "ko": "{when}에 서비스 중인 대상이 {serving}대로 줄었습니다. 이 실습은 어느 순간에도 "
              "{need}대 이상이 서비스해야 합니다.",
    },
    # order
    "order_ok": {"en": "Every server was out of the load balancer and drained before it stopped.",
                 "ko": "모든 서버를 로드 밸런서에서 빼고 드레이닝이 끝난 뒤에 멈췄습니다."},
    "order_ok_slots": {
        "en": "nginx only ever switched to a slot that had passed a health check, and the live "
              "slot was never stopped.",
        "ko": "nginx는 상태 검사를 통과한 슬롯으로만 전환했고, 라이브 슬롯은 한 번도 멈추지 "
              "않았습니다.",
    },
    "order_serving": {
        "en": "At {step}, {target} was stopped while it was still registered with the load "
              "balancer. Deregister it and wait until it has drained first.",
        "ko": "{step}에서 로드 밸런서에 아직 등록되어 있던 {target} 서버를 멈췄습니다. 먼저 "
              "등록을 해제하고 드레이닝이 끝날 때까지 기다리세요.",
    },
    "order_draining": {
        "en": "At {step}, {target} was stopped while it was still draining. Wait until it has "
              "drained (wait drained) before you stop it.",
        "ko": "{step}에서 아직 드레이닝 중이던 {target} 서버를 멈췄습니다. 처리 중인 요청이 "
              "끝날 때까지(wait drained) 기다린 뒤에 멈추세요.",
    },
    "order_live": {
        "en": "At {step}, {target} was stopped while nginx was sending traffic to it. Switch "
              "nginx to the other slot first.",
        "ko": "{step}에서 nginx가 트래픽을 보내고 있던 {target} 슬롯을 멈췄습니다. 먼저 nginx를 "
              "다른 슬롯으로 전환하세요.",
    },
    "order_unchecked": {
        "en": "At {step}, nginx was switched to {target} before a health check had passed "
              "there. Check that the new process answers first.",
        "ko": "{step}에서 상태 검사를 통과하기도 전에 nginx를 {target} 슬롯으로 전환했습니다. "
              "새 프로세스가 응답하는지 먼저 확인하세요.",
    },
    "order_empty": {
        "en": "At {step}, nginx was switched to {target}, where no app was running.",
        "ko": "{step}에서 아무 앱도 실행되지 않는 {target} 슬롯으로 nginx를 전환했습니다.",
    },
    # goal
    "goal_ok": {"en": "When the attempt ended, only {version}{in_group} was receiving traffic "
                      "({count} serving).",
                "ko": "시도가 끝났을 때 트래픽을 받는 대상은 {in_group}{version} 버전뿐이었습니다"
                      "({count}대)."},
    "goal_failed": {
        "en": "After {step}, where the attempt ended, the load balancer was sending traffic to "
              "{serving}. The goal is {version} on every serving target{in_group}, at least {need} "
              "of them.",
        "ko": "시도의 마지막인 {step} 뒤에 로드 밸런서는 {serving}에 트래픽을 보내고 "
              "있었습니다. 목표는 {in_group}{need}대 이상이 {version} 버전으로 서비스하는 "
              "것입니다.",
    },
    "goal_failed_nothing": {
        "en": "After {step}, where the attempt ended, the load balancer had no target to send "
              "traffic to. The goal is {version} on every serving target{in_group}, at least "
              "{need} of them.",
        "ko": "시도의 마지막인 {step} 뒤에 로드 밸런서가 트래픽을 보낼 대상이 하나도 "
              "없었습니다. 목표는 {in_group}{need}대 이상이 {version} 버전으로 서비스하는 "
              "것입니다.",
    },
    "in_group": {"en": " in {group}", "ko": "{group} 그룹의 "},
    "serving_part": {"en": "{group} ×{count} ({version})", "ko": "{group} {count}대({version})"},
    "label_down": {"en": "not answering", "ko": "응답 없음"},
    "label_500": {"en": "answering HTTP 500", "ko": "HTTP 500 응답"},
    # cleanup
    "cleanup_ok": {"en": "Nothing was left behind: no instance of {groups} was running at the end.",
                   "ko": "정리까지 끝났습니다. 마지막에 {groups} 그룹에는 실행 중인 인스턴스가 "
                         "없었습니다."},
    "cleanup_failed": {
        "en": "After {step}, where the attempt ended, these were still running: {names}. "
              "Terminate what you no longer need once it gets no traffic.",
        "ko": "시도의 마지막인 {step} 뒤에도 {names} 인스턴스가 아직 실행 중이었습니다. 더는 "
              "필요 없는 인스턴스는 트래픽을 받지 않게 된 뒤에 종료(terminate)하세요.",
    },
    # no-green-traffic
    "no_green_ok": {"en": "No user was ever sent to {group}.",
                    "ko": "사용자 요청은 한 번도 {group} 그룹으로 가지 않았습니다."},
    "no_green_failed": {
        "en": "From {t} s the load balancer could send users to {group}, registered at {step}. "
              "Users must never reach a build that fails its health checks.",
        "ko": "{t}초부터 로드 밸런서가 사용자를 {group} 그룹으로 보낼 수 있었습니다. {group} "
              "그룹은 {step}에서 등록되었습니다. 상태 검사에 실패하는 빌드에는 사용자가 절대 "
              "닿으면 안 됩니다.",
    },
    # the verdict
    "summary_passed": {"en": "Passed with {score}/100: every criterion is met.",
                       "ko": "통과했습니다. 모든 기준을 충족했습니다({score}/100점)."},
    "summary_failed": {
        "en": "Not passed: {failed} of {total} criteria failed ({ids}). Score {score}/100.",
        "ko": "아직 통과하지 못했습니다. 기준 {total}개 중 {failed}개를 충족하지 못했습니다"
              "({ids}). 점수 {score}/100점.",
    },
    "mark_pass": {"en": "PASS", "ko": "통과"},
    "mark_fail": {"en": "FAIL", "ko": "실패"},
    "list_sep": {"en": ", ", "ko": ", "},
}

CRITERION_LABELS: dict[str, dict[str, str]] = {
    ZERO_DOWNTIME: {"en": "zero downtime", "ko": "무중단"},
    CAPACITY: {"en": "capacity", "ko": "서비스 용량"},
    ORDER: {"en": "safe order", "ko": "안전한 순서"},
    GOAL: {"en": "goal state", "ko": "목표 상태"},
    CLEANUP: {"en": "clean-up", "ko": "정리"},
    NO_GREEN_TRAFFIC: {"en": "no users on green", "ko": "그린에 사용자 없음"},
}


@dataclass(frozen=True)
class Note:
    """A grading message: a key with parameters (plain values, `Note`s or engine `Msg`s)."""

    key: str
    params: tuple[tuple[str, object], ...] = ()

    @staticmethod
    def of(key: str, **params: object) -> Note:
        return Note(key, tuple(params.items()))

    def render(self, lang: str = "en") -> str:
        template = GRADE_TEMPLATES[self.key].get(lang) or GRADE_TEMPLATES[self.key]["en"]
        return template.format(**{k: _render(v, lang) for k, v in self.params})


def _render(value: object, lang: str) -> object:
    if isinstance(value, Note | Msg):
        return value.render(lang)
    if isinstance(value, tuple):  # a list of parts, in the language's own way of listing
        sep = GRADE_TEMPLATES["list_sep"].get(lang) or ", "
        return sep.join(str(_render(v, lang)) for v in value)
    return value


def criterion_label(criterion_id: str, lang: str = "en") -> str:
    """A criterion's short name for people (the id stays the same in every language)."""
    labels = CRITERION_LABELS.get(criterion_id, {})
    return labels.get(lang) or labels.get("en") or criterion_id


@dataclass(frozen=True)
class CriterionResult:
    """How one criterion went: on failure, when (`t`, simulated s) and which attempt `line`."""

    id: str
    passed: bool
    note: Note
    t: float | None = None
    line: int | None = None
    weight: int = 1

    def message(self, lang: str = "en") -> str:
        return self.note.render(lang)

    def as_dict(self, lang: str = "en") -> dict:
        return {"id": self.id, "passed": self.passed, "message": self.message(lang),
                "t": None if self.t is None else round(self.t, 3), "line": self.line}


@dataclass(frozen=True)
class Grade:
    """A graded attempt: the verdict, each criterion, and what the run measured."""

    exercise: str
    seed: int
    passed: bool
    score: int
    criteria: tuple[CriterionResult, ...]
    actions: tuple[Action, ...]
    facts: dict
    errors: tuple[tuple[int | None, Msg], ...]  # commands that could not run, with their line
    lang: str = "en"

    def criterion(self, criterion_id: str) -> CriterionResult:
        for result in self.criteria:
            if result.id == criterion_id:
                return result
        raise KeyError(criterion_id)

    @property
    def failed(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if not c.passed)

    def command(self, line: int | None) -> str | None:
        """The attempt's command on `line` (to highlight it next to a failed criterion)."""
        for action in self.actions:
            if action.line == line:
                return action.text()
        return None

    def summary_text(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        if self.passed:
            return Note.of("summary_passed", score=self.score).render(lang)
        return Note.of("summary_failed", failed=len(self.failed), total=len(self.criteria),
                       ids=", ".join(criterion_label(c.id, lang) for c in self.failed),
                       score=self.score).render(lang)

    def summary(self, lang: str | None = None) -> dict:
        lang = lang or self.lang
        errors = [{"line": line, "message": message.render(lang)} for line, message in self.errors]
        return {"text": self.summary_text(lang), **self.facts, "errors": errors}

    def as_dict(self, lang: str | None = None) -> dict:
        """The `deploylab grade --json` object."""
        lang = lang or self.lang
        return {"exercise": self.exercise, "passed": self.passed, "score": self.score,
                "criteria": [c.as_dict(lang) for c in self.criteria],
                "summary": self.summary(lang)}


# --- grading -----------------------------------------------------------------------------
def grade(exercise: Exercise, attempt: str | Sequence[Action], seed: int | None = None,
          lang: str = "en") -> Grade:
    """Run an attempt (text, checked whole first, or parsed actions) from the start state, grade it.

    Raises `ParseError` for bad text; nothing runs then.
    """
    actions = exercise.parse(attempt).actions if isinstance(attempt, str) else tuple(attempt)
    sim = exercise.new_simulation(seed)
    for action in actions:
        sim.run(action)
    return grade_run(exercise, sim, lang)


def grade_run(exercise: Exercise, sim: Simulation, lang: str = "en") -> Grade:
    """Grade a simulation that was driven command by command (the practice console's run).

    A command still running is run to its end first. The end state is read where the attempt
    ended; then the run is finished (traffic stops, in-flight requests settle) and the criteria
    are judged over the whole run. The simulation is finished afterwards: grade it once.
    """
    if sim.busy:
        sim.run_current()
    actions = tuple(r.action for r in sim.results)
    end = _EndState.of(sim, actions)
    if sim.metrics.window_end is None:
        sim.finish()
    judge = _Judge(sim, actions, end)
    results = tuple(judge.criterion(spec) for spec in _ordered(exercise.criteria))
    total = sum(r.weight for r in results) or 1
    score = round(100 * sum(r.weight for r in results if r.passed) / total)
    passed = all(r.passed for r in results)
    errors = tuple((r.action.line, r.message) for r in sim.results if not r.ok)
    facts = _facts(exercise, sim, actions)
    return Grade(exercise.id, sim.seed, passed, score, results, actions, facts, errors, lang)


def goal_reached(exercise: Exercise, sim: Simulation) -> bool:
    """Whether the live run is in the exercise's end state now (goal and clean-up met).

    Reads the simulation without changing it, so practice mode can offer to grade as soon as
    the learner gets there.
    """
    actions = tuple(r.action for r in sim.results)
    judge = _Judge(sim, actions, _EndState.of(sim, actions))
    return all(judge.criterion(spec).passed for spec in exercise.criteria
               if spec.id in END_STATE_CRITERIA)


def _ordered(specs: tuple[CriterionSpec, ...]) -> list[CriterionSpec]:
    return sorted(specs, key=lambda s: CRITERIA.index(s.id) if s.id in CRITERIA else len(CRITERIA))


def _facts(exercise: Exercise, sim: Simulation, actions: tuple[Action, ...]) -> dict:
    return {
        "seed": sim.seed,
        "commands": len(actions),
        "reference_commands": len(exercise.parse(exercise.solution).actions),
        **sim.summary(),
    }


@dataclass(frozen=True)
class _EndState:
    """What the load balancer served and what still ran when the attempt's last command ended."""

    t: float
    last_line: int | None
    last_command: str | None
    serving: tuple[tuple[str, str], ...]  # (group, label): a version, DOWN or HTTP_500
    alive: tuple[tuple[str, str], ...]  # (group, instance name)

    @staticmethod
    def of(sim: Simulation, actions: tuple[Action, ...]) -> _EndState:
        serving = []
        for target in sim.lb.routable:
            inst = target.instance
            proc = inst.serving_process()
            if proc is None or not proc.answers:
                label = DOWN
            elif not proc.good:
                label = HTTP_500
            else:
                label = proc.version
            serving.append((inst.group, label))
        alive = tuple((i.group, i.name) for i in sim.instances.values() if i.alive)
        last = actions[-1] if actions else None
        return _EndState(sim.now, last.line if last else None, last.text() if last else None,
                         tuple(serving), alive)



class _Judge:
    """Evaluates criteria over one finished run."""

    def __init__(self, sim: Simulation, actions: tuple[Action, ...], end: _EndState):
        self.sim = sim
        self.metrics = sim.metrics
        self.end = end
        self.commands = {a.line: a.text() for a in actions if a.line is not None}

    def step(self, line: int | None, t: float | None = None) -> Note:
        if line is not None and line in self.commands:
            return Note.of("step_line", line=line, command=self.commands[line])
        if t is not None:
            return Note.of("step_time", t=f"{t:.1f}")
        return Note.of("step_none")

    def when(self, t: float, line: int | None) -> Note:
        if line is not None and line in self.commands:
            return Note.of("when_step", t=f"{t:.1f}", step=self.step(line))
        return Note.of("when_time", t=f"{t:.1f}")

    def end_step(self) -> Note:
        return self.step(self.end.last_line)

    def criterion(self, spec: CriterionSpec) -> CriterionResult:
        judge = getattr(self, "_" + spec.id.replace("-", "_"))
        passed, note, t, line = judge(spec)
        return CriterionResult(spec.id, passed, note, None if passed else t,
                               None if passed else line, spec.weight)

    # Each returns (passed, note, t, line).
    def _zero_downtime(self, spec: CriterionSpec):
        m = self.metrics
        if not m.failures:
            return True, Note.of("zero_downtime_ok", requests=m.requests), None, None
        first = min(m.failures.values(), key=lambda f: (f.first_t, f.line or 0))
        key = f"cause_{first.cause}"
        cause = Note.of(key) if key in GRADE_TEMPLATES else Note.of("cause_other",
                                                                    cause=first.cause)
        note = Note.of("zero_downtime_failed", failed=m.failed, requests=m.requests,
                       when=self.when(first.first_t, first.line), cause=cause)
        return False, note, first.first_t, first.line

    def _capacity(self, spec: CriterionSpec):
        need = spec.min_serving
        log = self.metrics.serving_log
        least = min((serving for _t, serving, _line in log), default=self.metrics.serving)
        for index, (t, serving, line) in enumerate(log):
            if serving < need:
                # A group command takes its targets out one by one at the same instant:
                # report how low that one command took capacity.
                for t2, serving2, line2 in log[index + 1:]:
                    if (t2, line2) != (t, line):
                        break
                    serving = min(serving, serving2)
                note = Note.of("capacity_failed", serving=serving, need=need,
                               when=self.when(t, line))
                return False, note, t, line
        return True, Note.of("capacity_ok", need=need, least=least), None, None

    def _order(self, spec: CriterionSpec):
        has_slots = any(i.slots is not None for i in self.sim.instances.values())
        for event in self.metrics.events:
            if event.kind == UNSAFE_STOP:
                key = f"order_{event.detail}"
            elif event.kind == SWITCH and event.detail in BAD_SWITCHES:
                key = f"order_{event.detail}"
            else:
                continue
            note = Note.of(key, step=self.step(event.line, event.t), target=event.target)
            return False, note, event.t, event.line
        return True, Note.of("order_ok_slots" if has_slots else "order_ok"), None, None

    def _goal(self, spec: CriterionSpec):
        end = self.end
        in_group = Note.of("in_group", group=spec.group) if spec.group else ""
        right = [1 for group, label in end.serving
                 if label == spec.version and (not spec.group or group == spec.group)]
        if len(right) == len(end.serving) and len(right) >= spec.serving:
            note = Note.of("goal_ok", count=len(right), in_group=in_group, version=spec.version)
            return True, note, None, None
        if not end.serving:
            note = Note.of("goal_failed_nothing", step=self.end_step(), need=spec.serving,
                           in_group=in_group, version=spec.version)
        else:
            note = Note.of("goal_failed", step=self.end_step(), serving=self._serving_list(),
                           need=spec.serving, in_group=in_group, version=spec.version)
        return False, note, end.t, end.last_line

    def _serving_list(self) -> tuple[Note, ...]:
        counts: dict[tuple[str, str], int] = {}
        for key in self.end.serving:
            counts[key] = counts.get(key, 0) + 1
        parts = []
        for (group, label), count in sorted(counts.items()):
            shown: object = label
            if label == DOWN:
                shown = Note.of("label_down")
            elif label == HTTP_500:
                shown = Note.of("label_500")
            parts.append(Note.of("serving_part", count=count, group=group, version=shown))
        return tuple(parts)

    def _cleanup(self, spec: CriterionSpec):
        left = [name for group, name in self.end.alive if group in spec.groups]
        if not left:
            return True, Note.of("cleanup_ok", groups=", ".join(spec.groups)), None, None
        note = Note.of("cleanup_failed", step=self.end_step(), names=", ".join(left))
        return False, note, self.end.t, self.end.last_line

    def _no_green_traffic(self, spec: CriterionSpec):
        first = self.metrics.first_routable.get(spec.group)
        if first is None:
            return True, Note.of("no_green_ok", group=spec.group), None, None
        t, line = first
        note = Note.of("no_green_failed", t=f"{t:.1f}", group=spec.group, step=self.step(line, t))
        return False, note, t, line


__all__ = ["Grade", "CriterionResult", "Note", "grade", "grade_run", "goal_reached",
           "criterion_label",
           "GRADE_TEMPLATES"]
