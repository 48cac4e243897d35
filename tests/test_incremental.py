"""A Builder that keeps its caches across edits renders exactly what a fresh one renders."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import Builder, BuildOptions
from generator.errors import BuildFailed
from generator.layouts import THEME_DIR

from conftest import event_file

TAGS = ["uk", "UK", "eu", "japan", "Zürich", "zurich", "huawei"]
DATES = ["2017", "2018-07", "2018-07-19", "19 July 2018", "2018-12-07T10:00:00+09:00", "2019"]
CONFIGS = ['title = "A"\n', 'title = "B"\norder = "newest"\n',
           'title = "C"\nbase_url = "https://x.example/t/"\nlanguage = "nl"\n',
           'title = "D"\nindex_limit = 2\ntimezone = "Asia/Tokyo"\n',
           'title = "E"\nlanes = "tags"\n']
# An era's date and end; the last ends before it begins, which is an error.
ERA_SPANS = [("2017", "2018-07"), ("2018-07", "2018-12"), ("2018-07-19", "2019"), ("2019", "2017")]
LAYOUTS = [None, "{% extends 'default/event.html' %}{% block head %}<meta name=x>{% endblock %}"]
# A site's own macros.html, whose list items count with their heading level: they are made for
# each level, where the theme's are made once for all.
MACROS = (THEME_DIR / "macros.html").read_text(encoding="utf-8").replace(
    "<h{{ level }} class=\"event-title\">", "<h{{ level + 1 }} class=\"event-title\">").replace(
    "</h{{ level }}>", "</h{{ level + 1 }}>")

operations = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 9), st.sampled_from(DATES),
              st.lists(st.sampled_from(TAGS), max_size=2), st.text("abc xyz", max_size=12)),
    st.tuples(st.just("body"), st.integers(0, 9), st.text("abc *xyz*\n", max_size=30)),
    st.tuples(st.just("date"), st.integers(0, 9), st.sampled_from(DATES)),
    st.tuples(st.just("tags"), st.integers(0, 9), st.lists(st.sampled_from(TAGS), max_size=3)),
    st.tuples(st.just("rename"), st.integers(0, 9), st.integers(0, 9)),
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(st.just("layout"), st.sampled_from(LAYOUTS)),
    st.tuples(st.just("macros"), st.booleans()),
    st.tuples(st.just("config"), st.sampled_from(CONFIGS)),
    st.tuples(st.just("era"), st.integers(0, 2), st.sampled_from(ERA_SPANS),
              st.sampled_from(["Republic", "Empire"]), st.text("abc xyz", max_size=12)),
    st.tuples(st.just("lane"), st.integers(0, 9), st.sampled_from(["", "France", "england"])),
)


def write_event(root: Path, number: int, date: str, tags: list[str], body: str) -> None:
    tag_line = "[" + ", ".join(f'"{t}"' for t in dict.fromkeys(tags)) + "]"
    (root / "content" / f"e{number}.md").write_text(
        event_file(f"Event {number}", date, body or "Text.", tags=tag_line), encoding="utf-8")


def write_era(root: Path, number: int, span: tuple[str, str], title: str, body: str) -> None:
    (root / "content" / f"era{number}.md").write_text(
        event_file(title, span[0], body or "Text.", type="era", end=span[1]), encoding="utf-8")


def apply(root: Path, operation: tuple) -> None:
    kind, *args = operation
    content = root / "content"
    if kind == "era":
        write_era(root, *args)
        return
    if kind == "add":
        number, date, tags, body = args
        write_event(root, number, date, tags, body)
        return
    if kind == "layout":
        target = root / "layouts" / "event.html"
        if args[0] is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(exist_ok=True)
            target.write_text(args[0], encoding="utf-8")
        return
    if kind == "macros":
        target = root / "layouts" / "macros.html"
        if args[0]:
            target.parent.mkdir(exist_ok=True)
            target.write_text(MACROS, encoding="utf-8")
        else:
            target.unlink(missing_ok=True)
        return
    if kind == "config":
        (root / "chronoline.toml").write_text(args[0], encoding="utf-8")
        return
    path = content / f"e{args[0]}.md"
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    if kind == "body":
        path.write_text(head + "\n---\n" + (args[1] or "Text.") + "\n", encoding="utf-8")
    elif kind == "date":
        lines = [f"date: {args[1]}" if line.startswith("date:") else line
                 for line in head.splitlines()]
        path.write_text("\n".join(lines) + "\n---\n" + body, encoding="utf-8")
    elif kind == "tags":
        tags = "[" + ", ".join(f'"{t}"' for t in dict.fromkeys(args[1])) + "]"
        lines = [f"tags: {tags}" if line.startswith("tags:") else line
                 for line in head.splitlines()]
        path.write_text("\n".join(lines) + "\n---\n" + body, encoding="utf-8")
    elif kind == "lane":
        lines = [line for line in head.splitlines() if not line.startswith("lane:")]
        lines += [f"lane: {args[1]}"] if args[1] else []
        path.write_text("\n".join(lines) + "\n---\n" + body, encoding="utf-8")
    elif kind == "rename":
        path.rename(content / f"e{args[1]}.md")
    elif kind == "delete":
        path.unlink()


def rendered(builder: Builder, changed: set[str] | None = None,
             ) -> dict[str, bytes] | str:
    """The whole site; given what changed, as the dev server renders it (pages, then data)."""
    try:
        if changed is None:
            files = builder.render().files
        else:
            files = {**builder.render(data=False, changed=changed).files,
                     **builder.render_data()}
    except BuildFailed as failure:
        return "\n".join(str(e) for e in failure.errors)
    return {path: content.read_bytes() if isinstance(content, Path) else content
            for path, content in files.items()}


def sources(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in root.rglob("*") if p.is_file()}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(operations, st.booleans()), min_size=1, max_size=8))
def test_a_kept_builder_renders_what_a_fresh_one_renders(steps):
    root = Path(tempfile.mkdtemp(prefix="chronoline-incremental-"))
    try:
        (root / "content").mkdir()
        (root / "chronoline.toml").write_text(CONFIGS[0], encoding="utf-8")
        write_event(root, 0, "2018", ["uk"], "First.")
        kept = Builder(BuildOptions(root=root))
        rendered(kept)
        for step, watched in steps:
            before = sources(root)
            apply(root, step)
            after = sources(root)
            # What a file watcher reports: every file written, made or removed.
            changed = {path for path in before.keys() | after.keys()
                       if before.get(path) != after.get(path)} if watched else None
            assert rendered(kept, changed) == rendered(Builder(BuildOptions(root=root))), step
    finally:
        shutil.rmtree(root)


def test_changes_seen_while_the_settings_were_broken_still_count(make_site):
    root = make_site({"content/a.md": event_file("A")})
    kept = Builder(BuildOptions(root=root))
    kept.render()
    (root / "chronoline.toml").write_text("title = [\n", encoding="utf-8")
    (root / "content" / "a.md").write_text(event_file("Edited meanwhile"), encoding="utf-8")
    with pytest.raises(BuildFailed):
        kept.render(changed={"chronoline.toml", "content/a.md"})
    (root / "chronoline.toml").write_text('title = "Test timeline"\n', encoding="utf-8")
    site = kept.render(changed={"chronoline.toml"})
    assert b"Edited meanwhile" in site.files["events/a/index.html"]


def test_the_data_files_come_from_the_last_good_site(make_site):
    root = make_site({"content/a.md": event_file("A")})
    kept = Builder(BuildOptions(root=root))
    kept.render(data=False)
    (root / "content" / "a.md").write_text(event_file("A again"), encoding="utf-8")
    (root / "content" / "events.json").write_text("[]", encoding="utf-8")  # a clash: fails
    with pytest.raises(BuildFailed):
        kept.render(data=False, changed={"content/a.md", "content/events.json"})
    assert b'"A"' in kept.render_data()["events.json"]


def test_a_new_title_reaches_the_pages_of_the_events_before_and_after(make_site):
    root = make_site({f"content/e{n}.md": event_file(f"E{n}", f"201{n}-01-01") for n in range(4)})
    kept = Builder(BuildOptions(root=root))
    kept.render()
    (root / "content" / "e2.md").write_text(event_file("Renamed", "2012-01-01"), encoding="utf-8")
    site = kept.render(changed={"content/e2.md"}).files
    assert b"Renamed" in site["events/e1/index.html"]
    assert b"Renamed" in site["events/e3/index.html"]
    assert rendered(kept) == rendered(Builder(BuildOptions(root=root)))


def test_an_edit_reaches_a_tag_page_named_as_another_event_wrote_the_tag(make_site):
    root = make_site({"content/a.md": event_file("A", "2018-01-01", tags="[UK]"),
                      "content/b.md": event_file("B", "2018-02-01", tags="[uk]")})
    kept = Builder(BuildOptions(root=root))
    kept.render()
    (root / "content" / "b.md").write_text(event_file("B", "2018-02-01", "New text.",
                                                      tags="[uk]"), encoding="utf-8")
    site = kept.render(changed={"content/b.md"}).files
    assert b"New text." in site["tags/uk/index.html"]
    assert rendered(kept) == rendered(Builder(BuildOptions(root=root)))


def test_an_editors_temporary_file_named_by_the_watcher_is_passed_over(make_site):
    root = make_site({"content/a.md": event_file("A"), "content/b.md": event_file("B")})
    kept = Builder(BuildOptions(root=root))
    kept.render()
    # What `sed -i` does: write a temporary file, then rename it over the event.
    (root / "content" / "sedX1b2").write_text(event_file("A2"), encoding="utf-8")
    (root / "content" / "sedX1b2").replace(root / "content" / "a.md")
    site = kept.render(changed={"content/a.md", "content/sedX1b2"}).files
    assert b"A2" in site["events/a/index.html"]
    assert "sedX1b2" not in site
    assert rendered(kept) == rendered(Builder(BuildOptions(root=root)))


def test_a_draft_edited_while_drafts_are_left_out(tmp_path):
    root = tmp_path
    (root / "content").mkdir()
    (root / "chronoline.toml").write_text(CONFIGS[0], encoding="utf-8")
    write_event(root, 0, "2018", ["uk"], "First.")
    draft = root / "content" / "d.md"
    draft.write_text(event_file("Draft", "2018-07", "Not yet.", draft="true"), encoding="utf-8")
    kept = Builder(BuildOptions(root=root))
    rendered(kept)
    draft.write_text(event_file("Draft", "2018-07", "Still not.", draft="true"),
                     encoding="utf-8")
    assert rendered(kept, {"content/d.md"}) == rendered(Builder(BuildOptions(root=root)))
