"""The practice console: one input line for the practice language, history, Tab completion,
and a line under it for the problem with what was typed (or the Tab candidates).

What words fit where comes from the grammar table (models/grammar.py) through `next_words`,
which the button panel uses too, so both offer the same commands, targets, groups and versions:
the ones the live simulation has now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from models import grammar

WAIT_SECONDS = ("10", "30", "60", "120", "300")  # the waits the buttons offer


@dataclass(frozen=True)
class Vocabulary:
    """The words the console and the buttons offer, read from the live simulation; a kind of
    argument names the lists here whose words fit it (`Kind.words`)."""

    commands: tuple[str, ...]  # the commands that make sense for this exercise, in order
    groups: tuple[str, ...]
    hosts: tuple[str, ...]  # instances still alive
    slots: tuple[str, ...]  # host:port of in-server hosts
    proxies: tuple[str, ...]  # hosts with slots (for switch)
    ports: tuple[str, ...]
    versions: tuple[str, ...]
    max_count: int  # the largest count the buttons offer for launch
    seconds: tuple[str, ...] = WAIT_SECONDS
    # The console's objects (5.2.2's hands-on): what exists, and names a new one could take.
    images: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    asgs: tuple[str, ...] = ()
    new_images: tuple[str, ...] = ()
    new_templates: tuple[str, ...] = ()
    new_asgs: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()

    @property
    def counts(self) -> tuple[str, ...]:
        return tuple(str(n) for n in range(1, self.max_count + 1))

    def of(self, kind: grammar.Kind) -> tuple[str, ...]:
        return tuple(word for source in kind.words for word in getattr(self, source))


Choice = tuple[str, "grammar.Kind | None"]  # a word and the kind it is (None: a command, keyword)


def next_words(sofar: list[str], vocab: Vocabulary, *,
               tab: bool = False) -> tuple[str | None, tuple[Choice, ...]]:
    """What may follow `sofar` (a command and its words so far): the catalogue key asking for it
    and the words that fit, keywords first; none when the command is complete. `tab`: leave out
    the kinds Tab does not offer (numbers for the learner to decide)."""
    if not sofar:
        return None, tuple((c, None) for c in vocab.commands)
    found = grammar.expect(sofar[0], sofar[1:])
    if found is None:
        return None, ()
    choices: dict[str, grammar.Kind | None] = dict.fromkeys(found.keywords)
    named = set(sofar[1:])  # no command takes a word twice (`deploy web-1 web-1` is an error)
    for kind in found.kinds:
        if kind.tab or not tab:
            for word in vocab.of(kind):
                if word not in named:
                    choices.setdefault(word, kind)
    return found.prompt, tuple(choices.items())


def whole(sofar: list[str], kind: grammar.Kind | None) -> tuple[bool, bool]:
    """Whether `sofar`, whose last word is an argument of `kind` (None: a command or keyword),
    is a command that runs, and whether it may still go on: only a list of targets goes on
    (`register web-1` may take `web-2`; after its version, `deploy` is done)."""
    command = grammar.command(sofar[0]) if sofar else None
    if command is None or kind is None or command.fit(sofar[1:]) is None:
        return False, False
    return True, command.lists(kind)


def complete(text: str, vocab: Vocabulary) -> tuple[str, tuple[str, ...]]:
    """Tab on `text`: the text with its last word completed as far as it is unambiguous, and
    the words that still fit (several when the learner has to choose)."""
    ends_with_space = text.endswith(" ")
    words = text.lower().split()
    partial = "" if ends_with_space or not words else words.pop()
    options: Iterable[str] = (word for word, _ in next_words(words, vocab, tab=True)[1])
    matches = tuple(o for o in options if o.startswith(partial))
    if not matches:
        return text, ()
    head = " ".join(words) + (" " if words else "")
    if len(matches) == 1:
        return head + matches[0] + " ", matches
    common = matches[0]
    for word in matches[1:]:
        while not word.startswith(common):
            common = common[:-1]
    return head + common, matches


def localize(node, specs: Iterable[tuple], lang: str, words: Callable[[str, str], str]) -> None:
    """Give `node` its class bindings plus `specs` (keys, action, word key[, show]) described in
    `lang`; a spec's key replaces a class binding of the same key."""
    keys = dict(type(node)._merged_bindings.key_to_bindings)
    mine = BindingsMap(Binding(spec[0], spec[1], words(spec[2], lang),
                               show=spec[3] if len(spec) > 3 else True) for spec in specs)
    keys.update(mine.key_to_bindings)
    node._bindings = BindingsMap.from_keys(keys)
    if node.is_mounted:
        node.refresh_bindings()


