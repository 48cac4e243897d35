"""Eras and lanes on the built site: era pages, their markers in the lists, "Part of" on event
pages, the eras' navigation, lanes on the events and in the filter."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from test_html_valid import check_html, describe
from test_incremental import rendered

from generator.build import Builder, BuildOptions
from generator.errors import BuildFailed

from conftest import build_site, event_file, read_html, slug_of

REPUBLIC = event_file("Roman Republic", "2001", "The Republic's *body*.", type="era",
                      end="2004", color="'#8b2500'", slug="republic",
                      sources="[https://example.org/republic]")
EMPIRE = event_file("Empire", "2003-06", "Imperial text.", type="era", end="2008")


def site_files(**more: str) -> dict[str, str]:
    files = {
        "content/e1999.md": event_file("Before", "1999-05-01", tags="[war]"),
        "content/e2001.md": event_file("First in the Republic", "2001-02-03", tags="[war]"),
        "content/e2002.md": event_file("Middle", "2002-07", tags="[peace]"),
        "content/e2004.md": event_file("In both", "2004-03-01", tags="[war]"),
        "content/e2007.md": event_file("Empire only", "2007", tags="[peace]"),
        "content/e2010.md": event_file("After", "2010-01-01", tags="[war]"),
        "content/eras/republic.md": REPUBLIC,
        "content/eras/empire.md": EMPIRE,
    }
    return {**files, **more}


def listing(page) -> list[str]:
    """The list of a page as a reader goes down it: era markers by their text, events by slug."""
    found = []
    for element in page.select("ol.timeline > li.era-mark, ol.timeline article.event"):
        found.append(slug_of(element) if element.name == "article"
                     else element.get_text(" ", strip=True))
    return found


@pytest.fixture
def built(make_site):
    root = make_site(site_files())
    build_site(root)
    return root / "site"


def test_an_era_has_a_page_with_its_range_body_sources_and_events(built):
    page = read_html(built / "eras" / "republic" / "index.html")
    article = page.select_one("article.era-page")
    assert article.h1.get_text() == "Roman Republic"
    assert [t["datetime"] for t in article.select(".when time")] == ["2001", "2004"]
    assert article.select_one(".body em").get_text() == "body"
    assert article.select_one(".sources a")["href"] == "https://example.org/republic"
    assert article["style"] == "--era-color: #8b2500"
    assert page.select_one(".era-events h2").get_text() == "3 events in this era"
    # Another era's markers show beside the events of this one that are in it too.
    assert listing(page) == ["Roman Republic begins, 2001", "e2001", "e2002",
                             "Empire begins, June 2003", "e2004", "Empire ends, 2008",
                             "Roman Republic ends, 2004"]
    link = page.select_one("article#event-e2001 .event-title a")["href"]
    assert link == "../../events/e2001/index.html"
    assert page.select_one("title").get_text() == "Roman Republic · Test timeline"


def test_overlapping_eras_share_their_events_and_each_lists_them(built):
    page = read_html(built / "eras" / "empire" / "index.html")
    events = [slug_of(a) for a in page.select("ol.timeline article.event")]
    assert events == ["e2004", "e2007"]


def test_the_timeline_marks_where_each_era_begins_and_ends(built):
    index = read_html(built / "index.html")
    assert listing(index) == [
        "e1999", "Roman Republic begins, 2001", "e2001", "e2002",
        "Empire begins, June 2003", "e2004", "Roman Republic ends, 2004",
        "e2007", "Empire ends, 2008", "e2010"]
    mark = index.select_one("li.era-mark.era-begins")
    assert mark.a["href"] == "eras/republic/index.html"
    assert mark.time["datetime"] == "2001"
    assert mark.find_parent("article") is None  # beside the items, not inside one


def test_a_year_and_a_tag_page_mark_the_eras_of_the_events_they_list(built):
    year = read_html(built / "2004" / "index.html")
    assert listing(year) == ["Roman Republic begins, 2001", "Empire begins, June 2003", "e2004",
                             "Empire ends, 2008", "Roman Republic ends, 2004"]
    peace = read_html(built / "tags" / "peace" / "index.html")
    assert listing(peace) == ["Roman Republic begins, 2001", "e2002", "Roman Republic ends, 2004",
                              "Empire begins, June 2003", "e2007", "Empire ends, 2008"]


def test_newest_first_meets_an_eras_end_first(make_site):
    root = make_site(site_files(), config='title = "T"\norder = "newest"\n')
    build_site(root)
    assert listing(read_html(root / "site" / "index.html")) == [
        "e2010", "Empire ends, 2008", "e2007", "Roman Republic ends, 2004", "e2004",
        "Empire begins, June 2003", "e2002", "e2001", "Roman Republic begins, 2001", "e1999"]


def test_event_pages_say_which_eras_they_are_part_of(built):
    def part_of(slug: str) -> list[tuple[str, str]]:
        page = read_html(built / "events" / slug / "index.html")
        return [(a.get_text(), a["href"]) for a in page.select(".part-of a")]

    assert part_of("e2004") == [("Roman Republic", "../../eras/republic/index.html"),
                                ("Empire", "../../eras/empire/index.html")]
    assert part_of("e2007") == [("Empire", "../../eras/empire/index.html")]
    assert part_of("e1999") == []


def test_the_timeline_page_has_a_navigation_of_the_eras(built):
    nav = read_html(built / "index.html").select_one("nav.eras")
    assert nav["aria-label"] == "Eras"
    assert [(a.get_text(), a["href"]) for a in nav.select("a")] == [
        ("Roman Republic", "eras/republic/index.html"), ("Empire", "eras/empire/index.html")]
    era_nav = read_html(built / "eras" / "empire" / "index.html").select_one("nav.eras")
    assert era_nav.select_one("[aria-current=page]").get_text() == "Empire"


def test_eras_are_no_events_of_the_feeds_search_or_exports_which_carry_them_as_eras(make_site):
    root = make_site(site_files(), config='title = "T"\nbase_url = "https://x.example/"\n')
    build_site(root)
    site = root / "site"
    assert not (site / "events" / "republic").exists()
    assert "Roman Republic" not in (site / "feed.xml").read_text(encoding="utf-8")
    assert [e["slug"] for e in json.loads((site / "events.json").read_text())["events"]] == [
        "e1999", "e2001", "e2002", "e2004", "e2007", "e2010"]
    exported = json.loads((site / "timeline.json").read_text(encoding="utf-8"))
    assert "Roman Republic" not in [e["text"]["headline"] for e in exported["events"]]
    assert "Roman Republic" in [e["text"]["headline"] for e in exported["eras"]]  # as an era
    assert "eras/republic/" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert sorted(p.name for p in site.iterdir() if p.name.isdigit()) == [
        "1999", "2001", "2002", "2004", "2007", "2010"]  # years' URLs as they were


def test_a_site_without_eras_has_no_era_navigation_or_markers(make_site):
    root = make_site({"content/a.md": event_file("A", "2001")})
    build_site(root)
    index = read_html(root / "site" / "index.html")
    assert index.select("nav.eras, li.era-mark, .part-of") == []
    assert not (root / "site" / "eras").exists()


def test_an_era_and_an_event_may_not_share_a_slug(make_site):
    root = make_site(site_files(**{"content/republic.md": event_file("R", "2001")}))
    with pytest.raises(BuildFailed) as failed:
        build_site(root)
    assert [str(e) for e in failed.value.errors] == [
        "content/republic.md: slug: 'republic' is also the slug of content/eras/republic.md; "
        "rename one file or give it another 'slug:'"]


def test_an_edit_of_an_era_reaches_every_page_it_shows_on(make_site):
    root = make_site(site_files())
    kept = Builder(BuildOptions(root=root))
    rendered(kept)
    era = root / "content" / "eras" / "republic.md"

    def edit(text: str) -> dict[str, bytes]:
        """The site as the dev server renders it after `era` is saved as `text`."""
        era.write_text(text, encoding="utf-8")
        site = rendered(kept, {"content/eras/republic.md"})
        assert site == rendered(Builder(BuildOptions(root=root)))
        return site

    def page(site: dict[str, bytes], path: str):
        return BeautifulSoup(site[path], "html.parser")

    site = edit(REPUBLIC.replace("end: 2004", "end: 2002").replace(
        "title: Roman Republic", "title: Republic"))
    assert listing(page(site, "index.html"))[:5] == [
        "e1999", "Republic begins, 2001", "e2001", "e2002", "Republic ends, 2002"]
    assert [a.get_text() for a in page(site, "events/e2004/index.html").select(".part-of a")] \
        == ["Empire"]
    assert page(site, "events/e2001/index.html").select_one(".part-of a").get_text() \
        == "Republic"
    assert page(site, "eras/republic/index.html").h1.get_text() == "Republic"
    site = edit(REPUBLIC.replace("Republic's", "Senate's"))
    body = page(site, "eras/republic/index.html").select_one(".body")
    assert body.p.get_text() == "The Senate's body."
    assert "Roman Republic begins" in page(site, "index.html").get_text()


def test_events_carry_their_lane_and_the_filter_offers_the_lanes(make_site):
    files = site_files(**{"content/e2002.md": event_file("Middle", "2002-07", lane="Île de France"),
                          "content/e2010.md": event_file("After", "2010", lane="ile de france")})
    root = make_site(files)
    build_site(root)
    index = read_html(root / "site" / "index.html")
    lanes = {slug_of(a): a.get("data-lane") for a in index.select("article.event")}
    assert lanes == {"e1999": None, "e2001": None, "e2002": "ile-de-france", "e2004": None,
                     "e2007": None, "e2010": "ile-de-france"}
    group = index.select_one(".tag-filter .lane-filter")
    assert group.has_attr("hidden")  # without JavaScript the list shows every event
    assert [(s["data-lane"], s.get_text(" ", strip=True)) for s in group.select("[data-lane]")] \
        == [("ile-de-france", "Île de France (2)"), ("", "Other (4)")]


def test_lanes_from_tags_put_each_event_in_its_first_tags_lane(make_site):
    root = make_site(site_files(**{"content/e2007.md": event_file("E", "2007", lane="Rome")}),
                     config='title = "T"\nlanes = "tags"\n')
    build_site(root)
    index = read_html(root / "site" / "index.html")
    assert [a.get("data-lane") for a in index.select("article.event")] == [
        "war", "war", "peace", "war", "rome", "war"]
    assert [s["data-lane"] for s in index.select(".lane-filter [data-lane]")] == [
        "peace", "rome", "war"]


def test_one_lane_is_no_lane_filter(make_site):
    root = make_site({"content/a.md": event_file("A", "2001", lane="Rome"),
                      "content/b.md": event_file("B", "2002", lane="rome")})
    build_site(root)
    index = read_html(root / "site" / "index.html")
    assert index.select(".lane-filter, .tag-filter") == []
    assert [a["data-lane"] for a in index.select("article.event")] == ["rome", "rome"]


def test_lanes_without_tags_make_a_filter_hidden_without_javascript(make_site):
    root = make_site({"content/a.md": event_file("A", "2001", lane="Rome"),
                      "content/b.md": event_file("B", "2002", lane="Gaul")})
    build_site(root)
    box = read_html(root / "site" / "index.html").select_one(".tag-filter")
    assert box.has_attr("hidden") and box.h2.get_text() == "Filter by lane"


def test_thirteen_lanes_stop_the_build_with_the_count(make_site):
    files = {f"content/e{n:02d}.md": event_file(f"E{n}", f"{2000 + n}", lane=f"L{n}")
             for n in range(13)}
    with pytest.raises(BuildFailed) as failed:
        build_site(make_site(files))
    assert [str(e) for e in failed.value.errors] == [
        "content/e12.md: lane: 'L12' is a lane too many: the events are in 13 lanes and a "
        "timeline may have at most 12; give fewer lanes"]


def test_pages_with_eras_and_lanes_are_valid_html(make_site):
    files = site_files(**{"content/e2002.md": event_file("Middle", "2002-07", lane="Gaul"),
                          "content/d.md": event_file("Draft era", "2005", type="era",
                                                     end="2006", draft="true")})
    root = make_site(files)
    build_site(root, drafts=True)
    site = root / "site"
    pages = [site / "index.html", site / "eras" / "republic" / "index.html",
             site / "eras" / "d" / "index.html", site / "events" / "e2004" / "index.html",
             site / "2004" / "index.html", site / "tags" / "war" / "index.html"]
    assert read_html(pages[2]).select_one('meta[name="robots"]')["content"] == "noindex"
    assert [describe(m, site) for m in check_html(pages)] == []


def test_an_era_before_year_one_is_marked_with_its_dates_as_historians_write_them(make_site):
    root = make_site({
        "content/ides.md": event_file("Ides of March", "15 March 44 BC"),
        "content/actium.md": event_file("Actium", "2 September 31 BC"),
        "content/augustus.md": event_file("Augustus dies", "19 August 14"),
        "content/republic.md": event_file("Roman Republic", "509 BC", type="era", end="27 BC"),
    })
    build_site(root)
    index = read_html(root / "site" / "index.html")
    assert listing(index) == ["Roman Republic begins, 509 BC", "ides", "actium",
                              "Roman Republic ends, 27 BC", "augustus"]
    begins = index.select_one("li.era-begins data")
    assert (begins["value"], begins.get_text()) == ("-0508", "509 BC")
    era = read_html(root / "site" / "eras" / "republic" / "index.html")
    assert era.select_one(".when").get_text() == "509 BC – 27 BC"
    assert [describe(m, root / "site") for m in check_html(
        [root / "site" / "index.html", root / "site" / "eras" / "republic" / "index.html"])] == []


def test_an_era_added_reaches_the_sitemap_of_a_kept_builder(make_site):
    root = make_site({"content/a.md": event_file("A", "2001")},
                     config='title = "T"\nbase_url = "https://x.example/"\n')
    kept = Builder(BuildOptions(root=root))
    rendered(kept)
    (root / "content" / "rome.md").write_text(REPUBLIC, encoding="utf-8")
    site = rendered(kept, {"content/rome.md"})
    assert b"https://x.example/eras/republic/" in site["sitemap.xml"]
    assert site == rendered(Builder(BuildOptions(root=root)))
