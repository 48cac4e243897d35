"""The timeline as a reader sees it: the overview's marks lead to the events, events of one day
sit together, long gaps are marked in the site's language, and pictures keep their place."""

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from generator.dateparts import days_from_civil
from generator.errors import ContentErrors
from tests.conftest import build_site, event_file, read_html, slug_of


def events_on(days: list[str], **extra: str) -> dict[str, str]:
    return {f"content/e{n:03d}.md": event_file(f"Event {n}", day, **extra)
            for n, day in enumerate(days)}


def resolve(site: Path, page: str, href: str) -> tuple[Path, str]:
    """The file a relative link on `page` leads to, and its fragment."""
    parts = urlsplit(urljoin(f"http://site/{page}", href))
    return site / parts.path.lstrip("/"), parts.fragment


def assert_leads_somewhere(site: Path, page: str, href: str) -> None:
    target, fragment = resolve(site, page, href)
    assert target.is_file(), href
    if fragment:
        assert read_html(target).find(id=fragment) is not None, href


# The overview ---------------------------------------------------------------------------------

def test_every_mark_of_the_overview_leads_to_its_event(make_site):
    days = ["1914-07-28", "1918-11-11", "1939-09-01", "1945-05-08", "1945-05-08", "1989-11-09"]
    files = events_on(days)
    files["content/war.md"] = event_file("A war", "1914-07-28", end="1918-11-11")
    root = make_site(files)
    build_site(root)
    site = root / "site"
    for page in ("index.html", "1945/index.html"):
        html = read_html(site / page)
        overview = html.select_one("figure.overview svg")
        marks = overview.select("a[data-slug]")
        assert marks, page
        for mark in marks:
            assert mark["href"] == f"#event-{mark['data-slug']}"
            assert_leads_somewhere(site, page, mark["href"])
            assert mark.title.text.strip()  # the mark's accessible name: title and date
        listed = {slug_of(a) for a in html.select("article.event")}
        assert {a["data-slug"] for a in marks} == listed
    index = read_html(site / "index.html")
    bar = index.select_one("svg a:has(rect.overview-bar)")
    assert bar["data-slug"] == "war"
    assert bar.title.text == "A war, July 28, 1914 – November 11, 1918"
    assert [t.text for t in index.select("svg text")][:2] == ["1920", "1930"]
    one = index.select_one('svg a[data-slug="e002"]')
    assert one.title.text == "Event 2, September 1, 1939"


def test_the_overview_of_a_long_timeline_links_the_events_the_page_does_not_list(make_site):
    root = make_site(events_on([f"20{n:02d}-03-01" for n in range(10)]),
                     config="index_limit = 4\n")
    build_site(root)
    site = root / "site"
    marks = read_html(site / "index.html").select("figure.overview a[data-slug]")
    assert len(marks) == 10  # the whole timeline, though the page lists the latest four
    on_page = [m for m in marks if m["href"].startswith("#")]
    assert [m["data-slug"] for m in on_page] == ["e006", "e007", "e008", "e009"]
    for mark in marks:
        assert_leads_somewhere(site, "index.html", mark["href"])
    assert marks[0]["href"] == "events/e000/index.html"


def test_past_500_events_the_overview_counts_per_month_and_links_the_months(make_site):
    days = [f"2018-{1 + n % 12:02d}-{1 + n % 28:02d}" for n in range(501)]
    root = make_site(events_on(days), config="index_limit = 1000\n")
    build_site(root)
    site = root / "site"
    for page in ("index.html", "2018/index.html"):
        svg = read_html(site / page).select_one("figure.overview svg")
        assert not svg.select("a[data-slug]")
        bins = svg.select("a:has(rect.overview-bin)")
        assert len(bins) == 12
        assert sum(int(b.title.text.split()[0]) for b in bins) == 501
        for link in bins:
            assert_leads_somewhere(site, page, link["href"])
    in_march = f'svg a[data-from="{days_from_civil(2018, 3, 1)}"]'  # days since 1970
    march = read_html(site / "index.html").select_one(in_march)
    assert march["href"] == "2018/index.html#month-2018-03"
    assert march.title.text == "42 events in March 2018"
    year = read_html(site / "2018/index.html")
    assert year.select_one(in_march)["href"] == "#month-2018-03"
    assert year.find(id="month-2018-03").text == "March 2018"


