"""`chronoline serve` in a folder whose site never built: it says there is no site yet, shows
the errors, keeps watching, and the first good save builds the site."""

from __future__ import annotations

from pathlib import Path

from test_serve import error_shown, get

from conftest import Running, event_file

NO_SITE = "there is no site yet"


def test_a_broken_first_build_says_there_is_no_site_and_the_first_good_save_builds_it(tmp_path):
    root = tmp_path / "s"
    (root / "content").mkdir(parents=True)
    broken = root / "content" / "a.md"
    broken.write_text("---\ntitle: A\ndate: someday\n---\n", encoding="utf-8")
    with Running(root) as served:
        line = served.wait_for_line("Build failed")
        assert line.startswith("content/a.md:3: date: 'someday' is not a date;")
        assert line.endswith("\nBuild failed: 1 problem; there is no site yet: the first save "
                             "that fixes it builds it; still watching for changes.")
        assert not any("last good site" in said for said in served.lines)
        assert error_shown(served.url).startswith("content/a.md:3: date: 'someday'")
        assert get(served.url)[0] == 404
        mark = len(served.lines)
        broken.write_text(event_file("Fixed"), encoding="utf-8")
        served.wait_for_line("content/a.md changed", after=mark)
        status, _, body = get(served.url + "events/a/")
        assert status == 200 and b"Fixed" in body
        # Once a site was built, a broken save leaves it served.
        mark = len(served.lines)
        broken.write_text("---\ntitle: A\ndate: someday\n---\n", encoding="utf-8")
        line = served.wait_for_line("Build failed", after=mark)
        assert line.endswith("Build failed: 1 problem; serving the last good site until it is "
                             "fixed.")


def test_in_an_empty_folder_the_first_event_saved_builds_the_site(tmp_path):
    root = tmp_path / "empty"
    root.mkdir()
    with Running(root) as served:
        line = served.wait_for_line("Build failed")
        assert line.startswith(f"{root}: has no content/ folder")
        assert line.endswith(f"{NO_SITE}: the first save that fixes it builds it; still "
                             "watching for changes.")
        # The folder first, alone: a folder made after serve started is watched too.
        mark = len(served.lines)
        (root / "content" / "events").mkdir(parents=True)
        served.wait_for_line("content changed", after=mark)
        mark = len(served.lines)
        event: Path = root / "content" / "events" / "first.md"
        event.write_text(event_file("The first"), encoding="utf-8")
        served.wait_for_line("files written", after=mark)
        status, _, body = get(served.url + "events/first/")
        assert status == 200 and b"The first" in body
