"""Quizzes: four kinds of question, a seeded presentation, and a scored run with a review.

Kinds: `choice` (one right option; every option explains why it is right or wrong), `order`
(put steps in order, partial credit), `predict` (the right answer is the engine's own figure,
computed by `models.report.simulate` when the question is first shown) and `practical` (an
exercise graded elsewhere; the caller hands in the result). Answers are option indices in
display order, so a keyboard is enough. Same seed, same order of questions and options.

Scoring (each question is worth one point):
- choice, predict: 1 for the right option, 0 otherwise.
- order: 1 - moves / (n - 1), where `moves` is the fewest steps you would have to pick up and
  put elsewhere to fix the order (n minus the largest set of steps already in the right order
  relative to each other). One misplaced step of six earns 0.8; a reversed list earns 0. Only
  the exact order counts as correct.
- practical: the grade's score scaled to 0..1 when there is one, else 1 for a pass, 0 for a fail.
- skipped or unanswered: 0.
"""

from __future__ import annotations

import bisect
import random
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .chart import Timeline, timeline
from .messages import Msg
from .narration import default_figures
from .report import RunSpec, simulate

CHOICE, ORDER, PREDICT, PRACTICAL = "choice", "order", "predict", "practical"
KINDS = (CHOICE, ORDER, PREDICT, PRACTICAL)
SECTION_IDS = ("5.1", "5.1.1", "5.1.2", "5.1.3", "5.1.4", "5.2.1", "5.2.2", "5.3")
EXERCISES = ("bluegreen", "bluegreen-in-server", "in-place", "bluegreen-bad-build")

# What a prediction may read from a run's summary, and how the learner answers it:
# a count picked among numbers, whether the figure is above zero, or the run's outcome.
COUNT, NONZERO, OUTCOME = "count", "nonzero", "outcome"
PREDICT_FIELDS = {"min_serving": COUNT, "max_instances": COUNT, "failed": NONZERO,
                  "downtime_s": NONZERO, "outcome": OUTCOME}
YES, NO = "yes", "no"
OUTCOMES = ("succeeded", "rolled_back", "failed")
PREDICT_OPTION_IDS = {NONZERO: (YES, NO), OUTCOME: OUTCOMES}
# Names a prediction's texts may use as {placeholders}: the run's parameters, the figure
# asked for ({value}) and the summary's other figures.
RUN_PLACEHOLDERS = ("servers", "batch", "rps")
SUMMARY_PLACEHOLDERS = ("value", "requests", "succeeded", "failed", "min_serving",
                        "max_instances", "downtime_s", "duration_s", "instance_seconds")
PLACEHOLDERS = RUN_PLACEHOLDERS + SUMMARY_PLACEHOLDERS
# Any question's words may quote the engine's defaults by name ({health_interval_s},
# {deregistration_delay_s}, ...: models.narration.PARAMS), so a quiz never types a number the
# engine could change; a prediction's own run figures take precedence.
DEFAULT_FIGURES = {name: value for name, value in default_figures().items()
                   if name not in PLACEHOLDERS}
MIN_PREDICT_CHOICES, MAX_PREDICT_CHOICES = 2, 6
# A review's own words (in the catalogue's `quiz` table), for answers that are no option.
REVIEW_SKIPPED = Msg("review.skipped", (), "quiz")
REVIEW_PASSED = Msg("review.passed", (), "quiz")
REVIEW_NOT_PASSED = Msg("review.not_passed", (), "quiz")


class QuizAnswerError(ValueError):
    """An answer the current question cannot take; `str()` says why in one sentence."""


