"""The quiz screen's own words in Korean and English (the questions themselves live in lessons/)."""

from __future__ import annotations

QUIZ_STRINGS: dict[str, dict[str, str]] = {
    # --- the bar above the question ------------------------------------------------------
    "bar.quiz": {"ko": "퀴즈", "en": "Quiz"},
    "bar.counter": {"ko": "{k}/{n}번 문제", "en": "Question {k} of {n}"},
    "bar.done": {"ko": "결과", "en": "Result"},
    "kind.choice": {"ko": "객관식", "en": "multiple choice"},
    "kind.order": {"ko": "순서 맞추기", "en": "put in order"},
    "kind.predict": {"ko": "결과 예측", "en": "prediction"},
    "kind.practical": {"ko": "실습", "en": "hands-on"},
    # --- how to answer, under the prompt -------------------------------------------------
    "how.choice": {"ko": "숫자 키 1–{n} 중 하나를 눌러 답하세요. ↑↓로 고른 뒤 Enter를 눌러도 "
                         "됩니다.",
                   "en": "Press 1–{n} to answer, or move with ↑↓ and press Enter."},
    "how.predict": {"ko": "엔진이 방금 이 조건으로 배포를 실행해 정답을 구했습니다. "
                          "숫자 키 1–{n} 중 하나를 눌러 답하세요. ↑↓로 고른 뒤 Enter를 눌러도 "
                          "됩니다.",
                    "en": "The engine has just run this deployment to work out the answer. "
                          "Press 1–{n}, or move with ↑↓ and press Enter."},
    "how.order": {"ko": "↑↓로 단계를 고르고 Space로 집으세요. 집은 단계는 ↑↓로 옮기고 Space로 "
                        "내려놓습니다. 순서가 다 맞았다 싶으면 Enter로 제출하세요.",
                  "en": "Move to a step with ↑↓ and press Space to pick it up; ↑↓ then moves it "
                        "and Space puts it down. When the order looks right, press Enter."},
    "how.holding": {"ko": "옮기는 중 ↕ {step} · ↑↓ 자리 옮기기 · Space 내려놓기",
                    "en": "Moving ↕ {step} · ↑↓ moves it · Space puts it down"},
    "how.practical": {"ko": "Enter를 누르면 실습 화면이 열립니다. 실습에서 채점받은 결과가 이 "
                            "문제의 점수가 됩니다. 건너뛰려면 s를 누르세요(0점).",
                      "en": "Press Enter to open the exercise; the grade you get there is this "
                            "question's score. Press s to skip it (0 points)."},
    "practical.exercise": {"ko": "실습 과제: {exercise}", "en": "Exercise: {exercise}"},
    "practical.unavailable": {"ko": "이 설치본에는 실습 화면이 없어 이 문제는 건너뛸 수밖에 "
                                    "없습니다. s를 누르세요(0점).",
                              "en": "Practice mode is not part of this installation, so this "
                                    "question can only be skipped: press s (0 points)."},
    "practical.no_grade": {"ko": "채점을 받지 않고 실습 화면을 나왔습니다. Enter로 다시 열거나 "
                                 "s로 건너뛰세요.",
                           "en": "You left the exercise without a grade. Press Enter to open "
                                 "it again, or s to skip."},
    # --- after answering -----------------------------------------------------------------
    "result.right": {"ko": "✓ 정답입니다.", "en": "✓ Right."},
    "result.wrong": {"ko": "✗ 틀렸습니다. 정답은 {n}번입니다.",
                     "en": "✗ Wrong. The right answer is number {n}."},
    "result.order_right": {"ko": "✓ 모든 단계가 제자리에 있습니다.",
                           "en": "✓ Every step is in its place."},
    "result.order_wrong": {"ko": "✗ 순서가 맞지 않습니다. 부분 점수 {points}점(1점 만점).",
                           "en": "✗ Not the right order. Partial credit: {points} of 1 point."},
    "result.passed": {"ko": "✓ 실습을 통과했습니다({score}/100점).",
                      "en": "✓ You passed the exercise ({score}/100)."},
    "result.failed": {"ko": "✗ 실습을 통과하지 못했습니다({score}/100점). 이 문제는 {points}점.",
                      "en": "✗ The exercise did not pass ({score}/100): {points} of 1 point."},
    "result.skipped": {"ko": "– 건너뛰었습니다(0점).", "en": "– Skipped (0 points)."},
    "tag.right": {"ko": "정답", "en": "right answer"},
    "tag.yours": {"ko": "내 답", "en": "your answer"},
    "tag.placed": {"ko": "제자리", "en": "in place"},
    "tag.misplaced": {"ko": "자리가 틀림", "en": "out of place"},
    "heading.your_order": {"ko": "제출한 순서", "en": "Your order"},
    "heading.right_order": {"ko": "올바른 순서와 그 이유", "en": "The right order, and why"},
    "heading.explanation": {"ko": "해설", "en": "Explanation"},
    "next.question": {"ko": "Enter나 →를 누르면 다음 문제로 넘어갑니다.",
                      "en": "Press Enter or → for the next question."},
    "next.result": {"ko": "Enter나 →를 누르면 결과를 봅니다.",
                    "en": "Press Enter or → to see your score."},
    # --- the end -------------------------------------------------------------------------
    "end.title": {"ko": "퀴즈 결과", "en": "Your result"},
    "end.score": {"ko": "{points}/{possible}점 ({percent}%) · {possible}문제 중 {correct}문제 정답",
                  "en": "{points} of {possible} points ({percent}%) · {correct} of {possible} "
                        "right"},
    "end.saved": {"ko": "진도 기록에 저장했습니다({n}번째 응시).",
                  "en": "Saved to your progress (attempt {n})."},
    "end.review": {"ko": "문제별로 돌아보기", "en": "Question by question"},
    "end.yours": {"ko": "내 답", "en": "Your answer"},
    "end.right": {"ko": "정답", "en": "Right answer"},
    "end.points": {"ko": "{points}점", "en": "{points} pt"},
    "end.hint": {"ko": "↑↓ PgUp PgDn 스크롤 · r 다시 풀기(문제 순서가 바뀝니다) · Esc 돌아가기",
                 "en": "↑↓ PgUp PgDn scroll · r take it again (in a new order) · Esc back"},
    # --- keys (footer and help) ----------------------------------------------------------
    "key.answer": {"ko": "답하기", "en": "Answer"},
    "key.move": {"ko": "이동", "en": "Move"},
    "key.pick": {"ko": "고르기", "en": "Pick"},
    "key.grab": {"ko": "집기", "en": "Pick up"},
    "key.drop": {"ko": "내려놓기", "en": "Put down"},
    "key.submit": {"ko": "제출", "en": "Submit"},
    "key.next": {"ko": "다음", "en": "Next"},
    "key.result": {"ko": "결과 보기", "en": "Score"},
    "key.open": {"ko": "실습 열기", "en": "Open exercise"},
    "key.skip": {"ko": "건너뛰기", "en": "Skip"},
    "key.scroll": {"ko": "스크롤", "en": "Scroll"},
    "key.retake": {"ko": "다시 풀기", "en": "Retake"},
    "key.leave": {"ko": "나가기", "en": "Leave"},
    "key.back": {"ko": "돌아가기", "en": "Back"},
    "key.lang": {"ko": "English", "en": "한국어"},
    "key.help": {"ko": "도움말", "en": "Help"},
    # --- leaving mid-quiz ----------------------------------------------------------------
    "leave.title": {"ko": "퀴즈를 그만둘까요?", "en": "Leave the quiz?"},
    "leave.body": {"ko": "지금까지 고른 답은 저장되지 않습니다.",
                   "en": "The answers you have given so far will not be saved."},
    "leave.keys": {"ko": "y 또는 Enter: 나가기 · n 또는 Esc: 계속 풀기",
                   "en": "y or Enter: leave · n or Esc: keep going"},
    # --- help ----------------------------------------------------------------------------
    "help.title": {"ko": "퀴즈 키 안내", "en": "Quiz keys"},
    "help.digits": {"ko": "그 번호의 보기로 답하기", "en": "answer with that option"},
    "help.arrows": {"ko": "보기 사이 이동 · 답한 뒤에는 스크롤",
                    "en": "move between options · scroll once answered"},
    "help.enter": {"ko": "고른 보기로 답하기 · 순서 제출 · 다음 문제",
                   "en": "answer with the highlighted option · submit an order · next question"},
    "help.space": {"ko": "순서 맞추기: 단계를 집고 내려놓기 (집은 동안 ↑↓로 옮김)",
                   "en": "ordering: pick a step up or put it down (↑↓ moves it meanwhile)"},
    "help.skip": {"ko": "이 문제 건너뛰기 (0점)", "en": "skip this question (0 points)"},
    "help.pages": {"ko": "해설과 결과 스크롤", "en": "scroll explanations and the review"},
    "help.retake": {"ko": "결과 화면에서: 새 순서로 다시 풀기",
                    "en": "on the result: take the quiz again in a new order"},
    "help.lang": {"ko": "한국어 ↔ English (지금 문제 유지)",
                  "en": "English ↔ 한국어 (stays on this question)"},
    "help.leave": {"ko": "퀴즈 나가기 (푸는 중이면 먼저 묻습니다)",
                   "en": "leave the quiz (asks first if you are midway)"},
    "help.marks": {"ko": "✓ 정답·제자리 · ✗ 오답·자리 틀림 · › 지금 고른 보기 · ↕ 옮기는 단계",
                   "en": "✓ right or in place · ✗ wrong or out of place · › highlighted · "
                         "↕ being moved"},
    "help.dismiss": {"ko": "아무 키나 누르면 닫힙니다.", "en": "Press any key to close."},
    # --- opening a quiz ------------------------------------------------------------------
    "open.none": {"ko": "{id} 절에는 퀴즈가 없습니다.", "en": "Section {id} has no quiz."},
    "open.broken": {"ko": "퀴즈 파일에 문제가 있어 열 수 없습니다: {error}",
                    "en": "The quiz files are broken, so the quiz cannot open: {error}"},
}


def qtr(key: str, lang: str, **params: object) -> str:
    """The quiz string `key` in `lang`, formatted; a missing key shows itself (never crashes)."""
    entry = QUIZ_STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**params) if params else text


def points_text(points: float) -> str:
    """A score as people write it: 1, 0.8, 3.5 (one decimal at most, no trailing .0)."""
    value = round(points, 1)
    return str(int(value)) if value.is_integer() else f"{value:g}"
