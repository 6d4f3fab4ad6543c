"""The course as data: every section loads in both languages, and each step shows what its
narration says (checked by replaying the section's stage with StagePlayer); broken lesson files
give one clear error naming the file and line."""

import re
import tomllib

import pytest
from markdown_it import MarkdownIt

from lessons import COURSE_DIR, LOCALES
from lessons.course import load_course
from lessons.exercises import load_exercises
from lessons.files import CourseFileError
from lessons.quizzes import load_quizzes
from models.course import StagePlayer
from models.pipeline import FAILED, PASSED, RUNNING, SKIPPED, STAGES, WAITING
from tests.support import copy_course, edit

BOOK_SECTIONS = [  # DESIGN.md's table: learners compare these with the book
    ("5.1", "배포 관련 용어 (CI/CD)", "Deployment terms: CI and CD"),
    ("5.1.1", "무중단/중단 배포", "Zero-downtime vs downtime deployment"),
    ("5.1.2", "현재 위치 배포", "In-place deployment"),
    ("5.1.3", "서버 단위의 블루/그린 배포", "Server-level blue/green deployment"),
    ("5.1.4", "서버 내 블루/그린 배포", "In-server blue/green deployment"),
    ("5.2.1", "배포에 필요한 절차", "The procedure a blue/green deployment needs"),
    ("5.2.2", "[실습] 블루/그린 배포", "Hands-on: blue/green deployment"),
    ("5.3", "정리", "Summary"),
]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def course():
    return load_course()


def at(course, section_id: str, step_id: str) -> StagePlayer:
    """A player showing the end of `step_id` (replayed from the seeds, as going back does)."""
    section = course.section(section_id)
    player = StagePlayer(section)
    player.goto([s.id for s in section.steps].index(step_id))
    return player


def live_slots(frame):
    return [n for n in frame.nodes if n.kind == "slot" and n.live]


# --- the whole course ------------------------------------------------------------------------

def test_every_section_of_the_chapter_in_book_order_with_its_titles(course):
    assert [s.id for s in course.sections] == [sid for sid, _, _ in BOOK_SECTIONS]
    for sid, ko, en in BOOK_SECTIONS:
        assert course.text("ko", sid).title == ko
        assert course.text("en", sid).title == en
        assert course.text("ko", sid).description and course.text("en", sid).description


def test_both_languages_have_the_same_step_ids(course):
    for section in course.sections:
        ids = [s.id for s in section.steps]
        for lang in LOCALES:
            raw = tomllib.loads((COURSE_DIR / lang / f"{section.id}.toml").read_text("utf-8"))
            assert sorted(raw["steps"]) == sorted(ids), (lang, section.id)


def _plain_text(body: str):
    def walk(tokens):
        for token in tokens:
            if token.children:
                yield from walk(token.children)
            elif token.type == "text":
                yield token.content
    return " ".join(walk(MarkdownIt().parse(body)))


def test_narration_is_well_formed_markdown_in_the_right_language(course):
    for section in course.sections:
        for lang in LOCALES:
            for step_id, text in course.text(lang, section.id).steps.items():
                plain = _plain_text(text.body)
                where = (lang, section.id, step_id)
                # An emphasis marker Markdown did not take shows up as a stray '*' on screen.
                assert "*" not in plain and "`" not in plain, where
                assert bool(HANGUL.search(text.body)) == (lang == "ko"), where
                assert text.title.strip(), where


def test_replaying_a_step_shows_the_same_stage_as_playing_up_to_it(course):
    for section in course.sections:
        forward = StagePlayer(section)
        seen = []
        for k in range(forward.step_count):
            forward.play(k)
            forward.finish()
            seen.append(forward.frames())
        for k in reversed(range(forward.step_count)):
            back = StagePlayer(section)
            back.goto(k)
            assert back.frames() == seen[k], (section.id, section.steps[k].id)


# --- 5.1 CI/CD -------------------------------------------------------------------------------

