"""Command palette entries: open any section of the course by its number or title."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

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
