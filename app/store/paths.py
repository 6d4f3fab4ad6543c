"""Where progress lives: `<data dir>/profiles/<profile>/progress.db`, and valid profile names.

The data directory is the `path` given to `ProgressStore.open`, else $DEPLOYLAB_DATA_DIR (tests and
classrooms set it), else the user data directory platformdirs gives for "deploylab". Profile names
are letters (any script, so a Korean name works), digits, '-', '_' and '.'; they are compared
case-insensitively because the file systems of macOS and Windows are.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import platformdirs

APP_NAME = "deploylab"
DATA_DIR_ENV = "DEPLOYLAB_DATA_DIR"
PROFILES_DIR = "profiles"
DB_NAME = "progress.db"
DEFAULT_PROFILE = "default"
PROFILE_MAX_CHARS = 40
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}


class ProfileNameError(ValueError):
    """A profile name that cannot be used; `str()` is the one sentence to show (for the
    command line), `kind` the rule it broke (empty, separator, space, control, character,
    start, long, reserved) and `char` the character at fault, for a screen to word it."""

    def __init__(self, message: str, kind: str = "", char: str = ""):
        super().__init__(message)
        self.kind = kind
        self.char = char


def validate_profile(name: str) -> str:
    """The profile name as stored (Unicode NFC); a bad one raises `ProfileNameError`."""
    allowed = "use letters, digits, '-', '_' or '.'"
    if not isinstance(name, str) or not name.strip():
        raise ProfileNameError(f"the profile name is empty; {allowed}, e.g. --profile alice",
                               "empty")
    name = unicodedata.normalize("NFC", name)
    shown = name if name.isprintable() else repr(name)
    shown = shown if len(shown) <= 60 else shown[:59] + "…"  # quoted, not echoed whole
    for ch in name:
        if ch in "/\\":
            raise ProfileNameError(f"the profile name '{shown}' contains '{ch}', a path separator; "
                                   f"{allowed}", "separator", ch)
        if not (ch.isalnum() or ch in "-_."):
            what = "a space" if ch.isspace() else repr(ch)
            kind = ("space" if ch.isspace() and ch.isprintable() else
                    "control" if unicodedata.category(ch).startswith("C") else "character")
            raise ProfileNameError(f"the profile name '{shown}' contains {what}; {allowed}",
                                   kind, ch)
    if name[0] in "-.":
        raise ProfileNameError(f"the profile name '{shown}' must start with a letter or a digit",
                               "start", name[0])
    if len(name) > PROFILE_MAX_CHARS:
        raise ProfileNameError(f"the profile name '{shown}' is longer than {PROFILE_MAX_CHARS} "
                               "characters", "long")
    if name.casefold() in _WINDOWS_RESERVED:
        raise ProfileNameError(f"the profile name '{shown}' is reserved by Windows; choose another",
                               "reserved")
    return name


def data_dir(path: Path | str | None = None) -> Path:
    """The data directory: `path`, else $DEPLOYLAB_DATA_DIR, else the user data directory."""
    if path is not None:
        return Path(path).expanduser().absolute()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().absolute()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def db_path(profile: str = DEFAULT_PROFILE, path: Path | str | None = None) -> Path:
    """Where `profile`'s database lives (validates the name)."""
    return data_dir(path) / PROFILES_DIR / validate_profile(profile).casefold() / DB_NAME
