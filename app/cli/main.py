"""The `deploylab` command line: the course, `simulate`, `sandbox`, `grade`, `check`, `schema`,
`progress`, `serve`.

Errors are one sentence on stderr and exit 2. `simulate` never imports Textual.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app.cli.usage import (
    FAULT_NAMES,
    SANDBOX_SCENARIOS,
    STRATEGY_NAMES,
    ArgParser,
    UsageError,
    port_number,
    positive_int,
    positive_number,
    whole_number,
)

DESCRIPTION = "DeployLab ({title}): learn how code reaches servers, in your terminal."


class _CourseParser(ArgParser):
    """The top-level parser; its help names the course in Korean too, read from the catalogue
    only when help is printed (`simulate --json` must not load the catalogue)."""

    def format_help(self) -> str:
        from app.words import word

        self.description = DESCRIPTION.format(title=word("app.title", "ko"))
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    parser = _CourseParser(
        prog="deploylab",
        epilog="Without a command, deploylab opens the course.",
    )
    parser.add_argument("--lang", choices=("ko", "en"),
                        help="course language (default: from the locale)")
    parser.add_argument("--lesson", metavar="ID", help="open a section directly, e.g. 5.1.2")
    parser.add_argument("--theme", metavar="NAME", help="a Textual theme, e.g. textual-light")
    parser.add_argument("--present", action="store_true", help="classroom layout for a projector")
    parser.add_argument("--teacher", action="store_true",
                        help="open the teacher's view: every learner's progress")
    parser.add_argument("--profile", metavar="NAME", default="default",
                        help="keep this learner's progress apart (default: default)")
    parser.add_argument("--ask-name", action="store_true",
                        help="ask the learner's name first and keep their progress under it "
                             "(what serve runs in each browser tab)")
    sub = parser.add_subparsers(dest="command", parser_class=ArgParser, metavar="COMMAND")

    sim = sub.add_parser("simulate", help="run one deployment headless and print its summary",
                         description="Run one deployment headless and print what happened.")
    sim.add_argument("--strategy", choices=STRATEGY_NAMES, default="in-place")
    sim.add_argument("--servers", type=positive_int, default=4, help="fleet size (default 4)")
    sim.add_argument("--batch", type=positive_int, default=None,
                     help="in-place batch size (default: half the fleet, the book's 2 of 4)")
    sim.add_argument("--rps", type=positive_number, default=10.0, help="requests per second (10)")
    sim.add_argument("--capacity", type=positive_number, default=None, metavar="C",
                     help="requests a second one server can answer (default 16)")
    sim.add_argument("--seed", type=whole_number, default=1,
                     help="random seed (same seed, same run)")
    sim.add_argument("--fault", choices=FAULT_NAMES, default="none")
    sim.add_argument("--from", dest="from_version", default="v101", metavar="VERSION")
    sim.add_argument("--to", dest="to_version", default="v102", metavar="VERSION")
    sim.add_argument("--json", action="store_true", help="print one JSON object")
    sim.add_argument("--svg", metavar="FILE", help="also save the readable report as SVG")
    sim.add_argument("--force", action="store_true", help="overwrite the --svg file if it exists")

    box = sub.add_parser("sandbox", help="practise freely: every command, nothing graded",
                         description="Open the practice screen with no exercise: every command "
                                     "of the scenario, the live stage and chart, and marks that "
                                     "say what users saw. d ends the run (replay with Left/"
                                     "Right), w saves it as an attempt file for deploylab grade.")
    box.add_argument("--scenario", choices=SANDBOX_SCENARIOS, default="bluegreen",
                     help="the start state (default bluegreen: blue serving, green empty)")
    box.add_argument("--servers", type=positive_int, default=None,
                     help="fleet size (default 4; in-server runs on one host)")
    box.add_argument("--rps", type=positive_number, default=10.0, help="requests per second (10)")
    box.add_argument("--capacity", type=positive_number, default=None, metavar="C",
                     help="requests a second one server can answer (default 16)")
    box.add_argument("--fault", choices=FAULT_NAMES, default="none")
    box.add_argument("--seed", type=whole_number, default=1,
                     help="random seed (same seed, same run)")
    box.add_argument("--lang", choices=("ko", "en"), default=argparse.SUPPRESS,
                     help="course language (default: from the locale)")

    grade = sub.add_parser("grade",
                           help="grade a practice attempt (exit 0 passed, 1 failed, 2 bad input)",
                           description="Grade an action script against an exercise, on three "
                                       "runs of the same traffic (the seed and two derived from "
                                       "it, seed + 1000 and seed + 2000): it passes only if all "
                                       "three pass. --json adds 'runs', each run's verdict.")
    grade.add_argument("exercise", metavar="EXERCISE", help="e.g. bluegreen, bluegreen-in-server")
    grade.add_argument("file", metavar="FILE", help="the attempt, or - for standard input")
    grade.add_argument("--json", action="store_true", help="print one JSON object")
    # SUPPRESS: without the flag here, `deploylab --lang ko grade ...` keeps the top-level value.
    grade.add_argument("--lang", choices=("ko", "en"), default=argparse.SUPPRESS,
                       help="language of the messages")
    grade.add_argument("--seed", type=whole_number, default=None,
                       help="the first run's random seed (default: the exercise's)")

    check = sub.add_parser("check", help="validate course files and run every exercise's solutions",
                           description="Validate lesson, exercise and quiz files and run every "
                                       "reference solution (must pass) and known-bad attempt "
                                       "(must fail).")
    check.add_argument("dir", metavar="DIR", nargs="?", default=None,
                       help="a course folder (default: the built-in course)")

    sub.add_parser("schema", help="print the JSON Schema of an exercise file (for editors)",
                   description="Print the JSON Schema of an exercise file (exercises/<id>.toml) "
                               "on standard output. Save it and point your editor's TOML "
                               "support at it (e.g. a #:schema comment on the file's first "
                               "line) to get completion and checks while you write one.")

    serve = sub.add_parser("serve", help="serve the course to browsers, one profile per learner",
                           description="Serve the course to web browsers (one app per tab; each "
                                       "learner types a name that keeps their progress here). "
                                       "Beyond 127.0.0.1 the printed address carries a class "
                                       "code, and requests without it are refused.")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1, this computer only)")
    serve.add_argument("--port", type=port_number, default=8000, help="port (default 8000)")
    serve.add_argument("--lang", choices=("ko", "en"), default=argparse.SUPPRESS,
                       help="course language (default: from the locale)")
    serve.add_argument("--max-learners", type=positive_int, default=40, metavar="N",
                       help="browser tabs served at once (default 40)")
    serve.add_argument("--present", action="store_true", default=argparse.SUPPRESS,
                       help="serve the classroom layout for a projector")

    progress = sub.add_parser("progress", help="show or export a learner's progress",
                              description="Show progress and scores; export for a teacher.")
    progress.add_argument("--profile", metavar="NAME", default=None, dest="progress_profile",
                          help="whose progress (default: default)")
    progress.add_argument("--all", action="store_true", dest="all_profiles",
                          help="every profile's progress in one table (the class)")
    progress.add_argument("--export", metavar="FILE", help="write FILE.csv or FILE.json")
    progress.add_argument("--force", action="store_true",
                          help="overwrite the --export file if it exists")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; whatever the output is (a full disk, a closed pipe, no stdout at all),
    the end is an exit code and at most one sentence on stderr, never a traceback."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if sys.stdout is None:  # started with stdout closed (`>&-`): nothing could be shown
        from app.words import word

        print(f"deploylab: {word('cli.error.stdout_closed', _lang(argv))}", file=sys.stderr)
        return 2
    try:
        code = _run(argv)
        sys.stdout.flush()  # here, not at exit, where a failed flush is a traceback
        return code
    except OSError as err:
        if not _output_failed(err):
            raise
        from app.cli.usage import output_problem
        from app.words import render

        _silence_stdout()
        print(f"deploylab: {render(output_problem(err), _lang(argv))}", file=sys.stderr)
        return 2


def _lang(argv: Sequence[str], args: argparse.Namespace | None = None) -> str:
    """The language of the command's error sentences: its --lang when one was given (read from
    `argv` when the arguments could not be parsed), else the locale's."""
    import os

    from app.words import lang_from_env

    chosen = getattr(args, "lang", None)
    if args is None:
        for before, arg in zip(["", *argv], argv, strict=False):
            value = arg if before == "--lang" else arg.partition("=")[2] \
                if arg.startswith("--lang=") else None
            if value in ("ko", "en"):
                chosen = value
    return chosen if chosen in ("ko", "en") else lang_from_env(dict(os.environ))