def _pipeline_history(course, step_id):
    """Every frame of the step's pipeline as it plays, a simulated second apart."""
    section = course.section("5.1")
    player = StagePlayer(section)
    player.play([s.id for s in section.steps].index(step_id))
    frames = []
    while player.animating:
        player.tick(1.0)
        frames.append(player.frames()["pipeline"])
    return frames


def test_continuous_delivery_waits_for_a_person_at_the_approval_gate(course):
    frames = _pipeline_history(course, "delivery")
    approval, production = STAGES.index("approval"), STAGES.index("production")
    waited = [f for f in frames for row in f.stages
              if row[approval] == RUNNING and row[production] == WAITING]
    assert waited, "some commit should be seen waiting at the gate"
    for frame in frames:
        for row in frame.stages:
            if row[production] != WAITING:
                assert row[approval] == PASSED
    assert frames[-1].deployed == (1, 2, 3)


def test_continuous_deployment_has_no_gate_and_ships_sooner(course):
    def first_deploy_time(step):
        return next(f.t for f in _pipeline_history(course, step) if f.deployed)
    frames = _pipeline_history(course, "deployment")
    assert all(row[STAGES.index("approval")] == SKIPPED for f in frames for row in f.stages)
    assert frames[-1].deployed == (1, 2, 3)
    assert first_deploy_time("deployment") < first_deploy_time("delivery")


def test_a_failing_test_stops_the_line_until_the_fix(course):
    player = at(course, "5.1", "failing-test")
    frame = player.frames()["pipeline"]
    for broken in frame.stages[1:3]:  # the breaking commit, and the next one built on it
        assert broken[STAGES.index("test")] == FAILED
        assert all(state == SKIPPED for state in broken[STAGES.index("test") + 1:])
    assert frame.deployed == (1, 4)  # nothing ships between the break and the fix


def test_the_ci_step_shows_integration_only(course):
    frame = at(course, "5.1", "ci").frames()["pipeline"]
    assert frame.mode == "integration"
    assert all(row[STAGES.index("test") + 1:] == (SKIPPED,) * (len(STAGES) - 3)
               for row in frame.stages)


def test_a_rejected_release_never_reaches_production(course):
    frame = at(course, "5.1", "rejected").frames()["pipeline"]
    assert frame.deployed == ()
    assert all(row[STAGES.index("approval")] == FAILED for row in frame.stages)


# --- 5.1.1 downtime vs zero-downtime ---------------------------------------------------------

def test_downtime_and_zero_downtime_side_by_side(course):
    start = at(course, "5.1.1", "same-start").frames()
    assert start["downtime"].nodes == start["zero"].nodes  # same fleet, same traffic, same seed
    assert start["downtime"].serving == start["zero"].serving == 4

    stop_all = at(course, "5.1.1", "stop-all").frames()
    assert stop_all["downtime"].serving == 0
    # every request since the first command failed (the lead-in before it was served)
    assert stop_all["downtime"].failed == stop_all["downtime"].requests - start["downtime"].requests
    assert stop_all["downtime"].failed > 0 and start["downtime"].failed == 0
    assert stop_all["zero"].serving == 2 and stop_all["zero"].failed == 0

    checks = at(course, "5.1.1", "checks").frames()["downtime"]
    assert all(n.version == "v102" and n.state == "running" and n.lb != "healthy"
               for n in checks.nodes)
    assert checks.failed > stop_all["downtime"].failed

    player = at(course, "5.1.1", "downtime-over")
    over = player.frames()
    assert over["downtime"].serving == 4
    assert player.panes["zero"].script is not None  # the rolling one is still going
    assert over["zero"].failed == 0
    # "only halfway": the first two are back on v102, the other two are being deployed
    state = {n.name: (n.lb, n.version, n.state) for n in over["zero"].nodes}
    back, busy = ("healthy", "v102", "running"), ("unused", None, "deploying")
    assert state == {"web-1": back, "web-2": back, "web-3": busy, "web-4": busy}

    player = at(course, "5.1.1", "zero-done")
    done = player.frames()
    assert player.panes["zero"].script is None
    assert done["downtime"].failed == over["downtime"].failed > 0  # it stopped growing
    assert done["zero"].failed == 0
    for frame in done.values():
        assert {n.version for n in frame.nodes} == {"v102"}


