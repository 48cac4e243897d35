"""The build cache on disk: used when it can be trusted, ignored when it cannot, never in site/."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_incremental import CONFIGS, apply, operations, write_event

from generator.build import BuildOptions, build
from generator.cache import CACHE_DIR, FILE

from conftest import build_site, event_file, read_html, site_files


def cache_file(root: Path) -> Path:
    return root / CACHE_DIR / FILE


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_cache_lives_beside_content_not_in_the_output(make_site):
    root = make_site({"content/a.md": event_file("A")})
    build_site(root)
    assert cache_file(root).is_file()
    assert not any(CACHE_DIR in p.as_posix() for p in (root / "site").rglob("*"))


def test_the_cache_is_used_and_clean_builds_without_it(make_site):
    root = make_site({"content/a.md": event_file("The real title")})
    path = root / "content" / "a.md"
    # Files changed in the last two seconds are read again; this one is older.
    old = path.stat().st_mtime_ns - 10**10
    os.utime(path, ns=(old, old))
    build_site(root)
    data = json.loads(cache_file(root).read_text(encoding="utf-8"))
    data["events"]["content/a.md"][2]["title"] = "What the cache says"
    data["outputs"] = {}
    cache_file(root).write_text(json.dumps(data), encoding="utf-8")
    build_site(root)
    page = read_html(root / "site" / "events" / "a" / "index.html")
    assert page.h1.get_text() == "What the cache says", "an unchanged file is not read again"
    build_site(root, clean=True)
    page = read_html(root / "site" / "events" / "a" / "index.html")
    assert page.h1.get_text() == "The real title"


def test_an_unreadable_cache_or_one_from_another_version_is_ignored(make_site):
    root = make_site({"content/a.md": event_file("A")})
    build_site(root)
    expected = tree(root / "site")
    for text in ("not json", '{"version": "0.0.0/1/3.0", "key": "x"}', "[]", '{"version": 1}'):
        cache_file(root).write_text(text, encoding="utf-8")
        shutil.rmtree(root / "site")
        build_site(root)
        assert tree(root / "site") == expected


def test_a_warm_build_writes_nothing_and_an_edit_only_what_shows_it(make_site):
    root = make_site({f"content/e{n}.md": event_file(f"E{n}", f"201{n}") for n in range(4)})
    build_site(root)
    before = site_files(root / "site")
    assert build_site(root).written == 0
    assert site_files(root / "site") == before
    (root / "content" / "e3.md").write_text(event_file("E3 again", "2013"), encoding="utf-8")
    report = build_site(root)
    after = site_files(root / "site")
    assert sorted(p for p in after if after[p] != before[p]) == [
        "2013/index.html", "events.ics", "events.json", "events/e2/index.html",
        "events/e3/index.html", "index.html", "timeline.json"]
    assert report.written == 7


def test_a_file_changed_in_the_output_folder_is_made_again(make_site):
    root = make_site({"content/a.md": event_file("A")})
    build_site(root)
    page = root / "site" / "events" / "a" / "index.html"
    original = page.read_bytes()
    page.write_text("tampered", encoding="utf-8")
    build_site(root)
    assert page.read_bytes() == original


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(operations, min_size=1, max_size=6))
def test_cached_builds_match_clean_builds(tmp_path_factory, steps):
    root = tmp_path_factory.mktemp("cached")
    (root / "content").mkdir()
    (root / "chronoline.toml").write_text(CONFIGS[0], encoding="utf-8")
    write_event(root, 0, "2018", ["uk"], "First.")
    build(BuildOptions(root=root))
    for step in steps:
        apply(root, step)
        clean = root.parent / (root.name + "-clean")
        try:
            build(BuildOptions(root=root))
        except Exception as failure:  # noqa: BLE001 (a broken step must fail both ways)
            cached_error = str(failure)
        else:
            cached_error = None
        try:
            build(BuildOptions(root=root, output=clean, clean=True))
        except Exception as failure:  # noqa: BLE001
            assert cached_error == str(failure)
            continue
        assert cached_error is None
        assert tree(root / "site") == tree(clean)
        shutil.rmtree(clean)
