"""Immutable snapshots of a simulation that the UI renders (widgets never touch simpy)."""

from __future__ import annotations

from typing import NamedTuple

from .cluster import Check
from .metrics import Event


class NodeView(NamedTuple):
    """A host or an in-server slot as drawn on the stage."""

    name: str
    kind: str  # "host" or "slot"
    group: str
    state: str  # launching, running, deploying, stopped, terminated; slots: running/starting/empty
    phase: str  # the CodeDeploy hook a deploying host is in
    version: str | None
    in_flight: int
    lb: str  # target health: initial, healthy, unhealthy, draining, unused ("" for slots)
    served: int  # requests this node has taken so far (the UI diffs frames to draw traffic)
    live: bool = False  # the slot nginx points at
    good: bool = True  # False when its process answers HTTP 500 (bad build)
    check: Check | None = None  # the last health probe: the load balancer's or a script's
    queued: int = 0  # requests waiting for a worker (every worker busy)


class Frame(NamedTuple):
    """The whole stage at simulated time `t`."""

    t: float
    nodes: tuple[NodeView, ...]
    requests: int
    ok: int
    failed: int
    serving: int  # targets the load balancer routes to
    instances: int
    fail_open: bool
    action: str
    ok_by_version: tuple[tuple[str, int], ...]
    recent: tuple[Event, ...]
    answering: int = 0  # of those, the ones whose process answers (what users get)
    needed: int = 0  # the capacity the lesson needs (N): the start fleet's size

    def node(self, name: str) -> NodeView:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)

    def group(self, group: str) -> tuple[NodeView, ...]:
        return tuple(n for n in self.nodes if n.group == group and n.kind == "host")
