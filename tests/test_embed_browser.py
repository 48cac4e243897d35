"""The embed page in Chromium, as a reader of a news article meets it: in an <iframe> of
650 × 450 px, one event at a time, moved by buttons, arrow keys and the strip."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.build import BuildOptions, build

from conftest import REPO_ROOT, event_file
from loopback import served

PICTURE = "https://images.example.org/{}.png"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("demo") / "site"
    build(BuildOptions(root=REPO_ROOT, output=output))
    return output


@pytest.fixture(scope="module")
def pictured(tmp_path_factory) -> Path:
    """Three events, each with a picture on another host."""
    root = tmp_path_factory.mktemp("pictured")
    for n, date in enumerate(["2018-07-19", "2018-08-01", "2019-01-05"], 1):
        media = f"\n  url: {PICTURE.format(n)}\n  alt: Picture {n}\n  credit: Desk {n}"
        (root / "content").mkdir(exist_ok=True)
        (root / "content" / f"e{n}.md").write_text(
            event_file(f"Event {n}", date, f"Summary {n}.", media=media), encoding="utf-8")
    (root / "chronoline.toml").write_text('title = "Pictured"\n', encoding="utf-8")
    build(BuildOptions(root=root))
    return root / "site"


@pytest.fixture(scope="module")
def http_site(demo) -> Iterator[str]:
    """The demo served over HTTP on loopback, for what file:// does not show (requests, the
    clipboard)."""
    with served(demo, "/") as site:
        yield site.url


def demo_slugs(demo: Path) -> list[str]:
    page = (demo / "embed" / "index.html").read_text(encoding="utf-8")
    return [part.split('"', 1)[0] for part in page.split('<article class="embed-event')[1:]
            for part in [part.split('data-slug="', 1)[1]]]


def shown(frame) -> list[str]:
    """The slugs of the events the reader sees."""
    return frame.evaluate("""[...document.querySelectorAll('.embed-event')]
        .filter(a => a.checkVisibility()).map(a => a.dataset.slug)""")


@pytest.fixture
def framed(browser, demo, tmp_path):
    """A news article's page of 650 × 450 px holding the demo's embed page in an <iframe>."""
    article = tmp_path / "article.html"

    def open_at(query: str = ""):
        src = (demo / "embed" / "index.html").as_uri() + query
        article.write_text(f'<!DOCTYPE html><title>News</title><body style="margin:0">'
                           f'<iframe src="{src}" title="Timeline" width="650" height="450" '
                           f'style="border:0;display:block"></iframe>', encoding="utf-8")
        page = browser.new_page(viewport={"width": 650, "height": 450})
        pages.append(page)
        page.goto(article.as_uri())
        frame = page.frames[1]
        frame.wait_for_selector("html.embed-js")
        return page, frame

    pages: list = []
    yield open_at
    for page in pages:
        page.close()


def test_the_frame_shows_one_event_and_fits(framed, demo):
    page, frame = framed()
    slugs = demo_slugs(demo)
    assert shown(frame) == [slugs[0]]
    assert frame.evaluate("document.documentElement.scrollWidth") <= 650
    assert frame.evaluate("document.documentElement.scrollHeight") <= 450
    assert frame.locator(".embed-count").inner_text() == f"1 / {len(slugs)}"
    for control in (".embed-previous", ".embed-next", "nav.embed-strip"):
        box = frame.locator(control).bounding_box()
        assert box["y"] + box["height"] <= 450 and box["x"] + box["width"] <= 650, control


def test_the_buttons_and_the_arrow_keys_move_between_events(framed, demo):
    page, frame = framed()
    slugs = demo_slugs(demo)
    assert frame.locator(".embed-previous").is_disabled()
    frame.locator(".embed-next").click()
    assert shown(frame) == [slugs[1]]
    frame.locator(".embed-next").click()
    assert shown(frame) == [slugs[2]]
    frame.locator(".embed-previous").click()
    assert shown(frame) == [slugs[1]]
    page.keyboard.press("ArrowRight")  # the frame has the focus since the click
    page.keyboard.press("ArrowRight")
    assert shown(frame) == [slugs[3]]
    page.keyboard.press("ArrowLeft")
    assert shown(frame) == [slugs[2]]
    assert frame.locator(".embed-status").inner_text().startswith(f"3 / {len(slugs)}: ")
    for _ in slugs:
        page.keyboard.press("ArrowRight")
    assert shown(frame) == [slugs[-1]]
    assert frame.locator(".embed-next").is_disabled()
    assert frame.evaluate("document.activeElement.className") == "embed-previous"


def test_the_strip_jumps_and_marks_where_the_reader_is(framed, demo):
    page, frame = framed()
    slugs = demo_slugs(demo)
    marks = frame.locator("nav.embed-strip a")
    assert marks.count() == len(slugs)
    names = [marks.nth(i).evaluate("a => a.textContent") for i in range(marks.count())]
    assert all(": " in name for name in names)
    target = frame.locator(f'nav.embed-strip a[data-slug="{slugs[4]}"]')
    target.click()
    assert shown(frame) == [slugs[4]]
    assert target.get_attribute("aria-current") == "true"
    assert frame.locator("nav.embed-strip a[aria-current]").count() == 1
    # The strip is one stop for Tab; an arrow key on it moves on and takes the focus along.
    assert [marks.nth(i).get_attribute("tabindex") for i in range(3)] == ["-1", "-1", "-1"]
    page.keyboard.press("ArrowRight")
    assert shown(frame) == [slugs[5]]
    assert frame.evaluate("document.activeElement.dataset.slug") == slugs[5]
    # Marks stand along time, left to right.
    boxes = [marks.nth(i).bounding_box() for i in range(marks.count())]
    centres = [round(box["x"] + box["width"] / 2) for box in boxes]
    assert centres == sorted(centres) and centres[-1] - centres[0] > 300


def test_the_event_in_the_address_is_where_it_starts(framed, demo):
    slugs = demo_slugs(demo)
    _, frame = framed(f"?event={slugs[3]}")
    assert shown(frame) == [slugs[3]]
    assert frame.locator(".embed-count").inner_text() == f"4 / {len(slugs)}"
    _, frame = framed("?event=no-such-event")
    assert shown(frame) == [slugs[0]]  # the timeline page's order: this site's oldest first


def test_every_link_opens_in_a_new_tab(framed):
    page, frame = framed()
    targets = frame.evaluate("""[...document.querySelectorAll('a[href]')].map(a =>
        [a.getAttribute('href'), a.target])""")
    assert targets
    for href, target in targets:
        assert target == ("_self" if href.startswith("#") else "_blank"), href
    with page.context.expect_page() as opened:
        frame.locator("li:not([hidden]) h2 a").click()
    assert opened.value.url.endswith("/index.html") and "/events/" in opened.value.url
    assert page.frames[1].url.endswith("/embed/index.html")  # the frame stayed where it was
    opened.value.close()


def test_a_strip_link_shows_its_event_even_if_the_script_never_runs(browser, demo, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(demo, site)
    (site / "assets" / "embed.js").write_text("throw new Error('blocked')", encoding="utf-8")
    page = browser.new_page(viewport={"width": 650, "height": 450})
    page.goto((site / "embed" / "index.html").as_uri())
    slugs = demo_slugs(demo)
    assert shown(page) == [slugs[0]]
    page.locator(f'nav.embed-strip a[data-slug="{slugs[3]}"]').click()
    assert shown(page) == [slugs[0], slugs[3]]
    page.close()


def test_without_javascript_every_event_is_listed(browser, demo):
    page = browser.new_page(viewport={"width": 650, "height": 450}, java_script_enabled=False)
    page.goto((demo / "embed" / "index.html").as_uri())
    slugs = demo_slugs(demo)
    articles = page.locator("article.embed-event")
    assert articles.count() == len(slugs)
    assert all(articles.nth(i).is_visible() for i in range(len(slugs)))
    assert [articles.nth(i).get_attribute("data-slug") for i in range(len(slugs))] == slugs
    assert not page.locator("button").first.is_visible()
    page.close()


def test_the_page_asks_no_other_host(browser, http_site):
    page = browser.new_page(viewport={"width": 650, "height": 450})
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(http_site + "embed/?event=2018-12-07-huawei-replies-to-ansip")
    page.wait_for_load_state("networkidle")
    page.locator(".embed-next").click()
    page.keyboard.press("ArrowRight")
    page.wait_for_load_state("networkidle")
    hosts = {urlsplit(url).netloc for url in asked}
    assert hosts == {urlsplit(http_site).netloc}, asked
    assert {urlsplit(url).path for url in asked} >= {"/embed/", "/assets/embed.css",
                                                     "/assets/embed.js"}
    page.close()


def test_only_the_shown_events_picture_is_fetched(browser, pictured):
    page = browser.new_page(viewport={"width": 650, "height": 450})
    pictures: list[str] = []

    def answer(route) -> None:
        pictures.append(route.request.url)
        route.fulfill(status=404, body="")

    page.route("https://images.example.org/**", answer)
    page.goto((pictured / "embed" / "index.html").as_uri() + "?event=e2")
    page.wait_for_load_state("networkidle")
    # The first event shows until the script has read the address, so its picture may come.
    assert PICTURE.format(2) in pictures and PICTURE.format(3) not in pictures
    assert set(pictures) <= {PICTURE.format(1), PICTURE.format(2)}
    with page.expect_request(PICTURE.format(3)):
        page.locator(".embed-next").click()
    assert page.locator("li:not([hidden]) figcaption").inner_text() == "Desk 3"
    page.close()


@pytest.mark.parametrize(("width", "height"), [(650, 450), (360, 450), (320, 400)])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_small_frames_fit_in_light_and_dark(browser, demo, width, height, scheme):
    page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
    page.goto((demo / "embed" / "index.html").as_uri())
    page.wait_for_selector("html.embed-js")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.documentElement.scrollHeight") <= height
    assert page.locator(".embed-next").bounding_box()["y"] + 20 <= height
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == {"light": "rgb(253, 253, 252)", "dark": "rgb(21, 23, 26)"}[scheme]
    page.close()


def test_the_copy_button_copies_the_embed_code(browser, http_site):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=http_site[:-1])
    page = context.new_page()
    page.goto(http_site)
    page.locator("details.embed-code summary").click()
    button = page.locator("details.embed-code button")
    assert button.inner_text() == "Copy"
    button.click()
    page.locator("details.embed-code [role=status]").filter(has_text="Copied").wait_for()
    code = page.locator("#embed-code-field").input_value()
    assert code.startswith("<iframe src=") and code.endswith("></iframe>")
    assert page.evaluate("navigator.clipboard.readText()") == code
    assert page.evaluate("getSelection().toString() || document.activeElement.id") in (
        code, "embed-code-field")
    context.close()


def test_without_javascript_the_embed_code_can_still_be_selected(browser, demo):
    page = browser.new_page(java_script_enabled=False)
    page.goto((demo / "index.html").as_uri())
    page.locator("details.embed-code summary").click()
    field = page.locator("#embed-code-field")
    assert field.is_visible() and field.is_editable() is False
    assert not page.locator("details.embed-code button").is_visible()
    field.select_text()
    page.close()
