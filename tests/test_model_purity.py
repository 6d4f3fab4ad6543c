"""models/ stays pure: no Textual or app import, no I/O, no wall clock, no global random.

Same seed, same run depends on it, and so do the UI-free grader and `deploylab simulate`. Each
module is parsed with `ast` (not imported), so a forbidden call in a branch that tests never
reach is still found. The checker is itself tested on code that breaks each rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

MODELS = Path(__file__).resolve().parent.parent / "models"

# Packages models must not import: the UI, the layers above it, and modules that exist for I/O
# or the wall clock.
FORBIDDEN_IMPORTS = {"textual", "app", "lessons", "os", "io", "pathlib", "shutil", "subprocess",
                     "socket", "tempfile", "time", "urllib", "http", "sqlite3", "platformdirs",
                     "importlib", "threading", "asyncio"}
FORBIDDEN_BUILTINS = {"open", "print", "input", "exec", "eval", "__import__", "breakpoint"}
# Method names that read or write files whatever object they are called on (pathlib and friends).
FILE_METHODS = {"write_text", "write_bytes", "read_text", "read_bytes", "mkdir", "touch",
                "unlink", "rmdir", "rename", "replace_file", "open", "iterdir", "glob"}
WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
              ("date", "today"), ("json", "dump"), ("json", "load")}
RANDOM_ALLOWED = {"Random"}  # a seeded generator of one's own; never the shared global one


def problems(source: str, filename: str = "<test>") -> list[str]:
    """Every rule a module's source breaks, as "file:line: what"."""
    tree = ast.parse(source, filename)
    found: list[str] = []
    random_names: set[str] = set()  # local names bound to the random module

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                root = alias.name.split(".")[0]
                if root in FORBIDDEN_IMPORTS:
                    report(node, f"imports {alias.name}")
                if alias.name == "random":
                    random_names.add(alias.asname or "random")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            root = node.module.split(".")[0]
            if root in FORBIDDEN_IMPORTS:
                report(node, f"imports from {node.module}")
            if node.module == "random":
                for alias in node.names:
                    if alias.name not in RANDOM_ALLOWED:
                        report(node, f"uses the global random.{alias.name}")
            if node.module == "sys":
                for alias in node.names:
                    if alias.name in ("stdin", "stdout", "stderr"):
                        report(node, f"imports sys.{alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in FORBIDDEN_BUILTINS:
                report(node, f"calls {node.func.id}()")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in FILE_METHODS:
                report(node, f"calls .{node.func.attr}() (file I/O)")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner, attr = node.value.id, node.attr
            if owner in random_names and attr not in RANDOM_ALLOWED:
                report(node, f"uses the global {owner}.{attr}")
            if (owner, attr) in WALL_CLOCK:
                report(node, f"uses {owner}.{attr}")
            if owner == "sys" and attr in ("stdin", "stdout", "stderr"):
                report(node, f"uses sys.{attr}")
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                and isinstance(node.value.value, ast.Name)
                and (node.value.attr, node.attr) in WALL_CLOCK):
            report(node, f"uses {node.value.value.id}.{node.value.attr}.{node.attr}")
    return found


MODULES = sorted(MODELS.glob("*.py"))


def test_models_has_modules():
    assert {"engine.py", "loadbalancer.py", "strategies.py"} <= {p.name for p in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_model_module_is_pure(path):
    assert problems(path.read_text(encoding="utf-8"), f"models/{path.name}") == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_model_module_has_a_docstring(path):
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))


BAD_CODE = {
    "import textual.app": "imports textual.app",
    "from textual.widgets import Static": "imports from textual.widgets",
    "from app.cli.main import main": "imports from app.cli.main",
    "import app": "imports app",
    "from lessons.course import load_course": "imports from lessons.course",
    "f = open('x.txt', 'w')": "calls open()",
    "print('hello')": "calls print()",
    "from pathlib import Path": "imports from pathlib",
    "p.write_text('x')": "calls .write_text() (file I/O)",
    "p.mkdir()": "calls .mkdir() (file I/O)",
    "import time\nt = time.time()": "imports time",
    "from datetime import datetime\nt = datetime.now()": "uses datetime.now",
    "import datetime\nt = datetime.datetime.now()": "uses datetime.datetime.now",
    "import random\nx = random.random()": "uses the global random.random",
    "import random as r\nr.shuffle(xs)": "uses the global r.shuffle",
    "from random import choice": "uses the global random.choice",
    "import sys\nsys.stdout.write('x')": "uses sys.stdout",
    "import os\nos.environ['X']": "imports os",
    "import json\njson.dump(x, f)": "uses json.dump",
}


@pytest.mark.parametrize("code", sorted(BAD_CODE))
def test_the_checker_catches_each_kind_of_impurity(code):
    found = problems(code)
    assert any(BAD_CODE[code] in p for p in found), found


def test_the_checker_accepts_pure_code():
    code = ("import random\nimport simpy\nfrom dataclasses import dataclass\n"
            "rng = random.Random(1)\nx = rng.random()\nenv = simpy.Environment()\n"
            "import json\ntext = json.dumps({})\n")
    assert problems(code) == []
