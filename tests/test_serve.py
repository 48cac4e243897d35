"""`chronoline serve` over HTTP: what it serves, what it refuses, and how it stops."""

from __future__ import annotations

import errno
import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
)

import generator.build
import generator.serve
from generator.watching import SiteChanges

from conftest import Running, Served, event_file, free_port


def get(url: str) -> tuple[int, dict, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         _NoRedirect())
    try:
        with opener.open(url, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def raw_request(port: int, target: str) -> str:
    """Send a request line exactly as written, as an attacker would, and return the status line."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                     .encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data.decode("latin-1")


def port_of(url: str) -> int:
    return int(url.split(":")[2].split("/")[0])


def test_serves_under_the_base_url_path_with_the_reload_script(serve_example):
    url = serve_example.url
    assert url.startswith("http://127.0.0.1:") and url.endswith("/timeline/")
    status, headers, _ = get(url.replace("/timeline/", "/"))
    assert (status, headers["Location"]) == (301, "/timeline/")
    status, headers, body = get(url)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'<script async src="/__livereload__/client.js"' in body
    status, headers, _ = get(url + "events/day")
    assert (status, headers["Location"]) == (301, "/timeline/events/day/")
    assert get(url + "events/day/")[0] == 200


def test_nothing_is_written_to_site_or_to_disk_with_the_script(serve_example):
    assert not (serve_example.root / "site").exists()
    (folder,) = serve_example.tmp.glob("chronoline-serve-*")
    written = {p.relative_to(folder).as_posix(): p.read_bytes()
               for p in folder.rglob("*") if p.is_file()}
    assert "index.html" in written and "events/day/index.html" in written
    assert [path for path, data in written.items() if b"__livereload__" in data] == []
    for path in ("", "events/day/"):  # the script is added as the pages are served
        assert b'<script async src="/__livereload__/client.js"' in get(serve_example.url + path)[2]


def test_missing_pages_get_the_sites_404_page(serve_example):
    status, headers, body = get(serve_example.url + "no/such/page")
    assert status == 404 and b"Page not found" in body
    assert b'href="/timeline/assets/style.css"' in body


@pytest.mark.parametrize("target", [
    "/timeline/../../../../etc/passwd",
    "/timeline/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/timeline/%2E%2E%2f%2E%2E%2fetc/passwd",
    "/timeline/..%5c..%5cetc%5cpasswd",
    "/timeline//etc/passwd",
    "/etc/passwd",
    "/timeline/%00",
    "http://127.0.0.1/timeline/../../etc/passwd",
])
def test_nothing_outside_the_served_folder(serve_example, target):
    response = raw_request(port_of(serve_example.url), target)
    status = response.split(" ", 2)[1]
    assert status in ("400", "404"), response[:200]
    assert "root:" not in response


def test_a_content_symlink_pointing_outside_is_never_served(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0", encoding="utf-8")
    root = tmp_path / "site-src"
    (root / "content").mkdir(parents=True)
    (root / "content" / "a.md").write_text(event_file("A"), encoding="utf-8")
    (root / "content" / "leak.txt").symlink_to(secret)
    served = Served(root)
    try:
        assert get(served.url + "leak.txt")[0] == 404
        assert any("leak.txt: skipped" in line for line in served.lines)
    finally:
        served.stop()


def test_content_types(serve_example):
    content = serve_example.root / "content"
    for name, text in {"data.json": "{}", "rss.xml": "<rss/>", "cal.ics": "BEGIN:VCALENDAR"
                       }.items():
        (content / name).write_text(text, encoding="utf-8")
    serve_example.wait_for_line("files written", after=len(serve_example.lines))
    expected = {"data.json": "application/json", "rss.xml": "application/xml",
                "feed.xml": "application/xml", "events.ics": "text/calendar; charset=utf-8",
                "cal.ics": "text/calendar; charset=utf-8",
                "assets/style.css": "text/css; charset=utf-8",
                "images/dot.png": "image/png"}
    for name, content_type in expected.items():
        status, headers, _ = get(serve_example.url + name)
        assert (status, headers["Content-Type"]) == (200, content_type), name


def test_two_hundred_requests_at_once(serve_example):
    urls = [serve_example.url + path for path in
            ("", "events/day/", "2018/", "tags/", "assets/style.css")] * 40
    with ThreadPoolExecutor(max_workers=200) as pool:
        statuses = list(pool.map(lambda u: get(u)[0], urls))
    assert statuses == [200] * 200


def test_a_broken_file_is_reported_and_the_last_good_site_stays(serve_example):
    day = serve_example.root / "content" / "events" / "day.md"
    mark = len(serve_example.lines)
    day.write_text("---\ntitle: A day\ndate: 2018-07-19\nsoruces: []\n---\n", encoding="utf-8")
    line = serve_example.wait_for_line("soruces", after=mark)
    assert line == "content/events/day.md:4: soruces: unknown key; did you mean 'sources'?"
    assert error_shown(serve_example.url) == line
    status, _, body = get(serve_example.url + "events/day/")
    assert status == 200 and b"The report came out." in body
    assert b'data-error="content/events/day.md:4: soruces' in body


def small_site(tmp_path: Path) -> Path:
    root = tmp_path / "s"
    (root / "content").mkdir(parents=True)
    (root / "content" / "a.md").write_text(event_file("A"), encoding="utf-8")
    return root


def test_clean_shutdown_removes_the_served_folder(tmp_path):
    served = Served(small_site(tmp_path))
    assert get(served.url)[0] == 200
    (folder,) = served.tmp.glob("chronoline-serve-*")
    assert (folder / "index.html").is_file()
    assert served.stop() == 0
    assert served.lines[-1] == "Stopped."
    assert not any("Traceback" in line for line in served.lines)
    assert not folder.exists()


def test_a_busy_port_moves_to_the_next_one(tmp_path):
    port = free_port()
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        served = Served(small_site(tmp_path), port=port)
        try:
            assert f"Port {port} is busy; using {port + 1} instead." in served.lines
            assert served.url.startswith(f"http://127.0.0.1:{port + 1}/")
        finally:
            served.stop()


def test_polling_sees_changes_too(tmp_path):
    root = small_site(tmp_path)
    served = Served(root, "--poll")
    try:
        mark = len(served.lines)
        (root / "content" / "a.md").write_text(event_file("Polled"), encoding="utf-8")
        served.wait_for_line("content/a.md changed", after=mark)
        assert b"Polled" in get(served.url + "events/a/")[2]
    finally:
        served.stop()


def test_the_feeds_and_exports_follow_once_the_edits_pause(tmp_path):
    root = small_site(tmp_path)
    served = Served(root)
    try:
        assert b'"A"' in get(served.url + "events.json")[2]
        mark = len(served.lines)
        (root / "content" / "a.md").write_text(event_file("Renamed"), encoding="utf-8")
        served.wait_for_line("content/a.md changed", after=mark)
        assert b"Renamed" in get(served.url + "events/a/")[2]
        deadline = time.monotonic() + 10
        while b'"Renamed"' not in get(served.url + "events.json")[2]:
            assert time.monotonic() < deadline, "events.json never followed the edit"
            time.sleep(0.05)
        assert b"Renamed" in get(served.url + "events.ics")[2]
        assert b'"Renamed"' in get(served.url + "timeline.json")[2]
    finally:
        served.stop()


def test_feeds_go_when_the_base_url_goes(tmp_path):
    root = small_site(tmp_path)
    (root / "chronoline.toml").write_text('title = "T"\nbase_url = "https://x.example/"\n',
                                          encoding="utf-8")
    served = Served(root)
    try:
        assert get(served.url + "feed.xml")[0] == 200
        (root / "chronoline.toml").write_text('title = "T"\n', encoding="utf-8")
        deadline = time.monotonic() + 10
        while get(served.url + "feed.xml")[0] != 404:
            assert time.monotonic() < deadline, "feed.xml stayed after base_url went"
            time.sleep(0.05)
        assert get(served.url + "events.json")[0] == 200
    finally:
        served.stop()


def test_a_save_is_done_when_the_file_is_closed_or_moved_into_place(tmp_path):
    """A file made, written to, removed or moved away may be written to again at once: the
    rebuild waits longer for more; one closed after writing or moved into place is saved."""
    (tmp_path / "content").mkdir()
    seen: list[tuple[str, bool]] = []
    changes = SiteChanges(tmp_path, lambda path, saved: seen.append((path, saved)))
    event, other = str(tmp_path / "content" / "a.md"), str(tmp_path / "content" / "b.md")
    for made in (FileCreatedEvent(event), FileModifiedEvent(event), FileClosedEvent(event),
                 FileMovedEvent(str(tmp_path / "content" / ".a.md.swp"), event),
                 FileDeletedEvent(event), FileMovedEvent(event, other)):
        changes.on_any_event(made)
    assert seen == [("content/a.md", False), ("content/a.md", False), ("content/a.md", True),
                    ("content/a.md", True), ("content/a.md", False), ("content/a.md", False),
                    ("content/b.md", True)]


def state_of(url: str) -> dict:
    """The dev server's state, as the pages read it: the error shown, if any."""
    return json.loads(get(url.rstrip("/") + "/__livereload__/state")[2])


def error_shown(url: str, timeout: float = 20) -> str:
    """The error the pages are told of, read from the event stream they listen to, as soon as
    there is one: serve prints a failure a moment before it tells the pages."""
    deadline = time.monotonic() + timeout
    with socket.create_connection(("127.0.0.1", port_of(url)), timeout=timeout) as sock:
        sock.sendall(b"GET /__livereload__/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        stream = sock.makefile("rb")
        while time.monotonic() < deadline and (line := stream.readline()):
            if line.startswith(b"data: ") and (error := json.loads(line[6:])["error"]):
                return error
    raise AssertionError("the pages were never told of an error")


def two_events(tmp_path: Path) -> Path:
    root = small_site(tmp_path)
    (root / "content" / "b.md").write_text(event_file("Bee"), encoding="utf-8")
    return root


def once(failure: Exception, real):
    """`real`, except that its first call raises `failure`."""
    calls = []

    def patched(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise failure
        return real(*args, **kwargs)

    return patched


@pytest.mark.parametrize("where, failure, line", [
    ("generator.serve.write_changes",
     OSError(errno.ENOSPC, "No space left on device", "events/a/index.html"),
     "events/a/index.html: No space left on device"),
    ("generator.build.read_events", RuntimeError("a bug"),
     "chronoline failed unexpectedly: RuntimeError: a bug (run serve with --debug to see "
     "where, and please report it)"),
])
def test_any_failure_is_shown_and_the_last_good_site_stays(tmp_path, monkeypatch, where,
                                                           failure, line):
    root = two_events(tmp_path)
    with Running(root, debug=True) as running:
        module, name = where.rsplit(".", 1)
        target = {"generator.serve": generator.serve, "generator.build": generator.build}[module]
        monkeypatch.setattr(target, name, once(failure, getattr(target, name)))
        mark = len(running.lines)
        (root / "content" / "a.md").write_text(event_file("Second"), encoding="utf-8")
        assert running.wait_for_line("Rebuild failed", after=mark) == (
            f"{line}\nRebuild failed; serving the last good site until the next save.")
        traceback = running.wait_for_line("Traceback (most recent call last):", after=mark)
        assert f"{type(failure).__name__}: " in traceback.splitlines()[-1]
        assert error_shown(running.url) == line
        status, _, body = get(running.url + "events/a/")
        assert status == 200 and b"<h1>A</h1>" in body.replace(b"\n", b"")
        assert f'data-error="{line}"'.encode() in body
        mark = len(running.lines)
        (root / "content" / "a.md").write_text(event_file("Third"), encoding="utf-8")
        running.wait_for_line("content/a.md changed", after=mark)
        assert state_of(running.url)["error"] is None
        assert b"Third" in get(running.url + "events/a/")[2]
        assert b"Bee" in get(running.url + "events/b/")[2]


def test_serve_outlives_a_folder_in_the_way_of_a_page(tmp_path):
    """Something else on the machine puts a file where serve writes a folder: the rebuild
    fails and says so, the other pages are still served, and once the way is clear the next
    save rebuilds."""
    root = two_events(tmp_path)
    with Served(root) as served:
        (folder,) = served.tmp.glob("chronoline-serve-*")
        shutil.rmtree(folder / "events" / "a")
        (folder / "events" / "a").write_text("in the way", encoding="utf-8")
        mark = len(served.lines)
        (root / "content" / "a.md").write_text(event_file("Second"), encoding="utf-8")
        served.wait_for_line("Rebuild failed", after=mark)
        failed = served.lines.index(
            "Rebuild failed; serving the last good site until the next save.", mark)
        line = served.lines[failed - 1]
        assert line == (f"{folder / 'events' / 'a'}: is a file where chronoline writes the "
                        "folder events/a/; remove it and build again")
        assert error_shown(served.url) == line
        status, _, body = get(served.url + "events/b/")
        assert status == 200 and b"Bee" in body and b"data-error=" in body
        assert served.process.poll() is None
        (folder / "events" / "a").unlink()
        mark = len(served.lines)
        (root / "content" / "a.md").write_text(event_file("Third"), encoding="utf-8")
        served.wait_for_line("content/a.md changed", after=mark)
        assert state_of(served.url)["error"] is None
        assert b"Third" in get(served.url + "events/a/")[2]


def test_a_server_that_does_not_start_in_time_is_stopped(tmp_path, monkeypatch):
    """A test whose server never prints its address fails without leaving the server behind."""
    import conftest

    started = []

    class Recorded(subprocess.Popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(conftest.subprocess, "Popen", Recorded)
    with pytest.raises(AssertionError, match="no line with 'Serving at '"):
        Served(small_site(tmp_path), start_timeout=0)
    (process,) = started
    assert process.poll() is not None


def test_each_server_keeps_its_temporary_files_apart(tmp_path):
    one, two, three = tmp_path / "one", tmp_path / "two", tmp_path / "three"
    with (Served(small_site(one)) as first, Served(small_site(two)) as second,
          Running(small_site(three)) as third):  # the command's server, and the library's
        servers = (first, second, third)
        assert len({server.tmp for server in servers}) == 3
        for server in servers:
            (folder,) = server.tmp.glob("chronoline-serve-*")
            assert (folder / "events" / "a" / "index.html").is_file()
    assert [list(server.tmp.iterdir()) for server in servers] == [[], [], []]
