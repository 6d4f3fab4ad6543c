"""Benchmarks for `make bench` (`python -m tests.benchmarks`); pytest does not collect them.

Each `bench_*.py` module here has a `main()` that measures something against a baseline taken in
the same run and prints one line per figure: the ratio, the target and PASS or FAIL. `main()`
returns False (or raises) when a target is missed; anything else counts as passed.
"""
