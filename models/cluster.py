"""Hosts, their app processes and (for in-server blue/green) nginx slots."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import NamedTuple

# Process states.
STARTING, RUNNING, STOPPED = "starting", "running", "stopped"
# Host states.
LAUNCHING, DEPLOYING, TERMINATED = "launching", "deploying", "terminated"

SLOT_PORTS = (8081, 8082)
# Who probed: the load balancer's periodic health check, or a script's direct request.
ALB_CHECK, DIRECT_PROBE = "alb", "probe"


class Check(NamedTuple):
    """The last health probe of a host or slot: when, its result ("200", "500", "down",
    "starting", "timeout") and who sent it."""

    t: float
    result: str
    by: str


class AppProcess:
    """One running copy of the app at a version: a few workers and a bounded queue in front.

    A request holds a worker for its service time; when every worker is busy it waits in the
    queue; `in_flight` counts both (the client's connection is open either way).
    """

    __slots__ = ("version", "state", "good", "in_flight", "alive", "on_ok", "_idle_waiters",
                 "_abandoned", "workers", "busy", "queue", "start")

    def __init__(self, version: str, good: bool, on_ok: Callable[[str, float], None],
                 workers: int, start: Callable[[AppProcess, float], None]):
        self.version = version
        self.state = STARTING
        self.good = good  # a bad build answers everything with HTTP 500
        self.in_flight = 0
        self.alive = True
        self.on_ok = on_ok  # (version, latency in s) for each request answered
        self._idle_waiters: list[Callable[[], None]] = []
        # Requests still running here whose clients were already answered with an error.
        self._abandoned = 0
        self.workers = workers
        self.busy = 0
        self.queue: deque[float] = deque()  # arrival times of requests waiting for a worker
        self.start = start  # the engine's: give a worker to a request that arrived at t

    @property
    def answers(self) -> bool:
        return self.alive and self.state == RUNNING

    def complete(self, event) -> None:
        """A request finished on this process (a simpy callback; `event.value` is its latency)."""
        if not self.alive:
            return  # it already failed when the process stopped
        self.busy -= 1
        if self._abandoned:
            # Requests are alike, so whichever finishes first settles an abandoned one.
            self._abandoned -= 1
        else:
            self.in_flight -= 1
            self.on_ok(self.version, event.value)
        if self.queue:
            self.start(self, self.queue.popleft())
        if self.in_flight == 0 and self._idle_waiters:
            waiters, self._idle_waiters = self._idle_waiters, []
            for wake in waiters:
                wake()

    def when_idle(self, wake: Callable[[], None]) -> None:
        if self.in_flight == 0 or not self.alive:
            wake()
        else:
            self._idle_waiters.append(wake)

    def abandon(self) -> int:
        """The load balancer closed every connection in flight: the workers finish what they
        hold, but those clients (and the queued ones) already got an error. Returns how many."""
        cut = self.in_flight if self.alive else 0
        self._abandoned += min(cut, self.busy)
        self.queue.clear()
        self.in_flight = 0
        waiters, self._idle_waiters = self._idle_waiters, []
        for wake in waiters:
            wake()
        return cut

    def kill(self) -> int:
        """Stop at once; returns how many in-flight requests were cut."""
        cut = self.in_flight if self.alive else 0
        self.alive = False
        self.state = STOPPED
        self.in_flight = 0
        self.queue.clear()
        waiters, self._idle_waiters = self._idle_waiters, []
        for wake in waiters:
            wake()
        return cut


class Slot:
    """A port on an in-server host where one app process may run (web-1:8081)."""

    __slots__ = ("host", "port", "process", "served", "stopped_line", "checked", "last_check")

    def __init__(self, host: Instance, port: int):
        self.host = host
        self.port = port
        self.process: AppProcess | None = None
        self.served = 0
        self.stopped_line: int | None = None
        # The process a health check last found answering (a switch should follow one).
        self.checked: AppProcess | None = None
        self.last_check: Check | None = None

    @property
    def name(self) -> str:
        return f"{self.host.name}:{self.port}"


class Instance:
    """A host (EC2 instance): lifecycle, its app process, or nginx and slots for in-server."""

    __slots__ = ("name", "group", "state", "phase", "process", "slots", "live_port",
                 "launched_at", "served", "stopped_line", "index", "checked", "last_check")

    def __init__(self, name: str, group: str, index: int, launched_at: float):
        self.name = name
        self.group = group
        self.index = index
        self.state = LAUNCHING
        self.phase = ""
        self.process: AppProcess | None = None
        self.slots: dict[int, Slot] | None = None
        self.live_port: int | None = None
        self.launched_at = launched_at
        self.served = 0
        self.stopped_line: int | None = None
        self.checked: AppProcess | None = None
        self.last_check: Check | None = None  # the load balancer's or a script's last probe

    @property
    def alive(self) -> bool:
        return self.state != TERMINATED

    def serving_process(self) -> AppProcess | None:
        """The process a request to this host reaches (through nginx for in-server hosts)."""
        if self.state == TERMINATED:
            return None
        if self.slots is not None:
            slot = self.slots.get(self.live_port) if self.live_port else None
            return slot.process if slot else None
        return self.process

    def version(self) -> str | None:
        proc = self.serving_process()
        return proc.version if proc and proc.alive else None
