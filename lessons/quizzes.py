"""Loads the quizzes: `quizzes/<id>.toml` (questions) and `<lang>/quizzes/<id>.toml` (words).

Both languages must cover the same questions and the same options; prediction texts may only
use known placeholders; a practical must name a known exercise. The first problem found is a
`CourseFileError` naming the file (its path in the course) and, where known, the line.

Structure, one `[[questions]]` table each, by kind:
    choice     id, options = [ids], correct = id
    order      id, steps = [ids in the right order]
    predict    id, read = min_serving|max_instances|failed|downtime_s|outcome, choices = 4,
               run = { strategy, servers, batch, rps, fault }   (the engine computes the answer)
    practical  id, exercise = an exercise id
Words, per language: `title`, then `[questions.<id>]` with `prompt`, `explanation` (required for
predict and practical), and `[questions.<id>.options.<option or step id>]` with `label` and
`why`. A count prediction has no options, only `value_label` ("{value} hosts"); a failed/downtime_s
prediction has options `yes` and `no`; an outcome prediction has succeeded, rolled_back, failed.
Prediction texts may use {servers} {batch} {rps} {value} and the run summary's figures.
The review's own words ("skipped", "passed") are in the catalogue (`<lang>/words.toml`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.params import FAULTS
from models.quiz import (
    CHOICE,
    COUNT,
    EXERCISES,
    KINDS,
    MAX_PREDICT_CHOICES,
    MIN_PREDICT_CHOICES,
    ORDER,
    PLACEHOLDERS,
    PRACTICAL,
    PREDICT,
    PREDICT_FIELDS,
    PREDICT_OPTION_IDS,
    SECTION_IDS,
    OptionText,
    Question,
    QuestionText,
    Quiz,
    QuizText,
    placeholders_in,
)
from models.report import RunSpec
from models.strategies import STRATEGIES

from . import COURSE_DIR, LOCALES
from .files import CourseFileError, Fields, line_of, read_toml

KEYS = {CHOICE: {"id", "kind", "options", "correct"},
        ORDER: {"id", "kind", "steps"},
        PREDICT: {"id", "kind", "run", "read", "choices"},
        PRACTICAL: {"id", "kind", "exercise"}}
RUN_KEYS = {"strategy", "servers", "batch", "rps", "fault"}
MAX_SERVERS = 64


def _line_from(path: Path, needle: str, start: int | None) -> int | None:
    """The first line from `start` on that holds `needle`, so errors point into the right table."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    first = start or 1
    for number in range(first, len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return start


class _Table(Fields):
    """`Fields` whose errors point at the key inside this table, not its first use in the file."""

    def __init__(self, path: Path, table: dict[str, Any], where: str, line: int | None):
        super().__init__(path, table, where)
        self.line = line

    def _fail(self, key: str, problem: str) -> CourseFileError:
        where = f"{self.where}: " if self.where else ""
        # A missing key has no line of its own: point at the table that lacks it.
        line = _line_from(self.path, key, self.line) if key in self.table else self.line
        return CourseFileError(self.path, f"{where}'{key}' {problem}", line)

    def fail(self, problem: str, needle: str | None = None) -> CourseFileError:
        line = _line_from(self.path, needle, self.line) if needle else self.line
        return CourseFileError(self.path, f"{self.where}: {problem}", line)

    def sub(self, key: str, where: str) -> _Table:
        value = self.get(key, dict)
        return _Table(self.path, value, where, _line_from(self.path, key, self.line))


def _known_exercises(root: Path) -> tuple[str, ...]:
    """Exercise ids a practical may name: one per file in the course's exercises folder.

    Only the id is checked here; the exercise loader validates what the files say, so a
    broken exercise is reported once, by it, and quizzes do not depend on its internals.
    """
    folder = root / "exercises"
    found = tuple(sorted(path.stem for path in folder.glob("*.toml"))) if folder.is_dir() else ()
    return found or EXERCISES


def _unique(f: _Table, key: str, values: list[str], least: int) -> tuple[str, ...]:
    if len(values) < least:
        raise f.fail(f"'{key}' needs at least {least} entries", key)
    for value in values:
        if not value.strip():
            raise f.fail(f"'{key}' has an empty entry", key)
        if values.count(value) > 1:
            raise f.fail(f"'{value}' appears twice in '{key}'", key)
    return tuple(values)


def _run(f: _Table) -> RunSpec:
    f.unknown(RUN_KEYS)
    strategy = f.get("strategy", str)
    if strategy not in STRATEGIES:
        raise f.fail(f"strategy '{strategy}' is unknown; expected one of {', '.join(STRATEGIES)}",
                     "strategy")
    servers = f.get("servers", int, 4)
    if not 1 <= servers <= MAX_SERVERS:
        raise f.fail(f"servers should be 1 to {MAX_SERVERS}", "servers")
    batch = f.get("batch", int, 2)
    if not 1 <= batch <= servers:
        raise f.fail(f"batch should be 1 to servers ({servers})", "batch")
    rps = float(f.get("rps", (int, float), 10.0))
    if rps <= 0:
        raise f.fail("rps should be above zero", "rps")
    return RunSpec(strategy=strategy, servers=servers, batch=batch, rps=rps,
                   fault=f.choice("fault", FAULTS, "none"))


def _question(f: _Table, exercises: tuple[str, ...]) -> Question:
    question_id = f.text("id")
    kind = f.choice("kind", KINDS)
    f.where = f"question '{question_id}'"
    f.unknown(KEYS[kind])
    if kind == CHOICE:
        options = _unique(f, "options", f.strings("options"), 2)
        correct = f.text("correct")
        if correct not in options:
            raise f.fail(f"correct option '{correct}' is not one of its options", "correct")
        return Question(question_id, kind, options=options, correct=correct)
    if kind == ORDER:
        return Question(question_id, kind, options=_unique(f, "steps", f.strings("steps"), 3))
    if kind == PREDICT:
        read = f.choice("read", tuple(PREDICT_FIELDS))
        choices = f.get("choices", int, 4)
        if not MIN_PREDICT_CHOICES <= choices <= MAX_PREDICT_CHOICES:
            raise f.fail(f"choices should be {MIN_PREDICT_CHOICES} to {MAX_PREDICT_CHOICES}",
                         "choices")
        run = _run(f.sub("run", f"question '{question_id}' run"))
        return Question(question_id, kind, run=run, read=read, choices=choices)
    exercise = f.text("exercise")
    if exercise not in exercises:
        raise f.fail(f"exercise '{exercise}' is unknown; expected one of {', '.join(exercises)}",
                     "exercise")
    return Question(question_id, kind, exercise=exercise)


def load_questions(path: Path, exercises: tuple[str, ...] | None = None) -> tuple[Question, ...]:
    """One quiz's questions (language-neutral), validated."""
    data = read_toml(path)
    f = _Table(path, data, "", None)
    f.unknown({"id", "questions"})
    quiz_id = f.text("id")
    if quiz_id != path.stem:
        raise CourseFileError(path, f"id '{quiz_id}' does not match the file name",
                              line_of(path, "id"))
    if quiz_id not in SECTION_IDS:
        raise CourseFileError(path, f"'{quiz_id}' is not a section of the chapter "
                              f"({', '.join(SECTION_IDS)})", line_of(path, "id"))
    items = f.get("questions", list)
    if not items:
        raise CourseFileError(path, "has no questions", line_of(path, "questions"))
    exercises = exercises if exercises is not None else _known_exercises(path.parent.parent)
    questions: list[Question] = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise CourseFileError(path, f"question {number} should be a table")
        question_id = item.get("id")
        line = line_of(path, f'"{question_id}"') if isinstance(question_id, str) else None
        question = _question(_Table(path, item, f"question {number}", line), exercises)
        if any(q.id == question.id for q in questions):
            raise CourseFileError(path, f"question id '{question.id}' appears twice",
                                  _line_from(path, f'"{question.id}"', (line or 0) + 1))
        questions.append(question)
    return tuple(questions)


def _check_placeholders(f: _Table, key: str, template: str) -> None:
    try:
        names = placeholders_in(template)
    except ValueError as err:
        raise f.fail(f"'{key}' has a stray brace ({err}); write {{{{ or }}}} for a brace",
                     key) from None
    for name in names:
        if name not in PLACEHOLDERS:
            raise f.fail(f"'{key}' uses {{{name}}}; known placeholders are "
                         + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS), key)