# --- 5.1.2 in-place --------------------------------------------------------------------------

def test_in_place_two_at_a_time(course):
    first_out = at(course, "5.1.2", "first-out").frames()["main"]
    out = [n.name for n in first_out.nodes if n.lb != "healthy"]
    assert out == ["web-1", "web-2"] and first_out.serving == 2

    back = at(course, "5.1.2", "first-back").frames()["main"]
    assert back.serving == 4
    assert sorted(n.version for n in back.nodes) == ["v101", "v101", "v102", "v102"]

    player = at(course, "5.1.2", "second-back")
    end = player.frames()["main"]
    assert {n.version for n in end.nodes} == {"v102"} and end.failed == 0
    metrics = player.simulation("main").metrics
    assert metrics.min_serving == 2 and metrics.max_instances == 4  # the dips, no fifth server


# --- 5.1.3 server-level blue/green -----------------------------------------------------------

def test_server_level_blue_green_four_stages_and_the_cost(course):
    created = at(course, "5.1.3", "green-created").frames()["main"]
    green = created.group("green")
    assert len(green) == 4 and all(n.version == "v102" and n.lb == "unused" for n in green)
    assert created.serving == 4 and created.instances == 8

    both = at(course, "5.1.3", "both-serve").frames()["main"]
    assert both.serving == 8 and both.instances == 8
    assert dict(both.ok_by_version).get("v102", 0) > 0

    blue_out = at(course, "5.1.3", "blue-out").frames()["main"]
    assert blue_out.serving == 4 and blue_out.instances == 8
    assert all(n.state == "running" and n.version == "v101" and n.lb == "unused"
               for n in blue_out.group("blue"))

    player = at(course, "5.1.3", "blue-terminated")
    end = player.frames()["main"]
    assert player.simulation("main").final_versions() == {"v102": 4}
    assert end.instances == 4 and end.failed == 0


def test_rollback_while_blue_exists_reinstalls_nothing(course):
    section = course.section("5.1.3")
    player = at(course, "5.1.3", "blue-out")
    sim = player.simulation("main")
    events_before = len(sim.metrics.events)
    player.play([s.id for s in section.steps].index("rollback"))
    player.finish()
    assert sim.final_versions() == {"v101": 4}
    during = sim.metrics.events[events_before:]
    assert not [e for e in during if e.kind in ("hook", "launch", "stop")]
    assert player.frames()["main"].failed == 0


# --- 5.1.4 in-server blue/green --------------------------------------------------------------

def test_in_server_one_live_slot_at_every_step(course):
    section = course.section("5.1.4")
    player = StagePlayer(section)
    for k, step in enumerate(section.steps):
        player.play(k)
        while player.animating:
            player.tick(0.5)
            assert len(live_slots(player.frames()["main"])) == 1, step.id


def test_in_server_switch_after_a_passing_check(course):
    checked = at(course, "5.1.4", "health-check")
    assert checked.frames()["main"].recent[-1].kind == "health"
    assert checked.frames()["main"].recent[-1].detail == "200"
    assert live_slots(checked.frames()["main"])[0].name == "web-1:8081"

    switched = at(course, "5.1.4", "switch").frames()["main"]
    assert [(n.name, n.version) for n in live_slots(switched)] == [("web-1:8082", "v102")]
    assert switched.failed == 0
    assert dict(switched.ok_by_version).get("v102", 0) > 0

    idle = at(course, "5.1.4", "old-stays").frames()["main"].node("web-1:8081")
    assert idle.state == "running" and idle.version == "v101" and not idle.live


