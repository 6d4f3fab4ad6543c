"""`deploylab progress`: the table a learner reads and the export a teacher collects."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.cli import progress as progress_cli
from app.cli.main import main
from app.cli.progress import COLUMNS
from app.store import ProgressStore, db_path

REAL_LOAD_COURSE = progress_cli._load_course

CRITERIA = [{"id": "zero-downtime", "passed": False, "message": "2 requests failed"},
            {"id": "cleanup", "passed": False, "message": "blue still runs"},
            {"id": "goal", "passed": True, "message": "all traffic on v102"}]


@dataclass(frozen=True)
class FakeSection:
    id: str
    exercises: tuple[str, ...] = ()


TITLES = {"en": {"5.1": "Deployment terms: CI and CD", "5.1.2": "In-place deployment",
                 "5.2.2": "Hands-on: blue/green deployment"},
          "ko": {"5.1": "배포 관련 용어 (CI/CD)", "5.1.2": "현재 위치 배포",
                 "5.2.2": "[실습] 블루/그린 배포"}}


class FakeCourse:
    """The two things the progress table reads from a course: sections in order, and titles."""

    sections = (FakeSection("5.1"), FakeSection("5.1.2"), FakeSection("5.2.2", ("bluegreen",)))

    def text(self, lang: str, section_id: str) -> SimpleNamespace:
        return SimpleNamespace(title=TITLES[lang][section_id])


@pytest.fixture(autouse=True)
def environment(data_dir, monkeypatch) -> Path:
    """The private data directory (conftest), no colour, a wide terminal, English, a known
    course."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "140")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(progress_cli, "_load_course", FakeCourse)
    return data_dir


