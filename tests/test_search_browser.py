"""The search box in headless Chromium, as a reader uses it: the site built for a GitHub Pages
project address and served under /REPO/ on 127.0.0.1 (module scripts do not load from
file://), and `chronoline serve`, whose index follows an edit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import BuildOptions, build

from conftest import Served, event_file
from loopback import served

SITE = {
    "content/lighthouse.md": event_file(
        "Lighthouse keepers strike", "2018-07-19", "The harbour was quiet all week.",
        sources="\n  - url: https://www.polarposten.example/2018/1\n"
                "    title: Keepers walk out\n    publisher: Polarposten"),
    "content/ferry.md": event_file("Ferry timetable changes", "2018-08-02",
                                   "A new route to Svalbard opened."),
    "content/hostile.md": event_file(
        "'<img src=x onerror=\"window.hacked=1\"> Harpoon season'", "2018-09-01",
        "A harpoon <script>window.hacked=2</script> and <b>bold</b> words."),
}
FOUND = "Matching events: "
FAILED = "The search could not be loaded."


def write_site(root: Path, files: dict[str, str], config: str) -> Path:
    for name, text in {**files, "chronoline.toml": config}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site_url(tmp_path_factory) -> Iterator[str]:
    """The site built for https://user.github.io/REPO/, served at http://127.0.0.1:PORT/REPO/."""
    folder = tmp_path_factory.mktemp("search")
    root = write_site(folder / "src", SITE,
                      'title = "Harbour"\nbase_url = "https://user.github.io/REPO/"\n')
    build(BuildOptions(root=root, output=folder / "www" / "REPO"))
    with served(folder / "www" / "REPO", "/REPO/") as site:
        yield site.url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def search(page, words: str) -> str:
    """Type `words` into the box and wait for the live region to say how many matched, or
    that the search failed."""
    box = page.locator("#site-search-input")
    box.fill("")
    page.wait_for_function("document.querySelector('#site-search-status').textContent === ''")
    box.fill(words)
    status = page.locator("#site-search-status")
    page.wait_for_function(f"(text => text.startsWith({FOUND!r}) || text === {FAILED!r})"
                           "(document.querySelector('#site-search-status').textContent)")
    return status.inner_text()


def search_until(page, words: str, answer: str, seconds: float = 60) -> bool:
    """Search for `words`, reloading the page between tries, until the box gives `answer`
    (a dev server's index comes a moment after its pages); False if it never did."""
    deadline = time.monotonic() + seconds
    while search(page, words) != answer:
        if time.monotonic() > deadline:
            return False
        page.reload()
    return True


def result_links(page) -> list[str]:
    return page.eval_on_selector_all("#site-search-results a", "links => links.map(a => a.href)")


@pytest.mark.parametrize(("start", "words", "slug"), [
    ("", "lighthouse", "lighthouse"),  # a title, from the timeline page
    ("events/ferry/", "svalbard", "ferry"),  # a body, from an event's page
    ("2018/", "Polarposten", "lighthouse"),  # a source's publisher, from a year page
    ("no/such/page/", "svalbard", "ferry"),  # the 404 page, served at any depth
])
def test_a_word_finds_its_event_linked_to_its_page(page, site_url, start, words, slug):
    page.goto(site_url + start)
    assert search(page, words) == FOUND + "1"
    assert result_links(page) == [f"{site_url}events/{slug}/"]
    page.locator("#site-search-results a").click()
    page.wait_for_url(f"{site_url}events/{slug}/")
    assert page.locator("h1").inner_text() in (
        "Lighthouse keepers strike", "Ferry timetable changes")
    assert all(url.startswith(site_url) for url in page.requests), page.requests


def test_results_show_title_date_and_the_words_around_the_match(page, site_url):
    page.goto(site_url)
    search(page, "harbour")
    item = page.locator("#site-search-results li")
    assert item.locator(".site-search-title").inner_text() == "Lighthouse keepers strike"
    assert item.locator(".site-search-date").inner_text() == "July 19, 2018"
    assert item.locator("mark").all_inner_texts() == ["harbour"]


def test_pagefind_loads_only_when_the_box_is_first_used(page, site_url):
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    assert not [url for url in page.requests if "/pagefind/" in url]
    page.locator("#site-search-input").focus()
    page.wait_for_function("performance.getEntriesByType('resource')"
                           ".some(e => e.name.includes('/pagefind/00/pagefind.js'))")