def test_a_single_event_has_no_overview(make_site):
    root = make_site(events_on(["2018-07-19"]))
    build_site(root)
    assert read_html(root / "site" / "index.html").select("figure.overview") == []


# Days and gaps --------------------------------------------------------------------------------

def test_events_on_the_same_day_sit_together_under_that_day(make_site):
    root = make_site(events_on(["2018-12-07", "2018-12-07T09:00+01:00", "2018-12-07",
                                "2018-12-08", "2018-12"]))
    build_site(root)
    for page in ("index.html", "2018/index.html"):
        html = read_html(root / "site" / page)
        days = html.select("ol.timeline > li.day")
        assert len(days) == 1
        day = days[0]
        assert day.select_one(".day-heading time")["datetime"] == "2018-12-07"
        items = day.select("ol.timeline.day-events > li.event-item")
        assert [slug_of(li.article) for li in items] == ["e000", "e002", "e001"]
        for li in items:  # each event keeps its own article, its date the first <time>
            article = li.article
            assert article["id"] == f"event-{slug_of(article)}"
            assert article.find("time")["datetime"].startswith("2018-12-07")
        singles = html.select("ol.timeline:not(.day-events) > li.event-item")
        assert {slug_of(li.article) for li in singles} == {"e003", "e004"}


def gap_texts(root: Path, page: str = "index.html") -> list[str]:
    return [li.text for li in read_html(root / "site" / page).select("li.gap")]


def test_a_long_gap_is_marked_in_a_news_story_and_in_a_history(make_site, tmp_path):
    news = make_site(events_on(["2018-07-01", "2018-07-03", "2018-07-04", "2018-07-08",
                                "2018-12-10", "2018-12-11", "2018-12-12"]))
    build_site(news)
    assert gap_texts(news) == ["5 months later"]
    # Three centuries, a century apart each: evenly spread, nothing to mark...
    history = tmp_path / "history"
    (history / "content").mkdir(parents=True)
    for n, year in enumerate(["1700", "1800", "1900", "2000"]):
        (history / "content" / f"h{n}.md").write_text(event_file(f"H{n}", year))
    build_site(history)
    assert gap_texts(history) == []
    # ...and a silence of two centuries among events decades apart is.
    (history / "content" / "h0.md").write_text(event_file("H0", "1750"))
    (history / "content" / "h1.md").write_text(event_file("H1", "1770"))
    (history / "content" / "h2.md").write_text(event_file("H2", "1790"))
    build_site(history)
    assert gap_texts(history) == ["209 years later"]


def test_the_gap_marker_sits_between_the_years_it_separates(make_site):
    root = make_site(events_on(["2014-01-10", "2014-02-10", "2014-03-10", "2017-03-20",
                                "2017-04-20"]))
    build_site(root)
    html = read_html(root / "site" / "index.html")
    gap = html.select_one("li.gap")
    assert gap.text == "3 years later"
    assert gap.find_parent("section")["id"] == "year-2017"
    assert slug_of(gap.find_next("article")) == "e003"


def test_gaps_read_earlier_when_the_newest_comes_first_and_in_dutch(make_site):
    days = ["2014-01-10", "2014-02-10", "2014-03-10", "2017-03-20", "2017-04-20"]
    root = make_site(events_on(days), config='order = "newest"\nlanguage = "nl"\n')
    build_site(root)
    html = read_html(root / "site" / "index.html")
    gap = html.select_one("li.gap")
    assert gap.text == "3 jaar eerder"
    assert slug_of(gap.find_next("article")) == "e002"  # between 2017 and 2014
    assert gap_texts(root, "tags/index.html") == []
    root2 = make_site(events_on(days), config='language = "nl"\n')
    build_site(root2)
    assert gap_texts(root2) == ["3 jaar later"]
    caption = read_html(root2 / "site" / "index.html").select_one(".overview-caption").text
    assert caption == "5 gebeurtenissen, 10 januari 2014 – 20 april 2017"


