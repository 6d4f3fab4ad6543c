"""Engine speed and memory against baselines measured in the same run (issue 2's targets).

1. Throughput: the engine's requests per second on steady traffic against a bare simpy model of
   the same traffic with the same capacity model (Poisson arrivals, 4 round-robin servers, a simpy
   `Resource` of workers per server with a bounded queue, nothing else). Target: engine/bare >= 0.5.
2. Memory: `deploylab simulate`, blue/green on 1000 servers carrying at least 1,000,000
   requests: its peak RSS. Target: under 200 MB; and, like the largest runs the command
   accepts (20,000 rps; 2,000 servers), it finishes within a minute of wall time.
3. Start-up: `deploylab simulate --json` on the book's scenario (in-place, 4 servers, 2 at a
   time) as a whole process against `python -c "import simpy, rich"`, same interpreter, median of
   several interleaved runs. Target: ratio <= 1.5.

Times are CPU seconds (user + system), so other work on the machine does not skew a ratio; wall
times are printed alongside.
"""

from __future__ import annotations

import compileall
import json
import math
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import simpy

from models.engine import LEAD_IN_S, Simulation
from models.params import SimParams
from models.scenarios import FLEET, Scenario

ROOT = Path(__file__).resolve().parents[2]

SERVERS = 4
RPS = 2000.0
SIMULATED_S = 100.0
# Servers sized so this traffic keeps them about 80% busy: queues form but rarely overflow.
WORKERS = SimParams().workers
PARAMS = SimParams(rps=RPS).with_capacity(RPS / SERVERS / 0.8)
ROUNDS = 3
THROUGHPUT_TARGET = 0.5

MEMORY_SERVERS = 1000
MEMORY_REQUESTS = 1_000_000
MEMORY_TARGET_MB = 200.0
ACCEPTED_TARGET_S = 60.0  # every run `simulate` accepts finishes within a minute

STARTUP_RUNS = 15
STARTUP_TARGET = 1.5
BOOK_SCENARIO = ["simulate", "--strategy", "in-place", "--servers", "4", "--batch", "2", "--json"]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# --- 1. throughput ---------------------------------------------------------------------------
def bare_simpy(seed: int) -> tuple[int, float]:
    """The same traffic with nothing else: Poisson arrivals, round robin, a simpy `Resource` of
    WORKERS per server with a bounded queue. Returns (requests, CPU seconds)."""
    env = simpy.Environment()
    rng = random.Random(seed)
    servers = [simpy.Resource(env, capacity=WORKERS) for _ in range(SERVERS)]
    served = [0]
    queue_limit = PARAMS.queue_limit

    def request(server: simpy.Resource, service: float):
        with server.request() as slot:
            yield slot
            yield env.timeout(service)

    def arrivals():
        expo, timeout = rng.expovariate, env.timeout
        service_rate = 1.0 / PARAMS.service_mean_s
        rr = 0
        while True:
            yield timeout(expo(RPS))
            rr = (rr + 1) % SERVERS
            served[0] += 1
            server = servers[rr]
            if len(server.queue) < queue_limit:
                env.process(request(server, expo(service_rate)))

    env.process(arrivals())
    start = time.process_time()
    env.run(until=SIMULATED_S)
    return served[0], time.process_time() - start


def engine(seed: int) -> tuple[int, float]:
    """The engine on the same traffic (steady state, no deployment running)."""
    sim = Simulation(Scenario(FLEET, SERVERS), PARAMS, seed)
    start = time.process_time()
    sim.advance(SIMULATED_S)
    return sim.metrics.requests, time.process_time() - start


def throughput() -> bool:
    best = {"bare": 0.0, "engine": 0.0}
    for round_ in range(ROUNDS):
        for name, run in (("bare", bare_simpy), ("engine", engine)):
            requests, cpu = run(round_ + 1)
            best[name] = max(best[name], requests / cpu)
    ratio = best["engine"] / best["bare"]
    ok = ratio >= THROUGHPUT_TARGET
    print(f"throughput: engine {best['engine']:,.0f} req/s, bare simpy {best['bare']:,.0f} req/s "
          f"({SERVERS} servers, {RPS:g} rps)")
    print(f"throughput ratio engine/bare {ratio:.2f} (target >= {THROUGHPUT_TARGET}) {verdict(ok)}")
    return ok


