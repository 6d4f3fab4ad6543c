"""`deploylab simulate`: one deployment headless, as JSON or the readable report.

No Textual and no course here: start-up time is part of the contract (see tests/benchmarks).
"""

from __future__ import annotations

import argparse
import json
import sys

from app.cli.usage import MAX_RPS, MAX_SERVERS, MAX_WORK, UsageError


def _largest(fits) -> int:
    """The largest whole number n >= 1 for which `fits(n)` (monotone), or 0 if none."""
    if not fits(1):
        return 0
    low, high = 1, 2
    while fits(high):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low


TOGETHER_SERVERS = 4  # the fleet a too-heavy run is offered when lowering one flag is not enough


def run_simulate(args: argparse.Namespace) -> int:
    if args.servers > MAX_SERVERS:
        raise UsageError("cli.error.simulate.servers_limit", servers=args.servers,
                         max=MAX_SERVERS)
    if args.rps > MAX_RPS:
        raise UsageError("cli.error.simulate.rps_limit", rps=f"{args.rps:g}", max=MAX_RPS)
    # HalfAtATime by default: the minimum healthy hosts are half the fleet, rounded up.
    batch = args.batch if args.batch is not None else args.servers // 2
    if batch > args.servers:
        raise UsageError("cli.error.simulate.batch", batch=batch, servers=args.servers)
    if args.from_version == args.to_version:
        raise UsageError("cli.error.simulate.same_version", version=args.from_version)
    for flag, version in (("--from", args.from_version), ("--to", args.to_version)):
        if not version or any(c.isspace() for c in version):
            raise UsageError("cli.error.simulate.version_spaces", flag=flag)
    from models.report import RunSpec, estimated_work, simulate

    spec = RunSpec(strategy=args.strategy, servers=args.servers, batch=batch, rps=args.rps,
                   seed=args.seed, fault=args.fault, from_version=args.from_version,
                   to_version=args.to_version)
    if estimated_work(spec) > MAX_WORK:
        rps = _largest(lambda r: estimated_work(spec._replace(rps=r)) <= MAX_WORK)
        servers = _largest(lambda n: estimated_work(spec._replace(servers=n)) <= MAX_WORK)
        together = None
        if rps < 1 and servers < 1:  # neither alone is enough: both, on the book's four servers
            together = (TOGETHER_SERVERS, _largest(lambda r: estimated_work(
                spec._replace(rps=r, servers=TOGETHER_SERVERS)) <= MAX_WORK))
        raise UsageError("cli.error.simulate.too_much_work", rps=f"{args.rps:g}",
                         servers=args.servers, strategy=args.strategy,
                         ways=_lower_ways(rps, servers, together))
    if args.capacity is not None:
        spec = spec._replace(capacity_rps=args.capacity)
    if args.svg is not None:
        from app.cli.usage import target_problem

        problem = target_problem(args.svg, "SVG", bool(getattr(args, "force", False)))
        if problem:
            raise UsageError(problem)
    report = simulate(spec)
    if args.json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False) + "\n")
    else:
        from app.cli.simulate_report import print_report

        try:
            print_report(report, svg=args.svg)
        except OSError as err:
            if not args.svg or not err.filename:  # the output itself, not the SVG file
                raise
            from app.cli.usage import write_problem

            raise UsageError(write_problem(args.svg, "SVG", err)) from None
    return 0


def _lower_ways(rps: int, servers: int, together: tuple[int, int] | None = None):
    """What to lower to bring a run under MAX_WORK: --rps, --servers, either, or (`together`:
    servers and requests a second that fit) both at once (a message)."""
    from app.cli.usage import cli_msg

    if together is not None:
        return cli_msg("cli.error.simulate.ways_both", servers=f"{together[0]:,}",
                       rps=f"{together[1]:,}")
    ways = [cli_msg("cli.error.simulate.way_rps", rps=f"{rps:,}") if rps >= 1 else None,
            cli_msg("cli.error.simulate.way_servers", servers=f"{servers:,}")
            if servers >= 1 else None]
    if all(ways):
        return cli_msg("cli.error.simulate.ways_either", first=ways[0], second=ways[1])
    return next((w for w in ways if w), "")
