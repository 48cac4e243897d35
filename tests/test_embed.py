"""The embed page, made for an <iframe> in another site's article, and the timeline page's offer
of the code that embeds it."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from test_serve import get

from conftest import Running, build_site, event_file, read_html, slug_of

# Front matter values, written below their keys.
SOURCES = "\n  - url: https://example.org/story\n    title: The story\n    publisher: Example"
MEDIA = ("\n  url: https://images.example.org/map.png\n  alt: A map\n"
         "  caption: The *route*\n  credit: Photo Desk")


def five_events(make_site, config: str = 'title = "Test timeline"\n') -> Path:
    dates = ["2018-07-19", "2018-12-07", "2018-08", "2019", "2018-12-07T10:00:00+01:00"]
    return make_site({f"content/e{n}.md": event_file(f"Event {n}", date, f"Summary {n}.",
                                                     sources=SOURCES)
                      for n, date in enumerate(dates, 1)}, config=config)


def embed_of(root: Path) -> BeautifulSoup:
    return read_html(root / "site" / "embed" / "index.html")


def test_the_embed_page_holds_the_timeline_pages_events_oldest_first(make_site):
    root = five_events(make_site)
    build_site(root)
    embed = embed_of(root)
    timeline = [slug_of(a) for a in read_html(root / "site" / "index.html").select("article")]
    assert [slug_of(a) for a in embed.select(".embed-list > li > article")] == timeline
    assert timeline == ["e1", "e3", "e2", "e5", "e4"]
    assert embed.select_one(".embed-list")["data-start"] == "0"


def test_each_event_shows_its_date_title_summary_and_sources(make_site):
    root = five_events(make_site)
    build_site(root)
    article = embed_of(root).select_one("#event-e3")
    assert article.select_one(".when time")["datetime"] == "2018-08"
    assert article.select_one(".when").get_text() == "August 2018"
    title = article.select_one("h2 a")
    assert title.get_text() == "Event 3" and title["href"] == "../events/e3/index.html"
    assert article.select_one(".summary").get_text() == "Summary 3."
    source = article.select_one(".sources a")
    assert source["href"] == "https://example.org/story"
    assert source.get_text() == "Example: The story"


def test_an_events_media_shows_with_its_caption_and_credit(make_site):
    root = make_site({"content/a.md": event_file("A", body="Text.",
                                                 media=MEDIA)})
    build_site(root)
    figure = embed_of(root).select_one("#event-a figure.embed-media")
    image = figure.img
    assert image["src"] == "https://images.example.org/map.png" and image["alt"] == "A map"
    assert image["loading"] == "lazy"  # a hidden event's picture waits until it is shown
    assert figure.figcaption.em.get_text() == "route"
    assert figure.select_one(".credit").get_text() == "Photo Desk"


def test_every_link_leaves_the_frame_for_a_new_tab(make_site):
    root = make_site({"content/a.md": event_file(
        "A", body="See [the report](https://example.org/report) and [B](../b/).",
        sources=SOURCES),
        "content/b.md": event_file("B", "2019")})
    build_site(root)
    embed = embed_of(root)
    links = embed.select("a[href]")
    assert {a["href"] for a in links} >= {
        "../index.html", "../events/a/index.html", "https://example.org/story", "#event-a",
        "https://example.org/report", "../events/b/"}  # the last two written in Markdown
    for link in links:
        if link["href"].startswith("#"):  # the strip's marks stay in the frame
            assert link["target"] == "_self", link
        else:
            assert (link["target"], link["rel"]) == ("_blank", ["noopener"]), link


def test_the_strip_places_a_named_mark_per_event_by_time(make_site):
    root = five_events(make_site)
    build_site(root)
    marks = embed_of(root).select("nav.embed-strip li")
    links = [li.a for li in marks]
    assert [a["href"] for a in links] == [f"#event-e{n}" for n in (1, 3, 2, 5, 4)]
    assert links[0].get_text() == "July 19, 2018: Event 1"
    assert links[1].get_text() == "August 2018: Event 3"
    places = [dict(part.split(": ") for part in li["style"].split("; ")) for li in marks]
    at = [float(place["--at"]) for place in places]
    assert at[0] == 0.0 and at[-1] == 100.0 and at == sorted(at)
    # 7 December 2018 is 141 days after 19 July, of the 166 to 1 January 2019.
    assert at[2] == round(141 / 166 * 100, 2)
    # Two events on 7 December 2018 (the day, then 10:00 in it): the second gets a row of its own.
    assert [place["--lane"] for place in places[2:4]] == ["0", "1"]


def strip_places(root: Path) -> list[tuple[float, int]]:
    marks = embed_of(root).select("nav.embed-strip li")
    return [(float(place["--at"]), int(place["--lane"])) for place in
            (dict(part.split(": ") for part in li["style"].split("; ")) for li in marks)]


def test_a_crowded_day_spreads_its_marks_so_each_can_be_pointed_at(make_site):
    files = {f"content/d{n}.md": event_file(f"D{n}", "2018-12-07") for n in range(7)}
    root = make_site({**files, "content/z.md": event_file("Z", "2019-12-07")})
    build_site(root)
    places = strip_places(root)
    assert places[:3] == [(0.0, 0), (0.0, 1), (0.0, 2)]
    assert places[3:7] == [(3.0, 0), (3.0, 1), (3.0, 2), (6.0, 0)]
    assert places[-1] == (100.0, 0)


def test_a_strip_too_full_for_its_rows_is_drawn_in_to_fit(make_site):
    root = make_site({f"content/d{n:03}.md": event_file(f"D{n}", "2018-12-07")
                      for n in range(300)} | {"content/z.md": event_file("Z", "2018-12-08")})
    build_site(root)
    places = strip_places(root)
    assert len(places) == 301 and max(at for at, _ in places) == 100.0
    lanes = [[at for at, lane in places if lane == row] for row in range(3)]
    assert all(row == sorted(row) and len(set(row)) == len(row) for row in lanes)


def test_the_embed_page_is_not_indexed_and_left_out_of_the_sitemap(make_site):
    root = five_events(make_site, 'title = "T"\nbase_url = "https://example.org/t/"\n')
    build_site(root)
    embed = embed_of(root)
    assert embed.select_one('meta[name="robots"]')["content"] == "noindex"
    sitemap = (root / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://example.org/t/events/e1/" in sitemap
    assert "https://example.org/t/embed/" not in sitemap


def test_the_embed_page_asks_no_other_host_for_its_own_files(make_site):
    root = five_events(make_site)
    build_site(root)
    embed = embed_of(root)
    loaded = ([link["href"] for link in embed.select("link[href]")]
              + [script["src"] for script in embed.select("script[src]")])
    assert loaded == ["../assets/embed.css", "../assets/embed.js"]
    assert not embed.select("script:not([src]), img, iframe, style")
    css = (root / "site" / "assets" / "embed.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css and "@font-face" not in css


def test_the_embed_page_holds_no_more_than_the_timeline_page(make_site):
    root = five_events(make_site, 'title = "T"\nindex_limit = 2\n')
    build_site(root)
    timeline = read_html(root / "site" / "index.html").select("article")
    assert [slug_of(a) for a in embed_of(root).select("article")] == ["e5", "e4"]
    assert [slug_of(a) for a in timeline] == ["e5", "e4"]


def test_newest_first_sites_start_at_the_latest_event_and_still_run_along_time(make_site):
    root = five_events(make_site, 'title = "T"\norder = "newest"\n')
    build_site(root)
    embed = embed_of(root)
    assert [slug_of(a) for a in embed.select("article")] == ["e1", "e3", "e2", "e5", "e4"]
    assert embed.select_one(".embed-list")["data-start"] == "4"


def test_a_site_without_events_still_has_an_embed_page(make_site):
    root = make_site({})
    build_site(root)
    embed = embed_of(root)
    assert "No events yet" in embed.main.get_text()
    assert not embed.select("nav.embed-strip, button")


def embed_code(root: Path) -> tuple[BeautifulSoup, BeautifulSoup]:
    """The timeline page's embed block, and its code as a page pasting it would read it."""
    block = read_html(root / "site" / "index.html").select_one("details.embed-code")
    code = BeautifulSoup(block.textarea.get_text(), "html.parser")
    return block, code


