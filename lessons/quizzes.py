"""Loads the quizzes: `quizzes/<id>.toml` (questions) and `<lang>/quizzes/<id>.toml` (words).

The files' shapes are declared in `lessons.schema.quizzes`; here, both languages must cover the
same questions and the same options, prediction texts may only use known placeholders, and a
practical must name a known exercise. The first problem found is a `CourseFileError` naming the
file (its path in the course), the question and key, and where known the line.

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

from msgspec import UNSET

from models.messages import Msg
from models.quiz import (
    CHOICE,
    COUNT,
    DEFAULT_FIGURES,
    EXERCISES,
    ORDER,
    PLACEHOLDERS,
    PRACTICAL,
    PREDICT,
    PREDICT_OPTION_IDS,
    SECTION_IDS,
    OptionText,
    PlaceholderForm,
    Question,
    QuestionText,
    Quiz,
    QuizText,
    placeholders_in,
)
from models.report import RunSpec
from models.strategies import STRATEGIES

from . import COURSE_DIR, LOCALES
from .files import CourseFileError, Keys, TomlLines, decode, fault, key_path, read_toml
from .schema.quizzes import (
    Choice,
    Ordering,
    Predict,
    QuestionTextFile,
    QuizFile,
    QuizTextFile,
    Run,
)


def quiz_key(keys: Keys, data: Any) -> Msg | str:
    """How an error in a quiz file names the key: `question 'what-ci': 'correct'`."""
    if len(keys) < 2 or keys[0] != "questions":
        return f"'{key_path(keys)}'"
    ident = keys[1]
    if isinstance(ident, int):
        items = data.get("questions") if isinstance(data, dict) else None
        item = items[ident] if isinstance(items, list) and ident < len(items) else None
        question_id = item.get("id") if isinstance(item, dict) else None
        who = (fault("course_file.question", id=question_id) if isinstance(question_id, str)
               else fault("course_file.question_number", number=ident + 1))
    else:
        who = fault("course_file.question", id=ident)
    return fault("course_file.question_key", question=who,
                 field=key_path(keys[2:])) if keys[2:] else who


class _Where:
    """Errors about one question, worded like the schema's and pointing at the key's line."""

    def __init__(self, lines: TomlLines, keys: Keys, label: Msg):
        self.lines, self.keys, self.label = lines, keys, label

    def fail(self, problem: Msg, *key: str | int) -> CourseFileError:
        return CourseFileError(self.lines.path, fault("course_file.labelled", label=self.label,
                                                      problem=problem),
                               self.lines.line(self.keys + key))


def _known_exercises(root: Path) -> tuple[str, ...]:
    """Exercise ids a practical may name: one per file in the course's exercises folder.

    Only the id is checked here; the exercise loader validates what the files say, so a
    broken exercise is reported once, by it, and quizzes do not depend on its internals.
    """
    folder = root / "exercises"
    found = tuple(sorted(path.stem for path in folder.glob("*.toml"))) if folder.is_dir() else ()
    return found or EXERCISES


def _unique(where: _Where, key: str, values: list[str], least: int) -> tuple[str, ...]:
    if len(values) < least:
        raise where.fail(fault("course_file.entries_at_least", field=key, count=least), key)
    for value in values:
        if not value.strip():
            raise where.fail(fault("course_file.empty_entry", field=key), key)
        if values.count(value) > 1:
            raise where.fail(fault("course_file.entry_twice", value=value, field=key), key)
    return tuple(values)


def _run(run: Run, where: _Where) -> RunSpec:
    where = _Where(where.lines, where.keys + ("run",), fault("course_file.run_of",
                                                             question=where.label))
    if run.strategy not in STRATEGIES:
        raise where.fail(fault("course_file.unknown_strategy", strategy=run.strategy,
                               known=tuple(STRATEGIES)), "strategy")
    if run.batch > run.servers:
        raise where.fail(fault("course_file.run_batch", servers=run.servers), "batch")
    return RunSpec(strategy=run.strategy, servers=run.servers, batch=run.batch, rps=run.rps,
                   fault=run.fault)


def _question(item: Any, where: _Where, exercises: tuple[str, ...]) -> Question:
    if isinstance(item, Choice):
        options = _unique(where, "options", item.options, 2)
        if item.correct not in options:
            raise where.fail(fault("course_file.correct_not_option", option=item.correct),
                             "correct")
        return Question(item.id, CHOICE, options=options, correct=item.correct)
    if isinstance(item, Ordering):
        steps = _unique(where, "steps", item.steps, 3)
        for first, then in item.critical:
            if first not in steps or then not in steps or steps.index(first) > steps.index(then):
                raise where.fail(fault("course_file.critical_pair", first=first, then=then),
                                 "critical")
        return Question(item.id, ORDER, options=steps,
                        critical=tuple((first, then) for first, then in item.critical))
    if isinstance(item, Predict):
        return Question(item.id, PREDICT, run=_run(item.run, where), read=item.read,
                        choices=item.choices)
    if item.exercise not in exercises:
        raise where.fail(fault("course_file.unknown_exercise", exercise=item.exercise,
                               known=tuple(exercises)), "exercise")
    return Question(item.id, PRACTICAL, exercise=item.exercise)


def load_questions(path: Path, exercises: tuple[str, ...]) -> tuple[Question, ...]:
    """One quiz's questions (language-neutral), validated; a practical names one of
    `exercises`."""
    lines = TomlLines(path)
    quiz = decode(path, read_toml(path), QuizFile, name=quiz_key, lines=lines)
    if quiz.id != path.stem:
        raise CourseFileError(path, fault("course_file.id_not_file_name", id=quiz.id),
                              lines.line(("id",)))
    if quiz.id not in SECTION_IDS:
        raise CourseFileError(path, fault("course_file.quiz_not_section", id=quiz.id,
                                          sections=tuple(SECTION_IDS)), lines.line(("id",)))
    if not quiz.questions:
        raise CourseFileError(path, fault("course_file.no_questions"),
                              lines.line(("questions",)))
    questions: list[Question] = []
    for index, item in enumerate(quiz.questions):
        where = _Where(lines, ("questions", index), fault("course_file.question", id=item.id))
        question = _question(item, where, exercises)
        if any(q.id == question.id for q in questions):
            raise CourseFileError(path, fault("course_file.question_twice", id=question.id),
                                  lines.line(("questions", index, "id")))
        questions.append(question)
    return tuple(questions)


def _check_placeholders(where: _Where, key: str, template: str, known: tuple[str, ...]) -> None:
    try:
        names = placeholders_in(template)
    except PlaceholderForm as err:
        raise where.fail(fault("course_file.placeholder_form", field=key, placeholder=str(err)),
                         key) from None
    except ValueError as err:
        raise where.fail(fault("course_file.stray_brace", field=key, reason=str(err)),
                         key) from None
    for name in names:
        if name not in known:
            raise where.fail(fault("course_file.unknown_placeholder", field=key,
                                   name="{" + name + "}",
                                   known=tuple("{" + p + "}" for p in known)), key)


def _question_text(text: QuestionTextFile, question: Question, where: _Where) -> QuestionText:
    form = question.answer_form
    given = {"explanation": text.explanation, "value_label": text.value_label,
             "options": text.options}
    allowed = {"explanation", "options"}
    if form == COUNT:
        allowed = {"explanation", "value_label"}
    elif question.kind == PRACTICAL:
        allowed = {"explanation"}
    for key, value in given.items():
        if value is not UNSET and key not in allowed:
            raise where.fail(fault("course_file.not_known_key", field=key), key)
    explanation = "" if text.explanation is UNSET else text.explanation
    if question.kind in (PREDICT, PRACTICAL):
        if text.explanation is UNSET:
            raise where.fail(fault("course_file.key_missing", field="explanation"))
        if not explanation.strip():
            raise where.fail(fault("course_file.key_empty", field="explanation"), "explanation")
    value_label = "{value}" if text.value_label is UNSET else text.value_label
    option_ids: tuple[str, ...] = ()
    if question.kind in (CHOICE, ORDER):
        option_ids = question.options
    elif form in PREDICT_OPTION_IDS:
        option_ids = PREDICT_OPTION_IDS[form]
    options: dict[str, OptionText] = {}
    if option_ids:
        if text.options is UNSET:
            raise where.fail(fault("course_file.key_missing", field="options"))
        table = _Where(where.lines, where.keys + ("options",),
                       fault("course_file.options_of", question=where.label))
        for option_id in option_ids:
            if option_id not in text.options:
                raise table.fail(fault("course_file.no_option_text", option=option_id))
            option = text.options[option_id]
            options[option_id] = OptionText(option.label, option.why)
        extra = sorted(set(text.options) - set(option_ids))
        if extra:
            raise table.fail(fault("course_file.extra_option_text", option=extra[0]), extra[0])
    # Every question may quote the engine's defaults; a prediction also its run's figures.
    known = (*PLACEHOLDERS, *DEFAULT_FIGURES) if question.kind == PREDICT else (*DEFAULT_FIGURES,)
    _check_placeholders(where, "prompt", text.prompt, known)
    _check_placeholders(where, "explanation", explanation, known)
    if form == COUNT:
        _check_placeholders(where, "value_label", value_label, known)
        if "{value}" not in value_label:
            raise where.fail(fault("course_file.value_label"), "value_label")
    for option_id, option in options.items():
        of = _Where(where.lines, where.keys + ("options", option_id),
                    fault("course_file.option_of", question=where.label, option=option_id))
        _check_placeholders(of, "label", option.label, known)
        _check_placeholders(of, "why", option.why, known)
    return QuestionText(text.prompt, explanation, options, value_label)


def load_quiz_text(path: Path, questions: tuple[Question, ...]) -> QuizText:
    """One quiz's words in one language, checked against its questions."""
    lines = TomlLines(path)
    quiz = decode(path, read_toml(path), QuizTextFile, name=quiz_key, lines=lines)
    texts: dict[str, QuestionText] = {}
    for question in questions:
        if question.id not in quiz.questions:
            raise CourseFileError(path, fault("course_file.no_question_text", id=question.id))
        where = _Where(lines, ("questions", question.id),
                       fault("course_file.question", id=question.id))
        texts[question.id] = _question_text(quiz.questions[question.id], question, where)
    extra = sorted(set(quiz.questions) - set(texts))
    if extra:
        raise CourseFileError(path, fault("course_file.extra_question_text", id=extra[0]),
                              lines.line(("questions", extra[0])))
    return QuizText(quiz.title, texts)


