"""What every subcommand shares: the one-sentence usage error and the argument checks."""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys

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


class UsageError(Exception):
    """Bad command-line input; the message is the one sentence the user sees."""


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
        raise UsageError(_shorten_quotes(message))


def _shorten_quotes(message: str) -> str:
    """argparse quotes values whole ("invalid choice: '<100,000 characters>'"): shorten them."""
    long_quote = "'([^']{" + str(QUOTE_CHARS + 1) + ",})'"
    return re.sub(long_quote, lambda m: f"'{quoted(m.group(1))}'", message)


def _number_problem(text: str, what: str) -> str:
    digits = text.strip().lstrip("+-").replace("_", "")
    if digits.isdigit() and len(digits) > 18:
        return f"'{quoted(text)}' is too large"
    return f"'{quoted(text)}' is not {what}"


def positive_int(text: str) -> int:
    try:
        value = int(text) if len(text) <= 40 else _too_long(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_number_problem(text, "a whole number")) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def port_number(text: str) -> int:
    try:
        value = int(text) if len(text) <= 40 else _too_long(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_number_problem(text, "a port number")) from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port {value} is out of range; a port is a number "
                                         "from 1 to 65535")
    return value


def positive_number(text: str) -> float:
    try:
        value = float(text) if len(text) <= 40 else _too_long(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_number_problem(text, "a number")) from None
    if value != value:
        raise argparse.ArgumentTypeError(f"'{quoted(text)}' is not a number")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{quoted(text)} must be a positive, finite number")
    return value


def whole_number(text: str) -> int:
    try:
        return int(text) if len(text) <= 40 else _too_long(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_number_problem(text, "a whole number")) from None


def _too_long(text: str):
    raise ValueError(text)  # no number we take has 40 characters: too large, or not a number


class InputError(Exception):
    """A file or standard input that cannot be read as text; `str()` is the one sentence."""


def read_text_input(file: str, limit: int = MAX_INPUT_BYTES) -> tuple[str, str]:
    """(the name to show, the text) of `file`, or of standard input for "-": at most `limit`
    bytes of UTF-8 (a BOM is dropped). Anything but a regular file or a stream is refused at
    once: a FIFO with no writer would hang, /dev/zero never ends."""
    if file == "-":
        if sys.stdin is None:
            raise InputError("standard input is closed; give a file, or pipe the attempt in")
        name = "stdin"
        try:
            stream = getattr(sys.stdin, "buffer", None)
            data = stream.read(limit + 1) if stream is not None else \
                sys.stdin.read(limit + 1).encode("utf-8")  # a text stream (tests, wrappers)
        except (OSError, ValueError) as err:
            raise InputError(f"cannot read standard input: {_reason(err)}") from None
    else:
        name = quoted(file, PATH_CHARS)
        if not file:
            raise InputError("the file name is empty; give a file, or - for standard input")
        data = _read_regular_file(file, name, limit)
    if len(data) > limit:
        raise InputError(f"{'standard input' if file == '-' else repr(name)} is larger than "
                         f"{limit // 1024} KB; an attempt is at most 200 commands")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return (name if file == "-" else os.path.basename(file) or name), data.decode("utf-8")
    except UnicodeDecodeError as err:
        what = "standard input" if file == "-" else f"'{name}'"
        raise InputError(f"{what} is not UTF-8 text (byte {err.start + 1} cannot be read)") \
            from None


def _read_regular_file(file: str, name: str, limit: int) -> bytes:
    try:
        # O_NONBLOCK: opening a FIFO that has no writer returns at once instead of waiting
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        if os.path.islink(file):
            raise InputError(f"cannot read '{name}': it is a link to nothing") from None
        raise InputError(f"cannot read '{name}': there is no such file") from None
    except IsADirectoryError:
        raise InputError(f"cannot read '{name}': it is a folder, not a file") from None
    except OSError as err:
        raise InputError(f"cannot read '{name}': {_reason(err)}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"cannot read '{name}': it is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"cannot read '{name}': it is not a regular file (a device, a "
                             "pipe or a socket); give a file, or - for standard input")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as err:
        raise InputError(f"cannot read '{name}': {_reason(err)}") from None
    finally:
        os.close(fd)


def _reason(err: Exception) -> str:
    if isinstance(err, PermissionError):
        return "permission denied"
    return (getattr(err, "strerror", None) or err.__class__.__name__).lower() \
        if isinstance(err, OSError) else "it is closed"


def target_problem(target: str, what: str, force: bool) -> str | None:
    """Why `target` (a file the command is asked to write) cannot be written, before anything
    is done: an empty name, a folder, an existing file without --force, a missing folder."""
    if not target:
        return f"the {what} file name is empty"
    shown = quoted(target, PATH_CHARS)
    if os.path.isdir(target):
        return f"cannot write the {what} to {shown}: it is a folder"
    if os.path.lexists(target) and not force:
        return f"{shown} exists already; give --force to overwrite it"
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        return f"cannot write the {what} to {shown}: the folder {quoted(folder, PATH_CHARS)} " \
               "does not exist"
    return None


def write_problem(target: str, what: str, err: OSError) -> str:
    """The one sentence for a file that could not be written where its folder exists."""
    folder = os.path.dirname(os.path.abspath(target))
    shown = quoted(target, PATH_CHARS)
    if not os.path.isdir(folder):
        return f"cannot write the {what} to {shown}: the folder {quoted(folder, PATH_CHARS)} " \
               "does not exist"
    return f"cannot write the {what} to {shown}: cannot write there ({_reason(err)})"


def output_problem(err: OSError) -> str:
    """The one sentence for output that could not be written (a full disk, a closed pipe)."""
    return f"cannot write the output: {_reason(err)}"
