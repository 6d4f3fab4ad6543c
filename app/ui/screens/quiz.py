"""Quiz mode: a section's quiz one question at a time, from the keyboard, then a scored review.

The screen renders what `models.quiz.QuizRun` computes (order, figures, credit, review) and
stores the finished attempt with `ProgressStore.record_quiz_attempt`: the score is the percent
of points (out of 100), since an ordering earns partial credit and the store keeps integers;
the answers are `QuizRun.as_dict()["answers"]`.

The practical question opens the practice screen and takes its grade back. The interface
(shared with app/screens/practice.py): `PracticeScreen(exercise, lang)` is pushed with a
callback; when the learner leaves it, it dismisses with the attempt's grade (anything with
`passed` and `score` out of 100, such as `models.grading.Grade`, or a `(passed, score)` pair),
or with None when there was no grade. No grade leaves the question open; `s` skips it (0).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.cells import cell_len
from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from app.ui.dialogs.leave_quiz import LeaveQuizScreen
from app.ui.dialogs.quiz_help import QuizHelpScreen
from app.ui.widgets.chart import ChartStyles, chart_lines, ideal_rows
from app.ui.widgets.chrome import (
    CourseHeader,
    KeyFooter,
    TooSmall,
    dismiss_once,
    preset_breakpoints,
)
from app.ui.widgets.palette import Palette
from app.ui.widgets.quiz_view import (
    MARKS,
    RIGHT,
    WRONG,
    OptionRow,
    QuizBar,
    RowState,
    hanging,
    review_renderable,
)
from app.words import points_text, word
from models.quiz import ORDER, PRACTICAL, PREDICT, Answer, Quiz, QuizRun, Shown

PRACTICE_OUT_OF = 100  # the grader scores an attempt out of 100
MAX_DIGIT_KEYS = 9

# Phases of the screen: what the keys do right now.
ASK, ARRANGE, PRACTICE, ANSWERED, END = "ask", "arrange", "practice", "answered", "end"

PracticeFactory = Callable[[str, str], Screen]


def practice_result(result: object) -> tuple[bool, float] | None:
    """(passed, score out of 100) from what the practice screen dismissed with, or None."""
    if result is None:
        return None
    if isinstance(result, tuple) and len(result) == 2:
        passed, score = result
    else:
        passed, score = getattr(result, "passed", None), getattr(result, "score", None)
    if not isinstance(passed, bool) or not isinstance(score, (int, float)):
        return None
    return passed, float(score)


def _key_bindings(phase: str, lang: str, *, count: int, grabbed: bool, last: bool) -> list:
    """The keys that work in `phase`, with footer words in `lang` (one footer entry a job)."""
    keys: list[Binding] = []
    if phase == ASK:
        for i in range(min(count, MAX_DIGIT_KEYS)):
            keys.append(Binding(str(i + 1), f"pick({i})", word("quiz.key.answer", lang),
                                show=i == 0, key_display=f"1-{min(count, MAX_DIGIT_KEYS)}"))
    if phase in (ASK, ARRANGE):
        keys += [Binding("up", "cursor(-1)", word("quiz.key.move", lang), key_display="↑↓"),
                 Binding("down", "cursor(1)", word("quiz.key.move", lang), show=False)]
    if phase == ASK:
        keys.append(Binding("enter", "choose", word("quiz.key.pick", lang)))
    elif phase == ARRANGE:
        keys += [Binding("space", "grab",
                         word("quiz.key.drop" if grabbed else "quiz.key.grab", lang)),
                 Binding("enter", "submit_order", word("quiz.key.submit", lang))]
    elif phase == PRACTICE:
        keys.append(Binding("enter", "open_practice", word("quiz.key.open", lang)))
    elif phase == ANSWERED:
        words = word("quiz.key.result" if last else "quiz.key.next", lang)
        keys += [Binding("enter", "next", words), Binding("right", "next", words, show=False),
                 Binding("n", "next", words, show=False)]
    if phase in (ANSWERED, END):
        keys += [Binding("up", "scroll(-1)", word("quiz.key.scroll", lang), key_display="↑↓"),
                 Binding("down", "scroll(1)", word("quiz.key.scroll", lang), show=False)]
    if phase in (ASK, ARRANGE, PRACTICE):
        keys.append(Binding("s", "skip", word("quiz.key.skip", lang)))
    if phase == END:
        keys.append(Binding("r", "retake", word("quiz.key.retake", lang)))
    keys += [Binding("pageup", "page(-1)", word("quiz.key.scroll", lang), show=False),
             Binding("pagedown", "page(1)", word("quiz.key.scroll", lang), show=False),
             Binding("l", "app.switch_lang", word("quiz.key.lang", lang)),
             Binding("question_mark", "help", word("quiz.key.help", lang)),
             Binding("escape", "leave",
                     word("quiz.key.back" if phase == END else "quiz.key.leave", lang))]
    return keys


class QuizScreen(Screen):
    """One sitting of a section's quiz; Escape goes back to where it was opened from.

    `seed` fixes the order of questions and options (tests pass one); by default it is the
    learner's attempt number for this quiz, so a retake comes in a different order.
    """

    DEFAULT_CSS = """
    QuizScreen #quiz-body { height: 1fr; padding: 1 2 0 2; }
    QuizScreen.-w-narrow #quiz-body { padding: 1 1 0 1; }
    QuizScreen.-h-short Header { display: none; }
    QuizScreen #quiz-prompt { text-style: bold; margin-bottom: 1; }
    QuizScreen #quiz-how { color: $text-muted; margin-bottom: 1; }
    QuizScreen #quiz-result { text-style: bold; margin-bottom: 1; display: none; }
    QuizScreen #quiz-result.-shown { display: block; }
    QuizScreen #quiz-result.-right { color: $text-success; }
    QuizScreen #quiz-result.-wrong { color: $text-error; }
    QuizScreen #quiz-options { height: auto; }
    QuizScreen #quiz-after { margin-top: 1; }
    QuizScreen #quiz-review { display: none; }
    QuizScreen.-ended #quiz-review { display: block; }
    QuizScreen.-ended #quiz-question { display: none; }
    QuizScreen #quiz-question { height: auto; }
    QuizScreen .quiz-styles--right { color: $text-success; text-style: bold; }
    QuizScreen .quiz-styles--wrong { color: $text-error; text-style: bold; }
    QuizScreen .quiz-styles--why { color: $text-muted; }
    QuizScreen .quiz-styles--tag { text-style: bold; }
    """
    COMPONENT_CLASSES = {"quiz-styles--right", "quiz-styles--wrong", "quiz-styles--why",
                         "quiz-styles--tag"}

    def __init__(self, quiz: Quiz, *, seed: int | None = None,
                 practice_screen: PracticeFactory | None = None):
        super().__init__()
        self.quiz = quiz
        self.requested_seed = seed
        self._practice_screen = practice_screen
        self.run = QuizRun(quiz, seed if seed is not None else 1)
        self.cursor = 0
        self.arrangement: list[int] = []  # ordering: display indices as currently arranged
        self.grabbed_from: int | None = None  # ordering: where the held step was picked up
        self.practice_note = ""  # a line under a practical that came back without a grade
        self.awaiting_practice = False
        self.started_at = 0.0
        self.saved_as: int | None = None  # the attempt number the store now holds
        self.not_saved = None  # the store's NotSaved when the finished attempt was not saved
        self._rows_for: int | None = None  # the position whose option rows are mounted

    # --- building ------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.app.lang

    def compose(self) -> ComposeResult:
        preset_breakpoints(self)
        yield CourseHeader(show_clock=False, icon="◆")
        yield QuizBar(id="quiz-bar")
        with VerticalScroll(id="quiz-body", can_focus=False):
            with Vertical(id="quiz-question"):
                yield Static(id="quiz-prompt")
                yield Static(id="quiz-how")
                yield Static(id="quiz-result")
                yield Vertical(id="quiz-options")
                yield Static(id="quiz-after")
            yield Static(id="quiz-review")
        yield KeyFooter(show_command_palette=False)  # the keys need the room at 80 columns
        yield TooSmall()

    async def on_mount(self) -> None:
        if self.requested_seed is None:
            self.run = QuizRun(self.quiz, self.default_seed())
        await self.start()

    def default_seed(self) -> int:
        """This learner's attempt number at this quiz: each sitting gets its own order."""
        return len(self.app.store.quiz_attempts(self.quiz.id)) + 1

    def on_resize(self) -> None:
        self.query_one(TooSmall).show_size(self.app.size.width, self.app.size.height)

    async def start(self) -> None:
        self.started_at = time.time()
        self.saved_as = None
        self.not_saved = None
        self.remove_class("-ended")
        await self.enter_question()

    # --- where we are --------------------------------------------------------------------
    @property
    def shown(self) -> Shown | None:
        return self.run.current()

    @property
    def answer(self) -> Answer | None:
        return None if self.run.finished else self.run.answer_at(self.run.position)

    @property
    def phase(self) -> str:
        shown = self.shown
        if shown is None:
            return END
        if self.run.answered:
            return ANSWERED
        return {ORDER: ARRANGE, PRACTICAL: PRACTICE}.get(shown.kind, ASK)

    @property
    def midway(self) -> bool:
        """Whether leaving now would throw away answers (the quiz is started and not over)."""
        return not self.run.finished and (self.run.position > 0 or self.run.answered)

    async def enter_question(self) -> None:
        """Lay out the current question (or the end): mount its option rows, then draw."""
        shown = self.shown
        self.cursor = 0
        self.grabbed_from = None
        self.practice_note = ""
        self.arrangement = list(range(len(shown.option_ids))) if shown else []
        if shown is None:
            await self.finish()
            return
        position = self.run.position
        if self._rows_for != position:
            box = self.query_one("#quiz-options", Vertical)
            await box.remove_children()
            width = cell_len(str(len(shown.option_ids))) + 3
            await box.mount_all([OptionRow(i, width) for i in range(len(shown.option_ids))])
            self._rows_for = position
        self.redraw()
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)

    # --- drawing -------------------------------------------------------------------------
    def styles_for_text(self) -> dict[str, object]:
        return {RIGHT: self.get_component_rich_style("quiz-styles--right"),
                WRONG: self.get_component_rich_style("quiz-styles--wrong"),
                "why": self.get_component_rich_style("quiz-styles--why"),
                "tag": self.get_component_rich_style("quiz-styles--tag")}

    def redraw(self) -> None:
        """Draw everything from the run's state in the current language; set the keys."""
        phase = self.phase
        lang = self.lang
        shown = self.shown
        self._bind(phase)
        self.set_class(phase == END, "-ended")
        self._draw_bar(shown)
        if shown is None:
            self._draw_review()
            return
        self.query_one("#quiz-prompt", Static).update(Text(shown.prompt(lang)))
        self.query_one("#quiz-how", Static).update(self._how(shown, phase))
        self.query_one("#quiz-how", Static).display = phase != ANSWERED
        self._draw_result(shown)
        self._draw_rows(shown, phase)
        self._draw_after(shown, phase)

    def _bind(self, phase: str) -> None:
        shown = self.shown
        count = len(shown.option_ids) if shown else 0
        last = self.run.position >= self.run.total - 1
        self._bindings = BindingsMap(_key_bindings(phase, self.lang, count=count,
                                                   grabbed=self.grabbed_from is not None,
                                                   last=last))
        if self.is_mounted:
            self.refresh_bindings()

    def _draw_bar(self, shown: Shown | None) -> None:
        lang = self.lang
        left = f"{word('quiz.bar.quiz', lang)} · {self.quiz.id} {self.quiz.title(lang)}"
        if shown is None:
            right = word("quiz.bar.done", lang)
            progress = ""
        else:
            right = (word("quiz.bar.counter", lang, k=shown.number, n=shown.total) + " · "
                     + word(f"quiz.kind.{shown.kind}", lang))
            progress = "".join(self._dot(i) for i in range(self.run.total))
        self.query_one(QuizBar).show(left, right, progress)

    def _dot(self, position: int) -> str:
        answer = self.run.answer_at(position)
        if answer is None:
            return "●" if position == self.run.position else "○"
        return MARKS[RIGHT] if answer.correct else MARKS[WRONG]

    def _how(self, shown: Shown, phase: str) -> Text:
        lang = self.lang
        count = len(shown.option_ids)
        if phase == ARRANGE and self.grabbed_from is not None:
            held = shown.labels(lang)[self.arrangement[self.cursor]]
            return Text(word("quiz.how.holding", lang, step=held), style="bold")
        if phase == PRACTICE:
            title = self.app.exercise_title(shown.question.exercise, lang)
            text = Text(word("quiz.practical.exercise", lang, exercise=title) + "\n", style="bold")
            text.append(word("quiz.how.practical", lang))
            if self.practice_note:
                text.append("\n\n" + self.practice_note, style="bold")
            return text
        key = {ARRANGE: "quiz.how.order"}.get(phase, f"quiz.how.{shown.kind}")
        return Text(word(key, lang, n=count))

    def _draw_result(self, shown: Shown) -> None:
        result = self.query_one("#quiz-result", Static)
        answer = self.answer
        result.set_class(answer is not None, "-shown")
        result.set_class(bool(answer and answer.correct), "-right")
        result.set_class(bool(answer and not answer.correct and not answer.skipped), "-wrong")
        if answer is None:
            result.update("")
            return
        result.update(Text(self._verdict(shown, answer)))

    def _verdict(self, shown: Shown, answer: Answer) -> str:
        lang = self.lang
        if answer.skipped:
            return word("quiz.result.skipped", lang)
        if shown.kind == PRACTICAL:
            score = round(PRACTICE_OUT_OF * answer.score) if answer.score is not None else (
                PRACTICE_OUT_OF if answer.passed else 0)
            key = "quiz.result.passed" if answer.passed else "quiz.result.failed"
            return word(key, lang, score=score, points=points_text(answer.credit))
        if shown.kind == ORDER:
            if answer.correct:
                return word("quiz.result.order_right", lang)
            return word("quiz.result.order_wrong", lang, points=points_text(answer.credit))
        if answer.correct:
            return word("quiz.result.right", lang)
        return word("quiz.result.wrong", lang, n=shown.right[0] + 1)

    def _draw_rows(self, shown: Shown, phase: str) -> None:
        rows = list(self.query(OptionRow))
        for row, state in zip(rows, self._row_states(shown, phase), strict=False):
            row.set_state(state)

    def _row_states(self, shown: Shown, phase: str) -> list[RowState]:
        lang = self.lang
        labels = shown.labels(lang)
        answer = self.answer
        if phase == ASK:
            return [RowState(i + 1, label, cursor=i == self.cursor)
                    for i, label in enumerate(labels)]
        if phase == ARRANGE:
            held = self.grabbed_from is not None
            return [RowState(at + 1, labels[index], cursor=at == self.cursor and not held,
                             grabbed=at == self.cursor and held)
                    for at, index in enumerate(self.arrangement)]
        if answer is None:
            return []
        if shown.kind == ORDER:
            if answer.skipped:
                return [RowState(at + 1, labels[index])
                        for at, index in enumerate(self.arrangement)]
            states = []
            for at, index in enumerate(answer.given):
                placed = shown.right[at] == index
                states.append(RowState(at + 1, labels[index], mark=RIGHT if placed else WRONG,
                                       tag=word("quiz.tag.placed" if placed
                                                else "quiz.tag.misplaced", lang)))
            return states
        states = []
        for i, label in enumerate(labels):
            is_right = i in shown.right
            chosen = i in answer.given
            tags = [word("quiz.tag.yours", lang)] if chosen else []
            if is_right:
                tags.append(word("quiz.tag.right", lang))
            mark = RIGHT if is_right else WRONG if chosen else ""
            states.append(RowState(i + 1, label, mark=mark, tag=" · ".join(tags),
                                   why=shown.why(lang, i)))
        return states

    def _draw_after(self, shown: Shown, phase: str) -> None:
        after = self.query_one("#quiz-after", Static)
        after.display = phase == ANSWERED
        if phase != ANSWERED:
            after.update("")
            return
        lang = self.lang
        styles = self.styles_for_text()
        parts = Text()
        table = None
        if shown.kind == ORDER:
            parts.append(word("quiz.heading.right_order", lang) + "\n", style="bold")
            labels = shown.labels(lang)
            table = hanging(cell_len(str(len(labels))) + 1)
            for at, index in enumerate(shown.right):
                body = Text(labels[index])
                why = shown.why(lang, index)
                if why:
                    body.append("\n" + why, style=styles["why"])
                table.add_row(f"{at + 1}.", body)
        run = self._run_block(shown, after.content_size.width or 76) \
            if shown.kind == PREDICT else None
        explanation = shown.explanation(lang)
        tail = Text()
        if explanation:
            tail.append(word("quiz.heading.explanation", lang) + "\n", style="bold")
            tail.append(explanation + "\n\n")
        last = self.run.position >= self.run.total - 1
        tail.append(word("quiz.next.result" if last else "quiz.next.question", lang),
                    style=styles["tag"])
        pieces = [parts, table, Text(""), tail] if table is not None else [tail]
        if run is not None:
            pieces[-1:-1] = [run, Text("")]
        after.update(Group(*pieces))

    def _run_block(self, shown: Shown, width: int) -> Group:
        """A prediction, answered: the run its answer was computed from, in figures and the
        capacity chart the stage draws (versions serving, failures, p95, time)."""
        lang = self.lang
        values = shown.values
        spec = shown.question.run
        head = Text()
        head.append(word("quiz.heading.run", lang) + "\n", style="bold")
        key = "quiz.run.params_batch" if spec.strategy == "in-place" else "quiz.run.params"
        head.append(word(key, lang, strategy=word(f"strategy.{spec.strategy}", lang),
                         servers=values["servers"], batch=values["batch"], rps=values["rps"])
                    + "\n")
        head.append(word("quiz.run.figures", lang, requests=values["requests"],
                         failed=values["failed"], min_serving=values["min_serving"],
                         max_instances=values["max_instances"],
                         downtime_s=values["downtime_s"], duration_s=values["duration_s"]))
        lines: list[Text] = []
        if shown.run_timeline is not None:
            styles = ChartStyles.of(Palette.for_theme(self.app.current_theme.dark))
            tl = shown.run_timeline
            for line in chart_lines(tl, max(20, width), ideal_rows(tl.top) + 5, styles, lang):
                text = Text(no_wrap=True, overflow="crop")
                for segment in line:
                    text.append(segment.text, segment.style)
                lines.append(text)
        return Group(head, *lines)

    def _draw_review(self) -> None:
        lang = self.lang
        score = self.run.score()
        head = Text()
        head.append(word("quiz.end.title", lang) + "\n", style="bold")
        head.append(word("quiz.end.score", lang, points=points_text(score.points),
                        possible=score.possible, percent=score.percent,
                        correct=score.correct) + "\n", style="bold")
        if self.saved_as is not None:
            head.append(word("quiz.end.saved", lang, n=self.saved_as) + "\n")
        elif self.not_saved is not None:
            head.append(word("quiz.end.not_saved", lang, error=self.not_saved.text(lang)) + "\n",
                        style="bold red")
        head.append(word("quiz.end.hint", lang) + "\n\n", style=self.styles_for_text()["why"])
        head.append(word("quiz.end.review", lang) + "\n", style="bold underline")
        review = review_renderable(self.run.review(lang), lang, self.styles_for_text())
        self.query_one("#quiz-review", Static).update(Group(head, review))

    def _show_cursor(self) -> None:
        rows = list(self.query(OptionRow))
        if 0 <= self.cursor < len(rows):
            self.query_one("#quiz-body", VerticalScroll).scroll_to_widget(
                rows[self.cursor], animate=False)

    # --- answering -----------------------------------------------------------------------
    def action_pick(self, index: int) -> None:
        if self.phase != ASK or not 0 <= index < len(self.shown.option_ids):
            return
        self.cursor = index
        self.run.answer(index)
        self.redraw()
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)

    def action_choose(self) -> None:
        self.action_pick(self.cursor)

    def on_option_row_clicked(self, event: OptionRow.Clicked) -> None:
        if self.phase == ASK:
            self.action_pick(event.index)
        elif self.phase == ARRANGE and self.grabbed_from is None:
            self.cursor = event.index
            self.redraw()

    def action_cursor(self, step: int) -> None:
        shown = self.shown
        if shown is None or self.phase not in (ASK, ARRANGE):
            return
        target = max(0, min(len(shown.option_ids) - 1, self.cursor + step))
        if self.phase == ARRANGE and self.grabbed_from is not None:
            items = self.arrangement
            items[self.cursor], items[target] = items[target], items[self.cursor]
        self.cursor = target
        self.redraw()
        self._show_cursor()

    def action_grab(self) -> None:
        if self.phase != ARRANGE:
            return
        self.grabbed_from = self.cursor if self.grabbed_from is None else None
        self.redraw()

    def action_submit_order(self) -> None:
        if self.phase != ARRANGE:
            return
        self.grabbed_from = None
        self.run.answer(list(self.arrangement))
        self.redraw()
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)

    def action_skip(self) -> None:
        if self.phase in (ASK, ARRANGE, PRACTICE):
            self.grabbed_from = None
            self.run.skip()
            self.redraw()

    async def action_next(self) -> None:
        if self.phase != ANSWERED:
            return
        self.run.next()
        await self.enter_question()

    # --- the practical -------------------------------------------------------------------
    def practice_factory(self) -> PracticeFactory:
        """The screen a practical opens: the one given (tests), else practice mode's."""
        if self._practice_screen is not None:
            return self._practice_screen
        from app.ui.screens.practice import PracticeScreen

        return PracticeScreen

    def action_open_practice(self) -> None:
        shown = self.shown
        if self.phase != PRACTICE:
            return
        factory = self.practice_factory()
        if self.app.exercises_or_note() is None:
            return  # the exercise files are broken; the app has said so
        self.awaiting_practice = True
        self.practice_note = ""
        screen = factory(shown.question.exercise, self.lang)
        screen.exercise_locked = True  # the grade must be for this question's exercise
        screen.exam = True  # a question is an exam: no coaching until the grade
        self.app.push_screen(screen, callback=self.take_grade)

    def take_grade(self, result: object) -> None:
        """The practice screen's result: a grade counts for the question; nothing leaves it open."""
        self.awaiting_practice = False
        grade = practice_result(result)
        if self.phase != PRACTICE:
            return
        if grade is None:
            self.practice_note = word("quiz.practical.no_grade", self.lang)
        else:
            passed, score = grade
            self.run.submit_practical(passed, score, PRACTICE_OUT_OF)
        self.redraw()

    def on_screen_resume(self) -> None:
        # Back from the practice screen without a dismiss result (it was popped).
        if self.awaiting_practice:
            self.take_grade(None)

    # --- the end -------------------------------------------------------------------------
    async def finish(self) -> None:
        """Score the sitting, store it, and show the review."""
        if self.saved_as is None and self.not_saved is None:
            from app.store import NotSaved

            finished_at = time.time()
            score = self.run.score()
            store = self.app.store
            try:
                store.record_quiz_attempt(self.quiz.id, self.run.as_dict()["answers"],
                                          score.percent, 100, self.started_at, finished_at)
            except NotSaved as err:  # kept by the store; never claim a save that did not happen
                self.not_saved = err
                self.app.tell_not_saved(err)
            else:
                self.saved_as = len(store.quiz_attempts(self.quiz.id))
        self._rows_for = None
        await self.query_one("#quiz-options", Vertical).remove_children()
        self.redraw()
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)

    async def action_retake(self) -> None:
        if self.phase != END:
            return
        self.run = QuizRun(self.quiz, self.run.seed + 1)
        await self.start()

    # --- moving about --------------------------------------------------------------------
    def action_scroll(self, step: int) -> None:
        body = self.query_one("#quiz-body", VerticalScroll)
        body.scroll_relative(y=step * 2, animate=False)

    def action_page(self, step: int) -> None:
        body = self.query_one("#quiz-body", VerticalScroll)
        if step < 0:
            body.scroll_page_up(animate=False)
        else:
            body.scroll_page_down(animate=False)

    def action_leave(self) -> None:
        if self.phase == ARRANGE and self.grabbed_from is not None:
            self._put_back()
            return
        if not self.midway:
            dismiss_once(self)
            return

        def leave(confirmed: bool | None) -> None:
            if confirmed:
                dismiss_once(self)

        self.app.push_screen(LeaveQuizScreen(self.lang), callback=leave)

    def _put_back(self) -> None:
        """Escape while holding a step: it goes back where it was picked up."""
        held = self.arrangement.pop(self.cursor)
        self.arrangement.insert(self.grabbed_from, held)
        self.cursor, self.grabbed_from = self.grabbed_from, None
        self.redraw()
        self._show_cursor()

    def action_help(self) -> None:
        self.app.push_screen(QuizHelpScreen(self.lang))

    def apply_lang(self) -> None:
        """Re-word the screen in the app's language; the question and the answer stay put."""
        self.redraw()
