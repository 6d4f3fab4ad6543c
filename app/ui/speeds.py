"""How fast practice animates a running command, and how far replay scrubs."""

from __future__ import annotations

# A running command's animation speeds up the longer it runs (simulated s per real s), so a
# ten-minute `wait healthy` takes seconds while a short deploy can still be followed.
BASE_SPEED = 20.0
RAMP_EVERY_S = 1.5  # the speed doubles after this much real time
MAX_SPEED = 400.0
SCRUB_S = 15.0  # Shift+Left/Right during replay


def speed_after(elapsed: float) -> float:
    """Simulated seconds per real second, `elapsed` real seconds into a command."""
    return min(MAX_SPEED, BASE_SPEED * 2 ** (max(0.0, elapsed) / RAMP_EVERY_S))
