"""Engine speed and memory against baselines measured in the same run (issue 2's targets).

1. Throughput: the engine's requests per second on steady traffic against a bare simpy model of
   the same traffic with the same capacity model (Poisson arrivals, 4 round-robin servers, a simpy
   `Resource` of workers per server with a bounded queue, nothing else). Target: engine/bare >= 0.5.
2. Memory: a blue/green deployment of 1000 servers carrying at least 1,000,000 requests, in a
   subprocess that reports its own peak RSS. Target: under 200 MB.
3. Start-up: `deploylab simulate --json` on the book's scenario (in-place, 4 servers, 2 at a
   time) as a whole process against `python -c "import simpy, rich"`, same interpreter, median of
   several interleaved runs. Target: ratio <= 1.5.

Times are CPU seconds (user + system), so other work on the machine does not skew a ratio; wall
times are printed alongside.
"""

from __future__ import annotations

import compileall
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import simpy

from models.engine import Simulation
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


# --- 2. memory -------------------------------------------------------------------------------
MEMORY_CHILD = """
import json, resource, sys
from models.report import RunSpec, simulate
rps = float(sys.argv[1])
base_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if rps:
    s = simulate(RunSpec(strategy="blue-green", servers={servers}, rps=rps, seed=1)).summary()
else:
    s = {{}}
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"peak_mb": peak_kb / 1024, "requests": s.get("requests", 0),
                  "duration_s": s.get("duration_s", 0), "outcome": s.get("outcome")}}))
"""


def child_run(rps: float) -> dict:
    code = MEMORY_CHILD.format(servers=MEMORY_SERVERS)
    done = subprocess.run([sys.executable, "-c", code, str(rps)], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    return json.loads(done.stdout)


def memory() -> bool:
    # A short run finds how long the deployment takes; then enough traffic for the target.
    probe = child_run(50.0)
    rps = MEMORY_REQUESTS * 1.1 / probe["duration_s"]
    start = time.perf_counter()
    big = child_run(rps)
    wall = time.perf_counter() - start
    imports_only = child_run(0.0)
    ok = big["peak_mb"] < MEMORY_TARGET_MB and big["requests"] >= MEMORY_REQUESTS
    print(f"memory: blue-green, {MEMORY_SERVERS} servers, {big['requests']:,} requests at "
          f"{rps:,.0f} rps, outcome {big['outcome']}, {wall:.1f} s wall")
    print(f"memory peak RSS {big['peak_mb']:.1f} MB (imports alone {imports_only['peak_mb']:.1f} "
          f"MB; target < {MEMORY_TARGET_MB:g} MB) {verdict(ok)}")
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
    results = [throughput(), memory(), startup()]
    return all(results)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
