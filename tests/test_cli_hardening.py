"""Every bad command line is one sentence on stderr and exit 2, never a traceback (issue 12).

Most cases call `main()` in this process; the ones about the process itself (stdout on a full
disk or closed, stdin closed) run `python -m app.cli.main` in a shell.
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main
from app.store import ProgressStore, db_path
from tests.support import copy_course

REPO = Path(__file__).resolve().parent.parent
SOLUTION = "launch green 4 v102\nwait healthy green\nregister green\nwait healthy green\n" \
           "deregister blue\nwait drained blue\nterminate blue\n"


def one_sentence(capsys, argv: list[str]) -> str:
    """Run `deploylab ARGV`: exit 2, nothing on stdout, one short line on stderr."""
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deploylab"), err[:500]
    assert len(err) < 400, err[:500]
    return err


def shell(command: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)


DEPLOYLAB = f"{sys.executable} -m app.cli.main"


def test_output_to_a_full_disk_or_a_closed_stdout_or_stdin_is_one_sentence(tmp_path):
    # grade prints through the same guard (test_a_write_that_fails_midway_is_one_sentence)
    with ProgressStore.open() as store:  # so that progress has something to print
        store.mark_section_completed("5.1", "en")
    cases = {
        f"{DEPLOYLAB} simulate --json >/dev/full": "no space left",
        f"{DEPLOYLAB} progress >/dev/full": "no space left",
        f"{DEPLOYLAB} simulate --json >&-": "standard output is closed",
        f"{DEPLOYLAB} grade bluegreen - <&-": "standard input is closed",
    }
    for command, said in cases.items():
        done = shell(command, tmp_path)
        assert done.returncode == 2, (command, done.stderr)
        assert said in done.stderr, (command, done.stderr)
        assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1, command


def test_a_write_that_fails_midway_is_one_sentence(capsys, monkeypatch):
    class Full(io.StringIO):
        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

        def fileno(self):
            raise io.UnsupportedOperation

    monkeypatch.setattr(sys, "stdout", Full())
    assert main(["simulate", "--json"]) == 2
    assert "cannot write the output: no space left on device" in capsys.readouterr().err


@pytest.mark.parametrize(("make", "said"), [
    (lambda p: p.write_bytes(b"\xef\xbb\xbf" + SOLUTION.encode()), None),  # a BOM is ignored
    (lambda p: p.write_bytes(b"wait 10\n\xff\xfe\n"), "is not UTF-8 text"),
    (lambda p: p.write_bytes(b"wait 10\n" * 40_000), "larger than 256 KB"),
    (lambda p: p.write_text("x" * 200_000), "'xxxxxxxx"),  # one long word: quoted short
    (lambda p: os.mkfifo(p), "not a regular file"),  # would hang waiting for a writer
    (lambda p: p.symlink_to(p.with_name("nothing-here")), "a link to nothing"),
])
def test_an_attempt_file_is_read_within_bounds(tmp_path, capsys, make, said):
    path = tmp_path / "attempt.txt"
    make(path)
    if said is None:
        assert main(["grade", "bluegreen", str(path)]) == 0
        capsys.readouterr()
        return
    assert said in one_sentence(capsys, ["grade", "bluegreen", str(path)])


def test_a_device_is_refused_not_read_forever(capsys):
    assert "not a regular file" in one_sentence(capsys, ["grade", "bluegreen", "/dev/zero"])


def test_standard_input_is_read_within_bounds(capsys, monkeypatch):
    class Endless(io.RawIOBase):  # like `< /dev/zero`
        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"\0" * len(buffer)
            return len(buffer)

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(Endless())))
    assert "larger than 256 KB" in one_sentence(capsys, ["grade", "bluegreen", "-"])


@pytest.mark.parametrize(("argv", "said"), [
    (["--profile", "", "progress"], "the profile name is empty"),
    (["progress", "--profile", ""], "the profile name is empty"),
    (["check", ""], "the folder name is empty"),
    (["grade", "bluegreen", ""], "the file name is empty"),
    (["--lesson", "x" * 100_000], "there is no section 'xxx"),
    (["--profile", "x" * 100_000], "longer than"),
    (["grade", "y" * 100_000, "-"], "unknown exercise 'yyy"),
    (["simulate", "--servers", "9" * 5000], "is too large"),
    (["simulate", "--seed", "9" * 5000], "is too large"),
    (["simulate", "--rps", "-inf"], "-inf must be a positive"),
    (["simulate", "--rps", "nan"], "'nan' is not a number"),
    (["simulate", "--strategy", "z" * 100_000], "invalid choice"),
])
def test_bad_arguments_are_one_short_sentence(capsys, argv, said):
    assert said in one_sentence(capsys, argv)


def test_check_refuses_what_is_not_a_course_folder(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "empty folder" in one_sentence(capsys, ["check", str(empty)])
    dangling = tmp_path / "gone"
    dangling.symlink_to(tmp_path / "nowhere")
    assert "a link to nothing" in one_sentence(capsys, ["check", str(dangling)])


def test_check_names_a_file_that_is_a_link_in_a_loop(tmp_path, capsys):


    root = tmp_path / "lessons"
    copy_course(root)
    looped = root / "sections" / "5.3.toml"
    looped.unlink()
    looped.symlink_to(looped)
    from app.cli.grade import where
    from lessons.course import load_course
    from lessons.files import CourseFileError

    with pytest.raises(CourseFileError) as err:
        load_course(root)
    said = where(err.value, root)  # what `check DIR` prints (it raised RuntimeError here)
    assert said == "sections/5.3.toml: cannot be read (too many levels of symbolic links)"


def test_exports_and_svgs_never_overwrite_without_force(tmp_path, capsys):
    with ProgressStore.open() as store:
        store.mark_section_completed("5.1", "en")
    existing = tmp_path / "old.csv"
    existing.write_text("keep me")
    assert "--force" in one_sentence(capsys, ["progress", "--export", str(existing)])
    assert existing.read_text() == "keep me"
    assert main(["progress", "--export", str(existing), "--force"]) == 0
    assert "5.1" in existing.read_text("utf-8-sig")
    capsys.readouterr()
    svg = tmp_path / "old.svg"
    svg.write_text("keep me")
    assert "--force" in one_sentence(capsys, ["simulate", "--svg", str(svg)])
    assert svg.read_text() == "keep me"


def test_an_export_where_nothing_can_be_written_says_so(capsys):
    said = one_sentence(capsys, ["progress", "--export", "/proc/x.csv"])
    assert "cannot write there" in said and "does not exist" not in said


def test_progress_only_reads_the_database(capsys):
    with ProgressStore.open() as store:
        store.mark_section_completed("5.1", "en")
    path = db_path()
    before = path.read_bytes()
    assert main(["progress"]) == 0
    assert main(["progress", "--export", "x.txt"]) == 2  # refused: nothing opened either
    capsys.readouterr()
    assert path.read_bytes() == before
