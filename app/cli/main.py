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


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help in `lang`: each action's help is a catalogue key, and text with wide
    (Korean) characters is wrapped by terminal cells, not by len()."""

    def __init__(self, prog: str, lang: str) -> None:
        super().__init__(prog)
        self._lang = lang

    def _get_help_string(self, action: argparse.Action) -> str:
        from app.words import word

        return word(action.help, self._lang)  # argparse then fills in its %(...)s

    def _format_usage(self, usage, actions, groups, prefix) -> str:
        from rich.cells import cell_len

        if prefix is None or cell_len(prefix) == len(prefix):
            return super()._format_usage(usage, actions, groups, prefix)
        # argparse indents the usage's next lines by len(prefix): give it a stand-in as wide
        stand_in = "_" * cell_len(prefix)
        return prefix + super()._format_usage(usage, actions, groups, stand_in)[len(stand_in):]

    def _split_lines(self, text: str, width: int) -> list[str]:
        from rich.cells import cell_len

        if cell_len(text) == len(text):
            return super()._split_lines(text, width)  # textwrap, as argparse always did
        return _wrap_cells(self._whitespace_matcher.sub(" ", text).strip(), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        from rich.cells import cell_len

        if cell_len(text) == len(text):
            return super()._fill_text(text, width, indent)
        text = self._whitespace_matcher.sub(" ", text).strip()
        return "\n".join(indent + line for line in _wrap_cells(text, width - len(indent)))


def _wrap_cells(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken at spaces (a longer word is cut)."""
    from rich.cells import cell_len, chop_cells

    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if cell_len(word) > width:
            pieces = chop_cells(word, width)
            lines.extend(([line] if line else []) + pieces[:-1])
            line, word = "", pieces[-1]
        if line and cell_len(f"{line} {word}") > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


class _HelpParser(ArgParser):
    """A parser whose help (descriptions, epilog, each option's help) is catalogue keys under
    `cli.help`, looked up only when help is printed: parsing never loads the catalogue
    (`simulate --json` must not). The language is `lang`, or when None the locale's; argparse's
    own headings and -h are in that language too."""

    def __init__(self, *args, lang: str | None = None, **kwargs) -> None:
        super().__init__(*args, add_help=False, **kwargs)
        self.lang = lang
        self._positionals.title = "cli.help.positionals"
        self._optionals.title = "cli.help.options"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="cli.help.help")

    def help_lang(self) -> str:
        import os

        from app.words import lang_from_env

        return self.lang or lang_from_env(os.environ)

    def help_text(self, key: str | None, lang: str) -> str | None:
        from app.words import word

        return None if key is None else word(key, lang)

    def format_help(self) -> str:  # argparse's, with every text looked up in the language
        from app.words import word

        lang = self.help_lang()
        formatter = _HelpFormatter(self.prog, lang)
        formatter.add_usage(self.usage, self._actions, self._mutually_exclusive_groups,
                            prefix=word("cli.help.usage", lang))
        formatter.add_text(self.help_text(self.description, lang))
        for group in self._action_groups:
            formatter.start_section(self.help_text(group.title, lang))
            formatter.add_text(self.help_text(group.description, lang))
            formatter.add_arguments(group._group_actions)
            formatter.end_section()
        formatter.add_text(self.help_text(self.epilog, lang))
        return formatter.format_help()