def test_switching_to_an_empty_slot_fails_until_switched_back(course):
    mistake = at(course, "5.1.4", "empty-switch").frames()["main"]
    live = live_slots(mistake)[0]
    assert live.name == "web-1:8082" and live.version is None
    assert mistake.failed > 0

    player = at(course, "5.1.4", "switch-back")
    failed = player.frames()["main"].failed
    player.simulation("main").advance(60)
    assert player.frames()["main"].failed == failed
    assert live_slots(player.frames()["main"])[0].name == "web-1:8081"


# --- 5.2.1 the procedure, and each step skipped -----------------------------------------------

def test_the_procedure_pane_never_fails_and_never_dips(course):
    player = at(course, "5.2.1", "recap")
    sim = player.simulation("procedure")
    assert sim.metrics.failed == 0
    assert sim.metrics.min_serving >= 4
    assert sim.final_versions() == {"v102": 4}
    assert player.frames()["procedure"].instances == 4


@pytest.mark.parametrize("step_id", ["register-green", "wait-healthy", "deregister-blue",
                                     "terminate-blue"])
def test_a_skipped_step_shows_failures(course, step_id):
    player = at(course, "5.2.1", step_id)
    assert player.frames()["skipped"].failed > 0
    assert player.frames()["procedure"].failed == 0


def test_registered_green_gets_nothing_until_healthy(course):
    frame = at(course, "5.2.1", "register-green").frames()["procedure"]
    assert {n.lb for n in frame.group("green")} == {"initial"}
    assert frame.serving == 4 and dict(frame.ok_by_version).get("v102", 0) == 0


def test_an_undersized_green_leaves_one_server_serving(course):
    frames = at(course, "5.2.1", "green-ready").frames()
    assert frames["skipped"].serving == 1
    assert frames["procedure"].serving == 4


# --- 5.2.2 hands-on ---------------------------------------------------------------------------

def test_hands_on_offers_practice_and_animates_a_clean_solution(course):
    section = course.section("5.2.2")
    assert section.exercises[:2] == ("bluegreen", "bluegreen-console")
    start = at(course, "5.2.2", "the-task").frames()["main"]
    assert [n.name for n in start.nodes] == ["blue-1", "blue-2", "blue-3", "blue-4"]
    assert {n.version for n in start.nodes} == {"v101"}
    player = at(course, "5.2.2", "your-turn")
    sim = player.simulation("main")
    assert sim.metrics.failed == 0 and sim.metrics.min_serving >= 4
    assert sim.final_versions() == {"v102": 4}
    assert all(n.state == "terminated" for n in player.frames()["main"].group("blue"))
    assert "press **x**" in course.text("en", "5.2.2").steps["the-task"].body.lower()
    assert "**x** 키" in course.text("ko", "5.2.2").steps["the-task"].body


# --- 5.3 summary ------------------------------------------------------------------------------

def test_summary_compares_every_strategy(course):
    section = course.section("5.3")
    assert section.stage == "table"
    assert section.strategies == ("recreate", "in-place", "blue-green", "in-server", "canary")


# --- loader strictness ------------------------------------------------------------------------

@pytest.fixture
def copy(tmp_path):
    root = tmp_path / "lessons"
    copy_course(root)
    return root


def line_with(path, needle):
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_the_copy_loads(copy):
    assert len(load_course(copy).sections) == len(BOOK_SECTIONS)


def test_unknown_key_is_named(copy):
    path = copy / "sections" / "5.1.3.toml"
    edit(path, 'focus = ["blue"]', 'focus = ["blue"]\nfocs = ["green"]')
    with pytest.raises(CourseFileError) as err:
        load_course(copy)
    assert str(err.value).startswith(f"5.1.3.toml, line {line_with(path, 'focs')}:")
    assert "'steps[1].focs' is not a known key" in str(err.value)


