"""The data exports are written a part at a time, and a build copies the parts of unchanged
events from the files the last build wrote."""

from __future__ import annotations

import json
import os
from array import array
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import exportformats, exportstaging
from generator.exportformats import Export, Layout, Parts, Span
from generator.exportstaging import ExportChanged, Previous, stage_export
from generator.incremental.cache import load
from generator.staging import staged_path

from conftest import build_site, event_file

EXPORTS = ("events.json", "timeline.json", "events.ics")


def many_events(count: int = 6) -> dict[str, str]:
    return {f"content/e{n}.md": event_file(f"Event {n}", f"201{n}-03-0{n + 1}",
                                           f"What happened in 201{n}.", tags="[uk]")
            for n in range(count)}


def count_parts_made(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The slugs of the events whose parts the exports make, by the function that makes them."""
    made: dict[str, list[str]] = {"_record": [], "_slide": [], "_vevent": []}
    for name in made:
        original = getattr(exportformats, name)

        def counted(event, *args, _original=original, _name=name):
            made[_name].append(event.slug)
            return _original(event, *args)
        monkeypatch.setattr(exportformats, name, counted)
    return made


def exported(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in EXPORTS}


def test_a_build_after_an_edit_makes_only_the_edited_events_parts(make_site, monkeypatch,
                                                                   tmp_path):
    root = make_site(many_events())
    build_site(root)
    made = count_parts_made(monkeypatch)
    # One event's text, and another's date, which moves it to the end.
    (root / "content" / "e2.md").write_text(event_file("Event 2, edited", "2012-03-03"),
                                            encoding="utf-8")
    (root / "content" / "e1.md").write_text(
        event_file("Event 1", "2019-12-31", "What happened in 2011.", tags="[uk]"),
        encoding="utf-8")
    build_site(root)
    assert {name: sorted(slugs) for name, slugs in made.items()} == dict.fromkeys(made,
                                                                                  ["e1", "e2"])
    build_site(root, output=tmp_path / "clean", clean=True)
    assert exported(root / "site") == exported(tmp_path / "clean")
    events = json.loads((root / "site" / "events.json").read_text(encoding="utf-8"))["events"]
    assert [e["slug"] for e in events] == ["e0", "e2", "e3", "e4", "e5", "e1"]


def test_where_each_part_lies_is_noted_for_the_next_build(make_site):
    root = make_site(many_events())
    build_site(root)
    index = load(root).index
    by_digest = {digest: path for path, digest in index.event_files.items()}
    paths = [by_digest[index.order[start:start + 16]] for start in range(0, len(index.order), 16)]
    assert paths == [f"content/e{n}.md" for n in range(6)]
    files = exported(root / "site")
    for position, path in enumerate(paths):
        layout = index.exports["events.json"]
        start, size = layout.starts[position], layout.sizes[position]
        record = json.loads(files["events.json"][start:start + size])
        assert record["source_file"] == path
        layout = index.exports["events.ics"]
        start, size = layout.starts[position], layout.sizes[position]
        vevent = files["events.ics"][start:start + size]
        assert vevent.startswith(b"BEGIN:VEVENT\r\n") and vevent.endswith(b"END:VEVENT\r\n")
        assert f"UID:{Path(path).stem}@".encode() in vevent


def test_the_parts_come_from_the_file_as_the_last_build_left_it(make_site, tmp_path):
    root = make_site(many_events())
    build_site(root)
    target = root / "site" / "events.json"
    info = target.stat()
    # Same size, same time: taken for the file the build wrote, as every output is.
    target.write_bytes(target.read_bytes().replace(b"Event 4", b"Event X"))
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    (root / "content" / "e0.md").write_text(event_file("Event 0, edited", "2010-03-01"),
                                            encoding="utf-8")
    build_site(root)
    assert b"Event X" in target.read_bytes(), "the part of e4 was copied, not made again"
    build_site(root, clean=True)
    assert b"Event X" not in target.read_bytes()


def test_an_export_changed_by_hand_is_made_again_whole(make_site, monkeypatch, tmp_path):
    root = make_site(many_events())
    build_site(root)
    target = root / "site" / "events.json"
    target.write_bytes(target.read_bytes().replace(b"Event 4", b"Event 4 (my note)"))
    (root / "content" / "e0.md").write_text(event_file("Event 0, edited", "2010-03-01"),
                                            encoding="utf-8")
    made = count_parts_made(monkeypatch)
    build_site(root)
    assert sorted(made["_record"]) == [f"e{n}" for n in range(6)]
    assert sorted(made["_slide"]) == ["e0"]  # the other exports are as the build left them
    build_site(root, output=tmp_path / "clean", clean=True)
    assert exported(root / "site") == exported(tmp_path / "clean")


def test_an_export_that_cannot_be_read_is_made_again_whole(make_site, monkeypatch, tmp_path):
    root = make_site(many_events())
    build_site(root)
    (root / "content" / "e0.md").write_text(event_file("Event 0, edited", "2010-03-01"),
                                            encoding="utf-8")
    target = str(root / "site" / "events.json")

    def guarded(path, *args, **kwargs):
        if str(path) == target:
            raise PermissionError(13, "Permission denied", path)
        return open(path, *args, **kwargs)
    monkeypatch.setattr(exportstaging, "open", guarded, raising=False)
    made = count_parts_made(monkeypatch)
    build_site(root)
    assert sorted(made["_record"]) == [f"e{n}" for n in range(6)]
    monkeypatch.undo()
    build_site(root, output=tmp_path / "clean", clean=True)
    assert exported(root / "site") == exported(tmp_path / "clean")


def letters(*parts: bytes | Span) -> Callable[[Parts | None], Export]:
    """A maker of an export of `parts` as given, whatever it is offered to reuse."""
    return lambda reuse: Export(b"[", iter(parts), b"]", b",")


def test_an_export_equal_to_the_file_there_is_not_written(tmp_path):
    (tmp_path / "data.txt").write_bytes(b"[a,b,c]")
    written, layout = stage_export(letters(b"a", Span(3, 1), b"c"), tmp_path, "data.txt")
    assert not written
    assert not staged_path(tmp_path, "data.txt").exists()
    assert (list(layout.starts), list(layout.sizes)) == ([1, 3, 5], [1, 1, 1])
    written, layout = stage_export(letters(Span(5, 1), Span(1, 1)), tmp_path, "data.txt")
    assert written
    assert staged_path(tmp_path, "data.txt").read_bytes() == b"[c,a]"
    assert (tmp_path / "data.txt").read_bytes() == b"[a,b,c]"


def test_parts_are_copied_only_from_the_file_the_last_build_left(tmp_path):
    (tmp_path / "data.txt").write_bytes(b"[a,b]")
    info = (tmp_path / "data.txt").stat()
    layout = Layout(array("q", [1, 3]), array("q", [1, 1]))
    seen = []

    def maker(reuse: Parts | None) -> Export:
        seen.append(reuse)
        return Export(b"[", iter([]), b"]")
    right = Previous({}, layout, info.st_size, info.st_mtime_ns)
    stage_export(maker, tmp_path, "data.txt", right, {})
    wrong = Previous({}, layout, info.st_size, info.st_mtime_ns + 1)
    stage_export(maker, tmp_path, "data.txt", wrong, {})
    assert seen[0] is not None and seen[1] is None


def test_a_file_that_changes_while_parts_are_copied_stops_the_build_clearly(tmp_path):
    data = tmp_path / "data.txt"
    data.write_bytes(b"[a]")
    layout = Layout(array("q", [1]), array("q", [1]))
    info = data.stat()

    def parts():
        yield Span(1, 1)
        with data.open("ab") as file:  # the same file, written in place
            file.write(b" ")
        yield b"b"
    maker = lambda reuse: Export(b"[", parts(), b"]", b",")  # noqa: E731
    with pytest.raises(ExportChanged, match=r"data.txt changed while the build read it; "
                                            "build again"):
        stage_export(maker, tmp_path, "data.txt",
                     Previous({}, layout, info.st_size, info.st_mtime_ns), {})
    assert not staged_path(tmp_path, "data.txt").exists()
    with pytest.raises(ExportChanged, match=r"data.txt changed while the build read it"):
        stage_export(letters(Span(1, 1), Span(5, 10)), tmp_path, "data.txt")
    assert not staged_path(tmp_path, "data.txt").exists()
