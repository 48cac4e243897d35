"""Filtering the timeline page by tag: links to the tag pages without JavaScript, toggles in
place with it, the choice kept in the address."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import BuildOptions, build

from conftest import REPO_ROOT, build_site, event_file, read_html, slug_of

SHOWN = "els => els.filter(e => e.getClientRects().length).map(e => e.id.slice(6))"


def listed(site: Path, path: str) -> list[str]:
    """The slugs a built page lists, in order."""
    return [slug_of(a) for a in read_html(site / path).select("article.event")]


def visible(page) -> list[str]:
    return page.eval_on_selector_all("article.event", SHOWN)


def open_timeline(browser, site: Path, query: str = "", **options):
    page = browser.new_page(**options)
    page.goto((site / "index.html").as_uri() + query)
    return page


def toggle(page, tag: str):
    return page.locator(f".tag-filter button[data-tag='{tag}']")


# Without JavaScript


def test_the_filter_lists_the_pages_tags_with_counts_linking_their_pages(demo_site):
    index = read_html(demo_site / "index.html")
    links = index.select(".tag-filter .filter-tags a")
    counts = {a["data-tag"]: a.select_one(".count").get_text() for a in links}
    on_page = set(listed(demo_site, "index.html"))
    expected = {}
    for tag_page in sorted((demo_site / "tags").glob("*/index.html")):
        tag = tag_page.parent.name
        expected[tag] = f"({len(on_page & set(listed(demo_site, f'tags/{tag}/index.html')))})"
    assert counts == expected
    assert list(counts) == sorted(counts)
    for link in links:
        assert (demo_site / link["href"]).resolve() == (
            demo_site / "tags" / link["data-tag"] / "index.html")
    assert index.select_one("#tag-filter-heading").get_text() == "Filter by tag"


def test_counts_are_of_the_events_the_page_shows(make_site):
    files = {f"content/e{i}.md": event_file(f"Event {i}", f"201{i}-05-01", tags="[japan]")
             for i in range(4)}
    root = make_site(files, config='title = "T"\nindex_limit = 2\n')
    build_site(root)
    index = read_html(root / "site" / "index.html")
    assert index.select_one(".tag-filter a[data-tag=japan] .count").get_text() == "(2)"
    assert index.select_one(".tag-filter")["data-status"] == "{visible} of 2 events"


def test_a_page_without_tags_has_no_filter(make_site):
    root = make_site({"content/a.md": event_file()})
    build_site(root)
    assert read_html(root / "site" / "index.html").select_one(".tag-filter") is None


def test_each_listed_event_names_all_its_tags(make_site):
    tags = ", ".join(f"tag{i:02d}" for i in range(12))
    root = make_site({"content/a.md": event_file(tags=f"[{tags}, Zürich]")})
    build_site(root)
    for path in ("index.html", "tags/tag11/index.html", "2018/index.html"):
        article = read_html(root / "site" / path).select_one("article.event")
        assert article["data-tags"].split() == [f"tag{i:02d}" for i in range(12)] + ["zurich"]


def test_without_javascript_the_tags_stay_links(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((demo_site / "index.html").as_uri() + "?tags=japan")
    assert page.locator(".tag-filter a[data-tag]").count() == 10
    assert page.locator(".tag-filter button").filter(visible=True).count() == 0
    assert len(visible(page)) == 14
    page.locator(".tag-filter a[data-tag=japan]").click()
    page.wait_for_url("**/tags/japan/index.html")
    context.close()


# With JavaScript


def test_choosing_tags_shows_the_events_with_any_of_them(browser, demo_site):
    page = open_timeline(browser, demo_site)
    assert page.locator(".filter-status").text_content() == "14 of 14 events"
    toggle(page, "japan").click()
    toggle(page, "uk").click()
    either = set(listed(demo_site, "tags/japan/index.html")) | set(
        listed(demo_site, "tags/uk/index.html"))
    assert visible(page) == [s for s in listed(demo_site, "index.html") if s in either]
    assert len(either) < 14
    assert page.locator(".filter-status").text_content() == f"{len(either)} of 14 events"
    assert page.locator(".filter-status").get_attribute("role") == "status"
    assert toggle(page, "japan").get_attribute("aria-pressed") == "true"
    assert toggle(page, "china").get_attribute("aria-pressed") == "false"
    assert page.url.endswith("index.html?tags=japan,uk")
    toggle(page, "japan").click()
    assert set(visible(page)) == set(listed(demo_site, "tags/uk/index.html"))
    assert page.url.endswith("index.html?tags=uk")
    page.close()


def test_hidden_events_are_hidden_from_screen_readers(browser, demo_site):
    page = open_timeline(browser, demo_site, "?tags=us")
    index = read_html(demo_site / "index.html")
    titles = {slug_of(a): a.select_one(".event-title a").get_text()
              for a in index.select("article.event")}
    (shown,) = visible(page)
    for slug, title in titles.items():
        item = page.locator(f"#event-{slug}").locator("xpath=..")
        link = page.get_by_role("link", name=title, exact=True)
        if slug == shown:
            assert item.get_attribute("hidden") is None and link.count() == 1
        else:
            assert item.get_attribute("hidden") == "" and link.count() == 0, slug
    page.close()


def test_a_shared_address_opens_filtered_and_unknown_tags_are_ignored(browser, demo_site):
    page = open_timeline(browser, demo_site, "?tags=JAPAN,nowhere,,zte")
    wanted = set(listed(demo_site, "tags/japan/index.html")) | set(
        listed(demo_site, "tags/zte/index.html"))
    assert set(visible(page)) == wanted
    assert [b.get_attribute("data-tag") for b in
            page.locator(".tag-filter button[aria-pressed=true]").all()] == ["japan", "zte"]
    assert page.url.endswith("index.html?tags=japan,zte")
    page.close()
    page = open_timeline(browser, demo_site, "?tags=nowhere&x=1#event-x")
    assert len(visible(page)) == 14
    assert page.url.endswith("index.html?x=1#event-x")
    page.close()


def test_choosing_adds_no_history_entry(browser, demo_site):
    page = open_timeline(browser, demo_site)
    before = page.evaluate("history.length")
    for tag in ("japan", "uk", "japan"):
        toggle(page, tag).click()
    assert page.evaluate("history.length") == before
    page.close()


def test_one_control_clears_the_filter(browser, demo_site):
    page = open_timeline(browser, demo_site)
    clear = page.locator(".filter-clear")
    assert clear.is_hidden()
    toggle(page, "eu").click()
    toggle(page, "us").click()
    assert len(visible(page)) == 3
    clear.click()
    assert len(visible(page)) == 14
    assert page.locator("[hidden][data-filtered]").count() == 0
    assert page.locator(".tag-filter button[aria-pressed=true]").count() == 0
    assert page.url.endswith("index.html")
    assert clear.is_hidden()
    assert page.evaluate("document.activeElement.dataset.tag") == "china"
    assert page.locator(".filter-status").text_content() == "14 of 14 events"
    page.close()


def test_overview_marks_of_hidden_events_are_dimmed(browser, demo_site):
    page = open_timeline(browser, demo_site)
    slugs = listed(demo_site, "index.html")
    # The build draws the overview; a stand-in with its marks, as the theme's contract has them.
    page.evaluate("""slugs => {
        const ns = "http://www.w3.org/2000/svg";
        const figure = document.createElement("figure");
        figure.className = "overview";
        const svg = figure.appendChild(document.createElementNS(ns, "svg"));
        for (const slug of slugs) {
            const a = svg.appendChild(document.createElementNS(ns, "a"));
            a.setAttribute("href", "#event-" + slug);
            a.dataset.slug = slug;
        }
        document.querySelector("main").prepend(figure);
    }""", slugs)
    toggle(page, "japan").click()
    japan = set(listed(demo_site, "tags/japan/index.html"))
    dimmed = page.eval_on_selector_all(".overview a.is-filtered-out",
                                       "els => els.map(e => e.dataset.slug)")
    assert set(dimmed) == set(slugs) - japan
    assert page.eval_on_selector(".overview a.is-filtered-out",
                                 "e => getComputedStyle(e).opacity") == "0.25"
    page.locator(".filter-clear").click()
    assert page.locator(".overview a.is-filtered-out").count() == 0
    page.close()


def test_the_status_speaks_the_sites_language(browser, tmp_path):
    root = tmp_path / "nl"
    shutil.copytree(REPO_ROOT / "content", root / "content")
    (root / "chronoline.toml").write_text('title = "Huawei"\nlanguage = "nl"\n',
                                          encoding="utf-8")
    build(BuildOptions(root=root))
    page = open_timeline(browser, root / "site", "?tags=japan")
    assert page.locator("#tag-filter-heading").text_content() == "Filteren op label"
    assert page.locator(".filter-status").text_content() == "4 van 14 gebeurtenissen"
    assert page.locator(".filter-clear").text_content() == "Alle gebeurtenissen tonen"
    page.close()


# Groups with nothing left to show


def built(root: Path, events: dict[str, tuple[str, str]]) -> Path:
    """The site in `root` built with `events`: file name → (date, tags), titled as named."""
    for slug, (date, tags) in events.items():
        path = root / "content" / f"{slug}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(event_file(slug, date, tags=tags), encoding="utf-8")
    build(BuildOptions(root=root))
    return root / "site"


@pytest.fixture(scope="module")
def busy_site(tmp_path_factory) -> Path:
    """2016 with one event; a busy 2018, listed by month; 2019 with one."""
    root = tmp_path_factory.mktemp("busy")
    (root / "chronoline.toml").write_text('title = "Busy"\n', encoding="utf-8")
    events = {"early": ("2016-03-01", "[old]"), "late": ("2019-02-01", "[new, japan]")}
    for i in range(24):
        events[f"e{i:02d}"] = (f"2018-{1 + i // 2:02d}-{10 + i % 2}",
                               "[japan]" if i < 2 else "[uk]")
    return built(root, events)


def shown_headings(page) -> list[str]:
    return page.eval_on_selector_all(
        ".timeline-list :is(h2, h3.month)",
        "els => els.filter(e => e.getClientRects().length).map(e => e.textContent)")


def test_years_and_months_without_shown_events_hide(browser, busy_site):
    page = open_timeline(browser, busy_site)
    all_headings = shown_headings(page)
    assert all_headings[:3] == ["2016", "2018", "January 2018"] and "2019" in all_headings
    toggle(page, "japan").click()
    assert visible(page) == ["e00", "e01", "late"]
    assert shown_headings(page) == ["2018", "January 2018", "2019"]
    assert page.locator("#year-2016").get_attribute("hidden") == ""
    toggle(page, "old").click()
    assert shown_headings(page) == ["2016", "2018", "January 2018", "2019"]
    page.locator(".filter-clear").click()
    assert shown_headings(page) == all_headings
    page.close()


# The list's markup as the theme's contract has it: same-day events under their day, and long
# gaps marked. A site's own index.html draws them here, from the events' dates.
GROUPED_INDEX = """{% extends "base.html" %}
{% import "macros.html" as m with context %}
{% block main %}
<h1>{{ site.title }}</h1>
<div class="timeline-body">
{% include "filter.html" %}
<div class="timeline-list">
{% for group in years %}
<section class="year" id="year-{{ group.year }}">
<h2 class="year-heading">{{ group.year }}</h2>
<ol class="timeline">
{% for start, events in group.events|groupby("start") %}
{% if not loop.first or group.year != years[0].year %}
<li class="gap"><p>Later</p></li>
{% endif %}
{% if events|length > 1 %}
<li class="day"><h3 class="day-heading">{{ events[0].date|datetext }}</h3>
<ol class="timeline day-events">
{% for event in events %}{{ m.event_item(event, 4) }}{% endfor %}
</ol>
</li>
{% else %}
{{ m.event_item(events[0]) }}
{% endif %}
{% endfor %}
</ol>
</section>
{% endfor %}
</div>
</div>
{% endblock %}
{% block scripts %}<script defer src="{{ url('assets/timeline.js') }}"></script>{% endblock %}
"""


@pytest.fixture(scope="module")
def grouped_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("grouped")
    (root / "chronoline.toml").write_text('title = "Grouped"\n', encoding="utf-8")
    (root / "layouts").mkdir()
    (root / "layouts" / "index.html").write_text(GROUPED_INDEX, encoding="utf-8")
    events = {"a1": ("2018-12-07", "[uk]"), "a2": ("2018-12-07", "[japan]"),
              "b": ("2019-05-01", "[uk]"), "c": ("2020-01-01", "[china]"),
              "d": ("2022-01-01", "[uk]")}
    return built(root, events)


def shown_parts(page) -> list[str]:
    """What the list shows, in order: days, gaps and events."""
    return page.eval_on_selector_all(
        ".timeline-list :is(li.day, li.gap, article.event)",
        """els => els.filter(e => e.getClientRects().length).map(e =>
            e.matches('.day') ? 'day' : e.matches('.gap') ? 'gap' : e.id.slice(6))""")


def test_days_and_gaps_without_shown_events_around_them_hide(browser, grouped_site):
    page = open_timeline(browser, grouped_site)
    everything = ["day", "a1", "a2", "gap", "b", "gap", "c", "gap", "d"]
    assert shown_parts(page) == everything
    toggle(page, "japan").click()
    assert shown_parts(page) == ["day", "a2"]
    toggle(page, "japan").click()
    toggle(page, "uk").click()  # a1, b, d: one gap between each two, none after the last
    assert shown_parts(page) == ["day", "a1", "gap", "b", "gap", "d"]
    toggle(page, "uk").click()
    toggle(page, "china").click()
    assert shown_parts(page) == ["c"]
    page.goto((grouped_site / "index.html").as_uri() + "?tags=china,japan")
    assert shown_parts(page) == ["day", "a2", "gap", "c"]
    page.locator(".filter-clear").click()
    assert shown_parts(page) == everything
    page.close()