def _question_text(f: _Table, question: Question) -> QuestionText:
    form = question.answer_form
    allowed = {"prompt", "explanation", "options"}
    if form == COUNT:
        allowed = {"prompt", "explanation", "value_label"}
    elif question.kind == PRACTICAL:
        allowed = {"prompt", "explanation"}
    f.unknown(allowed)
    prompt = f.text("prompt")
    needs_explanation = question.kind in (PREDICT, PRACTICAL)
    explanation = f.text("explanation") if needs_explanation else f.text("explanation", "")
    value_label = f.text("value_label", "{value}")
    option_ids: tuple[str, ...] = ()
    if question.kind in (CHOICE, ORDER):
        option_ids = question.options
    elif form in PREDICT_OPTION_IDS:
        option_ids = PREDICT_OPTION_IDS[form]
    options: dict[str, OptionText] = {}
    if option_ids:
        table = f.sub("options", f"question '{question.id}' options")
        for option_id in option_ids:
            if option_id not in table.table:
                raise table.fail(f"has no text for '{option_id}'")
            of = table.sub(option_id, f"question '{question.id}' option '{option_id}'")
            of.unknown({"label", "why"})
            options[option_id] = OptionText(of.text("label"), of.text("why"))
        extra = sorted(set(table.table) - set(option_ids))
        if extra:
            raise table.fail(f"has text for '{extra[0]}', which the question does not have",
                             extra[0])
    if question.kind == PREDICT:
        _check_placeholders(f, "prompt", prompt)
        _check_placeholders(f, "explanation", explanation)
        if form == COUNT:
            _check_placeholders(f, "value_label", value_label)
            if "{value}" not in value_label:
                raise f.fail("'value_label' must contain {value}", "value_label")
        for option_id, option in options.items():
            of = _Table(f.path, {}, f"question '{question.id}' option '{option_id}'",
                        _line_from(f.path, f"options.{option_id}", f.line))
            _check_placeholders(of, "label", option.label)
            _check_placeholders(of, "why", option.why)
    return QuestionText(prompt, explanation, options, value_label)


