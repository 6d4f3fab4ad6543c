"""Messages the engine and grader produce, as keys with parameters, rendered in ko or en."""

from __future__ import annotations

from typing import NamedTuple

LANGS = ("ko", "en")

TEMPLATES: dict[str, dict[str, str]] = {
    "ok": {"en": "done", "ko": "완료"},
    "launched": {"en": "launched {names} on {version}", "ko": "{names} 시작됨 ({version})"},
    "deployed": {"en": "{names} now run {version}", "ko": "{names}에 {version} 배포 완료"},
    "validate_failed": {
        "en": "ValidateService failed on {name}: {reason}",
        "ko": "{name}의 ValidateService 실패: {reason}",
    },
    "registered": {
        "en": "{names} registered; traffic starts once health checks pass",
        "ko": "{names} 등록됨. 상태 검사를 통과하면 트래픽을 받습니다",
    },
    "already_registered": {"en": "{name} is already registered", "ko": "{name}은(는) 이미 등록되어 있습니다"},
    "deregistered": {
        "en": "{names} deregistered; in-flight requests drain",
        "ko": "{names} 등록 해제됨. 처리 중인 요청을 마무리합니다(드레이닝)",
    },
    "not_registered": {"en": "{name} is not registered", "ko": "{name}은(는) 등록되어 있지 않습니다"},
    "terminated": {"en": "{names} terminated", "ko": "{names} 종료(삭제)됨"},
    "started": {"en": "{slot} started {version}", "ko": "{slot}에서 {version} 시작됨"},
    "stopped": {"en": "{slot} stopped", "ko": "{slot} 중지됨"},
    "nothing_running": {"en": "nothing runs on {slot}", "ko": "{slot}에서 실행 중인 것이 없습니다"},
    "slot_busy": {
        "en": "{slot} already runs {version}; stop it first",
        "ko": "{slot}에서 이미 {version}이(가) 실행 중입니다. 먼저 중지하세요",
    },
    "switched": {"en": "nginx on {host} now sends to port {port} (graceful reload)",
                 "ko": "{host}의 nginx가 이제 {port} 포트로 보냅니다(무중단 reload)"},
    "already_live": {"en": "port {port} is already live on {host}",
                     "ko": "{host}에서 {port} 포트가 이미 라이브입니다"},
    "waited": {"en": "waited {seconds} s", "ko": "{seconds}초 기다림"},
    "now_healthy": {"en": "{names} healthy", "ko": "{names} 정상(healthy)"},
    "not_healthy_in_time": {
        "en": "{names} did not become healthy within {seconds} s",
        "ko": "{names}이(가) {seconds}초 안에 정상 상태가 되지 않았습니다",
    },
    "now_drained": {"en": "{names} drained", "ko": "{names} 드레이닝 끝"},
    "not_drained_in_time": {
        "en": "{names} still draining after {seconds} s",
        "ko": "{seconds}초가 지나도 {names} 드레이닝이 끝나지 않았습니다",
    },
    "empty_group": {"en": "group {name} has no instances", "ko": "{name} 그룹에 인스턴스가 없습니다"},
    "not_running": {"en": "{name} is not running ({state})", "ko": "{name}이(가) 실행 중이 아닙니다({state})"},
    "no_such_target": {"en": "there is no {name} now", "ko": "지금은 {name}이(가) 없습니다"},
    "host_has_slots": {
        "en": "{name} runs its app in slots; use start/stop/switch",
        "ko": "{name}은(는) 슬롯에서 앱을 실행합니다. start/stop/switch를 쓰세요",
    },
    "no_slots": {"en": "{name} has no slots", "ko": "{name}에는 슬롯이 없습니다"},
    "health_line": {"en": "{name}: {probe}; load balancer: {lb}", "ko": "{name}: {probe}, 로드 밸런서: {lb}"},
    "probe_ok": {"en": "HTTP 200 ({version})", "ko": "HTTP 200 ({version})"},
    "probe_500": {"en": "HTTP 500 ({version})", "ko": "HTTP 500 ({version})"},
    "probe_starting": {"en": "not answering yet ({version} starting)",
                       "ko": "아직 응답 없음({version} 시작 중)"},
    "probe_down": {"en": "connection refused (no process)", "ko": "연결 거부(프로세스 없음)"},
    "status_line": {"en": "{name}: {state}, {version}, load balancer {lb}, {in_flight} in flight",
                    "ko": "{name}: {state}, {version}, 로드 밸런서 {lb}, 처리 중 {in_flight}건"},
    "status_slot": {"en": "{name}: {state}, {version}{live}, {in_flight} in flight",
                    "ko": "{name}: {state}, {version}{live}, 처리 중 {in_flight}건"},
    "status_counts": {"en": "t={t}s requests {requests}, ok {ok}, failed {failed}, serving {serving}",
                      "ko": "t={t}초 요청 {requests}, 성공 {ok}, 실패 {failed}, 서비스 중 {serving}"},
    "live_mark": {"en": " (live)", "ko": " (라이브)"},
    # Parse errors in the practice language (rendered after "line N: ").
    "at_line": {"en": "line {line}: {problem}", "ko": "{line}번째 줄: {problem}"},
    "did_you_mean": {"en": "{problem}; did you mean '{word}'?", "ko": "{problem}. 혹시 '{word}'을(를) 입력하려던 건가요?"},
    "unknown_command": {"en": "unknown command '{word}'", "ko": "알 수 없는 명령 '{word}'"},
    "wrong_arity": {"en": "'{verb}' takes {usage}", "ko": "'{verb}' 사용법: {usage}"},
    "unknown_target": {"en": "unknown target or group '{word}'", "ko": "알 수 없는 대상 또는 그룹 '{word}'"},
    "unknown_group": {"en": "unknown group '{word}'", "ko": "알 수 없는 그룹 '{word}'"},
    "not_a_slot": {"en": "'{word}' is not a slot (use {slots})",
                   "ko": "'{word}'은(는) 슬롯이 아닙니다({slots} 중 하나)"},
    "not_a_port": {"en": "port '{word}' is not a slot on {host} (use {ports})",
                   "ko": "'{word}' 포트는 {host}의 슬롯이 아닙니다({ports} 중 하나)"},
    "no_slots_here": {"en": "this exercise has no slots; '{verb}' needs an in-server host",
                      "ko": "이 실습에는 슬롯이 없습니다. '{verb}'은(는) 서버 내 배포용 명령입니다"},
    "slots_only": {"en": "{word} runs its app in slots; use start/stop/switch",
                   "ko": "{word}은(는) 슬롯에서 앱을 실행합니다. start/stop/switch를 쓰세요"},
    "unknown_version": {"en": "unknown version '{word}' (there are {versions})",
                        "ko": "알 수 없는 버전 '{word}'(가능한 버전: {versions})"},
    "bad_count": {"en": "'{word}' is not a count from 1 to {most}",
                  "ko": "'{word}'은(는) 1부터 {most} 사이의 개수가 아닙니다"},
    "bad_seconds": {"en": "'{word}' is not a number of seconds (more than 0, at most {most})",
                    "ko": "'{word}'은(는) 올바른 초가 아닙니다(0보다 크고 {most} 이하)"},
    "bad_wait": {"en": "'wait' takes seconds, 'healthy <target>' or 'drained <target>'",
                 "ko": "'wait' 사용법: 초, 'healthy <대상>' 또는 'drained <대상>'"},
    "empty_script": {"en": "the attempt has no commands", "ko": "명령이 하나도 없습니다"},
    "too_many_commands": {"en": "an attempt has at most {most} commands",
                          "ko": "시도 하나에는 명령을 {most}개까지만 쓸 수 있습니다"},
    "too_much_waiting": {"en": "the waits of this attempt add up to more than {most} s",
                         "ko": "이 시도의 wait 시간을 모두 더하면 {most}초가 넘습니다"},
}


class Msg(NamedTuple):
    """A message key with its parameters; `render(lang)` gives the sentence."""

    key: str
    params: tuple[tuple[str, object], ...] = ()

    @staticmethod
    def of(key: str, **params: object) -> Msg:
        return Msg(key, tuple(params.items()))

    def render(self, lang: str = "en") -> str:
        template = TEMPLATES[self.key].get(lang) or TEMPLATES[self.key]["en"]
        params = {k: v.render(lang) if isinstance(v, Msg) else v for k, v in self.params}
        return template.format(**params)
