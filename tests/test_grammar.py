"""The practice language's grammar table is the one place the language is defined.

Each row's usage line parses as it says; Tab completion and the buttons offer, at each word,
exactly what the row declares there; the buttons offer the table's commands for each start
state; and a table with a row renamed, removed or added changes the parser, the usage text,
the help screen, completion and the buttons together.
"""

from __future__ import annotations

import dataclasses
import io

import pytest
from rich.console import Console
from textual.app import App, ComposeResult
from textual.widgets import Static

from app.ui.dialogs.practice_help import PracticeHelpScreen
from app.ui.screens.practice import vocabulary_of
from app.ui.widgets.action_panel import RUN, ActionPanel
from app.ui.widgets.console import Vocabulary, complete, next_words
from app.words import render, word
from models import grammar
from models.engine import Simulation, handler_name
from models.grammar import (
    GRAMMAR,
    KINDS,
    PROBE_TARGET,
    TARGET,
    VERSION,
    Arg,
    Command,
    Form,
    Grammar,
    row,
)
from models.practice import ParseError, _Parser, parse_line, parse_script
from models.practice_session import PracticeSession
from models.scenarios import BLUEGREEN, CONSOLE, FLEET, IN_SERVER, Scenario
from tests.support import loaded_exercises

EXERCISES = loaded_exercises()
# One exercise for each kind of start state, with its live vocabulary at the start.
BY_KIND = {ex.scenario.kind: ex for ex in reversed(list(EXERCISES.values()))}
START_KINDS = (BLUEGREEN, IN_SERVER, FLEET, CONSOLE)
# Each list a kind can draw its words from holds words of its own, so what is offered says
# which kinds were asked for.
MARKERS = Vocabulary(commands=grammar.names(), groups=("grp",), hosts=("hst",),
                     slots=("hst:1",), proxies=("prx",), ports=("9",), versions=("ver",),
                     max_count=2, seconds=("15",), images=("img",), templates=("tpl",),
                     asgs=("asg",), new_images=("nimg",), new_templates=("ntpl",),
                     new_asgs=("nasg",), sizes=("7",))


def live(kind: str) -> tuple[PracticeSession, Vocabulary]:
    session = PracticeSession(BY_KIND[kind])
    return session, vocabulary_of(session)


def usage_words(command: Command) -> list[list[str]]:
    """The usage line, read as a learner reads it: one list of words per form."""
    return [part.split() for part in command.usage.split(" | ")] if command.usage else [[]]


def filled(form_words: list[str], form: Form, vocab: Vocabulary, pick: dict[int, str]) -> str:
    """A line written from a form's usage words: keywords as is, each <argument> a word the
    vocabulary offers for its kind (`pick` chooses some)."""
    assert len(form_words) == len(form.tokens)
    words = []
    for i, (text, token) in enumerate(zip(form_words, form.tokens, strict=True)):
        if isinstance(token, str):
            assert text == token
            words.append(text)
        else:
            assert text == token.usage and text.startswith("<")
            words.append(pick.get(i) or vocab.of(token.kind)[0])
    return " ".join(words)


# --- the usage text ---------------------------------------------------------------------------
def test_the_usage_text_is_the_design_contract():
    assert grammar.usage_lines() == (
        "launch <group> <count> <version>",
        "deploy <target|group>... <version>",
        "register <target|group>...",
        "deregister <target|group>...",
        "terminate <target|group>",
        "start <host:port> <version>",
        "stop <host:port>",
        "switch <host> <port>",
        "health <target|group>",
        "wait <seconds> | ready <target>... | healthy <target>... | drained <target>...",
        "status",
        "create-image <image> from <instance>",
        "create-template <template> from <image>",
        "create-asg <group> from <template> size <size>",
        "attach-asg <group>",
        "detach-asg <group>",
        "delete-asg <group>",
    )


@pytest.mark.parametrize("kind", START_KINDS)
def test_each_rows_usage_line_parses_as_it_says_with_every_word_the_buttons_offer(kind):
    session, vocab = live(kind)
    for name in vocab.commands:
        command = grammar.command(name)
        for form, form_words in zip(command.forms, usage_words(command), strict=True):
            lines = {filled(form_words, form, vocab, {})}
            for i, token in enumerate(form.tokens):
                if isinstance(token, Arg):
                    lines |= {filled(form_words, form, vocab, {i: w})
                              for w in vocab.of(token.kind)}
            for text in sorted(lines):
                line = f"{name} {text}".strip()
                action = parse_line(line, session.scenario)
                assert action.verb == name, line
                assert len(action.args) == len(form_words), line
                for got, usage in zip(action.args, form_words, strict=True):
                    assert got == usage or usage.startswith("<"), line


