"""A development HTTP server that reloads open pages when told to.

It knows nothing of chronoline (it imports only a generic lock): it serves a folder, waits
while its owner rewrites that folder (`with server.writing():`), and tells every open page to
reload (`server.announce()`) or to show an error (`server.announce(error=...)`). Pages learn of
changes through one Server-Sent Events stream per browser, shared by all its tabs through a
SharedWorker, since a browser allows only six connections per host over HTTP/1.1.

It answers only requests addressed to this machine by a name no other site can point at
(`localhost`, an IP address) or by a name its owner allows: a page on another site that
points its own name at 127.0.0.1 (DNS rebinding) would otherwise read everything served.
Connections are bounded in number and time, so idle sockets cannot hold a thread each forever.
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import json
import logging
import mimetypes
import posixpath
import re
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from generator.readwritelock import ReadWriteLock

log = logging.getLogger(__name__)

CHANNEL = "/__livereload__/"
CLIENT_DIR = Path(__file__).parent / "livereload_client"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json",
    ".xml": "application/xml", ".ics": "text/calendar; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".ico": "image/x-icon", ".pdf": "application/pdf", ".woff2": "font/woff2",
}
KEEPALIVE_SECONDS = 15
INDEX = "index.html"  # a folder's page, shown at the folder's URL
# Past this many, an announcement says "any page": it goes to every tab at every edit.
MAX_PAGES_NAMED = 200
RECENT_CHANGES = 8  # page changes whose pages every state names
WRITE_CHUNK = 64 * 1024  # a socket timeout bounds each write: this much must go in that time
_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")  # punycode, as browsers send it
_PORT = re.compile(r"(:[0-9]*)?")
# What socketserver hands a server for each request: a datagram server's is a pair.
Request = socket.socket | tuple[bytes, socket.socket]


@dataclass(frozen=True)
class Limits:
    """How long a connection may stay silent, and how many may be served at once."""

    timeout: float = 10.0  # seconds a read (the request line, a header) or a write may take
    connections: int = 128  # one thread each; an event stream holds one per browser
    wait: float = 5.0  # how long a connection beyond the cap waits for a slot before a 503


class LiveReloadServer(ThreadingHTTPServer):
    """Serves `folder` under the URL path `mount` (such as `/` or `/repo/`) to requests for
    localhost, an IP address or a name in `allowed_hosts` (`.example.test`: it and those under
    it), within `limits`."""

    daemon_threads = True
    request_queue_size = 256  # 200 browsers or test clients may connect at once

    def __init__(self, address: tuple[str, int], folder: Path, mount: str = "/", *,
                 allowed_hosts: Iterable[str] = (), limits: Limits = Limits()) -> None:
        super().__init__(address, _Handler)
        self.folder = folder.resolve()
        self.mount = mount if mount.endswith("/") else mount + "/"
        self.allowed_hosts = frozenset(name.lower().removesuffix(".") for name in allowed_hosts)
        self.limits = limits
        self._slots = threading.BoundedSemaphore(limits.connections)
        self.lock = ReadWriteLock()
        self._changed = threading.Condition()
        self.epoch = 1
        self.page_epoch = 1  # the last epoch at which pages (not only styles) changed
        # The URL paths of the pages changed at each of the last page epochs (None: any).
        self.recent: deque[tuple[int, list[str] | None]] = deque(maxlen=RECENT_CHANGES)
        self.known_since = 0  # the page changes after this epoch are all in `recent`
        self.error: str | None = None
        self.closing = False
        # Pages served by an earlier run of the server reload when they reconnect to this one.
        self.session = secrets.token_hex(4)

    @property
    def address(self) -> tuple[str, int]:
        """The IP address and port it listens on (the one the system chose, for port 0)."""
        host = self.server_address[0]
        assert isinstance(host, str)  # an IP socket's address gives its host as text
        return host, self.server_port

    def writing(self) -> contextlib.AbstractContextManager[None]:
        """Hold requests back while the folder is rewritten."""
        return self.lock.writing()

    def announce(self, styles_only: bool = False, error: str | None = None,
                 pages: Collection[str] | None = None) -> None:
        """Tell every open page what happened: new pages, new styles, or an error to show.
        `pages` names the files written or removed when only those pages changed (None: any
        page may have): a tab showing another page stays as it is."""
        with self._changed:
            if error is None:
                self.epoch += 1
                if not styles_only:
                    self.page_epoch = self.epoch
                    named = None if pages is None or len(pages) > MAX_PAGES_NAMED else sorted(
                        {self._url_path(path) for path in pages})
                    if len(self.recent) == self.recent.maxlen:
                        self.known_since = self.recent[0][0]
                    self.recent.append((self.epoch, named))
            self.error = error
            self._changed.notify_all()

    def _url_path(self, path: str) -> str:
        """The URL path a browser shows for a file of the folder, as the client compares it."""
        url = self.mount + path
        return url.removesuffix(INDEX) if url.endswith("/" + INDEX) else url

    def state(self) -> dict:
        # `recent`: the pages each of the last page changes rewrote, so that a tab that missed
        # a message, or got two at once, still knows whether its own page changed; a tab
        # older than `known_since` cannot know, and reloads.
        recent = [list(change) for change in self.recent]  # as JSON gives it back
        return {"session": self.session, "epoch": self.epoch, "page_epoch": self.page_epoch,
                "recent": recent, "known_since": self.known_since, "error": self.error}

    def wait_for_change(self, seen: dict, timeout: float) -> dict:
        with self._changed:
            self._changed.wait_for(lambda: self.state() != seen or self.closing, timeout)
            return self.state()

    def close(self) -> None:
        with self._changed:
            self.closing = True
            self._changed.notify_all()
        self.shutdown()
        self.server_close()

    def allows(self, host: str) -> bool:
        """Whether a request for `host` (a Host header's name, without port) is answered."""
        if host == "localhost" or host.endswith(".localhost") or _is_ip_address(host):
            return True  # no other site can make these names lead here
        return any(host == allowed or (allowed.startswith(".") and (
            host.endswith(allowed) or host == allowed[1:])) for allowed in self.allowed_hosts)

    def handle_error(self, request: object, client_address: tuple) -> None:
        # A closed tab or a dropped connection is normal while authoring: no traceback.
        log.debug("request from %s failed", client_address, exc_info=True)

    def process_request(self, request: Request, client_address: tuple) -> None:
        # Beyond the cap, the connection waits here and the ones after it wait unaccepted in
        # the listen queue, costing no thread; one that waits too long gets a 503.
        if not self._take_slot():
            assert isinstance(request, socket.socket)  # a TCP server's requests are sockets
            return _turn_away(request)
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Request, client_address: tuple) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _take_slot(self) -> bool:
        deadline = time.monotonic() + self.limits.wait
        while not self.closing:  # checked often, so that Ctrl-C does not wait for a slot
            if self._slots.acquire(timeout=max(0.0, min(0.1, deadline - time.monotonic()))):
                return True
            if time.monotonic() >= deadline:
                return False
        return False


