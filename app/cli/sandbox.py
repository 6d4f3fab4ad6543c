"""`deploylab sandbox`: check the options as `simulate` does, then open the course on the sandbox.

Every bad option is one sentence on stderr and exit 2, before the screen is taken over.
"""

from __future__ import annotations

import argparse

from app.cli.usage import MAX_RPS, MAX_SERVERS, UsageError


def sandbox_spec(args: argparse.Namespace):
    """The `SandboxSpec` the options ask for; raises `UsageError` with the one sentence."""
    if args.servers is not None and args.servers > MAX_SERVERS:  # simulate's limits first
        raise UsageError("cli.error.simulate.servers_limit", servers=args.servers,
                         max=MAX_SERVERS)
    if args.rps > MAX_RPS:
        raise UsageError("cli.error.simulate.rps_limit", rps=f"{args.rps:g}", max=MAX_RPS)
    if args.scenario == "in-server" and args.servers not in (None, 1):
        raise UsageError("cli.error.sandbox.in_server", servers=args.servers)
    from models.sandbox import SandboxSpec, problem

    spec = SandboxSpec(scenario=args.scenario, servers=args.servers or 4, rps=args.rps,
                       fault=args.fault, seed=args.seed)
    if args.capacity is not None:
        spec = spec._replace(capacity=args.capacity)
    found = problem(spec)  # the live stage's own limits, as a message in the command's words
    if found:
        raise UsageError(found)
    return spec


def run_sandbox(args: argparse.Namespace) -> int:
    from app.cli.course import run_course

    args.sandbox_spec = sandbox_spec(args)
    return run_course(args)
