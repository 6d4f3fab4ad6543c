"""`deploylab serve` in a real browser: Debian's Chromium driven by Playwright.

Skipped, saying how to install it, where /usr/bin/chromium is missing. Every wait is for what
the screen shows (tests/serve_support.py reads it), with generous timeouts, never a fixed sleep.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app.store import ProgressStore
from app.words import word
from tests.serve_support import CHROMIUM, CHROMIUM_ARGS, INSTALL_HINT, WAIT_S, Served, Tab

pytestmark = [pytest.mark.xdist_group("browser")]  # one Chromium per worker, not per test
if not CHROMIUM.exists():
    pytestmark.append(pytest.mark.skip(reason=INSTALL_HINT))

NEW_VERSION_ON_STAGE = re.compile(r"◆ v102 web-\d")  # the stage's mark of a server on v102
MAP_ROWS = ("5.1", "5.1.1", "5.1.2", "5.1.3", "5.1.4", "5.2.1", "5.2.2", "5.3")


def step_counter(lang: str) -> re.Pattern:
    """The lesson's "Step k of n" in `lang`, k and n as groups."""
    shown = re.escape(word("step.counter", lang, k="KK", n="NN"))
    return re.compile(shown.replace("KK", r"(\d+)").replace("NN", r"(\d+)"))


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install '.[test]'")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def sign_in(tab: Tab, name: str, lang: str = "en") -> None:
    tab.wait_for(word("name.title", lang))
    tab.focus()
    tab.type(name)
    tab.press("Enter")
    tab.wait_for(word("map.heading", lang))


def open_section(tab: Tab, section: str, lang: str = "en") -> None:
    for _ in range(MAP_ROWS.index(section)):
        tab.press("ArrowDown")
    tab.press("Enter")
    tab.wait_for(step_counter(lang))


def step(tab: Tab, lang: str = "en") -> tuple[int, int]:
    """Right, once the step shown has been drawn; the new step and the count."""
    k, n = map(int, tab.wait_for(step_counter(lang)).groups())
    tab.press("ArrowRight")
    tab.wait_for(word("step.counter", lang, k=k + 1, n=n))
    return k + 1, n


def step_to_end(tab: Tab, lang: str = "en") -> None:
    k, n = map(int, tab.wait_for(step_counter(lang)).groups())
    while k < n:
        k, n = step(tab, lang)


def completed(data_dir: Path, name: str) -> set[str]:
    with ProgressStore.open(name, path=data_dir) as store:
        return store.completed_sections()


def test_a_learner_signs_in_steps_through_5_1_2_and_keeps_progress(browser, tmp_path, data_dir):
    with Served(data_dir, lang="ko") as served:
        tab = Tab(browser, served.url)
        tab.wait_for(word("name.title", "ko"))
        tab.focus()
        tab.press("Enter")  # no name yet: asked again, with why
        tab.wait_for(word("name.reason.empty", "ko")[:12])
        tab.type("김민수")
        tab.press("Enter")
        tab.wait_for(word("map.heading", "ko"))
        [app_pid] = served.wait_for_apps(1)

        open_section(tab, "5.1.2", "ko")
        k, n = 1, None
        while not NEW_VERSION_ON_STAGE.search(tab.text()):
            k, n = step(tab, "ko")
            assert k < n, f"v102 never showed on the stage:\n{tab.text()}"
        shot = tmp_path / "5.1.2-v102.png"
        tab.page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        step_to_end(tab, "ko")  # the last step completes the section
        tab.close()
        served.wait_for_apps(0)  # closing the tab ended that learner's process
        assert app_pid not in served.app_pids()
    assert completed(data_dir, "김민수") == {"5.1.2"}
    assert [p.name for p in (data_dir / "profiles").iterdir()] == ["김민수"]


def test_two_learners_at_once_keep_their_progress_apart(browser, data_dir):
    with Served(data_dir) as served:
        minsu, alice = Tab(browser, served.url), Tab(browser, served.url)
        sign_in(minsu, "minsu")
        sign_in(alice, "alice")
        assert len(served.wait_for_apps(2)) == 2
        open_section(minsu, "5.3")
        open_section(alice, "5.1")
        for _ in range(2):  # both step at the same time; each tab keeps its own lesson
            step(minsu)
            step(alice)
        assert "5.3 " in minsu.text() and "5.3 " not in alice.text()
        step_to_end(alice)
        step_to_end(minsu)
        minsu.close()
        alice.close()
        served.wait_for_apps(0)
    assert completed(data_dir, "minsu") == {"5.3"}
    assert completed(data_dir, "alice") == {"5.1"}
    # the teacher's view lists the learners serve created, each with their one section
    export = data_dir.parent / "class.json"
    subprocess.run([sys.executable, "-m", "app.cli.main", "progress", "--all", "--export",
                    str(export)], check=True, capture_output=True, timeout=WAIT_S)
    learners = json.loads(export.read_text(encoding="utf-8"))["learners"]
    assert {r["profile"]: r["sections"] for r in learners} == {"alice": "5.1", "minsu": "5.3"}


def test_beyond_loopback_the_page_needs_the_class_code(browser, data_dir):
    with Served(data_dir, "--host", "0.0.0.0") as served:
        code = re.search(r"[?&]code=([\w-]+)", served.url).group(1)
        bare = f"http://127.0.0.1:{served.port}/"
        for path in ("", "static/js/textual.js", "ws", f"?code={code[:-1]}"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(bare + path, timeout=WAIT_S)
            assert refused.value.code == 403 and refused.value.read() == b"", path
        assert served.app_pids() == []
        tab = Tab(browser, f"{bare}?code={code}")  # the code, then its cookie, opens the app
        assert tab.response.status == 200
        sign_in(tab, "kim")
        tab.close()
        served.wait_for_apps(0)


def test_the_learner_past_the_limit_gets_a_page_that_says_so(browser, data_dir):
    with Served(data_dir, "--max-learners", "1") as served:
        first = Tab(browser, served.url)
        first.wait_for(word("name.title", "en"))
        second = Tab(browser, served.url)
        assert second.response.status == 503
        page = second.page.inner_text("body")
        for lang in ("en", "ko"):
            assert word("serve.full.title", lang) in page
            assert word("serve.full.body", lang, max=1) in page
        assert served.app_pids() == served.wait_for_apps(1)  # no process for the second
        first.close()
        served.wait_for_apps(0)
        second.page.reload()  # a place is free again
        sign_in(second, "second")
        second.close()