@dataclass(frozen=True)
class Question:
    """One question, language-neutral; its words live in `QuestionText` per language."""

    id: str
    kind: str
    options: tuple[str, ...] = ()  # choice: option ids; order: step ids in the right order
    correct: str = ""  # choice: the right option's id
    run: RunSpec | None = None  # predict: what the engine runs
    read: str = ""  # predict: which summary field is the answer
    choices: int = 4  # predict, count form: how many numbers to offer
    exercise: str = ""  # practical: the exercise id
    # order: (a, b) step pairs where b before a is unsafe; such an answer scores at most half
    critical: tuple[tuple[str, str], ...] = ()

    @property
    def answer_form(self) -> str:
        """For a prediction, how it is answered (count, nonzero or outcome)."""
        return PREDICT_FIELDS.get(self.read, "")


@dataclass(frozen=True)
class OptionText:
    """An option's (or an order step's) label, and why it is right, wrong, or in that place."""

    label: str
    why: str = ""


@dataclass(frozen=True)
class QuestionText:
    """A question's words in one language. Prediction texts may hold {placeholders}."""

    prompt: str
    explanation: str = ""
    options: Mapping[str, OptionText] = field(default_factory=dict)
    value_label: str = "{value}"  # predict, count form: how one number reads ("{value} servers")


@dataclass(frozen=True)
class QuizText:
    """A quiz's words in one language."""

    title: str
    questions: Mapping[str, QuestionText]


@dataclass(frozen=True)
class Quiz:
    """The quiz of one section: its questions and their words in each language."""

    id: str
    questions: tuple[Question, ...]
    texts: Mapping[str, QuizText]

    def title(self, lang: str) -> str:
        return self.texts[lang].title

    def text(self, lang: str, question_id: str) -> QuestionText:
        return self.texts[lang].questions[question_id]


def _figure(value: object) -> str:
    if isinstance(value, float):
        value = round(value, 1)
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)


def fill(template: str, values: Mapping[str, str]) -> str:
    """Put the computed figures into a prediction text (placeholders were checked on load)."""
    return template.format_map(values)


class PlaceholderForm(ValueError):
    """A placeholder with more than a name: a width, precision or conversion (`{result:>9}`,
    `{result!r}`) or an index or attribute; a width of a billion would exhaust memory."""


def placeholders_in(template: str) -> list[str]:
    """The {names} a text uses; raises ValueError on a malformed brace and `PlaceholderForm`
    on a placeholder that is not a plain name."""
    names = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            shown = "{" + name + (f"!{conversion}" if conversion else "") + \
                (f":{spec}" if spec else "") + "}"
            raise PlaceholderForm(shown[:40] + ("…" if len(shown) > 40 else ""))
        names.append(name)
    return names


def _count_options(question: Question, value: int, rng: random.Random) -> tuple[str, ...]:
    run = question.run
    assert run is not None
    servers, batch = run.servers, run.batch
    if question.read == "min_serving":
        # Common beliefs: only the batch keeps serving; a rolling deploy keeps full capacity;
        # any deploy is an outage; just one server is ever out.
        likely, lowest = [servers - batch, batch, servers, 0, servers - 1], 0
    else:
        # Common beliefs: a deploy never adds servers; blue/green doubles; one extra at a time.
        likely, lowest = [servers, 2 * servers, servers + batch, servers + 1], 1
    wanted = question.choices - 1
    picked: list[int] = []
    rng.shuffle(likely)
    for candidate in likely:
        if candidate >= lowest and candidate != value and candidate not in picked:
            picked.append(candidate)
    picked = picked[:wanted]
    step = 1
    while len(picked) < wanted:
        for candidate in (value + step, value - step):
            if len(picked) < wanted and candidate >= lowest and candidate not in picked:
                picked.append(candidate)
        step += 1
    numbers = [value, *picked]
    rng.shuffle(numbers)
    return tuple(str(n) for n in numbers)