def test_a_sites_own_macros_without_days_or_gaps_still_builds(make_site):
    theme = (Path(__file__).parents[1] / "generator" / "theme" / "macros.html").read_text()
    own = theme.split("{# Events listed on the same day")[0]
    own += theme[theme.index("{% macro event_list"):]  # as written before days and gaps
    files = events_on(["2014-01-10", "2014-01-10", "2014-03-10", "2017-03-20", "2017-04-20"])
    files["layouts/macros.html"] = own.replace('class="event-item"', 'class="mine"')
    root = make_site(files)
    build_site(root)
    html = read_html(root / "site" / "index.html")
    assert html.select("li.mine") and html.select("li.day") and html.select("li.gap")


# Media ----------------------------------------------------------------------------------------

PICTURE = """
  url: https://example.org/picture.jpg
  caption: The *board's* report
  credit: Photo by someone"""


def test_a_picture_shows_in_every_list_with_its_size_caption_and_credit(make_site):
    files = {
        "content/a.md": event_file("Sized", "2018-07-19", tags="[uk]",
                                   media=PICTURE + "\n  width: 1200\n  height: 800"),
        "content/b.md": event_file("Unsized", "2018-08-19", tags="[uk]", media=PICTURE),
    }
    root = make_site(files)
    build_site(root)
    site = root / "site"
    for page in ("index.html", "2018/index.html", "tags/uk/index.html", "events/a/index.html"):
        html = read_html(site / page)
        img = html.select_one("figure.media img")
        assert (img["width"], img["height"], img["loading"]) == ("1200", "800", "lazy"), page
        caption = img.find_parent("figure").figcaption
        assert caption.em.text == "board's" and caption.select_one(".credit").text
    # Without a size a picture is drawn in a frame of fixed shape, which it fills.
    unsized = read_html(site / "index.html").select_one("#event-b figure.media")
    assert unsized.select_one(".media-frame img")["loading"] == "lazy"
    assert unsized.img.has_attr("width") and unsized.img.has_attr("height")


@pytest.mark.parametrize(("lines", "message"), [
    ("\n  width: wide\n  height: 800",
     "content/a.md:8: media.width: 'wide' is not a size in pixels; write a whole number from "
     "1 to 20,000, such as 'width: 1200'"),
    ("\n  width: 0\n  height: 800",
     "content/a.md:8: media.width: '0' is not a size in pixels; write a whole number from "
     "1 to 20,000, such as 'width: 1200'"),
    ("\n  height: 800",
     "content/a.md:8: media.width: is missing; give the picture's 'height' and 'width' in "
     "pixels together, or neither"),
])
def test_a_pictures_size_must_be_two_whole_numbers(make_site, lines, message):
    root = make_site({"content/a.md": event_file("A", "2018-07-19", media=PICTURE + lines)})
    with pytest.raises(ContentErrors) as caught:
        build_site(root)
    assert [str(error) for error in caught.value.errors] == [message]


# In a browser ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def long_site(tmp_path_factory) -> Path:
    """Thirty events a month apart, two on one day, a range: a page longer than any screen."""
    root = tmp_path_factory.mktemp("long")
    files = events_on([f"{2015 + n // 12}-{1 + n % 12:02d}-15" for n in range(30)] +
                      ["2016-06-15"], tags="[uk]", media=PICTURE)
    files["content/range.md"] = event_file("A range", "2015-03", end="2016-02")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    build_site(root)
    return root / "site"


def open_page(browser, site: Path, path: str = "index.html", **options):
    page = browser.new_page(**{"viewport": {"width": 1440, "height": 900}, **options})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
               else route.abort())  # nothing may come from another host
    page.goto((site / path).as_uri())
    return page, errors


def test_clicking_a_mark_brings_its_event_into_view(browser, long_site):
    page, errors = open_page(browser, long_site)
    mark = page.get_by_role("link", name="Event 27, April 15, 2017", exact=True)
    assert mark.count() == 1  # a mark's accessible name: its title and date
    mark.click()
    page.wait_for_function("location.hash === '#event-e027'")
    top = page.evaluate("document.getElementById('event-e027').getBoundingClientRect().top")
    below = page.evaluate("document.querySelector('.overview').getBoundingClientRect().bottom")
    assert below <= top < page.viewport_size["height"]  # in view, not under the overview
    assert errors == []
    page.close()


