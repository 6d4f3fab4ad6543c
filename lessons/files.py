"""Reading course files: TOML in, decoded into declared schemas, one clear error out.

`decode` converts a TOML table into a `msgspec.Struct` (see `lessons.schema`); when the data
does not fit, the error names the file, the key path and the line of that key. `TomlLines`
finds the line of any key path in a file, so checks that run after decoding point at it too.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from models.messages import Msg

T = TypeVar("T")
Keys = tuple[str | int, ...]  # a key path: table keys and (0-based) array indices


class CourseFileError(Exception):
    """A course file is missing, unreadable or invalid; `str()` is the one sentence to show
    (in English), `text(lang)` the same sentence in `lang`.

    `problem` is a message (`models.messages.Msg`, a key of the catalogue's `course_file` table
    and its parameters; see `fault`), rendered only when the error is shown: making one reads
    no catalogue. A plain string is shown as it is in every language: that is for problems
    the catalogue cannot word (a broken words file itself).
    """

    def __init__(self, path: Path | str, problem: Msg | str, line: int | None = None):
        self.path = Path(path)
        self.message = problem
        self.line = line
        self.shown = self.path.name  # how the file is named; see lessons.quizzes._named_from
        super().__init__(path, problem, line)

    @property
    def problem(self) -> str:
        """The problem in English, without the file and line."""
        return self.problem_in("en")

    def problem_in(self, lang: str) -> str:
        if isinstance(self.message, str):
            return self.message
        from .words import render, text_of

        if text_of(self.message.catalogue_key, "en") == self.message.catalogue_key:
            # No catalogue to word it (its file is broken): the key and its values, not a crash.
            return self.message.catalogue_key + "".join(
                f" {name}={value!r}" for name, value in self.message.params)
        return render(self.message, lang)

    def where(self) -> str:
        """The file, and its line when known: `5.1.toml, line 3`."""
        return self.shown + (f", line {self.line}" if self.line else "")

    def text(self, lang: str = "en") -> str:
        """The one sentence to show, in `lang`: the file and line, then the problem."""
        return f"{self.where()}: {self.problem_in(lang)}"

    def __str__(self) -> str:
        return self.text("en")


def fault(key: str, /, **params: object) -> Msg:
    """A problem with a course file: `key` is its full catalogue key (`course_file.…`)."""
    table, _, short = key.partition(".")
    return Msg(short, tuple(params.items()), table)


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file; syntax errors name the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CourseFileError(path, fault("course_file.missing_file")) from None
    except UnicodeDecodeError:
        raise CourseFileError(path, fault("course_file.not_utf8")) from None
    except OSError as err:
        reason = (err.strerror or err.__class__.__name__).lower()
        raise CourseFileError(path, fault("course_file.unreadable", reason=reason)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        import re

        match = re.search(r"at line (\d+)", str(err))
        message = str(err).split(" (at line")[0]
        raise CourseFileError(path, fault("course_file.invalid_toml", reason=message),
                              int(match.group(1)) if match else None) from None
    except RecursionError:  # arrays or tables nested thousands deep
        raise CourseFileError(path, fault("course_file.toml_too_deep")) from None
    except ValueError as err:  # Python refuses to read a whole number of over 4,300 digits
        if "digits" not in str(err):
            raise
        raise CourseFileError(path, fault("course_file.number_too_large")) from None


# --- where a key is -------------------------------------------------------------------------

class TomlLines:
    """The line where each key path of a (valid) TOML file is first defined.

    A table's line is its header, or the first header or dotted key that implies it; an array
    of tables' items are its `[[headers]]`; an inline array's items are where each item begins.
    `line(keys)` falls back to the nearest enclosing key that is in the file, so a missing
    key points at the table that lacks it; keys at the top level with no line give None.
    """

    def __init__(self, path: Path):
        self.path = path
        self._found: tuple[dict[Keys, int], dict[Keys, int]] | None = None

    def _scan(self) -> tuple[dict[Keys, int], dict[Keys, int]]:
        """Key lines and string lines, read the first time a line is asked for."""
        if self._found is None:
            self._found = lines, content = {}, {}
            from .keys import Scanner

            try:
                Scanner(self.path.read_text(encoding="utf-8"), lines, content).scan()
            except (OSError, UnicodeDecodeError, IndexError, ValueError):
                pass  # unreadable, or TOML the scanner does not follow: fewer lines, no crash
        return self._found

    def line(self, keys: Keys) -> int | None:
        lines = self._scan()[0]
        keys = tuple(keys)
        while keys:
            if keys in lines:
                return lines[keys]
            keys = keys[:-1]
        return None

    def text_line(self, keys: Keys) -> int | None:
        """The line where the string at `keys` begins (after a multi-line string's opening)."""
        return self._scan()[1].get(tuple(keys))


# --- decoding into schemas ----------------------------------------------------------------

def key_path(keys: Keys) -> str:
    """`steps[1].focus`: table keys joined by dots, array items counted from 1."""
    out = ""
    for key in keys:
        out += f"[{key + 1}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def quoted_key(keys: Keys, data: Any) -> str | Msg:
    """How an error names the key: `'steps[1].focus'`."""
    return f"'{key_path(keys)}'"


Namer = Callable[[Keys, Any], "str | Msg"]


def non_finite(data: Any, keys: Keys = ()) -> tuple[Keys, float] | None:
    """The first number in `data` that is nan or infinite (TOML allows both; a course never
    means them: `inf` requests a second froze the app, a `nan` interval crashed it)."""
    if isinstance(data, float):
        return None if math.isfinite(data) else (keys, data)
    items = data.items() if isinstance(data, dict) else enumerate(data) \
        if isinstance(data, list) else ()
    for key, value in items:
        found = non_finite(value, (*keys, key))
        if found is not None:
            return found
    return None


def decode(path: Path, data: Any, schema: type[T], *, name: Namer = quoted_key,
           lines: TomlLines | None = None) -> T:
    """`data` (a TOML table read from `path`) as `schema`; a mismatch is a `CourseFileError`
    naming the file, the key path (as `name` words it) and the key's line in `path`."""
    try:
        found = non_finite(data)
    except RecursionError:
        raise CourseFileError(path, fault("course_file.too_deep")) from None
    if found is not None:
        keys, value = found
        lines = lines or TomlLines(path)
        raise CourseFileError(path, fault("course_file.not_finite", field=name(keys, data),
                                              value=str(value)),
                              lines.line(keys))
    try:
        return msgspec.convert(data, schema)
    except msgspec.ValidationError as err:
        from .keys import explain

        keys, problem, missing = explain(err, data, schema)
        lines = lines or TomlLines(path)
        line = lines.line(keys[:-1] if missing else keys)
        raise CourseFileError(path, fault("course_file.key_problem", field=name(keys, data),
                                              problem=problem), line) from None
