"""Which tabs the dev server reloads after an edit: those whose page changed, and the edited
event's own page before the pages that list it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from generator.livereload import RECENT_CHANGES, LiveReloadServer

from conftest import Running, event_file

EXAMPLE = Path(__file__).parent / "example"
DAY = "content/events/day.md"


def example(tmp_path: Path) -> Path:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root)
    return root


def test_an_edited_event_is_shown_before_the_pages_that_list_it(tmp_path):
    root = example(tmp_path)
    with Running(root) as running:
        server = running.dev.server
        folder = running.dev.folder
        seen: list[tuple[list[str] | None, str, str]] = []
        announce = server.announce

        def record(**told: object) -> None:
            # What a tab would load at this moment: the event's page, and the timeline's.
            seen.append((told.get("pages"),
                         (folder / "events/day/index.html").read_text(encoding="utf-8"),
                         (folder / "index.html").read_text(encoding="utf-8")))
            announce(**told)

        server.announce = record
        mark, switching = len(running.lines), sys.getswitchinterval()
        (root / DAY).write_text(event_file("Renamed in place", "2018-07-19"), encoding="utf-8")
        running.wait_for_line("files written", after=mark)
        assert sys.getswitchinterval() == switching, "set only while a rebuild renders"

    (first_pages, event_page, timeline), (later_pages, _, timeline_after) = seen
    # The event's page, and its neighbours', which name it in their links to it.
    assert "events/day/index.html" in first_pages
    assert all(path.startswith("events/") for path in first_pages)
    assert "Renamed in place" in event_page
    assert "Renamed in place" not in timeline, "the lists come after the event's own page"
    assert {"index.html", "2018/index.html"} <= set(later_pages)
    assert not any(path.startswith("events/") for path in later_pages)
    assert "Renamed in place" in timeline_after


def state_pages(server: LiveReloadServer) -> list:
    return server.state()["recent"]


def test_the_state_names_the_pages_of_the_last_changes(tmp_path):
    server = LiveReloadServer(("127.0.0.1", 0), tmp_path, "/timeline/")
    try:
        start = server.epoch
        server.announce(pages=["events/day/index.html", "2018/index.html", "404.html"])
        server.announce(styles_only=True)
        server.announce(pages=None)
        assert state_pages(server) == [
            [start + 1, ["/timeline/2018/", "/timeline/404.html", "/timeline/events/day/"]],
            [start + 3, None]]
        assert server.state()["known_since"] == 0, "every change so far is named"
        for _ in range(RECENT_CHANGES):
            server.announce(pages=["index.html"])
        recent = server.state()["recent"]
        assert len(recent) == RECENT_CHANGES
        # A tab from before the oldest change named cannot know what changed since.
        assert server.state()["known_since"] == recent[0][0] - 1
        server.announce(pages=[f"events/{n}/index.html" for n in range(1000)])
        assert server.state()["recent"][-1][1] is None, "too many to name: any page"
    finally:
        server.server_close()