@pytest.mark.parametrize("name", grammar.names())
def test_a_word_past_its_usage_is_the_rows_misuse_naming_the_usage(name):
    command = grammar.command(name)
    scenario = BY_KIND[IN_SERVER if name in ("start", "stop", "switch") else BLUEGREEN].scenario
    vocab = vocabulary_of(PracticeSession(BY_KIND[scenario.kind]))
    for form, form_words in zip(command.forms, usage_words(command), strict=True):
        many = [t for t in form.tokens if isinstance(t, Arg) and t.many]
        if many:  # real words: the list's words are checked one by one
            form_words = filled(form_words, form, vocab, {}).split()
        with pytest.raises(ParseError) as caught:
            parse_line(" ".join([name, *form_words, "extra"]), scenario)
        if many and form.tokens[-1] is many[0]:
            # One more word of a list of targets: checked as a target, and named.
            assert caught.value.problem.key == "unknown_target"
            assert "'extra'" in render(caught.value.message, "en")
            continue
        assert caught.value.problem.key == command.misuse
        if command.misuse == "wrong_arity":
            assert command.line in render(caught.value.message, "en")


def test_a_wrong_keyword_suggests_the_keywords_of_that_length():
    with pytest.raises(ParseError) as caught:
        parse_script("wait draind blue", BY_KIND[BLUEGREEN].scenario)
    assert caught.value.suggestion == "drained"


# --- completion and buttons --------------------------------------------------------------------
def written(form: Form, extra: int) -> tuple[str | Arg, ...]:
    """A form written out with `extra` more words in its argument that takes several."""
    out: list[str | Arg] = []
    for token in form.tokens:
        out.extend([token] * (1 + extra) if isinstance(token, Arg) and token.many else [token])
    return tuple(out)


def declared(command: Command, prefix: list[str]) -> list[str | Arg]:
    """What the table says may come after `prefix`, read straight off its forms: a list of
    targets may go on with another target (offered first) or end there."""
    found = []
    for form in command.forms:
        many = any(isinstance(t, Arg) and t.many for t in form.tokens)
        extras = [e for e in (len(prefix) + 1 - len(form.tokens) + 1,
                              len(prefix) - len(form.tokens) + 1) if e >= 0] if many else [0]
        for extra in extras:
            tokens = written(form, extra)
            if len(tokens) > len(prefix) and all(
                    t == w for t, w in zip(tokens, prefix, strict=False) if isinstance(t, str)):
                found.append(tokens[len(prefix)])
    return list(dict.fromkeys(found))


def positions():
    """Every (command, words so far) the table's forms pass through, filled with markers
    (a list of targets written with two, so the position after one is passed through too)."""
    for command in GRAMMAR.commands:
        for form in command.forms:
            words, seen = [], set()
            for t in written(form, 1):
                if isinstance(t, str):
                    words.append(t)
                    continue
                word = next(w for w in MARKERS.of(t.kind) if w not in seen)  # never one twice
                seen.add(word)
                words.append(word)
            for i in range(len(words) + 1):
                yield command, words[:i]


def test_tab_and_the_buttons_offer_exactly_the_kinds_the_table_declares_at_each_word():
    seen = 0
    for command, prefix in positions():
        tokens = declared(command, prefix)
        keywords = [t for t in tokens if isinstance(t, str)]
        kinds = [t.kind for t in tokens if isinstance(t, Arg)]
        named = set(prefix)  # a word already given is not offered again
        on_tab = list(dict.fromkeys(keywords + [w for k in kinds if k.tab for w in MARKERS.of(k)
                                                if w not in named]))
        on_buttons = list(dict.fromkeys(keywords + [w for k in kinds for w in MARKERS.of(k)
                                                    if w not in named]))
        text = " ".join([command.name, *prefix]) + " "
        assert complete(text, MARKERS)[1] == tuple(on_tab), text
        prompt, choices = next_words([command.name, *prefix], MARKERS)
        assert [w for w, _ in choices] == on_buttons, text
        if len(kinds) == 1 and not keywords:
            assert prompt == kinds[0].prompt
        elif tokens:
            assert prompt == command.choose
        seen += 1
    assert seen > len(GRAMMAR.commands)


def test_every_kind_of_argument_has_a_checker_words_and_a_prompt():
    used = {t.kind for c in GRAMMAR.commands for f in c.forms for t in f.tokens
            if isinstance(t, Arg)}
    assert used <= set(KINDS)
    assert set(_Parser.CHECKS) == {k.name for k in KINDS}
    for kind in KINDS:
        assert MARKERS.of(kind), kind.name  # a missing list raises here
        assert kind.prompt or kind.label, kind.name
        for key in (kind.prompt, kind.label):
            if key:
                assert word(key, "en", n=1) != key


