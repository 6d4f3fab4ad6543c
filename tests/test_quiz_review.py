"""Quiz review fixes (issue 11): Korean lines never break inside a word, at 80 and 100
columns; an answered prediction shows the run its answer was computed from."""

from __future__ import annotations

import re

import pytest
from textual.geometry import Region

from app.ui.screens.quiz import QuizScreen
from app.ui.widgets.quiz_view import review_reason
from app.words import rendered, word
from models.quiz import ORDER, PRACTICAL, PREDICT
from tests.support import loaded_quizzes, new_app, settle

QUIZZES = loaded_quizzes()
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def widget_lines(widget) -> list[str]:
    """A widget's whole content as drawn, row by row (also what is scrolled out of view)."""
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return ["".join(segment.text for segment in strip).rstrip() for strip in strips]


def answer_all_wrong(run) -> None:
    """The review with the most in it: every choice and prediction wrong ("Correct answer"
    and both reasons), every ordering reversed, the practical failed."""
    while not run.finished:
        shown = run.current()
        if shown.kind == ORDER:
            run.answer(list(reversed(shown.right)))
        elif shown.kind == PRACTICAL:
            run.submit_practical(False, 40, 100)
        else:
            run.answer(next(i for i in range(len(shown.option_ids)) if i not in shown.right))
        run.next()


def words_split(lines: list[str], texts: list[str]) -> list[tuple[str, str]]:
    """Line breaks that fall inside a word of `texts`: the end of one line and the start of
    the next run together, with no space, somewhere in the texts."""
    joined = "\n".join(" ".join(t.split()) for t in texts)
    split = []
    for above, below in zip(lines, lines[1:], strict=False):
        end, start = above.rstrip(), below.strip()
        if not end or not start or not HANGUL.search(end[-1] + start[0]):
            continue
        tail, head = end.split()[-1][-3:], start.split()[0][:3]
        if tail + head in joined and f"{tail} {head}" not in joined:
            split.append((end[-12:], start[:12]))
    return split


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_the_korean_review_never_breaks_a_word(size):
    app = new_app(lang="ko", instant=True)
    async with app.run_test(size=size) as pilot:
        for quiz in QUIZZES.values():
            screen = QuizScreen(quiz, seed=1)
            await app.push_screen(screen)
            await pilot.pause()
            answer_all_wrong(screen.run)
            await screen.finish()
            await pilot.pause()
            review = screen.query_one("#quiz-review")
            # The body's padding and scroll bar: the width tested (a busy machine may need
            # more than one pause for the second layout, once the scroll bar appears).
            await settle(pilot, lambda view=review: view.size.width == size[0] - 4,
                         "the review's width")
            lines = widget_lines(review)
            texts = []
            for item in screen.run.review("ko"):
                texts += [item.prompt, review_reason(item, "ko"),
                          *rendered(item.your_answer, "ko"), *rendered(item.right_answer, "ko")]
            assert len(lines) > len(screen.run.questions) * 3
            assert any(HANGUL.search(line) for line in lines)
            assert words_split(lines, texts) == [], quiz.id
            app.pop_screen()
            await pilot.pause()


def test_the_split_finder_finds_a_word_cut_in_two():
    text = "새 버전이 올라간 다음에 다시 넣고, 정상이 될 때까지 기다립니다."
    folded = ["새 버전이 올라", "간 다음에 다시"]
    assert words_split(folded, [text]) == [("새 버전이 올라", "간 다음에 다시")]
    assert words_split(["새 버전이 올라간", "다음에 다시"], [text]) == []


async def test_an_answered_prediction_shows_the_run_it_was_computed_from():
    quiz = QUIZZES["5.1.2"]
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=(100, 36)) as pilot:
        screen = QuizScreen(quiz, seed=1)
        await app.push_screen(screen)
        await pilot.pause()
        while screen.shown.kind != PREDICT:
            screen.action_skip()
            await screen.action_next()
            await pilot.pause()
        shown = screen.shown
        heading = word("quiz.heading.run", "en")
        assert heading not in "\n".join(widget_lines(screen.query_one("#quiz-question")))
        screen.action_pick(shown.right[0])
        await pilot.pause()
        lines = widget_lines(screen.query_one("#quiz-after"))
        text = "\n".join(lines)
        values = shown.values
        assert heading in text
        assert word("quiz.run.figures", "en", **{k: values[k] for k in (
            "requests", "failed", "min_serving", "max_instances", "downtime_s",
            "duration_s")}) in " ".join(text.split())
        # the stage's chart of that very run: its capacity axis, time axis and versions
        assert any(line.lstrip().startswith(word("chart.capacity", "en")) for line in lines)
        assert "v101" in text and "v102" in text and "1:00" in text
