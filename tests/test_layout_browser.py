"""The theme's layout in a browser: wide screens used, phones without sideways scrolling, the
site's title once on a phone, a favicon, print and reduced motion."""

from __future__ import annotations

from pathlib import Path

import pytest

from loopback import PREFIX, served


def some_event(site: Path) -> str:
    return sorted(site.glob("events/*/index.html"))[0].relative_to(site).as_posix()


def rect(page, selector: str) -> dict[str, float]:
    return page.eval_on_selector(selector, "e => e.getBoundingClientRect().toJSON()")


@pytest.mark.parametrize("width", [360, 390, 768, 1440])
def test_nothing_scrolls_sideways(browser, demo_site, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    for path in ("index.html", "index.html?tags=japan,uk", "2018/index.html", "tags/index.html",
                 "tags/japan/index.html", some_event(demo_site)):
        file, mark, query = path.partition("?")
        page.goto((demo_site / file).as_uri() + mark + query)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    page.close()


def test_a_wide_screen_puts_the_filter_beside_a_readable_list(browser, demo_site):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto((demo_site / "index.html").as_uri())
    main, header = rect(page, "main"), rect(page, ".site-header")
    footer = rect(page, ".site-footer")
    listing, box = rect(page, ".timeline-list"), rect(page, ".tag-filter")
    assert main["width"] >= 1100  # the width is used, not a 650 px column in the middle
    for frame in (header, footer):
        assert (frame["left"], frame["width"]) == (main["left"], main["width"])
    assert 600 <= listing["width"] <= 800  # lines a reader can follow
    assert box["left"] >= listing["right"] + 16 and box["top"] < listing["top"] + 100
    assert rect(page, "h1")["left"] == listing["left"]  # the title spans above both
    page.evaluate("window.scrollTo({top: 3000, behavior: 'instant'})")
    assert 0 <= rect(page, ".tag-filter")["top"] <= 50  # stays in view while the list scrolls
    page.close()


@pytest.mark.parametrize("width", [390, 768])
def test_a_narrow_screen_puts_the_filter_above_the_list(browser, demo_site, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto((demo_site / "index.html").as_uri())
    box, listing = rect(page, ".tag-filter"), rect(page, ".timeline-list")
    assert box["bottom"] <= listing["top"] and box["left"] == listing["left"]
    page.close()


@pytest.mark.parametrize("width", [360, 390])
def test_a_phone_shows_the_site_title_once(browser, demo_site, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto((demo_site / "index.html").as_uri())
    title = page.locator("h1").text_content()
    assert page.get_by_text(title, exact=True).filter(visible=True).count() == 1
    page.goto((demo_site / some_event(demo_site)).as_uri())  # there the header names the site
    assert page.locator(".site-title").is_visible()
    page.close()


def test_the_browser_finds_a_favicon(browser, demo_site):
    errors: list[str] = []
    page = browser.new_page()
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    with served(demo_site) as site:
        page.goto(site.url + "index.html")
        path, status = site.wait_for_request(("favicon.ico", "favicon.svg"))
        assert (path, status) == (PREFIX + "assets/favicon.svg", 200)
        assert [answer for answer in site.answered if answer[1] >= 400] == []
        assert errors == []
        icon = page.request.get(site.url + "assets/favicon.svg")
        assert icon.headers["content-type"] == "image/svg+xml"
        assert icon.body().startswith(b"<svg")
        page.goto(site.url + "no/such/page")  # the 404 page links it from any depth
        assert page.eval_on_selector("link[rel=icon]", "e => e.href") == (
            site.url + "assets/favicon.svg")
    page.close()


def test_print_shows_every_event_and_none_of_the_controls(browser, demo_site):
    page = browser.new_page(viewport={"width": 1440, "height": 900})  # a wide sheet, too
    page.goto((demo_site / "index.html").as_uri() + "?tags=us")
    # From file:// the search box stays hidden (no module import there): shown, as over HTTP.
    page.evaluate("document.querySelector('search.site-search').hidden = false")
    assert page.locator("article.event").filter(visible=True).count() == 1
    page.emulate_media(media="print")
    assert page.locator("article.event").filter(visible=True).count() == 14
    assert page.locator("section.year").is_visible()
    for control in (".tag-filter", ".site-search"):
        assert page.locator(control).is_hidden(), control
    # One column, as wide as the page's text: no empty column where the filter was.
    assert rect(page, ".timeline-list")["width"] == rect(page, "main")["width"] - 32 <= 640
    after = page.evaluate(
        "getComputedStyle(document.querySelector('#event-2018-07-19-uk-hcsec-oversight-board-report"
        " a.source'), '::after').content")
    assert after.startswith('" <https://')
    page.emulate_media(media="screen")
    assert page.locator("article.event").filter(visible=True).count() == 1
    page.close()


def motion(page) -> dict[str, str]:
    # A smooth scroll some other style asks for, which reduced motion must overrule too.
    page.add_style_tag(content="html { scroll-behavior: smooth; }")
    return page.evaluate("""() => ({
        scroll: getComputedStyle(document.documentElement).scrollBehavior,
        transition: getComputedStyle(document.querySelector('.filter-tag')).transitionDuration,
    })""")


def test_reduced_motion_turns_off_smooth_scrolling_and_transitions(browser, demo_site):
    seen = {}
    for preference in ("no-preference", "reduce"):
        page = browser.new_page(reduced_motion=preference)
        page.goto((demo_site / "index.html").as_uri())
        seen[preference] = motion(page)
        page.close()
    assert seen["no-preference"] == {"scroll": "smooth", "transition": "0.15s, 0.15s"}
    assert seen["reduce"] == {"scroll": "auto", "transition": "0s"}
