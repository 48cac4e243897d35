"""The lane filter in Chromium: a second group of toggles beside the tags, an event shown when
it passes both choices, by mouse and by keyboard, the choice in the address; without
JavaScript, every event."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_accessibility import violations

from conftest import build_site, event_file
from loopback import served

SHOWN = "els => els.filter(e => e.getClientRects().length).map(e => e.id.slice(6))"
ALL = ["paris", "lyon", "london", "york", "nowhere", "bordeaux"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("lanes")
    (root / "content").mkdir()
    (root / "chronoline.toml").write_text('title = "Lanes"\n', encoding="utf-8")
    events = {
        "paris": event_file("Paris", "1340-01-01", lane="France", tags="[war]"),
        "lyon": event_file("Lyon", "1341-01-01", lane="France", tags="[trade]"),
        "london": event_file("London", "1342-01-01", lane="England", tags="[war]"),
        "york": event_file("York", "1343-01-01", lane="England", tags="[trade]"),
        "nowhere": event_file("Nowhere", "1344-01-01", tags="[war]"),
        "bordeaux": event_file("Bordeaux", "1345-01-01", lane="England", tags="[war]"),
        "war": event_file("Hundred Years' War", "1337", type="era", end="1453",
                          color="'#8b2500'"),
    }
    for slug, text in events.items():
        (root / "content" / f"{slug}.md").write_text(text, encoding="utf-8")
    build_site(root)
    with served(root / "site", "/") as loopback:
        yield loopback


def visible(page) -> list[str]:
    return page.eval_on_selector_all("article.event", SHOWN)


def lane(page, slug: str):
    return page.locator(f".lane-filter button[data-lane='{slug}']")


def tag(page, slug: str):
    return page.locator(f".tag-filter button[data-tag='{slug}']")


def test_choosing_a_lane_shows_its_events_and_keeps_the_choice_in_the_address(browser, site):
    page = browser.new_page()
    page.goto(site.url + "index.html")
    assert page.locator(".lane-filter").is_visible()
    assert [b.text_content() for b in page.locator(".lane-filter button").all()] == [
        "England (3)", "France (2)", "Other (1)"]
    lane(page, "france").click()
    assert visible(page) == ["paris", "lyon"]
    assert lane(page, "france").get_attribute("aria-pressed") == "true"
    assert page.locator(".filter-status").text_content() == "2 of 6 events"
    assert page.url.endswith("index.html?lanes=france")
    lane(page, "").click()
    assert visible(page) == ["paris", "lyon", "nowhere"]
    assert page.url.endswith("index.html?lanes=france,-")
    page.close()


def test_an_event_is_shown_when_it_passes_the_tag_and_the_lane_choice(browser, site):
    page = browser.new_page()
    page.goto(site.url + "index.html?tags=war&lanes=england")
    assert visible(page) == ["london", "bordeaux"]
    # An era's marker goes with its year: shown while the filter leaves an event in it.
    marks = page.locator("li.era-mark").filter(visible=True)
    assert marks.all_text_contents() == ["Hundred Years' War ends, 1453"]
    tag(page, "war").click()
    assert visible(page) == ["london", "york", "bordeaux"]
    assert page.url.endswith("index.html?lanes=england")
    tag(page, "trade").click()
    assert visible(page) == ["york"]
    assert page.url.endswith("index.html?tags=trade&lanes=england")
    page.locator(".filter-clear").click()
    assert visible(page) == ALL
    assert page.url.endswith("index.html")
    page.close()


def test_the_lanes_work_by_keyboard(browser, site):
    page = browser.new_page()
    page.goto(site.url + "index.html")
    lane(page, "england").focus()
    page.keyboard.press("Enter")
    assert visible(page) == ["london", "york", "bordeaux"]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.lane") == "france"
    page.keyboard.press("Space")
    assert visible(page) == ["paris", "lyon", "london", "york", "bordeaux"]
    page.keyboard.press("Space")
    page.keyboard.press("Escape")  # nothing: the filter has no key of its own
    page.locator("body").focus()
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.url.endswith("#event-york")  # j passes over the events the filter hid
    page.close()


def test_a_shared_address_with_unknown_lanes_drops_them(browser, site):
    page = browser.new_page()
    page.goto(site.url + "index.html?lanes=FRANCE,atlantis")
    assert visible(page) == ["paris", "lyon"]
    assert page.url.endswith("index.html?lanes=france")
    page.close()


def test_without_javascript_every_event_shows_and_no_lane_toggle(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + "index.html?lanes=france")
    assert visible(page) == ALL
    assert page.locator(".lane-filter").is_hidden()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_lanes_and_eras(browser, site, scheme, tmp_path: Path):
    page = browser.new_page(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page.goto(site.url + "index.html")
    lane(page, "england").click()
    tag(page, "war").click()
    page.screenshot(path=str(tmp_path / f"lanes-{scheme}.png"), full_page=True)
    assert violations(page) == []
    page.goto(site.url + "eras/war/index.html")
    assert violations(page) == []
    page.goto(site.url + "events/paris/index.html")
    assert violations(page) == []
    page.close()
