"""Live reload in headless Chromium: the page follows the files without the test reloading it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from conftest import CHROMIUM, CHROMIUM_ARGS, Served, event_file

DAY = "content/events/day.md"


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def replace_by_rename(root: Path, name: str, text: str) -> None:
    """Save as many editors do: write a temporary file, then rename it over the old one."""
    temporary = root / (name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, root / name)


@pytest.fixture
def page(browser, serve_example):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(serve_example.url)
    page.wait_for_selector("article#event-day")
    yield page
    page.close()
    context.close()


def marker(page) -> None:
    """A value that lives only as long as this page load: gone after a reload."""
    page.evaluate("window.__sameLoad = true")


def test_the_open_page_follows_edits(page, serve_example):
    root = serve_example.root
    title = page.locator("article#event-day .event-title a")

    write(root, DAY, event_file("Edited in place", "2018-07-19"))
    title.filter(has_text="Edited in place").wait_for()

    replace_by_rename(root, DAY, event_file("Saved by rename", "2018-07-19"))
    title.filter(has_text="Saved by rename").wait_for()

    write(root, "content/events/new-one.md", event_file("A brand new event", "2018-07-20"))
    page.locator("article#event-new-one").wait_for()

    (root / "content/events/new-one.md").unlink()
    page.locator("article#event-new-one").wait_for(state="detached")

    (root / "content/events/month.md").rename(root / "content/events/july.md")
    page.locator("article#event-july").wait_for()
    assert page.locator("article#event-month").count() == 0


def test_a_broken_file_shows_an_overlay_until_it_is_fixed(page, serve_example):
    root = serve_example.root
    marker(page)
    write(root, DAY, "---\ntitle: [unclosed\ndate: 2018-07-19\n---\n")
    overlay = page.locator("#livereload-error")
    overlay.wait_for()
    assert "content/events/day.md:3: broken YAML" in overlay.inner_text()
    assert page.evaluate("window.__sameLoad") is True, "the page stays; only the overlay is added"
    assert page.locator("article#event-day").count() == 1, "the last good site is still shown"
    assert page.evaluate("document.getElementById('livereload-error').tagName") == "DIV"

    other = page.context.new_page()
    other.goto(serve_example.url + "2018/")
    other.locator("#livereload-error").wait_for()
    other.close()

    page.add_init_script(NOTE_OVERLAYS)  # in the page the fix reloads
    write(root, DAY, event_file("Fixed again", "2018-07-19"))
    page.locator("article#event-day .event-title a", has_text="Fixed again").wait_for()
    # A style change reaches the reloaded page after whatever the fix sent it: by the time
    # it shows, no overlay may have come back, not even for a moment.
    restyle(root, "rgb(1, 2, 3)")
    page.wait_for_function("getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'")
    assert page.evaluate("window.__overlays") == 0, "the overlay came back"
    assert page.locator("#livereload-error").count() == 0


# Counts the overlays added to a page from the moment it starts loading.
NOTE_OVERLAYS = """
window.__overlays = 0;
new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node.id === "livereload-error") window.__overlays += 1;
    }
  }
}).observe(document, { childList: true, subtree: true });
"""


def restyle(root: Path, background: str) -> None:
    """Give the site the theme's stylesheet with another background."""
    theme = Path(__file__).resolve().parents[1] / "generator/theme/static/style.css"
    css = theme.read_text(encoding="utf-8") + f"\nbody {{ background: {background}; }}\n"
    write(root, "layouts/static/style.css", css)


def test_a_broken_layout_shows_its_file_and_line(page, serve_example):
    write(serve_example.root, "layouts/index.html", "{% extends 'base.html' %}\n{% block main %")
    overlay = page.locator("#livereload-error")
    overlay.wait_for()
    assert "layouts/index.html:2: template: template syntax" in overlay.inner_text()
    (serve_example.root / "layouts/index.html").unlink()
    overlay.wait_for(state="detached")
    # The fixed site reloads the page: let it finish before the browser context is closed.
    page.locator("article#event-day").wait_for()
    page.wait_for_load_state("load")


def test_a_style_change_swaps_the_stylesheet_without_reloading(page, serve_example):
    marker(page)
    restyle(serve_example.root, "rgb(1, 2, 3)")
    page.wait_for_function("getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'")
    assert page.evaluate("window.__sameLoad") is True


def test_the_scroll_position_is_kept(browser, serve_example):
    page = browser.new_page(viewport={"width": 400, "height": 300})
    page.goto(serve_example.url)
    page.evaluate("window.scrollTo(0, 600)")
    marker(page)
    write(serve_example.root, DAY, event_file("Scrolled", "2018-07-19"))
    page.locator("article#event-day .event-title a", has_text="Scrolled").wait_for()
    page.wait_for_function("window.scrollY === 600")
    assert page.evaluate("window.__sameLoad") is None, "this change reloaded the page"
    page.close()


