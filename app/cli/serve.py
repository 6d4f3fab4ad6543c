"""`deploylab serve`: the course in browsers, one app process per tab (Textualize's textual-serve).

Each tab's process first asks the learner's name (`deploylab --ask-name`), so every learner keeps
their own profile in the one store of this machine. Beyond loopback every request must carry
the class code (the printed URL's `?code=`, then a cookie); anything else gets a bare 403.
"""

from __future__ import annotations

import asyncio
import errno
import html
import ipaddress
import json
import secrets
import signal
import socket
import sys
from argparse import Namespace
from pathlib import Path
from string import Template

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from app.cli.usage import cli_msg, quoted
from app.words import LANGS, lang_from_env, render, word

CODE_PARAM = "code"
CODE_COOKIE = "deploylab_code"
QUIT_WAIT_S = 3.0  # a learner's app saves and exits well within this after "quit"
TERM_WAIT_S = 2.0  # then SIGTERM; SIGKILL after this
PAGE = Path(__file__).with_name("serve_page.html")
MAIN_MODULE = __name__.rsplit(".", 1)[0] + ".main"  # what `python -m` runs: the deploylab CLI


def _end_with_the_server():
    """Runs in each app process before it starts (Linux): SIGTERM it when the server dies, even
    by SIGKILL, so no app outlives the server (an app does not end when its input closes)."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


_PR_SET_PDEATHSIG = 1
if sys.platform == "linux":
    import ctypes

    _LIBC = ctypes.CDLL(None)  # loaded here: the forked child only calls it
else:
    _LIBC = None


class ServeError(Exception):
    """The server cannot start; `message` (a `Msg`) is the one sentence to show."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def app_argv(lang: str, present: bool) -> list[str]:
    """What one browser tab runs: the course, asking the learner's name first."""
    argv = [sys.executable, "-m", MAIN_MODULE, "--ask-name", "--lang", lang]
    return argv + ["--present"] if present else argv


def is_loopback(host: str) -> bool:
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


class LearnerSession(AppService):
    """One tab's app process, started without a shell in a session of its own (Ctrl+C in the
    teacher's terminal reaches the server only, which ends every app in order)."""

    def __init__(self, argv: list[str], **kwargs):
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv
        self._ending: asyncio.Task | None = None
        self._opening = False
        self._opened = asyncio.Event()

    async def _open_app_process(self, width: int = 80, height: int = 24):
        self._opening = True
        try:
            self._process = process = await asyncio.create_subprocess_exec(
                *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, env=self._build_environment(width, height),
                start_new_session=True, preexec_fn=_end_with_the_server)
        finally:
            self._opened.set()
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def end(self) -> None:
        """Ask the app to quit (it saves and closes its store), then insist; once only."""
        if self._ending is None:
            self._ending = asyncio.ensure_future(self._end())
        await asyncio.shield(self._ending)

    async def _end(self) -> None:
        if self._opening:  # a stop right after the tab opened: the process exists already
            await self._opened.wait()
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            await self.send_meta({"type": "quit"})
            for send, wait_s in ((None, QUIT_WAIT_S), (process.terminate, TERM_WAIT_S),
                                 (process.kill, None)):
                if send is not None:
                    try:
                        send()
                    except ProcessLookupError:
                        break
                try:
                    await asyncio.wait_for(process.wait(), wait_s)
                    break
                except TimeoutError:
                    continue
        if self._task is not None:  # reads the app's last output; ends at its EOF
            try:
                await asyncio.wait_for(self._task, TERM_WAIT_S)
            except TimeoutError:
                self._task.cancel()
            except asyncio.CancelledError:
                # The reader was cancelled before it ran (a busy machine, an app that ended at
                # once): it has ended all the same. Only our own cancellation goes on.
                if not self._task.cancelled():
                    raise
            self._task = None


