"""The practice language: parse an attempt into `Action`s, checking every line before anything runs.

One command a line, `#` starts a comment, case-insensitive. Names are checked against the
scenario (and the instances earlier `launch` lines will create); a problem is a `ParseError`
naming the line and, where there is one, the nearest valid word.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .actions import COMMANDS, Action
from .cluster import SLOT_PORTS
from .messages import Msg
from .scenarios import IN_SERVER, Scenario

USAGE = {
    "launch": "<group> <count> <version>",
    "deploy": "<target|group> <version>",
    "register": "<target|group>",
    "deregister": "<target|group>",
    "terminate": "<target|group>",
    "start": "<host:port> <version>",
    "stop": "<host:port>",
    "switch": "<host> <port>",
    "health": "<target|group>",
    "wait": "<seconds> | healthy <target> | drained <target>",
    "status": "",
}
MAX_LAUNCH = 64
MAX_WAIT_S = 3600
# Every command ends within minutes of simulated time (waits have deadlines); these caps keep a
# whole attempt, pasted or generated, to seconds of real time.
MAX_COMMANDS = 200
MAX_TOTAL_WAIT_S = 4 * 3600


class ParseError(Exception):
    """A bad line: `line` (1-based), the problem as a `Msg`, and the nearest valid word if any."""

    def __init__(self, line: int, problem: Msg, suggestion: str | None = None):
        self.line = line
        self.problem = problem
        self.suggestion = suggestion
        super().__init__(self.render("en"))

    def render(self, lang: str = "en") -> str:
        problem = self.problem
        if self.suggestion:
            problem = Msg.of("did_you_mean", problem=problem, word=self.suggestion)
        return Msg.of("at_line", line=self.line, problem=problem).render(lang)

    @property
    def message(self) -> str:
        return self.render("en")


@dataclass(frozen=True)
class Script:
    """A parsed attempt: its actions (each knows its line) and the text it came from."""

    actions: tuple[Action, ...]
    text: str


def nearest(word: str, options) -> str | None:
    found = difflib.get_close_matches(word, list(options), n=1, cutoff=0.5)
    return found[0] if found else None


class _Names:
    """What names exist as the attempt goes on (launch lines add instances)."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.groups = set(scenario.groups)
        self.next_index = {g: 1 for g in scenario.groups}
        self.hosts: list[str] = []
        count = scenario.host_count
        for _ in range(count):
            self.add(scenario.start_group)

    def add(self, group: str) -> str:
        name = f"{group}-{self.next_index[group]}"
        self.next_index[group] += 1
        self.hosts.append(name)
        return name

    @property
    def in_server(self) -> bool:
        return self.scenario.kind == IN_SERVER

    def slots(self) -> list[str]:
        if not self.in_server:
            return []
        # Only the start host runs nginx with slots; a launched host is a plain server.
        start_hosts = self.hosts[:self.scenario.host_count]
        return [f"{h}:{p}" for h in start_hosts for p in SLOT_PORTS]


