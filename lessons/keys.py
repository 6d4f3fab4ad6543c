"""Where a key is in a TOML file, and what a schema mismatch means in words.

Imported only when a line is asked for or a file does not fit its schema: the first frame of
the course map reads the files without it.
"""

from __future__ import annotations

import re
import types
import typing
from datetime import date, datetime, time
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import msgspec

from models.messages import Msg

from .files import Keys, fault

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class Scanner:
    """Just enough of TOML to know where keys and values begin (the file already parsed)."""

    def __init__(self, text: str, lines: dict[Keys, int], content: dict[Keys, int]):
        self.text, self.pos, self.lineno = text, 0, 1
        self.lines, self.content = lines, content
        self.table: Keys = ()
        self.array_counts: dict[Keys, int] = {}

    # moving
    def peek(self, n: int = 1) -> str:
        return self.text[self.pos:self.pos + n]

    def advance(self, n: int = 1) -> None:
        self.lineno += self.text.count("\n", self.pos, self.pos + n)
        self.pos += n

    def skip_blank(self, newlines: bool) -> None:
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.advance()
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.advance((len(self.text) if end < 0 else end) - self.pos)
            else:
                return

    def record(self, keys: Keys, line: int | None = None) -> None:
        for n in range(1, len(keys) + 1):
            self.lines.setdefault(keys[:n], line or self.lineno)

    # reading
    def scan(self) -> None:
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return
            if self.peek(2) == "[[":
                self.advance(2)
                keys = self.resolve(self.key(), array=True)
                self.expect("]]")
                self.table = keys
                self.record(keys)
            elif self.peek() == "[":
                self.advance()
                self.table = self.resolve(self.key())
                self.expect("]")
                self.record(self.table)
            else:
                keys = self.table + self.key()
                self.record(keys)
                self.expect("=")
                self.value(keys)

    def resolve(self, keys: Keys, array: bool = False) -> Keys:
        """A header's key path with the current item of every array of tables it passes."""
        out: Keys = ()
        for i, key in enumerate(keys):
            out += (key,)
            if out in self.array_counts and (i < len(keys) - 1 or not array):
                out += (self.array_counts[out] - 1,)
        if array:
            count = self.array_counts.get(out, 0)
            self.array_counts[out] = count + 1
            out += (count,)
        return out

    def expect(self, token: str) -> None:
        self.skip_blank(newlines=False)
        if self.peek(len(token)) != token:
            raise ValueError(token)
        self.advance(len(token))

    def key(self) -> Keys:
        parts: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            char = self.peek()
            if char in "\"'":
                parts.append(self.string())
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if not match:
                    raise ValueError("key")
                parts.append(match.group())
                self.advance(match.end() - self.pos)
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return tuple(parts)
            self.advance()

    def string(self) -> str:
        """Skip a string of any kind; return its raw text (exact for keys, which are simple)."""
        quote = self.peek()
        triple = self.peek(3) == quote * 3
        delim = quote * 3 if triple else quote
        self.advance(len(delim))
        start = self.pos
        while self.pos < len(self.text):
            if quote == '"' and self.text[self.pos] == "\\":
                self.advance(2)
            elif self.text.startswith(delim, self.pos):
                raw = self.text[start:self.pos]
                self.advance(len(delim))
                while triple and self.peek() == quote:  # up to two quotes may end the text
                    self.advance()
                return raw
            else:
                self.advance()
        raise ValueError("string")

    def value(self, keys: Keys) -> None:
        self.skip_blank(newlines=False)
        char = self.peek()
        if char in "\"'":
            line = self.lineno
            if self.peek(3) == char * 3 and self.text[self.pos + 3:self.pos + 4] == "\n":
                line += 1  # TOML drops a newline right after the opening quotes
            self.content.setdefault(keys, line)
            self.string()
        elif char == "[":
            self.advance()
            index = 0
            while True:
                self.skip_blank(newlines=True)
                if self.peek() == "]":
                    self.advance()
                    return
                self.record(keys + (index,))
                self.value(keys + (index,))
                index += 1
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.advance()
        elif char == "{":
            self.advance()
            while True:
                self.skip_blank(newlines=False)
                if self.peek() == "}":
                    self.advance()
                    return
                inner = keys + self.key()
                self.record(inner)
                self.expect("=")
                self.value(inner)
                self.skip_blank(newlines=False)
                if self.peek() == ",":
                    self.advance()
        else:
            match = re.compile(r"[^,\]}\s#]+").match(self.text, self.pos)
            if not match:
                raise ValueError("value")
            self.advance(match.end() - self.pos)



