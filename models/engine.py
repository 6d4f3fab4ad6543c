"""The simulation engine: one simpy Environment, seeded traffic, the practice language's actions.

A `Simulation` starts from a `Scenario`, runs `Action`s one at a time (the UI may also `advance`
simulated time while an action runs) and hands out immutable `Frame`s. Same seed, same run.
"""

from __future__ import annotations

import random
from collections.abc import Generator

import simpy

from .actions import Action, ActionResult
from .cluster import (
    DEPLOYING,
    DIRECT_PROBE,
    LAUNCHING,
    RUNNING,
    SLOT_PORTS,
    STARTING,
    STOPPED,
    TERMINATED,
    AppProcess,
    Check,
    Instance,
    Slot,
)
from .frames import Frame, NodeView
from .loadbalancer import DRAINING, HEALTHY, INITIAL, UNUSED, LoadBalancer, probe
from .messages import Msg
from .metrics import Event, Metrics
from .params import SimParams
from .scenarios import CONSOLE, IN_SERVER, Scenario

# CodeDeploy's in-place hooks between BlockTraffic and AllowTraffic, with the param that times them.
DEPLOY_HOOKS = (("ApplicationStop", "app_stop_s"), ("DownloadBundle", "download_s"),
                ("BeforeInstall", None), ("Install", "install_s"), ("AfterInstall", None),
                ("ApplicationStart", None), ("ValidateService", None))
HOOK = "hook"  # strategies' own verb (not in the practice language): a lifecycle event
POLL_S = 1.0  # how often `wait healthy` / `wait drained` look
SETTLE_S = 5.0  # after the run, traffic stops and in-flight requests finish before the summary
# A run is judged by what users see: steady traffic before the first command (the clock starts at
# -LEAD_IN_S), and after the last command until nothing is pending, plus a margin.
LEAD_IN_S = 30.0
OBSERVE_MARGIN_S = 30.0
OBSERVE_MAX_S = 3600.0  # more than any drain (300 s default) or health change can take
SPIKE_AFTER_S, SPIKE_FOR_S = 60.0, 60.0


def handler_name(verb: str) -> str:
    """The method that runs a command (`create-image` runs `_do_create_image`)."""
    return "_do_" + verb.replace("-", "_")


class ActionError(Exception):
    """An action could not run as asked; carries the message for the learner."""

    def __init__(self, msg: Msg):
        super().__init__(msg.key)
        self.msg = msg


def _names(items) -> str:
    names = [i.name for i in items]
    return names[0] if len(names) == 1 else ", ".join(names)


class AutoScalingGroup:
    """A console Auto Scaling group: the launch template it launches from, and whether it is
    attached to the load balancer's target group (its instances are the group's members)."""

    def __init__(self, name: str, template: str, attached: bool = False):
        self.name, self.template, self.attached = name, template, attached


