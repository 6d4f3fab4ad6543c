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
import marshal
import os
import sys
import tomllib
from pathlib import Path

from lessons import COURSE_DIR, LOCALES

STRICT_ENV = "DEPLOYLAB_STRICT_WORDS"
FALLBACK = "en"
WORDS_FILE = "words.toml"
CACHE_FORMAT = 1  # of the kept words beside each file (see read_catalogue)


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
    """One words file, flattened; raises OSError or tomllib.TOMLDecodeError.

    The flattened words are kept beside the file, in `__pycache__`, tagged with its size and
    modification time, as Python keeps bytecode: parsing the catalogue was a tenth of the map's
    first frame, reading them back takes a tenth of that. A tag that does not match, a cache
    that cannot be read or written, or `sys.dont_write_bytecode` only means parsing again.
    """
    info = os.stat(path)
    tag = (CACHE_FORMAT, sys.version_info[:2], info.st_size, info.st_mtime_ns)
    cache = path.parent / "__pycache__" / f"{path.stem}.marshal"
    try:
        kept_tag, words = marshal.loads(cache.read_bytes())
        if tuple(kept_tag) == tag and isinstance(words, dict):
            return words
    except (OSError, ValueError, EOFError, TypeError):
        pass
    words = flatten(tomllib.loads(path.read_bytes().decode("utf-8")))
    if not sys.dont_write_bytecode:
        _keep(cache, marshal.dumps((tag, words)))
    return words


def _keep(cache: Path, blob: bytes) -> None:
    """Write `blob` to `cache` whole or not at all (processes starting together may race)."""
    try:
        cache.parent.mkdir(exist_ok=True)
        temporary = cache.with_name(f"{cache.name}.{os.getpid()}")
        temporary.write_bytes(blob)
        os.replace(temporary, cache)
    except OSError:
        pass


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
