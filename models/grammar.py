"""The practice language's grammar as one table: each command, the forms it takes, and where the
buttons offer it.

A form is a sequence of keywords (spelled as is, like `healthy` in `wait healthy <target>`) and
arguments of a kind. A kind says how the usage text writes it, which of the live vocabulary's word
lists fit it (the console's Tab and the buttons offer those), and which catalogue key asks for it;
the parser (models/practice.py) checks each kind its own way. The parser, the usage text, Tab
completion and the buttons all read `GRAMMAR` when they run, so a command is one row here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .scenarios import BLUEGREEN, CONSOLE, FLEET, IN_SERVER


@dataclass(frozen=True)
class Kind:
    """A kind of argument: how usage writes it and which live words fit it."""

    name: str  # the parser checks a word of this kind with the checker of this name
    usage: str  # the usage text writes it as <usage>
    words: tuple[str, ...]  # the live vocabulary's lists whose words fit it, in the order offered
    prompt: str | None = None  # catalogue key the buttons ask for it with (None: only in a choice)
    label: str | None = None  # catalogue key (with {n}) a button shows its word in; None: the word
    tab: bool = True  # False: Tab offers none (a number for the learner to decide), buttons do


GROUP = Kind("group", "group", ("groups",), "practice.arg.group")
COUNT = Kind("count", "count", ("counts",), "practice.arg.count", tab=False)
VERSION = Kind("version", "version", ("versions",), "practice.arg.version")
TARGET = Kind("target", "target|group", ("groups", "hosts"), "practice.arg.target")
# deploy reinstalls the app: an in-server host runs its app in slots, so it refuses the host.
APP_TARGET = Kind("app-target", "target|group", ("groups", "hosts"), "practice.arg.target")
# Health checks also probe an in-server slot directly.
PROBE_TARGET = Kind("probe-target", "target|group", ("groups", "hosts", "slots"),
                    "practice.arg.target")
SLOT = Kind("slot", "host:port", ("slots",), "practice.arg.slot")
PROXY = Kind("proxy", "host", ("proxies",), "practice.arg.host")  # a host whose nginx picks a slot
# A slot's port on the host named before it.
PORT = Kind("port", "port", ("ports",), "practice.arg.port")
SECONDS = Kind("seconds", "seconds", ("seconds",), label="practice.arg.seconds", tab=False)
# The console's objects (the book's hands-on): a new name, or one that exists by then.
NEW_IMAGE = Kind("new-image", "image", ("new_images",), "practice.arg.image")
IMAGE = Kind("image", "image", ("images",), "practice.arg.image")
NEW_TEMPLATE = Kind("new-template", "template", ("new_templates",), "practice.arg.template")
TEMPLATE = Kind("template", "template", ("templates",), "practice.arg.template")
INSTANCE = Kind("instance", "instance", ("hosts",), "practice.arg.instance")
NEW_ASG = Kind("new-asg", "group", ("new_asgs",), "practice.arg.group")
ASG = Kind("asg", "group", ("asgs",), "practice.arg.group")
SIZE = Kind("size", "size", ("sizes",), "practice.arg.count", tab=False)
KINDS = (GROUP, COUNT, VERSION, TARGET, APP_TARGET, PROBE_TARGET, SLOT, PROXY, PORT, SECONDS,
         NEW_IMAGE, IMAGE, NEW_TEMPLATE, TEMPLATE, INSTANCE, NEW_ASG, ASG, SIZE)


@dataclass(frozen=True)
class Arg:
    """An argument slot: its kind, the name usage gives it, and whether it takes several words."""

    kind: Kind
    name: str = ""  # usage's word for it where that is not the kind's
    many: bool = False  # one or more words of the kind (`deploy web-1 web-2 v102`)

    @property
    def usage(self) -> str:
        return f"<{self.name or self.kind.usage}>" + ("..." if self.many else "")


Token = str | Arg  # a keyword spelled as is, or an argument


@dataclass(frozen=True)
class Form:
    """One way to write a command after its name."""

    tokens: tuple[Token, ...]

    @property
    def usage(self) -> str:
        return " ".join(t if isinstance(t, str) else t.usage for t in self.tokens)

    @property
    def keywords(self) -> int:
        return sum(isinstance(t, str) for t in self.tokens)

    def spelled(self, n: int) -> tuple[Token, ...] | None:
        """The tokens `n` words fill (a `many` argument repeated as needed), or None."""
        tokens = self.tokens
        for i, token in enumerate(tokens):
            if isinstance(token, Arg) and token.many:
                repeat = n - (len(tokens) - 1)
                return tokens[:i] + (token,) * repeat + tokens[i + 1:] if repeat >= 1 else None
        return tokens if n == len(tokens) else None

    def spellings_past(self, n: int) -> Iterable[tuple[Token, ...]]:
        """The spellings longer than `n` words that differ at word `n`: with a `many`
        argument, the one going on with it (offered first), and the one ending there."""
        if not any(isinstance(t, Arg) and t.many for t in self.tokens):
            if len(self.tokens) > n:
                yield self.tokens
            return
        for length in (n + 2, n + 1):
            spelled = self.spelled(length)
            if spelled is not None:
                yield spelled


def _keywords_match(tokens: Sequence[Token], words: Sequence[str]) -> bool:
    return all(t == w for t, w in zip(tokens, words, strict=False) if isinstance(t, str))


@dataclass(frozen=True)
class Next:
    """What may come after some words of a command: keywords, and words of these kinds."""

    keywords: tuple[str, ...]
    kinds: tuple[Kind, ...]
    prompt: str | None  # catalogue key the buttons ask for it with


@dataclass(frozen=True)
class Command:
    """A row of the table: a command, its forms, and where the buttons offer it."""

    name: str
    forms: tuple[Form, ...]
    offer: tuple[tuple[str, int], ...]  # (start-state kind, its place among that state's buttons)
    misuse: str = "wrong_arity"  # message key when the words fit no form (gets verb and usage)
    choose: str | None = None  # catalogue key the buttons ask with where the next word picks a form

    @property
    def usage(self) -> str:
        return " | ".join(form.usage for form in self.forms)

    @property
    def line(self) -> str:
        return f"{self.name} {self.usage}".strip()

    def lists(self, kind: Kind) -> bool:
        """Whether some form takes several words of `kind` (a list of targets)."""
        return any(isinstance(t, Arg) and t.many and t.kind == kind
                   for form in self.forms for t in form.tokens)

    def fit(self, words: Sequence[str]) -> tuple[Token, ...] | None:
        """The tokens `words` fill: the form whose keywords they spell, else one with fewer."""
        fitting = [s for s in (form.spelled(len(words)) for form in self.forms)
                   if s is not None and _keywords_match(s, words)]
        return max(fitting, key=lambda s: sum(isinstance(t, str) for t in s), default=None)

    def misfit(self, words: Sequence[str]) -> tuple[str, tuple[str, ...]] | None:
        """Where `words` have a form's length but not its keywords: the first wrong word and the
        keywords that fit there (for a suggestion); None when no form has that length."""
        spellings = [s for s in (form.spelled(len(words)) for form in self.forms) if s is not None]
        for i, word in enumerate(words):
            keywords = tuple(dict.fromkeys(s[i] for s in spellings if isinstance(s[i], str)))
            if keywords and word not in keywords:
                return word, keywords
        return None

    def expect(self, words: Sequence[str]) -> Next | None:
        """What may follow `words` (not checked, only keywords must match), or None: complete."""
        n = len(words)
        keywords: dict[str, None] = {}
        kinds: dict[Kind, None] = {}
        for form in self.forms:
            for spelled in form.spellings_past(n):
                if _keywords_match(spelled, words):
                    token = spelled[n]
                    if isinstance(token, str):
                        keywords[token] = None
                    else:
                        kinds[token.kind] = None
        if not keywords and not kinds:
            return None
        if not keywords and len(kinds) == 1:
            prompt = next(iter(kinds)).prompt
        else:
            prompt = self.choose or next((k.prompt for k in kinds if k.prompt), None)
        return Next(tuple(keywords), tuple(kinds), prompt)


def row(name: str, *forms: Sequence[Token | Kind | Arg], offer: dict[str, int],
        misuse: str = "wrong_arity", choose: str | None = None) -> Command:
    """A table row; a bare `Kind` in a form is an argument of that kind."""
    return Command(name, tuple(Form(tuple(Arg(t) if isinstance(t, Kind) else t for t in form))
                               for form in forms), tuple(offer.items()), misuse, choose)


class Grammar:
    """The table, checked once: names unique, keywords lower case, one `many` per form."""

    def __init__(self, commands: Iterable[Command]):
        self.commands = tuple(commands)
        self.by_name = {c.name: c for c in self.commands}
        if len(self.by_name) != len(self.commands):
            raise ValueError("a command name appears twice")
        for command in self.commands:
            if not command.forms or command.name != command.name.lower():
                raise ValueError(f"{command.name}: needs a form and a lower-case name")
            for form in command.forms:
                if sum(isinstance(t, Arg) and t.many for t in form.tokens) > 1:
                    raise ValueError(f"{command.name}: at most one argument takes several words")
                if any(isinstance(t, str) and (t != t.lower() or not t or " " in t)
                       for t in form.tokens):
                    raise ValueError(f"{command.name}: keywords are single lower-case words")
        for kind in {k for c in self.commands for k, _ in c.offer}:
            places = [p for c in self.commands for k, p in c.offer if k == kind]
            if len(set(places)) != len(places):
                raise ValueError(f"two commands share a place among {kind}'s buttons")

    def offered(self, kind: str) -> tuple[str, ...]:
        """The commands the buttons offer for a start state, in the order a learner needs them
        (a start state no row names gets the fleet's)."""
        ranked = sorted((place, c.name) for c in self.commands for k, place in c.offer if k == kind)
        if not ranked and kind != FLEET:
            return self.offered(FLEET)
        return tuple(name for _, name in ranked)


# The contract from DESIGN.md; the order is the usage text's and the help screen's.
GRAMMAR = Grammar((
    row("launch", [GROUP, COUNT, VERSION], offer={BLUEGREEN: 1, CONSOLE: 1}),
    # Several targets at once (CodeDeploy deploys a batch in parallel): `deploy web-1 web-2 v102`.
    row("deploy", [Arg(APP_TARGET, many=True), VERSION], offer={BLUEGREEN: 7, FLEET: 3},
        choose="practice.arg.target_or_version"),
    row("register", [Arg(TARGET, many=True)], offer={BLUEGREEN: 2, FLEET: 4}),
    row("deregister", [Arg(TARGET, many=True)], offer={BLUEGREEN: 5, FLEET: 1}),
    row("terminate", [TARGET], offer={BLUEGREEN: 6, FLEET: 6, CONSOLE: 10}),
    row("start", [SLOT, VERSION], offer={IN_SERVER: 1}),
    row("stop", [SLOT], offer={IN_SERVER: 5}),
    row("switch", [PROXY, PORT], offer={IN_SERVER: 4}),
    row("health", [PROBE_TARGET], offer={BLUEGREEN: 4, IN_SERVER: 3, FLEET: 5, CONSOLE: 6}),
    # `ready`: the app answers, asked directly; `healthy`: the load balancer's checks pass (an
    # in-server slot has no load balancer in front of it: its check is direct).
    row("wait", [SECONDS], ["ready", Arg(PROBE_TARGET, "target", many=True)],
        ["healthy", Arg(PROBE_TARGET, "target", many=True)],
        ["drained", Arg(TARGET, "target", many=True)],
        offer={BLUEGREEN: 3, IN_SERVER: 2, FLEET: 2, CONSOLE: 7}, misuse="bad_wait",
        choose="practice.arg.what"),
    row("status", [], offer={BLUEGREEN: 8, IN_SERVER: 6, FLEET: 7, CONSOLE: 11}),
    # The cloud console, as the book's hands-on does it (5.2.2).
    row("create-image", [NEW_IMAGE, "from", INSTANCE], offer={CONSOLE: 2}),
    row("create-template", [NEW_TEMPLATE, "from", IMAGE], offer={CONSOLE: 3}),
    row("create-asg", [NEW_ASG, "from", TEMPLATE, "size", SIZE], offer={CONSOLE: 4}),
    row("attach-asg", [ASG], offer={CONSOLE: 5}),
    row("detach-asg", [ASG], offer={CONSOLE: 8}),
    row("delete-asg", [ASG], offer={CONSOLE: 9}),
))


# What the consumers call; each reads `GRAMMAR` at call time (a test swaps the table).
def command(name: str) -> Command | None:
    return GRAMMAR.by_name.get(name)


def names() -> tuple[str, ...]:
    return tuple(GRAMMAR.by_name)


def usage_lines() -> tuple[str, ...]:
    return tuple(c.line for c in GRAMMAR.commands)


def offered(kind: str) -> tuple[str, ...]:
    return GRAMMAR.offered(kind)


def expect(name: str, words: Sequence[str]) -> Next | None:
    found = command(name)
    return found.expect(words) if found else None