class ClassServer(Server):
    """textual-serve's server with the class code, the learner limit and an orderly stop."""

    def __init__(self, argv: list[str], *, lang: str, max_learners: int, code: str | None):
        super().__init__(" ".join(argv), title=word("app.title", lang))
        self.argv = argv
        self.lang = lang
        self.max_learners = max_learners
        self.code = code
        self.sessions: set[LearnerSession] = set()
        self.ended = 0  # sessions ended by the stop
        self._page = Template(PAGE.read_text(encoding="utf-8"))

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.static("/static", self.statics_path, name="static"),
        ])
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler):
        if self.code is not None:
            given = request.query.get(CODE_PARAM) or request.cookies.get(CODE_COOKIE) or ""
            if not secrets.compare_digest(given.encode(), self.code.encode()):
                return web.Response(status=403)
        return await handler(request)

    def full(self) -> bool:
        return len(self.sessions) >= self.max_learners

    async def handle_index(self, request: web.Request) -> web.Response:
        if self.full():
            return web.Response(status=503, text=self.full_page(), content_type="text/html",
                                headers={"Retry-After": "30"})
        scheme = "wss" if request.secure else "ws"
        font_size = max(8, min(to_int(request.query.get("fontsize", "16"), 16), 48))
        lang = self.lang
        page = self._page.substitute(
            lang=lang, title=html.escape(self.title), loading=html.escape(word(
                "serve.page.loading", lang)), ended=html.escape(word("serve.page.ended", lang)),
            restart=html.escape(word("serve.page.restart", lang)), font_size=font_size,
            websocket_url=html.escape(f"{scheme}://{request.host}/ws"))
        response = web.Response(text=page, content_type="text/html")
        if self.code is not None:  # the page's scripts, styles and socket carry it from here
            response.set_cookie(CODE_COOKIE, self.code, httponly=True, samesite="Strict")
        return response

    def full_page(self) -> str:
        """The page for a learner over the limit, in both languages."""
        blocks = "".join(
            f'<section lang="{lang}"><h1>{html.escape(word("serve.full.title", lang))}</h1>'
            f'<p>{html.escape(word("serve.full.body", lang, max=self.max_learners))}</p>'
            "</section>" for lang in (self.lang, *(x for x in LANGS if x != self.lang)))
        return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>'
                f"{html.escape(self.title)}</title><style>body{{background:#0c181f;"
                "color:#eee;font-family:sans-serif;max-width:40em;margin:10vh auto;"
                "padding:0 1em}section{margin-bottom:3em}</style></head>"
                f"<body>{blocks}</body></html>")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if self.full():  # a page opened just before the last place was taken: show it again
            await websocket.send_str(json.dumps(["open_url", {"url": "/", "new_tab": False}]))
            await websocket.close()
            return websocket
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        session = LearnerSession(self.argv, write_bytes=websocket.send_bytes,
                                 write_str=websocket.send_str, close=websocket.close,
                                 download_manager=self.download_manager)
        self.sessions.add(session)
        try:
            await session.start(width, height)
            # An app that ends by itself (q, or one that could not start) ends the tab's
            # session too: the page says so instead of waiting for a frame that never comes.
            session._task.add_done_callback(lambda _: asyncio.ensure_future(websocket.close()))
            await self._process_messages(websocket, session)
        except (asyncio.CancelledError, ConnectionResetError):
            pass
        except Exception as error:  # one tab's broken message must not stop the class
            problem = word("cli.error.serve.session_ended", self.lang, error=error)
            print(f"deploylab serve: {problem}", file=sys.stderr)
        finally:
            try:
                await session.end()  # the tab closed: the app saves and exits
            except Exception as error:  # noqa: BLE001 - the class goes on; the place is freed
                problem = word("cli.error.serve.not_ended", self.lang, error=error)
                print(f"deploylab serve: {problem}", file=sys.stderr)
            finally:
                self.sessions.discard(session)  # the place is given back whatever happened
                await websocket.close()
        return websocket

    async def end_all(self) -> None:
        sessions = list(self.sessions)
        self.ended = len(sessions)
        await asyncio.gather(*(s.end() for s in sessions), return_exceptions=True)

    async def run(self, host: str, port: int, on_listening) -> None:
        """Listen until SIGINT or SIGTERM, then end every app process and stop."""
        runner = web.AppRunner(await self._make_app(), access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as err:
            await runner.cleanup()
            raise ServeError(bind_problem(host, port, err)) from None
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        on_listening()
        try:
            await stop.wait()
        finally:
            await self.end_all()
            await runner.cleanup()


def bind_problem(host: str, port: int, err: OSError):
    """The message (a `Msg`) for a host and port that cannot be listened on."""
    shown = quoted(host)
    if isinstance(err, socket.gaierror):
        return cli_msg("cli.error.serve.unknown_host", host=shown)
    if err.errno == errno.EADDRINUSE:
        return cli_msg("cli.error.serve.port_in_use", host=shown, port=port)
    if err.errno in (errno.EADDRNOTAVAIL, errno.EINVAL):
        return cli_msg("cli.error.serve.not_local", host=shown)
    if err.errno == errno.EACCES:
        return cli_msg("cli.error.serve.low_port", port=port)
    reason = err.strerror or str(err)  # the system's own words
    return cli_msg("cli.error.serve.cannot_listen", host=shown, port=port,
                   reason=f"{reason[:1].lower()}{reason[1:]}")


def lan_address() -> str:
    """This computer's address on its network, for the URL learners type (no packet is sent:
    connecting a UDP socket only picks the route)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            return probe.getsockname()[0]
    except OSError:
        return socket.gethostname()


def public_url(host: str, port: int, code: str | None) -> str:
    shown = lan_address() if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/" + (f"?{CODE_PARAM}={code}" if code else "")


def run_serve(args: Namespace) -> int:
    import os

    lang = args.lang or lang_from_env(dict(os.environ))
    host = args.host
    if not host.strip() or not host.isprintable():
        print(f"deploylab: {word('cli.error.serve.bad_host', lang, host=quoted(host))}",
              file=sys.stderr)
        return 2
    code = None if is_loopback(host) else secrets.token_urlsafe(12)
    server = ClassServer(app_argv(lang, bool(args.present)), lang=lang,
                         max_learners=args.max_learners, code=code)

    def listening() -> None:
        print(word("serve.listening", lang, url=public_url(host, args.port, code),
                   max=args.max_learners), flush=True)
        if code is not None:
            print(word("serve.beyond", lang, host=host), file=sys.stderr, flush=True)
        print(word("serve.stop", lang), flush=True)

    try:
        asyncio.run(server.run(host, args.port, listening))
    except ServeError as err:
        print(f"deploylab: {render(err.message, lang)}", file=sys.stderr)
        return 2
    print(word("serve.stopped", lang, count=server.ended), flush=True)
    return 0
