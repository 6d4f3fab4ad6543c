"""Shared test setup.

- A missing catalogue word fails the test instead of showing its key.
- Every test gets its own progress folder (`DEPLOYLAB_DATA_DIR` under its `tmp_path`), so no
  test reads or writes the learner's real data directory, and tests running side by side under
  pytest-xdist never share a database file.
- `launched`: the App a command-line call would run, recorded instead of taking over the
  terminal.
- The garbage collector is tuned for the test process (not the app): see
  `pytest_collection_finish`.
- `-n auto` starts one pytest-xdist worker more than the machine has cores: see
  `pytest_xdist_auto_num_workers`.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

# Set before anything looks a word up, and inherited by the CLI processes tests start.
os.environ["DEPLOYLAB_STRICT_WORDS"] = "1"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own data directory (not created: the store makes it on first use)."""
    folder = tmp_path / "data"
    monkeypatch.setenv("DEPLOYLAB_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def launched(monkeypatch):
    """Record the app the CLI would run instead of taking over the terminal."""
    seen = {}

    def fake_run(self, *args, **kwargs):
        seen["app"] = self

    monkeypatch.setattr("app.ui.app.DeployLabApp.run", fake_run)
    return seen


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """One worker more than there are cores. A UI test waits about as long as it computes:
    Textual's pilot sleeps 20 ms at a time after each key and pause until the app is idle, and
    while one worker sleeps another computes. On the 2-core machine (2,727 tests) 3 workers
    took 130 s; 4 took 117 to 127 s, but each test then runs at a third more load, and the
    tests that wait for a second layout or a served app's end failed there first, so 3 it
    stays. PYTEST_XDIST_AUTO_NUM_WORKERS decides when it is set."""
    chosen = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS")
    if chosen:
        return int(chosen)
    return len(os.sched_getaffinity(0)) + 1


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the tests are collected, what is alive (modules, the loaded course, test tables)
    stays alive: freeze it out of the collector's scans, and make full collections ten times
    rarer. The UI tests leave many short-lived cycles behind them, and full collections of the
    whole heap took a fifth of their CPU time; this makes the suite about 8% cheaper."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(700, 10, 100)
