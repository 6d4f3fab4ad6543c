"""The practice language: parse an attempt into `Action`s, checking every line before anything runs.

One command a line, `#` starts a comment, case-insensitive. Which words a command takes comes
from the grammar table (models/grammar.py); each kind of argument is checked here, against the
scenario (and the instances earlier `launch` lines will create). A problem is a `ParseError`
naming the line and, where there is one, the nearest valid word.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from . import grammar
from .actions import Action
from .cluster import SLOT_PORTS
from .messages import Msg
from .scenarios import BUILD_GROUP, CONSOLE, IN_SERVER, Scenario

MAX_LAUNCH = 64
MAX_ASG_SIZE = 20
NAME = re.compile(r"[a-z0-9][a-z0-9.-]{0,39}")  # an image or template name the learner picks
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
        super().__init__(line, problem, suggestion)

    @property
    def detail(self) -> Msg:
        """The problem, with the word the learner probably meant."""
        if self.suggestion:
            return Msg.of("did_you_mean", problem=self.problem, word=self.suggestion)
        return self.problem

    @property
    def message(self) -> Msg:
        """The problem and its line, as the learner reads it ("line 2: ...")."""
        return Msg.of("at_line", line=self.line, problem=self.detail)

    def __str__(self) -> str:
        return f"line {self.line}: {self.detail.key}"


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
        # The console's objects that exist at the start (blue's image, template and group).
        console = scenario.kind == CONSOLE
        self.images = {scenario.image(scenario.version)} if console else set()
        self.templates = {scenario.template(scenario.version)} if console else set()
        self.asgs = {scenario.start_group} if console else set()

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

    # --- the kinds of argument (models/grammar.py): each checks a word, gives it canonical ---
    def group(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        if word not in self.names.groups:
            raise self.fail(n, Msg.of("unknown_group", word=word), word, sorted(self.names.groups))
        return word

    def count(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        # isascii: "²".isdigit() is true, but int() refuses it.
        if not (word.isascii() and word.isdigit()) or not 1 <= int(word) <= MAX_LAUNCH:
            raise self.fail(n, Msg.of("bad_count", word=word, most=MAX_LAUNCH))
        return str(int(word))

    def version(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        versions = self.scenario.versions
        if word not in versions:
            raise self.fail(n, Msg.of("unknown_version", word=word, versions=", ".join(versions)),
                            word, versions)
        return word

    def any_target(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        return self.target(n, word)

    def app_target(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        return self.target(n, word, hosts_with_app=True)

    def probe_target(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        return self.target(n, word, slots=True)

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

    def slot(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        if not self.names.in_server:
            raise self.fail(n, Msg.of("no_slots_here", verb=verb))
        if ":" in word:
            return self.target(n, word, slots=True)
        slots = self.names.slots()
        raise self.fail(n, Msg.of("not_a_slot", word=word, slots=", ".join(slots)), word, slots)

    def proxy(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        if not self.names.in_server:
            raise self.fail(n, Msg.of("no_slots_here", verb=verb))
        if word not in self.names.hosts:
            raise self.fail(n, Msg.of("unknown_target", word=word), word, self.names.hosts)
        return word

    def port(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        host = sofar[-1] if sofar else ""  # the proxy named before it
        ports = [str(p) for p in SLOT_PORTS]
        if word not in ports:
            raise self.fail(n, Msg.of("not_a_port", word=word, host=host,
                                      ports=", ".join(ports)), word, ports)
        return word

    def seconds(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        try:
            value = float(word)
        except ValueError:
            value = -1.0
        if not 0 < value <= MAX_WAIT_S or value != value:
            raise self.fail(n, Msg.of("bad_seconds", word=word, most=MAX_WAIT_S))
        return f"{value:g}"

    def _new_name(self, n: int, word: str, taken: set[str]) -> str:
        if not NAME.fullmatch(word):
            raise self.fail(n, Msg.of("bad_name", word=word[:40]))
        if word in taken:
            raise self.fail(n, Msg.of("name_taken", word=word))
        return word

    def _known(self, n: int, word: str, known: set[str], key: str) -> str:
        if word not in known:
            raise self.fail(n, Msg.of(key, word=word), word, sorted(known))
        return word

    def new_image(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        return self._new_name(n, word, self.names.images)

    def image(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        return self._known(n, word, self.names.images, "unknown_image")

    def new_template(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        return self._new_name(n, word, self.names.templates)

    def template(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        return self._known(n, word, self.names.templates, "unknown_template")

    def instance(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        if word not in self.names.hosts:
            raise self.fail(n, Msg.of("unknown_target", word=word), word, self.names.hosts)
        return word

    def new_asg(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        if word in self.names.asgs:
            raise self.fail(n, Msg.of("name_taken", word=word))
        free = sorted(self.names.groups - self.names.asgs - {BUILD_GROUP})
        if word not in free:
            raise self.fail(n, Msg.of("unknown_group", word=word), word, free)
        return word

    def asg(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        return self._known(n, word, self.names.asgs, "unknown_asg")

    def size(self, n: int, verb: str, word: str, sofar: list[str]) -> str:
        if not (word.isascii() and word.isdigit()) or not 1 <= int(word) <= MAX_ASG_SIZE:
            raise self.fail(n, Msg.of("bad_count", word=word[:40], most=MAX_ASG_SIZE))
        return str(int(word))

    CHECKS = {"group": group, "count": count, "version": version, "target": any_target,
              "app-target": app_target, "probe-target": probe_target, "slot": slot,
              "proxy": proxy, "port": port, "seconds": seconds, "new-image": new_image,
              "image": image, "new-template": new_template, "template": template,
              "instance": instance, "new-asg": new_asg, "asg": asg, "size": size}

    # --- a line ------------------------------------------------------------------------
    def line(self, n: int, words: list[str]) -> Action:
        verb, args = words[0], words[1:]
        command = grammar.command(verb)
        if command is None:
            raise self.fail(n, Msg.of("unknown_command", word=verb), verb, grammar.names())
        self.commands += 1
        if self.commands > MAX_COMMANDS:
            raise self.fail(n, Msg.of("too_many_commands", most=MAX_COMMANDS))
        tokens = command.fit(args)
        if tokens is None:
            problem = Msg.of(command.misuse, verb=verb, usage=command.line)
            wrong = command.misfit(args)
            raise self.fail(n, problem, *wrong) if wrong else self.fail(n, problem)
        checked: list[str] = []
        several: set[str] = set()  # the words of a `many` argument so far
        for token, word in zip(tokens, args, strict=True):
            if isinstance(token, str):
                checked.append(token)
                continue
            try:
                canonical = self.CHECKS[token.kind.name](self, n, verb, word, checked)
            except ParseError:
                if token.many and word in self.scenario.versions:  # a version among targets
                    raise self.fail(n, Msg.of(command.misuse, verb=verb, usage=command.line)) \
                        from None
                raise
            if token.many:
                if canonical in several:
                    raise self.fail(n, Msg.of("named_twice", word=canonical))
                several.add(canonical)
            checked.append(canonical)
        action = Action(verb, tuple(checked), n)
        waited = self.waited
        self.account(action)
        if self.waited > waited and self.waited > MAX_TOTAL_WAIT_S:
            raise self.fail(n, Msg.of("too_much_waiting", most=MAX_TOTAL_WAIT_S))
        return action

    def account(self, action: Action) -> None:
        """What a parsed command changes for the lines after it: names launched, time waited."""
        names, args = self.names, action.args
        if action.verb == "launch":
            for _ in range(int(args[1])):
                names.add(args[0])
        elif action.verb == "create-image":
            names.images.add(args[0])
        elif action.verb == "create-template":
            names.templates.add(args[0])
        elif action.verb == "create-asg":
            names.asgs.add(args[0])
            for _ in range(int(args[4])):
                names.add(args[0])
        elif action.verb == "delete-asg":
            names.asgs.discard(args[0])
        elif action.verb == "wait" and len(action.args) == 1:
            self.waited += float(action.args[0])


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
        parser.account(action)
    words = text.split("#", 1)[0].lower().split()
    return parser.line(len(history) + 1, words) if words else None
