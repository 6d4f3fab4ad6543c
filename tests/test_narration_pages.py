"""At 80x24 a step's text is taller than its five rows: it is read in pages (PageDown/PageUp),
with the page and the key on its last row, not behind a scrollbar."""

from __future__ import annotations

import pytest

from app.ui.app import DeployLabApp
from app.words import word


def more_text(screen) -> str:
    more = screen.query_one("#narration-more")
    return str(more.render()) if more.display else ""


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_a_long_step_reads_in_pages_at_80x24(lang):
    app = DeployLabApp(lang=lang, lesson="5.1.2", instant=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right")
        await pilot.pause()
        screen = app.screen
        page, pages = screen.pages()
        assert (page, pages) == (1, pages) and pages >= 2
        assert more_text(screen) == word("lesson.page.more", lang, page=1, pages=pages)
        pane = screen.query_one("#narration")
        assert pane.styles.scrollbar_size_vertical == 0  # the page line, not a scrollbar
        for _ in range(pages - 1):
            await pilot.press("pagedown")
            await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y  # the whole text was reachable
        assert more_text(screen) == word("lesson.page.last", lang, page=pages, pages=pages)
        await pilot.press("pageup")
        await pilot.pause()
        assert screen.pages()[0] == pages - 1
        await pilot.press("right")  # the next step starts on its first page
        await pilot.pause()
        assert screen.pages()[0] == 1


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_a_step_that_fits_shows_no_page_line(lang):
    app = DeployLabApp(lang=lang, lesson="5.1.2", instant=True)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        assert app.screen.pages() == (1, 1)
        assert more_text(app.screen) == ""
