"""Practice mode's own words (console, panels, grade, picker, dialogs) in Korean and English."""

from __future__ import annotations

from app.words import tr

STRINGS: dict[str, dict[str, str]] = {
    # --- the screen's top line -----------------------------------------------------------
    "bar.practice": {"ko": "실습", "en": "Practice"},
    "bar.ready": {"ko": "명령 {n}개 · 다음 명령을 기다립니다", "en": "{n} commands · waiting for yours"},
    "bar.running": {"ko": "▶ 실행 중: {command} · ×{speed}", "en": "▶ running: {command} · ×{speed}"},
    "bar.demo": {"ko": "참고 풀이 재생 중", "en": "playing the reference solution"},
    "bar.passed": {"ko": "✓ 통과 {score}/100", "en": "✓ passed {score}/100"},
    "bar.failed": {"ko": "✗ 미통과 {score}/100", "en": "✗ not passed {score}/100"},
    "bar.replay": {"ko": "다시 보기 {k}/{n} · 시각 {t}", "en": "replay {k}/{n} · t {t}"},
    # --- panels ----------------------------------------------------------------------------
    "goal.heading": {"ko": "목표", "en": "Goal"},
    "hint.heading": {"ko": "힌트 {k}/{n}", "en": "Hint {k} of {n}"},
    "hint.none": {"ko": "막히면 힌트를 보세요(h). 한 번에 한 단계씩 열립니다.",
                  "en": "Stuck? Ask for a hint (h); they open one tier at a time."},
    "hint.all": {"ko": "힌트를 모두 보았습니다.", "en": "That was the last hint."},
    "log.heading": {"ko": "기록", "en": "Log"},
    "actions.heading": {"ko": "버튼으로 명령 만들기", "en": "Build a command with buttons"},
    "grade.heading": {"ko": "채점 결과", "en": "Grade"},
    "attempt.heading": {"ko": "내 시도", "en": "Your attempt"},
    "attempt.empty": {"ko": "(명령 없음)", "en": "(no commands)"},
    "attempt.cause": {"ko": "◀ {labels}", "en": "◀ {labels}"},
    "attempt.here": {"ko": "▶", "en": "▶"},
    "eff.heading": {"ko": "효율", "en": "Efficiency"},
    "eff.commands": {"ko": "명령 수: {n}개 (참고 풀이 {ref}개)",
                     "en": "Commands: {n} (the reference uses {ref})"},
    "eff.time": {"ko": "걸린 시간: 시뮬레이션 {t}초 (참고 풀이 {ref}초)",
                 "en": "Time: {t} simulated s (the reference takes {ref} s)"},
    "eff.cost": {"ko": "비용: 인스턴스·초 {cost} (참고 풀이 {ref})",
                 "en": "Cost: {cost} instance-seconds (the reference: {ref})"},
    "grade.at": {"ko": "{t}초 · {line}번째 줄 {command}", "en": "at {t} s · line {line}: {command}"},
    "grade.at_time": {"ko": "{t}초", "en": "at {t} s"},
    "grade.saved": {"ko": "이 시도를 진도 기록에 저장했습니다.",
                    "en": "This attempt is saved in your progress."},
    "grade.demo": {"ko": "참고 풀이의 채점 결과입니다. 내 시도로 저장하지 않았습니다.",
                   "en": "This is the reference solution's grade; it is not saved as yours."},
    "grade.replay": {"ko": "←/→: 명령 단위로, Shift+←/→: 15초씩 다시 보기 · r: 다시 하기 · "
                           "u: 마지막 명령만 되돌리고 이어 하기",
                     "en": "←/→ replay command by command, Shift+←/→ by 15 s · r try again · "
                           "u undo the last command and go on"},
    "grade.errors": {"ko": "실행하지 못한 명령", "en": "Commands that could not run"},
    "replay.start": {"ko": "시작 상태", "en": "the start state"},
    "replay.after": {"ko": "{line}번째 줄 {command} 뒤", "en": "after line {line}: {command}"},
    "replay.during": {"ko": "{line}번째 줄 {command} 실행 중", "en": "during line {line}: {command}"},
    # --- the console -----------------------------------------------------------------------
    "console.prompt": {"ko": "명령", "en": "command"},
    "console.placeholder": {"ko": "명령을 입력하세요 (예: status) · Tab 자동 완성 · ↑↓ 이전 명령",
                            "en": "Type a command (e.g. status) · Tab completes · ↑↓ history"},
    "console.graded": {"ko": "채점이 끝났습니다 · r 다시 하기 · u 마지막 명령 되돌리기",
                       "en": "Graded · r to try again · u to undo the last command"},
    "console.demo": {"ko": "참고 풀이를 재생하는 중입니다", "en": "The reference solution is playing"},
    "console.choices": {"ko": "Tab 후보: {words}", "en": "Tab: {words}"},
    "console.no_choice": {"ko": "여기에 올 수 있는 단어가 없습니다",
                          "en": "Nothing to complete here"},
    "console.busy": {"ko": "앞 명령을 바로 끝내고 이어서 실행합니다",
                     "en": "Finished the running command at once to run yours"},
    # --- the button panel ------------------------------------------------------------------
    "builder.pick": {"ko": "명령을 고르세요", "en": "Pick a command"},
    "builder.next": {"ko": "{sofar} ▸ {what}", "en": "{sofar} ▸ {what}"},
    "arg.group": {"ko": "그룹", "en": "group"},
    "arg.count": {"ko": "개수", "en": "how many"},
    "arg.version": {"ko": "버전", "en": "version"},
    "arg.target": {"ko": "대상", "en": "target"},
    "arg.slot": {"ko": "슬롯", "en": "slot"},
    "arg.host": {"ko": "호스트", "en": "host"},
    "arg.port": {"ko": "포트", "en": "port"},
    "arg.what": {"ko": "무엇을 기다릴까요", "en": "wait for what"},
    "arg.seconds": {"ko": "{n}초", "en": "{n} s"},
    "btn.cancel": {"ko": "✕ 취소", "en": "✕ cancel"},
    "btn.hint": {"ko": "힌트", "en": "Hint"},
    "btn.undo": {"ko": "되돌리기", "en": "Undo"},
    "btn.reset": {"ko": "처음부터", "en": "Reset"},
    "btn.done": {"ko": "채점", "en": "Done"},
    "btn.solution": {"ko": "풀이 보기", "en": "Solution"},
    "btn.prev": {"ko": "◀ 이전", "en": "◀ Back"},
    "btn.next": {"ko": "다음 ▶", "en": "Next ▶"},
    "btn.again": {"ko": "다시 하기", "en": "Try again"},
    # --- the log ---------------------------------------------------------------------------
    "log.start": {"ko": "시작 상태입니다. 명령을 하나씩 입력하면 시뮬레이션이 그만큼 움직입니다.",
                  "en": "This is the start state. Each command you enter moves the simulation on."},
    "log.undo": {"ko": "↶ 되돌림: {line}번째 줄 {command} (시드에서 다시 재생)",
                 "en": "↶ undone: line {line}, {command} (replayed from the seed)"},
    "log.reset": {"ko": "— 처음부터 다시 —", "en": "— reset to the start state —"},
    "log.solution": {"ko": "— 참고 풀이를 새 시뮬레이션에서 재생합니다 —",
                     "en": "— the reference solution, on a fresh simulation —"},
    "log.goal": {"ko": "목표 상태에 도달했습니다. 전체 실행을 채점합니다.",
                 "en": "The goal state is reached: grading the whole run."},
    "log.nothing_to_undo": {"ko": "되돌릴 명령이 없습니다.", "en": "There is no command to undo."},
    "log.saved_failed": {"ko": "진도 기록에 저장하지 못했습니다: {error}",
                         "en": "Could not save the attempt: {error}"},
    # --- keys (footer and help) ------------------------------------------------------------
    "key.run": {"ko": "실행", "en": "Run"},
    "key.complete": {"ko": "자동 완성", "en": "Complete"},
    "key.history": {"ko": "이전 명령", "en": "History"},
    "key.hint": {"ko": "힌트", "en": "Hint"},
    "key.undo": {"ko": "되돌리기", "en": "Undo"},
    "key.reset": {"ko": "처음부터", "en": "Reset"},
    "key.done": {"ko": "채점", "en": "Done"},
    "key.solution": {"ko": "풀이", "en": "Solution"},
    "key.exercises": {"ko": "목록", "en": "Exercises"},
    "key.type": {"ko": "입력", "en": "Type"},
    "key.leave": {"ko": "입력 나가기", "en": "Leave input"},
    "key.replay_prev": {"ko": "이전", "en": "Earlier"},
    "key.replay_next": {"ko": "다음", "en": "Later"},
    "key.back": {"ko": "뒤로", "en": "Back"},
    "key.open": {"ko": "시작", "en": "Start"},
    "help.title": {"ko": "실습 모드 키", "en": "Practice keys"},
    "help.typing": {"ko": "명령을 입력하는 동안", "en": "While typing a command"},
    "help.enter": {"ko": "명령 실행 (실행 중이면 그 명령을 바로 끝냄)",
                   "en": "run the command (a running one finishes at once)"},
    "help.tab": {"ko": "명령, 대상, 그룹, 버전 자동 완성", "en": "complete commands, targets, groups, versions"},
    "help.history": {"ko": "이전에 입력한 명령", "en": "earlier commands"},
    "help.escape_typing": {"ko": "입력 지우기, 빈 칸이면 입력에서 나가기 (글자 키를 쓰려면)",
                           "en": "clear the input; when empty, leave it (so letter keys work)"},
    "help.ctrl": {"ko": "입력 중에도: Ctrl+T 힌트 · Ctrl+Z 되돌리기 · Ctrl+D 채점 · Ctrl+L 언어 · F1 도움말",
                  "en": "Also while typing: Ctrl+T hint · Ctrl+Z undo · Ctrl+D done · Ctrl+L "
                        "language · F1 help"},
    "help.other": {"ko": "입력 밖에서", "en": "Outside the input"},
    "help.type": {"ko": "명령 입력으로 돌아가기", "en": "back to the command input"},
    "help.hint": {"ko": "다음 힌트 (세 단계, 하나씩)", "en": "next hint (three tiers, one at a time)"},
    "help.undo": {"ko": "마지막 명령 되돌리기 (시드에서 다시 재생)",
                  "en": "undo the last command (replayed from the seed)"},
    "help.reset": {"ko": "시작 상태로", "en": "back to the start state"},
    "help.done": {"ko": "다 했어요: 지금까지의 실행을 채점", "en": "done: grade the run so far"},
    "help.solution": {"ko": "참고 풀이 보기 (확인을 거칩니다)", "en": "show the reference solution (asks first)"},
    "help.exercises": {"ko": "다른 실습 고르기", "en": "pick another exercise"},
    "help.replay": {"ko": "채점 뒤: 명령 단위로 다시 보기 (Shift: 15초씩)",
                    "en": "after grading: replay command by command (Shift: 15 s steps)"},
    "help.lang": {"ko": "한국어 ↔ English (시도는 그대로)", "en": "English ↔ 한국어 (keeps the attempt)"},
    "help.back": {"ko": "뒤로", "en": "back"},
    "help.language": {"ko": "명령어", "en": "Commands"},
    "help.dismiss": {"ko": "아무 키나 누르면 닫힙니다.", "en": "Press any key to close."},
    # --- dialogs ---------------------------------------------------------------------------
    "confirm.title": {"ko": "풀이를 볼까요?", "en": "Show the solution?"},
    "confirm.body": {
        "ko": "참고 풀이를 새 시뮬레이션에서 처음부터 재생합니다. 지금까지 한 시도는 사라지고 "
              "채점되지 않습니다. 힌트를 먼저 보는 것도 방법입니다.",
        "en": "The reference solution plays on a fresh simulation from the start. Your attempt "
              "so far is discarded and not graded. A hint might be enough.",
    },
    "confirm.yes": {"ko": "보여 주세요 (y)", "en": "Show it (y)"},
    "confirm.no": {"ko": "계속 해 볼게요 (n)", "en": "Keep trying (n)"},
    # --- the picker --------------------------------------------------------------------------
    "picker.heading": {"ko": "실습 고르기", "en": "Pick an exercise"},
    "picker.open": {"ko": "Enter를 누르면 시작합니다.", "en": "Press Enter to start."},
    "picker.passed": {"ko": "✓ 통과", "en": "✓ passed"},
    "picker.best": {"ko": "최고 {score}점 · {n}번 시도", "en": "best {score} · {n} tries"},
    "picker.new": {"ko": "아직 시도하지 않음", "en": "not tried yet"},
}


def pt(key: str, lang: str, **params: object) -> str:
    """The practice string `key` in `lang`, formatted; a missing key shows itself."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**params) if params else text


def word(key: str, lang: str, **params: object) -> str:
    """Practice mode's string `key`, falling back on the app's shared strings (key.lang, ...)."""
    return pt(key, lang, **params) if key in STRINGS else tr(key, lang, **params)
