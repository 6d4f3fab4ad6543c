"""Driving `deploylab serve` from tests and measurements: start it on a free port, list the app
processes it started, open tabs in Debian's Chromium (Playwright) and read a tab's screen.

xterm.js paints the terminal on a canvas, so the page holds no text to read: a tab's screen is
rebuilt from the bytes its websocket received, by pyte (a terminal emulator), at the size the
page asked the server for. What the test reads is what the browser was sent to paint.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
INSTALL_HINT = ("the browser tests need Debian's Chromium at /usr/bin/chromium: as root, "
                "apt-get install chromium fonts-dejavu fonts-nanum fonts-nanum-coding "
                "(.ci/run does this)")
START_S = 30.0  # generous: the machine may be running other test workers
WAIT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name, in parentheses, may hold spaces: the fields follow its last ')'
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def identity(pid: int) -> tuple[int, int] | None:
    """(pid, start time): a process, told apart from a later one given the same pid (pids
    wrap at 32768 here, and other test runs start processes all the time); None once gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return pid, int(stat.rsplit(")", 1)[1].split()[19])


def running(process: tuple[int, int] | None) -> bool:
    return process is not None and identity(process[0]) == process


def rss_kib(pid: int) -> int:
    """Resident memory of one process (VmRSS), in KiB; 0 when it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Served:
    """A `deploylab serve` process (a context manager: it is stopped with SIGINT on leaving)."""

    def __init__(self, data_dir: Path, *options: str, lang: str = "en"):
        self.port = free_port()
        env = dict(os.environ, DEPLOYLAB_DATA_DIR=str(data_dir))
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli.main", "serve", "--port", str(self.port),
             "--lang", lang, *options],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self._lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self.errors: list[str] = []
        self._readers = [threading.Thread(target=self._read, daemon=True),
                         threading.Thread(target=self._read_errors, daemon=True)]
        for reader in self._readers:
            reader.start()
        self.url = self._wait_for_url()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put(line)

    def _read_errors(self) -> None:
        for line in self.process.stderr:
            self.errors.append(line)

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.output.append(line)
            found = re.search(r"http://\S+?(?=\s|$)", line)
            if found:
                url = found.group(0)
                # the printed address may be the machine's own; the tests use loopback
                return re.sub(r"^http://[^/]+", f"http://127.0.0.1:{self.port}", url)
        raise AssertionError(f"deploylab serve did not start: {self.output}, {self.errors}")

    def app_pids(self) -> list[int]:
        return children(self.process.pid)

    def wait_for_apps(self, count: int, timeout: float = WAIT_S) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.app_pids()
            if len(pids) == count:
                return pids
            time.sleep(0.05)
        raise AssertionError(f"expected {count} app processes, found {self.app_pids()}")

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str, str]:
        """Stop it with `sig`; its exit code, the rest of its stdout, its stderr."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=START_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        for reader in self._readers:  # they end at the pipes' EOF
            reader.join(timeout=5)
        while not self._lines.empty():
            self.output.append(self._lines.get())
        return code, "".join(self.output), "".join(self.errors)

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class Tab:
    """One browser tab on the served course, with its screen as text."""

    def __init__(self, browser, url: str):
        import pyte

        self.context = browser.new_context(viewport={"width": 1280, "height": 720})
        self.page = self.context.new_page()
        self.screen = pyte.Screen(80, 24)
        self._stream = pyte.ByteStream(self.screen)
        self.page.on("websocket", self._watch)
        self.opened_at = time.monotonic()
        self.response = self.page.goto(url)

    def _watch(self, websocket) -> None:
        size = dict(part.split("=", 1) for part in websocket.url.split("?", 1)[1].split("&"))
        self.screen.resize(int(size["height"]), int(size["width"]))
        websocket.on("framereceived", self._received)
        websocket.on("framesent", self._sent)

    def _received(self, payload) -> None:
        if isinstance(payload, bytes):
            self._stream.feed(payload)

    def _sent(self, payload) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.screen.resize(size["height"], size["width"])

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, wanted: str | re.Pattern, timeout: float = WAIT_S) -> re.Match | str:
        """Wait until the screen shows `wanted` (text or a pattern); what matched."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            if isinstance(wanted, re.Pattern):
                found = wanted.search(text)
                if found:
                    return found
            elif wanted in text:
                return wanted
            if time.monotonic() > deadline:
                raise AssertionError(f"the tab never showed {wanted!r}; its screen:\n{text}")
            self.page.wait_for_timeout(50)  # lets Playwright deliver the next frames

    def focus(self) -> None:
        self.page.click("#terminal")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def close(self) -> None:
        self.context.close()
