"""The catalogue of words itself (lessons/<lang>/words.toml): both locales agree key for key and
placeholder for placeholder, every key is used, and every key the code asks for exists.

Code names a key in one of three ways, and the scan below reads all three from the sources:
- a full key as a string literal: `word("map.heading", lang)`, or in a table of keys;
- a model's message, `Msg.of("launched")` (table `msg`), `Note.of("goal_ok")` (table `grade`),
  `Msg("review.passed", (), "quiz")`: the key is the table, a dot and the literal;
- a key built from a value at run time, `f"st.{node.state}"`: a family, declared in FAMILIES
  with every value it can take. An f-string that builds a key from an undeclared prefix fails.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import lessons.words as words
from app.ui.widgets.action_panel import ALL_CONTROLS
from lessons import COURSE_DIR, LOCALES
from lessons.words import read_catalogue
from models.chart import REASONS as CHART_REASONS
from models.cluster import DEPLOYING, LAUNCHING, STOPPED, TERMINATED
from models.course import STAGES as STAGE_KINDS
from models.exercises import CRITERIA
from models.grading import CAUSE_NOTES, ORDER_NOTES
from models.loadbalancer import DRAINING, HEALTHY, INITIAL, UNHEALTHY, UNUSED
from models.pipeline import MODES
from models.pipeline import STAGES as PIPELINE_STAGES
from models.quiz import KINDS as QUIZ_KINDS
from models.sandbox import SCENARIOS as SANDBOX_SCENARIOS
from models.scenarios import CONSOLE, Scenario
from models.strategies import STRATEGIES

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for d in ("app", "models", "lessons") for p in (ROOT / d).rglob("*.py"))
CATALOGUES = {lang: read_catalogue(COURSE_DIR / lang / "words.toml") for lang in LOCALES}
KEYS = set(CATALOGUES["en"])

# Keys built at run time: prefix -> every value the code can put after it.
FAMILIES: dict[str, tuple[str, ...]] = {
    "st.": (LAUNCHING, DEPLOYING, STOPPED, TERMINATED,  # app/ui/widgets/stage.py: state_key
            INITIAL, HEALTHY, UNHEALTHY, DRAINING, UNUSED),
    "sandbox.scenario.": SANDBOX_SCENARIOS,  # screens/practice.py: the sandbox's start state
    "group.": Scenario(CONSOLE).groups,  # stage.py: a group's heading (blue, green, build)
    "pipe.": PIPELINE_STAGES + MODES,  # pipeline_view.py: stages and the mode
    "map.stage.": STAGE_KINDS,  # course_map.py: what a section's stage shows
    "strategy.": tuple(STRATEGIES),  # comparison.py: a strategy's row
    "practice.btn.": ALL_CONTROLS,  # action_panel.py: the attempt's controls
    "quiz.kind.": QUIZ_KINDS,  # screens/quiz.py: the bar names the question's kind
    "quiz.how.": QUIZ_KINDS,  # screens/quiz.py: how to answer this kind
    "criterion.": CRITERIA,  # models/grading.py: criterion_label(id)
    "chart.reason.": CHART_REASONS,  # widgets/chart.py: the failure legend
}
# Tables whose keys models/ names by the short key alone (`Msg.of`, `Note.of`, or a table of them).
MESSAGE_TABLES = ("msg", "grade", "coach")
# Literals shaped like a key, under a table's name, that are something else.
NOT_KEYS = {"app.help", "app.quit", "app.switch_lang",  # Textual actions
            "app.tcss", "app.ui.screens.practice", "practice.py", "progress.db"}  # files


def placeholders(text: str) -> set[str]:
    return {re.split(r"[.\[]", name)[0] for _, name, _, _ in string.Formatter().parse(text)
            if name is not None}


class _Scan(ast.NodeVisitor):
    """String literals, f-string prefixes and the keys messages are made with, in one file."""

    def __init__(self) -> None:
        self.literals: set[str] = set()
        self.prefixes: set[str] = set()
        self.asked: set[str] = set()  # keys the code looks up directly
        self._parts: set[int] = set()

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        first = node.values[0] if node.values else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            self.prefixes.add(first.value)
        self._parts.update(id(v) for v in node.values)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and id(node) not in self._parts:
            self.literals.add(node.value)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            key = first.value
            if name in ("word", "words", "text_of"):
                self.asked.add(key)
            elif name == "of" and owner == "Msg":
                self.asked.add(f"msg.{key}")
            elif name == "of" and owner == "Note":
                self.asked.add(f"grade.{key}")
            elif name == "Msg":
                table = node.args[2] if len(node.args) > 2 else None
                table_name = table.value if isinstance(table, ast.Constant) else "msg"
                self.asked.add(f"{table_name}.{key}")
                self._parts.add(id(table))  # a table's name ("cli.error.sandbox"), not a key
        self.generic_visit(node)


def scan(paths) -> _Scan:
    found = _Scan()
    for path in paths:
        found._parts = set()
        found.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


SCAN = scan(SOURCES)
MODELS_SCAN = scan(p for p in SOURCES if p.relative_to(ROOT).parts[0] == "models")


def test_both_locales_have_the_same_keys():
    ko, en = set(CATALOGUES["ko"]), set(CATALOGUES["en"])
    assert sorted(en - ko) == [], "only in en/words.toml"
    assert sorted(ko - en) == [], "only in ko/words.toml"


def test_both_locales_fill_in_the_same_placeholders():
    ko = CATALOGUES["ko"]
    differ = {key: (placeholders(ko[key]), placeholders(text))
              for key, text in CATALOGUES["en"].items()
              if key in ko and placeholders(ko[key]) != placeholders(text)}
    assert differ == {}


def test_every_text_is_a_string_and_formats():
    for lang, catalogue in CATALOGUES.items():
        for key, text in catalogue.items():
            assert isinstance(text, str) and text, (lang, key)
            text.format(**{name: 1 for name in placeholders(text)})  # no stray brace


def test_every_family_member_exists():
    missing = [prefix + value for prefix, values in FAMILIES.items() for value in values
               if prefix + value not in KEYS]
    assert missing == []


def test_no_key_is_built_from_an_undeclared_prefix():
    tables = {key.split(".")[0] for key in KEYS}
    built = {p for p in SCAN.prefixes
             if re.fullmatch(r"[a-z_]+(\.[a-z0-9_\-]+)*\.", p) and p.split(".")[0] in tables}
    assert sorted(built - set(FAMILIES)) == []


def test_every_key_the_code_asks_for_exists():
    assert SCAN.asked, "the scan found no lookups"
    tables = {key.split(".")[0] for key in KEYS if "." in key}
    shaped = {s for s in SCAN.literals if re.fullmatch(r"[a-z_]+(\.[a-z0-9_\-]+)+", s)
              and s.split(".")[0] in tables and s not in NOT_KEYS}
    indirect = {f"grade.{key}" for key in (*CAUSE_NOTES.values(), *ORDER_NOTES.values())}
    assert sorted((SCAN.asked | shaped | indirect) - KEYS) == []


def test_every_key_is_used():
    short = {f"{table}.{literal}" for table in MESSAGE_TABLES for literal in MODELS_SCAN.literals}
    family = {prefix + value for prefix, values in FAMILIES.items() for value in values}
    unused = KEYS - SCAN.literals - SCAN.asked - short - family
    assert sorted(unused) == []


def test_a_missing_key_raises_in_strict_mode_and_falls_back_outside(monkeypatch):
    assert words.strict()  # tests/conftest.py turns it on for the whole suite
    with pytest.raises(KeyError):
        words.word("map.no-such-key", "en")
    monkeypatch.setenv(words.STRICT_ENV, "0")
    assert words.word("map.no-such-key", "ko") == "map.no-such-key"
    monkeypatch.delitem(words.catalogue("ko"), "map.heading")  # a word missing in Korean only
    assert words.word("map.heading", "ko") == CATALOGUES["en"]["map.heading"]


@pytest.fixture
def fresh_catalogues():
    """The catalogues forgotten before the test and after it (the next lookup reads anew)."""
    words.catalogue.cache_clear()
    yield
    words.catalogue.cache_clear()


def test_a_locale_is_read_once_and_only_when_asked(monkeypatch, fresh_catalogues):
    reads = []
    real = words.read_catalogue
    monkeypatch.setattr(words, "read_catalogue", lambda path: reads.append(path) or real(path))
    assert reads == []
    words.word("map.heading", "ko")
    words.word("map.done", "ko")
    assert [p.parent.name for p in reads] == ["ko"]


def test_the_parsed_words_are_kept_beside_the_file_and_follow_its_changes(tmp_path,
                                                                          monkeypatch):
    """read_catalogue keeps what it parsed in __pycache__ (the map's first frame reads it back
    instead of parsing); an edited file, a damaged or unwritable cache only mean parsing."""
    import shutil
    import sys
    import tomllib

    path = tmp_path / "ko" / "words.toml"
    path.parent.mkdir()
    shutil.copy(COURSE_DIR / "ko" / "words.toml", path)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    assert words.read_catalogue(path) == CATALOGUES["ko"]
    cache = path.parent / "__pycache__" / "words.marshal"
    assert cache.is_file()

    parsed = []
    real_loads = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda text: parsed.append(1) or real_loads(text))
    assert words.read_catalogue(path) == CATALOGUES["ko"] and parsed == []  # read back

    path.write_text(path.read_text(encoding="utf-8").replace(
        CATALOGUES["ko"]["map.heading"], "바뀐 제목", 1), encoding="utf-8")
    assert words.read_catalogue(path)["map.heading"] == "바뀐 제목" and parsed == [1]
    assert words.read_catalogue(path)["map.heading"] == "바뀐 제목" and parsed == [1]

    cache.write_bytes(b"not marshal data")  # damaged: parsed again, and kept anew
    assert words.read_catalogue(path)["map.heading"] == "바뀐 제목" and parsed == [1, 1]
    assert words.read_catalogue(path)["map.heading"] == "바뀐 제목" and parsed == [1, 1]

    shutil.rmtree(cache.parent)
    cache.parent.write_text("a file where the folder would be")  # cannot be written
    assert words.read_catalogue(path)["map.heading"] == "바뀐 제목" and parsed == [1, 1, 1]
    cache.parent.unlink()
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # as Python's own bytecode
    assert words.read_catalogue(path)["map.heading"] == "바뀐 제목"
    assert not cache.parent.exists()


HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def test_no_korean_remains_in_python_sources():
    found = [f"{path.relative_to(ROOT)}:{number}"
             for path in SOURCES
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if HANGUL.search(line)]
    assert found == [], "Korean belongs in lessons/ko/*.toml"


# One term for one thing: the reference solution is 참고 풀이 in every Korean sentence.
OTHER_NAMES_FOR_THE_SOLUTION = ("모범 답안", "모범 풀이", "정답 풀이", "해답", "정답 확인")


def test_the_reference_solution_has_one_korean_name():
    texts = [(path, path.read_text(encoding="utf-8"))
             for path in (COURSE_DIR / "ko").rglob("*.toml")]
    found = [f"{path.name}: {name}" for path, text in texts
             for name in OTHER_NAMES_FOR_THE_SOLUTION if name in text]
    assert found == []
    assert any("참고 풀이" in text for _path, text in texts)
