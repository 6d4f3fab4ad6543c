"""`deploylab` without a command: check the course options, then run the Textual app.

Every bad option is one sentence on stderr and exit 2, before the screen is taken over.
"""

from __future__ import annotations

import os
import sys
from argparse import Namespace

from app.cli.usage import cli_msg, profile_problem, quoted
from app.words import lang_from_env, render


def _fail(message, lang: str) -> int:
    """One sentence on stderr (`message`: a `Msg`, or text already in words), exit 2."""
    text = message if isinstance(message, str) else render(message, lang)
    print(f"deploylab: {text}", file=sys.stderr)
    return 2


def nearest(word: str, choices: list[str]) -> str:
    """The choice that looks most like `word` (for "did you mean")."""
    import difflib  # only for a mistyped --lesson: not on the way to the first frame

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.0)
    return close[0] if close else choices[0]


def _profile(args: Namespace) -> str:
    """--profile as given: absent is the default profile, an empty one is an error."""
    profile = getattr(args, "profile", None)
    return "default" if profile is None else profile


def theme_names() -> list[str]:
    from textual.theme import BUILTIN_THEMES

    return sorted(BUILTIN_THEMES)


def run_course(args: Namespace) -> int:
    """Open the course with args.lang, args.lesson, args.present, args.theme, args.profile,
    args.ask_name."""
    lang = args.lang or lang_from_env(dict(os.environ))
    # The table of contents is enough to check --lesson and draw the map; the app runs the
    # engine's checks right after its first frame (or before, when a lesson opens directly).
    from lessons.files import CourseFileError
    from lessons.toc import read_toc

    try:
        toc = read_toc(langs=(lang,))  # the other language's words once the map is shown
    except CourseFileError as err:
        return _fail(cli_msg("cli.error.course.broken", problem=err.text(lang)), lang)
    ids = [s.id for s in toc.sections]
    lesson = getattr(args, "lesson", None)
    if lesson is not None and lesson not in ids:
        return _fail(cli_msg("cli.error.course.no_section", lesson=quoted(lesson),
                             nearest=nearest(lesson[:40], ids), sections=tuple(ids)), lang)
    theme = getattr(args, "theme", None)
    if theme is not None and theme not in theme_names():
        return _fail(cli_msg("cli.error.course.no_theme", theme=quoted(theme),
                             themes=tuple(theme_names())), lang)
    from app.store import ProfileNameError, ProgressStore
    from app.ui.app import OPEN_WAIT_S, DeployLabApp

    ask_name = bool(getattr(args, "ask_name", False))
    store = None
    if not ask_name:  # else the name screen opens the learner's store
        try:
            store = ProgressStore.open(_profile(args), wait_s=OPEN_WAIT_S)
        except ProfileNameError as err:
            return _fail(profile_problem(err, _profile(args)), lang)

    app = DeployLabApp(lang=lang, lesson=lesson, present=bool(getattr(args, "present", False)),
                       theme=theme, profile=store.profile if store else "default", store=store,
                       toc=toc, teacher=bool(getattr(args, "teacher", False)),
                       ask_name=ask_name, sandbox=getattr(args, "sandbox_spec", None))
    app.run()
    if app.course_error:
        return _fail(app.course_error, lang)  # app/ui words it
    return app.return_code or 0