def _output_failed(err: OSError) -> bool:
    """Whether `err` came from writing standard output (reads name their file first)."""
    import errno

    return err.errno in (errno.ENOSPC, errno.EPIPE, errno.EBADF, errno.EIO, errno.EDQUOT,
                         errno.EFBIG) and not err.filename


def _silence_stdout() -> None:
    # What is still buffered would fail again when Python flushes stdout on exit.
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _run(argv: list[str]) -> int:
    args = None
    try:
        args = build_parser().parse_args(argv)
        if args.command == "simulate":
            from app.cli.simulate import run_simulate

            return run_simulate(args)
        if args.command == "sandbox":
            from app.cli.sandbox import run_sandbox

            return run_sandbox(args)
        if args.command == "grade":
            from app.cli.grade import run_grade

            return run_grade(args)
        if args.command == "check":
            from app.cli.check import run_check

            return run_check(args)
        if args.command == "schema":
            from app.cli.schema import run_schema

            return run_schema(args)
        if args.command == "serve":
            from app.cli.serve import run_serve

            return run_serve(args)
        if args.command == "progress":
            from app.cli.progress import run_progress

            return run_progress(args)
        from app.cli.course import run_course

        return run_course(args)
    except UsageError as err:
        print(f"deploylab: {err.text_in(_lang(argv, args))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
