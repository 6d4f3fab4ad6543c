"""The presenter's pieces (`--present`): narration in the largest type a terminal has (bold, a
blank line between lines, a banner title) and the bar that shows the autoplay speed and what
autoplay is doing, since a projector shows no footer."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Markdown
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from app.words import word

BOLD = Style(bold=True)


class LargeNarration:
    """A step's title and body as a projector needs them: the title as a banner, the body in
    bold with a blank line after each line (a terminal's type cannot grow; its spacing can).
    `spaced=False` (a short terminal) keeps the bold and leaves out the blank lines."""

    def __init__(self, title: str, body: str, spaced: bool = True):
        self.title = title
        self.body = body
        self.spaced = spaced

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        title = Text(f" {self.title} ", style="bold reverse")
        yield from console.render(title, options)
        yield Segment.line()
        lines = console.render_lines(Markdown(self.body), options.update(height=None),
                                     pad=False)
        gap = True  # a paragraph's gap is one more blank line; none right under the title
        for line in lines:
            if not "".join(seg.text for seg in line).strip():
                if not gap:
                    yield Segment.line()
                gap = True
                continue
            yield from Segment.apply_style(line, post_style=BOLD)
            yield Segment.line()
            if self.spaced:
                yield Segment.line()
            gap = not self.spaced


class PresenterBar(Widget):
    """One line at the bottom of the presenter's screen: the speed with its keys, and autoplay's
    state (playing, the seconds left of the pause at a step's end, paused, off)."""

    DEFAULT_CSS = """
    PresenterBar { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.state: dict = {}

    def show(self, **state) -> None:
        if state != self.state:
            self.state = state
            self.refresh()

    def render(self) -> Text:
        st = self.state
        if not st:
            return Text()
        lang = st["lang"]
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {word('present.speed', lang, speed=st['speed'])} ", style="reverse")
        text.append(f"  {word('present.speed_keys', lang)}", style="dim")
        text.append("   │   ", style="dim")
        mode = st["mode"]
        if mode == "waiting":
            text.append(word("present.auto_on", lang) + " · ")
            text.append(word("present.waiting", lang, s=st["seconds"]), style="reverse")
        elif mode == "auto":
            text.append(word("present.auto_on", lang))
        elif mode == "playing":
            text.append(word("present.auto_on", lang) + " · " + word("present.playing", lang))
        elif mode == "paused":
            text.append(word("present.paused", lang))
        elif mode == "last":
            text.append(word("present.last", lang))
        else:
            text.append(word("present.auto_off", lang))
        text.append("   │   ", style="dim")
        text.append(word("present.step_keys", lang), style="dim")
        return text
