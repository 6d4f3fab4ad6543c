"""`deploylab sandbox`: check the options as `simulate` does, then open the course on the sandbox.

Every bad option is one sentence on stderr and exit 2, before the screen is taken over.
"""

from __future__ import annotations

import argparse

from app.cli.usage import MAX_RPS, MAX_SERVERS, UsageError


def sandbox_spec(args: argparse.Namespace):
    """The `SandboxSpec` the options ask for; raises `UsageError` with the one sentence."""
    if args.servers is not None and args.servers > MAX_SERVERS:  # simulate's limits first
        raise UsageError(f"--servers {args.servers} is more than the {MAX_SERVERS} "
                         "this simulator runs")
    if args.rps > MAX_RPS:
        raise UsageError(f"--rps {args.rps:g} is more than the {MAX_RPS} requests a second "
                         "this simulator runs")
    if args.scenario == "in-server" and args.servers not in (None, 1):
        raise UsageError(f"--servers {args.servers} does not fit --scenario in-server, which "
                         "runs on one host with two slots")
    from models.sandbox import SandboxSpec, problem

    spec = SandboxSpec(scenario=args.scenario, servers=args.servers or 4, rps=args.rps,
                       fault=args.fault, seed=args.seed)
    if args.capacity is not None:
        spec = spec._replace(capacity=args.capacity)
    found = problem(spec)
    if found:
        raise UsageError(found)
    return spec


def run_sandbox(args: argparse.Namespace) -> int:
    from app.cli.course import run_course

    args.sandbox_spec = sandbox_spec(args)
    return run_course(args)
