"""Servers on 127.0.0.1 for the tests: a built site served as a static host such as GitHub
Pages serves it, for the browser tests that need http:// (module scripts, fetch) rather than
file://; and a server too slow ever to finish an answer."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from conftest import DEMO_BASE_URL

PREFIX = urlsplit(DEMO_BASE_URL).path  # the demo is built to be served under /REPO/


class LoopbackSite:
    """A built site served on 127.0.0.1 under `prefix`, as a static host serves it (404.html
    for what is missing), noting each request's path and status."""

    def __init__(self, folder: Path, prefix: str) -> None:
        self.folder, self.prefix = folder, prefix
        self.answered: list[tuple[str, int]] = []
        self._noted = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{prefix}"

    def _handler(self) -> type[SimpleHTTPRequestHandler]:
        site = self

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args: object, **kwargs: object) -> None:
                super().__init__(*args, directory=str(site.folder), **kwargs)

            def send_head(self):  # noqa: ANN202 - as the base class has it
                path = unquote(urlsplit(self.path).path)
                if not path.startswith(site.prefix) or not Path(
                        self.translate_path(self.path)).exists():
                    return self._not_found()
                return super().send_head()

            def translate_path(self, path: str) -> str:
                inside = urlsplit(path).path.removeprefix(site.prefix.rstrip("/"))
                return super().translate_path(inside or "/")

            def _not_found(self):  # noqa: ANN202
                body = (site.folder / "404.html").read_bytes()
                self.send_response(HTTPStatus.NOT_FOUND)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return None

            def log_request(self, code: object = "-", size: object = "-") -> None:
                with site._noted:
                    site.answered.append((urlsplit(self.path).path, int(code)))
                    site._noted.notify_all()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        return Handler

    def wait_for_request(self, ending: tuple[str, ...], timeout: float = 20) -> tuple[str, int]:
        """The first request whose path ends with one of `ending`, once it is answered."""
        def found() -> tuple[str, int] | None:
            return next((a for a in self.answered if a[0].endswith(ending)), None)

        with self._noted:
            if not self._noted.wait_for(lambda: found() is not None, timeout):
                raise AssertionError(f"no request for {ending} in {self.answered}")
            answer = found()
            assert answer is not None
            return answer


@contextmanager
def served(folder: Path, prefix: str = PREFIX) -> Iterator[LoopbackSite]:
    """Serve `folder` on a free loopback port for the block; always stopped after."""
    site = LoopbackSite(folder, prefix)
    thread = threading.Thread(target=site._server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site._server.shutdown()
        site._server.server_close()
        thread.join()


@contextmanager
def dripping_server(path: str = "/") -> Iterator[str]:
    """A server that answers every connection a byte of its headers now and then, and never
    finishes: each byte comes well within a socket's timeout. Yields the address of `path`."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    drips: list[threading.Thread] = []

    def drip(connection: socket.socket) -> None:
        with connection:
            for byte in (b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 60_000):
                if stop.wait(0.05):  # the pace of the server, not a wait of the test's
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:  # the client gave up
                    return

    def accept() -> None:
        while True:
            try:
                connection = listener.accept()[0]
            except OSError:  # closed: the test is over
                return
            drips.append(threading.Thread(target=drip, args=(connection,), daemon=True))
            drips[-1].start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}{path}"
    finally:
        stop.set()
        listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() under way
        listener.close()
        for thread in [acceptor, *drips]:
            thread.join(timeout=30)
