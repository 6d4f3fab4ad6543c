"""The words users read: one catalogue per locale (`lessons/<lang>/words.toml`), one lookup.

`word(key, lang, **params)` is the lookup and `render(msg, lang)` turns what the models return
(a `Msg`: key and parameters) into a sentence; both come from `lessons.words`, which owns the
catalogue's files. Here too: the language helpers and `rendered`, for data holding messages.
"""

from __future__ import annotations

from lessons.words import render, word

LANGS = ("ko", "en")

__all__ = ["LANGS", "word", "render", "rendered", "other_lang", "lang_from_env", "points_text"]


def rendered(data: object, lang: str) -> object:
    """`data` (dicts, lists, plain values) with every `Msg` in it rendered in `lang`."""
    if hasattr(data, "catalogue_key"):
        return render(data, lang)
    if isinstance(data, dict):
        return {key: rendered(value, lang) for key, value in data.items()}
    if type(data) in (list, tuple):
        return type(data)(rendered(value, lang) for value in data)
    return data


def other_lang(lang: str) -> str:
    return "en" if lang == "ko" else "ko"


def lang_from_env(environ: dict[str, str]) -> str:
    """ko when the locale (LC_ALL, then LC_MESSAGES, then LANG) starts with "ko", else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


def points_text(points: float) -> str:
    """A score as people write it: 1, 0.8, 3.5 (one decimal at most, no trailing .0)."""
    value = round(points, 1)
    return str(int(value)) if value.is_integer() else f"{value:g}"
