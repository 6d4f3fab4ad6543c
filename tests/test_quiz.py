"""Quizzes: every quiz loads in both languages, answers score as documented, predictions are the
engine's own figures, the seeded order is stable yet varied, and broken files fail in one line."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from app.words import rendered
from lessons import COURSE_DIR, LOCALES
from lessons.files import CourseFileError
from lessons.quizzes import load_quizzes
from models.quiz import (
    CHOICE,
    COUNT,
    DEFAULT_FIGURES,
    EXERCISES,
    KINDS,
    NO,
    NONZERO,
    ORDER,
    PRACTICAL,
    PREDICT,
    SECTION_IDS,
    YES,
    QuizAnswerError,
    QuizRun,
    fill,
    order_credit,
)
from models.report import simulate

HANGUL = re.compile(r"[\uac00-\ud7a3]")
SEEDS = (1, 2, 3, 7)


@pytest.fixture(scope="module")
def quizzes():
    return load_quizzes()


def wrong_answer(shown):
    """An answer that is certainly wrong: another option, or the right order reversed."""
    if shown.kind == ORDER:
        return list(reversed(shown.right))
    return (shown.right[0] + 1) % len(shown.option_ids)


def take(quiz, seed, right: bool):
    run = QuizRun(quiz, seed)
    while (shown := run.current()) is not None:
        if shown.kind == PRACTICAL:
            run.submit_practical(passed=right)
        elif right:
            run.answer(list(shown.right) if shown.kind == ORDER else shown.right[0])
        else:
            run.answer(wrong_answer(shown))
        run.next()
    return run


def engine_answer(question, seed):
    """The right answer computed here, straight from the engine, as an option id."""
    figure = simulate(question.run._replace(seed=seed)).summary()[question.read]
    if question.answer_form == COUNT:
        return str(figure)
    if question.answer_form == NONZERO:
        return YES if figure > 0 else NO
    return figure


# --- the course's quizzes -------------------------------------------------------------------

def test_every_section_has_a_quiz_in_both_languages(quizzes):
    assert list(quizzes) == list(SECTION_IDS)
    for quiz in quizzes.values():
        assert set(quiz.texts) == set(LOCALES)
        assert HANGUL.search(quiz.title("ko")) and not HANGUL.search(quiz.title("en"))


@pytest.mark.parametrize("lang", LOCALES)
def test_every_question_reads_fully_in_each_language(quizzes, lang):
    for quiz in quizzes.values():
        run = QuizRun(quiz, seed=1)
        for position in range(run.total):
            shown = run.shown(position)
            texts = [shown.prompt(lang), shown.explanation(lang), *shown.labels(lang)]
            texts += [shown.why(lang, i) for i in range(len(shown.option_ids))]
            for text in texts:
                assert "{" not in text and "}" not in text, (quiz.id, shown.question.id, text)
            assert shown.prompt(lang).strip()
            # A Korean file with English left in it, or the reverse, shows up here.
            assert bool(HANGUL.search(shown.prompt(lang))) == (lang == "ko"), shown.prompt(lang)
            if shown.kind != PRACTICAL:
                assert len(shown.labels(lang)) == len(shown.option_ids) >= 2


def test_the_course_covers_what_the_issue_asks(quizzes):
    for quiz in quizzes.values():
        assert len(quiz.questions) >= 3, quiz.id
    kinds = {q.kind for quiz in quizzes.values() for q in quiz.questions}
    assert kinds == set(KINDS)

    def kinds_of(section):
        return {q.kind for q in quizzes[section].questions}

    assert PRACTICAL in kinds_of("5.2.2")
    assert ORDER in kinds_of("5.2.1")
    for section in ("5.1.2", "5.1.3", "5.3"):
        assert PREDICT in kinds_of(section), section
    for quiz in quizzes.values():
        for q in quiz.questions:
            if q.kind == PRACTICAL:
                assert q.exercise in EXERCISES


def test_the_5_2_1_order_question_is_the_blue_green_procedure(quizzes):
    (procedure,) = [q for q in quizzes["5.2.1"].questions if q.kind == ORDER]
    labels = [quizzes["5.2.1"].text("en", procedure.id).options[s].label.lower()
              for s in procedure.options]
    expected = ["launch", "deploy", "register", "healthy", "deregister", "terminate"]
    assert [word in label for word, label in zip(expected, labels, strict=True)] == [True] * 6


# --- scoring --------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_right_answers_score_full_marks_and_wrong_ones_nothing(quizzes, seed):
    for quiz in quizzes.values():
        right = take(quiz, seed, right=True).score()
        assert (right.points, right.correct, right.possible) == (len(quiz.questions),) * 3
        assert right.percent == 100
        wrong = take(quiz, seed, right=False).score()
        assert (wrong.points, wrong.correct, wrong.percent) == (0, 0, 0)


def test_an_unfinished_quiz_counts_missing_answers_as_zero(quizzes):
    run = QuizRun(quizzes["5.1.2"], seed=4)
    shown = run.current()
    run.answer(list(shown.right) if shown.kind == ORDER else shown.right[0])
    run.next()
    run.skip()
    score = run.score()
    assert (score.points, score.correct, score.answered, score.possible) == (1, 1, 1, 5)
    assert score.percent == 20
    review = run.review("en")
    assert review[1].skipped and rendered(review[1].your_answer, "en") == ("skipped",)
    assert review[2].skipped and not review[2].correct


def test_every_choice_option_is_explained_in_the_review(quizzes):
    for quiz in quizzes.values():
        for lang in LOCALES:
            run = take(quiz, 5, right=False)
            for item in run.review(lang):
                question = next(q for q in quiz.questions if q.id == item.question_id)
                if question.kind != CHOICE:
                    continue
                text = quiz.text(lang, question.id)
                whys = {fill(o.why, DEFAULT_FIGURES) for o in text.options.values()}
                assert {n.why for n in item.notes} == whys
                assert all(n.why.strip() for n in item.notes)
                assert sum(n.right for n in item.notes) == 1
                assert sum(n.chosen for n in item.notes) == 1
                right_note = next(n for n in item.notes if n.right)
                assert item.right_answer == (right_note.label,)
                assert item.your_answer != item.right_answer and not item.correct


def test_review_shows_the_answer_given_and_the_right_one(quizzes):
    quiz = quizzes["5.1.3"]
    run = QuizRun(quiz, seed=2)
    while (shown := run.current()) is not None:
        if shown.question.id == "rollback":
            wrong = wrong_answer(shown)
            run.answer(wrong)
            item = run.review_of(run.position, "ko")
            assert item.your_answer == (shown.labels("ko")[wrong],)
            assert item.right_answer == (shown.labels("ko")[shown.right[0]],)
            assert item.notes[wrong].chosen and not item.notes[wrong].right
            assert item.notes[wrong].why == shown.why("ko", wrong)
        else:
            run.skip()
        run.next()


def test_order_credit_is_one_minus_moves_over_n_minus_one():
    right = [0, 1, 2, 3, 4, 5]
    assert order_credit(right, right) == 1.0
    assert order_credit([1, 0, 2, 3, 4, 5], right) == pytest.approx(0.8)  # one swap: one move
    assert order_credit([1, 2, 3, 4, 5, 0], right) == pytest.approx(0.8)  # first step last
    assert order_credit([5, 4, 3, 2, 1, 0], right) == 0.0
    assert order_credit([2, 0, 1, 5, 3, 4], right) == pytest.approx(0.6)  # two moves


def test_order_question_scoring_in_a_run(quizzes):
    quiz = quizzes["5.2.1"]
    for seed in SEEDS:
        run = QuizRun(quiz, seed)
        while (shown := run.current()).kind != ORDER:
            run.skip()
            run.next()
        assert list(shown.right) != list(range(len(shown.right)))  # not handed out solved
        given = list(shown.right)
        given[0], given[1] = given[1], given[0]
        answer = run.answer(given)
        assert answer.credit == pytest.approx(0.8) and not answer.correct
        item = run.review_of(run.position, "en")
        assert item.right_answer == tuple(shown.labels("en")[i] for i in shown.right)
        assert item.your_answer == tuple(shown.labels("en")[i] for i in given)
        assert [n.right for n in item.notes] == [False, False, True, True, True, True]
        assert all(n.why for n in item.notes)
        assert run.score().points == pytest.approx(0.8)


@pytest.mark.parametrize("bad", [[0, 1, 2], [0, 0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 6], 3])
def test_an_order_answer_must_list_each_step_once(quizzes, bad):
    run = QuizRun(quizzes["5.2.1"], 1)
    while run.current().kind != ORDER:
        run.skip()
        run.next()
    with pytest.raises(QuizAnswerError, match="each of the 6 steps once"):
        run.answer(bad)
    assert not run.answered


def test_practical_counts_once_a_result_is_supplied(quizzes):
    quiz = quizzes["5.2.2"]

    def at_practical(seed=1):
        run = QuizRun(quiz, seed)
        while run.current().kind != PRACTICAL:
            run.skip()
            run.next()
        return run

    run = at_practical()
    assert run.submit_practical(True).credit == 1.0 and run.score().points == 1.0
    assert rendered(run.review_of(run.position, "ko").your_answer, "ko") == ("통과",)
    run = at_practical()
    assert run.submit_practical(False).credit == 0.0 and run.score().correct == 0
    run = at_practical()
    answer = run.submit_practical(True, score=75, out_of=100)
    assert answer.credit == 0.75 and answer.correct
    assert rendered(run.review_of(run.position, "en").your_answer, "en") == ("passed (75%)",)
    run = at_practical()
    run.skip()
    assert run.score().points == 0
    assert rendered(run.review_of(run.position, "ko").your_answer, "ko") == ("건너뜀",)
    with pytest.raises(QuizAnswerError):
        at_practical().answer(0)


def test_answers_the_question_cannot_take_are_refused(quizzes):
    run = QuizRun(quizzes["5.1"], 1)
    while run.current().kind != CHOICE:
        run.skip()
        run.next()
    for bad in (-1, 4, 99, True, "1"):
        with pytest.raises(QuizAnswerError):
            run.answer(bad)
    run.answer(0)
    with pytest.raises(QuizAnswerError, match="already answered"):
        run.answer(1)
    with pytest.raises(QuizAnswerError):
        run.submit_practical(True)
    while run.next() is not None:
        pass
    assert run.finished
    with pytest.raises(QuizAnswerError, match="over"):
        run.skip()


# --- predictions ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_prediction_answers_are_the_engines_figures(quizzes, seed):
    checked = 0
    for quiz in quizzes.values():
        run = QuizRun(quiz, seed)
        for position in range(run.total):
            shown = run.shown(position)
            if shown.kind != PREDICT:
                continue
            expected = engine_answer(shown.question, seed)
            assert shown.option_ids[shown.right[0]] == expected
            assert len(set(shown.option_ids)) == len(shown.option_ids)
            if shown.question.answer_form == COUNT:
                assert len(shown.option_ids) == shown.question.choices
                assert all(int(v) >= 0 for v in shown.option_ids)
                summary = simulate(shown.question.run._replace(seed=seed)).summary()
                figure = str(summary[shown.question.read])
                for lang in LOCALES:
                    assert figure in shown.explanation(lang)
                    assert figure in shown.labels(lang)[shown.right[0]]
            checked += 1
    assert checked >= 8


def test_prediction_follows_its_parameters(quizzes):
    quiz = quizzes["5.1.2"]
    question = next(q for q in quiz.questions if q.id == "six-two-serving")
    seen = {}
    for servers, batch in ((6, 2), (8, 2), (6, 3), (4, 1)):
        changed = replace(question, run=question.run._replace(servers=servers, batch=batch))
        variant = replace(quiz, questions=(changed,))
        shown = QuizRun(variant, 1).current()
        figure = simulate(changed.run._replace(seed=1)).summary()["min_serving"]
        assert shown.option_ids[shown.right[0]] == str(figure)
        assert f"{servers}" in shown.prompt("en") and f"{batch}" in shown.prompt("en")
        assert f"{figure}" in shown.explanation("ko")
        seen[(servers, batch)] = figure
    assert len(set(seen.values())) >= 3


def test_a_prediction_on_a_bad_build_reads_the_outcome(quizzes):
    question = next(q for q in quizzes["5.2.2"].questions if q.kind == PREDICT)
    good = replace(question, run=question.run._replace(fault="none"))
    assert engine_answer(question, 1) != engine_answer(good, 1)
    for variant in (question, good):
        shown = QuizRun(replace(quizzes["5.2.2"], questions=(variant,)), 1).current()
        assert shown.option_ids[shown.right[0]] == engine_answer(variant, 1)


# --- seeded order ---------------------------------------------------------------------------

def layout(run):
    return [(run.shown(p).question.id, run.shown(p).option_ids) for p in range(run.total)]


def test_same_seed_same_order_of_questions_and_options(quizzes):
    for quiz in quizzes.values():
        assert layout(QuizRun(quiz, 11)) == layout(QuizRun(quiz, 11))


def test_different_seeds_give_different_orders(quizzes):
    for quiz in quizzes.values():
        orders = {tuple(q.id for q in QuizRun(quiz, seed).questions) for seed in range(1, 21)}
        assert len(orders) > 1, quiz.id
        layouts = {tuple(map(str, layout(QuizRun(quiz, seed)))) for seed in range(1, 6)}
        assert len(layouts) > 1, quiz.id


def test_the_right_answer_moves_between_positions(quizzes):
    for quiz in quizzes.values():
        for question in quiz.questions:
            if question.kind != CHOICE:
                continue
            positions = set()
            for seed in range(1, 21):
                run = QuizRun(replace(quiz, questions=(question,)), seed)
                positions.add(run.current().right[0])
            assert len(positions) >= 3, (quiz.id, question.id)
    # Within one sitting too, the right option is not always in the same place.
    run = QuizRun(quizzes["5.1.4"], 1)
    assert len({run.shown(p).right[0] for p in range(run.total)}) > 1


def test_attempt_as_plain_data(quizzes):
    run = take(quizzes["5.3"], 3, right=True)
    data = run.as_dict()
    assert (data["quiz"], data["seed"], data["percent"], data["possible"]) == ("5.3", 3, 100, 5)
    assert {a["question"] for a in data["answers"]} == {q.id for q in quizzes["5.3"].questions}
    assert all(a["correct"] and a["answer"] for a in data["answers"])


# --- broken files ---------------------------------------------------------------------------

@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    for part in ("quizzes", "ko/quizzes", "en/quizzes"):
        shutil.copytree(COURSE_DIR / part, tmp_path / part)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


BREAKAGES = [
    ("quizzes/5.1.2.toml", 'correct = "half"', 'correct = "halve"',
     r"^quizzes/5\.1\.2\.toml, line \d+: .*'halve' is not one of its options"),
    ("quizzes/5.1.2.toml", 'kind = "choice"', 'kind = "choise"',
     r"^quizzes/5\.1\.2\.toml, line \d+: .*'kind' is 'choise'; expected one of"),
    ("quizzes/5.1.toml", 'id = "what-ci"', 'id = "what-ci',
     r"^quizzes/5\.1\.toml, line 5: invalid TOML"),
    ("quizzes/5.2.2.toml", 'exercise = "bluegreen"', 'exercise = "blugreen"',
     r"^quizzes/5\.2\.2\.toml, line \d+: .*exercise 'blugreen' is unknown"),
    ("quizzes/5.3.toml", 'read = "min_serving"', 'read = "fewest"',
     r"^quizzes/5\.3\.toml, line \d+: .*'read' is 'fewest'"),
    ("quizzes/5.3.toml", 'strategy = "recreate"', 'strategy = "recreat"',
     r"^quizzes/5\.3\.toml, line \d+: .*strategy 'recreat' is unknown"),
    ("quizzes/5.1.2.toml", "servers = 6, batch = 2", "servers = 6, batch = 7",
     r"^quizzes/5\.1\.2\.toml, line \d+: .*batch should be 1 to servers"),
    ("en/quizzes/5.1.toml", "options.test-phase]", "options.tests]",
     r"^en/quizzes/5\.1\.toml, line 6: question 'what-ci' options: has no text for 'test-phase'"),
    ("en/quizzes/5.1.toml", "[questions.approval-gate]\n",
     "[questions.what-ci.options.extra]\nlabel = 'x'\nwhy = 'y'\n\n[questions.approval-gate]\n",
     r"^en/quizzes/5\.1\.toml, line 22: .*has text for 'extra', which the question does not"),
    ("ko/quizzes/5.1.2.toml", "[questions.rollback]", "[questions.roll-back]",
     r"^ko/quizzes/5\.1\.2\.toml, line 54: question 'rollback': 'prompt' is missing"),
    ("ko/quizzes/5.1.3.toml", "[questions.rollback", "[questions.roll-back",
     r"^ko/quizzes/5\.1\.3\.toml: has no text for question 'rollback'"),
    ("ko/quizzes/5.1.3.toml", "{servers}대가 v101", "{server}대가 v101",
     r"^ko/quizzes/5\.1\.3\.toml, line \d+: .*uses \{server\}"),
    ("en/quizzes/5.1.2.toml", 'value_label = "{value} servers"', 'value_label = "servers"',
     r"^en/quizzes/5\.1\.2\.toml, line \d+: .*must contain \{value\}"),
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), BREAKAGES,
                         ids=[b[2][:24] for b in BREAKAGES])
def test_a_broken_quiz_file_gives_one_line_naming_it(course_copy, name, old, new, expected):
    edit(course_copy / name, old, new)
    with pytest.raises(CourseFileError) as caught:
        load_quizzes(course_copy)
    message = str(caught.value)
    assert "\n" not in message
    assert re.search(expected, message), message


def test_a_missing_or_stray_quiz_file_is_named(course_copy):
    (course_copy / "en/quizzes/5.1.4.toml").unlink()
    with pytest.raises(CourseFileError, match=r"^en/quizzes/5\.1\.4\.toml: the file is missing"):
        load_quizzes(course_copy)
    shutil.copy(course_copy / "ko/quizzes/5.1.4.toml", course_copy / "en/quizzes/5.1.4.toml")
    shutil.copy(course_copy / "ko/quizzes/5.3.toml", course_copy / "ko/quizzes/5.4.toml")
    with pytest.raises(CourseFileError, match=r"^ko/quizzes/5\.4\.toml: there is no quizzes/5\.4"):
        load_quizzes(course_copy)


def test_a_practical_must_name_an_exercise_of_the_course(course_copy):
    (course_copy / "exercises").mkdir()
    (course_copy / "exercises" / "in-place.toml").write_text("", encoding="utf-8")
    with pytest.raises(CourseFileError, match="exercise 'bluegreen' is unknown"):
        load_quizzes(course_copy)
    (course_copy / "exercises" / "bluegreen.toml").write_text("", encoding="utf-8")
    assert "5.2.2" in load_quizzes(course_copy)


# --- the review of a wrong answer ---------------------------------------------------------------
@pytest.mark.parametrize("lang", LOCALES)
def test_a_wrong_answers_review_says_the_correct_one_and_why_without_its_right_opener(lang):
    from app.ui.widgets.quiz_view import review_reason
    from app.words import word

    lead = word("quiz.review.right_lead", lang)
    seen = 0
    for quiz in load_quizzes().values():
        run = QuizRun(quiz, seed=1)
        while (shown := run.current()) is not None:
            if shown.kind in (CHOICE, PREDICT) and not shown.explanation(lang):
                wrong = next(i for i in range(len(shown.labels(lang))) if i not in shown.right)
                run.answer(wrong)
                item = run.review_of(shown.number - 1, lang)
                reason = review_reason(item, lang)
                right_why = shown.why(lang, shown.right[0])
                assert not reason.startswith(lead) and f" {lead} " not in f" {reason} ", reason
                assert right_why.removeprefix(lead).strip() in reason  # why the correct one
                assert shown.why(lang, wrong) in reason  # and why the pick was wrong
                seen += 1
            elif shown.kind == PRACTICAL:
                run.submit_practical(False)
            else:
                run.skip()
            run.next()
    assert seen >= 3


def test_an_unsafe_misorder_scores_at_most_half_however_close_it_is(quizzes):
    """Production before approval (or terminate before drain) is one swap from right, which
    would earn 80%; a safety-critical misorder is capped at half."""
    for quiz_id, question_id, first, then in (("5.1", "pipeline-order", "approval", "production"),
                                              ("5.2.1", "procedure", "deregister-blue",
                                               "terminate-blue")):
        run = QuizRun(quizzes[quiz_id], seed=1)
        while (shown := run.current()).question.id != question_id:
            run.skip()
            run.next()
        right = list(shown.right)
        swapped = right[:]
        a, b = (shown.option_ids.index(first), shown.option_ids.index(then))
        i, j = swapped.index(a), swapped.index(b)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        assert order_credit(swapped, right) > 0.5  # what it would earn as any other swap
        assert run.answer(swapped).credit == 0.5
    run = QuizRun(quizzes["5.1"], seed=1)
    while (shown := run.current()).question.id != "pipeline-order":
        run.skip()
        run.next()
    harmless = list(shown.right)
    harmless[0], harmless[1] = harmless[1], harmless[0]  # build before commit: wrong, not unsafe
    assert run.answer(harmless).credit == order_credit(harmless, list(shown.right)) > 0.5


def test_a_critical_pair_must_name_steps_in_their_right_order(tmp_path):
    course = tmp_path / "lessons"
    shutil.copytree(COURSE_DIR, course)
    path = course / "quizzes" / "5.1.toml"
    text = path.read_text("utf-8")
    path.write_text(text.replace('["approval", "production"]', '["production", "approval"]'),
                    "utf-8")
    with pytest.raises(CourseFileError) as caught:
        load_quizzes(course)
    assert "critical" in str(caught.value) and "5.1.toml" in str(caught.value)


# --- numbers the quizzes quote come from the engine ----------------------------------------------
def test_quiz_words_quote_the_engines_defaults_by_name_not_typed():
    timings = {DEFAULT_FIGURES["deregistration_delay_s"], DEFAULT_FIGURES["health_interval_s"]}
    typed = re.compile(r"(?<![\d{])(" + "|".join(sorted(timings)) + r")(?= ?(s\b|초))")
    for lang in LOCALES:
        for path in sorted((COURSE_DIR / lang / "quizzes").glob("*.toml")):
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                assert not typed.search(line), f"{path.name}:{number} types a timing: {line}"
    run = QuizRun(load_quizzes()["5.2.1"], seed=1)
    seen = []
    while (shown := run.current()) is not None:
        seen.append(shown.prompt("en") + " ".join(shown.labels("ko")))
        run.skip()
        run.next()
    text = " ".join(seen)
    assert f"default, {DEFAULT_FIGURES['deregistration_delay_s']} s" in text
    assert f"{DEFAULT_FIGURES['health_interval_s']}초" in text and "{" not in text


def test_an_unknown_placeholder_in_any_question_is_a_check_error(tmp_path):
    course = tmp_path / "lessons"
    shutil.copytree(COURSE_DIR, course)
    path = course / "en" / "quizzes" / "5.2.1.toml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("{deregistration_delay_s} s is an upper bound",
                                 "{drain_s} s is an upper bound"), "utf-8")
    with pytest.raises(CourseFileError) as caught:
        load_quizzes(course)
    assert "{drain_s}" in str(caught.value) and "5.2.1.toml" in str(caught.value)