def test_every_row_is_a_command_the_engine_runs():
    for name in grammar.names():
        assert callable(getattr(Simulation, handler_name(name), None)), name


@pytest.mark.parametrize("kind", START_KINDS)
def test_the_buttons_offer_the_tables_commands_for_each_start_state(kind):
    _session, vocab = live(kind)
    assert vocab.commands == grammar.offered(kind)
    assert next_words([], vocab)[1] == tuple((c, None) for c in grammar.offered(kind))


def test_the_commands_offered_for_each_start_state_in_the_order_a_learner_needs_them():
    assert grammar.offered(BLUEGREEN) == ("launch", "register", "wait", "health", "deregister",
                                          "terminate", "deploy", "status")
    assert grammar.offered(IN_SERVER) == ("start", "wait", "health", "switch", "stop", "status")
    assert grammar.offered(FLEET) == ("deregister", "wait", "deploy", "register", "health",
                                      "terminate", "status")
    assert grammar.offered("a start state no row names") == grammar.offered(FLEET)


def test_the_table_refuses_rows_that_cannot_be_read_one_way():
    with pytest.raises(ValueError):
        Grammar((row("status", [], offer={}), row("status", [], offer={})))
    with pytest.raises(ValueError):
        Grammar((row("deploy", [Arg(TARGET, many=True), Arg(VERSION, many=True)], offer={}),))
    with pytest.raises(ValueError):
        Grammar((row("a", [], offer={FLEET: 1}), row("b", [], offer={FLEET: 1})))
    with pytest.raises(ValueError):
        Grammar((row("wait", ["Healthy", TARGET], offer={}),))


# --- one row changes everything --------------------------------------------------------------
def renamed(old: str, new: str) -> Command:
    return dataclasses.replace(GRAMMAR.by_name[old], name=new)


@pytest.fixture
def patched(monkeypatch):
    """The table with `terminate` renamed `destroy`, `status` removed and `reboot` added."""
    rows = [renamed("terminate", "destroy") if c.name == "terminate" else c
            for c in GRAMMAR.commands if c.name != "status"]
    rows.append(row("reboot", [TARGET], offer={BLUEGREEN: 9, FLEET: 9}))
    monkeypatch.setattr(grammar, "GRAMMAR", Grammar(rows))


def test_a_changed_table_changes_the_parser_and_the_usage_text(patched):
    scenario = BY_KIND[BLUEGREEN].scenario
    script = parse_script("destroy blue\nreboot blue-1\n", scenario)
    assert [a.text() for a in script.actions] == ["destroy blue", "reboot blue-1"]
    for gone in ("terminate blue", "status"):
        with pytest.raises(ParseError) as caught:
            parse_script(gone, scenario)
        assert caught.value.problem.key == "unknown_command"
    with pytest.raises(ParseError) as caught:
        parse_script("destroy", scenario)
    assert "destroy <target|group>" in render(caught.value.message, "en")
    lines = grammar.usage_lines()
    assert "destroy <target|group>" in lines and "reboot <target|group>" in lines
    assert not any(line.startswith(("terminate", "status")) for line in lines)


def test_a_changed_table_changes_completion_and_the_buttons_words(patched):
    _session, vocab = live(BLUEGREEN)
    assert vocab.commands == ("launch", "register", "wait", "health", "deregister", "destroy",
                              "deploy", "reboot")
    assert complete("des", vocab) == ("destroy ", ("destroy",))
    assert complete("sta", vocab) == ("sta", ())
    assert complete("destroy ", vocab)[1] == vocab.of(TARGET)
    assert complete("terminate ", vocab)[1] == ()
    assert [w for w, _ in next_words(["reboot"], vocab)[1]] == list(vocab.of(TARGET))


class PanelApp(App):
    """The button panel and the help screen alone, on a live vocabulary."""

    def __init__(self, vocab: Vocabulary):
        super().__init__()
        self.vocab = vocab

    def compose(self) -> ComposeResult:
        yield ActionPanel(lambda: self.vocab, "en", word)

    def on_mount(self) -> None:
        self.query_one(ActionPanel).rebuild()  # as the practice screen does once it is mounted


