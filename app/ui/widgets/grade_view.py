"""A graded attempt as text: the verdict, each criterion with a mark and its message, the
attempt's commands with the ones that broke a rule highlighted, and efficiency after a pass.

Marks are a symbol and a word (✓ PASS / ✗ FAIL), and a blamed command carries ◀ and the rule's
name, so the grade reads the same without colour (NO_COLOR).
"""

from __future__ import annotations

from rich.text import Text

from app.practice_words import pt
from models.grading import GRADE_TEMPLATES, Grade, criterion_label

PASS_STYLE, FAIL_STYLE = "bold green", "bold red"


def _mark(passed: bool, lang: str) -> str:
    word = GRADE_TEMPLATES["mark_pass" if passed else "mark_fail"][lang]
    return f"{'✓' if passed else '✗'} {word}"


def _seconds(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def grade_report(grade: Grade, lang: str, *, replay_line: int | None = None,
                 efficiency: dict | None = None, note: str = "") -> Text:
    """The whole grade as one `Text`, in `lang` (the grade's messages are re-rendered)."""
    out = Text()
    out.append(pt("grade.heading", lang) + "\n", style="bold underline")
    out.append(grade.summary_text(lang) + "\n\n", style=PASS_STYLE if grade.passed else FAIL_STYLE)
    mark_w = max(len(_mark(True, lang)), len(_mark(False, lang)))
    for criterion in grade.criteria:
        mark = _mark(criterion.passed, lang)
        out.append(mark.ljust(mark_w) + " ", style=PASS_STYLE if criterion.passed else FAIL_STYLE)
        out.append(criterion_label(criterion.id, lang) + "\n", style="bold")
        out.append(criterion.message(lang) + "\n")
        if not criterion.passed and criterion.t is not None:
            command = grade.command(criterion.line)
            if command is not None:
                where = pt("grade.at", lang, t=_seconds(criterion.t), line=criterion.line,
                           command=command)
            else:
                where = pt("grade.at_time", lang, t=_seconds(criterion.t))
            out.append("  → " + where + "\n", style=FAIL_STYLE)
        out.append("\n")
    if grade.errors:
        out.append(pt("grade.errors", lang) + "\n", style="bold")
        for line, message in grade.errors:
            out.append(f"  {line}: {message.render(lang)}\n", style="yellow")
        out.append("\n")
    out.append(_listing(grade, lang, replay_line))
    if grade.passed and efficiency:
        out.append("\n" + pt("eff.heading", lang) + "\n", style="bold underline")
        out.append(pt("eff.commands", lang, n=efficiency["commands"],
                      ref=efficiency["reference_commands"]) + "\n")
        out.append(pt("eff.time", lang, t=_seconds(efficiency["duration_s"]),
                      ref=_seconds(efficiency["reference_duration_s"])) + "\n")
        out.append(pt("eff.cost", lang, cost=_seconds(efficiency["instance_seconds"]),
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
    out.append(pt("attempt.heading", lang) + "\n", style="bold underline")
    if not grade.actions:
        out.append(pt("attempt.empty", lang) + "\n", style="dim")
        return out
    blamed = blamed_lines(grade)
    width = len(str(len(grade.actions)))
    for action in grade.actions:
        here = pt("attempt.here", lang) if action.line == replay_line else " "
        line = Text(f"{here} {action.line:>{width}}  {action.text()}")
        ids = blamed.get(action.line) if action.line is not None else None
        if ids:
            labels = ", ".join(criterion_label(i, lang) for i in ids)
            line.append("  " + pt("attempt.cause", lang, labels=labels))
            line.stylize("bold reverse red")
        elif action.line == replay_line:
            line.stylize("bold")
        out.append(line)
        out.append("\n")
    return out
