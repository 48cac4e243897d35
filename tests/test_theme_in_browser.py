"""The default theme in a real browser: phones, dark mode, print."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import BuildOptions, build

from conftest import REPO_ROOT


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("demo") / "site"
    build(BuildOptions(root=REPO_ROOT, output=output))
    return output


@pytest.mark.parametrize("width", [320, 768, 1440])
def test_pages_fit_the_screen_without_sideways_scrolling(browser, demo, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    for path in ("index.html", "2018/index.html", "tags/index.html",
                 next(demo.glob("events/*/index.html")).relative_to(demo).as_posix()):
        page.goto((demo / path).as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    page.close()


def test_dark_mode_follows_the_system(browser, demo):
    colours = {}
    for scheme in ("light", "dark"):
        page = browser.new_page(color_scheme=scheme)
        page.goto((demo / "index.html").as_uri())
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.close()
    assert colours == {"light": "rgb(253, 253, 252)", "dark": "rgb(21, 23, 26)"}


def test_print_shows_the_address_of_every_source(browser, demo):
    page = browser.new_page()
    page.goto((demo / "index.html").as_uri())
    page.emulate_media(media="print")
    after = page.evaluate(
        "getComputedStyle(document.querySelector('a.source'), '::after').content")
    href = page.evaluate("document.querySelector('a.source').href")
    assert after == f'" <{href}>"'
    page.emulate_media(media="screen")
    assert page.evaluate(
        "getComputedStyle(document.querySelector('a.source'), '::after').content") == "none"
    page.close()
