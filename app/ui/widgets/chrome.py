"""Small pieces of the screens' chrome: the step bar, the too-small note, localized key bindings."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingsMap
from textual.css.query import NoMatches
from textual.dom import DOMNode, NoScreen
from textual.widget import Widget
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets._footer import FooterKey
from textual.widgets._header import HeaderTitle

from app.ui.widgets.canvas import fit
from app.words import word


class CourseHeader(Header):
    """Textual's header, safe when a title changes while its screen is being taken down.

    Header's title watchers update its title widget later, on the next turn; a screen opened
    and closed again by fast keys (Enter, then Escape) had by then removed that widget, and the
    update ended the app (`NoMatches: HeaderTitle`). A header whose title is gone updates nothing.
    """

    def _on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # Header's own handler would set up the unguarded watchers

        async def set_title() -> None:
            try:
                self.query_one(HeaderTitle).update(self.format_title())
            except (NoMatches, NoScreen):
                pass

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)


def localize_bindings(node: DOMNode, specs: Iterable[tuple], lang: str) -> None:
    """Give `node` bindings whose descriptions (footer, help) are in `lang`.

    A spec is (keys, action, i18n key[, show[, priority]]). Textual reads descriptions from the
    node's binding map, so switching language swaps the map and asks the footer to redraw.
    """
    bindings = []
    for spec in specs:
        keys, action, key = spec[:3]
        show = spec[3] if len(spec) > 3 else True
        priority = spec[4] if len(spec) > 4 else False
        bindings.append(Binding(keys, action, word(key, lang), show=show, priority=priority))
    node._bindings = BindingsMap(bindings)
    if node.is_mounted:
        node.refresh_bindings()


def preset_breakpoints(screen) -> None:
    """Give a screen its width/height classes before its first layout.

    Textual adds them on the first resize, which costs a second full layout and restyle of a
    screen that was just laid out; knowing the terminal size already, set them up front.
    """
    app = screen.app
    width, height = app.size
    for points, size in ((app.HORIZONTAL_BREAKPOINTS or [], width),
                         (app.VERTICAL_BREAKPOINTS or [], height)):
        current = None
        for threshold, name in points:
            if size >= threshold:
                current = name
        for _, name in points:
            screen.set_class(name == current, name)


class StepBar(Widget):
    """One line: the section, where we are (k of n, the step title), and the clock."""

    DEFAULT_CSS = """
    StepBar { height: 1; padding: 0 1; background: $boost; }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.state: dict = {}

    def show(self, *, section: str, k: int, n: int, title: str, clock: str, lang: str) -> None:
        self.state = {"section": section, "k": k, "n": n, "title": title, "clock": clock,
                      "lang": lang}
        self.refresh()

    def render(self) -> Text:
        if not self.state:
            return Text()
        st = self.state
        k, n = st["k"], st["n"]
        counter = word("step.counter", st["lang"], k=k + 1, n=n)
        dots = "●" * (k + 1) + "○" * (n - k - 1)
        width = self.content_size.width
        section = st["section"] if width >= 100 else st["section"].split(" ")[0]
        left = f"{section} · "
        right = " " + st["clock"]
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(left, style="bold")
        text.append(counter, style="bold reverse")
        text.append(" ")
        middle_w = width - cell_len(left) - cell_len(counter) - 1 - cell_len(right)
        if middle_w >= cell_len(dots) + 16:
            text.append(dots + " ", style="dim")
            middle_w -= cell_len(dots) + 1
        text.append(fit(st["title"], max(0, middle_w)), style="bold")
        text.append(right, style="italic")
        return text


def _page_when_laid_out(move_page):
    """OptionList's page keys, made harmless while the list has not been laid out.

    Below 60x20 every widget but the too-small note is hidden, yet the focused list (the map,
    the exercise picker, a quiz, the command palette) still gets PageUp/PageDown; Textual's
    `_move_page` then looks its highlighted option up in a line table that is still empty
    (`KeyError`). There is no page to move by while nothing is shown, so the key does nothing.
    """

    def guarded(self: OptionList, direction) -> None:
        if (self.highlighted or 0) not in self._index_to_line:
            return
        move_page(self, direction)

    return guarded


# Patched on the class so that Textual's own lists (the command palette's) get it too.
OptionList._move_page = _page_when_laid_out(OptionList._move_page)


def dismiss_once(screen, result=None) -> None:
    """Dismiss `screen` with `result` if it is still the top screen, else do nothing.

    Keys typed (or pasted) faster than the app handles them can reach a screen after it was
    dismissed; a second `dismiss` would answer its callback twice and pop the screen beneath it
    (the map at the bottom: a crash)."""
    if screen.is_active:
        screen.dismiss(result)


class TooSmall(Static):
    """Shown instead of the screen when the terminal is below 60×20 (CSS hides everything else)."""

    DEFAULT_CSS = """
    TooSmall { display: none; width: 1fr; height: 1fr; content-align: center middle;
               text-align: center; text-style: bold; }
    """

    MIN_WIDTH, MIN_HEIGHT = 60, 20  # the -w-tiny and -h-tiny breakpoints (app.tcss)

    def show_size(self, width: int, height: int) -> None:
        if width >= self.MIN_WIDTH and height >= self.MIN_HEIGHT:
            return  # hidden: not worded (the map's first frame need not read both catalogues)
        self.update(word("too_small", "ko", w=width, h=height) + "\n\n"
                    + word("too_small", "en", w=width, h=height))


class KeyFooter(Footer):
    """The key footer. Below 110 columns it packs the keys tighter and leaves out the palette
    key (Ctrl+P still opens it), so a lesson's keys fit in 80 columns, in Korean too."""

    NARROW = 110

    def __init__(self, *, show_command_palette: bool = True):
        super().__init__(show_command_palette=show_command_palette)
        self.palette_wanted = show_command_palette
        self._composed: tuple | None = None  # what the keys showed when last composed
        self._recompose_queued = False

    def _keys_now(self) -> tuple:
        """Everything the keys are drawn from: each active binding, whether it is enabled and
        its tooltip, the palette key's presence and the compact style."""
        return (self.compact, self.show_command_palette, tuple(
            (key, binding.key, binding.action, binding.description, binding.show,
             binding.group, enabled, tooltip)
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()))

    def compose(self):
        if self._bindings_ready:
            self._composed = self._keys_now()
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # Born in the footer's style: a key starts compact and its data binding to the
                # footer then restyled it, twice per key on each recompose. (The palette key
                # has no such binding and keeps its compact start, as Textual draws it.)
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen) -> None:
        """Recompose once after the screen's bindings change, and only if the keys differ:
        Textual publishes the change several times while a screen starts (six on the map),
        and rebuilding the keys each time was most of a screen's start-up."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._recompose_queued:
            self._recompose_queued = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._recompose_queued = False
        if self.is_attached and self._keys_now() != self._composed:
            await self.recompose()

    def on_resize(self) -> None:
        narrow = self.app.size.width < self.NARROW
        self.compact = narrow
        self.show_command_palette = self.palette_wanted and not narrow


EMPHASIS = re.compile(r"\*\*(.+?)\*\*|`(.+?)`")


def emphasised(text: str) -> Text:
    """Lesson prose as terminal text: **bold** and `code` become bold, the marks go."""
    text, out, at = text.strip(), Text(), 0
    for match in EMPHASIS.finditer(text):
        out.append(text[at:match.start()])
        out.append(match.group(1) or match.group(2), style="bold")
        at = match.end()
    out.append(text[at:])
    return out