@dataclass(frozen=True)
class Shown:
    """A question as the learner sees it: options in display order and the figures computed."""

    number: int  # 1-based position in this run
    total: int
    question: Question
    quiz: Quiz = field(repr=False)
    option_ids: tuple[str, ...]  # display order
    right: tuple[int, ...]  # choice/predict: the right index; order: the right ordering
    values: Mapping[str, str] = field(default_factory=dict)  # predict placeholders
    # predict: the run the answer was computed from, for the chart shown once it is answered
    run_timeline: Timeline | None = field(default=None, repr=False, compare=False)

    @property
    def kind(self) -> str:
        return self.question.kind

    def _text(self, lang: str) -> QuestionText:
        return self.quiz.text(lang, self.question.id)

    def _words(self, template: str) -> str:
        return fill(template, {**DEFAULT_FIGURES, **self.values})

    def prompt(self, lang: str) -> str:
        return self._words(self._text(lang).prompt)

    def explanation(self, lang: str) -> str:
        return self._words(self._text(lang).explanation)

    def labels(self, lang: str) -> tuple[str, ...]:
        """The options (or the steps to order) in display order."""
        text = self._text(lang)
        if self.kind == PREDICT and self.question.answer_form == COUNT:
            return tuple(fill(text.value_label, {**self.values, "value": v})
                         for v in self.option_ids)
        return tuple(self._words(text.options[i].label) for i in self.option_ids)

    def why(self, lang: str, index: int) -> str:
        """Why the option at `index` is right or wrong (empty for a bare number)."""
        option = self._text(lang).options.get(self.option_ids[index])
        return self._words(option.why) if option else ""


def show(quiz: Quiz, question: Question, number: int, total: int, seed: int) -> Shown:
    """Lay a question out for one run: seeded option order; predictions run the engine now."""
    rng = random.Random(f"{quiz.id}/{question.id}/{seed}")
    values: dict[str, str] = {}
    right: tuple[int, ...] = ()
    run_timeline: Timeline | None = None
    if question.kind == CHOICE:
        ids = list(question.options)
        rng.shuffle(ids)
        right = (ids.index(question.correct),)
    elif question.kind == ORDER:
        ids = list(question.options)
        while ids == list(question.options):  # never hand out the answer as the start order
            rng.shuffle(ids)
        right = tuple(ids.index(step) for step in question.options)
    elif question.kind == PREDICT:
        assert question.run is not None
        spec = question.run._replace(seed=seed)
        report = simulate(spec)
        summary = report.summary()
        run_timeline = timeline(report.sim.metrics, report.sim.scenario)
        values = {name: _figure(getattr(spec, name)) for name in RUN_PLACEHOLDERS}
        values.update({name: _figure(summary[name]) for name in SUMMARY_PLACEHOLDERS
                       if name in summary})
        figure = summary[question.read]
        form = question.answer_form
        if form == COUNT:
            ids = list(_count_options(question, int(figure), rng))
            answer = str(int(figure))
        else:
            ids = list(PREDICT_OPTION_IDS[form])
            rng.shuffle(ids)
            answer = (YES if figure > 0 else NO) if form == NONZERO else str(figure)
        values["value"] = _figure(figure)
        right = (ids.index(answer),)
    else:
        ids = []
    return Shown(number, total, question, quiz, tuple(ids), right, values, run_timeline)


UNSAFE_ORDER_CREDIT = 0.5


def order_credit(given: Sequence[int], right: Sequence[int]) -> float:
    """1 - moves/(n-1); moves = n minus the most steps already in the right relative order."""
    place = {index: position for position, index in enumerate(right)}
    ranks = [place[index] for index in given]
    tails: list[int] = []  # longest increasing subsequence, patience style
    for rank in ranks:
        at = bisect.bisect_left(tails, rank)
        tails[at:at + 1] = [rank]
    moves = len(ranks) - len(tails)
    return max(0.0, 1.0 - moves / (len(ranks) - 1)) if len(ranks) > 1 else 1.0


@dataclass(frozen=True)
class Answer:
    """What the learner did with one question, and what it earned."""

    shown: Shown
    given: tuple[int, ...] = ()  # display indices: one for choice/predict, all for order
    credit: float = 0.0  # 0..1
    skipped: bool = False
    passed: bool | None = None  # practical
    score: float | None = None  # practical: the grade's score scaled to 0..1, if any

    @property
    def correct(self) -> bool:
        if self.skipped:
            return False
        return self.passed if self.passed is not None else self.credit >= 1.0


