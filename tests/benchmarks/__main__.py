"""Run every `bench_*.py` module's `main()` in this package; exit 1 if any target was missed."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from pathlib import Path


def bench_modules() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(info.name for info in pkgutil.iter_modules([str(here)])
                  if info.name.startswith("bench_"))


def main(names: list[str] | None = None) -> int:
    missed = []
    for name in names or bench_modules():
        print(f"== {name}", flush=True)
        try:
            module = importlib.import_module(f"{__package__}.{name}")
            if module.main() is False:
                missed.append(name)
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            missed.append(name)
        print(flush=True)
    if missed:
        print("missed: " + ", ".join(missed))
        return 1
    print("all benchmarks met their targets")
    return 0


if __name__ == "__main__":
    # `python -m tests.benchmarks bench_engine` runs just that module.
    sys.exit(main(sys.argv[1:] or None))
