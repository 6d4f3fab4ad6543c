"""The 5.3 comparison table: every number comes from running a strategy and its rollback."""

import pytest

from models.compare import COLUMNS, ComparisonRow, busy_rps, compare_strategies, rollback_time
from models.params import SimParams
from models.report import RunSpec, simulate

ALL = ("recreate", "in-place", "blue-green", "in-server", "canary")
ZERO_DOWNTIME = ("in-place", "blue-green", "in-server", "canary")


def by_name(rows):
    return {row.strategy: row for row in rows}


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_rows_show_what_each_strategy_does(seed):
    rows = by_name(compare_strategies(ALL, servers=4, seed=seed, rps=4.0))
    assert rows["recreate"].failed > 0 and rows["recreate"].downtime_s > 0
    assert rows["recreate"].min_serving == 0
    for name in ZERO_DOWNTIME:
        assert rows[name].failed == 0, name
        assert rows[name].downtime_s == 0, name
    assert rows["blue-green"].max_instances == 8
    assert rows["blue-green"].min_serving >= 4
    assert rows["in-place"].min_serving == 2
    assert rows["in-place"].max_instances == 4
    assert rows["in-server"].max_instances == 1
    assert 4 < rows["canary"].max_instances < rows["blue-green"].max_instances
    # Switching traffic back beats redeploying the old version.
    assert rows["blue-green"].rollback_s < rows["in-place"].rollback_s
    assert rows["in-server"].rollback_s < rows["blue-green"].rollback_s
    assert all(row.rollback_s > 0 for row in rows.values())


def test_rows_are_the_numbers_simulate_reports():
    for row in compare_strategies(ALL, servers=4, seed=3, rps=4.0):
        summary = simulate(RunSpec(strategy=row.strategy, servers=4, batch=2, rps=4.0,
                                   seed=3)).summary()
        assert row.failed == summary["failed"]
        assert row.downtime_s == summary["downtime_s"]
        assert row.min_serving == summary["min_serving"]
        assert row.max_instances == summary["max_instances"]
        assert row.duration_s == summary["deployment_s"]


def test_fleet_size_changes_the_measurements():
    rows = by_name(compare_strategies(("in-place", "blue-green"), servers=6, seed=1))
    assert rows["in-place"].min_serving == 3  # three of six at a time
    assert rows["blue-green"].max_instances == 12


def test_order_and_columns_follow_the_request():
    rows = compare_strategies(("canary", "recreate"))
    assert [r.strategy for r in rows] == ["canary", "recreate"]
    assert COLUMNS == ("failed", "downtime_s", "min_serving", "max_instances", "duration_s",
                       "rollback_s", "busy_failed", "busy_p95_s")
    assert all(isinstance(r, ComparisonRow) for r in rows)


def test_same_seed_same_table_other_seed_other_traffic():
    assert compare_strategies(ALL, seed=2) == compare_strategies(ALL, seed=2)
    recreate_1 = compare_strategies(("recreate",), seed=1)[0]
    recreate_2 = compare_strategies(("recreate",), seed=2)[0]
    assert recreate_1.failed != recreate_2.failed


def test_in_place_rollback_is_a_whole_rolling_redeploy():
    # CodeDeploy rolls back by deploying the last good revision the same way: as slow as the deploy.
    deploy = compare_strategies(("in-place",), seed=1)[0].duration_s
    assert rollback_time("in-place", seed=1) == pytest.approx(deploy, rel=0.1)


def test_unknown_strategy_is_one_clear_error():
    with pytest.raises(ValueError, match="unknown strategy 'blue-grene'"):
        compare_strategies(("blue-grene",))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_busy_hour_shows_what_in_place_costs(seed):
    """What 5.3's busy-hour step says, on every seed: at a busy hour in-place and recreate lose
    requests, blue/green, canary and in-server lose none, and in-place's p95 is the longest."""
    rows = by_name(compare_strategies(ALL, servers=4, seed=seed, rps=4.0))
    assert rows["in-place"].busy_failed > 0
    assert rows["recreate"].busy_failed > rows["in-place"].busy_failed
    for name in ("blue-green", "canary", "in-server"):
        assert rows[name].busy_failed == 0
    assert rows["in-place"].busy_p95_s == max(r.busy_p95_s for r in rows.values())


def test_a_busy_hour_is_three_quarters_of_each_fleets_capacity():
    assert busy_rps("in-place", 4) == 0.75 * 4 * SimParams().capacity_rps
    assert busy_rps("in-server", 4) == 0.75 * 1 * SimParams().capacity_rps  # one host