@dataclass(frozen=True)
class OptionNote:
    """One option (or step) in a review, with its explanation."""

    label: str
    why: str
    right: bool  # choice/predict: the right option; order: placed where it belongs
    chosen: bool


@dataclass(frozen=True)
class ReviewItem:
    """One question after the quiz: what you answered, what was right, and why."""

    number: int
    question_id: str
    kind: str
    prompt: str
    # Options' words, or a `Msg` (in the catalogue's `quiz` table) for "skipped", "passed", ...
    your_answer: tuple[str | Msg, ...]
    right_answer: tuple[str | Msg, ...]
    explanation: str
    notes: tuple[OptionNote, ...]
    correct: bool
    credit: float
    skipped: bool


@dataclass(frozen=True)
class QuizScore:
    """The points earned out of one per question."""

    points: float
    possible: int
    correct: int
    answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.possible) if self.possible else 0


class QuizRun:
    """One sitting of a quiz: walks the questions in a seeded order and records the answers."""

    def __init__(self, quiz: Quiz, seed: int = 1):
        self.quiz = quiz
        self.seed = seed
        order = list(quiz.questions)
        random.Random(f"{quiz.id}/{seed}").shuffle(order)
        self.questions: tuple[Question, ...] = tuple(order)
        self.position = 0
        self._shown: dict[int, Shown] = {}
        self._answers: dict[int, Answer] = {}

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def finished(self) -> bool:
        return self.position >= self.total

    def shown(self, position: int) -> Shown:
        """The question at `position`, laid out (and its prediction computed) on first use."""
        if position not in self._shown:
            self._shown[position] = show(self.quiz, self.questions[position], position + 1,
                                         self.total, self.seed)
        return self._shown[position]

    def current(self) -> Shown | None:
        return None if self.finished else self.shown(self.position)

    def answer_at(self, position: int) -> Answer | None:
        return self._answers.get(position)

    @property
    def answered(self) -> bool:
        """Whether the current question already has an answer (show its explanation)."""
        return self.position in self._answers

    def _open(self, *kinds: str) -> Shown:
        shown = self.current()
        if shown is None:
            raise QuizAnswerError("the quiz is over; there is no question to answer")
        if self.answered:
            raise QuizAnswerError(f"question {shown.number} is already answered")
        if kinds and shown.kind not in kinds:
            raise QuizAnswerError(f"question {shown.number} is a {shown.kind} question")
        return shown

    def _record(self, answer: Answer) -> Answer:
        self._answers[self.position] = answer
        return answer

    def answer(self, given: int | Sequence[int]) -> Answer:
        """Answer with an option index (choice, predict) or an ordering of indices (order)."""
        shown = self._open(CHOICE, PREDICT, ORDER)
        count = len(shown.option_ids)
        if shown.kind == ORDER:
            if (isinstance(given, int) or not all(type(i) is int for i in given)
                    or sorted(given) != list(range(count))):
                raise QuizAnswerError(f"an order answer lists each of the {count} steps once "
                                      f"(indices 0 to {count - 1})")
            picked = tuple(given)
            credit = order_credit(picked, shown.right)
            placed = [shown.option_ids[i] for i in picked]
            if any(placed.index(first) > placed.index(then)
                   for first, then in shown.question.critical):
                credit = min(credit, UNSAFE_ORDER_CREDIT)  # nearly right, but it breaks things
            return self._record(Answer(shown, picked, credit))
        if isinstance(given, Sequence):
            given = given[0] if len(given) == 1 else -1
        if type(given) is not int or not 0 <= given < count:
            raise QuizAnswerError(f"pick an option from 1 to {count}")
        credit = 1.0 if given == shown.right[0] else 0.0
        return self._record(Answer(shown, (given,), credit))

    def submit_practical(self, passed: bool, score: float | None = None,
                         out_of: float = 1.0) -> Answer:
        """Record a graded exercise: `score` (of `out_of`) if the grade has one, else pass/fail."""
        shown = self._open(PRACTICAL)
        if score is None:
            scaled = None
            credit = 1.0 if passed else 0.0
        else:
            if out_of <= 0:
                raise QuizAnswerError("out_of must be above zero")
            scaled = min(1.0, max(0.0, score / out_of))
            credit = scaled
        return self._record(Answer(shown, (), credit, passed=passed, score=scaled))

    def skip(self) -> Answer:
        """Give up on the current question; it counts 0."""
        return self._record(Answer(self._open(), (), 0.0, skipped=True))

    def next(self) -> Shown | None:
        """Move on (an unanswered question stays unanswered and counts 0)."""
        if not self.finished:
            self.position += 1
        return self.current()

    def score(self) -> QuizScore:
        answers = self._answers.values()
        return QuizScore(points=sum(a.credit for a in answers), possible=self.total,
                         correct=sum(a.correct for a in answers),
                         answered=sum(not a.skipped for a in answers))

    def review_of(self, position: int, lang: str) -> ReviewItem:
        """One question's review: also what to show right after it is answered."""
        shown = self.shown(position)
        answer = self._answers.get(position)
        names = shown.labels(lang)
        skipped = answer is None or answer.skipped
        notes: tuple[OptionNote, ...] = ()
        if shown.kind == PRACTICAL:
            right = (REVIEW_PASSED,)
            if skipped:
                yours = (REVIEW_SKIPPED,)
            else:
                result = REVIEW_PASSED if answer.passed else REVIEW_NOT_PASSED
                if answer.score is not None:
                    result = Msg("review.with_score", (("result", result),
                                                       ("percent", round(100 * answer.score))),
                                 "quiz")
                yours = (result,)
        elif shown.kind == ORDER:
            right = tuple(names[i] for i in shown.right)
            yours = (REVIEW_SKIPPED,) if skipped else tuple(names[i] for i in answer.given)
            placed = {} if skipped else {index: at for at, index in enumerate(answer.given)}
            notes = tuple(OptionNote(names[index], shown.why(lang, index),
                                     placed.get(index) == at, False)
                          for at, index in enumerate(shown.right))
        else:
            right = (names[shown.right[0]],)
            yours = (REVIEW_SKIPPED,) if skipped else (names[answer.given[0]],)
            chosen = () if skipped else answer.given
            notes = tuple(OptionNote(name, shown.why(lang, i), i in shown.right, i in chosen)
                          for i, name in enumerate(names))
            if shown.kind == PREDICT and shown.question.answer_form == COUNT:
                notes = ()  # bare numbers: the explanation covers them all
        return ReviewItem(number=shown.number, question_id=shown.question.id, kind=shown.kind,
                          prompt=shown.prompt(lang), your_answer=yours, right_answer=right,
                          explanation=shown.explanation(lang), notes=notes,
                          correct=bool(answer and answer.correct),
                          credit=answer.credit if answer else 0.0, skipped=skipped)

    def review(self, lang: str) -> tuple[ReviewItem, ...]:
        """Every question, answered or not, in the order they were asked."""
        return tuple(self.review_of(position, lang) for position in range(self.total))

    def as_dict(self) -> dict:
        """The attempt as plain data (for progress storage): answers by option id, and the score."""
        score = self.score()
        answers = []
        for position, question in enumerate(self.questions):
            answer = self._answers.get(position)
            shown = self._shown.get(position)
            given = ([shown.option_ids[i] for i in answer.given] if answer and shown else [])
            answers.append({"question": question.id, "kind": question.kind, "answer": given,
                            "skipped": answer is None or answer.skipped,
                            "passed": answer.passed if answer else None,
                            "correct": bool(answer and answer.correct),
                            "credit": round(answer.credit, 3) if answer else 0.0})
        return {"quiz": self.quiz.id, "seed": self.seed, "points": round(score.points, 3),
                "possible": score.possible, "percent": score.percent, "answers": answers}