class _CourseParser(_HelpParser):
    """The top-level parser; its description names the course in Korean in both languages."""

    def help_text(self, key: str | None, lang: str) -> str | None:
        from app.words import word

        if key == "cli.help.description":
            return word(key, lang, title=word("app.title", "ko"))
        return super().help_text(key, lang)


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The command line; its help is in `lang`, or when None in the locale's language (`--lang`
    cannot choose it: it is known only once the arguments are parsed)."""
    parser = _CourseParser(prog="deploylab", lang=lang, description="cli.help.description",
                           epilog="cli.help.epilog")
    parser.add_argument("--lang", choices=("ko", "en"), help="cli.help.lang")
    parser.add_argument("--lesson", metavar="ID", help="cli.help.lesson")
    parser.add_argument("--theme", metavar="NAME", help="cli.help.theme")
    parser.add_argument("--present", action="store_true", help="cli.help.present")
    parser.add_argument("--teacher", action="store_true", help="cli.help.teacher")
    parser.add_argument("--profile", metavar="NAME", default="default", help="cli.help.profile")
    parser.add_argument("--ask-name", action="store_true", help="cli.help.ask_name")
    sub = parser.add_subparsers(dest="command", parser_class=_HelpParser, metavar="COMMAND")

    sim = sub.add_parser("simulate", lang=lang, help="cli.help.simulate.summary",
                         description="cli.help.simulate.description")
    sim.add_argument("--strategy", choices=STRATEGY_NAMES, default="in-place")
    sim.add_argument("--servers", type=positive_int, default=4,
                     help="cli.help.simulate.servers")
    sim.add_argument("--batch", type=positive_int, default=None, help="cli.help.simulate.batch")
    sim.add_argument("--rps", type=positive_number, default=10.0, help="cli.help.rps")
    sim.add_argument("--capacity", type=positive_number, default=None, metavar="C",
                     help="cli.help.capacity")
    sim.add_argument("--seed", type=whole_number, default=1, help="cli.help.seed")
    sim.add_argument("--fault", choices=FAULT_NAMES, default="none")
    sim.add_argument("--from", dest="from_version", default="v101", metavar="VERSION")
    sim.add_argument("--to", dest="to_version", default="v102", metavar="VERSION")
    sim.add_argument("--json", action="store_true", help="cli.help.json")
    sim.add_argument("--svg", metavar="FILE", help="cli.help.simulate.svg")
    sim.add_argument("--force", action="store_true", help="cli.help.simulate.force")

    box = sub.add_parser("sandbox", lang=lang, help="cli.help.sandbox.summary",
                         description="cli.help.sandbox.description")
    box.add_argument("--scenario", choices=SANDBOX_SCENARIOS, default="bluegreen",
                     help="cli.help.sandbox.scenario")
    box.add_argument("--servers", type=positive_int, default=None,
                     help="cli.help.sandbox.servers")
    box.add_argument("--rps", type=positive_number, default=10.0, help="cli.help.rps")
    box.add_argument("--capacity", type=positive_number, default=None, metavar="C",
                     help="cli.help.capacity")
    box.add_argument("--fault", choices=FAULT_NAMES, default="none")
    box.add_argument("--seed", type=whole_number, default=1, help="cli.help.seed")
    box.add_argument("--lang", choices=("ko", "en"), default=argparse.SUPPRESS,
                     help="cli.help.lang")

    grade = sub.add_parser("grade", lang=lang, help="cli.help.grade.summary",
                           description="cli.help.grade.description")
    grade.add_argument("exercise", metavar="EXERCISE", help="cli.help.grade.exercise")
    grade.add_argument("file", metavar="FILE", help="cli.help.grade.file")
    grade.add_argument("--json", action="store_true", help="cli.help.json")
    # SUPPRESS: without the flag here, `deploylab --lang ko grade ...` keeps the top-level value.
    grade.add_argument("--lang", choices=("ko", "en"), default=argparse.SUPPRESS,
                       help="cli.help.grade.lang")
    grade.add_argument("--seed", type=whole_number, default=None, help="cli.help.grade.seed")

    check = sub.add_parser("check", lang=lang, help="cli.help.check.summary",
                           description="cli.help.check.description")
    check.add_argument("dir", metavar="DIR", nargs="?", default=None,
                       help="cli.help.check.dir")

    sub.add_parser("schema", lang=lang, help="cli.help.schema.summary",
                   description="cli.help.schema.description")

    serve = sub.add_parser("serve", lang=lang, help="cli.help.serve.summary",
                           description="cli.help.serve.description")
    serve.add_argument("--host", default="127.0.0.1", help="cli.help.serve.host")
    serve.add_argument("--port", type=port_number, default=8000, help="cli.help.serve.port")
    serve.add_argument("--lang", choices=("ko", "en"), default=argparse.SUPPRESS,
                       help="cli.help.lang")
    serve.add_argument("--max-learners", type=positive_int, default=40, metavar="N",
                       help="cli.help.serve.max_learners")
    serve.add_argument("--present", action="store_true", default=argparse.SUPPRESS,
                       help="cli.help.serve.present")

    progress = sub.add_parser("progress", lang=lang, help="cli.help.progress.summary",
                              description="cli.help.progress.description")
    progress.add_argument("--profile", metavar="NAME", default=None, dest="progress_profile",
                          help="cli.help.progress.profile")
    progress.add_argument("--all", action="store_true", dest="all_profiles",
                          help="cli.help.progress.all")
    progress.add_argument("--export", metavar="FILE", help="cli.help.progress.export")
    progress.add_argument("--force", action="store_true", help="cli.help.progress.force")
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
