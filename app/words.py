"""The UI's own words (chrome, states, labels) in Korean and English; lessons/ has the lessons."""

from __future__ import annotations

LANGS = ("ko", "en")

STRINGS: dict[str, dict[str, str]] = {
    # --- app and map ---------------------------------------------------------------------
    "app.title": {"ko": "배포 실습실", "en": "DeployLab"},
    "app.subtitle": {"ko": "코드가 서버에 닿기까지", "en": "how code reaches servers"},
    "map.heading": {"ko": "5장 · 배포", "en": "Chapter 5 · Deployment"},
    "map.done": {"ko": "✓ 완료", "en": "✓ done"},
    "map.steps": {"ko": "{n}단계", "en": "{n} steps"},
    "map.open_hint": {"ko": "Enter: 이 절 열기 · t: 이 절의 퀴즈 · x: 실습 목록",
                      "en": "Enter opens this section · t takes its quiz · x lists the exercises"},
    "map.completed": {"ko": "이미 끝낸 절입니다.", "en": "You have completed this section."},
    "map.quiz_best": {"ko": "퀴즈: 최고 {score}점 · {n}번 풀었습니다",
                      "en": "Quiz: best {score} of 100 · {n} sittings"},
    "map.practice_best": {"ko": "실습: 최고 {score}점 · {n}번 시도했습니다",
                          "en": "Practice: best {score} of 100 · {n} attempts"},
    "map.practice_passed": {"ko": " · ✓ 통과", "en": " · ✓ passed"},
    "map.stage.cluster": {"ko": "서버와 로드 밸런서를 움직여 봅니다",
                          "en": "servers and a load balancer, animated"},
    "map.stage.pipeline": {"ko": "CI/CD 파이프라인을 움직여 봅니다",
                           "en": "a CI/CD pipeline, animated"},
    "map.stage.table": {"ko": "모든 전략을 엔진으로 돌려 비교합니다",
                        "en": "every strategy run through the engine and compared"},
    "map.practice": {"ko": "실습 모드가 있는 절입니다.", "en": "This section has a practice mode."},
    # --- key descriptions (footer and help) ----------------------------------------------
    "key.next": {"ko": "다음", "en": "Next"},
    "key.prev": {"ko": "이전", "en": "Back"},
    "key.play": {"ko": "자동 재생", "en": "Autoplay"},
    "key.faster": {"ko": "빠르게", "en": "Faster"},
    "key.slower": {"ko": "느리게", "en": "Slower"},
    "key.reset": {"ko": "처음부터", "en": "Reset"},
    "key.lang": {"ko": "English", "en": "한국어"},
    "key.help": {"ko": "도움말", "en": "Help"},
    "key.back": {"ko": "목차", "en": "Map"},
    "key.quit": {"ko": "종료", "en": "Quit"},
    "key.open": {"ko": "열기", "en": "Open"},
    "key.practice": {"ko": "실습", "en": "Practice"},
    "key.close": {"ko": "닫기", "en": "Close"},
    "key.quiz": {"ko": "퀴즈", "en": "Quiz"},
    # --- help ----------------------------------------------------------------------------
    "help.title": {"ko": "키 안내", "en": "Keys"},
    "help.next": {"ko": "다음 단계 (애니메이션 재생)", "en": "next step (plays its animation)"},
    "help.prev": {"ko": "이전 단계 (즉시 되돌림)", "en": "previous step (instant replay)"},
    "help.play": {"ko": "자동 재생 / 멈춤", "en": "autoplay / pause"},
    "help.speed": {"ko": "재생 속도 올리기 / 내리기", "en": "play faster / slower"},
    "help.reset": {"ko": "이 절을 처음부터", "en": "start this section again"},
    "help.lang": {"ko": "한국어 ↔ English (단계 유지)", "en": "English ↔ 한국어 (keeps the step)"},
    "help.palette": {"ko": "명령 팔레트: 원하는 절로 바로 이동",
                     "en": "command palette: jump to any section"},
    "help.back": {"ko": "목차로 돌아가기", "en": "back to the course map"},
    "help.practice": {"ko": "실습 모드 열기 (5.2.2, 목차에서는 실습 목록)",
                      "en": "open practice mode (5.2.2; on the map, the list of exercises)"},
    "help.quiz": {"ko": "이 절의 퀴즈 풀기", "en": "take this section's quiz"},
    "help.quit": {"ko": "종료", "en": "quit"},
    "help.legend": {"ko": "그림 읽는 법", "en": "Reading the stage"},
    "help.legend.versions": {"ko": "◇ 이전 버전 · ◆ 새 버전 (색과 모양이 모두 다릅니다)",
                             "en": "◇ old version · ◆ new version (different colour and shape)"},
    "help.legend.links": {"ko": "━━▸ 요청을 받는 중 · ╌╌ 요청 없음 · • 이동 중인 요청",
                          "en": "━━▸ receives requests · ╌╌ gets none · • a request on its way"},
    "help.legend.focus": {"ko": "» 이번 단계에서 눈여겨볼 서버",
                          "en": "» the servers this step is about"},
    "help.dismiss": {"ko": "아무 키나 누르면 닫힙니다.", "en": "Press any key to close."},
    # --- lesson chrome -------------------------------------------------------------------
    "step.counter": {"ko": "{k}/{n}단계", "en": "Step {k} of {n}"},
    "clock.playing": {"ko": "▶ 재생 중", "en": "▶ playing"},
    "clock.paused": {"ko": "⏸ 멈춤", "en": "⏸ paused"},
    "clock.done": {"ko": "■ 단계 끝", "en": "■ step done"},
    "clock.auto": {"ko": "자동", "en": "auto"},
    "clock.speed": {"ko": "×{speed}", "en": "×{speed}"},
    "toast.completed": {"ko": "「{title}」 절을 끝까지 보았습니다.",
                        "en": "Section complete: {title}"},
    "toast.speed": {"ko": "재생 속도 ×{speed} (시뮬레이션 초/실제 초)",
                    "en": "Speed ×{speed} (simulated seconds per second)"},
    "too_small": {"ko": "터미널 창이 너무 작습니다 ({w}×{h}).\n"
                        "최소 60×20 칸이 필요합니다. 창을 키워 주세요.",
                  "en": "The terminal is too small ({w}×{h}).\nDeployLab needs at least 60×20. "
                        "Please enlarge the window."},
    # --- stage: metrics and chart --------------------------------------------------------
    "m.serving": {"ko": "서비스 {n}/{total}", "en": "serving {n}/{total}"},
    "m.ok": {"ko": "성공 {n}", "en": "ok {n}"},
    "m.failed": {"ko": "실패 {n}", "en": "failed {n}"},
    "m.instances": {"ko": "인스턴스 {n}", "en": "instances {n}"},
    "m.time": {"ko": "시각 {t}", "en": "t {t}"},
    "chart.capacity": {"ko": "용량", "en": "capacity"},
    "chart.failed": {"ko": "실패", "en": "failed"},
    "lb.label": {"ko": "ALB", "en": "ALB"},
    "lb.fail_open": {"ko": "모두 비정상: 전체에 보냄(fail open)", "en": "all unhealthy: fail open"},
    "more": {"ko": "… 외 {n}개", "en": "… {n} more"},
    "group.blue": {"ko": "블루", "en": "blue"},
    "group.green": {"ko": "그린", "en": "green"},
    "nginx": {"ko": "nginx → :{port}", "en": "nginx → :{port}"},
    # Node states as drawn (lb state for registered running hosts, else the host state).
    "st.launching": {"ko": "시작 중", "en": "launching"},
    "st.healthy": {"ko": "정상", "en": "healthy"},
    "st.initial": {"ko": "검사 중", "en": "checking"},
    "st.unhealthy": {"ko": "비정상", "en": "unhealthy"},
    "st.draining": {"ko": "드레이닝", "en": "draining"},
    "st.unused": {"ko": "LB에서 빠짐", "en": "out of the LB"},
    "st.deploying": {"ko": "배포 중", "en": "deploying"},
    "st.stopped": {"ko": "중지됨", "en": "stopped"},
    "st.terminated": {"ko": "종료됨", "en": "terminated"},
    "st.live": {"ko": "라이브", "en": "live"},
    "st.idle": {"ko": "대기", "en": "idle"},
    "st.starting": {"ko": "시작 중", "en": "starting"},
    "st.empty": {"ko": "비어 있음", "en": "empty"},
    "st.http500": {"ko": "HTTP 500 응답", "en": "answers HTTP 500"},
    "st.in_flight": {"ko": "처리 중 {n}", "en": "{n} in flight"},
    "st.no_app": {"ko": "앱 없음", "en": "no app"},
    # --- pipeline ------------------------------------------------------------------------
    "pipe.delivery": {"ko": "지속적 전달: 운영 배포 전에 사람이 승인합니다",
                      "en": "Continuous delivery: a person approves each release"},
    "pipe.deployment": {"ko": "지속적 배포: 승인 없이 바로 운영에 나갑니다",
                        "en": "Continuous deployment: no gate, straight to production"},
    "pipe.commit": {"ko": "커밋 {n}", "en": "commit {n}"},
    "pipe.deployed": {"ko": "운영에 나간 커밋: {list}", "en": "In production: {list}"},
    "pipe.none": {"ko": "없음", "en": "none yet"},
    "pipe.legend": {"ko": "✓ 통과  ▶ 진행 중  ✗ 실패  – 건너뜀  · 대기",
                    "en": "✓ passed  ▶ running  ✗ failed  – skipped  · waiting"},
    "pipe.source": {"ko": "소스", "en": "source"},
    "pipe.build": {"ko": "빌드", "en": "build"},
    "pipe.test": {"ko": "테스트", "en": "test"},
    "pipe.artifact": {"ko": "아티팩트", "en": "artifact"},
    "pipe.staging": {"ko": "스테이징", "en": "staging"},
    "pipe.approval": {"ko": "승인", "en": "approval"},
    "pipe.production": {"ko": "운영 배포", "en": "production"},
    "pipe.monitor": {"ko": "모니터링", "en": "monitor"},
    # --- comparison table ----------------------------------------------------------------
    "tbl.computing": {"ko": "전략마다 엔진을 돌려 표를 채우는 중…",
                      "en": "Running every strategy through the engine…"},
    "tbl.caption": {"ko": "서버 {servers}대, 초당 요청 {rps}개, 시드 {seed}로 엔진이 계산한 값",
                    "en": "Computed by the engine: {servers} servers, {rps} requests/s, "
                          "seed {seed}"},
    "tbl.failed_to_compute": {"ko": "비교표를 계산하지 못했습니다: {error}",
                              "en": "Could not compute the comparison: {error}"},
    "tbl.strategy": {"ko": "전략", "en": "Strategy"},
    "tbl.failed": {"ko": "실패한 요청", "en": "Failed requests"},
    "tbl.downtime": {"ko": "중단 시간(초)", "en": "Downtime (s)"},
    "tbl.min_serving": {"ko": "최소 서비스 서버", "en": "Fewest serving"},
    "tbl.max_instances": {"ko": "최대 인스턴스", "en": "Peak instances"},
    "tbl.duration": {"ko": "배포 시간(초)", "en": "Duration (s)"},
    "tbl.rollback": {"ko": "롤백 시간(초)", "en": "Rollback (s)"},
    "strategy.recreate": {"ko": "중단 배포(재생성)", "en": "Recreate (downtime)"},
    "strategy.in-place": {"ko": "현재 위치 배포", "en": "In-place"},
    "strategy.blue-green": {"ko": "블루/그린(서버 단위)", "en": "Blue/green (server-level)"},
    "strategy.in-server": {"ko": "블루/그린(서버 내)", "en": "Blue/green (in-server)"},
    "strategy.canary": {"ko": "카나리", "en": "Canary"},
    # --- command palette -----------------------------------------------------------------
    "palette.open": {"ko": "{id} {title} 열기", "en": "Open {id} {title}"},
    "palette.help": {"ko": "이 절로 바로 이동합니다", "en": "Jump to this section"},
    "palette.map": {"ko": "목차로 가기", "en": "Go to the course map"},
    "store.notice": {"ko": "진도 기록: {notice}", "en": "Progress store: {notice}"},
    "practice.broken": {"ko": "실습 파일에 문제가 있어 실습을 열 수 없습니다: {error}",
                        "en": "The exercise files are broken, so practice cannot open: {error}"},
    "practice.unknown": {"ko": "'{id}' 실습이 없습니다.", "en": "There is no exercise '{id}'."},
}


def tr(key: str, lang: str, **params: object) -> str:
    """The UI string `key` in `lang`, formatted; a missing key shows itself (never crashes)."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**params) if params else text


def other_lang(lang: str) -> str:
    return "en" if lang == "ko" else "ko"


def lang_from_env(environ: dict[str, str]) -> str:
    """ko when the locale (LC_ALL, then LC_MESSAGES, then LANG) starts with "ko", else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"