def test_bad_command_names_file_line_and_nearest_word(copy):
    path = copy / "sections" / "5.1.3.toml"
    edit(path, '"launch green 4 v102"', '"lunch green 4 v102"')
    with pytest.raises(CourseFileError) as err:
        load_course(copy)
    message = str(err.value)
    assert message.startswith(f"5.1.3.toml, line {line_with(path, 'lunch green')}:")
    assert "step 'green-created'" in message and "did you mean 'launch'?" in message


def test_a_step_may_name_what_an_earlier_step_launched(copy):
    path = copy / "sections" / "5.1.3.toml"
    edit(path, 'run.main = ["register green", "wait healthy green", "wait 20"]',
         'run.main = ["register green-1", "register green-2", "register green-3", '
         '"register green-4", "wait healthy green", "wait 20"]')
    load_course(copy)
    edit(path, '"register green-4"', '"register green-5"')
    with pytest.raises(CourseFileError, match="unknown target or group 'green-5'"):
        load_course(copy)


def test_missing_locale_text_for_a_step(copy):
    path = copy / "ko" / "5.1.4.toml"
    text = path.read_text("utf-8")
    start = text.index("[steps.switch-back]")
    path.write_text(text[:start], "utf-8")
    with pytest.raises(CourseFileError) as err:
        load_course(copy)
    assert str(err.value) == "5.1.4.toml: has no text for step 'switch-back'"
    assert err.value.path == path


def test_mismatched_step_ids(copy):
    path = copy / "en" / "5.2.1.toml"
    edit(path, "[steps.recap]", "[steps.summary]")
    with pytest.raises(CourseFileError) as err:
        load_course(copy)
    assert err.value.path == path
    assert "no text for step 'recap'" in str(err.value)


def test_text_for_a_step_the_section_lacks(copy):
    path = copy / "ko" / "5.1.2.toml"
    path.write_text(path.read_text("utf-8") + '\n[steps.extra]\ntitle = "t"\nbody = "b"\n', "utf-8")
    with pytest.raises(CourseFileError) as err:
        load_course(copy)
    assert err.value.path == path and err.value.line == line_with(path, "[steps.extra]")
    assert "has text for step 'extra', which the section lacks" in str(err.value)


def test_missing_locale_file(copy):
    (copy / "en" / "5.3.toml").unlink()
    with pytest.raises(CourseFileError, match=r"^5\.3\.toml: the file is missing$"):
        load_course(copy)


@pytest.mark.parametrize("file, old, new, problem", [
    ("5.1.3.toml", 'focus = ["green"]', 'focus = ["purple"]',
     "focuses on 'purple', which is no target, group or slot here"),
    ("5.1.toml", 'focus = ["test"]', 'focus = ["tests"]',
     "focuses on 'tests', which is no pipeline stage here"),
    ("5.1.1.toml", "until.zero = 40", "until.zero = 15",
     "until.zero goes back in time"),
    ("5.2.2.toml", 'exercises = ["bluegreen",', 'exercises = ["bluegren",',
     "exercise 'bluegren' is not in exercises/; did you mean 'bluegreen'?"),
    ("5.1.2.toml", 'exercises = ["in-place"]', 'exercises = ["in-place", "in-place"]',
     "exercise 'in-place' is listed twice"),
    ("5.1.4.toml", 'exercises = ["bluegreen-in-server"]', 'exercises = ["in-place"]',
     "exercise 'in-place' belongs to section 5.1.2 already"),
    ("5.1.1.toml", 'strategy = "in-place"', 'strategy = "blue-green"',
     "strategy 'blue-green' starts from the 'bluegreen' scenario, not 'fleet'"),
    ("5.3.toml", 'id = "rollback"', 'id = "Roll back"',
     "step id 'Roll back' should be lowercase letters, digits and hyphens"),
])
def test_bad_section_values(copy, file, old, new, problem):
    path = copy / "sections" / file
    edit(path, old, new)
    with pytest.raises(CourseFileError) as err:
        load_course(copy)
    assert err.value.path == path and problem in str(err.value)
    assert err.value.line == line_with(path, new)