def plain(renderable) -> str:
    console = Console(width=2000, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


async def test_a_changed_table_changes_the_buttons_and_the_help_screen(patched):
    _session, vocab = live(BLUEGREEN)
    app = PanelApp(vocab)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        panel = app.query_one(ActionPanel)
        assert panel.choices == grammar.offered(BLUEGREEN)
        assert "destroy" in panel.choices and "status" not in panel.choices
        button = next(b for b in panel.query("#builder-choices Button") if b.name == "destroy")
        button.press()
        await pilot.pause()
        assert panel.choices == vocab.of(TARGET)
        await app.push_screen(PracticeHelpScreen("en"))
        await pilot.pause()
        text = "\n".join(plain(s.content) for s in app.screen.query(Static))
        for line in grammar.usage_lines():
            assert line in text
        assert "destroy <target|group>" in text and "terminate" not in text


async def test_the_buttons_ask_for_each_word_as_the_table_says():
    _session, vocab = live(BLUEGREEN)
    app = PanelApp(vocab)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        panel = app.query_one(ActionPanel)

        async def click(name: str) -> str:
            next(b for b in panel.query("#builder-choices Button") if b.name == name).press()
            await pilot.pause()
            return plain(panel.query_one("#builder-prompt", Static).content)

        assert "wait for what" in await click("wait")
        labels = [str(b.label) for b in panel.query("#builder-choices Button")]
        assert labels[:4] == ["ready", "healthy", "drained", "10 s"]
        assert "target" in await click("healthy")
        assert panel.choices == vocab.of(PROBE_TARGET)


async def test_the_buttons_build_a_command_on_several_targets_and_run_it_when_asked():
    _session, vocab = live(FLEET)
    app = PanelApp(vocab)
    built: list[tuple[str, bool]] = []

    def hook(message) -> None:
        if isinstance(message, ActionPanel.Built):
            built.append((message.text, message.complete))

    async with app.run_test(size=(100, 40), message_hook=hook) as pilot:
        await pilot.pause()
        panel = app.query_one(ActionPanel)

        def buttons() -> dict[str, object]:
            return {b.name: b for b in panel.query("#builder-choices Button")}

        async def click(name: str) -> None:
            buttons()[name].press()
            await pilot.pause()

        await click("deregister")
        assert RUN not in buttons()  # a target first
        await click("web-1")
        assert "web-1" not in panel.choices and "web-2" in panel.choices  # not the same twice
        assert RUN in buttons()
        assert "or Run" in plain(panel.query_one("#builder-prompt", Static).content)
        await click("web-2")
        await click(RUN)
        assert built[-1] == ("deregister web-1 web-2", True)
        assert panel.sofar == []
        await click("deploy")
        await click("web-1")
        assert "v102" in panel.choices  # the version ends the list of targets
        await click("web-3")
        await click("v102")  # a version completes it: no run button needed
        assert built[-1] == ("deploy web-1 web-3 v102", True)


# --- what the table can say for the issues after this one ------------------------------------
@pytest.fixture
def extended(monkeypatch):
    """`deploy` taking several targets, and a new sub-keyword `wait stable <target>`."""
    rows = []
    for c in GRAMMAR.commands:
        if c.name == "deploy":
            c = row("deploy", [Arg(grammar.APP_TARGET, many=True), VERSION], offer=dict(c.offer))
        elif c.name == "wait":
            c = dataclasses.replace(c, forms=c.forms + (Form(("stable", Arg(TARGET, "target"))),))
        rows.append(c)
    monkeypatch.setattr(grammar, "GRAMMAR", Grammar(rows))


def test_a_row_can_take_several_targets_and_sub_keywords(extended):
    fleet = Scenario(FLEET, 4)
    assert "deploy <target|group>... <version>" in grammar.usage_lines()
    assert ("wait <seconds> | ready <target>... | healthy <target>... | drained <target>... "
            "| stable <target>") in grammar.usage_lines()
    script = parse_script("deploy web-1 web-2 v102\nwait stable web-1\ndeploy web v102", fleet)
    assert [a.args for a in script.actions] == [("web-1", "web-2", "v102"), ("stable", "web-1"),
                                                ("web", "v102")]
    with pytest.raises(ParseError) as caught:
        parse_script("deploy web-1 web-9 v102", fleet)
    assert caught.value.problem.key == "unknown_target"
    with pytest.raises(ParseError) as caught:
        parse_script("deploy v102", fleet)
    assert "deploy <target|group>... <version>" in render(caught.value.message, "en")
    with pytest.raises(ParseError) as caught:
        parse_script("wait stabel web-1", fleet)
    assert caught.value.suggestion == "stable"
    assert complete("wait ", MARKERS)[1] == ("ready", "healthy", "drained", "stable")
    after_one = complete("deploy hst ", MARKERS)[1]  # another target (not the same), or a version
    assert after_one == ("grp", *MARKERS.of(VERSION))
    assert complete("deploy ", MARKERS)[1] == MARKERS.of(grammar.APP_TARGET)