# --- a schema mismatch in words ------------------------------------------------------------

_ERROR = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")


def explain(err: msgspec.ValidationError, data: Any, schema: Any) -> tuple[Keys, Msg, bool]:
    """(key path, the problem as a message, whether the key is missing) for msgspec's error."""
    match = _ERROR.match(str(err))
    what = match.group("what")
    parts = [m.group(1) if m.group(1) is not None else m.group(2)
             for m in _PATH_PART.finditer(match.group("path") or "")]
    keys, tp, value = _walk(schema, data, parts)
    field = re.match(r"Object (missing required|contains unknown) field `(.+)`$", what)
    if field and field.group(1) == "missing required":
        return keys + (field.group(2),), fault("course_file.is_missing"), True
    if field:
        import difflib  # only when a file is broken

        name = field.group(2)
        hint = difflib.get_close_matches(name, _field_names(tp, value), n=1)
        return (keys + (name,), fault("course_file.unknown_key_hint", hint=hint[0]) if hint
                else fault("course_file.unknown_key"), False)
    enum = re.match(r"Invalid (?:enum )?value (.+)$", what)
    if enum:
        options = _literals(tp)
        if any(get_origin(_unwrap(m)[0]) is not Literal for m in _members(tp)):  # 30 or "end"
            expected = describe(tp)
        elif len(options) == 1:
            expected = f"'{options[0]}'"
        else:
            expected = fault("course_file.one_of", options=tuple(map(str, options)))
        return keys, fault("course_file.invalid_value", value=_shown(value),
                           expected=expected), False
    if re.match(r"Expected `[^`]+`, got `[^`]+`$", what):
        return keys, fault("course_file.wrong_kind", expected=describe(tp),
                           kind=_kind_of(value)), False
    if what.startswith("Expected"):
        return keys, _bounds(tp), False
    # msgspec's own words, in English inside the sentence of every language
    return keys, fault("course_file.schema_says", reason=what[:1].lower() + what[1:]), False


def _unwrap(tp: Any) -> tuple[Any, list[msgspec.Meta]]:
    metas: list[msgspec.Meta] = []
    while get_origin(tp) is Annotated:
        tp, *extra = get_args(tp)
        metas += [m for m in extra if isinstance(m, msgspec.Meta)]
    return tp, metas


def _members(tp: Any) -> tuple[Any, ...]:
    base, _ = _unwrap(tp)
    if get_origin(base) in (Union, types.UnionType):
        return tuple(a for a in get_args(base) if a not in (type(None), msgspec.UnsetType))
    return (tp,)


def _is_struct(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, msgspec.Struct)


def _pick(tp: Any, value: Any) -> Any:
    """The member of a union that `value` is meant to be (by tag, then by kind of value)."""
    members = _members(tp)
    if len(members) == 1:
        return members[0]
    structs = [m for m in members if _is_struct(m)]
    for struct in structs:
        config = struct.__struct_config__
        if (config.tag_field and isinstance(value, dict)
                and value.get(config.tag_field) == config.tag):
            return struct
    for member in members:
        base, _ = _unwrap(member)
        origin = get_origin(base) or base
        if (isinstance(value, dict) and (_is_struct(base) or origin is dict)) or (
                isinstance(value, list) and origin is list):
            return member
    return tp


def _hints(struct: type) -> dict[str, Any]:
    hints = typing.get_type_hints(struct, include_extras=True)
    return {f.encode_name: hints[f.name] for f in msgspec.structs.fields(struct)}