@pytest.mark.parametrize("new, problem", [
    ("{fialed}", "unknown placeholder '{fialed}'; known names: "),
    ("{failed:,}", "placeholder '{failed:,}' should be a bare name"),
    ("{failed!r}", "placeholder '{failed!r}' should be a bare name"),
    ("{blue.failed}", "placeholder '{blue.failed}' names pane 'blue'; this section's panes: main"),
])
def test_a_placeholder_the_engine_cannot_fill_names_file_and_line(copy, new, problem):
    path = copy / "en" / "5.1.4.toml"
    edit(path, "it still reads {failed}.", f"it still reads {new}.")
    with pytest.raises(CourseFileError) as err:
        load_course(copy)
    assert err.value.path == path and problem in str(err.value)
    assert "step 'switch'" in str(err.value)
    assert err.value.line == line_with(path, new)
    # The engine's reason is a message, said in Korean too (it was English in a Korean frame).
    korean = err.value.text("ko")
    assert new in korean and "자리 표시자" in korean and problem.split("'")[0] not in korean


def test_narration_quotes_the_engine_not_typed_numbers(course):
    """The numbers lessons quote follow the run: change a pane's parameters, the text follows."""
    from dataclasses import replace

    from models.course import narrate

    section = course.section("5.1.4")
    k = [s.id for s in section.steps].index("health-check")
    body = course.text("en", "5.1.4").steps["health-check"].body
    assert "up to\n10 times, 10 s apart" in narrate(section, k, body)
    pane = section.panes[0]
    faster = replace(pane, params=pane.params.with_(probe_every_s=3.0, probe_tries=4))
    assert "up to\n4 times, 3 s apart" in narrate(replace(section, panes=(faster,)), k, body)
    k = [s.id for s in section.steps].index("empty-switch")
    body = course.text("ko", "5.1.4").steps["empty-switch"].body
    failed = at(course, "5.1.4", "empty-switch").frames()["main"].failed
    assert failed > 0 and f"요청 {failed:,}개가 실패합니다" in narrate(section, k, body)


def test_pane_without_a_label(copy):
    path = copy / "en" / "5.1.1.toml"
    edit(path, 'zero = "Zero-downtime deployment (in-place, two at a time)"\n', "")
    with pytest.raises(CourseFileError, match="has no \\[panes\\] label for pane 'zero'"):
        load_course(copy)


def test_the_summary_table_runs_on_the_fleet_its_lesson_names(copy):
    """The 5.3 table's fleet is data: a six-server [fleet] gives six-server numbers."""
    from app.ui.widgets.comparison import compute

    book = load_course(COURSE_DIR).section("5.3")
    assert (book.fleet.servers, book.fleet.rps, book.fleet.seed) == (4, 4.0, 1)
    edit(copy / "sections" / "5.3.toml", "servers = 4", "servers = 6")
    six = load_course(copy).section("5.3")
    assert six.fleet.servers == 6
    by_strategy = {row.strategy: row for row in compute(six.strategies, six.fleet)}
    assert by_strategy["blue-green"].max_instances == 12
    assert by_strategy["in-place"].min_serving == 3


def test_a_table_without_its_fleet_is_named(copy):
    path = copy / "sections" / "5.3.toml"
    fleet = "[fleet]  # the book's fleet and the lessons' traffic\nservers = 4\nrps = 4\nseed = 1\n"
    edit(path, fleet, "")
    with pytest.raises(CourseFileError) as err:
        load_course(copy)
    assert "5.3.toml" in str(err.value) and "fleet" in str(err.value)


# --- declared schemas -------------------------------------------------------------------------

