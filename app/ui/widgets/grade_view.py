"""A graded attempt as text: the verdict, each criterion with a mark and its message, the
attempt's commands with the ones that broke a rule highlighted, and efficiency after a pass.

Marks are a symbol and a word (✓ PASS / ✗ FAIL), and a blamed command carries ◀ and the rule's
name, so the grade reads the same without colour (NO_COLOR).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from app.words import render, word
from models.grading import Grade, criterion_label

PASS_STYLE, FAIL_STYLE = "bold green", "bold red"


def _mark(passed: bool, lang: str) -> str:
    shown = word("grade.mark_pass" if passed else "grade.mark_fail", lang)
    return f"{'✓' if passed else '✗'} {shown}"


def _seconds(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def grade_report(grade: Grade, lang: str, *, replay_line: int | None = None,
                 efficiency: dict | None = None, note: str = "", aid: str = "") -> Text:
    """The whole grade as one `Text`, in `lang` (the grade's messages are re-rendered);
    `aid` says what helped the attempt (hints, the solution), right under the verdict."""
    out = Text()
    out.append(word("practice.grade.heading", lang) + "\n", style="bold underline")
    out.append(render(grade.summary_note(), lang) + "\n",
               style=PASS_STYLE if grade.passed else FAIL_STYLE)
    if aid:
        out.append(aid + "\n", style="bold yellow")
    runs = grade.runs_note()
    if runs is not None:
        out.append(render(runs, lang) + "\n", style="dim")
    out.append("\n")
    mark_w = max(cell_len(_mark(True, lang)), cell_len(_mark(False, lang)))
    for criterion in grade.criteria:
        mark = _mark(criterion.passed, lang)
        out.append(mark + " " * (mark_w - cell_len(mark)) + " ",
                   style=PASS_STYLE if criterion.passed else FAIL_STYLE)
        out.append(render(criterion_label(criterion.id), lang) + "\n", style="bold")
        out.append(render(criterion.note, lang) + "\n")
        if not criterion.passed and criterion.t is not None:
            command = grade.command(criterion.line)
            if command is not None:
                where = word("practice.grade.at", lang, t=_seconds(criterion.t),
                             line=criterion.line, command=command)
            else:
                where = word("practice.grade.at_time", lang, t=_seconds(criterion.t))
            out.append("  → " + where + "\n", style=FAIL_STYLE)
        out.append("\n")
    if grade.errors:
        out.append(word("practice.grade.errors", lang) + "\n", style="bold")
        for line, message in grade.errors:
            out.append(f"  {line}: {render(message, lang)}\n", style="yellow")
        out.append("\n")
    out.append(_listing(grade, lang, replay_line))
    if grade.passed and efficiency:
        out.append("\n" + word("practice.eff.heading", lang) + "\n", style="bold underline")
        out.append(word("practice.eff.commands", lang, n=efficiency["commands"],
                      ref=efficiency["reference_commands"]) + "\n")
        out.append(word("practice.eff.time", lang, t=_seconds(efficiency["duration_s"]),
                      ref=_seconds(efficiency["reference_duration_s"])) + "\n")
        out.append(word("practice.eff.cost", lang, cost=_seconds(efficiency["instance_seconds"]),
                      ref=_seconds(efficiency["reference_instance_seconds"])) + "\n")
    if note:
        out.append("\n" + note + "\n", style="italic")
    return out


def blamed_lines(grade: Grade) -> dict[int, list[str]]:
    """Attempt line -> the ids of the failed criteria that name it."""
    blamed: dict[int, list[str]] = {}
    for criterion in grade.failed:
        if criterion.line is not None:
            blamed.setdefault(criterion.line, []).append(criterion.id)
    return blamed


def _listing(grade: Grade, lang: str, replay_line: int | None) -> Text:
    out = Text()
    out.append(word("practice.attempt.heading", lang) + "\n", style="bold underline")
    if not grade.actions:
        out.append(word("practice.attempt.empty", lang) + "\n", style="dim")
        return out
    blamed = blamed_lines(grade)
    width = cell_len(str(len(grade.actions)))
    for action in grade.actions:
        here = word("practice.attempt.here", lang) if action.line == replay_line else " "
        number = str(action.line)
        line = Text(f"{here} {' ' * (width - cell_len(number))}{number}  {action.text()}")
        ids = blamed.get(action.line) if action.line is not None else None
        if ids:
            labels = ", ".join(render(criterion_label(i), lang) for i in ids)
            line.append("  " + word("practice.attempt.cause", lang, labels=labels))
            line.stylize("bold reverse red")
        elif action.line == replay_line:
            line.stylize("bold")
        out.append(line)
        out.append("\n")
    return out
