"""Moving through the timeline page with j and k, as a reader at a keyboard does."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import read_html, slug_of


def events_of(site: Path, path: str = "index.html") -> list[str]:
    return [slug_of(a) for a in read_html(site / path).select("article.event")]


def open_timeline(browser, site: Path, query: str = "", **options):
    page = browser.new_page(viewport={"width": 1000, "height": 700}, **options)
    page.goto((site / "index.html").as_uri() + query)
    return page


def focused_event(page) -> str | None:
    """The slug of the event whose title link has the focus."""
    return page.evaluate("""() => {
        const link = document.activeElement;
        return link.matches('.event-title a') ? link.closest('article.event').id.slice(6) : null;
    }""")


def address_event(page) -> str:
    return page.evaluate("location.hash").removeprefix("#event-")


def test_j_and_k_move_through_the_events(browser, demo_site):
    slugs = events_of(demo_site)
    page = open_timeline(browser, demo_site, reduced_motion="reduce")
    length = page.evaluate("history.length")
    page.keyboard.press("j")
    assert focused_event(page) == address_event(page) == slugs[0]
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert focused_event(page) == address_event(page) == slugs[2]
    top = page.evaluate(f"document.getElementById('event-{slugs[2]}').getBoundingClientRect().top")
    # Scrolled to the top of the screen, just below the overview that stays there.
    below = page.evaluate("document.querySelector('.overview').getBoundingClientRect().bottom")
    assert below <= top < below + 50
    page.keyboard.press("k")
    assert focused_event(page) == address_event(page) == slugs[1]
    assert page.url.endswith(f"index.html#event-{slugs[1]}")
    assert page.evaluate("history.length") == length
    page.close()


def test_the_ends_of_the_list_stop_the_move(browser, demo_site):
    slugs = events_of(demo_site)
    page = open_timeline(browser, demo_site, f"#event-{slugs[-1]}", reduced_motion="reduce")
    page.keyboard.press("j")
    assert focused_event(page) is None and address_event(page) == slugs[-1]
    page.keyboard.press("k")
    assert focused_event(page) == slugs[-2]
    page.keyboard.press("Home")  # the reader scrolls back to the top; the focus stays
    for _ in range(len(slugs)):
        page.keyboard.press("k")
    assert focused_event(page) == slugs[0]
    page.close()


def test_j_and_k_skip_the_events_a_filter_hides(browser, demo_site):
    japan = events_of(demo_site, "tags/japan/index.html")
    page = open_timeline(browser, demo_site, "?tags=japan", reduced_motion="reduce")
    for slug in japan:
        page.keyboard.press("j")
        assert focused_event(page) == slug
    assert page.url.endswith(f"index.html?tags=japan#event-{japan[-1]}")
    page.keyboard.press("k")
    assert focused_event(page) == japan[-2]
    page.close()


FIELDS = {
    "input": "<input aria-label='field'>",
    "textarea": "<textarea aria-label='field'></textarea>",
    "select": "<select aria-label='field'><option>j</option><option>k</option></select>",
    "contenteditable": "<div contenteditable='true' aria-label='field'><p>text</p></div>",
}


@pytest.mark.parametrize("field", FIELDS)
def test_no_shortcut_fires_while_typing(browser, demo_site, field):
    page = open_timeline(browser, demo_site)
    page.evaluate("html => document.querySelector('main').insertAdjacentHTML('afterbegin', html)",
                  FIELDS[field])
    page.locator("[aria-label=field] >> nth=0").focus()
    if field == "contenteditable":
        page.locator("[contenteditable] p").click()
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert address_event(page) == ""
    assert page.evaluate("document.activeElement.closest('[aria-label=field]') !== null")
    if field in ("input", "textarea"):
        assert page.locator(f"{field}[aria-label=field]").input_value() == "jk"
    if field == "contenteditable":
        assert page.locator("[contenteditable]").text_content() == "textjk"
    page.evaluate("document.activeElement.blur()")  # out of the field, j moves again
    page.keyboard.press("j")
    assert focused_event(page) == events_of(demo_site)[0]
    page.close()


@pytest.mark.parametrize("modifier", ["Control", "Alt", "Meta"])
def test_no_shortcut_fires_with_a_modifier(browser, demo_site, modifier):
    page = open_timeline(browser, demo_site)
    page.keyboard.press(f"{modifier}+j")
    assert address_event(page) == "" and focused_event(page) is None
    page.keyboard.press("j")  # and without one it does
    assert address_event(page) == events_of(demo_site)[0]
    page.close()


def jump(page) -> int:
    """Press j as the page sees it, and how far the page has scrolled right after."""
    return page.evaluate("""() => {
        document.body.dispatchEvent(new KeyboardEvent('keydown', {key: 'j', bubbles: true}));
        return window.scrollY;
    }""")


def focus_without_scrolling(page, slug: str) -> None:
    page.evaluate("""slug => {
        document.querySelector(`#event-${slug} .event-title a`).focus({preventScroll: true});
        window.scrollTo({top: 0, behavior: 'instant'});
    }""", slug)


def test_the_move_scrolls_at_once_when_the_reader_asks_for_less_motion(browser, demo_site):
    slugs = events_of(demo_site)
    page = open_timeline(browser, demo_site, reduced_motion="reduce")
    focus_without_scrolling(page, slugs[3])
    assert jump(page) > 0
    assert focused_event(page) == slugs[4]
    page.close()
    page = open_timeline(browser, demo_site, reduced_motion="no-preference")
    focus_without_scrolling(page, slugs[3])
    assert jump(page) == 0  # smooth: under way, not there yet
    page.wait_for_function(  # until it comes to rest just below the overview
        f"""Math.abs(document.getElementById('event-{slugs[4]}').getBoundingClientRect().top
            - document.querySelector('.overview').getBoundingClientRect().bottom) < 50""")
    page.close()


def test_a_mangled_address_starts_from_the_top(browser, demo_site):
    page = open_timeline(browser, demo_site, "#%E0%A4%A")
    page.keyboard.press("j")
    assert focused_event(page) == events_of(demo_site)[0]
    page.close()