@pytest.mark.parametrize("file, old, new, message", [
    ("sections/5.1.1.toml", "servers = 4", 'servers = "4"',
     "'panes.downtime.servers' should be an integer, not a string"),
    ("sections/5.1.2.toml", 'stage = "cluster"\n', "", "'stage' is missing"),
    ("sections/5.1.2.toml", 'stage = "cluster"', 'stage = "clusters"',
     "'stage' is 'clusters'; expected one of cluster, pipeline, table"),
    ("sections/5.1.1.toml", "servers = 4", "servers = 99",
     "'panes.downtime.servers' should be 1 to 64"),
    ("sections/5.1.1.toml", "until.zero = 40", 'until.zero = "later"',
     "'steps[4].until.zero' is 'later'; expected a number or \"end\""),
    ("en/5.1.1.toml", '[panes]\ndowntime = "Downtime deployment (recreate)"\n'
     'zero = "Zero-downtime deployment (in-place, two at a time)"', 'panes = ["a", "b"]',
     "'panes' should be a table, not an array"),
    ("exercises/in-place.toml", "servers = 4", 'servers = "four"',
     "'start.servers' should be an integer, not a string"),
    ("exercises/in-place.toml", 'fails = "goal"\n', "", "'bad[6].fails' is missing"),
    ("exercises/bluegreen.toml", "[criteria.zero-downtime]", "[criteria.zero-downtim]",
     "'criteria.zero-downtim' is not a known key; did you mean 'zero-downtime'?"),
    ("exercises/bluegreen.toml", 'groups = ["blue"]', 'groups = "blue"',
     "'criteria.cleanup.groups' should be an array of strings, not a string"),
    ("exercises/bluegreen-6.toml", "[start]\nservers = 6\nseed = 6", "start = [6, 6]",
     "'start' should be a table, not an array"),
    ("exercises/bluegreen-6.toml", "seed = 6", "sead = 6",
     "'start.sead' is not a known key; did you mean 'seed'?"),
    ("exercises/bluegreen.toml", 'min_serving = "all"', 'min_serving = "every"',
     "'criteria.capacity.min_serving' is 'every'; expected an integer or \"all\""),
])
def test_a_file_that_does_not_fit_its_schema_names_the_key_and_its_line(copy, file, old, new,
                                                                       message):
    from lessons.exercises import load_exercises

    path = copy / file
    before = path.read_text("utf-8")
    edit(path, old, new)
    with pytest.raises(CourseFileError) as err:
        load_exercises(copy) if file.startswith("exercises/") else load_course(copy)
    assert err.value.path == path and err.value.problem == message
    key = re.search(r"'([^']*)'", message).group(1).split(".")[-1].split("[")[0]
    if "missing" in message:  # the line of the table that lacks it
        assert err.value.line is None or key not in path.read_text("utf-8").splitlines()[
            err.value.line - 1]
    else:
        assert key in path.read_text("utf-8").splitlines()[err.value.line - 1], before


def test_key_lines_follow_tables_arrays_of_tables_and_inline_values(tmp_path):
    from lessons.files import TomlLines

    path = tmp_path / "x.toml"
    path.write_text('a = 1  # [not.a.table]\nb = """\nline\n"""\n\n[t.u]\nv = { w = 1, x = [\n'
                    '  "one",\n  "two" ]}\n\n[[s]]\nid = "p"\n\n[[s]]\nid = "q"\nrun.main = [\n'
                    '  "first", \'second\',\n  "third",\n]\n', "utf-8")
    tomllib.loads(path.read_text("utf-8"))
    lines = TomlLines(path)
    assert [lines.line(k) for k in [("a",), ("b",), ("t",), ("t", "u", "v", "w"),
                                    ("t", "u", "v", "x", 1), ("s", 0), ("s", 1, "id"),
                                    ("s", 1, "run", "main", 1), ("s", 1, "run", "main", 2)]] == \
        [1, 2, 6, 7, 9, 11, 15, 17, 18]
    assert lines.text_line(("b",)) == 3 and lines.text_line(("s", 0, "id")) == 12
    assert lines.line(("s", 1, "missing")) == 14 and lines.line(("nowhere",)) is None


