"""The sandbox: practice with no exercise (models/sandbox.py, the practice screen given a
`SandboxSpec`, `s` on the map and `deploylab sandbox`).

Pilot tests set the console's value and press Enter; the CLI is tested by parsing and by
building the app it would run without running it (as tests/test_app_cli.py does). Files the
sandbox saves go to each test's own folder.
"""

from __future__ import annotations

import pytest
from textual.widgets import Static

from app.cli.main import build_parser, main
from app.cli.sandbox import sandbox_spec
from app.cli.usage import SANDBOX_SCENARIOS
from app.ui.dialogs.confirm_solution import ConfirmSolutionScreen
from app.ui.screens.course_map import CourseMapScreen
from app.ui.screens.practice import PracticeScreen
from app.words import word
from models.grading import grade
from models.grammar import offered
from models.sandbox import (
    MAX_RPS,
    MAX_SERVERS,
    SCENARIOS,
    SandboxSession,
    SandboxSpec,
    attempt_script,
    matching,
    problem,
)
from tests.support import commands, enter, loaded_exercises, new_app, plain, settle

SIZE = (120, 36)
EXERCISES = loaded_exercises()
REFERENCE = commands(EXERCISES["bluegreen"].solution)
MISTAKE = ["launch green 4 v102", "register green", "deregister blue", "wait 20"]


