"""What every subcommand shares: the one-sentence usage error and the argument checks."""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys

from models.messages import Msg

STRATEGY_NAMES = ("recreate", "in-place", "blue-green", "in-server", "canary")
SANDBOX_SCENARIOS = ("fleet", "bluegreen", "in-server")  # = models.sandbox.SCENARIOS (tested)
FAULT_NAMES = ("none", "bad-build", "slow-start", "traffic-spike", "bad-config")
MAX_SERVERS = 5000
MAX_RPS = 100_000  # past this no fleet here carries it; what a run may cost is MAX_WORK
# Requests' worth of engine work (models.report.estimated_work) a run may cost: well under a
# minute on a 2-core machine (1,000 servers and a million requests take about 35 s).
MAX_WORK = 1_500_000
QUOTE_CHARS = 60  # what a message quotes of what the user typed, at most
PATH_CHARS = 240  # a path is quoted longer: its end is the part that says which file
# An attempt is at most 200 commands (models.grading): a few hundred KB is far more than that.
MAX_INPUT_BYTES = 256 * 1024
# What argparse must read as a value, not as an option: -1, -2.5, -1e3, -inf, -nan.
_NEGATIVE_NUMBER = re.compile(
    r"^-(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|inf|infinity|nan)$", re.IGNORECASE)


def cli_msg(key: str, **params: object) -> Msg:
    """A command-line message: its whole catalogue key (`cli.error.simulate.batch`) and its
    parameters, rendered in the command's language where it is printed (`lessons.words.render`:
    a parameter may be a message too, or a tuple, a list)."""
    table, _, short = key.rpartition(".")
    return Msg(short, tuple(params.items()), table)


class _Problem(Exception):
    """An error whose one sentence is a catalogue message (`message`: a key and parameters, or
    a `Msg` made already) or, for text that is not DeployLab's own (argparse's English), that
    text as it is; `text_in(lang)` is the sentence the user sees, `str()` the English one."""

    def __init__(self, key: str | Msg = "", /, *, text: str = "", **params: object):
        self.message = key if isinstance(key, Msg) else cli_msg(key, **params) if key else None
        self.text = text
        super().__init__(key or text)

    def text_in(self, lang: str) -> str:
        if self.message is None:
            return self.text
        from lessons.words import render  # the catalogue only on the way to an error

        return render(self.message, lang)

    def __str__(self) -> str:
        return self.text_in("en")


class UsageError(_Problem):
    """Bad command-line input; `text_in(lang)` is the one sentence the user sees, printed by
    `app.cli.main` in the command's language: `UsageError("cli.error.simulate.batch", batch=5,
    servers=4)`."""


def quoted(text: str, limit: int = QUOTE_CHARS) -> str:
    """What the user typed, as a message quotes it: control characters escaped, at most `limit`
    characters (a 100,000-character argument must not become a 100 KB line)."""
    shown = text if text.isprintable() else repr(text)[1:-1]
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"


def shortened(message):
    """A message (`models.messages.Msg`) with every word it quotes cut to `QUOTE_CHARS`: the
    engine's parse errors quote the word they did not know, whatever its length."""
    if isinstance(message, str):
        return quoted(message) if len(message) > QUOTE_CHARS else message
    if isinstance(message, tuple) and hasattr(message, "_replace"):  # a Msg
        return message._replace(params=tuple((k, shortened(v)) for k, v in message.params))
    if isinstance(message, tuple):
        return tuple(shortened(part) for part in message)
    return message


class ArgParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # `--rps -inf` is a value to check and name, not an unknown option `-inf`
        self._negative_number_matcher = _NEGATIVE_NUMBER

    def error(self, message: str) -> None:  # argparse would print usage and a second line
        # argparse calls this while handling the ArgumentError it raised for a value that one
        # of our types refused; that error's context is ours, with the sentence as a message.
        raised = sys.exc_info()[1]
        problem = getattr(getattr(raised, "__context__", None), "message", None)
        if isinstance(raised, argparse.ArgumentError) and isinstance(problem, Msg):
            if raised.argument_name is None:
                raise UsageError(problem)
            raise UsageError("cli.error.usage.argument", argument=raised.argument_name,
                             problem=problem)
        raise UsageError(text=_shorten_quotes(message))  # argparse's own English, as it is