def test_ten_tabs_load_at_once_and_all_reload(browser, serve_example):
    context = browser.new_context()
    tabs = []
    for _ in range(10):
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        tab.goto(serve_example.url + "events/day/")
        tabs.append(tab)
    extra = context.new_page()
    extra.set_default_timeout(10_000)
    extra.goto(serve_example.url + "2018/")
    write(serve_example.root, DAY, event_file("Seen by every tab", "2018-07-19"))
    for tab in tabs:
        tab.locator("h1", has_text="Seen by every tab").wait_for()
    context.close()


def test_a_tab_that_slept_catches_up(browser, serve_example):
    context = browser.new_context()
    page = context.new_page()
    page.goto(serve_example.url + "events/day/")
    cdp = context.new_cdp_session(page)
    cdp.send("Page.setWebLifecycleState", {"state": "frozen"})
    mark = len(serve_example.lines)
    write(serve_example.root, DAY, event_file("Changed while asleep", "2018-07-19"))
    serve_example.wait_for_line("files written", after=mark)
    try:
        cdp.send("Page.setWebLifecycleState", {"state": "active"})
    except PlaywrightError as error:
        # Chromium sometimes lets a frozen page run long enough to reload at once; then the
        # page it was is gone, and the reloaded one is what the assertion below reads.
        assert "Not attached to an active page" in str(error)
    page.locator("h1", has_text="Changed while asleep").wait_for(timeout=10_000)
    context.close()


@pytest.fixture
def rebinding_browser(browser):
    """A Chromium for which evil.test leads to 127.0.0.1, as a DNS-rebinding attacker makes it."""
    rebound = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP evil.test 127.0.0.1"])
    try:
        yield rebound
    finally:
        rebound.close()


def port_of(url: str) -> int:
    return int(url.split(":")[2].split("/")[0])


def test_a_page_on_a_rebound_name_cannot_read_the_site(rebinding_browser, serve_example):
    page = rebinding_browser.new_page()
    response = page.goto(f"http://evil.test:{port_of(serve_example.url)}/timeline/")
    assert response.status == 403
    assert page.inner_text("body").strip() == (
        "Host evil.test is not allowed by this development server; to allow it, start the "
        "server with --allow-host evil.test")
    for path in ("/timeline/events/day/", "/__livereload__/state", "/__livereload__/events"):
        status = page.evaluate("path => fetch(path).then(r => r.status)", path)
        assert status == 403, path


def test_a_host_named_with_allow_host_gets_the_site_and_its_reloads(rebinding_browser, tmp_path):
    root = tmp_path / "s"
    write(root, DAY, event_file("A day", "2018-07-19"))
    served = Served(root, "--allow-host", "evil.test")
    try:
        page = rebinding_browser.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"http://evil.test:{port_of(served.url)}/events/day/")
        page.locator("h1", has_text="A day").wait_for()
        write(root, DAY, event_file("Reloaded through the allowed name", "2018-07-19"))
        page.locator("h1", has_text="Reloaded through the allowed name").wait_for()
    finally:
        served.stop()


def test_only_the_tabs_whose_page_changed_reload(browser, serve_example):
    context = browser.new_context()
    # Counts this tab's loads; sessionStorage lives as long as the tab, across reloads.
    context.add_init_script("sessionStorage.loads = String(Number(sessionStorage.loads || 0) + 1)")
    tabs = {}
    for name, path in (("day", "events/day/"), ("timeline", ""), ("tokyo", "events/tokyo/")):
        tabs[name] = context.new_page()
        tabs[name].set_default_timeout(15_000)
        tabs[name].goto(serve_example.url + path)
    root, mark = serve_example.root, len(serve_example.lines)
    write(root, DAY, event_file("Only where it shows", "2018-07-19"))
    tabs["day"].locator("h1", has_text="Only where it shows").wait_for()
    tabs["timeline"].locator("article#event-day", has_text="Only where it shows").wait_for()
    serve_example.wait_for_line("files written", after=mark)
    # Then an edit of the page the third tab shows: it reloads for this one alone, and the
    # messages come in order, so a reload for the first edit would have come before it.
    tokyo = (root / "content/events/tokyo.md").read_text(encoding="utf-8")
    write(root, "content/events/tokyo.md", tokyo.replace("title: ", "title: Renamed ", 1))
    tabs["tokyo"].locator("h1", has_text="Renamed").wait_for()
    assert tabs["tokyo"].evaluate("sessionStorage.loads") == "2"
    assert tabs["day"].evaluate("sessionStorage.loads") == "2"
    context.close()
