"""What every subcommand shares: the one-sentence usage error and the argument checks."""

from __future__ import annotations

import argparse

STRATEGY_NAMES = ("recreate", "in-place", "blue-green", "in-server", "canary")
FAULT_NAMES = ("none", "bad-build", "slow-start", "traffic-spike", "bad-config")
MAX_SERVERS = 5000
MAX_RPS = 100_000  # past this no fleet here carries it; what a run may cost is MAX_WORK
# Requests' worth of engine work (models.report.estimated_work) a run may cost: well under a
# minute on a 2-core machine (1,000 servers and a million requests take about 35 s).
MAX_WORK = 1_500_000


class UsageError(Exception):
    """Bad command-line input; the message is the one sentence the user sees."""


class ArgParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print usage and a second line
        raise UsageError(message)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} must be a positive number")
    return value


def whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