class _TypeProblem(argparse.ArgumentTypeError):
    """A value one of the types below refuses; `message` is the sentence (a `Msg`)."""

    def __init__(self, key: str, **params: object):
        self.message = cli_msg(key, **params)
        super().__init__(key)

    def __str__(self) -> str:  # what argparse puts after "argument --servers: "
        from lessons.words import render

        return render(self.message, "en")


def _shorten_quotes(message: str) -> str:
    """argparse quotes values whole ("invalid choice: '<100,000 characters>'"): shorten them."""
    long_quote = "'([^']{" + str(QUOTE_CHARS + 1) + ",})'"
    return re.sub(long_quote, lambda m: f"'{quoted(m.group(1))}'", message)


def _number_problem(text: str, not_key: str) -> _TypeProblem:
    digits = text.strip().lstrip("+-").replace("_", "")
    if digits.isdigit() and len(digits) > 18:
        return _TypeProblem("cli.error.usage.too_large", value=quoted(text))
    return _TypeProblem(not_key, value=quoted(text))


def positive_int(text: str) -> int:
    try:
        value = int(text) if len(text) <= 40 else _too_long(text)
    except ValueError:
        raise _number_problem(text, "cli.error.usage.not_whole") from None
    if value <= 0:
        raise _TypeProblem("cli.error.usage.at_least_one", value=value)
    return value


def port_number(text: str) -> int:
    try:
        value = int(text) if len(text) <= 40 else _too_long(text)
    except ValueError:
        raise _number_problem(text, "cli.error.usage.not_port") from None
    if not 1 <= value <= 65535:
        raise _TypeProblem("cli.error.usage.port_range", value=value)
    return value


def positive_number(text: str) -> float:
    try:
        value = float(text) if len(text) <= 40 else _too_long(text)
    except ValueError:
        raise _number_problem(text, "cli.error.usage.not_number") from None
    if value != value:
        raise _TypeProblem("cli.error.usage.not_number", value=quoted(text))
    if not value > 0 or value == float("inf"):
        raise _TypeProblem("cli.error.usage.positive", value=quoted(text))
    return value


def whole_number(text: str) -> int:
    try:
        return int(text) if len(text) <= 40 else _too_long(text)
    except ValueError:
        raise _number_problem(text, "cli.error.usage.not_whole") from None


def _too_long(text: str):
    raise ValueError(text)  # no number we take has 40 characters: too large, or not a number


class InputError(_Problem):
    """A file or standard input that cannot be read as text; `text_in(lang)` is the one
    sentence (`str()` the English one)."""


