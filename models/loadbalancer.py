"""An ALB-like load balancer: round robin over registered healthy targets, health checks, drains."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .cluster import ALB_CHECK, RUNNING, TERMINATED, Check, Instance

if TYPE_CHECKING:
    import simpy

    from .params import SimParams

# AWS target health states.
INITIAL, HEALTHY, UNHEALTHY, DRAINING, UNUSED = (
    "initial", "healthy", "unhealthy", "draining", "unused")


class Target:
    """One registration of an instance in the target group."""

    __slots__ = ("instance", "state", "passes", "fails", "registered_line", "active")

    def __init__(self, instance: Instance, line: int | None):
        self.instance = instance
        self.state = INITIAL
        self.passes = 0
        self.fails = 0
        self.registered_line = line
        self.active = True  # False once deregistration finished or was superseded


def probe(instance: Instance) -> tuple[bool, str]:
    """An HTTP health check on the host as a client sees it: (passed, why)."""
    if instance.state == TERMINATED:
        return False, "timeout"
    proc = instance.serving_process()
    if proc is None or not proc.alive:
        return False, "down"
    if proc.state != RUNNING:
        return False, "starting"
    return (True, "200") if proc.good else (False, "500")


class LoadBalancer:
    """Routes requests and keeps target health; calls `on_change` whenever routing changes."""

    def __init__(self, env: simpy.Environment, params: SimParams, jitter: Callable[[], float],
                 on_change: Callable[[], None], log: Callable[..., None],
                 on_cut: Callable[[int, int | None], None] | None = None):
        self.env = env
        self.params = params
        self.jitter = jitter
        self.on_change = on_change
        self.log = log
        self.on_cut = on_cut  # requests failed by the load balancer itself (drain delay over)
        self.targets: dict[str, Target] = {}
        self.routable: list[Target] = []
        self.fail_open = False
        self._rr = 0
        # Which attempt line last took routing capacity away (for failure attribution).
        self.last_removal_line: int | None = None

    # --- routing -------------------------------------------------------------------------
    def pick(self) -> Target | None:
        routable = self.routable
        if not routable:
            return None
        self._rr = (self._rr + 1) % len(routable)
        return routable[self._rr]

    def rebuild(self) -> None:
        live = [t for t in self.targets.values() if t.state != DRAINING]
        healthy = [t for t in live if t.state == HEALTHY]
        self.fail_open = not healthy and bool(live) and all(t.state == UNHEALTHY for t in live)
        self.routable = live if self.fail_open else healthy
        self.on_change()

    def state_of(self, name: str) -> str:
        target = self.targets.get(name)
        return target.state if target else UNUSED

    # --- registration --------------------------------------------------------------------
    def register(self, instance: Instance, line: int | None,
                 initially_healthy: bool = False) -> bool:
        old = self.targets.get(instance.name)
        if old is not None and old.state != DRAINING:
            return False
        if old is not None:
            old.active = False  # re-registering cancels the drain
        target = Target(instance, line)
        if initially_healthy:
            target.state, target.passes = HEALTHY, self.params.health.healthy_threshold
        self.targets[instance.name] = target
        self.env.process(self._health_loop(target))
        self.log("register", instance.name, "", line)
        self.rebuild()
        return True

    def deregister(self, name: str, line: int | None) -> bool:
        target = self.targets.get(name)
        if target is None or target.state == DRAINING:
            return False
        target.state = DRAINING
        self.last_removal_line = line
        self.log("draining", name, "", line)
        self.rebuild()
        self.env.process(self._drain(target, line))
        return True

    def _drain(self, target: Target, line: int | None):
        env = self.env
        done = env.event()
        proc = target.instance.serving_process()
        if proc is not None:
            proc.when_idle(lambda: done.triggered or done.succeed())
        else:
            done.succeed()
        yield done | env.timeout(self.params.deregistration_delay_s)
        if not target.active:
            return
        target.active = False
        if self.targets.get(target.instance.name) is target:
            del self.targets[target.instance.name]
        cut = 0
        if proc is not None and proc.in_flight:
            cut = proc.abandon()  # the delay ran out; ALB closes what is left
            if self.on_cut is not None:
                self.on_cut(cut, line)
        self.log("drained", target.instance.name, f"cut={cut}" if cut else "", line)
        self.rebuild()

    # --- health checks -------------------------------------------------------------------
    def _health_loop(self, target: Target):
        env, hc = self.env, self.params.health
        # The first check comes a moment after registration, not exactly on it.
        yield env.timeout(self.jitter())
        while target.active and target.state != DRAINING:
            passed, why = probe(target.instance)
            if not passed and why == "timeout":
                yield env.timeout(hc.timeout_s)
                if not target.active or target.state == DRAINING:
                    return
            target.instance.last_check = Check(env.now, why, ALB_CHECK)
            self._count(target, passed, why)
            yield env.timeout(hc.interval_s)

    def _count(self, target: Target, passed: bool, why: str) -> None:
        hc = self.params.health
        before = target.state
        if passed:
            target.fails = 0
            target.passes += 1
            # A new target needs one passing check; one that had become unhealthy needs the
            # healthy threshold in a row (AWS ALB).
            if target.state == INITIAL or (target.state == UNHEALTHY
                                           and target.passes >= hc.healthy_threshold):
                target.state = HEALTHY
        else:
            target.passes = 0
            target.fails += 1
            if target.state != UNHEALTHY and target.fails >= hc.unhealthy_threshold:
                target.state = UNHEALTHY
                self.last_removal_line = target.instance.stopped_line
        if target.state != before:
            self.log(target.state, target.instance.name, why, None)
            self.rebuild()
            if target.state == UNHEALTHY and target.instance.state == TERMINATED:
                # A terminated instance leaves the target group once found unhealthy.
                target.active = False
                del self.targets[target.instance.name]
                self.rebuild()
