"""The theme's layout in a browser: wide screens used, phones without sideways scrolling, the
site's title once on a phone, a favicon, print and reduced motion."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import DEMO_BASE_URL

PREFIX = urlsplit(DEMO_BASE_URL).path  # the demo is built to be served under /REPO/


class LoopbackSite:
    """A built site served on 127.0.0.1 under `prefix`, as a static host serves it (404.html
    for what is missing), noting each request's path and status."""

    def __init__(self, folder: Path, prefix: str) -> None:
        self.folder, self.prefix = folder, prefix
        self.answered: list[tuple[str, int]] = []
        self._noted = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{prefix}"

    def _handler(self) -> type[SimpleHTTPRequestHandler]:
        site = self

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args: object, **kwargs: object) -> None:
                super().__init__(*args, directory=str(site.folder), **kwargs)

            def send_head(self):  # noqa: ANN202 - as the base class has it
                path = unquote(urlsplit(self.path).path)
                if not path.startswith(site.prefix) or not Path(
                        self.translate_path(self.path)).exists():
                    return self._not_found()
                return super().send_head()

            def translate_path(self, path: str) -> str:
                inside = urlsplit(path).path.removeprefix(site.prefix.rstrip("/"))
                return super().translate_path(inside or "/")

            def _not_found(self):  # noqa: ANN202
                body = (site.folder / "404.html").read_bytes()
                self.send_response(HTTPStatus.NOT_FOUND)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return None

            def log_request(self, code: object = "-", size: object = "-") -> None:
                with site._noted:
                    site.answered.append((urlsplit(self.path).path, int(code)))
                    site._noted.notify_all()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        return Handler

    def wait_for_request(self, ending: tuple[str, ...], timeout: float = 20) -> tuple[str, int]:
        """The first request whose path ends with one of `ending`, once it is answered."""
        def found() -> tuple[str, int] | None:
            return next((a for a in self.answered if a[0].endswith(ending)), None)

        with self._noted:
            if not self._noted.wait_for(lambda: found() is not None, timeout):
                raise AssertionError(f"no request for {ending} in {self.answered}")
            answer = found()
            assert answer is not None
            return answer


@contextmanager
def served(folder: Path, prefix: str = PREFIX) -> Iterator[LoopbackSite]:
    """Serve `folder` on a free loopback port for the block; always stopped after."""
    site = LoopbackSite(folder, prefix)
    thread = threading.Thread(target=site._server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site._server.shutdown()
        site._server.server_close()
        thread.join()


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
