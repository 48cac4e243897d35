"""End to end: build the example site and the demo site, then read the HTML as a browser would."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import generator.layouts
from generator.build import NO_BASE_URL, BuildOptions, build
from generator.config import load_config
from generator.errors import BuildFailed
from generator.outputfiles import TEMPORARY
from generator.outputfolder import OutputError

from conftest import (
    REPO_ROOT,
    build_site,
    event_file,
    read_html,
    site_files,
    slug_of,
    theme_script,
)

EXAMPLE = Path(__file__).parent / "example"

EXPECTED_ORDER = [
    ("yaml-int-year", "2017", "2017"),
    ("year", "2018", "2018"),
    ("month", "2018-07", "July 2018"),
    ("day", "2018-07-19", "July 19, 2018"),
    ("range-coarse-end", "2018-07-19", "July 19, 2018"),
    ("written-day", "2018-07-19", "July 19, 2018"),
    ("escaping", "2018-08-01", "August 1, 2018"),
    ("image", "2018-09-01", "September 1, 2018"),
    ("written-month", "2018-12", "December 2018"),
    ("tokyo", "2018-12-07T10:00:00+09:00", "December 7, 2018, 2:00\u202fAM CET"),
    ("brussels", "2018-12-07T09:00+01:00", "December 7, 2018, 9:00\u202fAM CET"),
    ("range", "2018-12-10", "December 10, 2018"),
    ("nested-zurich-file", "2019-03-02", "March 2, 2019"),
]


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("example") / "site"
    build(BuildOptions(root=EXAMPLE, output=output))
    return output


def articles(page):
    return page.select("ol.timeline > li > article")


def test_index_lists_every_event_in_order_with_precise_dates(example):
    found = [(slug_of(a), a.time["datetime"], a.time.get_text()) for a in articles(
        read_html(example / "index.html"))]
    assert found == EXPECTED_ORDER


def test_each_event_title_links_to_its_page(example):
    for article in articles(read_html(example / "index.html")):
        link = article.select_one(".event-title a")
        assert link["href"] == f"events/{slug_of(article)}/index.html"
        assert (example / link["href"]).is_file()


def test_years_group_the_index_and_have_pages(example):
    index = read_html(example / "index.html")
    assert [a.get_text() for a in index.select("nav.years a")] == ["2017", "2018", "2019"]
    year = read_html(example / "2018" / "index.html")
    ids = [slug_of(a) for a in articles(year)]
    assert ids == [slug for slug, *_ in EXPECTED_ORDER[1:12]]
    assert "range" in ids, "a range is listed under the year it starts"
    assert year.h1.get_text() == "All events in 2018"


def test_range_shows_both_ends(example):
    page = read_html(example / "events" / "range" / "index.html")
    times = page.select("article .when time")
    assert [(t["datetime"], t.get_text()) for t in times] == [
        ("2018-12-10", "December 10, 2018"), ("2019-04-01", "April 1, 2019")]


def test_event_page_has_body_sources_and_neighbours(example):
    page = read_html(example / "events" / "day" / "index.html")
    article = page.article
    assert article.find("time")["datetime"] == "2018-07-19", "the event's own date comes first"
    source = article.select_one("ul.sources li")
    assert source.select_one("a.source")["href"] == "https://example.org/report"
    assert source.select_one(".publisher").get_text() == "Example News"
    assert source.cite.get_text() == "The report"
    assert source.time["datetime"] == "2018-07" and source.time.get_text() == "July 2018"
    assert source.select_one("a.archive")["href"] == "https://archive.example.org/report"
    assert page.select_one("a[rel=prev]")["href"] == "../../events/month/index.html"
    assert page.select_one("a[rel=next]")["href"] == "../../events/range-coarse-end/index.html"
    assert "The report came out." in page.select_one(".body").get_text()


def test_tags_link_to_tag_pages_that_show_the_first_spelling(example):
    index = read_html(example / "index.html")
    day = index.find("article", id="event-day")
    assert [(a.get_text(), a["href"]) for a in day.select(".tags a")] == [
        ("Zürich", "tags/zurich/index.html"), ("Periods", "tags/periods/index.html")]
    tag = read_html(example / "tags" / "zurich" / "index.html")
    assert tag.h1.get_text() == "Events tagged “Zürich”"
    assert [slug_of(a) for a in articles(tag)] == ["day", "written-day"]
    tags = read_html(example / "tags" / "index.html")
    assert "Periods" in tags.get_text()


def test_content_is_escaped_and_nothing_can_run_script(example):
    page = read_html(example / "events" / "escaping" / "index.html")
    assert page.h1.get_text() == "<script>alert(1)</script> & friends"
    for path in example.rglob("*.html"):
        html = read_html(path)
        for script in html.find_all("script"):
            if theme_script(script):
                continue
            assert script.get("type") == "application/ld+json", path
            json.loads(script.string)
        for element in html.find_all(True):
            assert not any(name.startswith("on") for name in element.attrs), (path, element)
            for name in ("href", "src"):
                assert not element.get(name, "").lower().startswith(("javascript:", "data:"))
    index = read_html(example / "index.html")
    escaping = index.find("article", id="event-escaping")
    assert "A summary with <em>HTML</em> in it." in escaping.get_text()
    assert (example / "tags" / "b-bold-b" / "index.html").is_file()


def test_drafts_only_with_the_drafts_option(example, tmp_path):
    assert not (example / "events" / "draft").exists()
    build(BuildOptions(root=EXAMPLE, output=tmp_path / "site", drafts=True))
    assert (tmp_path / "site" / "events" / "draft" / "index.html").is_file()


def test_files_that_are_not_markdown_are_copied_and_summaries_keep_their_links(example):
    assert (example / "images" / "dot.png").read_bytes() == (
        EXAMPLE / "content" / "images" / "dot.png").read_bytes()
    index = read_html(example / "index.html")
    assert index.find("article", id="event-image").img["src"] == "images/dot.png"
    event = read_html(example / "events" / "image" / "index.html")
    assert event.select_one(".body img")["src"] == "../../images/dot.png"


def test_site_furniture(example):
    assert (example / ".nojekyll").is_file()
    assert (example / "assets" / "style.css").is_file()
    not_found = read_html(example / "404.html")
    assert not_found.select_one("link[rel=stylesheet]")["href"] == "/timeline/assets/style.css"
    event = read_html(example / "events" / "day" / "index.html")
    assert event.select_one("link[rel=canonical]")["href"] == (
        "https://example.org/timeline/events/day/")
    assert event.select_one("meta[name=example-override]")["content"] == "day", (
        "layouts/event.html extends the default theme's event.html")
    assert event.html["lang"] == "en"


def test_second_build_writes_nothing(make_site):
    root = make_site({"content/a.md": event_file("A"), "content/b.md": event_file("B")})
    build_site(root)
    before = site_files(root / "site")
    report = build_site(root)
    assert (report.written, report.removed) == (0, 0)
    assert site_files(root / "site") == before


def test_an_edit_rewrites_only_the_files_that_show_it(make_site):
    root = make_site({
        "content/a.md": event_file("A", "2016", tags="[x]"),
        "content/b.md": event_file("B", "2017"),
        "content/c.md": event_file("C", "2018"),
        "content/d.md": event_file("D", "2019"),
    }, config='title = "T"\nsearch = false\n')  # the index's files: see test_search.py
    build_site(root)
    before = site_files(root / "site")
    (root / "content" / "d.md").write_text(event_file("D edited", "2019"), encoding="utf-8")
    report = build_site(root)
    after = site_files(root / "site")
    changed = sorted(p for p in after if after[p] != before[p])
    assert changed == ["2019/index.html", "embed/index.html", "events.ics", "events.json",
                       "events/c/index.html", "events/d/index.html", "index.html",
                       "timeline.json"]
    assert report.written == 8


def test_removed_events_disappear(make_site):
    root = make_site({"content/a.md": event_file("A", tags="[gone]"),
                      "content/b.md": event_file("B")},
                     config='title = "T"\nsearch = false\n')  # the index: see test_search.py
    build_site(root)
    (root / "content" / "a.md").unlink()
    report = build_site(root)
    assert not (root / "site" / "events" / "a").exists()
    assert not (root / "site" / "tags" / "gone").exists()
    assert report.removed == 2


def test_a_failed_build_reports_every_broken_file_and_leaves_the_site_as_it_was(make_site):
    root = make_site({"content/a.md": event_file("A"), "content/b.md": event_file("B")})
    build_site(root)
    before, beside = site_files(root / "site"), sorted(root.iterdir())
    (root / "content" / "a.md").write_text("---\ntitle: A\n---\n", encoding="utf-8")
    (root / "content" / "b.md").write_text("---\ntitle: B\ndate: 2018\nsoruces: []\n---\n",
                                           encoding="utf-8")
    (root / "content" / "c.md").write_text(event_file("C", slug="b"), encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build_site(root)
    assert [str(e) for e in caught.value.errors] == [
        "content/a.md:3: date: is missing; add a line 'date: ...' to the front matter",
        "content/b.md:4: soruces: unknown key; did you mean 'sources'?",
    ]
    assert site_files(root / "site") == before  # staged files too: they are made inside it
    assert sorted(root.iterdir()) == beside, "nothing is left beside the site either"


def test_two_events_with_one_slug(make_site):
    root = make_site({"content/a/x.md": event_file("A"), "content/b/x.md": event_file("B")})
    with pytest.raises(BuildFailed) as caught:
        build_site(root)
    assert [str(e) for e in caught.value.errors] == [
        "content/b/x.md: slug: 'x' is also the slug of content/a/x.md; rename one file or give "
        "it another 'slug:'"]


def test_a_broken_layout_names_its_file_and_line(make_site):
    root = make_site({"content/a.md": event_file("A"),
                      "layouts/event.html": "{% extends 'default/event.html' %}\n{% block main %"})
    with pytest.raises(BuildFailed) as caught:
        build_site(root)
    (error,) = caught.value.errors
    assert str(error).startswith("layouts/event.html:2: template: template syntax:")


def test_an_undefined_name_in_a_layout_is_an_error(make_site):
    root = make_site({"content/a.md": event_file("A"),
                      "layouts/event.html": "{{ event.titel }}\n"})
    with pytest.raises(BuildFailed) as caught:
        build_site(root)
    assert [str(e) for e in caught.value.errors] == [
        "layouts/event.html:1: template: 'generator.model.Event object' has no attribute 'titel'"]


def test_the_output_folder_must_not_hold_someone_elses_files(make_site, tmp_path):
    root = make_site({"content/a.md": event_file("A")})
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work", encoding="utf-8")
    with pytest.raises(OutputError, match="holds files that chronoline did not write"):
        build_site(root, output=mine)
    assert (mine / "thesis.txt").read_text(encoding="utf-8") == "years of work"
    with pytest.raises(OutputError, match="would replace the site itself"):
        build_site(root, output=root)


def test_a_busy_year_is_split_by_month(make_site):
    files = {f"content/e{n:02d}.md": event_file(f"E{n}", f"2018-{n % 12 + 1:02d}-01")
             for n in range(24)}
    files["content/whole-year.md"] = event_file("Whole year", "2018")
    root = make_site(files)
    build_site(root)
    index = read_html(root / "site" / "index.html")
    months = [h.get_text() for h in index.select("section.year h3.month")]
    assert months == [f"{m} 2018" for m in ("January", "February", "March", "April", "May",
                      "June", "July", "August", "September", "October", "November", "December")]
    assert slug_of(index.select("section.year ol.timeline")[0].article) == "whole-year"


def test_an_event_is_listed_at_the_heading_level_of_each_list(make_site):
    files = {f"content/e{n:02d}.md": event_file(f"E{n}", f"2018-{n % 12 + 1:02d}-01",
                                                tags="[uk]") for n in range(24)}
    files["content/whole-year.md"] = event_file("Whole year", "2018", tags="[uk]")
    root = make_site(files)
    build_site(root)
    site = root / "site"
    # Each event under its month's heading: <h4> on the index, below the year's <h2> and the
    # month's <h3>; <h3> on the year's page, a level up. A tag's page lists them under its <h1>.
    levels = {page: {h.name for h in read_html(site / page).select("article .event-title")}
              for page in ("index.html", "2018/index.html", "tags/uk/index.html")}
    assert levels == {"index.html": {"h4"}, "2018/index.html": {"h3"},
                      "tags/uk/index.html": {"h2"}}
    whole_year = read_html(site / "tags/uk/index.html").select_one("#event-whole-year h2 a")
    assert whole_year.get_text() == "Whole year"
    assert whole_year["href"] == "../../events/whole-year/index.html"


def test_a_sites_own_copy_of_the_macros_makes_the_same_pages(tmp_path):
    # The theme's list items are made once for every heading level; a site's own macros.html
    # has its items made for each level. Both must give the same bytes.
    own = tmp_path / "own"
    shutil.copytree(EXAMPLE, own)
    shutil.copy(Path(generator.layouts.THEME_DIR, "macros.html"), own / "layouts" / "macros.html")
    made_once = {root: generator.layouts.make_environment(root / "layouts", load_config(root))
                 .globals["fragments"].any_level for root in (EXAMPLE, own)}
    assert made_once == {EXAMPLE: True, own: False}
    plain = tmp_path / "plain"  # a copy too: in place, it has this repository's git history
    shutil.copytree(EXAMPLE, plain)
    build(BuildOptions(root=plain, output=tmp_path / "theme"))
    build(BuildOptions(root=own, output=tmp_path / "copied"))
    theme = {p.relative_to(tmp_path / "theme"): p.read_bytes()
             for p in (tmp_path / "theme").rglob("*") if p.is_file()}
    copied = {p.relative_to(tmp_path / "copied"): p.read_bytes()
              for p in (tmp_path / "copied").rglob("*") if p.is_file()}
    del theme[Path(".chronoline-files")], copied[Path(".chronoline-files")]
    assert theme == copied
    levels = {level for data in theme.values()
              for level in re.findall(rb'<h(\d) class="event-title">', data)}
    assert levels == {b"2", b"3"}


def test_a_sites_own_macros_may_count_with_the_level(make_site):
    macros = Path(generator.layouts.THEME_DIR, "macros.html").read_text(encoding="utf-8")
    counted = macros.replace('<h{{ level }} class="event-title">', '<h{{ level + 1 }} class="x">')
    assert counted != macros
    root = make_site({"content/a.md": event_file("A", tags="[uk]"),
                      "layouts/macros.html": counted})
    build_site(root)
    assert read_html(root / "site/index.html").select_one("h4.x a").get_text() == "A"
    assert read_html(root / "site/tags/uk/index.html").select_one("h3.x a").get_text() == "A"


def test_newest_first(make_site):
    root = make_site({"content/a.md": event_file("A", "2017"),
                      "content/b.md": event_file("B", "2019")},
                     config='order = "newest"\n')
    build_site(root)
    assert [slug_of(a) for a in articles(read_html(root / "site" / "index.html"))] == ["b", "a"]


def test_the_demo_site_builds_with_every_event_sourced(tmp_path):
    report = build(BuildOptions(root=REPO_ROOT, output=tmp_path / "site"))
    assert report.events == len(list((REPO_ROOT / "content").rglob("*.md"))) >= 12
    index = read_html(tmp_path / "site" / "index.html")
    events = articles(index)
    assert len(events) == report.events
    for article in events:
        links = article.select("ul.sources a.source")
        assert links, f"{slug_of(article)} has no source"
        assert all(re.match(r"https?://", a["href"]) for a in links)
    datetimes = [a.time["datetime"] for a in events]
    assert datetimes == sorted(datetimes, key=lambda d: d[:10]), "oldest first"
    assert "demo timeline of chronoline" in index.select_one("footer").get_text(), (
        "this repository's layouts/base.html overrides the default footer")


def test_output_can_be_moved_and_served_elsewhere(tmp_path):
    build(BuildOptions(root=EXAMPLE, output=tmp_path / "site"))
    shutil.move(tmp_path / "site", tmp_path / "moved")
    page = read_html(tmp_path / "moved" / "events" / "day" / "index.html")
    assert page.select_one("link[rel=stylesheet]")["href"] == "../../assets/style.css"


def test_summary_links_are_rebased_but_text_that_looks_like_a_link_is_not(make_site):
    body = 'Write href="foo/bar" to link; see [the map](../../images/map.png).'
    root = make_site({"content/x.md": event_file("X", body=body), "content/images/map.png": "p"})
    build_site(root)
    item = read_html(root / "site" / "2018" / "index.html").find("article", id="event-x")
    assert 'Write href="foo/bar" to link' in item.get_text()
    assert item.select_one(".summary a")["href"] == "../images/map.png"


def test_one_year_needs_no_year_navigation(make_site):
    root = make_site({"content/a.md": event_file("A")})
    build_site(root)
    assert not read_html(root / "site" / "index.html").select("nav.years")


def test_a_long_timeline_page_shows_the_latest_events_and_links_every_year(make_site):
    files = {f"content/e{n:02d}.md": event_file(f"E{n}", f"{2000 + n}-01-01") for n in range(12)}
    root = make_site(files, config="index_limit = 5\n")
    build_site(root)
    index = read_html(root / "site" / "index.html")
    assert [slug_of(a) for a in articles(index)] == ["e07", "e08", "e09", "e10", "e11"]
    assert index.select_one("p.partial").get_text() == (
        "The latest 5 of 12 events. Every year has a page of its own:")
    assert len(index.select("nav.years a")) == 12
    assert (root / "site" / "2000" / "index.html").is_file()


def test_many_files_are_parsed_in_worker_processes_with_the_same_result(make_site, tmp_path):
    files = {f"content/e{n:03d}.md": event_file(f"E{n}", f"{2000 + n % 20}-{n % 12 + 1:02d}",
                                                  body=f"Body *{n}*.", tags=f"[t{n % 7}]")
             for n in range(250)}
    root = make_site(files)
    one = build(BuildOptions(root=root, output=tmp_path / "one", jobs=1, clean=True))
    two = build(BuildOptions(root=root, output=tmp_path / "two", jobs=2, clean=True))
    assert one.events == two.events == 250
    read = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*")
            if p.is_file()}
    assert read == {p.relative_to(tmp_path / "two"): p.read_bytes()
                    for p in (tmp_path / "two").rglob("*") if p.is_file()}
    (root / "content" / "e007.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (root / "content" / "e100.md").write_text("---\ndate: 2018\n---\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build(BuildOptions(root=root, output=tmp_path / "two", jobs=2, clean=True))
    assert [e.path for e in caught.value.errors] == ["content/e007.md", "content/e100.md"]
    (root / "content" / "e007.md").write_text(event_file("E7"), encoding="utf-8")
    (root / "content" / "e100.md").write_text(event_file("E100"), encoding="utf-8")
    (root / "layouts").mkdir()
    # Fails on one page only: the worker processes have written the others by then.
    (root / "layouts" / "event.html").write_text(
        "{% extends 'default/event.html' %}{% block main %}"
        "{% if event.slug == 'e200' %}{{ event.titel }}{% endif %}Changed{% endblock %}\n",
        encoding="utf-8")
    for output in (tmp_path / "two", tmp_path / "three"):
        before = site_files(output) if output.exists() else None
        with pytest.raises(BuildFailed) as caught:
            build(BuildOptions(root=root, output=output, jobs=2, clean=True))
        assert [str(e) for e in caught.value.errors] == [
            "layouts/event.html:1: template: 'generator.model.Event object' has no attribute "
            "'titel'"]
        if before is None:
            assert not output.exists(), "a failed build leaves no output folder behind"
        else:
            assert site_files(output) == before, "a failed build leaves the output as it was"


@pytest.mark.skipif(sys.platform != "linux", reason="workers render only where they are forked")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: a build starts no workers")
def test_a_build_with_workers_stops_them_when_it_ends(make_site, tmp_path):
    root = make_site(many_events())
    started: list[int] = []

    def build_noting_workers(**options: object) -> None:
        try:
            build(BuildOptions(root=root, jobs=2, **options))
        finally:  # the processes this one started that are still running
            started.extend(child.pid for child in multiprocessing.active_children())

    build_noting_workers(clean=True)
    assert started == [], "the workers outlived the build"
    assert read_html(root / "site" / "events" / "e042" / "index.html").h1.get_text() == "E42"
    (root / "content" / "e042.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_noting_workers()
    assert started == [], "the workers outlived a failed build"


def test_a_content_file_that_would_replace_a_generated_one_is_refused(make_site):
    root = make_site({"content/a.md": event_file("A"), "content/index.html": "<p>mine</p>",
                      "content/events.json": "[]", "content/notes.txt": "kept"})
    with pytest.raises(BuildFailed) as caught:
        build_site(root)
    assert [str(e) for e in caught.value.errors] == [
        "content/events.json: would overwrite the generated events.json; rename or move it",
        "content/index.html: would overwrite the generated index.html; rename or move it",
    ]
    assert not (root / "site").exists()


def many_events() -> dict[str, str]:
    """Enough event files for worker processes to parse them and render their pages."""
    return {f"content/e{n:03d}.md": event_file(f"E{n}", f"{2000 + n % 20}-01-01")
            for n in range(250)}


def test_a_build_stopped_while_workers_write_pages_leaves_nothing(make_site, tmp_path,
                                                                   monkeypatch):
    files = many_events()
    root = make_site(files)
    output = tmp_path / "out"

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C, while the workers stage the event pages

    monkeypatch.setattr("generator.build.render_pages", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(BuildOptions(root=root, output=output, jobs=2, clean=True))
    assert not output.exists()


def test_a_build_stopped_before_its_files_are_in_place_leaves_the_output_as_it_was(
        make_site, tmp_path, monkeypatch):
    files = many_events()
    root = make_site(files)
    output = tmp_path / "out"
    build(BuildOptions(root=root, output=output, jobs=2))
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    (root / "content" / "e001.md").write_text(event_file("Edited", "2001-01-01"),
                                              encoding="utf-8")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C, once every page and export is staged

    monkeypatch.setattr("generator.build.write_site", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(BuildOptions(root=root, output=output, jobs=2))
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


KILLED_BUILD = """
import os, sys
from pathlib import Path
import generator.build
from generator.build import BuildOptions, build
generator.build.write_site = lambda *args: os._exit(9)  # dies, as if killed, files staged
build(BuildOptions(root=Path(sys.argv[1]), output=Path(sys.argv[2]), jobs=2))
"""


@pytest.mark.parametrize("then", ["first build", "edit undone", "another edit",
                                  "a failed build first"])
def test_a_build_killed_with_files_staged_leaves_them_for_the_next_to_clear(
        make_site, tmp_path, then):
    files = many_events()
    root = make_site(files)
    output = tmp_path / "out"
    edited = root / "content" / "e001.md"
    then_ns = edited.stat().st_mtime_ns - 60 * 10**9  # settled: known by their timestamps
    for path in (root / "content").iterdir():
        os.utime(path, ns=(then_ns, then_ns))
    if then != "first build":
        build(BuildOptions(root=root, output=output, jobs=2))
    edited.write_text(event_file("Edited", "2001-01-01"), encoding="utf-8")
    killed = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(root), str(output)],
                            capture_output=True, text=True)
    assert killed.returncode == 9, killed.stderr
    assert any(p.name.startswith(TEMPORARY) for p in output.rglob("*")), "nothing was staged"
    if then != "first build":  # the next build has other pages to write, or none at all
        edited.write_text(files["content/e001.md"], encoding="utf-8")
        os.utime(edited, ns=(then_ns, then_ns))
    if then in ("another edit", "a failed build first"):
        (root / "content" / "e150.md").write_text(event_file("Also edited", "2010-01-01"),
                                                  encoding="utf-8")
    if then == "a failed build first":  # which leaves what it found for the next one to clear
        broken = root / "content" / "broken.md"
        broken.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
        with pytest.raises(BuildFailed):
            build(BuildOptions(root=root, output=output, jobs=2))
        broken.unlink()
    build(BuildOptions(root=root, output=output, jobs=2))
    clean = tmp_path / "clean"
    build(BuildOptions(root=root, output=clean, clean=True))

    def contents(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    assert contents(output) == contents(clean)  # nothing half-written left, no mark


TERMINATED_BUILD = """
import multiprocessing, os, signal, sys
import generator.build
from generator.cli import run
real = generator.build.render_pages