def test_scrolling_highlights_the_marks_of_the_events_in_view(browser, long_site):
    page, errors = open_page(browser, long_site)
    current = "[...document.querySelectorAll('.overview .is-current')].map(a => a.dataset.slug)"
    page.wait_for_function(f"{current}.includes('e000')")
    assert "e029" not in page.evaluate(current)
    page.evaluate("document.getElementById('event-e029').scrollIntoView()")
    page.wait_for_function(f"{current}.includes('e029')")
    assert "e000" not in page.evaluate(current)
    # Only colours change: the overview and the list keep their place and size.
    assert page.evaluate("document.querySelector('.overview svg').getBoundingClientRect().height") \
        == int(read_html(long_site / "index.html").select_one(".overview svg")["height"])
    assert errors == []
    page.close()


def test_without_javascript_the_marks_are_plain_links(browser, long_site):
    page, _errors = open_page(browser, long_site, java_script_enabled=False)
    page.click('.overview a[data-slug="e020"]')
    page.wait_for_function("location.hash === '#event-e020'")
    assert page.evaluate("document.querySelectorAll('.overview .is-current').length") == 0
    page.close()


@pytest.mark.parametrize("width", [360, 390, 1440])
def test_the_timeline_with_its_overview_fits_the_screen(browser, long_site, width):
    for scheme in ("light", "dark"):
        page, errors = open_page(browser, long_site, viewport={"width": width, "height": 800},
                                 color_scheme=scheme)
        for path in ("index.html", "2016/index.html", "tags/uk/index.html"):
            page.goto((long_site / path).as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            if path.startswith("tags/"):
                continue  # a tag's page lists its events without an overview
            # Every tick label is drawn whole, inside the overview.
            box = page.evaluate("document.querySelector('.overview svg')"
                                ".getBoundingClientRect().toJSON()")
            for label in page.query_selector_all(".overview svg text"):
                edge = label.bounding_box()
                assert box["left"] - 1 <= edge["x"]
                assert edge["x"] + edge["width"] <= box["right"] + 1
        page.goto((long_site / "index.html").as_uri())
        page.screenshot(path=f"/tmp/chronoline-overview-{width}-{scheme}.png")
        assert errors == []
        page.close()


def test_pictures_in_the_list_keep_their_place_before_they_load(browser, long_site):
    page, _errors = open_page(browser, long_site, viewport={"width": 390, "height": 800})
    frame = page.query_selector("#event-e000 .media-frame").bounding_box()
    assert frame["height"] == pytest.approx(frame["width"] * 2 / 3, abs=1)  # the remote
    # picture cannot load here: its frame holds its place all the same
    page.close()


def test_the_script_does_nothing_on_a_page_without_an_overview(browser, long_site):
    page, errors = open_page(browser, long_site, "tags/uk/index.html")  # events, no overview
    assert page.query_selector(".overview") is None
    script = Path(__file__).parents[1] / "generator" / "theme" / "static" / "overview.js"
    page.add_script_tag(path=str(script))
    assert page.evaluate("document.querySelectorAll('.is-current').length") == 0
    assert errors == []
    page.close()


def test_an_edit_of_text_off_the_timeline_page_leaves_its_counted_overview(make_site):
    """Past 500 events the timeline page's overview counts them per period: the dev server
    need not render that page again for an edit of the text of an event it does not list."""
    from generator.build import Builder, BuildOptions

    files = {f"content/e{n:03d}.md": event_file(f"Event {n}", f"{1500 + n}-06-01")
             for n in range(501)}
    root = make_site(files, config='title = "T"\nindex_limit = 5\nsearch = false\n')
    builder = Builder(BuildOptions(root=root, output=root / "site", jobs=1))
    before = builder.render(data=False)
    (root / "content/e000.md").write_text(event_file("Event 0, retitled", "1500-06-01"),
                                          encoding="utf-8")
    after = builder.render(data=False, changed={"content/e000.md"})
    assert after.files["index.html"] is before.files["index.html"]
    assert b"Event 0, retitled" in after.files["events/e000/index.html"]
    # Its date moved: the counts change, and so does the page.
    (root / "content/e000.md").write_text(event_file("Event 0", "1499-06-01"), encoding="utf-8")
    moved = builder.render(data=False, changed={"content/e000.md"})
    assert moved.files["index.html"] != after.files["index.html"]
