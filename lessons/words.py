"""The catalogue of words: every sentence DeployLab shows, one TOML file per locale.

`<lang>/words.toml` holds dotted keys in tables (`[map] heading = "..."` is `map.heading`);
`{name}` is a value filled in. A locale is read on its first lookup and kept. `word` looks a
key up; `render` turns a message the models return (`models.messages.Msg`) into its sentence.

A missing key raises `KeyError` in strict mode (the test suite turns it on, also for the
processes it starts, through DEPLOYLAB_STRICT_WORDS=1); otherwise it falls back to English,
then to the key itself, so a learner never sees a crash over a missing word.
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path

from lessons import COURSE_DIR, LOCALES

STRICT_ENV = "DEPLOYLAB_STRICT_WORDS"
FALLBACK = "en"
WORDS_FILE = "words.toml"


def strict() -> bool:
    """Whether a missing key raises (DEPLOYLAB_STRICT_WORDS=1) instead of falling back."""
    return os.environ.get(STRICT_ENV) == "1"


def flatten(table: dict, prefix: str = "") -> dict[str, str]:
    """A parsed words file as {dotted key: text}."""
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


def read_catalogue(path: Path) -> dict[str, str]:
    """One words file, flattened; raises OSError or tomllib.TOMLDecodeError."""
    with open(path, "rb") as f:
        return flatten(tomllib.load(f))


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """The built-in words of `lang`, read on the first lookup in that language and kept for the
    process (they are part of the installed course, like its code; `catalogue.cache_clear()`
    forgets them)."""
    try:
        return read_catalogue(COURSE_DIR / lang / WORDS_FILE)
    except (OSError, tomllib.TOMLDecodeError):
        if strict():
            raise
        return {}  # every lookup falls back; the course still opens


def text_of(key: str, lang: str) -> str:
    """The unformatted text of `key` in `lang` (see the module docstring for a missing key)."""
    if lang not in LOCALES:
        lang = FALLBACK
    text = catalogue(lang).get(key)
    if text is None:
        if strict():
            raise KeyError(f"'{key}' is not in {lang}/{WORDS_FILE}")
        text = key if lang == FALLBACK else catalogue(FALLBACK).get(key, key)
    return text


def word(key: str, lang: str, **params: object) -> str:
    """The text of `key` in `lang`, with `params` filled in."""
    text = text_of(key, lang)
    return text.format(**params) if params else text


def render(message, lang: str) -> str:
    """A model's message (a `Msg`: catalogue key and parameters) as a sentence in `lang`.

    Parameters that are messages are rendered first; a tuple is a list, joined the way `lang`
    joins lists.
    """
    params = {name: _param(value, lang) for name, value in message.params}
    return text_of(message.catalogue_key, lang).format(**params)


def _param(value: object, lang: str) -> object:
    if isinstance(value, tuple):
        if hasattr(value, "catalogue_key"):
            return render(value, lang)
        return text_of("list.sep", lang).join(str(_param(v, lang)) for v in value)
    return value
