"""`chronoline check --links` requests what readers can follow: sources and their archived
copies, links and pictures in the text, media; and says once when the network is unreachable."""

from __future__ import annotations

import http.server
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cli import main

from loopback import dripping_server

OFFLINE = ("chronoline check: the network seems unreachable (no host of {} addresses could be "
           "looked up); the links were not checked")


class _Answers(http.server.BaseHTTPRequestHandler):
    """200 for paths starting /ok, 301 for /moved, 404 for anything else; counts requests."""

    def do_HEAD(self) -> None:  # noqa: N802
        self.server.asked[self.path] += 1
        code = 200 if self.path.startswith("/ok") else 301 if self.path == "/moved" else 404
        self.send_response(code)
        if code == 301:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    server.daemon_threads = True
    server.asked = Counter()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def address(server: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def event(title: str, url: str, body: str, archive: str = "", media: str = "") -> str:
    archived = f"\n    archive_url: {archive}" if archive else ""
    pictured = f"media:\n  url: {media}\n  alt: A map\n" if media else ""
    return (f"---\ntitle: {title}\ndate: 2018\n{pictured}sources:\n  - url: {url}\n"
            f"    title: T\n    publisher: P{archived}\n---\n{body}\n")


def check_links(root: Path, capsys) -> tuple[int, list[str], str]:
    status = main(["check", "--links", "--timeout", "5", "--source", str(root)])
    captured = capsys.readouterr()
    return status, captured.err.splitlines(), captured.out


def test_links_in_text_media_and_archived_copies_are_checked_once_each(make_site, server,
                                                                        capsys):
    at = address(server)
    root = make_site({
        "content/a.md": event("A", f"{at}/ok-a", f"Intro.\n\nSee [the report]({at}/gone-link)"
                              f" and [the law]({at}/ok-law).\n\n![Chart]({at}/gone.png)\n",
                              archive=f"{at}/gone-archive"),
        "content/b.md": event("B", f"{at}/gone-source", f"Also [it]({at}/gone-link), "
                              f"[moved]({at}/moved).\n", archive=f"{at}/gone-archive",
                              media=f"{at}/gone-media.png"),
        "content/c.md": event("C", f"{at}/ok-c", "Nothing linked.\n", archive=f"{at}/ok-archive"),
    })
    status, lines, _ = check_links(root, capsys)
    assert status == 1
    assert lines == [
        f"content/a.md:8: sources[1].archive_url: {at}/gone-archive answers 404 Not Found; the "
        "archived copy is gone; link another saved copy, or remove archive_url",
        f"content/b.md:11: sources[1].archive_url: {at}/gone-archive answers 404 Not Found; the "
        "archived copy is gone; link another saved copy, or remove archive_url",
        f"content/a.md:12: body: {at}/gone-link answers 404 Not Found; fix the link, or link a "
        "saved copy of the page",
        f"content/b.md:13: body: {at}/gone-link answers 404 Not Found; fix the link, or link a "
        "saved copy of the page",
        f"content/b.md:5: media.url: {at}/gone-media.png answers 404 Not Found; readers see "
        "no picture; fix the address",
        f"content/b.md:8: sources[1].url: {at}/gone-source answers 404 Not Found; its archived "
        "copy is gone too; link another saved copy, or a new address",
        f"content/a.md:14: body: {at}/gone.png answers 404 Not Found; fix the link, or link a "
        "saved copy of the page",
        f"warning: content/b.md:13: body: {at}/moved has moved to {at}/ok (301); link the new "
        "address",
        "Checked 3 events: 7 errors, 1 warning"]
    # Each address once, however many events use it.
    assert set(server.asked) == {"/ok-a", "/gone-link", "/ok-law", "/gone.png", "/gone-archive",
                                 "/gone-source", "/gone-media.png", "/moved", "/ok-c",
                                 "/ok-archive"}
    assert all(count == 1 for count in server.asked.values()), server.asked


def test_an_offline_machine_is_told_once_and_not_asked_for_archives(make_site, capsys):
    root = make_site({
        f"content/e{number}.md": event(f"E{number}", f"https://news{number}.example.invalid/a",
                                       "See [this](https://docs.example.invalid/b).\n")
        for number in range(5)})
    status, lines, out = check_links(root, capsys)
    assert status == 1
    assert lines == [OFFLINE.format(6), "Checked 5 events: 0 errors, 0 warnings"]
    assert out == ""


def test_hosts_that_do_not_resolve_beside_ones_that_do_are_reported_each(make_site, server,
                                                                         capsys):
    at = address(server)
    root = make_site({
        "content/a.md": event("A", f"{at}/ok", "Fine.\n"),
        "content/b.md": event("B", "https://news.example.invalid/a", "Lost.\n"),
    })
    status, lines, _ = check_links(root, capsys)
    assert status == 1
    assert len(lines) == 2 and lines[-1] == "Checked 2 events: 1 error, 0 warnings"
    assert lines[0].startswith("content/b.md:5: sources[1].url: https://news.example.invalid/a "
                               "does not answer (")
    assert lines[0].endswith("; add an archive_url with a saved copy, or a new address")
    assert "unreachable" not in "\n".join(lines)


def test_a_host_that_sends_a_byte_now_and_then_is_given_up_on(make_site, capsys):
    # Each byte comes well within the socket's timeout: only a bound on the whole stops it.
    outcome: list = []
    with dripping_server("/slow") as url:
        root = make_site({"content/a.md": event("A", url, "Slow.\n")})
        checking = threading.Thread(target=lambda: outcome.append(main([
            "check", "--links", "--timeout", "0.5", "--source", str(root)])), daemon=True)
        checking.start()
        checking.join(timeout=60)  # only a hang runs into this: the check takes some 3 s
        assert not checking.is_alive(), "check --links waits for a server that never finishes"
    assert outcome == [1]
    line = capsys.readouterr().err.splitlines()[0]
    assert line.startswith(f"content/a.md:5: sources[1].url: {url} does not answer (no whole "
                           "answer within 0.5 s)")
