"""The quiz screen's pieces: the one-line bar, an option row, and the review at the end.

Marks are glyphs and words (✓ ✗ › ↕ and "right answer"), so nothing depends on colour
(NO_COLOR); colour comes from the theme through component classes. Long labels wrap in a
column of their own with a hanging indent, measured in cells (Korean is two cells a character).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from app.ui.widgets.canvas import fit
from app.words import points_text, rendered, word
from models.quiz import ORDER, ReviewItem

RIGHT, WRONG = "right", "wrong"
CURSOR, GRABBED = "›", "↕"
MARKS = {RIGHT: "✓", WRONG: "✗"}


def hanging(gutter_width: int, expand: bool = True) -> Table:
    """A two-column grid: a fixed gutter (marks, numbers) and text that wraps under itself."""
    table = Table.grid(padding=(0, 1), expand=expand)
    table.add_column(width=gutter_width, no_wrap=True)
    table.add_column(ratio=1)
    return table


class QuizBar(Widget):
    """One line: which quiz, and where the learner is in it (question k of n, its kind)."""

    DEFAULT_CSS = """
    QuizBar { height: 1; padding: 0 1; background: $boost; }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.left = ""
        self.right = ""
        self.progress = ""

    def show(self, left: str, right: str, progress: str = "") -> None:
        self.left, self.right, self.progress = left, right, progress
        self.refresh()

    def render(self) -> Text:
        width = self.content_size.width
        right = f" {self.right}"
        progress = f" {self.progress}" if self.progress else ""
        if cell_len(self.left) + cell_len(right) + cell_len(progress) + 2 > width:
            progress = ""  # the dots are the first thing to go on a narrow terminal
        text = Text(no_wrap=True, overflow="ellipsis")
        left_w = max(0, width - cell_len(right) - cell_len(progress))
        text.append(fit(self.left, left_w), style="bold")
        text.append(right, style="bold reverse")
        text.append(progress, style="dim")
        return text


@dataclass(frozen=True)
class RowState:
    """What one option row shows: its number and label, and the marks around it."""

    number: int
    label: str
    cursor: bool = False
    grabbed: bool = False
    mark: str = ""  # RIGHT, WRONG or ""
    tag: str = ""  # "right answer", "your answer", "in place"…
    why: str = ""


class OptionRow(Static):
    """One option (or one step of an ordering), numbered, with its marks once answered."""

    COMPONENT_CLASSES = {"option-row--right", "option-row--wrong", "option-row--why",
                         "option-row--tag"}
    DEFAULT_CSS = """
    OptionRow { height: auto; padding: 0 1 0 0; }
    OptionRow.-cursor { background: $boost; }
    OptionRow.-grabbed { background: $accent 30%; }
    OptionRow.-explained { margin-bottom: 1; }
    OptionRow.-explained:last-child { margin-bottom: 0; }
    OptionRow > .option-row--right { color: $text-success; text-style: bold; }
    OptionRow > .option-row--wrong { color: $text-error; text-style: bold; }
    OptionRow > .option-row--why { color: $text-muted; }
    OptionRow > .option-row--tag { text-style: bold italic; }
    """

    class Clicked(Message):
        """The learner clicked an option row."""

        def __init__(self, index: int):
            super().__init__()
            self.index = index

    def __init__(self, index: int, gutter_width: int = 4):
        super().__init__()
        self.index = index
        self.gutter_width = gutter_width
        self.state = RowState(index + 1, "")

    def set_state(self, state: RowState) -> None:
        self.state = state
        self.set_class(state.cursor, "-cursor")
        self.set_class(state.grabbed, "-grabbed")
        self.set_class(bool(state.why), "-explained")
        self.update(self.build())

    def build(self) -> RenderableType:
        state = self.state
        glyph = (GRABBED if state.grabbed else CURSOR if state.cursor
                 else MARKS.get(state.mark, " "))
        gutter = Text(f"{glyph} {state.number}.")
        if state.mark:
            gutter.stylize(self.get_component_rich_style(f"option-row--{state.mark}"), 0, 1)
        body = Text(state.label, style="bold" if state.cursor or state.grabbed else "")
        if state.tag:
            body.append("  ")
            body.append(f"({state.tag})", style=self.get_component_rich_style("option-row--tag"))
        if state.why:
            body.append("\n")
            body.append(state.why, style=self.get_component_rich_style("option-row--why"))
        table = hanging(self.gutter_width)
        table.add_row(gutter, body)
        return table

    def on_click(self) -> None:
        self.post_message(self.Clicked(self.index))


def labelled(label: str, kind: str, answers: tuple[str, ...], label_style) -> Text:
    """"Your answer: …" as the review prints it; an ordering lists one step a line, numbered."""
    text = Text()
    text.append(label + ":", style=label_style)
    if kind == ORDER and len(answers) > 1:
        for number, step in enumerate(answers, 1):
            text.append(f"\n{number}) {step}")
    else:
        text.append(" " + " / ".join(answers))
    return text


def review_reason(item: ReviewItem, lang: str) -> str:
    """Why, in the review: the question's own explanation, else its options' reasons. After a
    wrong answer, why that pick was wrong and then why the correct one is right, without the
    right option's own "Right." (it was written for whoever picked it)."""
    if item.explanation or item.kind == ORDER:
        return item.explanation
    right = [n.why for n in item.notes if n.right and n.why]
    if item.correct:
        return " ".join(right)
    lead = word("quiz.review.right_lead", lang)
    wrong = [n.why for n in item.notes if n.chosen and not n.right and n.why]
    return " ".join(wrong + [w.removeprefix(lead).lstrip() for w in right])


def review_renderable(items: tuple[ReviewItem, ...], lang: str,
                      styles: dict[str, object]) -> RenderableType:
    """Every question after the quiz: the mark, the prompt, your answer, the right one, and why.

    A choice question without its own explanation explains itself by its options: the right
    one's reason, and your pick's reason if it was wrong.
    """
    table = hanging(3)
    for item in items:
        mark = MARKS[RIGHT] if item.correct else MARKS[WRONG]
        gutter = Text(f"{mark} ", style=styles[RIGHT if item.correct else WRONG])
        head = Text(f"{item.number}. ", style="bold")
        head.append(item.prompt, style="bold")
        head.append(" (" + word("quiz.end.points", lang, points=points_text(item.credit)) + ")",
                    style=styles["tag"])
        table.add_row(gutter, head)
        table.add_row("", labelled(word("quiz.end.yours", lang), item.kind,
                                   rendered(item.your_answer, lang), styles["tag"]))
        if not item.correct:
            table.add_row("", labelled(word("quiz.end.right", lang), item.kind,
                                       rendered(item.right_answer, lang), styles["tag"]))
        why = review_reason(item, lang)
        if why:
            table.add_row("", Text(why, style=styles["why"]))
        table.add_row("", "")
    return Group(table)
