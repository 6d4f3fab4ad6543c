"""`deploylab serve` without a browser: bad input, the class code, the learner limit, tabs that
close and a stop that ends every app process (a websocket client stands for a tab)."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp
import pytest

from app.cli.serve import app_argv, is_loopback
from app.words import word
from tests.serve_support import WAIT_S, Served, free_port, identity, running


def serve(*options: str, timeout: float = WAIT_S) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli.main", "serve", *options],
                          capture_output=True, text=True, timeout=timeout)


def one_sentence(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("deploylab: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize("port, says", [("0", "out of range"), ("65536", "out of range"),
                                        ("-1", "out of range"), ("http", "not a port number")])
def test_a_port_out_of_range_is_one_sentence(port, says):
    assert says in one_sentence(serve("--port", port))


@pytest.mark.parametrize("count", ["0", "-3", "many"])
def test_a_learner_limit_that_is_not_a_count_is_one_sentence(count):
    assert "--max-learners" in one_sentence(serve("--max-learners", count))


def test_a_port_in_use_is_one_sentence():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_sentence(serve("--port", str(port)))
    assert f"port {port} on 127.0.0.1 is already in use" in line


@pytest.mark.parametrize("host, says", [
    ("192.0.2.1", "it is not an address of this computer"),  # TEST-NET-1: never local
    ("no-such-host.invalid", "no host of that name is known"),
    ("", "is not a host name or address"),
])
def test_a_host_that_cannot_be_bound_is_one_sentence(host, says):
    assert says in one_sentence(serve("--host", host, "--port", str(free_port())))


def test_only_loopback_goes_without_a_code():
    assert all(map(is_loopback, ("127.0.0.1", "localhost", "::1", "127.0.0.2")))
    assert not any(map(is_loopback, ("0.0.0.0", "::", "192.168.1.5", "my-laptop")))


def test_each_tab_runs_the_course_asking_for_a_name():
    argv = app_argv("ko", present=False)
    assert argv[0] == sys.executable and argv[1:] == ["-m", "app.cli.main", "--ask-name",
                                                      "--lang", "ko"]
    assert app_argv("en", present=True)[-1] == "--present"


def fetch(url: str, cookie: str | None = None) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=WAIT_S) as response:
            return response.status, response.read(), response.headers.get("Set-Cookie", "")
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read(), ""


def test_beyond_loopback_every_request_needs_the_class_code(data_dir):
    with Served(data_dir, "--host", "0.0.0.0") as served:
        code = served.url.split("code=", 1)[1]
        assert len(code) >= 16  # secrets.token_urlsafe(12)
        base = f"http://127.0.0.1:{served.port}/"
        for path in ("", "?code=", f"?code={code.upper()}x", "static/js/textual.js", "ws",
                     "no-such-page"):
            assert fetch(base + path) == (403, b"", ""), path
        status, body, cookie = fetch(f"{base}?code={code}")
        assert status == 200 and b"textual.js" in body and code in cookie
        assert fetch(base + "static/js/textual.js", cookie.split(";")[0])[0] == 200
        assert served.app_pids() == []
        _, out, err = served.stop()
    assert served.url.startswith("http://127.0.0.1:")  # rewritten; the printed host is the LAN's
    [warning] = err.splitlines()
    assert warning == word("serve.beyond", "en", host="0.0.0.0")


def test_on_loopback_no_code_is_asked_and_none_is_printed(data_dir):
    with Served(data_dir) as served:
        assert "code" not in served.url
        status, body, cookie = fetch(served.url)
        assert status == 200 and b"textual.js" in body and cookie == ""


async def open_tab(url: str, session: aiohttp.ClientSession) -> aiohttp.ClientWebSocketResponse:
    return await session.ws_connect(url.replace("http://", "ws://", 1).split("?")[0]
                                    + "ws?width=100&height=30")


def until(check, timeout: float = WAIT_S):
    """Poll `check` (no fixed sleep stands for an assertion)."""
    import time

    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)
    return found


def cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]


@pytest.mark.parametrize("sig, when", [(signal.SIGINT, "drawn"), (signal.SIGTERM, "drawn"),
                                       (signal.SIGTERM, "starting")])
def test_a_stop_ends_every_app_process_it_started(data_dir, sig, when):
    async def main(served: Served) -> list[tuple[int, int] | None]:
        async with aiohttp.ClientSession() as session:
            tabs = [await open_tab(served.url, session) for _ in range(2)]
            apps = [identity(pid) for pid in served.wait_for_apps(2)]
            assert all(map(running, apps))
            if when == "drawn":  # else the stop comes while the apps are still starting
                for tab in tabs:
                    first = await asyncio.wait_for(tab.receive(), WAIT_S)
                    assert first.type == aiohttp.WSMsgType.BINARY
            code, out, _ = await asyncio.to_thread(served.stop, sig)
            assert code == 0
            assert word("serve.stopped", "en", count=2) in out
            for tab in tabs:  # the browser is told: its socket closes
                await asyncio.wait_for(tab.receive(), WAIT_S)
            return apps

    with Served(data_dir) as served:
        apps = asyncio.run(main(served))
    assert not any(map(running, apps))


def test_serve_present_runs_the_presenter_layout_in_each_tab(data_dir):
    async def main(served: Served) -> None:
        async with aiohttp.ClientSession() as session:
            await open_tab(served.url, session)
            [pid] = served.wait_for_apps(1)
            # Between its fork and its exec the child still shows the server's command line
            # (a busy machine caught it there once): wait for the app's.
            expected = ["--ask-name", "--lang", "en", "--present"]
            until(lambda: cmdline(pid)[-4:] == expected)

    with Served(data_dir, "--present") as served:
        asyncio.run(main(served))


def test_a_closed_tab_ends_its_app_and_the_limit_counts_open_tabs(data_dir):
    async def main(served: Served) -> None:
        async with aiohttp.ClientSession() as session:
            first = await open_tab(served.url, session)
            [pid] = served.wait_for_apps(1)
            status, body, _ = fetch(served.url)  # a second learner, over --max-learners 1
            assert status == 503
            for lang in ("en", "ko"):
                assert word("serve.full.body", lang, max=1) in body.decode()
            late = await open_tab(served.url, session)  # a page opened just before: sent back
            message = await asyncio.wait_for(late.receive(), WAIT_S)
            assert json.loads(message.data) == ["open_url", {"url": "/", "new_tab": False}]
            assert served.app_pids() == [pid]
            await first.close()
            until(lambda: served.app_pids() == [])
            assert fetch(served.url)[0] == 200  # a place is free again

    with Served(data_dir, "--max-learners", "1") as served:
        asyncio.run(main(served))


async def a_tab_whose_app_ends_at_once() -> tuple[int, bool]:
    """Serve an app that exits at once to one learner at most, open a tab and wait until it is
    closed; then (sessions left, whether the class is full), read before the server stops."""
    from aiohttp import web

    from app.cli.serve import ClassServer

    server = ClassServer([sys.executable, "-c", "raise SystemExit(3)"], lang="en",
                         max_learners=1, code=None)
    runner = web.AppRunner(await server._make_app())
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with aiohttp.ClientSession() as session:
            tab = await session.ws_connect(f"ws://127.0.0.1:{port}/ws?width=80&height=24")
            ended = (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            async with asyncio.timeout(WAIT_S):  # what the session sent before closing, if any
                while (await tab.receive()).type not in ended:
                    pass
        for _ in range(200):  # the place is given back once the handler has cleaned up
            if not server.sessions:
                break
            await asyncio.sleep(0.05)
        return len(server.sessions), server.full()
    finally:
        await runner.cleanup()


async def test_a_tab_whose_app_ends_by_itself_is_told_and_forgotten():
    assert await a_tab_whose_app_ends_at_once() == (0, False)


async def test_a_tab_whose_output_reader_was_cancelled_still_ends_and_gives_its_place_back():
    """On a busy machine the reader of an app that ended at once can be cancelled before it
    runs; ending the session then raised CancelledError, and the place was never given back
    (with --max-learners 1 the class stayed full). Found by the test above under load."""
    from app.cli.serve import LearnerSession

    session = LearnerSession([sys.executable, "-c", "raise SystemExit(3)"],
                             write_bytes=None, write_str=None, close=None,
                             download_manager=None)
    await session._open_app_process()
    await session._process.wait()
    session._task = asyncio.create_task(asyncio.sleep(10))
    session._task.cancel()  # cancelled before it ever ran
    await asyncio.wait_for(session.end(), WAIT_S)  # ends, and says nothing
    assert session._task is None

    ending = asyncio.ensure_future(LearnerSession._end(session))
    ending.cancel()  # the session's own cancellation still stops it
    with pytest.raises(asyncio.CancelledError):
        await ending


async def test_a_session_that_fails_to_end_still_gives_its_place_back(monkeypatch, capsys):
    from app.cli.serve import LearnerSession

    async def broken_end(self):
        raise RuntimeError("the app could not be ended")

    monkeypatch.setattr(LearnerSession, "end", broken_end)
    assert await a_tab_whose_app_ends_at_once() == (0, False)
    told = capsys.readouterr().err.strip().splitlines()
    assert told == ["deploylab serve: a learner's app could not be ended: the app could not "
                    "be ended"]  # one sentence, no traceback


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_no_app_outlives_a_server_that_was_killed(data_dir):
    async def main(served: Served) -> list[tuple[int, int] | None]:
        async with aiohttp.ClientSession() as session:
            tab = await open_tab(served.url, session)
            apps = [identity(pid) for pid in served.wait_for_apps(1)]
            await asyncio.wait_for(tab.receive(), WAIT_S)  # drawn: running, not starting
            served.process.kill()  # no chance to end its apps itself
            await asyncio.to_thread(served.process.wait)
            return apps

    with Served(data_dir) as served:
        apps = asyncio.run(main(served))
    until(lambda: not any(map(running, apps)))
