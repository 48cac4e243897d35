"""The example history, examples/history, from the Big Bang to today: built in English and in
Dutch, in order, each date shown as written and marked up as HTML can hold it, valid, and
shown by TimelineJS on its own scale."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_html_valid import check_html, describe
from test_timelinejs import TIMELINEJS, Handler

from generator.build import BuildOptions, build

from conftest import REPO_ROOT, read_html

HISTORY = REPO_ROOT / "examples" / "history"

# Each event's slug, in the order the timeline lists them, with its date as the English and
# the Dutch site show it.
SHOWN = [
    ("13800000000-bc-big-bang", "13.8 billion years ago", "13,8 miljard jaar geleden"),
    ("4540000000-bc-earth-forms", "4.54 billion years ago", "4,54 miljard jaar geleden"),
    ("538800000-bc-cambrian", "538.8 million years ago", "538,8 miljoen jaar geleden"),
    ("251902000-bc-end-permian-extinction", "251.902 million years ago",
     "251,902 miljoen jaar geleden"),
    ("66000000-bc-k-pg-extinction", "66 million years ago", "66 miljoen jaar geleden"),
    ("315000-bc-jebel-irhoud", "c. 315,000 years ago", "ca. 315.000 jaar geleden"),
    ("15000-bc-lascaux", "c. 15000 BC", "ca. 15000 v.Chr."),
    ("9500-bc-gobekli-tepe", "c. 9500 BC", "ca. 9500 v.Chr."),
    ("2560-bc-great-pyramid", "c. 2560 BC", "ca. 2560 v.Chr."),
    ("1754-bc-code-of-hammurabi", "c. 1754 BC", "ca. 1754 v.Chr."),
    ("753-bc-founding-of-rome", "753 BC", "753 v.Chr."),
    ("490-bc-battle-of-marathon", "490 BC", "490 v.Chr."),
    ("323-bc-death-of-alexander", "June 323 BC", "juni 323 v.Chr."),
    ("44-bc-caesar-assassinated", "March 15, 44 BC", "15 maart 44 v.Chr."),
    ("0079-vesuvius", "79 AD", "79 n.Chr."),
    ("0476-fall-of-the-western-roman-empire", "476 AD", "476 n.Chr."),
    ("0800-12-25-charlemagne-crowned", "December 25, 800 AD", "25 december 800 n.Chr."),
    ("1215-06-15-magna-carta", "June 15, 1215", "15 juni 1215"),
    ("1346-black-death", "1346 – 1353", "1346 – 1353"),
    ("1415-10-25-agincourt", "October 25, 1415", "25 oktober 1415"),
    ("1431-05-30-joan-of-arc", "May 30, 1431", "30 mei 1431"),
    ("1453-05-29-fall-of-constantinople", "May 29, 1453", "29 mei 1453"),
    ("1456-gutenberg-bible", "before 1456", "vóór 1456"),
    ("1492-10-12-columbus", "October 12, 1492", "12 oktober 1492"),
    ("1564-04-23-shakespeare-born", "April 23, 1564?", "23 april 1564?"),
    ("1581-07-26-act-of-abjuration", "July 26, 1581", "26 juli 1581"),
    ("1582-10-15-gregorian-calendar", "October 15, 1582", "15 oktober 1582"),
    ("1602-03-20-voc-founded", "March 20, 1602", "20 maart 1602"),
    ("1687-07-05-principia", "July 5, 1687", "5 juli 1687"),
    ("1789-07-14-bastille", "July 14, 1789", "14 juli 1789"),
    ("1859-11-24-origin-of-species", "November 24, 1859", "24 november 1859"),
    ("1903-12-17-first-powered-flight", "December 17, 1903", "17 december 1903"),
    ("1969-07-20-apollo-11-landing", "July 20, 1969, 8:17\u202fPM UTC", "20 juli 1969, 20:17 UTC"),
    ("1989-11-09-berlin-wall", "November 9, 1989", "9 november 1989"),
    ("1990s-decade-of-the-brain", "1990s", "jaren 1990"),
    ("2000-11-02-iss-crewed", "November 2, 2000 – present", "2 november 2000 – heden"),
    ("201x-warmest-decade", "2010s", "jaren 2010"),
    ("2021-02-18-perseverance", "February 18, 2021 – present", "18 februari 2021 – heden"),
]
# The EDTF values a page may carry: a year (long ones with Y), month or day, a decade or
# century, a qualifier, and a bound as level 2's open set.
EDTF = re.compile(r"(\[\.\.)?(Y-?[1-9]\d{4,}|-?\d{4}(-\d\d){0,2}|\d{3}X|\d\dXX|\dXXX)"
                  r"[?~%]?(?(1)\]|(\.\.\])?)")
ERAS = ["mesozoic", "roman-republic", "middle-ages", "hundred-years-war"]


def built(tmp_path_factory, language: str) -> Path:
    root = tmp_path_factory.mktemp(f"history-{language}")
    shutil.copytree(HISTORY / "content", root / "content")
    config = (HISTORY / "chronoline.toml").read_text(encoding="utf-8")
    (root / "chronoline.toml").write_text(config + f'language = "{language}"\n',
                                          encoding="utf-8")
    build(BuildOptions(root=root))
    return root


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Path:
    return built(tmp_path_factory, "en")


@pytest.fixture(scope="module")
def dutch(tmp_path_factory) -> Path:
    return built(tmp_path_factory, "nl")


def listed(site: Path) -> list[tuple[str, str]]:
    """(slug, date as shown) of each event on the timeline page, in its order."""
    page = read_html(site / "index.html")
    return [(article["id"].removeprefix("event-"),
             article.select_one(".when").get_text(" ", strip=True))
            for article in page.select("article.event")]


def test_the_history_has_thirty_sourced_events_and_four_eras():
    events = sorted((HISTORY / "content" / "events").glob("*.md"))
    assert len(events) >= 30
    for path in events:
        text = path.read_text(encoding="utf-8")
        assert re.search(r"^- url: https://", text, re.M), path.name
    assert sorted(p.stem for p in (HISTORY / "content" / "eras").glob("*.md")) == sorted(ERAS)


@pytest.mark.parametrize("column", [1, 2], ids=["en", "nl"])
def test_every_event_in_order_with_its_date_as_written(english, dutch, column):
    site = (english if column == 1 else dutch) / "site"
    assert listed(site) == [(row[0], row[column]) for row in SHOWN]
    for row in SHOWN:
        page = read_html(site / "events" / row[0] / "index.html")
        assert page.select_one("main .when").get_text(" ", strip=True) == row[column], row[0]


def test_the_eras_that_do_not_overlap_go_to_timelinejs(english):
    site = english / "site"
    data = json.loads((site / "timeline.json").read_text(encoding="utf-8"))
    assert [era["text"]["headline"] for era in data["eras"]] == [
        "Mesozoic", "Roman Republic", "Middle Ages"]
    assert data["eras"][1]["start_date"] == {"year": -509}
    records = json.loads((site / "events.json").read_text(encoding="utf-8"))["eras"]
    assert [(era["slug"], era["date"], era["end"]) for era in records] == [
        ("mesozoic", "Y-251901999", "Y-65999999"), ("roman-republic", "-0508", "-0026"),
        ("middle-ages", "0476", "1492"), ("hundred-years-war", "1337", "1453")]


def test_every_date_is_marked_up_as_html_can_hold_it(english):
    seen_time = seen_data = 0
    for path in sorted((english / "site").rglob("*.html")):
        page = read_html(path)
        for time in page.select("time[datetime]"):
            value = time["datetime"]
            # HTML's dates are years 1 to 9999, plain: "-0043" would be read as a time zone.
            assert re.fullmatch(r"\d{4}(-\d\d(-\d\d(T\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d)?)?)?)?",
                                value), (path, value)
            assert value[:4] != "0000"
            seen_time += 1
        for data in page.select("data.date"):
            assert EDTF.fullmatch(data["value"]), (path, data["value"])
            seen_data += 1
    assert seen_time and seen_data


def test_event_pages_carry_their_date_values(english):
    site = english / "site"
    values = {}
    for slug in ("44-bc-caesar-assassinated", "66000000-bc-k-pg-extinction",
                 "1564-04-23-shakespeare-born", "1990s-decade-of-the-brain",
                 "1456-gutenberg-bible", "1969-07-20-apollo-11-landing", "0079-vesuvius"):
        when = read_html(site / "events" / slug / "index.html").select_one("main .when")
        values[slug] = [tag.get("datetime") or tag.get("value")
                        for tag in when.select("time, data")]
    assert values == {
        "44-bc-caesar-assassinated": ["-0043-03-15"],
        "66000000-bc-k-pg-extinction": ["Y-65999999"],
        "1564-04-23-shakespeare-born": ["1564-04-23?"],
        "1990s-decade-of-the-brain": ["199X"],
        "1456-gutenberg-bible": ["[..1456]"],
        "1969-07-20-apollo-11-landing": ["1969-07-20T20:17Z"],
        "0079-vesuvius": ["0079"],
    }


def test_the_history_is_valid_html(english, dutch):
    for root in (english, dutch):
        site = root / "site"
        problems = [describe(m, site) for m in check_html(sorted(site.rglob("*.html")))]
        assert not problems, "\n".join(problems)


def test_a_second_build_writes_nothing(english):
    report = build(BuildOptions(root=english))
    assert (report.written, report.removed) == (0, 0)


def test_timelinejs_shows_the_bc_and_deep_time_slides(browser, english):
    if not (TIMELINEJS / "js" / "timeline.js").is_file():
        pytest.skip("TimelineJS is not installed (npm install --no-save @knight-lab/timelinejs)")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, site=english / "site"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    try:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.route("**/*", lambda route: route.continue_()
                   if urlsplit(route.request.url).hostname == "127.0.0.1" else route.abort())
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        page.wait_for_function("window.timelineLoaded === true", timeout=20_000)
        assert page.evaluate("window.timeline.config.scale") == "cosmological"
        assert page.locator(".tl-slide:not(.tl-slide-titleslide)").count() == len(SHOWN)
        shown = {}
        for slug in ("44-bc-caesar-assassinated", "66000000-bc-k-pg-extinction",
                     "753-bc-founding-of-rome"):
            slide = page.locator(f"[id='{slug}'] .tl-headline-date").first
            shown[slug] = slide.inner_text()
        assert errors == []
        assert shown == {"44-bc-caesar-assassinated": "March 15, 44 BCE",
                         "66000000-bc-k-pg-extinction": "66.0 million years ago",
                         "753-bc-founding-of-rome": "753 BCE"}
    finally:
        page.close()
        server.shutdown()
        server.server_close()