class _Handler(BaseHTTPRequestHandler):
    server: LiveReloadServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes; with Nagle's algorithm the second waits for the
    # browser's delayed acknowledgement of the first, 40 ms on every keep-alive request.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        # The socket's timeout bounds every read and write, so a silent client is let go.
        self.request.settimeout(self.server.limits.timeout)
        super().setup()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        log.debug(format, *args)

    def do_HEAD(self) -> None:  # noqa: N802 (http.server's naming)
        self._respond(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        if not self._host_allowed(head):
            return None
        path = urlsplit(self.path).path
        if path.startswith(CHANNEL):
            return self._channel(path.removeprefix(CHANNEL), head)
        mount = self.server.mount
        if not path.startswith(mount):
            if path + "/" == mount or path == "/":
                return self._redirect(mount)
            return self._not_found(head)
        relative = unquote(path[len(mount):])
        if not _is_safe(relative):
            return self._send(HTTPStatus.BAD_REQUEST, b"Bad request\n", "text/plain", head)
        with self.server.lock.reading():
            found = self._find(relative)
            body = _read(found) if isinstance(found, Path) else b""
        if isinstance(found, str):
            return self._redirect(quote(found))
        if found is None or body is None:
            return self._not_found(head)
        self._send(HTTPStatus.OK, body, _content_type(found), head)

    def _host_allowed(self, head: bool) -> bool:
        """Refuse a request addressed to a name not allowed: one a DNS-rebinding page uses."""
        hosts = self.headers.get_all("Host") or []
        target = urlsplit(self.path)
        if target.scheme and target.netloc:
            hosts = [target.netloc]  # an absolute URL's host stands for the Host header
        if not hosts and self.request_version in ("HTTP/0.9", "HTTP/1.0"):
            return True  # no Host: never a browser, so never a rebinding page
        host = _host_name(hosts[0]) if len(hosts) == 1 else None
        if host is None:  # HTTP/1.1 requires exactly one (RFC 9112, section 3.2)
            self._send(HTTPStatus.BAD_REQUEST, b"Bad request: send one Host header, well formed\n",
                       "text/plain; charset=utf-8", head)
            return False
        if self.server.allows(host):
            return True
        body = (f"Host {host} is not allowed by this development server; to allow it, "
                f"start the server with --allow-host {host}\n").encode()
        self._send(HTTPStatus.FORBIDDEN, body, "text/plain; charset=utf-8", head)
        return False

    def _find(self, relative: str) -> Path | str | None:
        folder = self.server.folder
        try:
            target = (folder / relative).resolve()
            if target != folder and folder not in target.parents:
                return None  # a link that points out of the folder
            if target.is_dir():
                if relative and not relative.endswith("/"):
                    return self.server.mount + relative + "/"
                target = target / INDEX
            return target if target.is_file() else None
        except (OSError, RuntimeError):
            return None  # a name too long for the system, or a loop of links: not a file here

    def _not_found(self, head: bool) -> None:
        page = self.server.folder / "404.html"
        with self.server.lock.reading():
            body = page.read_bytes() if page.is_file() else (
                b"<!DOCTYPE html><html lang=en><title>Not found</title><h1>Not found</h1></html>")
        self._send(HTTPStatus.NOT_FOUND, body, CONTENT_TYPES[".html"], head)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, head: bool) -> None:
        if content_type.startswith("text/html"):
            body = _inject(body, self.server.state())
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if head:
            return
        # In pieces: the timeout bounds each write, and a large export to a slow reader
        # takes longer than that in all.
        view = memoryview(body)
        for start in range(0, len(view), WRITE_CHUNK):
            self.wfile.write(view[start:start + WRITE_CHUNK])

    def _channel(self, name: str, head: bool) -> None:
        if name == "events":
            return self._stream()
        if name == "state":
            body = json.dumps(self.server.state()).encode()
            return self._send(HTTPStatus.OK, body, CONTENT_TYPES[".json"], head)
        client = CLIENT_DIR / name
        if name in ("client.js", "worker.js") and client.is_file():
            return self._send(HTTPStatus.OK, client.read_bytes(), CONTENT_TYPES[".js"], head)
        self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain", head)

    def _stream(self) -> None:
        """Server-Sent Events: the state now, then again at every change."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen: dict = {}
        try:
            while not self.server.closing:
                state = self.server.wait_for_change(seen, KEEPALIVE_SECONDS)
                message = f"data: {json.dumps(state)}\n\n" if state != seen else ": ping\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                seen = state
        except (ConnectionError, OSError):
            pass  # the tab or the browser went away


def _turn_away(request: socket.socket) -> None:
    """Answer 503 without a thread; the client may try again in a moment."""
    body = b"Too many connections to the development server; try again in a moment.\n"
    try:
        request.setblocking(False)  # a few bytes into a new socket's buffer: never waits
        request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
                        b"Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
                        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        request.shutdown(socket.SHUT_WR)
        request.recv(65536)  # what the client sent: closing with it unread would reset the answer
    except OSError:
        pass
    request.close()


def _host_name(header: str) -> str | None:
    """The name in a Host header, lower case, without port or final dot; None if malformed."""
    header = header.strip().lower()
    if header.startswith("["):
        name, bracket, port = header[1:].partition("]")
        if not bracket or not _is_ip_address(name):
            return None
    else:
        name, colon, port = header.partition(":")
        port = colon + port
        if not _NAME.fullmatch(name):
            return None
    return name.removesuffix(".") if _PORT.fullmatch(port) else None


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None  # gone or unreadable since it was found


def _is_safe(relative: str) -> bool:
    if "\x00" in relative or "\\" in relative or relative.startswith("/"):
        return False
    return ".." not in relative.split("/") and posixpath.normpath("/" + relative).startswith("/")


def _content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _inject(body: bytes, state: dict) -> bytes:
    """Add the reload client to a page as it is served; nothing is written to disk. It
    loads `async`: the page it reloads is shown without waiting for it."""
    tag = (f'<script async src="{CHANNEL}client.js" data-session="{state["session"]}" '
           f'data-epoch="{state["epoch"]}" data-error="{html.escape(state["error"] or "")}">'
           "</script>").encode()
    index = body.rfind(b"</body>")
    return body[:index] + tag + body[index:] if index >= 0 else body + tag
