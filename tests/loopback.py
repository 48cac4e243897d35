"""A built site served on 127.0.0.1 as a static host such as GitHub Pages serves it, for the
browser tests that need http:// (module scripts, fetch) rather than file://."""

from __future__ import annotations

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