# --- 2. memory, and the largest runs the command accepts ------------------------------------
def cli_run(*args: str) -> tuple[dict, float, float]:
    """`deploylab simulate ... --json` as a process: its summary, wall seconds and peak RSS (MB)."""
    start = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).parent / "deploylab"), "simulate", *args,
                           "--json"], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(done.stderr.strip())
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far
    return json.loads(done.stdout)["summary"], wall, peak_kb / 1024


def memory() -> bool:
    # A light run finds how long the whole run lasts (lead-in, deployment, observation); then
    # enough traffic for the target, which the command must accept and finish within a minute.
    fleet = ["--strategy", "blue-green", "--servers", str(MEMORY_SERVERS)]
    probe, _wall, _peak = cli_run(*fleet, "--rps", "50")
    rps = math.ceil(MEMORY_REQUESTS * 1.02 / (LEAD_IN_S + probe["duration_s"]))
    big, wall, peak_mb = cli_run(*fleet, "--rps", str(rps))
    ok = peak_mb < MEMORY_TARGET_MB and big["requests"] >= MEMORY_REQUESTS
    print(f"memory: deploylab simulate blue-green, {MEMORY_SERVERS} servers, "
          f"{big['requests']:,} requests at {rps:,} rps, outcome {big['outcome']}")
    print(f"memory peak RSS {peak_mb:.1f} MB (target < {MEMORY_TARGET_MB:g} MB) {verdict(ok)}")
    fast = wall < ACCEPTED_TARGET_S
    print(f"the same run took {wall:.1f} s wall (anything accepted: target < "
          f"{ACCEPTED_TARGET_S:g} s) {verdict(fast)}")
    return ok and fast


def largest_accepted() -> bool:
    """The runs at the edge of what `simulate` accepts finish within a minute."""
    ok = True
    for args in (["--strategy", "in-place", "--rps", "20000"],
                 ["--strategy", "in-place", "--servers", "2000", "--rps", "10"]):
        summary, wall, _peak = cli_run(*args)
        fast = wall < ACCEPTED_TARGET_S
        ok = ok and fast
        print(f"accepted: simulate {' '.join(args)}: {summary['requests']:,} requests, "
              f"{wall:.1f} s wall (target < {ACCEPTED_TARGET_S:g} s) {verdict(fast)}")
    return ok


# --- 3. start-up -----------------------------------------------------------------------------
def timed(cmd: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def startup() -> bool:
    # An installed program runs from bytecode; this checkout may be set not to write any
    # (PYTHONDONTWRITEBYTECODE), which would charge compiling our modules to every run.
    for package in ("app", "models"):
        compileall.compile_dir(ROOT / package, quiet=1)
    script = Path(sys.executable).with_name("deploylab")
    target = [str(script), *BOOK_SCENARIO] if script.exists() else \
        [sys.executable, "-m", "app.cli.main", *BOOK_SCENARIO]
    baseline = [sys.executable, "-c", "import simpy, rich"]
    timed(target), timed(baseline)  # warm the file cache
    runs: dict[str, list[tuple[float, float]]] = {"target": [], "baseline": []}
    for _ in range(STARTUP_RUNS):
        runs["baseline"].append(timed(baseline))
        runs["target"].append(timed(target))
    cpu = {k: statistics.median(c for c, _ in v) for k, v in runs.items()}
    wall = {k: statistics.median(w for _, w in v) for k, v in runs.items()}
    ratio = cpu["target"] / cpu["baseline"]
    ok = ratio <= STARTUP_TARGET
    print(f"start-up: deploylab simulate --json {cpu['target'] * 1000:.0f} ms CPU "
          f"({wall['target'] * 1000:.0f} ms wall), import simpy, rich "
          f"{cpu['baseline'] * 1000:.0f} ms CPU ({wall['baseline'] * 1000:.0f} ms wall)")
    print(f"start-up ratio {ratio:.2f} CPU, {wall['target'] / wall['baseline']:.2f} wall "
          f"(target <= {STARTUP_TARGET}) {verdict(ok)}")
    return ok


def main() -> bool:
    results = [throughput(), memory(), largest_accepted(), startup()]
    return all(results)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
