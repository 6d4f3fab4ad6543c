"""Practice mode's modals: the "show the solution?" confirmation and the keys help."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from app.i18n import tr
from app.screens.practice_text import pt
from app.widgets.canvas import fit
from app.widgets.chrome import AnyKeyModal
from models.practice import USAGE

TYPING_KEYS = (("Enter", "help.enter"), ("Tab", "help.tab"), ("↑ ↓", "help.history"),
               ("Esc", "help.escape_typing"))
OTHER_KEYS = (("/  i", "help.type"), ("h", "help.hint"), ("u", "help.undo"), ("r", "help.reset"),
              ("d", "help.done"), ("s", "help.solution"), ("e", "help.exercises"),
              ("← →", "help.replay"), ("l", "help.lang"), ("?", "key.help"),
              ("Esc", "help.back"))


class ConfirmSolutionScreen(ModalScreen[bool]):
    """Asks before the reference solution replaces the attempt; y / n / Escape answer."""

    DEFAULT_CSS = """
    ConfirmSolutionScreen { align: center middle; }
    ConfirmSolutionScreen > Vertical { width: 64; max-width: 95%; height: auto;
                                       border: round $warning; padding: 1 2; background: $panel; }
    ConfirmSolutionScreen #confirm-body { margin: 0 0 1 0; }
    ConfirmSolutionScreen Horizontal { height: auto; align: center middle; }
    ConfirmSolutionScreen Button { margin: 0 1; }
    """
    BINDINGS = [("y", "answer(True)", "Yes"), ("n,escape", "answer(False)", "No")]

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = pt("confirm.title", self.lang)
            yield Static(pt("confirm.body", self.lang), id="confirm-body")
            with Horizontal():
                yield Button(pt("confirm.no", self.lang), id="confirm-no", variant="primary")
                yield Button(pt("confirm.yes", self.lang), id="confirm-yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PracticeHelpScreen(AnyKeyModal):
    """Practice mode's keys and the command language; any key closes it."""

    DEFAULT_CSS = """
    PracticeHelpScreen { align: center middle; }
    PracticeHelpScreen > Vertical { width: auto; max-width: 96%; height: auto; max-height: 94%;
                                    border: round $accent; padding: 0 2; background: $panel; }
    PracticeHelpScreen > Vertical > Static { width: auto; }
    """

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def _word(self, key: str) -> str:
        return tr(key, self.lang) if key.startswith("key.") else pt(key, self.lang)

    def _table(self, heading: str, keys) -> Text:
        key_w = max(cell_len(k) for k, _ in keys) + 2
        text = Text()
        text.append(pt(heading, self.lang) + "\n", style="bold underline")
        for key, word in keys:
            text.append(fit(key, key_w), style="bold")
            text.append(self._word(word) + "\n")
        return text

    def compose(self) -> ComposeResult:
        lang = self.lang
        language = Text()
        language.append(pt("help.language", lang) + "\n", style="bold underline")
        for verb, usage in USAGE.items():
            language.append(f"{verb} {usage}".rstrip() + "\n")
        with Vertical() as box:
            box.border_title = pt("help.title", lang)
            yield Static(self._table("help.typing", TYPING_KEYS))
            yield Static(Text(pt("help.ctrl", lang) + "\n", style="italic"))
            yield Static(self._table("help.other", OTHER_KEYS))
            yield Static(language)
            yield Static(Text(pt("help.dismiss", lang), style="dim"))
