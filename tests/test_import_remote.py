"""chronoline import https://…: a TimelineJS file or a published Google Sheet fetched from the
web, bounded, every failure one line; tested against servers on loopback that the tests start."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from generator.importer import ImportFailed, import_file
from generator.importformats import MAX_BYTES
from generator.importremote import fetch

from conftest import free_port
from loopback import dripping_server

SHEET = ("Year,Month,Day,Headline,Text,Media,Media Caption,Type\n"
         ",,,The title,An intro,,,title\n"
         "2018,7,19,Board report,<p>One</p>,images/report.png,The report,\n"
         "2019,1,,A year on,,,,\n")
TIMELINE = {"title": {"text": {"headline": "From the web"}}, "events": [
    {"start_date": {"year": 2001}, "text": {"headline": "Relative"},
     "media": {"url": "media/map.png", "caption": "A map"},
     "background": {"url": "../bg/sky.jpg"}},
    {"start_date": {"year": 2002}, "text": {"headline": "Protocol relative"},
     "media": {"url": "//example.org/x.jpg"}},
    {"start_date": {"year": 2003}, "text": {"headline": "Absolute"},
     "media": {"url": "https://example.org/y.png", "credit": "Y"}},
    {"start_date": {"year": 2004}, "text": {"headline": "From the root"},
     "media": {"url": "/static/z.jpg"}}]}

# path → (status, headers, body); a body of None is MAX_BYTES + 1 bytes, sent in pieces
ROUTES: dict[str, tuple[int, dict[str, str], bytes | None]] = {
    "/tl/timeline.json": (200, {"Content-Type": "application/json"},
                          json.dumps(TIMELINE).encode()),
    "/old/timeline.json": (302, {"Location": "/tl/timeline.json"}, b""),
    "/spreadsheets/d/e/KEY/pub?output=csv": (200, {"Content-Type": "text/csv"},
                                             SHEET.encode()),
    "/sheet-as-bytes": (200, {"Content-Type": "application/octet-stream"}, SHEET.encode()),
    "/pubhtml": (200, {"Content-Type": "text/html; charset=utf-8"},
                 b"<!DOCTYPE html><html><body>A sheet</body></html>"),
    "/loop": (302, {"Location": "/loop"}, b""),
    "/via": (301, {"Location": "/to-file"}, b""),
    "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
    "/huge.json": (200, {"Content-Type": "application/json"}, None),
}


class _Answers(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        status, headers, body = ROUTES.get(self.path, (404, {}, b"no such file"))
        size = MAX_BYTES + 1 if body is None else len(body)
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(size)}.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            if body is None:
                for _ in range(0, size, 1024 * 1024):
                    self.wfile.write(b" " * (1024 * 1024))
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client stopped reading: fine
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    """Loopback is asked directly, whatever proxy the machine running the tests sets."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy",
                 "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[str]:
    """A web server on loopback answering ROUTES; yields its address."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=30)


@contextmanager
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never says a word."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/timeline.json"
    finally:
        stop.set()
        thread.join(timeout=30)
        for connection in accepted:
            connection.close()
        listener.close()


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])


def by_title(paths: tuple[Path, ...]) -> dict[str, dict]:
    return {(fields := front_matter(p))["title"]: fields for p in paths}


@pytest.mark.parametrize("path", ["/tl/timeline.json", "/old/timeline.json"])
def test_a_timeline_from_the_web_keeps_its_media_on_the_web(tmp_path, server, path):
    report = import_file(server + path, tmp_path / "content" / "events",
                         content=tmp_path / "content")
    assert report.title == "From the web"
    events = by_title(report.written)
    # Relative addresses are resolved against where the file was found, after redirects.
    assert events["Relative"]["media"] == {"url": f"{server}/tl/media/map.png",
                                           "caption": "A map", "alt": "A map"}
    assert events["Relative"]["background"] == {"url": f"{server}/bg/sky.jpg"}
    assert events["Protocol relative"]["media"] == {"url": "https://example.org/x.jpg"}
    assert events["Absolute"]["media"] == {"url": "https://example.org/y.png", "credit": "Y"}
    assert events["From the root"]["media"] == {"url": f"{server}/static/z.jpg"}
    assert report.copied == () and report.media_left == ()
    assert not (tmp_path / "content" / "media").exists()  # nothing is downloaded but the file


@pytest.mark.parametrize("path", ["/spreadsheets/d/e/KEY/pub?output=csv", "/sheet-as-bytes"])
def test_a_published_google_sheet_imports_from_its_csv_address(tmp_path, server, path):
    report = import_file(server + path, tmp_path / "events")
    assert (report.title, report.text) == ("The title", "An intro")
    events = by_title(report.written)
    assert events["Board report"] == {
        "title": "Board report", "date": "2018-07-19",
        "media": {"url": f"{server}/spreadsheets/d/e/KEY/images/report.png"
                  if "pub" in path else f"{server}/images/report.png",
                  "caption": "The report", "alt": "The report"}}
    assert events["A year on"] == {"title": "A year on", "date": "2019-01"}


@pytest.mark.parametrize("path, message", [
    ("/missing.json", "the server answered 404 Not Found; check the address; a Google Sheet "
                      "must be published (File, Share, Publish to web) and the address be the "
                      "one it gives"),
    ("/pubhtml", "is a web page, not a TimelineJS file; give the address of the timeline's "
                 "JSON, or of a Google Sheet published as CSV (File, Share, Publish to web, "
                 "Comma-separated values)"),
    ("/loop", "redirects more than 5 times; give the address it ends at"),
    ("/huge.json", f"is larger than {MAX_BYTES // 1024 // 1024} MB; chronoline imports "
                   "TimelineJS files up to that size"),
])
def test_an_address_that_gives_no_timeline_fails_in_one_line(tmp_path, server, path, message):
    with pytest.raises(ImportFailed) as failure:
        import_file(server + path, tmp_path / "events")
    assert str(failure.value) == f"{server}{path}: {message}"
    assert not (tmp_path / "events").exists()


def test_a_redirect_to_a_file_on_this_machine_is_refused(tmp_path, server):
    with pytest.raises(ImportFailed) as failure:
        import_file(server + "/via", tmp_path / "events")
    assert str(failure.value) == (f"{server}/via: redirects to file:///etc/passwd, which "
                                  "is not an http or https address")


def test_a_host_that_does_not_answer_fails_in_one_line(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/timeline.json"  # nothing listens there
    with pytest.raises(ImportFailed) as failure:
        import_file(url, tmp_path / "events")
    assert str(failure.value) == (f"{url}: the host does not answer (connection refused); "
                                  "check the address")


def test_a_host_that_accepts_and_stays_silent_is_given_up_on(tmp_path):
    with silent_server() as url, pytest.raises(ImportFailed) as failure:
        fetch(url, timeout=0.5)
    assert str(failure.value) in (
        f"{url}: the host does not answer within 0.5 s; check the address, or try again",
        f"{url}: did not finish sending within 0.5 s; try again, or save the file and import "
        "it from this machine")


def test_a_host_that_sends_a_byte_now_and_then_is_given_up_on(tmp_path):
    # Each byte comes well within the socket's timeout: only a bound on the whole stops it.
    with dripping_server("/timeline.json") as url, pytest.raises(ImportFailed) as failure:
        fetch(url, timeout=1)
    assert str(failure.value) == (f"{url}: did not finish sending within 1 s; try again, or "
                                  "save the file and import it from this machine")


@pytest.mark.parametrize("url", ["ftp://example.org/timeline.json",
                                 "file:///etc/passwd", "http:///timeline.json"])
def test_only_http_and_https_addresses_are_fetched(tmp_path, url):
    with pytest.raises(ImportFailed) as failure:
        import_file(url, tmp_path / "events")
    assert str(failure.value) == (f"{url}: chronoline imports from http and https addresses "
                                  "only (or from a file on this machine)")


def test_the_import_command_takes_an_address(tmp_path, server):
    (tmp_path / "content").mkdir()
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    ok = subprocess.run([sys.executable, "-m", "generator", "import",
                         server + "/spreadsheets/d/e/KEY/pub?output=csv"], cwd=tmp_path,
                        capture_output=True, text=True, timeout=120, env=env)
    assert ok.returncode == 0, ok.stderr
    assert "wrote   content/events/2018-07-19-board-report.md" in ok.stdout.splitlines()
    missing = subprocess.run([sys.executable, "-m", "generator", "import",
                              server + "/missing.json"], cwd=tmp_path, capture_output=True,
                             text=True, timeout=120, env=env)
    assert missing.returncode == 1
    assert missing.stderr.startswith(f"chronoline import: {server}/missing.json: the server "
                                     "answered 404 Not Found; ")
    assert missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr
