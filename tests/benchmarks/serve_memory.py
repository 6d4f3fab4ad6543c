"""What serving a class costs: resident memory of `deploylab serve` plus its app processes with
N learners signed in (N = 1, 5, 10), and how long a tab takes to show its first frame.

Not part of `make bench` (it needs Chromium): `python -m tests.benchmarks.serve_memory [N ...]`.
Memory is VmRSS from /proc summed over the server and its children (one app per tab; the
browser is not counted). Times: from asking the browser to open the page to the name screen's
text on it (the first frame), and from Enter on the name to the map's heading.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from app.words import word
from tests.serve_support import CHROMIUM, CHROMIUM_ARGS, INSTALL_HINT, Served, Tab, rss_kib

SETTLE_S = 2.0  # after the last sign-in, for the apps' first-screen work to finish


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def settle(tab: Tab) -> None:
    tab.page.wait_for_timeout(SETTLE_S * 1000)


def total(served: Served) -> str:
    server_kib = rss_kib(served.process.pid)
    app_kib = [rss_kib(pid) for pid in served.app_pids()]
    return (f"{mib(server_kib + sum(app_kib))} in all (server {mib(server_kib)}, "
            f"each app {mib(min(app_kib))} to {mib(max(app_kib))})")


def measure(counts: list[int]) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as data, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        with Served(Path(data), "--max-learners", str(max(counts))) as served:
            print(f"server alone: {mib(rss_kib(served.process.pid))}")
            tabs: list[Tab] = []
            first_frame, to_map = [], []
            for n in counts:
                while len(tabs) < n:
                    tab = Tab(browser, served.url)
                    tab.wait_for(word("name.title", "en"), timeout=60)
                    first_frame.append(time.monotonic() - tab.opened_at)
                    tab.focus()
                    tab.type(f"learner-{len(tabs) + 1}")
                    asked = time.monotonic()
                    tab.press("Enter")
                    tab.wait_for(word("map.heading", "en"), timeout=60)
                    to_map.append(time.monotonic() - asked)
                    if not tabs:
                        settle(tab)
                        print(f"N= 1 on the map: {total(served)}")
                    for _ in range(2):  # the lesson a class starts with: 5.1.2, stepping
                        tab.press("ArrowDown")
                    tab.press("Enter")
                    tab.wait_for(word("step.counter", "en", k=1, n=10), timeout=60)
                    tab.press("ArrowRight")
                    tabs.append(tab)
                served.wait_for_apps(n)
                settle(tabs[-1])
                print(f"N={n:>2} in 5.1.2: {total(served)}")
            print(f"page to first frame: median {statistics.median(first_frame):.2f} s, "
                  f"max {max(first_frame):.2f} s ({len(first_frame)} tabs opened one by one)")
            print(f"name to map: median {statistics.median(to_map):.2f} s, "
                  f"max {max(to_map):.2f} s")
            for tab in tabs:
                tab.close()
        browser.close()


def main(argv: list[str]) -> int:
    if not CHROMIUM.exists():
        print(INSTALL_HINT)
        return 1
    measure(sorted(int(a) for a in argv) or [1, 5, 10])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
