"""`deploylab` without a command: check the course options, then run the Textual app.

Every bad option is one sentence on stderr and exit 2, before the screen is taken over.
"""

from __future__ import annotations

import difflib
import os
import sys
from argparse import Namespace

from app.words import lang_from_env


def _fail(message: str) -> int:
    print(f"deploylab: {message}", file=sys.stderr)
    return 2


def nearest(word: str, choices: list[str]) -> str:
    """The choice that looks most like `word` (for "did you mean")."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.0)
    return close[0] if close else choices[0]


def theme_names() -> list[str]:
    from textual.theme import BUILTIN_THEMES

    return sorted(BUILTIN_THEMES)


def run_course(args: Namespace) -> int:
    """Open the course with args.lang, args.lesson, args.present, args.theme, args.profile."""
    lang = args.lang or lang_from_env(dict(os.environ))
    # The table of contents is enough to check --lesson and draw the map; the app validates
    # the whole course right after its first frame (or before, when a lesson opens directly).
    from app.course_index import read_index

    index = course = None
    try:
        index = read_index()
    except Exception:  # the full loader says what is wrong, and where
        from lessons.course import load_course
        from lessons.files import CourseFileError

        try:
            course = load_course()
        except CourseFileError as err:
            return _fail(f"the course files are broken: {err}")
    ids = [s.id for s in (index or course).sections]
    lesson = getattr(args, "lesson", None)
    if lesson is not None and lesson not in ids:
        return _fail(f"there is no section '{lesson}'; the nearest is {nearest(lesson, ids)} "
                     f"(sections: {', '.join(ids)})")
    theme = getattr(args, "theme", None)
    if theme is not None and theme not in theme_names():
        return _fail(f"there is no theme '{theme}'; choose one of: {', '.join(theme_names())}")
    from app.store import ProfileNameError, ProgressStore

    try:
        store = ProgressStore.open(getattr(args, "profile", None) or "default")
    except ProfileNameError as err:
        return _fail(str(err))
    from app.ui.app import DeployLabApp

    app = DeployLabApp(lang=lang, lesson=lesson, present=bool(getattr(args, "present", False)),
                       theme=theme, profile=store.profile, store=store, course=course, index=index)
    app.run()
    if app.course_error:
        return _fail(app.course_error)
    return app.return_code or 0