def test_words_of_an_event_are_shown_as_text_never_as_markup(page, site_url):
    page.goto(site_url)
    assert search(page, "harpoon") == FOUND + "1"
    results = page.locator("#site-search-results")
    assert results.locator(".site-search-title").inner_text() == (
        '<img src=x onerror="window.hacked=1"> Harpoon season')
    tags = page.eval_on_selector_all("#site-search-results *", "all => all.map(e => e.tagName)")
    assert set(tags) <= {"LI", "P", "A", "MARK"}
    assert "<b>bold</b>" in results.locator(".site-search-excerpt").inner_text()
    assert page.evaluate("window.hacked") is None


def test_keys_move_through_the_results_and_escape_closes_them(page, site_url):
    page.goto(site_url)
    assert search(page, "2018") == FOUND + "3"
    status = page.locator("search.site-search [role=status]")
    assert status.get_attribute("id") == page.locator("#site-search-input").get_attribute(
        "aria-describedby")
    links = page.locator("#site-search-results a")
    focused = "document.activeElement.href || document.activeElement.id"
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == links.nth(0).evaluate("a => a.href")
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == links.nth(1).evaluate("a => a.href")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate(focused) == "site-search-input"
    page.keyboard.press("Tab")  # the results come next in the order of the page
    assert page.evaluate(focused) == links.nth(0).evaluate("a => a.href")
    page.keyboard.press("Escape")
    assert page.evaluate(focused) == "site-search-input"
    assert page.locator("#site-search-results").is_hidden()
    assert links.count() == 0


def test_slash_focuses_the_box_except_while_typing(page, site_url):
    page.goto(site_url + "events/ferry/")
    page.locator("search.site-search").wait_for()  # shown: the script ran
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search-input"
    assert page.locator("#site-search-input").input_value() == ""
    page.keyboard.type("a/b")  # in the box, a slash is a slash
    assert page.locator("#site-search-input").input_value() == "a/b"
    page.evaluate("""() => {
        const field = document.createElement('textarea');
        field.id = 'other';
        document.querySelector('main').append(field);
        field.focus();
    }""")
    page.keyboard.type("x/y")
    assert page.evaluate("document.activeElement.id") == "other"
    assert page.locator("#other").input_value() == "x/y"


def test_without_javascript_the_box_is_hidden(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url)
    assert page.locator("search.site-search").count() == 1
    assert page.locator("search.site-search").is_hidden()
    context.close()


def test_from_disk_the_box_stays_hidden(browser, tmp_path):
    # Browsers refuse module imports from file://: a box that can never answer is not shown.
    root = write_site(tmp_path / "src", SITE, 'title = "Harbour"\n')
    build(BuildOptions(root=root))
    page = browser.new_page()
    page.goto((root / "site/index.html").as_uri())
    page.wait_for_load_state("load")
    assert page.locator("search.site-search").is_hidden()
    page.close()


def test_serve_indexes_an_edit_after_the_reload(browser, tmp_path):
    root = write_site(tmp_path / "src", SITE, 'title = "Harbour"\n')
    with Served(root) as served:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(served.url + "events/ferry/")
        # The first index is made once the server listens.
        assert search_until(page, "svalbard", FOUND + "1"), "the site never became searchable"
        assert search(page, "zanzibar") == FOUND + "0"
        (root / "content/ferry.md").write_text(
            event_file("Ferry to Zanzibar", "2018-08-02", "A new route to Zanzibar opened."),
            encoding="utf-8")
        page.locator("h1", has_text="Ferry to Zanzibar").wait_for()  # the reload came
        # The index follows once the edits pause.
        assert search_until(page, "zanzibar", FOUND + "1"), "the edit never became searchable"
        assert result_links(page) == [served.url + "events/ferry/"]
        context.close()


def test_a_search_that_fails_once_tries_again_with_the_index_read_anew(page, site_url):
    # As under `serve`, where a page can read the files of an index being rewritten: the
    # first request for the index's entry fails, and the second try, with the index read
    # anew, answers.
    failed: list[str] = []

    def fail_once(route):
        if failed:
            route.continue_()
        else:
            failed.append(route.request.url)
            route.abort()

    page.route("**/pagefind-entry.json*", fail_once)
    page.goto(site_url + "events/ferry/")
    assert search(page, "svalbard") == FOUND + "1"
    assert failed  # the first try did fail