class _Parser:
    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.names = _Names(scenario)
        self.commands = 0
        self.waited = 0.0

    def fail(self, n: int, problem: Msg, word: str | None = None, options=()) -> ParseError:
        return ParseError(n, problem, nearest(word, options) if word is not None else None)

    def version(self, n: int, word: str) -> str:
        versions = self.scenario.versions
        if word not in versions:
            raise self.fail(n, Msg.of("unknown_version", word=word, versions=", ".join(versions)),
                            word, versions)
        return word

    def target(self, n: int, word: str, *, slots: bool = False,
               hosts_with_app: bool = False) -> str:
        names = self.names
        if ":" in word:
            if slots and word in names.slots():
                return word
            if slots and names.in_server:
                raise self.fail(n, Msg.of("not_a_slot", word=word,
                                          slots=", ".join(names.slots())), word, names.slots())
            # A host:port where only a host or group fits: point at the host.
            raise self.fail(n, Msg.of("unknown_target", word=word), word.split(":", 1)[0],
                            names.hosts + sorted(names.groups))
        if word in names.hosts or word in names.groups:
            if hosts_with_app and names.in_server:
                raise self.fail(n, Msg.of("slots_only", word=word))
            return word
        options = names.hosts + sorted(names.groups) + (names.slots() if slots else [])
        raise self.fail(n, Msg.of("unknown_target", word=word), word, options)

    def slot(self, n: int, verb: str, word: str) -> str:
        if not self.names.in_server:
            raise self.fail(n, Msg.of("no_slots_here", verb=verb))
        return self.target(n, word, slots=True) if ":" in word else self._not_slot(n, word)

    def _not_slot(self, n: int, word: str) -> str:
        slots = self.names.slots()
        raise self.fail(n, Msg.of("not_a_slot", word=word, slots=", ".join(slots)), word, slots)

    def seconds(self, n: int, word: str) -> str:
        try:
            value = float(word)
        except ValueError:
            value = -1.0
        if not 0 < value <= MAX_WAIT_S or value != value:
            raise self.fail(n, Msg.of("bad_seconds", word=word, most=MAX_WAIT_S))
        return f"{value:g}"

    def line(self, n: int, words: list[str]) -> Action:
        verb, args = words[0], words[1:]
        if verb not in COMMANDS:
            raise self.fail(n, Msg.of("unknown_command", word=verb), verb, COMMANDS)
        self.commands += 1
        if self.commands > MAX_COMMANDS:
            raise self.fail(n, Msg.of("too_many_commands", most=MAX_COMMANDS))
        if verb == "wait":
            return self.wait(n, args)
        if len(args) != len(COMMANDS[verb]):
            usage = f"{verb} {USAGE[verb]}".strip()
            raise self.fail(n, Msg.of("wrong_arity", verb=verb, usage=usage))
        if verb == "launch":
            group, count, version = args
            if group not in self.names.groups:
                raise self.fail(n, Msg.of("unknown_group", word=group), group,
                                sorted(self.names.groups))
            # isascii: "²".isdigit() is true, but int() refuses it.
            if not (count.isascii() and count.isdigit()) or not 1 <= int(count) <= MAX_LAUNCH:
                raise self.fail(n, Msg.of("bad_count", word=count, most=MAX_LAUNCH))
            self.version(n, version)
            for _ in range(int(count)):
                self.names.add(group)
            return Action(verb, (group, str(int(count)), version), n)
        if verb == "deploy":
            return Action(verb, (self.target(n, args[0], hosts_with_app=True),
                                 self.version(n, args[1])), n)
        if verb in ("register", "deregister", "terminate"):
            return Action(verb, (self.target(n, args[0]),), n)
        if verb == "health":
            return Action(verb, (self.target(n, args[0], slots=True),), n)
        if verb == "start":
            return Action(verb, (self.slot(n, verb, args[0]), self.version(n, args[1])), n)
        if verb == "stop":
            return Action(verb, (self.slot(n, verb, args[0]),), n)
        if verb == "switch":
            if not self.names.in_server:
                raise self.fail(n, Msg.of("no_slots_here", verb=verb))
            host, port = args
            if host not in self.names.hosts:
                raise self.fail(n, Msg.of("unknown_target", word=host), host, self.names.hosts)
            ports = [str(p) for p in SLOT_PORTS]
            if port not in ports:
                raise self.fail(n, Msg.of("not_a_port", word=port, host=host,
                                          ports=", ".join(ports)), port, ports)
            return Action(verb, (host, port), n)
        return Action(verb, (), n)  # status

    def wait(self, n: int, args: list[str]) -> Action:
        if len(args) == 1:
            seconds = self.seconds(n, args[0])
            self.waited += float(seconds)
            if self.waited > MAX_TOTAL_WAIT_S:
                raise self.fail(n, Msg.of("too_much_waiting", most=MAX_TOTAL_WAIT_S))
            return Action("wait", (seconds,), n)
        if len(args) == 2 and args[0] in ("healthy", "drained"):
            slots = args[0] == "healthy"
            return Action("wait", (args[0], self.target(n, args[1], slots=slots)), n)
        if len(args) == 2:
            raise self.fail(n, Msg.of("bad_wait"), args[0], ("healthy", "drained"))
        raise self.fail(n, Msg.of("bad_wait"))


def parse_script(text: str, scenario: Scenario, *, allow_empty: bool = True) -> Script:
    """Parse a whole attempt; raises `ParseError` at the first bad line, before anything runs."""
    parser = _Parser(scenario)
    actions = []
    # Only "\n" ends a line, so line numbers match what an editor shows (splitlines() would
    # also break at form feeds and Unicode separators).
    for n, raw in enumerate(text.split("\n"), 1):
        words = raw.split("#", 1)[0].lower().split()
        if words:
            actions.append(parser.line(n, words))
    if not actions and not allow_empty:
        raise ParseError(1, Msg.of("empty_script"))
    return Script(tuple(actions), text)


def parse_line(text: str, scenario: Scenario, history: tuple[Action, ...] = ()) -> Action | None:
    """Parse one console line after the commands already run (their launches made names)."""
    parser = _Parser(scenario)
    for action in history:
        parser.commands += 1
        if action.verb == "launch":
            for _ in range(int(action.args[1])):
                parser.names.add(action.args[0])
        elif action.verb == "wait" and len(action.args) == 1:
            parser.waited += float(action.args[0])
    words = text.split("#", 1)[0].lower().split()
    return parser.line(len(history) + 1, words) if words else None