def test_the_schemas_name_what_the_engine_knows():
    from typing import get_args

    import msgspec

    from lessons.schema import exercises, quizzes, sections
    from models import course, pipeline, scenarios
    from models.exercises import CRITERIA
    from models.params import FAULTS
    from models.quiz import KINDS
    from models.strategies import STRATEGIES

    assert get_args(sections.Stage) == course.STAGES
    assert get_args(sections.Strategy) == tuple(STRATEGIES)
    assert get_args(sections.ScenarioKind) == (scenarios.FLEET, scenarios.BLUEGREEN,
                                               scenarios.IN_SERVER, scenarios.CONSOLE)
    assert get_args(sections.Fault) == FAULTS
    assert get_args(msgspec.structs.fields(sections.PipelineFile)[0].type) == (
        pipeline.INTEGRATION, pipeline.DELIVERY, pipeline.DEPLOYMENT)
    assert get_args(msgspec.structs.fields(sections.PipelineFile)[4].type) == (
        pipeline.APPROVE, pipeline.REJECT, pipeline.NO_ANSWER)
    assert tuple(f.encode_name for f in msgspec.structs.fields(exercises.Criteria)) == CRITERIA
    question = msgspec.structs.fields(quizzes.QuizFile)[1].type
    assert tuple(t.__struct_config__.tag for t in get_args(get_args(question)[0])) == KINDS


# --- every number finite and in range, every placeholder a name (issue 12) --------------------

@pytest.mark.parametrize(("key", "value"), [
    ("health_interval_s", "nan"),  # crashed the lesson
    ("rps", "inf"),  # froze the app
    ("rps", "nan"),
    ("healthy_threshold", "9" * 5000),  # a number thousands of digits long
    ("healthy_threshold", "9" * 40),
], ids=["nan-interval", "inf-rps", "nan-rps", "5000-digits", "40-digits"])
def test_a_section_number_that_is_not_finite_or_too_large_is_refused(copy, key, value):
    path = copy / "sections" / "5.1.2.toml"
    edit(path, "rps = 4\n", f"rps = 4\n{key} = {value}\n" if key != "rps" else f"rps = {value}\n")
    with pytest.raises(CourseFileError) as err:
        load_course(copy)
    text = str(err.value)
    assert "5.1.2.toml" in text
    if value in ("nan", "inf"):
        assert key in text and f"finite number, not {value}" in text
    elif len(value) > 4300:
        assert "too large" in text
    else:
        assert key in text and "100" in text  # the range it must be in
    assert len(text) < 200  # the 5,000 digits are not quoted back


def test_an_exercise_rate_of_nan_is_refused(copy):
    edit(copy / "exercises" / "in-place.toml", "rps = 10", "rps = nan")
    with pytest.raises(CourseFileError, match="rps.*finite number, not nan"):
        load_exercises(copy)


@pytest.mark.parametrize("placeholder", ["{servers:>1500000000}", "{servers!r}", "{servers[0]}",
                                         "{servers.real}"])
def test_a_placeholder_with_a_width_or_conversion_is_refused(copy, placeholder):
    edit(copy / "en" / "quizzes" / "5.1.2.toml", "There are {servers} servers",
         f"There are {placeholder} servers")
    with pytest.raises(CourseFileError) as err:
        load_quizzes(copy)
    assert "a name only" in str(err.value) and "5.1.2.toml" in str(err.value)


def test_a_file_nested_thousands_deep_is_one_sentence(copy):
    depth = 100_000  # a RecursionError, and 193 KB of traceback, before
    (copy / "sections" / "5.1.2.toml").write_text("x = " + "[" * depth + "]" * depth + "\n")
    with pytest.raises(CourseFileError) as err:
        load_course(copy)
    assert "nested too deeply" in str(err.value) and "5.1.2.toml" in str(err.value)


def test_a_lost_section_file_is_reported_while_its_texts_and_quiz_remain(copy):
    (copy / "sections" / "5.1.3.toml").unlink()  # the section silently vanished before
    with pytest.raises(CourseFileError) as err:
        load_course(copy)
    assert "5.1.3.toml" in str(err.value) and "missing" in str(err.value)
