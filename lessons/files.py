"""Reading course files: TOML in, one clear error (file and, when known, line) out."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any


class CourseFileError(Exception):
    """A course file is missing, unreadable or invalid; `str()` is the one sentence to show."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None):
        self.path = Path(path)
        self.problem = problem
        self.line = line
        where = f"{self.path.name}" + (f", line {line}" if line else "")
        super().__init__(f"{where}: {problem}")


_TOML_LINE = re.compile(r"at line (\d+)")


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file; syntax errors name the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CourseFileError(path, "the file is missing") from None
    except (OSError, UnicodeDecodeError) as err:
        raise CourseFileError(path, f"cannot be read ({err.__class__.__name__})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = _TOML_LINE.search(str(err))
        message = str(err).split(" (at line")[0]
        raise CourseFileError(path, f"invalid TOML: {message}",
                              int(match.group(1)) if match else None) from None


def line_of(path: Path, needle: str) -> int | None:
    """The first line of `path` that contains `needle` (to point at a bad value)."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                return number
    except OSError:
        return None
    return None


class Fields:
    """Typed access to one TOML table with errors that name the file, the key and the line."""

    def __init__(self, path: Path, table: dict[str, Any], where: str = ""):
        self.path, self.table, self.where = path, table, where

    def _fail(self, key: str, problem: str) -> CourseFileError:
        label = f"{self.where}.{key}" if self.where else key
        return CourseFileError(self.path, f"'{label}' {problem}", line_of(self.path, key))

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.table:
            if default is ...:
                raise self._fail(key, "is missing")
            return default
        value = self.table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = (kind.__name__ if isinstance(kind, type)
                     else " or ".join(k.__name__ for k in kind))
            raise self._fail(key, f"should be {names}, not {type(value).__name__}")
        return value

    def text(self, key: str, default: Any = ...) -> str:
        value = self.get(key, str, default)
        if isinstance(value, str) and not value.strip() and default is ...:
            raise self._fail(key, "is empty")
        return value

    def strings(self, key: str, default: Any = ...) -> list[str]:
        value = self.get(key, list, default)
        if any(not isinstance(v, str) for v in value):
            raise self._fail(key, "should be a list of strings")
        return value

    def table_of(self, key: str, default: Any = ...) -> Fields:
        value = self.get(key, dict, default)
        return Fields(self.path, value, f"{self.where}.{key}" if self.where else key)

    def tables(self, key: str) -> list[Fields]:
        value = self.get(key, list)
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise self._fail(key, f"item {i + 1} should be a table")
            out.append(Fields(self.path, item, f"{key}[{i + 1}]"))
        return out

    def choice(self, key: str, options: tuple[str, ...], default: Any = ...) -> str:
        value = self.get(key, str, default)
        if value not in options:
            raise self._fail(key, f"is '{value}'; expected one of {', '.join(options)}")
        return value

    def unknown(self, allowed: set[str]) -> None:
        extra = sorted(set(self.table) - allowed)
        if extra:
            raise self._fail(extra[0], "is not a known key")