def _walk(tp: Any, value: Any, parts: list[str]) -> tuple[Keys, Any, Any]:
    """Follow msgspec's error path through the schema and the data: the key path (dict keys
    that msgspec shows as `[...]` found again), and the type and value found there."""
    keys: Keys = ()
    for part in parts:
        union, tp = tp, _pick(tp, value)
        base, _ = _unwrap(tp)
        origin = get_origin(base) or base
        if _is_struct(base):
            config = base.__struct_config__
            if part == config.tag_field:
                tags = [m.__struct_config__.tag for m in _members(union) if _is_struct(m)]
                tp = Literal[tuple(tags)] if tags else str
            else:
                tp = _hints(base).get(part, Any)
            value = value.get(part) if isinstance(value, dict) else None
            keys += (part,)
        elif origin is list:
            index = int(part)
            tp = get_args(base)[0] if get_args(base) else Any
            value = value[index] if isinstance(value, list) and index < len(value) else None
            keys += (index,)
        elif origin is dict:
            tp = get_args(base)[1] if get_args(base) else Any
            key = part if part != "..." else _failing_key(value, tp)
            value = value.get(key) if isinstance(value, dict) else None
            keys += (key,)
        else:
            keys += (part,)
            value = None
    return keys, _pick(tp, value), value


def _failing_key(table: Any, tp: Any) -> str:
    """The first key of `table` whose value does not fit `tp` (msgspec names it `[...]`)."""
    if isinstance(table, dict):
        for key, item in table.items():
            try:
                msgspec.convert(item, tp)
            except msgspec.ValidationError:
                return key
    return "..."


def _field_names(tp: Any, value: Any) -> list[str]:
    base, _ = _unwrap(_pick(tp, value))
    return list(_hints(base)) if _is_struct(base) else []


def _literals(tp: Any) -> tuple[Any, ...]:
    out: tuple[Any, ...] = ()
    for member in _members(tp):
        base, _ = _unwrap(member)
        if get_origin(base) is Literal:
            out += get_args(base)
    return out


def _shown(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else repr(value)


_KINDS = ((bool, "course_file.kind.bool"), (int, "course_file.kind.int"),
          (float, "course_file.kind.float"), (str, "course_file.kind.str"),
          (list, "course_file.kind.array"), (dict, "course_file.kind.table"),
          ((datetime, date, time), "course_file.kind.datetime"))


def _kind_of(value: Any) -> Msg | str:
    for kind, words in _KINDS:
        if isinstance(value, kind):
            return fault(words)
    return type(value).__name__


def describe(tp: Any) -> Msg | str:
    """What a value of type `tp` looks like in a TOML file, as a message."""
    members = _members(tp)
    if len(members) > 1:
        shown = describe(members[-1])
        for member in reversed(members[:-1]):
            shown = fault("course_file.kind.either", first=describe(member), second=shown)
        return shown
    base, _ = _unwrap(members[0])
    origin = get_origin(base) or base
    if origin is Literal:
        options = [f'"{v}"' for v in get_args(base)]
        return options[0] if len(options) == 1 else fault("course_file.one_of",
                                                          options=tuple(options))
    if origin is list:
        item = _unwrap(get_args(base)[0])[0] if get_args(base) else Any
        return fault("course_file.kind.array_of_strings" if item is str else
                     "course_file.kind.array_of_tables" if _is_struct(item) else
                     "course_file.kind.array")
    if _is_struct(base) or origin is dict:
        return fault("course_file.kind.table")
    for kind, words in _KINDS:
        if base is kind:
            return fault(words)
    return getattr(base, "__name__", str(base))


def _bounds(tp: Any) -> Msg:
    """The problem with a value outside its declared bounds, as a message."""
    words: Msg | None = None
    for member in _members(tp):
        _, metas = _unwrap(member)
        if not metas:
            continue
        meta = metas[0]
        if meta.min_length is not None and meta.min_length > 1:
            exact = meta.max_length == meta.min_length
            return fault("course_file.items_exactly" if exact else "course_file.items_at_least",
                         count=meta.min_length)
        if meta.min_length is not None or meta.pattern is not None:
            return fault("course_file.is_empty")
        low = (f"{meta.ge:g}", True) if meta.ge is not None else (
            (f"{meta.gt:g}", False) if meta.gt is not None else None)
        high = f"{meta.le:g}" if meta.le is not None else None
        if low and high and low[1]:
            words = fault("course_file.between", low=low[0], high=high)
        elif low and high:
            words = fault("course_file.above_at_most", low=low[0], high=high)
        elif low:
            words = fault("course_file.at_least" if low[1] else "course_file.above", low=low[0])
        elif high:
            words = fault("course_file.at_most", high=high)
        break
    if words is None:
        return fault("course_file.out_of_range")
    for other in (describe(m) for m in _members(tp) if not _unwrap(m)[1]):
        words = fault("course_file.bound_or", bound=words, other=other)
    return words
