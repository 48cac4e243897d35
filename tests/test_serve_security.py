"""The dev server refuses what a hostile page or client sends it: foreign hosts, odd paths,
idle connections by the hundred, and any way out of its folder."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.livereload import CHANNEL, Limits, LiveReloadServer

from conftest import EXAMPLE, Served

REFUSED = ("Host evil.example is not allowed by this development server; to allow it, "
           "start the server with --allow-host evil.example\n")


@dataclass
class Reply:
    status: int | None  # None: the connection closed without an answer
    headers: dict[str, str]
    body: bytes


def ask(port: int, target: str, host: str | None = "127.0.0.1", method: str = "GET",
        version: str = "HTTP/1.1", extra: str = "") -> Reply:
    """Send one request exactly as written, as an attacker would, and read the whole reply."""
    head = f"{method} {target} {version}\r\n"
    if host is not None:
        head += f"Host: {host}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall((head + extra + "Connection: close\r\n\r\n").encode("latin-1"))
        return parse(read_all(sock), head=method == "HEAD")


def read_all(sock: socket.socket) -> bytes:
    data = b""
    with contextlib.suppress(ConnectionResetError):  # after a reply to a request left unread
        while chunk := sock.recv(65536):
            data += chunk
    return data


def parse(data: bytes, head: bool = False) -> Reply:
    if not data:
        return Reply(None, {}, b"")
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    if not head:
        assert int(headers.get("Content-Length", len(body))) == len(body), "a reply cut short"
    return Reply(int(status_line.split(" ")[1]), headers, body)


def port_of(url: str) -> int:
    return int(url.split(":")[2].split("/")[0])


class Serving(Served):
    """`chronoline serve` as a subprocess (stopped by `Served` if it fails to start), and its
    port."""

    def __init__(self, root: Path, *args: str) -> None:
        super().__init__(root, *args)
        self.port = port_of(self.url)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Serving]]:
    """serve("--option", ...) runs `chronoline serve` on a copy of tests/example."""
    started: list[Serving] = []

    def start(*args: str) -> Serving:
        root = tmp_path / f"example{len(started)}"
        shutil.copytree(EXAMPLE, root)
        started.append(Serving(root, *args))
        return started[-1]

    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serving]:
    """One server for the tests that only read: they change nothing it serves."""
    root = tmp_path_factory.mktemp("serve-security") / "example"
    shutil.copytree(EXAMPLE, root)
    server = Serving(root)
    try:
        yield server
    finally:
        server.stop()


# Item: the Host header (DNS rebinding).

CHANNEL_PATHS = [CHANNEL + "state", CHANNEL + "events", CHANNEL + "client.js"]
SITE_PATHS = ["/timeline/", "/timeline/events/day/", "/timeline/no/such/page", "/"]


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "EVIL.example.",
                                  "evil.example:"])
def test_a_foreign_host_is_refused_on_every_path(example, host):
    server = example
    for path in SITE_PATHS + CHANNEL_PATHS:
        for method in ("GET", "HEAD"):
            reply = ask(server.port, path, host=host, method=method)
            assert reply.status == 403, (path, method)
            assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"
            assert reply.body == (REFUSED.encode() if method == "GET" else b"")
    assert not any("Traceback" in line for line in server.lines)


def test_a_rebinding_name_cannot_read_the_site_through_an_absolute_url(example):
    server = example
    reply = ask(server.port, "http://evil.example/timeline/", host="127.0.0.1")
    assert (reply.status, reply.body) == (403, REFUSED.encode())
    assert ask(server.port, f"http://127.0.0.1:{server.port}/timeline/", host="x.y").status == 200


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "LocalHost.", "127.0.0.1",
                                  "127.0.0.1:1234", "[::1]", "[::1]:8000", "app.localhost:3000",
                                  "192.168.1.20:8000", "[fe80::1]"])
def test_this_machines_names_and_ip_addresses_are_answered(example, host):
    port = example.port
    reply = ask(port, "/timeline/", host=host)
    assert reply.status == 200 and b'id="event-day"' in reply.body
    assert ask(port, CHANNEL + "state", host=host).status == 200


def test_allow_host_names_a_host_or_a_domain(serve):
    server = serve("--allow-host", "Timeline.Example.test", "--allow-host", ".tunnel.test")
    for host in ("timeline.example.test", "timeline.example.test:443", "tunnel.test",
                 "a.tunnel.test", "b.a.tunnel.test:80"):
        assert ask(server.port, "/timeline/", host=host).status == 200, host
    for host in ("example.test", "other.example.test", "eviltunnel.test", "tunnel.test.evil"):
        reply = ask(server.port, "/timeline/", host=host)
        assert reply.status == 403, host
        assert f"--allow-host {host}\n".encode() in reply.body


def test_a_request_without_host_is_answered_only_in_http_1_0(example):
    """A browser always sends Host, so a request without one never comes from a page; HTTP/1.1
    requires it (RFC 9112), older tools may leave it out."""
    port = example.port
    assert ask(port, "/timeline/", host=None, version="HTTP/1.0").status == 200
    bad = b"Bad request: send one Host header, well formed\n"
    assert (ask(port, "/timeline/", host=None).status, ask(port, "/timeline/", host=None).body
            ) == (400, bad)
    twice = ask(port, "/timeline/", extra="Host: evil.example\r\n")
    assert (twice.status, twice.body) == (400, bad)
    for malformed in ("", "a b", "localhost:80x", "[::1", "[evil.example]", "localhost:80:80",
                      "..", "evil\x1b[31m.example", "<script>", "user@evil.example"):
        reply = ask(port, "/timeline/", host=malformed)
        assert (reply.status, reply.body) == (400, bad), malformed


@pytest.mark.parametrize(("name", "message"), [
    ("http://x.test:80/", "give a host name alone, without scheme, port or path, such as "
     "timeline.example.test, or .example.test for that name and all below it"),
    (".com", "would allow every name under a top-level domain, which is what this check keeps "
     "out; name your own domain, such as .example.test"),
])
def test_a_bad_allow_host_is_a_clear_error(tmp_path, name, message):
    root, tmp = tmp_path / "s", tmp_path / "tmp"
    (root / "content").mkdir(parents=True)
    tmp.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "generator", "serve", "--source", str(root), "--port", "0",
         "--allow-host", name],
        capture_output=True, text=True, timeout=60, env={**os.environ, "TMPDIR": str(tmp)})
    assert done.returncode == 1
    assert done.stderr == f"chronoline serve: --allow-host {name!r}: {message}\n"
    assert list(tmp.iterdir()) == [], "a server that does not start leaves no folder"


def test_listening_beyond_loopback_warns_once(serve):
    local = serve()
    assert not any("warning" in line for line in local.lines)
    exposed = serve("--bind", "0.0.0.0", "--drafts")
    assert [line for line in exposed.lines if "warning" in line] == [
        "warning: --bind 0.0.0.0 is not a loopback address: other machines on the network can "
        "read this site, drafts included"]


# Item: odd paths get an answer, never a dropped connection.

@pytest.mark.parametrize(("target", "status"), [
    ("/timeline/" + "a" * 256, 404),
    ("/timeline/" + "a" * 300 + "/index.html", 404),
    ("/timeline/" + "%61" * 300, 404),
    ("/timeline/" + "a/" * 3000, 404),
    ("/timeline/events/" + "é" * 200, 404),
    (CHANNEL + "a" * 300, 404),
    ("/timeline/" + "a" * 70_000, 414),
    ("/timeline/%00", 400),
    ("/timeline/a%00b.html", 400),
    ("/timeline/a\x00b", 400),
    ("/timeline/%zz", 404),
    ("/timeline/%e9%ff", 404),
    ("/timeline/%", 404),
    ("/timeline/a\\b", 400),
    ("/timeline/a%5cb", 400),
    ("/timeline/?" + "q" * 60_000, 200),
    ("/timeline/events/day/?a=%00&b=%zz#x", 200),
])
def test_odd_paths_get_an_answer(example, target, status):
    assert ask(example.port, target).status == status
    assert ask(example.port, "/timeline/").status == 200
    assert not any("Traceback" in line for line in example.lines)


def test_a_folder_with_a_name_beyond_ascii_redirects(tmp_path):
    (tmp_path / "日本").mkdir()
    (tmp_path / "日本" / "index.html").write_text("<p>here</p>", encoding="utf-8")
    with running(tmp_path) as server:
        reply = ask(server.server_address[1], "/%E6%97%A5%E6%9C%AC")
        assert (reply.status, reply.headers["Location"]) == (301, "/%E6%97%A5%E6%9C%AC/")
        assert b"here" in ask(server.server_address[1], "/%E6%97%A5%E6%9C%AC/").body


# Item: the folder, and nothing outside it.

@contextlib.contextmanager
def running(folder: Path, **options: object) -> Iterator[LiveReloadServer]:
    """The server itself, in this process, on a free loopback port."""
    server = LiveReloadServer(("127.0.0.1", 0), folder, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.close()
        thread.join(timeout=20)


def test_nothing_outside_the_folder_is_served(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("SECRET", encoding="utf-8")
    folder = tmp_path / "served"
    folder.mkdir()
    (folder / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (folder / "leak.txt").symlink_to(outside / "secret.txt")
    (folder / "out").symlink_to(outside)
    (folder / "loop").symlink_to(folder / "loop")
    with running(folder) as server:
        port = server.server_address[1]
        for target in ("/leak.txt", "/out/secret.txt", "/out/", "/../outside/secret.txt",
                       "/%2e%2e/outside/secret.txt", "/%2E%2E%2foutside%2fsecret.txt",
                       "/..%5coutside%5csecret.txt", "//outside/secret.txt", "/loop",
                       "/loop/x", "http://127.0.0.1/../outside/secret.txt"):
            reply = ask(port, target)
            assert reply.status in (400, 404), target
            assert b"SECRET" not in reply.body, target
        assert b"home" in ask(port, "/").body


# Item: connections are bounded in time and number.

def idle_sockets(port: int, count: int) -> list[socket.socket]:
    """Connections that send nothing, or half a request line, and wait."""
    sockets = []
    for index in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        if index % 2:
            sock.sendall(b"GET /index.html HT")
        sockets.append(sock)
    return sockets


def handler_threads() -> int:
    return sum("process_request_thread" in thread.name for thread in threading.enumerate())


def test_idle_connections_are_capped_and_closed_after_the_timeout(tmp_path):
    (tmp_path / "index.html").write_text("<p>home</p>", encoding="utf-8")
    before = handler_threads()
    limits = Limits(timeout=0.5, connections=8, wait=0)
    with running(tmp_path, limits=limits) as server:
        port = server.server_address[1]
        sockets = idle_sockets(port, 200)
        try:
            assert handler_threads() - before <= 8
            # Each is turned away with a 503, or held and closed when it has been silent
            # for the timeout; none stays open (recv would time out after 30 s).
            replies = [parse(read_all(sock)) for sock in sockets]
            assert handler_threads() - before <= 8
        finally:
            for sock in sockets:
                sock.close()
        assert {reply.status for reply in replies} <= {None, 503}
        assert sum(reply.status is None for reply in replies) >= 8
        turned_away = [reply for reply in replies if reply.status == 503]
        assert turned_away and turned_away[0].body == (
            b"Too many connections to the development server; try again in a moment.\n")
        assert b"home" in ask(port, "/").body


def test_a_connection_beyond_the_cap_waits_for_a_slot(tmp_path):
    (tmp_path / "index.html").write_text("<p>home</p>", encoding="utf-8")
    with running(tmp_path, limits=Limits(timeout=0.5, connections=2, wait=30)) as server:
        port = server.server_address[1]
        sockets = idle_sockets(port, 2)
        try:
            reply = ask(port, "/")  # answered once one of the idle ones is let go
            assert reply.status == 200 and b"home" in reply.body
            assert [read_all(sock) for sock in sockets] == [b"", b""]
        finally:
            for sock in sockets:
                sock.close()


def test_the_event_stream_outlasts_the_read_timeout(tmp_path):
    with running(tmp_path, limits=Limits(timeout=1.0)) as server:
        port = server.server_address[1]
        with socket.create_connection(("127.0.0.1", port), timeout=20) as stream:
            stream.sendall(f"GET {CHANNEL}events HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
            reader = stream.makefile("rb")
            first = next_event(reader)
            (idle,) = idle_sockets(port, 1)
            with idle:
                assert read_all(idle) == b""  # the timeout has passed: this one was let go
            server.announce()
            assert next_event(reader)["epoch"] == first["epoch"] + 1


def next_event(reader) -> dict:
    while line := reader.readline():
        if line.startswith(b"data: "):
            return json.loads(line.removeprefix(b"data: "))
    raise AssertionError("the event stream closed")


def test_a_slow_reader_gets_the_whole_of_a_large_file(tmp_path):
    """The timeout bounds each write, not the whole of a reply that takes longer."""
    data = bytes(range(256)) * (32 * 1024)  # 8 MB
    (tmp_path / "big.json").write_bytes(data)
    with running(tmp_path, limits=Limits(timeout=1.0)) as server:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
            sock.settimeout(20)
            sock.connect(("127.0.0.1", server.server_address[1]))
            sock.sendall(b"GET /big.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            received = b""
            while chunk := sock.recv(16 * 1024):
                received += chunk
                time.sleep(0.01)  # a reader slower than the network: 8 MB take over 4 s
        assert parse(received).body == data


class Counted(LiveReloadServer):
    """Releases `accepted` as each connection is accepted, before it waits for a slot."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.accepted = threading.Semaphore(0)

    def process_request(self, request: socket.socket, client_address: tuple) -> None:
        self.accepted.release()
        super().process_request(request, client_address)


def test_stopping_does_not_wait_for_a_connection_beyond_the_cap(tmp_path):
    server = Counted(("127.0.0.1", 0), tmp_path, limits=Limits(timeout=60, connections=1,
                                                               wait=60))
    asked = server.accepted
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sockets = idle_sockets(server.server_address[1], 2)
    try:
        assert asked.acquire(timeout=20) and asked.acquire(timeout=20)  # the second now waits
        closing = threading.Thread(target=server.close)
        closing.start()
        closing.join(timeout=20)  # far below the 60 s the second would wait: only a hang fails
        assert not closing.is_alive(), "stopping waited for a slot"
    finally:
        for sock in sockets:
            sock.close()
