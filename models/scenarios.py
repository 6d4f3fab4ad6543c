"""Start states: who runs what before the first action (the chapter's 4 servers on v101)."""

from __future__ import annotations

from typing import NamedTuple

FLEET, BLUEGREEN, IN_SERVER = "fleet", "bluegreen", "in-server"
# The book's hands-on: blue is an Auto Scaling group attached to the target group, and green is
# built by hand in a cloud console (an instance, an image, a launch template, a new group).
CONSOLE = "console"
BUILD_GROUP = "build"  # where the instance an image is made from is launched


class Scenario(NamedTuple):
    """A start state: the kind of layout, its size and the versions involved."""

    kind: str = FLEET
    servers: int = 4
    version: str = "v101"
    new_version: str = "v102"

    @property
    def groups(self) -> tuple[str, ...]:
        if self.kind == CONSOLE:
            return ("blue", "green", BUILD_GROUP)
        return ("blue", "green") if self.kind == BLUEGREEN else ("web",)

    @property
    def start_group(self) -> str:
        return "blue" if self.kind in (BLUEGREEN, CONSOLE) else "web"

    @property
    def versions(self) -> tuple[str, ...]:
        return (self.version, self.new_version)

    def image(self, version: str) -> str:
        """The image (AMI) a start state's group was made from: img-v101."""
        return f"img-{version}"

    def template(self, version: str) -> str:
        """The launch template a start state's group uses: lt-v101."""
        return f"lt-{version}"

    @property
    def host_count(self) -> int:
        return 1 if self.kind == IN_SERVER else self.servers
