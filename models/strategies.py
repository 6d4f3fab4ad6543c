"""Deployment strategies as scripts of practice-language actions (generators that see results).

Each script yields `Action`s, receives each `ActionResult`, and returns the outcome:
"succeeded", "rolled_back" or "failed".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator

from .actions import Action, ActionResult
from .engine import HOOK, Simulation
from .messages import Msg
from .params import SimParams
from .scenarios import BLUEGREEN, FLEET, IN_SERVER, Scenario

Script = Generator[Action, ActionResult, str]

SUCCEEDED, ROLLED_BACK, FAILED = "succeeded", "rolled_back", "failed"
CANARY_WEIGHTS = (25, 50, 100)
CANARY_PAUSE_S = 60.0


def act(text: str) -> Action:
    return Action.of(text)


def recreate(sc: Scenario, params: SimParams, batch: int = 0) -> Script:
    """Downtime deployment: take every server out, deploy, put them back."""
    yield act("deregister web")
    yield act("wait drained web")
    deployed = yield act(f"deploy web {sc.new_version}")
    if not deployed.ok:
        yield act(f"deploy web {sc.version}")
        yield act("register web")
        yield act("wait healthy web")
        return ROLLED_BACK
    yield act("register web")
    healthy = yield act("wait healthy web")
    return SUCCEEDED if healthy.ok else FAILED


def hook(name: str, hosts: list[str] | tuple[str, ...] = ()) -> Action:
    """A lifecycle event on `hosts` for the timeline (the engine logs it; it takes no time)."""
    return Action(HOOK, (name, *hosts))


def in_place(sc: Scenario, params: SimParams, batch: int = 2) -> Script:
    """CodeDeploy in-place behind a load balancer: batch after batch, the hosts of a batch in
    parallel, each through BlockTraffic → ApplicationStop … ValidateService → AllowTraffic.

    `batch` is the fleet minus the minimum healthy hosts: none left to take out (HalfAtATime on
    one server) fails at once, touching nothing. A failed batch stops the deployment; rollback is
    a new deployment of the last good revision to every instance, rolled out the same way.
    """
    names = [f"web-{i}" for i in range(1, sc.servers + 1)]
    if batch < 1:
        yield hook("MinimumHealthyHostsNotMet")
        return FAILED
    in_service = set(names)
    if (yield from _roll_out(names, batch, sc.new_version, in_service)):
        return SUCCEEDED
    yield hook("Rollback")
    if (yield from _roll_out(names, batch, sc.version, in_service)):
        return ROLLED_BACK
    return FAILED


def _roll_out(names: list[str], batch: int, version: str,
              in_service: set[str]) -> Generator[Action, ActionResult, bool]:
    """One in-place deployment of `version`; False at the first batch that fails (the next
    batches are not started). `in_service` tracks which hosts are registered."""
    for start in range(0, len(names), batch):
        group = names[start:start + batch]
        targets = " ".join(group)
        yield hook("BeforeBlockTraffic", group)
        yield hook("BlockTraffic", group)
        blocked = [n for n in group if n in in_service]
        if blocked:
            yield act(f"deregister {' '.join(blocked)}")
            yield act(f"wait drained {' '.join(blocked)}")
            in_service.difference_update(blocked)
        yield hook("AfterBlockTraffic", group)
        if not (yield act(f"deploy {targets} {version}")).ok:
            return False
        yield hook("BeforeAllowTraffic", group)
        yield hook("AllowTraffic", group)
        yield act(f"register {targets}")
        in_service.update(group)
        if not (yield act(f"wait healthy {targets}")).ok:
            return False
        yield hook("AfterAllowTraffic", group)
    return True


def probes(report: ActionResult) -> list[str]:
    """The probe result of each line of a `health` report ("probe_ok", "probe_500", ...).

    Read from the message keys, not the rendered text, so that no version name (v200) can
    pass for an answer.
    """
    keys = []
    for line in report.lines:
        probe = dict(line.params).get("probe")
        keys.append(probe.key if isinstance(probe, Msg) else "")
    return keys


def all_answer_200(report: ActionResult) -> bool:
    found = probes(report)
    return report.ok and bool(found) and all(key == "probe_ok" for key in found)


def validate(target: str, params: SimParams) -> Generator[Action, ActionResult, bool]:
    """ValidateService: probe until every host answers 200, `params.probe_every_s` apart, at most
    `params.validate_tries` times; an HTTP 500 fails at once (the app is up, and broken)."""
    for attempt in range(params.validate_tries):
        report = yield act(f"health {target}")
        if all_answer_200(report):
            return True
        if "probe_500" in probes(report):
            return False
        if attempt + 1 < params.validate_tries:
            yield act(f"wait {params.probe_every_s:g}")
    return False


def blue_green(sc: Scenario, params: SimParams, batch: int = 0) -> Script:
    """Server-level blue/green: green as large as blue, checked, registered, then blue retired."""
    yield act(f"launch green {sc.servers} {sc.new_version}")
    checked = yield from validate("green", params)  # ValidateService before AllowTraffic
    registered = checked
    if checked:
        yield act("register green")
        checked = (yield act("wait healthy green")).ok
    if not checked:
        if registered:
            yield act("deregister green")
            yield act("wait drained green")
        yield act("terminate green")
        return ROLLED_BACK
    yield act("deregister blue")
    yield act("wait drained blue")
    yield act("terminate blue")
    return SUCCEEDED


def in_server(sc: Scenario, params: SimParams, batch: int = 0) -> Script:
    """The nginx recipe: start on the idle slot, check it, switch with a graceful reload."""
    yield act(f"start web-1:8082 {sc.new_version}")
    pause = act(f"wait {params.probe_every_s:g}")
    yield pause
    for attempt in range(params.probe_tries):
        report = yield act("health web-1:8082")
        if all_answer_200(report):
            if (yield act("switch web-1 8082")).ok:
                return SUCCEEDED
            break  # nginx refused the new configuration: it still sends to the old slot
        if attempt + 1 < params.probe_tries:
            yield pause
    yield act("stop web-1:8082")  # nginx untouched; v101 keeps serving
    return ROLLED_BACK


def canary(sc: Scenario, params: SimParams, batch: int = 0) -> Script:
    """Argo-style canary without a traffic router: weights become replica counts, rounded up."""
    canaries = 0
    for weight in CANARY_WEIGHTS:
        want = math.ceil(sc.servers * weight / 100)
        new = want - canaries
        if new > 0:
            first = canaries + 1
            yield act(f"launch green {new} {sc.new_version}")
            names = [f"green-{i}" for i in range(first, want + 1)]
            healthy = True
            for name in names:
                healthy = (yield from validate(name, params)) and healthy
            if healthy:
                for name in names:
                    yield act(f"register {name}")
                for name in names:
                    healthy = (yield act(f"wait healthy {name}")).ok and healthy
            if not healthy:
                return (yield from _abort_canary(sc, canaries))
            retire = [f"blue-{i}" for i in range(first, want + 1)]
            for name in retire:
                yield act(f"deregister {name}")
            for name in retire:
                yield act(f"wait drained {name}")
            for name in retire:
                yield act(f"terminate {name}")
            canaries = want
        if weight < 100:
            yield act(f"wait {CANARY_PAUSE_S:g}")
    return SUCCEEDED


def _abort_canary(sc: Scenario, retired: int) -> Script:
    """Abort: stable back to full size first, then the canaries go."""
    if retired:
        yield act(f"launch blue {retired} {sc.version}")
        yield act("register blue")
        yield act("wait healthy blue")
    yield act("deregister green")
    yield act("wait drained green")
    yield act("terminate green")
    return ROLLED_BACK


# name -> (script, the start state it needs)
STRATEGIES: dict[str, tuple[Callable[..., Script], str]] = {
    "recreate": (recreate, FLEET),
    "in-place": (in_place, FLEET),
    "blue-green": (blue_green, BLUEGREEN),
    "in-server": (in_server, IN_SERVER),
    "canary": (canary, BLUEGREEN),
}


def run_script(sim: Simulation, script: Script) -> str:
    """Drive a script to its end on `sim`; returns the outcome."""
    try:
        action = next(script)
        while True:
            action = script.send(sim.run(action))
    except StopIteration as stop:
        return stop.value or SUCCEEDED