def render_pages(*args):  # the list pages, here, while the workers stage the event pages
    print(*[child.pid for child in multiprocessing.active_children()], flush=True)
    os.kill(os.getpid(), signal.SIGTERM)
    return real(*args)

generator.build.render_pages = render_pages
sys.argv = ["chronoline", "build", "--source", sys.argv[1], "--output", sys.argv[2]]
sys.exit(run())
"""


@pytest.mark.skipif(sys.platform != "linux", reason="workers render only where they are forked")
def test_a_terminated_build_stops_its_workers_and_leaves_the_site_as_it_was(make_site, tmp_path):
    root = make_site(many_events())
    output = tmp_path / "out"
    build(BuildOptions(root=root, output=output, jobs=2))
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    for path in (root / "content").iterdir():  # every page to render again
        path.write_text(path.read_text(encoding="utf-8") + "Edited.\n", encoding="utf-8")
    stopped = subprocess.run([sys.executable, "-c", TERMINATED_BUILD, str(root), str(output)],
                             capture_output=True, text=True, timeout=60)
    assert stopped.returncode == 130, stopped.stderr
    assert stopped.stderr.strip() == "Stopped."
    workers = [int(pid) for pid in stopped.stdout.split()]
    assert len(workers) == 2
    for pid in workers:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


def test_a_failed_first_build_leaves_no_folder_behind(make_site, tmp_path):
    root = make_site({"content/a.md": "---\ntitle: [unclosed\n---\n"})
    with pytest.raises(BuildFailed):
        build(BuildOptions(root=root, output=tmp_path / "a" / "b" / "site"))
    assert not (tmp_path / "a").exists()


def test_a_link_into_content_from_outside_is_reported_by_every_build(make_site, tmp_path):
    root = make_site({"content/a.md": event_file("A")})
    assert NO_BASE_URL in build_site(root).warnings
    (tmp_path / "elsewhere.md").write_text(event_file("B"), encoding="utf-8")
    (root / "content" / "b.md").symlink_to(tmp_path / "elsewhere.md")
    old = 10**18  # the build finds every stamp as before: only the link is new
    for path in (root / "content").iterdir():
        os.utime(path, ns=(old, old), follow_symlinks=False)
    warnings = build_site(root).warnings
    assert any(w.startswith("content/b.md: skipped") for w in warnings)
    assert build_site(root).warnings == warnings


@pytest.mark.skipif(sys.platform != "linux", reason="other systems refuse such names")
def test_a_file_whose_name_is_not_utf8_is_named_clearly(make_site):
    root = make_site({"content/a.md": event_file("A")})
    with open(os.path.join(os.fsencode(root), b"content", b"caf\xe9.md"), "wb") as file:
        file.write(event_file("Not read").encode())
    report = build_site(root)
    assert report.events == 1
    assert "content/caf\\xe9.md: skipped: its name is not UTF-8 text; rename it" in report.warnings
    static = os.path.join(os.fsencode(root), b"layouts", b"static")
    os.makedirs(static)
    with open(os.path.join(static, b"x\xe9.css"), "wb") as file:
        file.write(b"a {}")
    with pytest.raises(BuildFailed) as caught:
        build_site(root)
    assert [str(e) for e in caught.value.errors] == [
        "layouts/static/x\\xe9.css: its name is not UTF-8 text; rename it"]
