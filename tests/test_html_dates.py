"""Dates in the pages: `<time datetime>` only where HTML can hold the date, `<data>` with its
EDTF value elsewhere; and a site of historians' dates that builds, in order, and is valid."""

import datetime as dt

import pytest

from generator.dates import PartialDate, parse_date
from generator.datetext import DateText
from generator.htmldates import datetag
from tests.conftest import build_site, event_file, read_html
from tests.test_html_valid import check_html, describe


@pytest.mark.parametrize(
    ("date", "html"),
    [
        (PartialDate(1984), '<time datetime="1984">1984</time>'),
        (PartialDate(79), '<time datetime="0079">79 AD</time>'),
        (PartialDate(-43, 3, 15), '<data class="date" value="-0043-03-15">March 15, 44 BC</data>'),
        (PartialDate(1984, qualifier="?"), '<data class="date" value="1984?">1984?</data>'),
        (PartialDate(1 - 66_000_000), '<data class="date" value="Y-65999999">66 million years '
                                      'ago</data>'),
        (PartialDate(1500, bound="before"), '<data class="date" value="[..1500]">before '
                                            '1500</data>'),
    ],
)
def test_datetag_gives_time_only_for_what_html_can_hold(date, html):
    assert str(datetag(date, DateText("en").date(date))) == html


def test_datetag_escapes_the_text():
    assert str(datetag(PartialDate(-43), "<b>")) == (
        '<data class="date" value="-0043">&lt;b&gt;</data>')
    assert str(datetag(PartialDate(1984), "<b>")) == '<time datetime="1984">&lt;b&gt;</time>'


HISTORY = {
    "content/ides.md": event_file("Ides of March", "15 March 44 BC"),
    "content/ashoka.md": event_file("Ashoka", "-250"),
    "content/chicxulub.md": event_file("Chicxulub impact", "66 Ma"),
    "content/cathedral.md": event_file("Cathedral begun", "c. 1200"),
    "content/orwell.md": event_file("A year of doubt", "'1984?'"),
    "content/moon.md": event_file("Moon landing", "1969-07-20"),
    "content/rome.md": event_file("Rome, still", "753 BC", end="present"),
}


def test_a_site_of_historians_dates_builds_in_order_and_shows_them(make_site):
    root = make_site(HISTORY)
    build_site(root)
    index = read_html(root / "site" / "index.html")
    events = index.select("article.event")
    slugs = [article["id"].removeprefix("event-") for article in events]
    assert slugs == ["chicxulub", "rome", "ashoka", "ides", "cathedral", "moon", "orwell"]
    shown = {article["id"].removeprefix("event-"): article.select_one(".when")
             for article in events}
    assert shown["chicxulub"].get_text() == "66 million years ago"
    assert shown["rome"].get_text() == "753 BC – present"
    assert shown["ashoka"].get_text() == "250 BC"
    assert shown["ides"].get_text() == "March 15, 44 BC"
    assert shown["cathedral"].get_text() == "c. 1200"
    assert shown["orwell"].get_text() == "1984?"
    values = {slug: when.select_one("time, data") for slug, when in shown.items()}
    assert values["chicxulub"].name == "data" and values["chicxulub"]["value"] == "Y-65999999"
    assert values["ides"]["value"] == "-0043-03-15"
    assert values["cathedral"]["value"] == "1200~"
    assert values["moon"].name == "time" and values["moon"]["datetime"] == "1969-07-20"
    # No <time> value a browser would misread: a sign, or EDTF's qualifiers.
    for tag in index.select("time"):
        assert not tag["datetime"].startswith("-") and not set("?~%X") & set(tag["datetime"])
    for tag in index.select("data.date"):
        assert parse_date(tag["value"], dt.UTC) is not None


def test_a_site_of_historians_dates_is_valid_html(make_site):
    root = make_site(HISTORY)
    build_site(root)
    site = root / "site"
    pages = [site / "index.html", *sorted(site.glob("events/*/index.html"))]
    assert [describe(m, site) for m in check_html(pages)] == []
