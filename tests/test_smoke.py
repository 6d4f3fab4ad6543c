"""A first end-to-end check of the headless simulator (the engine tests go deeper)."""

from models.report import RunSpec, simulate


def test_book_in_place_keeps_two_serving():
    summary = simulate(RunSpec(strategy="in-place", servers=4, batch=2)).summary()
    assert summary["failed"] == 0
    assert summary["min_serving"] == 2
    assert summary["final_versions"] == {"v102": 4}
