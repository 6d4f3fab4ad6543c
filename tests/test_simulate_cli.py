"""`deploylab simulate`: the issue's figures, determinism, bad arguments, and golden summaries.

Golden files: tests/golden/<name>.json hold a small summary of each strategy's seed-1 run. When
the engine changes on purpose, regenerate them deliberately and review the diff:

    DEPLOYLAB_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_simulate_cli.py -k golden
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main
from app.cli.usage import STRATEGY_NAMES

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"


def simulate_json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert main(["simulate", *args, "--json"]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    return json.loads(out.out)


# --- the "Done when" figures ----------------------------------------------------------
def test_in_place_two_of_four(capsys):
    s = simulate_json(capsys, "--strategy", "in-place", "--servers", "4", "--batch", "2")["summary"]
    assert s["failed"] == 0
    assert s["min_serving"] == 2
    assert s["max_instances"] == 4
    assert s["final_versions"] == {"v102": 4}
    assert s["outcome"] == "succeeded"


def test_in_place_one_at_a_time_keeps_three(capsys):
    s = simulate_json(capsys, "--strategy", "in-place", "--servers", "4", "--batch", "1")["summary"]
    assert s["min_serving"] == 3
    assert s["failed"] == 0


def test_in_place_default_batch_is_half_the_fleet(capsys):
    data = simulate_json(capsys, "--strategy", "in-place", "--servers", "6")
    assert data["params"]["batch"] == 3
    assert data["summary"]["min_serving"] == 3


def test_recreate_has_downtime(capsys):
    s = simulate_json(capsys, "--strategy", "recreate")["summary"]
    assert s["failed"] > 0
    assert s["downtime_s"] > 0
    assert s["min_serving"] == 0


def test_blue_green(capsys):
    s = simulate_json(capsys, "--strategy", "blue-green", "--servers", "4")["summary"]
    assert s["failed"] == 0
    assert s["min_serving"] >= 4
    assert s["max_instances"] == 8
    assert s["final_versions"] == {"v102": 4}


def test_in_server(capsys):
    s = simulate_json(capsys, "--strategy", "in-server")["summary"]
    assert s["failed"] == 0
    assert s["max_instances"] == 1


def test_blue_green_bad_build_rolls_back(capsys):
    s = simulate_json(capsys, "--strategy", "blue-green", "--fault", "bad-build")["summary"]
    assert s["outcome"] == "rolled_back"
    assert s["final_versions"] == {"v101": 4}
    assert s["failed"] == 0


@pytest.mark.parametrize("seed", ["1", "2", "3"])
@pytest.mark.parametrize("strategy", ["recreate", "in-place", "blue-green", "in-server", "canary"])
def test_timeline_agrees_with_the_summary(strategy, seed, capsys):
    data = simulate_json(capsys, "--strategy", strategy, "--seed", seed)
    summary, timeline = data["summary"], data["timeline"]
    # The chart's lowest capacity is the run's: building the start state is not a dip.
    assert min(b["serving"] for b in timeline) == summary["min_serving"]
    assert sum(b["requests"] for b in timeline) == summary["requests"]
    assert sum(b["failed"] for b in timeline) == summary["failed"]
    assert max(b["instances"] for b in timeline) == summary["max_instances"]


def test_json_has_the_contracted_shape(capsys):
    data = simulate_json(capsys, "--strategy", "canary", "--from", "v7", "--to", "v8")
    assert set(data) >= {"strategy", "params", "summary", "events", "timeline"}
    assert set(data["summary"]) >= {"requests", "succeeded", "failed", "min_serving",
                                    "max_instances", "downtime_s", "duration_s",
                                    "instance_seconds", "final_versions", "outcome"}
    assert data["summary"]["final_versions"] == {"v8": 4}
    assert data["summary"]["requests"] == sum(b["requests"] for b in data["timeline"])
    assert data["summary"]["failed"] == sum(b["failed"] for b in data["timeline"])
    assert all(set(e) == {"t", "kind", "target", "detail", "line"} for e in data["events"])


def test_same_seed_byte_identical_other_seed_other_counts(capsys):
    outputs = []
    for seed in ("3", "3", "4"):
        capsys.readouterr()
        assert main(["simulate", "--strategy", "blue-green", "--seed", seed, "--json"]) == 0
        outputs.append(capsys.readouterr().out.encode())
    assert outputs[0] == outputs[1]
    first, other = (json.loads(o)["summary"] for o in (outputs[0], outputs[2]))
    assert first["requests"] != other["requests"]


@pytest.mark.parametrize("strategy", ["recreate", "in-place", "blue-green", "in-server", "canary"])
def test_same_seed_identical_across_processes(strategy):
    # Different string hashing per process: nothing may depend on set or hash order.
    cmd = [sys.executable, "-m", "app.cli.main", "simulate", "--strategy", strategy, "--json"]
    runs = [subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT,
                           env={**os.environ, "PYTHONHASHSEED": hash_seed}).stdout
            for hash_seed in ("1", "2")]
    assert runs[0] == runs[1] and runs[0]


def test_readable_report_shows_summary_and_timeline(capsys):
    assert main(["simulate", "--strategy", "recreate"]) == 0
    out = capsys.readouterr().out
    for word in ("outcome", "succeeded", "fewest serving", "timeline", "serving", "failed",
                 "instances"):
        assert word in out
    # The failure row marks recreate's downtime with the reason's glyph, and the legend names it.
    failed_row = next(line for line in out.splitlines() if line.startswith("failed "))
    assert "○" in failed_row
    assert "○ no target" in out


def test_svg_is_written(tmp_path, capsys):
    target = tmp_path / "run.svg"
    assert main(["simulate", "--strategy", "in-server", "--svg", str(target)]) == 0
    assert target.read_text(encoding="utf-8").lstrip().startswith("<svg")


# --- bad arguments --------------------------------------------------------------------------
BAD_ARGS = [
    ["--servers", "0"],
    ["--servers", "-2"],
    ["--servers", "four"],
    ["--servers", "2.5"],
    ["--servers"],
    ["--servers", "4", "--batch", "5"],
    ["--batch", "0"],
    ["--batch", "x"],
    ["--strategy", "rolling"],
    ["--fault", "meteor"],
    ["--rps", "abc"],
    ["--rps", "0"],
    ["--rps", "-5"],
    ["--rps", "nan"],
    ["--rps", "inf"],
    ["--rps", "1e9"],
    ["--rps", "100001"],
    ["--strategy", "canary", "--rps", "20000"],  # more work than a minute
    ["--servers", "5000", "--rps", "1000"],
    ["--seed", "one"],
    ["--from", "v102", "--to", "v102"],
    ["--to", ""],
    ["--to", "v1 02"],
    ["--servers", "100000"],
    ["--unknown-flag"],
    ["extra"],
]


@pytest.mark.parametrize("args", BAD_ARGS, ids=lambda a: " ".join(a) or "empty")
def test_bad_arguments_exit_2_with_one_sentence(args, capsys):
    assert main(["simulate", *args]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    lines = out.err.splitlines()
    assert len(lines) == 1, out.err
    assert lines[0].startswith("deploylab: ") and "Traceback" not in out.err


def test_an_unwritable_svg_path_is_one_sentence(tmp_path, capsys):
    target = tmp_path / "no-such-dir" / "run.svg"
    assert main(["simulate", "--strategy", "in-server", "--svg", str(target)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and str(target) in err[0]


@pytest.mark.parametrize("args", [["--servers", "0"], ["--strategy", "nope"], ["--rps", "x"]])
def test_bad_arguments_in_a_real_process(args):
    run = subprocess.run([sys.executable, "-m", "app.cli.main", "simulate", *args],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and "Traceback" not in run.stderr


@pytest.mark.parametrize("json_flag", [["--json"], []])
def test_simulate_does_not_import_textual(json_flag):
    code = ("import sys\nfrom app.cli.main import main\n"
            f"rc = main(['simulate', *{json_flag!r}])\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
            "sys.stderr.write(repr(loaded))\n"
            "sys.exit(rc)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stderr == "[]"


ENGINE_MODULES = {"app", "app.cli", "app.cli.main", "app.cli.usage", "app.cli.simulate",
                  "models", "models.actions", "models.cluster",
                  "models.engine", "models.frames", "models.loadbalancer", "models.messages",
                  "models.metrics", "models.params", "models.report", "models.scenarios",
                  "models.strategies"}


def test_simulate_json_loads_only_the_engine():
    """Start-up time is part of the contract (see tests/benchmarks): `simulate --json` must not
    pull in the course, the grader, rich or Textual."""
    code = ("import sys\nfrom app.cli.main import main\nrc = main(['simulate', '--json'])\n"
            "ours = ('app', 'models', 'lessons', 'rich', 'textual')\n"
            "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] in ours)))\n"
            "sys.exit(rc)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    loaded = set(ast.literal_eval(run.stderr))
    assert loaded - ENGINE_MODULES == set()


# --- golden summaries -------------------------------------------------------------------------
GOLDEN_RUNS = {
    "recreate": ["--strategy", "recreate"],
    "in-place": ["--strategy", "in-place"],
    "in-place-batch-1": ["--strategy", "in-place", "--batch", "1"],
    "blue-green": ["--strategy", "blue-green"],
    "blue-green-bad-build": ["--strategy", "blue-green", "--fault", "bad-build"],
    "in-server": ["--strategy", "in-server"],
    "canary": ["--strategy", "canary"],
}


def golden_view(data: dict) -> dict:
    """The part of a run a golden file keeps: the summary and the actions, in order."""
    actions = [f"{e['t']:g} {e['target']}" for e in data["events"] if e["kind"] == "action"]
    return {"summary": data["summary"], "actions": actions}


@pytest.mark.parametrize("name", sorted(GOLDEN_RUNS))
def test_golden_summary(name, capsys):
    data = simulate_json(capsys, *GOLDEN_RUNS[name], "--seed", "1")
    got = json.dumps(golden_view(data), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    path = GOLDEN / f"{name}.json"
    if os.environ.get("DEPLOYLAB_UPDATE_GOLDEN") == "1":
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"{path} is missing; see this module's docstring to create it"
    assert got == path.read_text(encoding="utf-8"), (
        f"{name} changed; if the engine changed on purpose, regenerate (see module docstring)")


# --- bounds by work, not by rate --------------------------------------------------------------
def test_a_high_rate_is_accepted_when_the_work_is_small():
    from app.cli.usage import MAX_WORK
    from models.report import RunSpec, estimated_work

    assert estimated_work(RunSpec(strategy="in-place", rps=20000)) <= MAX_WORK
    assert estimated_work(RunSpec(strategy="blue-green", servers=1000, rps=8700)) <= MAX_WORK
    assert estimated_work(RunSpec(strategy="in-place", servers=5000, rps=10)) > MAX_WORK


def test_too_much_work_is_refused_before_running_naming_what_would_fit(capsys, monkeypatch):
    import models.report

    def never(*args, **kwargs):
        raise AssertionError("ran a simulation it should have refused")

    monkeypatch.setattr(models.report, "simulate", never)
    assert main(["simulate", "--strategy", "canary", "--rps", "20000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("deploylab: --rps 20000 on 4 servers with canary is more work than")
    assert "lower --rps to 17," in err and err.count("\n") == 1
    assert main(["simulate", "--servers", "5000", "--rps", "1000"]) == 2
    assert "lower --servers to 2," in capsys.readouterr().err
    # Neither flag alone is enough: both, with a pair that fits (the sentence ended in
    # "lower " and nothing else).
    assert main(["simulate", "--rps", "50000", "--servers", "4000"]) == 2
    err = capsys.readouterr().err
    assert err.endswith("; lower --rps and --servers together, for example to --servers 4 "
                        "with --rps 47,807\n"), err
    from app.cli.usage import MAX_WORK
    from models.report import RunSpec, estimated_work

    assert estimated_work(RunSpec(strategy="in-place", servers=4, rps=47807)) <= MAX_WORK
    assert estimated_work(RunSpec(strategy="in-place", servers=4, rps=47808)) > MAX_WORK


@pytest.mark.parametrize("strategy", STRATEGY_NAMES)
@pytest.mark.parametrize("fault", ["none", "bad-build", "slow-start"])
def test_the_run_length_the_estimate_uses_matches_the_engine(strategy, fault):
    """The work estimate's table of run lengths stays within 25% of what the engine runs."""
    from models.engine import LEAD_IN_S
    from models.report import RUN_SECONDS, RunSpec, simulate

    report = simulate(RunSpec(strategy=strategy, fault=fault, rps=2))
    run_s = LEAD_IN_S + report.summary()["duration_s"]
    assert 0.75 * run_s <= RUN_SECONDS[strategy][fault] <= 1.25 * run_s, run_s