def load_quiz_text(path: Path, questions: tuple[Question, ...]) -> QuizText:
    """One quiz's words in one language, checked against its questions."""
    f = _Table(path, read_toml(path), "", None)
    f.unknown({"title", "questions"})
    title = f.text("title")
    table = f.get("questions", dict)
    texts: dict[str, QuestionText] = {}
    for question in questions:
        if question.id not in table:
            raise CourseFileError(path, f"has no text for question '{question.id}'")
        if not isinstance(table[question.id], dict):
            raise CourseFileError(path, f"question '{question.id}' should be a table",
                                  line_of(path, question.id))
        qf = _Table(path, table[question.id], f"question '{question.id}'",
                    line_of(path, f"[questions.{question.id}]")
                    or line_of(path, f"[questions.{question.id}."))
        texts[question.id] = _question_text(qf, question)
    extra = sorted(set(table) - set(texts))
    if extra:
        raise CourseFileError(path, f"has text for question '{extra[0]}', which the quiz lacks",
                              line_of(path, extra[0]))
    return QuizText(title, texts)


def _named_from(root: Path, err: CourseFileError) -> CourseFileError:
    """The same error naming the file by its path in the course: ko and en files share names."""
    try:
        shown = err.path.relative_to(root).as_posix()
    except ValueError:
        return err
    err.args = (f"{shown}" + (f", line {err.line}" if err.line else "") + f": {err.problem}",)
    return err


def load_quizzes(root: Path = COURSE_DIR) -> dict[str, Quiz]:
    """Every quiz with its words in every language, validated, in the chapter's order."""
    try:
        return _load_quizzes(root)
    except CourseFileError as err:
        raise _named_from(root, err) from None


def _load_quizzes(root: Path) -> dict[str, Quiz]:
    quiz_dir = root / "quizzes"
    if not quiz_dir.is_dir():
        raise CourseFileError(quiz_dir, "the quizzes folder is missing")
    exercises = _known_exercises(root)
    questions = {path.stem: load_questions(path, exercises)
                 for path in sorted(quiz_dir.glob("*.toml"))}
    if not questions:
        raise CourseFileError(quiz_dir, "holds no quiz files")
    texts: dict[str, dict[str, QuizText]] = {quiz_id: {} for quiz_id in questions}
    for lang in LOCALES:
        lang_dir = root / lang / "quizzes"
        for quiz_id, quiz_questions in questions.items():
            texts[quiz_id][lang] = load_quiz_text(lang_dir / f"{quiz_id}.toml", quiz_questions)
        for path in sorted(lang_dir.glob("*.toml")):
            if path.stem not in questions:
                raise CourseFileError(path, f"there is no quizzes/{path.name} for these words")
    ordered = sorted(questions, key=SECTION_IDS.index)
    return {quiz_id: Quiz(quiz_id, questions[quiz_id], texts[quiz_id]) for quiz_id in ordered}