def fill(profile: str) -> None:
    with ProgressStore.open(profile) as store:
        store.mark_section_completed("5.1.2", "ko")
        store.record_quiz_attempt("5.2.2", [{"q": 1}], 3, 5, 1_700_000_000.0, 1_700_000_090.0)
        store.record_quiz_attempt("5.2.2", [{"q": 1}], 4, 5, 1_700_000_100.0, 1_700_000_160.0)
        store.record_practice_attempt("bluegreen", "status", False, 40, CRITERIA, 3,
                                      hints_used=2, section_id="5.2.2", lang="ko")
        # recorded without a section: the export gives the section whose file lists it
        store.record_practice_attempt("bluegreen", "status", True, 95, [], 4, lang="en")
        store.record_practice_attempt("bluegreen-slow-start", "status", False, 20, CRITERIA, 9,
                                      solution_seen=True, section_id="5.2.2", lang="en")


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("deploylab: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


# -- the table ---------------------------------------------------------------------------------

def test_the_table_lists_the_course_in_order_with_marks_and_best_scores(capsys):
    fill("alice")
    assert main(["progress", "--profile", "alice"]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out  # NO_COLOR: plain text, the marks are words
    lines = out.splitlines()
    rows = {section: next(line for line in lines if f" {section} " in line)
            for section in ("5.1", "5.1.2", "5.2.2")}
    assert lines.index(rows["5.1"]) < lines.index(rows["5.1.2"]) < lines.index(rows["5.2.2"])
    assert "Deployment terms: CI and CD" in rows["5.1"] and "done" not in rows["5.1"]
    assert "In-place deployment" in rows["5.1.2"] and "✓ done" in rows["5.1.2"]
    assert "4/5" in rows["5.2.2"] and "95/100 (passed)" in rows["5.2.2"]
    assert rows["5.2.2"].rstrip().endswith(" 4")  # two quiz and two practice attempts
    variant = next(line for line in lines if "bluegreen-slow-start" in line)
    assert "20/100 (not passed)" in variant
    assert str(db_path("alice")) in out


def test_the_table_speaks_korean_when_asked(capsys):
    fill("alice")
    assert main(["--lang", "ko", "progress", "--profile", "alice"]) == 0
    out = capsys.readouterr().out
    assert "alice의 학습 진도" in out and "현재 위치 배포" in out
    assert "✓ 완료" in out and "95/100 (통과)" in out


def test_without_a_course_the_table_still_shows_section_ids(capsys, monkeypatch):
    from lessons.course import CourseFileError

    def broken(*args, **kwargs):
        raise CourseFileError("sections/5.1.toml", "the file is missing")

    monkeypatch.setattr(progress_cli, "_load_course", REAL_LOAD_COURSE)
    monkeypatch.setattr("lessons.course.load_course", broken)
    fill("alice")
    assert main(["progress", "--profile", "alice"]) == 0
    out = capsys.readouterr().out
    assert " 5.1.2 " in out and "✓ done" in out and " 5.2.2 " in out
    assert "practice: bluegreen" in out  # no course, so no exercise belongs to a section


def test_progress_falls_back_to_the_top_level_profile(capsys):
    fill("bob")
    assert main(["--profile", "bob", "progress"]) == 0
    assert "Progress of bob" in capsys.readouterr().out
    assert main(["--profile", "bob", "progress", "--profile", "carol"]) == 0
    assert "No progress recorded yet for profile 'carol'" in capsys.readouterr().out


def test_an_unknown_profile_shows_an_empty_table_and_creates_nothing(capsys, environment):
    assert main(["progress", "--profile", "nobody"]) == 0
    out = capsys.readouterr().out
    assert "No progress recorded yet for profile 'nobody'." in out
    assert " 5.1.2 " in out  # the course is still listed, none of it done
    assert not environment.exists()


def test_a_damaged_database_is_reported_on_stderr_and_the_table_still_shown(capsys):
    path = db_path("alice")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database at all" * 100)
    assert main(["progress", "--profile", "alice"]) == 0
    captured = capsys.readouterr()
    assert "could not be used (it is damaged)" in captured.err
    assert captured.err.count("\n") == 1
    assert "Progress of alice" in captured.out


# -- the export --------------------------------------------------------------------------------

def expected_records(profile: str) -> list[dict]:
    """What the export should hold, from the store's own reading of the same data."""
    with ProgressStore.open(profile) as store:
        completions, quizzes, practices = (store.completions(), store.quiz_attempts(),
                                           store.practice_attempts())
    rows = [{"kind": "section", "item": c.section_id, "section": c.section_id, "attempt": 1,
             "passed": True, "lang": c.lang, "when": c.completed_at} for c in completions]
    rows += [{"kind": "quiz", "item": q.quiz_id, "section": "5.2.2", "attempt": n + 1,
              "score": q.score, "max_score": q.max_score, "duration_s": q.duration_s,
              "when": q.finished_at} for n, q in enumerate(quizzes)]
    practice_numbers: dict[str, int] = {}
    for p in practices:
        practice_numbers[p.exercise] = practice_numbers.get(p.exercise, 0) + 1
        rows.append({"kind": "practice", "item": p.exercise, "section": "5.2.2",
                     "attempt": practice_numbers[p.exercise], "score": p.score, "max_score": 100,
                     "passed": p.passed, "seed": p.seed, "lang": p.lang,
                     "failed_criteria": " ".join(p.failed_criteria) or None,
                     "hints_used": p.hints_used, "solution_seen": p.solution_seen,
                     "when": p.recorded_at})
    return rows


def normalise(record: dict, from_csv: bool) -> dict:
    """A record in the shape of `expected_records`, whichever format it was read from."""
    def value(column: str):
        raw = record[column]
        if not from_csv or raw is None:
            return raw
        if raw == "":
            return None
        if column in ("attempt", "score", "max_score", "seed", "hints_used"):
            return int(raw)
        if column == "duration_s":
            return float(raw)
        if column in ("passed", "solution_seen"):
            return {"true": True, "false": False}[raw]
        return raw

    out = {column: value(column) for column in COLUMNS}
    out["when"] = datetime.fromisoformat(out["when"]).timestamp()
    return out


def compare(records: list[dict], profile: str) -> None:
    expected = expected_records(profile)
    assert len(records) == len(expected) == 6
    kinds = [r["kind"] for r in records]
    assert kinds[0] == "section" and set(kinds) == {"section", "quiz", "practice"}
    # completions come first, then attempts in time order; compare as a set of exact rows
    by_key = {(r["kind"], r["item"], r["attempt"]): r for r in records}
    for want in expected:
        got = by_key[(want["kind"], want["item"], want["attempt"])]
        assert got["profile"] == profile
        for column in COLUMNS:
            if column in ("profile", "when"):
                continue
            assert got[column] == want.get(column), column
        assert got["when"] == pytest.approx(want["when"], abs=1)
    quiz = by_key[("quiz", "5.2.2", 1)]
    assert (quiz["score"], quiz["max_score"], quiz["duration_s"]) == (3, 5, 90.0)
    failed = by_key[("practice", "bluegreen", 1)]
    assert failed["failed_criteria"] == "zero-downtime cleanup" and failed["passed"] is False
    assert (failed["hints_used"], failed["solution_seen"], failed["lang"]) == (2, False, "ko")
    after_solution = by_key[("practice", "bluegreen-slow-start", 1)]
    assert after_solution["solution_seen"] is True and after_solution["section"] == "5.2.2"
    assert by_key[("practice", "bluegreen", 2)]["section"] == "5.2.2"


def test_export_to_csv_reads_back_as_the_same_records(tmp_path, capsys):
    fill("김민수")
    target = tmp_path / "class" / "minsu.csv"
    target.parent.mkdir()
    assert main(["progress", "--profile", "김민수", "--export", str(target)]) == 0
    assert "Exported 6 records" in capsys.readouterr().out
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that lets Excel show Korean
    with open(target, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == COLUMNS
        records = [normalise(row, from_csv=True) for row in reader]
    compare(records, "김민수")
    assert [p.name for p in target.parent.iterdir()] == ["minsu.csv"]  # no temporary left over


def test_export_to_json_reads_back_as_the_same_records_as_csv(tmp_path):
    fill("alice")
    assert main(["progress", "--profile", "alice", "--export", str(tmp_path / "a.json")]) == 0
    assert main(["progress", "--profile", "alice", "--export", str(tmp_path / "a.CSV")]) == 0
    document = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert document["format"] == "deploylab-progress" and document["version"] == 2
    assert document["profile"] == "alice" and document["columns"] == list(COLUMNS)
    datetime.fromisoformat(document["exported_at"])
    records = [normalise(r, from_csv=False) for r in document["records"]]
    compare(records, "alice")
    with open(tmp_path / "a.CSV", encoding="utf-8-sig", newline="") as f:
        from_csv = [normalise(row, from_csv=True) for row in csv.DictReader(f)]
    assert from_csv == records


def test_export_of_a_profile_with_nothing_is_a_header_only_file(tmp_path, environment):
    target = tmp_path / "empty.csv"
    assert main(["progress", "--profile", "newcomer", "--export", str(target)]) == 0
    assert target.read_text(encoding="utf-8-sig").splitlines() == [",".join(COLUMNS)]
    assert not environment.exists()


# -- errors: one sentence, exit 2 --------------------------------------------------------------

@pytest.mark.parametrize("name", ["out.txt", "out", "out.csv.bak"])
def test_an_export_name_without_csv_or_json_is_refused(tmp_path, capsys, name):
    fill("alice")
    target = tmp_path / name
    assert main(["progress", "--profile", "alice", "--export", str(target)]) == 2
    assert ".csv or .json" in one_line_error(capsys)
    assert not target.exists()


def test_an_export_into_a_missing_folder_is_one_sentence(tmp_path, capsys):
    fill("alice")
    target = tmp_path / "no-such-folder" / "a.csv"
    assert main(["progress", "--profile", "alice", "--export", str(target)]) == 2
    assert "does not exist" in one_line_error(capsys)


def test_an_export_onto_a_folder_is_one_sentence(tmp_path, capsys):
    fill("alice")
    (tmp_path / "taken.json").mkdir()
    assert main(["progress", "--profile", "alice", "--export",
                 str(tmp_path / "taken.json")]) == 2
    assert "it is a folder" in one_line_error(capsys)


def test_an_export_below_a_file_is_one_sentence(tmp_path, capsys):
    fill("alice")
    (tmp_path / "plain").write_text("x")
    assert main(["progress", "--profile", "alice", "--export",
                 str(tmp_path / "plain" / "a.csv")]) == 2
    assert "cannot write the export" in one_line_error(capsys)


@pytest.mark.parametrize("argv", [["progress", "--profile", "a/b"],
                                  ["progress", "--profile", ""],
                                  ["--profile", "../x", "progress"],
                                  ["progress", "--profile", "a b", "--export", "x.csv"]])
def test_a_bad_profile_name_is_one_sentence(capsys, environment, argv):
    assert main(argv) == 2
    assert "profile name" in one_line_error(capsys)
    assert not environment.exists()


def test_every_practice_row_of_an_old_file_is_exported_with_its_section_and_language(tmp_path):
    from tests.test_store import make_v2_database

    make_v2_database(db_path("old"))
    ProgressStore.open("old").close()  # the app opens it once: the file is migrated
    target = tmp_path / "old.json"
    assert main(["progress", "--profile", "old", "--export", str(target)]) == 0
    records = json.loads(target.read_text(encoding="utf-8"))["records"]
    assert [(r["item"], r["section"], r["lang"], r["hints_used"], r["solution_seen"])
            for r in records] == [
        ("in-place", "5.1.2", "ko", 0, False), ("bluegreen-in-server", "5.1.4", "en", 0, False),
        ("bluegreen-bad-build", "5.2.2", "en", 0, False), ("my-own", None, "en", 0, False)]
