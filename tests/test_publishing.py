"""Publishing: the Pages workflow's build, feeds, sitemap, structured data and data exports."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import icalendar
import pytest
import yaml

from generator.build import NO_BASE_URL, BuildOptions, build

from conftest import EXAMPLE, REPO_ROOT, build_site, event_file, read_html

BASE = "https://user.github.io/REPO/"
WORKFLOW = REPO_ROOT / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The demo site built as the Pages workflow builds it: same command, same base URL form."""
    root = tmp_path_factory.mktemp("repo")
    for name in ("content", "layouts"):
        shutil.copytree(REPO_ROOT / name, root / name)
    shutil.copy(REPO_ROOT / "pyproject.toml", root)
    steps = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["build"]["steps"]
    command = next(s["run"] for s in steps if "chronoline build" in s.get("run", ""))
    # configure-pages gives the Pages URL without a trailing slash.
    command = command.replace("${{ steps.pages.outputs.base_url }}", BASE.rstrip("/"))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(shlex.split(command), cwd=root, env=env, check=True, capture_output=True)
    return root / "site"


def test_the_workflow_deploys_with_githubs_own_actions():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert set(workflow[True]) == {"push", "workflow_dispatch"}  # YAML 1.1 reads `on` as true
    assert workflow[True]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    uses = [s.get("uses", "").split("@")[0] for job in workflow["jobs"].values()
            for s in job["steps"]]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact",
                   "actions/deploy-pages"):
        assert action in uses
    assert workflow["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_atom_feed_parses_and_holds_the_newest_events(published):
    feed = feedparser.parse((published / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    events = json.loads((published / "events.json").read_text(encoding="utf-8"))["events"]
    newest = events[::-1]  # events.json is in the site's order, oldest first
    assert [e.title for e in feed.entries] == [e["title"] for e in newest]
    assert len(feed.entries) == len(events)
    first = feed.entries[0]
    assert first.id == first.link == BASE + f"events/{newest[0]['slug']}/"
    assert first.published.startswith(newest[0]["date"][:10])
    links = re.findall(r'href="([^"]+)"', first.content[0].value)
    assert links and all(link.startswith("http") for link in links)


def test_json_feed_has_what_json_feed_1_1_requires(published):
    feed = json.loads((published / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["home_page_url"] == BASE and feed["feed_url"] == BASE + "feed.json"
    assert feed["title"]
    for item in feed["items"]:
        assert {"id", "url", "title", "content_html", "date_published"} <= set(item)
        assert item["url"].startswith(BASE)


def test_feed_limit(make_site):
    files = {f"content/e{n}.md": event_file(f"E{n}", f"20{10 + n}") for n in range(5)}
    root = make_site(files, config=f'base_url = "{BASE}"\nfeed_limit = 2\n')
    build_site(root)
    feed = feedparser.parse((root / "site" / "feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["E4", "E3"]
    assert len(json.loads((root / "site" / "feed.json").read_text())["items"]) == 2


def test_every_page_announces_the_feeds(published):
    for path in published.rglob("*.html"):
        page = read_html(path)
        types = {link["type"] for link in page.select("link[rel=alternate]")}
        assert types == {"application/atom+xml", "application/feed+json"}, path


def test_sitemap_lists_every_html_page_but_404_and_the_embed_page_and_nothing_else(published):
    text = (published / "sitemap.xml").read_text(encoding="utf-8")
    listed = re.findall(r"<loc>(.*?)</loc>", text)
    expected = sorted(BASE + p.relative_to(published).as_posix().removesuffix("index.html")
                      for p in published.rglob("*.html")
                      if p.name != "404.html" and p.parent.name != "embed")
    assert sorted(listed) == expected
    assert (published / "robots.txt").read_text() == (
        f"User-agent: *\nAllow: /\nSitemap: {BASE}sitemap.xml\n")


def test_head_has_canonical_description_and_sharing_tags(published):
    page = read_html(next(published.glob("events/*ansip*/index.html")))
    url = page.select_one("link[rel=canonical]")["href"]
    assert url.startswith(BASE + "events/")
    assert page.select_one("meta[property='og:url']")["content"] == url
    assert page.select_one("meta[property='og:title']")["content"] == page.h1.get_text()
    assert page.select_one("meta[property='og:site_name']")["content"]
    description = page.select_one("meta[name=description]")["content"]
    assert description and page.select_one("meta[property='og:description']")["content"] == (
        description)
    assert page.select_one("meta[name='twitter:card']")["content"] == "summary"


def test_json_ld_of_every_event_page_matches_the_page(published):
    pages = list(published.glob("events/*/index.html"))
    assert pages
    for path in pages:
        page = read_html(path)
        data = json.loads(page.select_one("script[type='application/ld+json']").string)
        assert data["@type"] == "Event"
        assert data["name"] == page.h1.get_text()
        assert data["startDate"] == page.article.find("time")["datetime"]
        assert data["url"] == page.select_one("link[rel=canonical]")["href"]
        for source in data.get("subjectOf", []):
            assert source["@type"] in ("NewsArticle", "CreativeWork")
            assert source["url"].startswith("http")
    index = read_html(published / "index.html")
    listing = json.loads(index.select_one("script[type='application/ld+json']").string)
    assert listing["@type"] == "ItemList"
    assert [i["name"] for i in listing["itemListElement"]] == [
        a.get_text() for a in index.select("article .event-title a")]


def test_json_ld_cannot_be_closed_early_by_content(make_site):
    title = '</script><script>alert(1)</script> & "quotes"'
    root = make_site({"content/x.md": event_file(json.dumps(title), "2018-07")})
    build_site(root)
    page = read_html(root / "site" / "events" / "x" / "index.html")
    assert not page.find("script", string=re.compile("alert"), type=None)
    raw = (root / "site" / "events" / "x" / "index.html").read_text(encoding="utf-8")
    block = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(block)["name"] == title
    assert json.loads(block)["startDate"] == "2018-07"


def test_icalendar_holds_every_event(published):
    calendar = icalendar.Calendar.from_ical((published / "events.ics").read_bytes())
    entries = calendar.walk("VEVENT")
    events = json.loads((published / "events.json").read_text(encoding="utf-8"))["events"]
    assert [str(e["SUMMARY"]) for e in entries] == [e["title"] for e in events]
    assert all(str(e["UID"]).endswith("@user.github.io") for e in entries)


def test_icalendar_dates_keep_their_kind(tmp_path):
    build(BuildOptions(root=EXAMPLE, output=tmp_path / "site"))
    calendar = icalendar.Calendar.from_ical((tmp_path / "site" / "events.ics").read_bytes())
    by_uid = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    month = by_uid["month"]
    assert (str(month["DTSTART"].dt), str(month["DTEND"].dt)) == ("2018-07-01", "2018-08-01")
    tokyo = by_uid["tokyo"]["DTSTART"].dt
    assert tokyo.isoformat() == "2018-12-07T01:00:00+00:00"
    rng = by_uid["range"]
    assert (str(rng["DTSTART"].dt), str(rng["DTEND"].dt)) == ("2018-12-10", "2019-04-02")
    assert "\\," not in str(by_uid["escaping"]["SUMMARY"])


def test_timelinejs_json_keeps_precision_and_order(tmp_path):
    build(BuildOptions(root=EXAMPLE, output=tmp_path / "site"))
    data = json.loads((tmp_path / "site" / "timeline.json").read_text(encoding="utf-8"))
    assert data["title"]["text"]["headline"] == "Every date form"
    slides = {s["unique_id"]: s for s in data["events"]}
    assert slides["year"]["start_date"] == {"year": 2018}
    assert slides["month"]["start_date"] == {"year": 2018, "month": 7}
    assert slides["tokyo"]["start_date"] == {"year": 2018, "month": 12, "day": 7, "hour": 2,
                                             "minute": 0, "second": 0}
    assert slides["range"]["end_date"] == {"year": 2019, "month": 4, "day": 1}
    assert slides["day"]["group"] == "Zürich"
    assert [s["unique_id"] for s in data["events"]][:3] == ["yaml-int-year", "year", "month"]
    assert "&lt;script&gt;" in slides["escaping"]["text"]["headline"]


def test_without_a_base_url_what_needs_one_is_left_out_with_one_warning(make_site):
    root = make_site({"content/a.md": event_file("A")}, config="")
    report = build_site(root)
    assert report.warnings == (NO_BASE_URL,)
    site = root / "site"
    for name in ("feed.xml", "feed.json", "sitemap.xml", "robots.txt"):
        assert not (site / name).exists()
    page = read_html(site / "events" / "a" / "index.html")
    assert not page.select("link[rel=canonical], meta[property='og:url'], link[rel=alternate]")
    assert (site / "timeline.json").is_file() and (site / "events.ics").is_file()


def test_cname(make_site):
    root = make_site({"content/a.md": event_file("A")},
                     config='base_url = "https://timeline.example.org/"\n'
                            'cname = "timeline.example.org"\n')
    build_site(root)
    assert (root / "site" / "CNAME").read_text() == "timeline.example.org\n"


def test_every_absolute_url_to_the_site_starts_with_base_url(published):
    own = re.compile(r"https?://[^\s\"'<>]*github\.io[^\s\"'<>]*")
    for path in published.rglob("*"):
        if path.suffix in (".html", ".xml", ".json", ".ics", ".txt"):
            text = path.read_text(encoding="utf-8").replace("\r\n ", "")
            for url in own.findall(text):
                assert url.startswith(BASE), (path, url)


def test_share_image_from_the_event_or_the_site(make_site):
    root = make_site({"content/a.md": event_file("A", body="![Map](../../images/map.png)\n"),
                      "content/b.md": event_file("B", "2019"), "content/images/map.png": "png"},
                     config=f'base_url = "{BASE}"\nimage = "images/map.png"\n')
    build_site(root)
    a = read_html(root / "site" / "events" / "a" / "index.html")
    assert a.select_one("meta[property='og:image']")["content"] == BASE + "images/map.png"
    assert a.select_one("meta[name='twitter:card']")["content"] == "summary_large_image"
    b = read_html(root / "site" / "events" / "b" / "index.html")
    assert b.select_one("meta[property='og:image']")["content"] == BASE + "images/map.png"


def test_feeds_and_calendar_speak_the_sites_language(make_site):
    sourced = "sources:\n  - url: https://example.org/a\n    publisher: P"
    root = make_site({"content/a.md": f"---\ntitle: A\ndate: 2018\n{sourced}\n---\nText.\n"},
                     config=f'base_url = "{BASE}"\nlanguage = "nl"\n')
    build_site(root)
    feed = feedparser.parse((root / "site" / "feed.xml").read_bytes())
    assert "<h2>Bronnen</h2>" in feed.entries[0].content[0].value
    calendar = icalendar.Calendar.from_ical((root / "site" / "events.ics").read_bytes())
    assert "Bronnen:" in str(calendar.walk("VEVENT")[0]["DESCRIPTION"])


def test_atom_updated_is_the_latest_instant(make_site):
    root = make_site({"content/a.md": event_file("A", "2018-12-07T10:00:00+02:00"),
                      "content/b.md": event_file("B", "2018-12-07T09:00:00Z")},
                     config=f'base_url = "{BASE}"\n')
    build_site(root)
    feed = feedparser.parse((root / "site" / "feed.xml").read_bytes())
    assert feed.feed.updated == "2018-12-07T09:00:00+00:00"


def test_calendar_entries_end_after_they_start_and_escape_every_line_break(make_site):
    root = make_site({"content/a.md": event_file('"line\\rbreak"', "2020-01-03",
                                                 end="2020-01-03T10:00Z")})
    build_site(root)
    raw = (root / "site" / "events.ics").read_bytes()
    assert b"\r" not in raw.replace(b"\r\n", b"")
    entry = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert (str(entry["DTSTART"].dt), str(entry["DTEND"].dt)) == ("2020-01-03", "2020-01-04")


def test_the_404_page_has_no_canonical_address(published):
    page = read_html(published / "404.html")
    assert not page.select("link[rel=canonical], meta[property='og:url']")


def test_icalendar_writes_the_year_one_with_four_digits(make_site, tmp_path):
    root = make_site({"content/first.md": event_file("The first year", "0001-03"),
                      "content/timed.md": event_file("A timed one", "0001-03-02T10:00:00+00:00")},
                     config='title = "T"\nbase_url = "https://example.org/"\n')
    build(BuildOptions(root=root, output=tmp_path / "out"))
    raw = (tmp_path / "out" / "events.ics").read_bytes().decode("utf-8")
    assert "DTSTART;VALUE=DATE:00010301\r\n" in raw
    assert "DTEND;VALUE=DATE:00010401\r\n" in raw
    assert "DTSTART:00010302T100000Z\r\n" in raw
    calendar = icalendar.Calendar.from_ical(raw.encode("utf-8"))
    assert sorted(str(e["DTSTART"].dt)[:10] for e in calendar.walk("VEVENT")) == [
        "0001-03-01", "0001-03-02"]