@pytest.fixture(autouse=True)
def own_folder(tmp_path, monkeypatch):
    """The sandbox saves into the current folder: each test's own."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def shown(screen, selector: str) -> str:
    return plain(screen.query_one(selector, Static).content)


def log_text(screen) -> str:
    return " ".join(plain(screen.log_text(kind, payload)) for kind, payload in screen._log)


# --- the model ------------------------------------------------------------------------------

def run_lines(session, lines):
    for line in lines:
        session.begin(session.parse(line))
        session.finish_current()
    return session


def test_the_sandbox_scenarios_are_the_clis():
    assert SANDBOX_SCENARIOS == SCENARIOS


def test_the_bluegreen_reference_built_in_the_sandbox_passes_grade():
    session = run_lines(SandboxSession(SandboxSpec()), REFERENCE)
    assert not session.goal_now()  # no goal: the sandbox never ends a run by itself
    text = attempt_script(["a header line", ""], session.actions)
    assert text.startswith("# a header line\n#\nlaunch green 4 v102\n")
    result = grade(EXERCISES["bluegreen"], text)
    assert result.passed and result.score == 100
    # The same start state: every blue/green exercise of 4 could grade it, the same traffic first.
    assert matching(SandboxSpec(), EXERCISES.values())[0] == "bluegreen"
    assert "in-place" not in matching(SandboxSpec(), EXERCISES.values())
    assert matching(SandboxSpec("fleet"), EXERCISES.values()) == ["in-place"]


def test_ending_a_run_sums_up_what_users_saw_and_the_replay_stops_at_the_failure():
    session = run_lines(SandboxSession(SandboxSpec("fleet")), ["deregister web", "wait 30"])
    assert session.coaching().level == "failing"
    session.end_run()
    users = session.seen
    assert users.failed == session.sim.metrics.failed > 0
    assert users.requests == users.succeeded + users.failed
    assert [(f.cause, f.line) for f in users.failures] == [("no_target", 1)]
    first = session.first_failure_stop()
    assert first is not None and first in session.stops()
    assert session.efficiency() == {}
    # Undo goes back to a live run, without the summary.
    session.undo()
    assert session.seen is None and not session.graded and len(session.actions) == 1


def test_a_clean_run_sees_no_failure():
    session = run_lines(SandboxSession(SandboxSpec()), REFERENCE)
    session.end_run()
    assert session.seen.failed == 0 and session.seen.failures == ()
    assert session.first_failure_stop() is None


@pytest.mark.parametrize(("spec", "says"), [
    (SandboxSpec(servers=MAX_SERVERS + 1), f"--servers {MAX_SERVERS + 1} is more than"),
    (SandboxSpec(rps=MAX_RPS * 2), f"--rps {MAX_RPS * 2:g} is more than"),
    (SandboxSpec(scenario="canary"), "--scenario canary is not one of fleet, bluegreen"),
    (SandboxSpec(fault="meteor"), "--fault meteor is not one of none, "),
])
def test_what_the_live_stage_cannot_show_is_one_sentence_in_either_language(spec, says):
    from app.words import render

    message = problem(spec)  # a message, not a sentence: the model words nothing
    english, korean = render(message, "en"), render(message, "ko")
    assert english.startswith(says) and "\n" not in english
    assert "\n" not in korean and any("\uac00" <= c <= "\ud7a3" for c in korean)


def test_the_options_line_opens_the_same_sandbox():
    spec = SandboxSpec("fleet", 6, 20.0, 12.0, "slow-start", 7)
    argv = spec.options().split()[1:]  # without the program name
    assert sandbox_spec(build_parser().parse_args(argv)) == spec
    in_server = SandboxSpec("in-server")
    assert "--servers" not in in_server.options()
    assert sandbox_spec(build_parser().parse_args(in_server.options().split()[1:])) == \
        in_server._replace(servers=4)


# --- the command line -----------------------------------------------------------------------

async def test_deploylab_sandbox_opens_the_sandbox_with_the_options(launched):
    assert main(["sandbox", "--scenario", "fleet", "--servers", "6", "--rps", "20",
                 "--capacity", "12", "--fault", "slow-start", "--seed", "7", "--lang", "ko"]) == 0
    app = launched["app"]
    assert app.sandbox == SandboxSpec("fleet", 6, 20.0, 12.0, "slow-start", 7)
    assert app.lang == "ko"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, PracticeScreen), "the sandbox")
        screen = app.screen
        assert screen.sandbox and isinstance(screen.session, SandboxSession)
        sim = screen.session.sim
        assert sim.scenario.kind == "fleet" and sim.scenario.servers == 6
        assert sim.params.rps == 20 and sim.params.fault == "slow-start"
        assert sim.params.capacity_rps == pytest.approx(12) and sim.seed == 7
        hosts = [n.name for n in sim.frame().nodes if n.kind == "host"]
        assert hosts == [f"web-{i}" for i in range(1, 7)]
        await enter(pilot, screen, "deregister web-1")
        assert screen.session.results[-1].ok


def test_deploylab_sandbox_defaults_to_blue_green_of_four(launched):
    assert main(["--lang", "en", "sandbox"]) == 0
    assert launched["app"].sandbox == SandboxSpec()


@pytest.mark.parametrize(("argv", "names"), [
    (["--servers", "0"], "--servers"),
    (["--servers", "four"], "--servers"),
    (["--servers", "21"], "--servers 21"),
    (["--servers", "6000"], "--servers 6000"),  # simulate's own limit, in simulate's words
    (["--rps", "0"], "--rps"),
    (["--rps", "nan"], "--rps"),
    (["--rps", "500"], "--rps 500"),
    (["--rps", "200000"], "--rps 200000"),
    (["--capacity", "-1"], "--capacity"),
    (["--fault", "bad-bild"], "--fault"),
    (["--scenario", "console"], "--scenario"),
    (["--scenario", "in-server", "--servers", "3"], "--servers 3"),
    (["--seed", "1.5"], "--seed"),
    (["--sed", "1"], "--sed"),
])
def test_bad_sandbox_options_are_one_sentence_and_exit_2(capsys, launched, argv, names):
    assert main(["sandbox", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("deploylab: ") and err.count("\n") == 0, err
    assert names in err
    assert "Traceback" not in err and "app" not in launched


# --- the screen -----------------------------------------------------------------------------

async def open_sandbox_from_the_map(pilot):
    app = pilot.app
    await pilot.pause()
    assert isinstance(app.screen, CourseMapScreen)
    await pilot.press("s")
    await settle(pilot, lambda: isinstance(app.screen, PracticeScreen), "s on the map")
    return app.screen


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_s_on_the_map_opens_the_sandbox_with_every_command_and_no_score(lang):
    app = new_app(lang=lang, instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sandbox_from_the_map(pilot)
        assert screen.sandbox and screen.session.spec == SandboxSpec()
        assert screen.panel.choices == offered("bluegreen")  # every command, as buttons
        assert word("sandbox.goal.heading", lang) in shown(screen, "#practice-goal")
        keys = {b.binding.action for b in screen.active_bindings.values()}
        assert {"hint", "solution", "exercises", "exam"}.isdisjoint(keys)
        for line in MISTAKE:
            await enter(pilot, screen, line)
            assert screen.console.feedback_kind != "error", screen.console.feedback_text
        assert not screen.graded  # no goal: the run goes on
        coaching = screen.session.coaching()
        assert coaching.level == "failing" and coaching.failed > 0
        logged = log_text(screen)
        assert word("coach.mark_failing", lang) in logged and f"{coaching.failed}" in logged
        # d ends the run: what users saw, no score, no criteria; the replay starts at the failure.
        await pilot.press("escape", "d")
        await pilot.pause()
        assert screen.graded
        users = screen.session.seen
        report = shown(screen, "#practice-grade")
        assert word("sandbox.seen.heading", lang) in report
        assert word("sandbox.seen.total", lang, requests=f"{users.requests:,}",
                    succeeded=f"{users.succeeded:,}", failed=f"{users.failed:,}") in report
        bar = shown(screen, "#practice-bar")
        assert word("sandbox.bar.ended", lang, failed=f"{users.failed:,}",
                    requests=f"{users.requests:,}") in bar
        assert word("practice.grade.heading", lang) not in report
        assert screen.replay_stop == screen.session.first_failure_stop()
        posted = [m for m in screen._log if m[0] == "result"]
        assert len(posted) == len(MISTAKE)
        assert app.store.practice_attempts() == []  # nothing recorded
        # Replay, then undo back to a live run, then reset.
        before = screen.replay_stop
        await pilot.press("left")
        await pilot.pause()
        assert screen.replay_stop is not None and screen.replay_stop.order < before.order
        await pilot.press("u")
        await pilot.pause()
        assert not screen.graded and len(screen.session.actions) == len(MISTAKE) - 1
        await pilot.press("escape", "r")
        await pilot.pause()
        assert screen.session.actions == ()
        # h and s do nothing here; Escape goes back to the map.
        await pilot.press("escape", "h", "s")
        await pilot.pause()
        assert app.screen is screen and not isinstance(app.screen, ConfirmSolutionScreen)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, CourseMapScreen), "back to the map")


async def test_save_writes_a_file_grade_accepts_and_never_overwrites(own_folder, capsys):
    app = new_app(lang="en", instant=True)
    kept = own_folder / "sandbox-bluegreen-1.txt"
    kept.write_text("mine\n", encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sandbox_from_the_map(pilot)
        await pilot.press("escape", "w")  # nothing to save yet
        await pilot.pause()
        assert word("sandbox.log.save_empty", "en") in log_text(screen)
        await pilot.press("i")  # back to the console
        for line in REFERENCE:
            await enter(pilot, screen, line)
        await pilot.press("escape", "w")
        await pilot.pause()
        saved = own_folder / "sandbox-bluegreen-2.txt"
        assert saved.is_file() and kept.read_text(encoding="utf-8") == "mine\n"
        told = word("sandbox.saved_grade", "en", path=str(saved), exercise="bluegreen",
                    name=saved.name)
        assert told in log_text(screen) and screen.console.feedback_text == told
        await pilot.press("w")
        await pilot.pause()
        assert (own_folder / "sandbox-bluegreen-3.txt").is_file()
    text = saved.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert SandboxSpec().options() in header[1]
    assert f"deploylab grade bluegreen {saved.name}" in text
    assert commands(text) == REFERENCE
    capsys.readouterr()
    assert main(["grade", "bluegreen", str(saved)]) == 0
    assert "100" in capsys.readouterr().out


@pytest.mark.parametrize(("where", "reason"), [
    ("missing", "sandbox.reason.missing"),
    ("file", None),  # a file where the folder should be: the system's own words
])
async def test_an_unwritable_folder_is_one_sentence(own_folder, where, reason):
    folder = own_folder / "gone"
    if where == "file":
        (own_folder / "plain").write_text("x", encoding="utf-8")
        folder = own_folder / "plain"
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = PracticeScreen(SandboxSpec("in-server"), "en", save_dir=folder)
        await app.push_screen(screen)
        await pilot.pause()
        await enter(pilot, screen, "start web-1:8082 v102")
        await pilot.press("escape", "w")
        await pilot.pause()
        said = screen.console.feedback_text
        assert screen.console.feedback_kind == "error" and "\n" not in said
        assert str(folder) in said
        if reason:
            assert word(reason, "en") in said
        assert said in log_text(screen)
    written = sorted(p.name for p in own_folder.iterdir() if p.name != "data")  # data: conftest
    assert written == (["plain"] if where == "file" else [])


async def test_a_served_tab_saves_no_file_on_the_server(own_folder):
    """In `deploylab serve` the current folder is the server's: w says so and writes nothing."""
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        app.ask_name = True  # what serve's apps are; the sandbox is pushed directly
        screen = PracticeScreen(SandboxSpec(), "en")
        await app.push_screen(screen)
        await pilot.pause()
        await enter(pilot, screen, "launch green 4 v102")
        await pilot.press("escape", "w")
        await pilot.pause()
        assert word("sandbox.log.save_served", "en") in log_text(screen)
    assert [p.name for p in own_folder.iterdir() if p.name != "data"] == []
