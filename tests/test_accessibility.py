"""For everyone, and light: axe-core finds nothing to fix on the pages a reader sees, in light
and dark, and the timeline page loads little and only from its own site.

To check another page or state, add a Visit to VISITS: a path under the site's address and,
if the reader does something first (types a search, opens the embed's next event), a function
that does it on the Playwright page."""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import pytest

from conftest import REPO_ROOT
from loopback import served

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BUDGET = 30 * 1024  # gzip bytes of the timeline page's own JavaScript and CSS (TimelineJS: 76 KB)


def unavailable(reason: str) -> NoReturn:
    """Skip on a developer's machine; fail in CI, which must run the check."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the accessibility check must run in CI)")
    pytest.skip(reason)


def choose_tags(page) -> None:
    for tag in ("japan", "uk"):
        page.locator(f".tag-filter button[data-tag='{tag}']").click()
    page.locator(".filter-status").filter(has_text="8 of 14").wait_for()


def search_for_words(page) -> None:
    page.keyboard.press("/")
    page.keyboard.type("huawei")
    page.locator("#site-search-results li").first.wait_for()


def move_by_keyboard(page) -> None:
    page.keyboard.press("j")
    page.keyboard.press("j")


def open_embed_code(page) -> None:
    page.locator(".embed-code summary").click()
    page.locator("#embed-code-field").wait_for()


def move_in_embed(page) -> None:
    page.locator(".embed-next").click()
    page.keyboard.press("ArrowRight")


@dataclass(frozen=True)
class Visit:
    path: str  # under the site's address
    act: Callable | None = None  # what the reader does first, given the Playwright page


VISITS = {
    "timeline, filtered": Visit("index.html", choose_tags),
    "timeline, searched": Visit("index.html", search_for_words),
    "timeline, opened filtered and moved by keyboard": Visit("index.html?tags=zte",
                                                             move_by_keyboard),
    "event": Visit("events/2018-12-07-huawei-2-billion-pledge-reports/index.html"),
    "year": Visit("2018/index.html"),
    "tag": Visit("tags/japan/index.html"),
    "tags": Visit("tags/index.html"),
    "404": Visit("no/such/page"),
    "timeline, embed code open": Visit("index.html", open_embed_code),
    "embed": Visit("embed/index.html"),
    "embed, moved by button and arrow key": Visit("embed/index.html", move_in_embed),
}


@pytest.fixture(scope="module")
def site(demo_site: Path):
    with served(demo_site) as loopback:
        yield loopback


def violations(page) -> list[str]:
    """What axe-core finds on the page as it is now, one line per element."""
    if not AXE.is_file():
        unavailable(f"{AXE} is missing; run `npm install --no-save --prefix {REPO_ROOT} "
                    "axe-core`")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ['violations']});
        if (results.passes.length === 0) throw new Error('axe checked nothing');
        return results.violations.flatMap(v => v.nodes.map(n =>
            `${v.id}: ${n.target.join(' ')}: ${n.failureSummary.replace(/\\s+/g, ' ')}`));
    }""")
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", VISITS)
def test_axe_finds_no_violations(browser, site, name, scheme):
    visit = VISITS[name]
    page = browser.new_page(color_scheme=scheme)
    page.goto(site.url + visit.path)
    if visit.act is not None:
        visit.act(page)
    assert violations(page) == []
    page.close()


def test_axe_would_tell(browser, site):
    """The check finds what it is for: a control without a name, text without contrast."""
    page = browser.new_page()
    page.goto(site.url + "index.html")
    page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('afterbegin',
        '<button></button><p style="color: #ddd">faint</p>')""")
    assert {line.split(":")[0] for line in violations(page)} == {"button-name", "color-contrast"}
    page.close()


def test_the_timeline_page_stays_light_and_at_home(browser, site):
    """Its own JavaScript and CSS, as loaded before any interaction, within the budget; no
    request goes to another host."""
    page = browser.new_page()
    requested: list[str] = []
    loaded: dict[str, bytes] = {}
    page.on("request", lambda request: requested.append(request.url))

    def keep(response) -> None:
        if response.request.resource_type in ("script", "stylesheet"):
            loaded[response.url] = response.body()

    page.on("response", keep)
    page.goto(site.url + "index.html", wait_until="networkidle")
    page.close()
    home = urlsplit(site.url).netloc
    assert [url for url in requested if urlsplit(url).netloc != home] == []
    names = {urlsplit(url).path.rsplit("/", 1)[-1] for url in loaded}
    assert {"style.css", "timeline.js"} <= names
    sizes = {url: len(gzip.compress(body, 9)) for url, body in loaded.items()}
    assert sum(sizes.values()) <= BUDGET, sizes