def _named_from(root: Path, err: CourseFileError) -> CourseFileError:
    """The same error naming the file by its path in the course: ko and en files share names."""
    try:
        shown = err.path.relative_to(root).as_posix()
    except ValueError:
        return err
    err.shown = shown
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
        raise CourseFileError(quiz_dir, fault("course_file.no_quizzes_folder"))
    exercises = _known_exercises(root)
    questions = {path.stem: load_questions(path, exercises)
                 for path in sorted(quiz_dir.glob("*.toml"))}
    if not questions:
        raise CourseFileError(quiz_dir, fault("course_file.no_quiz_files"))
    texts: dict[str, dict[str, QuizText]] = {quiz_id: {} for quiz_id in questions}
    for lang in LOCALES:
        lang_dir = root / lang / "quizzes"
        for quiz_id, quiz_questions in questions.items():
            texts[quiz_id][lang] = load_quiz_text(lang_dir / f"{quiz_id}.toml", quiz_questions)
        for path in sorted(lang_dir.glob("*.toml")):
            if path.stem not in questions:
                raise CourseFileError(path, fault("course_file.words_without_file",
                                                  file=f"quizzes/{path.name}"))
    ordered = sorted(questions, key=SECTION_IDS.index)
    return {quiz_id: Quiz(quiz_id, questions[quiz_id], texts[quiz_id]) for quiz_id in ordered}
