"""The progress line of a long build or link check: on a terminal only, after a while, at most
ten redraws a second, erased before anything else is printed."""

from __future__ import annotations

import http.server
import io
import os
import pty
import select
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator import progress
from generator.cli import main
from generator.progress import CLEAR, ProgressLine, build_steps, link_steps

from conftest import event_file


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_line_waits_a_second_then_redraws_at_most_ten_times_a_second():
    out, clock = _Terminal(), _Clock()
    line = ProgressLine(out, clock=clock)
    line.show("reading 10 / 10,000 events")
    clock.now = 100.9
    line.show("reading 4,200 / 10,000 events")
    assert out.getvalue() == ""  # quick work shows nothing
    clock.now = 101.0
    line.show("reading 4,300 / 10,000 events")
    assert out.getvalue() == "\rreading 4,300 / 10,000 events\x1b[K"
    clock.now = 101.05
    line.show("reading 4,400 / 10,000 events")  # too soon after the last
    line.tick()
    assert out.getvalue().count("\r") == 1
    clock.now = 101.125
    line.tick()  # the last news, drawn when due though no new news came
    assert out.getvalue().endswith("\rreading 4,400 / 10,000 events\x1b[K")
    clock.now = 102.0
    line.tick()  # nothing new: nothing drawn
    assert out.getvalue().count("\r") == 2
    line.close()
    assert out.getvalue().endswith(CLEAR)


def test_the_steps_in_words():
    out, clock = _Terminal(), _Clock()
    line = ProgressLine(out, clock=clock, delay=0, interval=0)
    build_steps(line)("reading", 4200, 10000)
    build_steps(line)("rendering", 0, 10040)
    build_steps(line)("writing", 0, 10051)
    link_steps(line)(120, 480, 3)
    assert out.getvalue().split("\r")[1:] == [
        "reading 4,200 / 10,000 events\x1b[K", "rendering 10,040 pages\x1b[K",
        "writing 10,051 files\x1b[K", "checked 120 / 480 links, 3 dead\x1b[K"]


def test_nothing_but_the_work_when_not_on_a_terminal_or_asked_to_be_quiet():
    clock = _Clock()
    for line, out in [(ProgressLine(pipe := io.StringIO(), clock=clock, delay=0), pipe),
                      (ProgressLine(term := _Terminal(), False, clock=clock, delay=0), term)]:
        with line:
            line.show("reading 1 / 2 events")
            clock.now += 5
            line.tick()
        assert out.getvalue() == ""


def test_a_line_never_drawn_is_never_erased():
    line = ProgressLine(out := _Terminal(), clock=_Clock())
    with line:
        line.show("reading 1 / 2 events")
    assert out.getvalue() == ""


@pytest.fixture
def at_once(monkeypatch):
    """The line from the first step on, every step drawn: the work of a test is quick."""
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "INTERVAL", 0.0)


@contextmanager
def stderr_on_terminal(monkeypatch) -> Iterator[list[bytes]]:
    """sys.stderr on a pseudo-terminal; what the terminal got, once the block ends."""
    controller, terminal = pty.openpty()
    got: list[bytes] = []
    try:
        with open(terminal, "w", encoding="utf-8", closefd=False) as stream:
            monkeypatch.setattr("sys.stderr", stream)
            yield got
            stream.flush()
        while select.select([controller], [], [], 0)[0]:
            got.append(os.read(controller, 65536))
    finally:
        os.close(terminal)
        os.close(controller)


def site(make_site) -> Path:
    sourced = "[{url: 'https://example.org/a', title: T, publisher: P}]"
    return make_site({"content/a.md": event_file("A", "2018-07-19", sources=sourced),
                      "content/b.md": event_file("B", "2018-08-01", sources=sourced)})


def test_a_build_on_a_terminal_shows_its_steps_then_erases_them(make_site, monkeypatch,
                                                                at_once, capsys):
    root = site(make_site)
    with stderr_on_terminal(monkeypatch) as got:
        assert main(["build", "--source", str(root)]) == 0
    shown = b"".join(got).decode()
    assert "\rreading 0 / 2 events\x1b[K" in shown
    assert "\rrendering " in shown and " pages\x1b[K" in shown
    assert "\rwriting " in shown and " files\x1b[K" in shown
    erased = shown.rindex(CLEAR)
    assert shown[erased + len(CLEAR):].startswith("warning: base_url is not set")
    assert "\r" not in shown[erased + len(CLEAR):].replace("\r\n", "\n")
    assert capsys.readouterr().out.startswith("Built 2 events")


def test_quiet_and_pipes_get_no_progress(make_site, monkeypatch, at_once, capfd):
    root = site(make_site)
    with stderr_on_terminal(monkeypatch) as got:
        assert main(["build", "--quiet", "--clean", "--source", str(root)]) == 0
    assert got == []
    read, write = os.pipe()
    with open(write, "w", encoding="utf-8") as pipe:
        monkeypatch.setattr("sys.stderr", pipe)
        assert main(["build", "--clean", "--source", str(root)]) == 0
    with open(read, encoding="utf-8") as pipe:
        said = pipe.read()
    assert said.startswith("warning: base_url is not set") and "\r" not in said
    assert "\x1b" not in said and said.count("\n") == 1


class _Links(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:  # noqa: N802
        self.send_response(404 if self.path == "/gone" else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_link_check_on_a_terminal_counts_links_and_dead_ones(make_site, monkeypatch,
                                                              at_once):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Links)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        at = f"http://127.0.0.1:{server.server_address[1]}"
        root = make_site({"content/a.md": event_file(
            "A", "2018", sources=f"[{{url: '{at}/a', title: T}}, {{url: '{at}/gone', title: G}}]",
            body=f"See [this]({at}/b).")})
        with stderr_on_terminal(monkeypatch) as got:
            assert main(["check", "--links", "--source", str(root)]) == 1
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    shown = b"".join(got).decode()
    assert "\rchecked 3 / 3 links, 1 dead\x1b[K" in shown
    after = shown[shown.rindex(CLEAR) + len(CLEAR):]
    assert after.startswith("content/a.md:") and "/gone answers 404" in after


def test_a_build_tells_its_steps_through_its_options(make_site):
    from generator.build import BuildOptions, build

    count = 450  # enough for worker processes, which answer a chunk at a time
    root = make_site({f"content/e{number:03d}.md": event_file(f"E{number}", "2018")
                      for number in range(count)})
    told: list[tuple[str, int, int]] = []
    report = build(BuildOptions(root=root, jobs=2, progress=lambda *step: told.append(step)))
    reading = [step for step in told if step[0] == "reading"]
    assert reading[0] == ("reading", 0, count) and reading[-1] == ("reading", count, count)
    assert len(reading) > 2  # counted as the workers answer, not only at the end
    assert [done for _, done, _ in reading] == sorted(done for _, done, _ in reading)
    later = told[len(reading):]
    assert later == [("rendering", 0, report.pages), ("writing", 0, later[-1][2])]
    assert later[-1][2] >= report.pages