def read_text_input(file: str, limit: int = MAX_INPUT_BYTES) -> tuple[str, str]:
    """(the name to show, the text) of `file`, or of standard input for "-": at most `limit`
    bytes of UTF-8 (a BOM is dropped). Anything but a regular file or a stream is refused at
    once: a FIFO with no writer would hang, /dev/zero never ends."""
    if file == "-":
        if sys.stdin is None:
            raise InputError("cli.error.input.stdin_closed")
        name = "stdin"
        try:
            stream = getattr(sys.stdin, "buffer", None)
            data = stream.read(limit + 1) if stream is not None else \
                sys.stdin.read(limit + 1).encode("utf-8")  # a text stream (tests, wrappers)
        except (OSError, ValueError) as err:
            raise InputError("cli.error.input.stdin_unreadable", reason=_reason(err)) from None
    else:
        name = quoted(file, PATH_CHARS)
        if not file:
            raise InputError("cli.error.input.empty_name")
        data = _read_regular_file(file, name, limit)
    if len(data) > limit:
        if file == "-":
            raise InputError("cli.error.input.stdin_too_large", kb=limit // 1024)
        raise InputError("cli.error.input.too_large", name=repr(name), kb=limit // 1024)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return (name if file == "-" else os.path.basename(file) or name), data.decode("utf-8")
    except UnicodeDecodeError as err:
        if file == "-":
            raise InputError("cli.error.input.stdin_not_utf8", byte=err.start + 1) from None
        raise InputError("cli.error.input.not_utf8", name=name, byte=err.start + 1) from None


def _read_regular_file(file: str, name: str, limit: int) -> bytes:
    try:
        # O_NONBLOCK: opening a FIFO that has no writer returns at once instead of waiting
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        if os.path.islink(file):
            raise InputError("cli.error.input.dangling", name=name) from None
        raise InputError("cli.error.input.missing", name=name) from None
    except IsADirectoryError:
        raise InputError("cli.error.input.folder", name=name) from None
    except OSError as err:
        raise InputError("cli.error.input.unreadable", name=name, reason=_reason(err)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("cli.error.input.folder", name=name)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("cli.error.input.not_regular", name=name)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as err:
        raise InputError("cli.error.input.unreadable", name=name, reason=_reason(err)) from None
    finally:
        os.close(fd)


def _reason(err: Exception) -> Msg | str:
    """Why a read or a write failed: ours as a message, else the system's own words."""
    if isinstance(err, PermissionError):
        return cli_msg("cli.error.reason.permission")
    if isinstance(err, OSError):
        return (getattr(err, "strerror", None) or err.__class__.__name__).lower()
    return cli_msg("cli.error.reason.closed")


# What a file the command writes is, in its sentences (`target_problem(..., "SVG", ...)`).
_WRITTEN = {"SVG": "cli.error.what.svg", "export": "cli.error.what.export"}


def target_problem(target: str, what: str, force: bool) -> Msg | None:
    """Why `target` (a file the command is asked to write: `what` is "SVG" or "export") cannot
    be written, before anything is done: an empty name, a folder, an existing file without
    --force, a missing folder."""
    kind = cli_msg(_WRITTEN[what])
    if not target:
        return cli_msg("cli.error.write.empty_name", what=kind)
    shown = quoted(target, PATH_CHARS)
    if os.path.isdir(target):
        return cli_msg("cli.error.write.folder", what=kind, path=shown)
    if os.path.lexists(target) and not force:
        return cli_msg("cli.error.write.exists", path=shown)
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        return cli_msg("cli.error.write.no_folder", what=kind, path=shown,
                       folder=quoted(folder, PATH_CHARS))
    return None


def write_problem(target: str, what: str, err: OSError) -> Msg:
    """The one sentence for a file that could not be written where its folder exists."""
    kind = cli_msg(_WRITTEN[what])
    folder = os.path.dirname(os.path.abspath(target))
    shown = quoted(target, PATH_CHARS)
    if not os.path.isdir(folder):
        return cli_msg("cli.error.write.no_folder", what=kind, path=shown,
                       folder=quoted(folder, PATH_CHARS))
    return cli_msg("cli.error.write.failed", what=kind, path=shown, reason=_reason(err))


def output_problem(err: OSError) -> Msg:
    """The one sentence for output that could not be written (a full disk, a closed pipe)."""
    return cli_msg("cli.error.output", reason=_reason(err))


def profile_problem(err: Exception, name: str) -> Msg:
    """The sentence for a refused --profile `name` (`err`, the store's `ProfileNameError`: its
    `kind` and `char` say which rule the name broke; its `str()` is the same English)."""
    import unicodedata

    kind, char = getattr(err, "kind", ""), getattr(err, "char", "")
    if kind == "empty" or not isinstance(name, str):
        return cli_msg("cli.error.profile.empty")
    name = unicodedata.normalize("NFC", name)
    shown = name if name.isprintable() else repr(name)  # as app/store/paths.py shows it
    shown = shown if len(shown) <= QUOTE_CHARS else shown[:QUOTE_CHARS - 1] + "…"
    if kind == "separator":
        return cli_msg("cli.error.profile.separator", name=shown, char=char)
    if kind in ("space", "control", "character"):
        if char.isspace():
            return cli_msg("cli.error.profile.space", name=shown)
        return cli_msg("cli.error.profile.character", name=shown, char=repr(char))
    if kind == "start":
        return cli_msg("cli.error.profile.start", name=shown)
    if kind == "long":
        from app.store import PROFILE_MAX_CHARS

        return cli_msg("cli.error.profile.long", name=shown, max=PROFILE_MAX_CHARS)
    if kind == "reserved":
        return cli_msg("cli.error.profile.reserved", name=shown)
    return cli_msg("cli.error.profile.other", problem=str(err))