class CommandInput(Input):
    """The input line: Up/Down walk the history, Tab completes, Escape clears then leaves."""

    def __init__(self, vocabulary: Callable[[], Vocabulary], *, id: str | None = None):
        super().__init__(id=id)
        self.vocabulary = vocabulary
        self.history: list[str] = []
        self._browse: int | None = None  # index into history while walking it
        self._draft = ""

    # --- history -----------------------------------------------------------------------
    def remember(self, text: str) -> None:
        if text and (not self.history or self.history[-1] != text):
            self.history.append(text)
        self._browse = None

    def action_history_back(self) -> None:
        if not self.history:
            return
        if self._browse is None:
            self._draft = self.value
            self._browse = len(self.history)
        self._browse = max(0, self._browse - 1)
        self._show(self.history[self._browse])

    def action_history_forward(self) -> None:
        if self._browse is None:
            return
        self._browse += 1
        if self._browse >= len(self.history):
            self._browse = None
            self._show(self._draft)
        else:
            self._show(self.history[self._browse])

    def _show(self, text: str) -> None:
        self.value = text
        self.cursor_position = len(text)

    # --- completion --------------------------------------------------------------------
    def action_complete(self) -> None:
        if not self.value.strip():
            raise SkipAction()  # Tab on an empty line moves on to the next control
        before = self.value[:self.cursor_position]
        after = self.value[self.cursor_position:]
        completed, matches = complete(before, self.vocabulary())
        self._show(completed + after)
        self.cursor_position = len(completed)
        self.post_message(CommandConsole.Completed(matches if len(matches) > 1 else (),
                                                   not matches))

    # --- leaving and asking ------------------------------------------------------------
    def action_leave(self) -> None:
        if self.value:
            self._show("")
            self._browse = None
            self.post_message(CommandConsole.Completed((), False))
        else:
            self.post_message(CommandConsole.Left())

    def action_ask(self, what: str) -> None:
        self.post_message(CommandConsole.Asked(what))


class CommandConsole(Vertical):
    """A prompt, the input line and a feedback line under it."""

    DEFAULT_CSS = """
    CommandConsole { height: auto; padding: 0 1; }
    CommandConsole > Horizontal { height: auto; }
    CommandConsole #console-prompt { width: auto; height: 3; content-align: left middle;
                                     padding: 0 1 0 0; text-style: bold; }
    CommandConsole CommandInput { width: 1fr; }
    CommandConsole #console-feedback { height: auto; max-height: 3; padding: 0 0 0 1; }
    CommandConsole #console-feedback.-error { color: $text-error; text-style: bold; }
    CommandConsole #console-feedback.-note { color: $text-muted; }
    """

    KEYS = (
        ("enter", "submit", "practice.key.run"),
        ("tab", "complete", "practice.key.complete", False),  # the placeholder tells of Tab and ↑↓
        ("up", "history_back", "practice.key.history", False),
        ("down", "history_forward", "practice.key.history", False),
        ("escape", "leave", "practice.key.leave"),
        ("ctrl+t", "ask('hint')", "practice.key.hint"),
        ("ctrl+z", "ask('undo')", "practice.key.undo"),
        ("ctrl+d", "ask('done')", "practice.key.done"),
        ("ctrl+l", "ask('lang')", "key.lang"),
        ("f1", "ask('help')", "key.help"),
    )

    class Entered(Message):
        """The learner pressed Enter on a line (maybe empty)."""

        def __init__(self, text: str):
            super().__init__()
            self.text = text

    class Completed(Message):
        """Tab ran: the words still to choose from, or `nothing` when no word fits."""

        def __init__(self, choices: tuple[str, ...], nothing: bool):
            super().__init__()
            self.choices = choices
            self.nothing = nothing

    class Left(Message):
        """Escape on an empty line: the learner wants the other keys."""

    class Asked(Message):
        """A shortcut pressed while typing (hint, undo, done, lang, help)."""

        def __init__(self, what: str):
            super().__init__()
            self.what = what

    def __init__(self, vocabulary: Callable[[], Vocabulary], lang: str,
                 words: Callable[[str, str], str], *, id: str | None = None):
        super().__init__(id=id)
        self.vocabulary = vocabulary
        self.lang = lang
        self.words = words
        self.feedback_kind = ""
        self.feedback_text = ""

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static("›", id="console-prompt")
            yield CommandInput(self.vocabulary, id="console-input")
        yield Static("", id="console-feedback")

    def on_mount(self) -> None:
        if self.query(CommandInput):  # else its screen was closed before this ran
            self.set_lang(self.lang)

    @property
    def input(self) -> CommandInput:
        return self.query_one(CommandInput)

    def set_lang(self, lang: str, placeholder: str | None = None) -> None:
        self.lang = lang
        localize(self.input, self.KEYS, lang, self.words)
        prompt = self.words("practice.console.prompt", lang) + " ›"
        self.query_one("#console-prompt", Static).update(prompt)
        if placeholder is not None:
            self.input.placeholder = placeholder

    def show_feedback(self, text: str, kind: str) -> None:
        """`kind` "error" (bold, the learner's line did nothing), "note", or "" to clear."""
        self.feedback_text, self.feedback_kind = text, kind
        line = self.query_one("#console-feedback", Static)
        line.set_class(kind == "error", "-error")
        line.set_class(kind == "note", "-note")
        line.update(Text("✗ " + text if kind == "error" else text, overflow="ellipsis"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Entered(event.value))
