"""Command palette entries: open any section of the course by its number or title."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from rich.align import Align
from rich.text import Text
from textual import on, work
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets import Button, Input, OptionList
from textual.widgets.option_list import Option

from app.words import word


class SectionCommands(Provider):
    """Command palette entries: open any section of the course by number or title."""

    def _entries(self) -> list[tuple[str, str, Callable[[], None]]]:
        app = self.app
        lang = app.lang
        entries = []
        for section in app.toc.sections:
            text = app.toc.text(lang, section.id)
            label = word("palette.open", lang, id=section.id, title=text.title)
            entries.append((label, text.description, partial(app.open_section, section.id)))
        entries.append((word("palette.map", lang), "", app.show_map))
        return entries

    async def discover(self) -> Hits:
        for label, help_text, callback in self._entries():
            yield DiscoveryHit(label, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, callback in self._entries():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, help=help_text)


class GuardedCommandPalette(CommandPalette):
    """Textual's command palette, safe to close while its search is still running.

    The palette's search worker can start, or deliver its last results, after the palette was
    dismissed (a key typed and Escape right after it); Textual then looks for the list the
    palette no longer has (`NoMatches`, and the app ends). A closed palette searches nothing.
    Enter pressed twice fast reached the palette again after the first had closed it, and it
    closed a second time, popping the map (`ScreenStackError`): a closed palette picks nothing.
    """

    @on(OptionList.OptionSelected)
    @on(Input.Submitted)
    @on(Button.Pressed)
    def _closed_palette_picks_nothing(self, event) -> None:
        # Runs before CommandPalette's own handlers (a subclass comes first); prevent_default
        # keeps them from running at all.
        if self.app.screen is not self:
            event.stop()
            event.prevent_default()

    def dismiss(self, result=None):
        # Textual's dismiss pops whatever screen is on top; a palette that is no longer there
        # (closed by a key its late choice did not wait for) must not pop the map under it.
        if self.is_active and len(self.app.screen_stack) > 1:
            return super().dismiss(result)
        return None

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP)
    async def _gather_commands(self, search_value: str) -> None:
        if self.query(CommandList):
            await _GATHER_COMMANDS(self, search_value)

    def _watch__list_visible(self) -> None:
        if self.query(CommandList):
            super()._watch__list_visible()

    async def _watch__show_busy(self) -> None:
        if self.query(CommandList):
            await super()._watch__show_busy()

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own countdown, whose timer could fire while the palette was being taken
        # down (its list already gone: NoMatches, found by make fuzz).
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            lists = self.query(CommandList)
            if not lists:
                return
            if search_value:
                lists.first().add_option(Option(
                    Align.center(Text(word("palette.no_matches", self.app.lang), style="not bold")),
                    disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


_GATHER_COMMANDS = CommandPalette._gather_commands.__wrapped__  # the search, without its worker
