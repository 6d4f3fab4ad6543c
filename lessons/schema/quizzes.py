"""The shape of a quiz's files: `quizzes/<id>.toml` (questions), `<lang>/quizzes/<id>.toml` (words).

A question is one `[[questions]]` table whose `kind` says which of the four it is. What ties the
files together (both languages cover the same questions and options, placeholders are known, a
practical names an exercise of the course, a batch fits its fleet) is checked by
`lessons.quizzes`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from models.quiz import MAX_PREDICT_CHOICES, MIN_PREDICT_CHOICES, PREDICT_FIELDS

from .sections import MAX_RPS, MAX_SERVERS, Fault, Text

Read = Literal[tuple(PREDICT_FIELDS)]


class Run(Struct, forbid_unknown_fields=True, kw_only=True):
    """`run = {...}`: the deployment the engine runs to compute a prediction's answer."""

    strategy: str  # one of models.strategies.STRATEGIES (checked with the question)
    servers: Annotated[int, Meta(ge=1, le=MAX_SERVERS)] = 4
    batch: Annotated[int, Meta(ge=1, le=MAX_SERVERS)] = 2  # at most `servers`
    rps: Annotated[float, Meta(gt=0, le=MAX_RPS)] = 10.0
    fault: Fault = "none"


class _Question(Struct, forbid_unknown_fields=True, kw_only=True, tag_field="kind"):
    id: Text


class Choice(_Question, tag="choice"):
    """Pick the right option: `options` are ids, `correct` is one of them."""

    options: list[str]
    correct: Text


class Ordering(_Question, tag="order"):
    """Put `steps` (ids, listed in the right order) in order. `critical` pairs [a, b]: putting b
    before a is unsafe (production before approval, terminate before drain); it scores at most
    half."""

    steps: list[str]
    critical: list[Annotated[list[str], Meta(min_length=2, max_length=2)]] = []


class Predict(_Question, tag="predict"):
    """Predict a figure of `run`'s summary; the engine computes the answer."""

    run: Run
    read: Read
    choices: Annotated[int, Meta(ge=MIN_PREDICT_CHOICES, le=MAX_PREDICT_CHOICES)] = 4


class Practical(_Question, tag="practical"):
    """Do an exercise in practice mode; its grade is the answer."""

    exercise: Text


class QuizFile(Struct, forbid_unknown_fields=True):
    """`quizzes/<id>.toml`: a section's questions, the same in every language."""

    id: Text
    questions: list[Choice | Ordering | Predict | Practical]


class OptionTextFile(Struct, forbid_unknown_fields=True):
    """`[questions.Q.options.O]`: an option's (or a step's) label and why it is right or wrong."""

    label: Text
    why: Text


class QuestionTextFile(Struct, forbid_unknown_fields=True, kw_only=True):
    """`[questions.Q]`: a question's words. Which keys a question takes depends on its kind."""

    prompt: Text
    explanation: str | UnsetType = UNSET
    value_label: str | UnsetType = UNSET
    options: dict[str, OptionTextFile] | UnsetType = UNSET


class QuizTextFile(Struct, forbid_unknown_fields=True):
    """`<lang>/quizzes/<id>.toml`: a quiz's title and its questions' words in one language."""

    title: Text
    questions: dict[str, QuestionTextFile]
