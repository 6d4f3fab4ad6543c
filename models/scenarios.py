"""Start states: who runs what before the first action (the chapter's 4 servers on v101)."""

from __future__ import annotations

from typing import NamedTuple

FLEET, BLUEGREEN, IN_SERVER = "fleet", "bluegreen", "in-server"


class Scenario(NamedTuple):
    """A start state: the kind of layout, its size and the versions involved."""

    kind: str = FLEET
    servers: int = 4
    version: str = "v101"
    new_version: str = "v102"

    @property
    def groups(self) -> tuple[str, ...]:
        return ("blue", "green") if self.kind == BLUEGREEN else ("web",)

    @property
    def start_group(self) -> str:
        return "blue" if self.kind == BLUEGREEN else "web"

    @property
    def versions(self) -> tuple[str, ...]:
        return (self.version, self.new_version)

    @property
    def host_count(self) -> int:
        return 1 if self.kind == IN_SERVER else self.servers