def test_the_timeline_page_offers_the_iframe_code_with_the_absolute_address(make_site):
    root = five_events(make_site, 'title = "Say \\"hi\\" & <go>"\n'
                                  'base_url = "https://example.org/t/"\n')
    build_site(root)
    block, code = embed_code(root)
    assert block.summary.get_text() == "Embed this timeline"
    assert block.textarea.has_attr("readonly")
    assert block.select_one("label")["for"] == block.textarea["id"]
    iframe = code.iframe
    assert iframe["src"] == "https://example.org/t/embed/"
    assert iframe["title"] == 'Say "hi" & <go>'  # escaped as an attribute, then as the field's text
    assert (iframe["width"], iframe["height"]) == ("650", "450")
    assert not block.select(".embed-code-note")
    button = block.button
    assert button.get_text() == "Copy" and button.has_attr("hidden")  # shown by the script
    index = read_html(root / "site" / "index.html")
    assert [s["src"] for s in index.select("script[src]")].count("assets/embed.js") == 1
    assert len(index.select("details.embed-code")) == 1


def test_without_a_base_url_the_embed_code_is_relative_and_says_why(make_site):
    root = five_events(make_site)
    build_site(root)
    block, code = embed_code(root)
    assert code.iframe["src"] == "embed/index.html"
    assert "no base_url setting" in block.select_one(".embed-code-note").get_text()


def test_the_year_and_tag_pages_do_not_offer_the_embed_code(make_site):
    root = five_events(make_site)
    build_site(root)
    for page in ("2018/index.html", "events/e1/index.html", "tags/index.html"):
        assert not read_html(root / "site" / page).select(".embed-code"), page


def test_the_dev_servers_embed_page_follows_an_edit(make_site):
    root = five_events(make_site)
    with Running(root) as running:
        assert b"Summary 3." in get(running.url + "embed/")[2]
        mark = len(running.lines)
        (root / "content" / "e3.md").write_text(
            event_file("Event 3", "2018-08", "Edited summary."), encoding="utf-8")
        running.wait_for_line("content/e3.md changed", after=mark)
        page = BeautifulSoup(get(running.url + "embed/")[2], "html.parser")
        assert page.select_one("#event-e3 .summary").get_text() == "Edited summary."
        assert not page.select("#event-e3 .sources")  # the edit took its sources away too


def test_a_second_build_remakes_the_embed_page_after_an_edit_and_not_before(make_site):
    root = five_events(make_site)
    build_site(root)
    page = root / "site" / "embed" / "index.html"
    written = page.stat().st_mtime_ns
    build_site(root)
    assert page.stat().st_mtime_ns == written  # nothing changed: left as it was
    (root / "content" / "e1.md").write_text(event_file("Event 1", "2018-07-19", "New words."),
                                            encoding="utf-8")
    build_site(root)
    assert embed_of(root).select_one("#event-e1 .summary").get_text() == "New words."