class Simulation:
    """One deterministic run: the cluster, the load balancer, traffic, metrics and actions."""

    def __init__(self, scenario: Scenario | None = None, params: SimParams | None = None,
                 seed: int = 1):
        self.scenario = scenario or Scenario()
        self.params = params or SimParams()
        self.seed = seed
        self.env = simpy.Environment(initial_time=-LEAD_IN_S)
        self.rng = random.Random(seed)
        self._jitter_rng = random.Random(seed * 7919 + 17)
        self.metrics = Metrics(self.params.bucket_s)
        self.instances: dict[str, Instance] = {}
        self._next_index: dict[str, int] = {g: 1 for g in self.scenario.groups}
        self.lb = LoadBalancer(self.env, self.params,
                               lambda: self._jitter_rng.uniform(0.5, 3.0),
                               self._capacity_changed, self._log, self._connections_closed)
        self.results: list[ActionResult] = []
        self.current: Action | None = None
        self._proc: simpy.Process | None = None
        self._line: int | None = None
        self._rate = self.params.rps
        self._service_rate = 1.0 / self.params.service_mean_s
        self._service_draw = self.rng.expovariate
        self._traffic_on = True
        self.deployment_end: float | None = None  # when the last command ended (set by finish)
        # The console's objects: image -> the version it holds, launch template -> its image,
        # Auto Scaling group -> its template and whether it is attached to the target group.
        self.images: dict[str, str] = {}
        self.templates: dict[str, str] = {}
        self.asgs: dict[str, AutoScalingGroup] = {}
        self._build_start_state()
        self.env.process(self._arrivals())
        self.env.run(until=0.0)  # the lead-in: the fleet serves steadily before any command

    # --- start state ---------------------------------------------------------------------
    def _build_start_state(self) -> None:
        sc = self.scenario
        if sc.kind == IN_SERVER:
            host = self._new_instance("web")
            host.state = RUNNING
            host.slots = {port: Slot(host, port) for port in SLOT_PORTS}
            host.live_port = SLOT_PORTS[0]
            proc = self._new_process(sc.version)
            proc.state = RUNNING
            live = host.slots[SLOT_PORTS[0]]
            live.process = proc
            # The live process has been serving through nginx all along: that is a passed check,
            # so switching back to it (the recipe's instant rollback) is a checked switch.
            live.checked = proc
            self.lb.register(host, None, initially_healthy=True)
        else:
            for _ in range(sc.servers):
                inst = self._new_instance(sc.start_group)
                inst.state = RUNNING
                inst.process = self._new_process(sc.version)
                inst.process.state = RUNNING
                self.lb.register(inst, None, initially_healthy=True)
        if sc.kind == CONSOLE:
            image, template = sc.image(sc.version), sc.template(sc.version)
            self.images[image] = sc.version
            self.templates[template] = image
            self.asgs[sc.start_group] = AutoScalingGroup(sc.start_group, template, attached=True)
        self.metrics.events.clear()  # the start state is not an event
        self._capacity_changed()

    def _new_instance(self, group: str) -> Instance:
        index = self._next_index[group]
        self._next_index[group] = index + 1
        inst = Instance(f"{group}-{index}", group, index, self.env.now)
        self.instances[inst.name] = inst
        return inst

    def _new_process(self, version: str) -> AppProcess:
        metrics, env = self.metrics, self.env
        return AppProcess(version, not self.params.is_bad(version),
                          lambda v, latency: metrics.succeeded(env.now, v, latency),
                          self.params.workers, self._start_service)

    def _start_service(self, proc: AppProcess, arrived: float) -> None:
        """A worker takes a request that arrived at `arrived`; it answers after its service time."""
        service = self._service_draw(self._service_rate)
        proc.busy += 1
        done = self.env.timeout(service, value=self.env.now - arrived + service)
        done.callbacks.append(proc.complete)

    # --- traffic (the hot path) ----------------------------------------------------------
    def _arrivals(self) -> Generator:
        env, metrics, lb = self.env, self.metrics, self.lb
        expo = self.rng.expovariate
        timeout = env.timeout
        start = self._start_service
        queue_limit = self.params.queue_limit
        fail = metrics.fail
        while True:
            yield timeout(expo(self._rate))
            if not self._traffic_on:
                return
            now = env.now
            metrics.arrival(now)
            target = lb.pick()
            if target is None:
                fail(now, "no_target", lb.last_removal_line)
                continue
            inst = target.instance
            proc = inst.serving_process()
            if proc is None or not proc.answers:
                fail(now, "down", inst.stopped_line)
                continue
            if not proc.good:
                fail(now, "http_500", target.registered_line)
                continue
            if proc.busy < proc.workers:
                start(proc, now)
            elif len(proc.queue) < queue_limit:
                proc.queue.append(now)
                if len(proc.queue) > metrics.queue_peak:
                    metrics.queue_peak = len(proc.queue)
            else:  # every worker busy and the queue full: 503, because capacity was taken away
                fail(now, "overloaded", lb.last_removal_line)
                continue
            proc.in_flight += 1
            inst.served += 1
            if inst.slots is not None:
                inst.slots[inst.live_port].served += 1

    def _spike(self) -> Generator:
        yield self.env.timeout(SPIKE_AFTER_S)
        self._rate = self.params.rps * self.params.spike_factor
        self._log("spike", "traffic", f"x{self.params.spike_factor:g}", None)
        yield self.env.timeout(SPIKE_FOR_S)
        self._rate = self.params.rps
        self._log("spike_end", "traffic", "", None)

    # --- bookkeeping ---------------------------------------------------------------------
    def _log(self, kind: str, target: str, detail: str = "", line: int | None = None) -> None:
        self.metrics.events.append(Event(self.env.now, kind, target, detail, line))

    def _capacity_changed(self) -> None:
        routable = self.lb.routable
        metrics, now = self.metrics, self.env.now
        working = 0
        by_version: dict[str, int] = {}
        for t in routable:
            proc = t.instance.serving_process()
            if proc is not None and proc.answers and proc.good:
                working += 1
                by_version[proc.version] = by_version.get(proc.version, 0) + 1
        seen = metrics.first_routable
        if len(seen) < len(self.scenario.groups):  # once every group got traffic, skip this
            for t in routable:
                if t.instance.group not in seen:
                    metrics.routable(t.instance.group, now, t.registered_line)
        alive = sum(1 for i in self.instances.values() if i.alive)
        metrics.capacity(now, len(routable), working, alive, self.lb.last_removal_line,
                         tuple(sorted(by_version.items())))

    def _connections_closed(self, count: int, line: int | None) -> None:
        self.metrics.fail(self.env.now, "cut", line, count)

    def _kill(self, proc: AppProcess | None, holder: Instance | Slot, why: str) -> None:
        """Stop a process now; in-flight requests on it fail, and the grader hears of it."""
        if proc is None or not proc.alive:
            return
        host = holder.host if isinstance(holder, Slot) else holder
        lb_state = self.lb.state_of(host.name)
        if isinstance(holder, Slot):
            if host.live_port == holder.port:
                self._log("unsafe_stop", holder.name, "live", self._line)
        elif lb_state not in (UNUSED,):
            self._log("unsafe_stop", holder.name, "draining" if lb_state == DRAINING else "serving",
                      self._line)
        cut = proc.kill()
        holder.stopped_line = self._line
        if holder is not host:
            host.stopped_line = self._line
        self.metrics.fail(self.env.now, "cut", self._line, cut)
        self._log(why, holder.name, f"cut={cut}" if cut else "", self._line)
        self._capacity_changed()

    def _boot_app(self, proc: AppProcess, name: str) -> Generator:
        yield self.env.timeout(self.params.start_time(proc.version))
        if proc.alive:
            proc.state = RUNNING
            self._log("ready", name, proc.version, None)
            self._capacity_changed()

    # --- the driver: one action at a time ------------------------------------------------
    @property
    def now(self) -> float:
        return self.env.now

    @property
    def busy(self) -> bool:
        return self._proc is not None and not self._proc.triggered

    def begin(self, action: Action) -> None:
        """Start an action; `advance` moves time while it runs; `busy` says if it still runs."""
        if self.busy:
            raise RuntimeError("an action is still running")
        self.metrics.open_window(self.env.now)
        if self.params.fault == "traffic-spike" and not self.results:
            self.env.process(self._spike())
        self.current = action
        self._proc = self.env.process(self._execute(action))

    def advance(self, dt: float) -> None:
        """Let simulated time pass (actions keep running, traffic keeps flowing)."""
        if dt > 0:
            self.env.run(until=self.env.now + dt)

    def step_until(self, end: float) -> None:
        """Run until the current action ends or time would pass `end`, whichever is first.

        Animation and replay both move through here, so they stop on exactly the same event.
        """
        env, proc = self.env, self._proc
        if proc is None:
            return
        step, peek = env.step, env.peek  # the hot loop of every run: no lookups in it
        while not proc.triggered:
            if peek() > end:
                if end > env.now:
                    env.run(until=end)
                return
            step()

    def run_current(self) -> ActionResult:
        """Run until the current action ends and return its result."""
        if self._proc is None:
            raise RuntimeError("no action")
        self.step_until(float("inf"))
        return self.results[-1]

    def run(self, action: Action) -> ActionResult:
        self.begin(action)
        return self.run_current()

    def finish(self) -> None:
        """End the run: after the last command, keep traffic flowing until nothing is pending
        (no drain, no `initial` target, no app still booting) plus a margin; then close the
        window, stop traffic and let in-flight requests settle."""
        if self.busy:
            self.run_current()
        self.metrics.open_window(self.env.now)  # a run with no command is observed all the same
        self.deployment_end = self.env.now
        cap = self.env.now + OBSERVE_MAX_S
        while self.pending() and self.env.now < cap:
            self.env.run(until=self.env.now + POLL_S)
        self.env.run(until=self.env.now + OBSERVE_MARGIN_S)
        self.metrics.close_window(self.env.now)
        self._traffic_on = False
        self.env.run(until=self.env.now + SETTLE_S)

    def pending(self) -> bool:
        """Whether something the last commands started is still under way."""
        if self.busy:
            return True
        if any(t.state in (DRAINING, INITIAL) for t in self.lb.targets.values()):
            return True
        for inst in self.instances.values():
            if inst.state == LAUNCHING:
                return True
            procs = ([s.process for s in inst.slots.values()] if inst.slots is not None
                     else [inst.process])
            if any(p is not None and p.alive and p.state == STARTING for p in procs):
                return True
        return False

    def _execute(self, action: Action) -> Generator:
        started = self.env.now
        self._line = action.line
        if action.verb != HOOK:  # a strategy's lifecycle mark: its hook events say it
            self._log("action", action.text(), "", action.line)
        handler = getattr(self, handler_name(action.verb))
        try:
            msg, lines = yield from handler(*action.args)
            ok = True
        except ActionError as err:
            msg, lines, ok = err.msg, (), False
            self._log("error", action.text(), msg.key, action.line)
        result = ActionResult(action, ok, msg, tuple(lines), started, self.env.now)
        self.results.append(result)
        self.current = None
        return result

    # --- name resolution -----------------------------------------------------------------
    def hosts(self, name: str) -> list[Instance]:
        """Instances a target or group name means now (a group: its members still alive)."""
        if name in self.instances:
            return [self.instances[name]]
        if name in self.scenario.groups:
            members = [i for i in self.instances.values() if i.group == name and i.alive]
            if not members:
                raise ActionError(Msg.of("empty_group", name=name))
            return members
        raise ActionError(Msg.of("no_such_target", name=name))

    def slot(self, name: str) -> Slot:
        host_name, _, port = name.partition(":")
        host = self.instances.get(host_name)
        if host is None or host.slots is None:
            raise ActionError(Msg.of("no_slots", name=host_name))
        if not port.isdigit() or int(port) not in host.slots:
            raise ActionError(Msg.of("no_such_target", name=name))
        if host.state == TERMINATED:
            raise ActionError(Msg.of("not_running", name=host.name, state=host.state))
        return host.slots[int(port)]

    def hosts_of(self, names: tuple[str, ...]) -> list[Instance]:
        """The instances several targets and groups mean, each once, in the order named."""
        found: dict[str, Instance] = {}
        for name in names:
            for host in self.hosts(name):
                found.setdefault(host.name, host)
        return list(found.values())

    def _running_hosts(self, names: tuple[str, ...], *, app: bool = True) -> list[Instance]:
        hosts = self.hosts_of(names)
        for h in hosts:
            if h.state not in (RUNNING,):
                raise ActionError(Msg.of("not_running", name=h.name, state=h.state))
            if app and h.slots is not None:
                raise ActionError(Msg.of("host_has_slots", name=h.name))
        return hosts

    # --- actions (each a generator returning (Msg, report lines)) ------------------------
    def _do_launch(self, group: str, count: str, version: str) -> Generator:
        if group not in self.scenario.groups:
            raise ActionError(Msg.of("no_such_target", name=group))
        hosts = [self._new_instance(group) for _ in range(int(count))]
        for h in hosts:
            self._log("launch", h.name, version, self._line)
        self._capacity_changed()
        yield self.env.all_of([self.env.process(self._boot(h, version)) for h in hosts])
        return Msg.of("launched", names=_names(hosts), version=version), ()

    def _boot(self, host: Instance, version: str) -> Generator:
        yield self.env.timeout(self.params.boot_s)
        if host.state == TERMINATED:
            return
        host.state = RUNNING
        host.process = self._new_process(version)
        self._log("running", host.name, version, self._line)
        # The app baked into the image starts on its own; launch does not wait for it.
        self.env.process(self._boot_app(host.process, host.name))

    def _do_deploy(self, *args: str) -> Generator:
        *targets, version = args
        hosts = self._running_hosts(tuple(targets))  # a batch deploys in parallel
        runs = [self.env.process(self._deploy_one(h, version)) for h in hosts]
        yield self.env.all_of(runs)
        failed = [(h, r.value) for h, r in zip(hosts, runs, strict=True) if r.value]
        if failed:
            host, reason = failed[0]
            raise ActionError(Msg.of("validate_failed", name=host.name, reason=reason))
        return Msg.of("deployed", names=_names(hosts), version=version), ()

    def _deploy_one(self, host: Instance, version: str) -> Generator:
        """CodeDeploy's hooks on one host; returns "" on success or why ValidateService failed."""
        host.state = DEPLOYING
        for hook, timing in DEPLOY_HOOKS:
            host.phase = hook
            self._log("hook", host.name, hook, self._line)
            if hook == "ApplicationStop":
                self._kill(host.process, host, "stop")
            elif hook == "ApplicationStart":
                host.process = self._new_process(version)
                yield from self._boot_app(host.process, host.name)
            elif hook == "ValidateService":
                passed, why = yield from self._probe_until_up(host)
                host.state, host.phase = RUNNING, ""
                self._capacity_changed()
                if not passed:
                    self._log("validate_failed", host.name, why, self._line)
                    return f"HTTP {why}" if why.isdigit() else why
                return ""
            if timing:
                yield self.env.timeout(getattr(self.params, timing))
        return ""

    def _probe_until_up(self, holder: Instance | Slot) -> Generator:
        """Probe as ValidateService and the nginx recipe do: `probe_tries` times, spaced out."""
        passed, why = False, "down"
        for attempt in range(self.params.probe_tries):
            passed, why = self._probe(holder)
            if passed or why == "500":
                break
            if attempt + 1 < self.params.probe_tries:
                yield self.env.timeout(self.params.probe_every_s)
        return passed, why

    def _probe(self, holder: Instance | Slot) -> tuple[bool, str]:
        passed, why = self._probe_result(holder)
        holder.last_check = Check(self.env.now, why, DIRECT_PROBE)
        return passed, why

    def _probe_result(self, holder: Instance | Slot) -> tuple[bool, str]:
        if isinstance(holder, Slot):
            proc = holder.process
            if proc is None or not proc.alive:
                return False, "down"
            if proc.state != RUNNING:
                return False, "starting"
            return (True, "200") if proc.good else (False, "500")
        return probe(holder)

    def _do_register(self, *targets: str) -> Generator:
        hosts = self.hosts_of(targets)
        for h in hosts:
            if h.state == TERMINATED:
                raise ActionError(Msg.of("not_running", name=h.name, state=h.state))
        done = [h for h in hosts if self.lb.register(h, self._line)]
        if not done:
            raise ActionError(Msg.of("already_registered", name=_names(hosts)))
        yield self.env.timeout(0)
        return Msg.of("registered", names=_names(done)), ()

    def _do_deregister(self, *targets: str) -> Generator:
        hosts = self.hosts_of(targets)
        done = [h for h in hosts if self.lb.deregister(h.name, self._line)]
        if not done:
            raise ActionError(Msg.of("not_registered", name=_names(hosts)))
        yield self.env.timeout(0)
        return Msg.of("deregistered", names=_names(done)), ()

    def _do_terminate(self, target: str) -> Generator:
        hosts = [h for h in self.hosts(target) if h.alive]
        if not hosts:
            raise ActionError(Msg.of("not_running", name=target, state=TERMINATED))
        for h in hosts:
            if h.group in self.asgs:  # the group would launch a replacement
                raise ActionError(Msg.of("in_asg", name=h.name, group=h.group))
        for h in hosts:
            if h.slots is not None:
                for slot in h.slots.values():
                    self._kill(slot.process, slot, "stop")
            self._kill(h.process, h, "stop")
            h.state, h.phase = TERMINATED, ""
            self._log("terminate", h.name, "", self._line)
        self._capacity_changed()
        yield self.env.timeout(0)
        return Msg.of("terminated", names=_names(hosts)), ()

    # --- the console (the book's hands-on): images, templates, Auto Scaling groups ----------
    def _do_create_image(self, image: str, _from: str, instance: str) -> Generator:
        host = self.instances.get(instance)
        if host is None or host.state != RUNNING or host.process is None:
            raise ActionError(Msg.of("not_running", name=instance,
                                     state=host.state if host else TERMINATED))
        version = host.process.version  # the image holds what is installed on its disk
        self._log("create_image", image, version, self._line)
        yield self.env.timeout(self.params.image_s)
        self.images[image] = version
        self._log("image_ready", image, version, self._line)
        return Msg.of("image_created", image=image, name=instance, version=version), ()

    def _do_create_template(self, template: str, _from: str, image: str) -> Generator:
        if image not in self.images:
            raise ActionError(Msg.of("no_such_image", image=image))
        yield self.env.timeout(self.params.template_s)
        self.templates[template] = image
        self._log("create_template", template, image, self._line)
        return Msg.of("template_created", template=template, image=image), ()

    def _do_create_asg(self, group: str, _from: str, template: str, _size: str,
                       count: str) -> Generator:
        if group in self.asgs:
            raise ActionError(Msg.of("asg_exists", group=group))
        if template not in self.templates:
            raise ActionError(Msg.of("no_such_template", template=template))
        self.asgs[group] = AutoScalingGroup(group, template)
        version = self.images[self.templates[template]]
        self._log("create_asg", group, template, self._line)
        # The group launches its instances from the template; the command ends once they run.
        msg, lines = yield from self._do_launch(group, count, version)
        return Msg.of("asg_created", group=group, template=template, count=count), lines

    def _asg(self, group: str) -> AutoScalingGroup:
        found = self.asgs.get(group)
        if found is None:
            raise ActionError(Msg.of("no_such_asg", group=group))
        return found

    def _do_attach_asg(self, group: str) -> Generator:
        asg = self._asg(group)
        if asg.attached:
            raise ActionError(Msg.of("asg_attached", group=group))
        asg.attached = True
        members = [h for h in self.instances.values() if h.group == group and h.alive]
        for host in members:
            self.lb.register(host, self._line)
        self._log("attach_asg", group, "", self._line)
        yield self.env.timeout(0)
        return Msg.of("asg_attached_now", group=group, count=len(members)), ()

    def _do_detach_asg(self, group: str) -> Generator:
        asg = self._asg(group)
        if not asg.attached:
            raise ActionError(Msg.of("asg_not_attached", group=group))
        asg.attached = False
        for host in self.instances.values():
            if host.group == group:
                self.lb.deregister(host.name, self._line)  # its requests drain
        self._log("detach_asg", group, "", self._line)
        yield self.env.timeout(0)
        return Msg.of("asg_detached", group=group), ()

    def _do_delete_asg(self, group: str) -> Generator:
        self._asg(group)
        members = [h for h in self.instances.values() if h.group == group and h.alive]
        for host in members:
            self._kill(host.process, host, "stop")
            host.state, host.phase = TERMINATED, ""
            self._log("terminate", host.name, "", self._line)
        del self.asgs[group]
        self._log("delete_asg", group, "", self._line)
        self._capacity_changed()
        yield self.env.timeout(0)
        return Msg.of("asg_deleted", group=group, count=len(members)), ()

    def _do_start(self, slot_name: str, version: str) -> Generator:
        slot = self.slot(slot_name)
        if slot.process is not None and slot.process.alive:
            raise ActionError(Msg.of("slot_busy", slot=slot.name, version=slot.process.version))
        slot.process = self._new_process(version)
        self._log("start", slot.name, version, self._line)
        # Like `nohup app &`: start returns at once; the process answers once it has booted.
        self.env.process(self._boot_app(slot.process, slot.name))
        yield self.env.timeout(0)
        return Msg.of("started", slot=slot.name, version=version), ()

    def _do_stop(self, slot_name: str) -> Generator:
        slot = self.slot(slot_name)
        if slot.process is None or not slot.process.alive:
            raise ActionError(Msg.of("nothing_running", slot=slot.name))
        self._kill(slot.process, slot, "stop")
        yield self.env.timeout(self.params.app_stop_s)
        return Msg.of("stopped", slot=slot.name), ()

    def _do_switch(self, host_name: str, port: str) -> Generator:
        slot = self.slot(f"{host_name}:{port}")
        host = slot.host
        if host.live_port == slot.port:
            raise ActionError(Msg.of("already_live", host=host.name, port=port))
        # nginx accepts any upstream; note whether this one was checked first (the grader asks).
        if slot.process is None or not slot.process.alive:
            detail = "empty"
        elif slot.checked is slot.process:
            detail = "checked"
        else:
            detail = "unchecked"
        yield self.env.timeout(self.params.reload_s)
        if self.params.fault == "bad-config":
            # nginx -s reload checks the new configuration first; an invalid one is refused and
            # the running workers keep the old one (nginx 1.22 does exactly this).
            self._log("reload_refused", slot.name, "", self._line)
            raise ActionError(Msg.of("reload_refused", host=host.name,
                                     live=str(host.live_port)))
        host.live_port = slot.port
        if slot.process is None or not slot.process.answers:
            # Requests now fail until a process answers there: this switch is why.
            host.stopped_line = self._line
        self._log("switch", slot.name, detail, self._line)
        self._capacity_changed()
        # Only a reload onto an app that answers well drops nothing; say what users get now.
        proc = slot.process
        key = ("switched_empty" if proc is None or not proc.answers
               else "switched_500" if not proc.good else "switched")
        return Msg.of(key, host=host.name, port=port), ()

    def _health_lines(self, holders) -> list[str]:
        lines = []
        for holder in holders:
            passed, why = self._probe(holder)
            proc = holder.process if isinstance(holder, Slot) else holder.serving_process()
            version = proc.version if proc else "-"
            if passed:
                probe_msg = Msg.of("probe_ok", version=version)
            elif why == "500":
                probe_msg = Msg.of("probe_500", version=version)
            elif why == "starting":
                probe_msg = Msg.of("probe_starting", version=version)
            else:
                probe_msg = Msg.of("probe_down")
            host = holder.host if isinstance(holder, Slot) else holder
            lb = "-" if isinstance(holder, Slot) else self.lb.state_of(host.name)
            lines.append(Msg.of("health_line", name=holder.name, probe=probe_msg, lb=lb))
            if passed:
                holder.checked = proc
            self._log("health", holder.name, why, self._line)
        return lines

    def _holders(self, names: tuple[str, ...]) -> list[Instance | Slot]:
        slots = [self.slot(name) for name in names if ":" in name]
        return [*slots, *self.hosts_of(tuple(n for n in names if ":" not in n))]

    def _do_hook(self, hook: str, *targets: str) -> Generator:
        """A deployment's lifecycle event on its hosts (CodeDeploy's BlockTraffic, AllowTraffic
        and their Before/After hooks), as strategy scripts mark them; it takes no time."""
        hosts = self.hosts_of(targets) if targets else []
        for host in hosts:
            self._log("hook", host.name, hook, self._line)
        if not hosts:
            self._log("hook", "deployment", hook, self._line)
        yield self.env.timeout(0)
        return Msg.of("ok"), ()

    def _do_health(self, target: str) -> Generator:
        lines = self._health_lines(self._holders((target,)))
        yield self.env.timeout(0)
        return Msg.of("ok"), tuple(lines)

    def _do_wait(self, what: str, *targets: str) -> Generator:
        if not targets:
            seconds = float(what)
            yield self.env.timeout(seconds)
            return Msg.of("waited", seconds=f"{seconds:g}"), ()
        holders = self._holders(targets)
        if what == "healthy":
            # The load balancer's view: a target it does not hold has no health to wait for.
            # An in-server slot has no load balancer in front of it; its check is direct.
            unregistered = [h for h in holders if isinstance(h, Instance)
                            and self.lb.state_of(h.name) in (UNUSED, DRAINING)]
            if unregistered:
                raise ActionError(Msg.of("wait_healthy_unregistered", names=_names(unregistered)))
        if what in ("healthy", "ready"):
            deadline = self.params.wait_healthy_deadline_s
            ready = self._all_ready if what == "ready" else self._all_healthy
            ok_key = "now_ready" if what == "ready" else "now_healthy"
            late_key = "not_ready_in_time" if what == "ready" else "not_healthy_in_time"
        else:
            deadline = self.params.deregistration_delay_s + 10 * POLL_S
            ready = self._all_drained
            ok_key, late_key = "now_drained", "not_drained_in_time"
        direct = what == "ready" or all(isinstance(h, Slot) for h in holders)
        end = self.env.now + deadline
        while not ready(holders):
            broken = self._broken(holders) if direct and what != "drained" else []
            if broken:  # up and answering HTTP 500: waiting longer cannot help
                raise ActionError(Msg.of("answers_500", names=_names(broken)))
            if self.env.now >= end:
                raise ActionError(Msg.of(late_key, names=_names(holders), seconds=f"{deadline:g}"))
            yield self.env.timeout(POLL_S)
        if what != "drained":
            self._health_lines(holders)  # a passing check is what a later switch relies on
        return Msg.of(ok_key, names=_names(holders)), ()

    def _all_healthy(self, holders) -> bool:
        """The load balancer's checks pass on every instance (a slot: its direct check)."""
        for h in holders:
            if isinstance(h, Instance):
                if self.lb.state_of(h.name) != HEALTHY:
                    return False
            elif not self._probe(h)[0]:
                return False
        return True

    def _all_ready(self, holders) -> bool:
        """The app answers HTTP 200 on every instance or slot, asked directly."""
        return all(self._probe(h)[0] for h in holders)

    def _broken(self, holders) -> list:
        """Those whose app, asked directly, answers HTTP 500."""
        return [h for h in holders if self._probe(h)[1] == "500"]

    def _all_drained(self, holders) -> bool:
        return not any(isinstance(h, Instance) and self.lb.state_of(h.name) == DRAINING
                       for h in holders)

    def _do_status(self) -> Generator:
        lines = []
        for node in self.frame().nodes:
            if node.state == TERMINATED:
                continue
            if node.kind == "slot":
                live = Msg.of("live_mark") if node.live else ""
                lines.append(Msg.of("status_slot", name=node.name, state=node.state,
                                    version=node.version or "-", live=live,
                                    in_flight=node.in_flight))
            else:
                lines.append(Msg.of("status_line", name=node.name, state=node.state,
                                    version=node.version or "-", lb=node.lb,
                                    in_flight=node.in_flight))
        m = self.metrics
        lines.append(Msg.of("status_counts", t=f"{self.env.now:.0f}", requests=m.requests,
                            ok=m.ok, failed=m.failed, serving=m.serving))
        yield self.env.timeout(0)
        return Msg.of("ok"), tuple(lines)

    # --- what the UI and the reports read ------------------------------------------------
    def frame(self, recent: int = 8) -> Frame:
        nodes: list[NodeView] = []
        lb = self.lb
        for inst in self.instances.values():
            proc = inst.serving_process()
            nodes.append(NodeView(
                name=inst.name, kind="host", group=inst.group, state=inst.state,
                phase=inst.phase, version=inst.version(),
                in_flight=proc.in_flight if proc and proc.alive else 0,
                lb=lb.state_of(inst.name), served=inst.served,
                good=proc.good if proc else True, check=inst.last_check,
                queued=len(proc.queue) if proc and proc.alive else 0))
            if inst.slots is not None:
                for slot in inst.slots.values():
                    sp = slot.process
                    alive = sp is not None and sp.alive
                    nodes.append(NodeView(
                        name=slot.name, kind="slot", group=inst.group,
                        state=sp.state if alive else "empty", phase="",
                        version=sp.version if alive else None,
                        in_flight=sp.in_flight if alive else 0, lb="", served=slot.served,
                        live=inst.live_port == slot.port, good=sp.good if alive else True,
                        check=slot.last_check, queued=len(sp.queue) if alive else 0))
        m = self.metrics
        return Frame(t=self.env.now, nodes=tuple(nodes), requests=m.requests, ok=m.ok,
                     failed=m.failed, serving=m.serving, instances=m.instances,
                     answering=m.working, needed=self.scenario.host_count,
                     fail_open=lb.fail_open,
                     action=self.current.text() if self.current else "",
                     ok_by_version=tuple(sorted(m.ok_by_version.items())),
                     recent=tuple(m.events[-recent:]))

    def final_versions(self) -> dict[str, int]:
        """Version -> routed targets that answer with it (a process down or answering 500 is
        not serving)."""
        versions: dict[str, int] = {}
        for target in self.lb.routable:
            proc = target.instance.serving_process()
            if proc is None or not proc.answers or not proc.good:
                continue
            versions[proc.version] = versions.get(proc.version, 0) + 1
        return dict(sorted(versions.items()))

    def summary(self) -> dict:
        """The run's numbers as `simulate` and `grade` both report them (one definition)."""
        m = self.metrics
        return {
            "requests": m.requests,
            "succeeded": m.ok,
            "failed": m.failed,
            "min_serving": m.min_serving if m.min_serving is not None else m.serving,
            "max_instances": m.max_instances,
            "downtime_s": round(m.downtime_s, 3),
            "duration_s": round((m.window_end or 0.0) - (m.window_start or 0.0), 3),
            "deployment_s": round((self.deployment_end or 0.0) - (m.window_start or 0.0), 3),
            "instance_seconds": round(m.instance_seconds, 3),
            "final_versions": self.final_versions(),
            "latency_ms": m.latency().summary(),
            "peak_p95_ms": m.peak_p95_ms(),
            "latency_by_version_ms": {version: histogram.summary() for version, histogram
                                      in sorted(m.latency_by_version.items())},
        }


__all__ = ["Simulation", "ActionError", "DEPLOY_HOOKS", "HOOK", "LAUNCHING", "STARTING", "STOPPED"]
