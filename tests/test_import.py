"""chronoline import: TimelineJS files become event files, and the site built from them."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from bs4 import Tag

from generator.build import BuildOptions, build
from generator.dates import parse_date
from generator.importer import ImportFailed, import_file

from conftest import read_html, slug_of

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "timelinejs"
MISSING = f"the TimelineJS fixtures are not at {FIXTURES} (shared/ beside this clone)"

# For each fixture: event slug → the `datetime` of each <time> on its page (start, then end),
# and the first and last event of the built timeline.
EXPECTED = {
    "all-media-types.json": ({"1901-youtube-videos": ["1901"], "1904-06-tiktok": ["1904-06"],
                              "wistia": ["1928"]},
                             "1901-youtube-videos", "wikipedia-image-error"),
    "cosmo.json": ({"538800000-bc-paleozoic-era": ["Y-538799999", "Y-251901999"]},
                   "13800000000-bc-the-big-bang",
                   "3500-bc-oldest-known-depiction-of-a-wheeled-vehicle"),
    "cosmo-mixed.json": ({"1021-ibn-al-haytham-s-book-of-optics": ["1021"],
                          "300-bc-euclid-s-optica": ["-0299"],
                          "1609-11-galileo-points-a-telescope-at-the-moon": ["1609-11"],
                          "1969-07-20-apollo-11-humans-walk-on-the-moon": ["1969-07-20"]},
                         "13800000000-bc-the-big-bang",
                         "1990-04-25-hubble-space-telescope-deployed"),
    "eras.json": ({"0602-last-great-roman-persian-war": ["0602", "0629"],
                   "0622-08-09-muhammad-migrates-from-mecca-to-medina": ["0622-08-09",
                                                                         "0622-08-23"]},
                  "0602-last-great-roman-persian-war",
                  "0698-north-south-states-period-begins-in-korea"),
    "marktwain.json": ({"1920-01-05-hannibal-missouri": ["1920-01-05T06:45:56+00:00",
                                                         "1923-01-05T06:45:56+00:00"],
                        "1908-05-13-samuel-langhorne-clemens-november-30-1835-april-21-1910":
                            ["1908-05-13"],
                        "2014-get-started": ["2014"]},
                       "1900-01-06-a-tweet", "2014-get-started"),
    "timeline2.json": ({"1963-08-09-a-musical-heritage": ["1963-08-09"],
                        "1978-first-recording": ["1978"],
                        "2012-02-11-whitney-houston-1963-2012": ["2012-02-11"]},
                       "1963-08-09-a-musical-heritage", "2012-02-11-whitney-houston-1963-2012"),
    "women_in_computing.csv": ({"1815-12-10-ada-lovelace": ["1815-12-10", "1852-11-27"],
                                "1943-07-and-the-women-who-made-it-work": ["1943-07", "1946"],
                                "1951-rozsa-peter-writes-recursion": ["1951"]},
                               "1815-12-10-ada-lovelace", "1985-the-mother-of-the-internet"),
}
EXPECTED["timeline3.json"] = EXPECTED["timeline2.json"]
EXPECTED["women_in_computing.json"] = EXPECTED["women_in_computing.csv"]


def fixture_names() -> list:
    if not FIXTURES.is_dir():
        return [pytest.param("", marks=pytest.mark.skip(reason=MISSING))]
    return sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".json", ".csv"))


def new_site(root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "chronoline.toml").write_text('title = "Imported"\ntimezone = "UTC"\n',
                                          encoding="utf-8")
    return root


def build_site(root: Path) -> Path:
    build(BuildOptions(root=root, output=root / "site"))
    return root / "site"


def source_slides(path: Path) -> list[tuple[str, str]]:
    """(headline, year) of every slide that is not the title slide, read straight from the file."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as file:
            return [(row["Headline"], row["Year"]) for row in csv.DictReader(file)
                    if row["Type"] not in ("title", "era")]
    data = json.loads(path.read_text(encoding="utf-8"))
    if "timeline" in data:
        return [(d["headline"], d["startDate"].split(",")[0]) for d in data["timeline"]["date"]]
    return [(e["text"].get("headline", ""), str(e["start_date"]["year"])) for e in data["events"]]


def source_eras(path: Path) -> int:
    """How many eras the file has."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as file:
            return sum(row["Type"] == "era" for row in csv.DictReader(file))
    data = json.loads(path.read_text(encoding="utf-8"))
    return len(data.get("timeline", data).get("era" if "timeline" in data else "eras", []))


def front_matter(path: Path) -> tuple[dict, str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


def sort_key(element: Tag) -> tuple:
    """How chronoline orders a `<time datetime>` or `<data value>`: start instant, then
    coarser first."""
    date = parse_date(element.get("datetime") or element["value"], dt.UTC)
    return date.earliest(dt.UTC), date.rank


@pytest.mark.parametrize("name", fixture_names())
def test_every_fixture_imports_and_builds(tmp_path, name):
    assert name in EXPECTED, f"add what {name} should give to EXPECTED"
    dates, first, last = EXPECTED[name]
    site = new_site(tmp_path / "site-src")
    report = import_file(FIXTURES / name, site / "content" / "events")

    slides, eras = source_slides(FIXTURES / name), source_eras(FIXTURES / name)
    assert len(report.written) == len(slides) + eras  # years before 1 too

    output = build_site(site)
    for slug, expected in dates.items():
        page = read_html(output / "events" / slug / "index.html")
        assert [t.get("datetime") or t["value"] for t in
                page.article.select(".when time, .when data")] == expected, slug
    articles = read_html(output / "index.html").select("ol.timeline > li > article")
    assert len(articles) == len(report.written) - eras
    order = [(sort_key(a.find(["time", "data"])), slug_of(a)) for a in articles]
    assert order == sorted(order)
    if articles:
        assert (slug_of(articles[0]), slug_of(articles[-1])) == (first, last)


def events_of(paths: tuple[Path, ...]) -> dict[str, dict]:
    """The written events by slug, with the fields a round trip must keep."""
    events = {}
    for path in paths:
        fields, body = front_matter(path)
        events[fields.get("slug", path.stem)] = {
            "title": fields["title"], "date": fields["date"], "end": fields.get("end"),
            "text": " ".join(body.split()), "summary": " ".join(body.split("\n\n")[0].split()),
            "tags": fields.get("tags"), "media": (fields.get("media") or {}).get("url"),
            "display_date": fields.get("display_date"),
        }
    return events


def round_trip(tmp_path: Path, name: str) -> tuple[dict, dict]:
    """The events of an import, and of importing the timeline.json built from it."""
    first = new_site(tmp_path / "first")
    report = import_file(FIXTURES / name, first / "content" / "events")
    exported = build_site(first) / "timeline.json"
    second = new_site(tmp_path / "second")
    again = import_file(exported, second / "content" / "events")
    assert again.title == "Imported"
    return events_of(report.written), events_of(again.written)


@pytest.mark.parametrize("name", fixture_names())
def test_round_trip_through_timeline_json(tmp_path, name):
    before, after = round_trip(tmp_path, name)
    for events in (before, after):
        for event in events.values():
            del event["text"]
    assert after == before


@pytest.mark.parametrize("name", fixture_names())
def test_round_trip_keeps_the_whole_text(tmp_path, name):
    before, after = round_trip(tmp_path, name)
    assert {s: e["text"] for s, e in after.items()} == {s: e["text"] for s, e in before.items()}


def test_csv_and_json_give_the_same_events(tmp_path):
    if not FIXTURES.is_dir():
        pytest.skip(MISSING)
    from_csv = import_file(FIXTURES / "women_in_computing.csv", tmp_path / "csv")
    from_json = import_file(FIXTURES / "women_in_computing.json", tmp_path / "json")
    assert len(from_csv.written) == 10
    assert {p.name: front_matter(p) for p in from_csv.written} == \
        {p.name: front_matter(p) for p in from_json.written}
    assert (from_csv.title, from_csv.text) == (from_json.title, from_json.text)
    assert from_csv.not_carried == from_json.not_carried


def test_import_never_overwrites(tmp_path):
    if not FIXTURES.is_dir():
        pytest.skip(MISSING)
    first = import_file(FIXTURES / "marktwain.json", tmp_path)
    edited = first.written[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "An editor's note.\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    second = import_file(FIXTURES / "marktwain.json", tmp_path)
    assert second.written == ()
    assert sorted(second.skipped) == sorted(first.written)
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize("name, text", [
    ("notes.txt", "Just some notes.\nNothing else.\n"),
    ("data.json", '{"slides": []}'),
    ("broken.json", '{"events": [}'),
    ("sheet.csv", "Name,Age\nAda,36\n"),
    ("empty.csv", ""),
])
def test_a_file_that_is_not_a_timeline_fails_in_one_line(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        import_file(path, tmp_path / "events")
    assert re.match(rf"{re.escape(str(path))}(:\d+)?: ", str(failure.value))
    assert "\n" not in str(failure.value)
    assert not (tmp_path / "events").exists()


def test_a_missing_file_fails_in_one_line(tmp_path):
    with pytest.raises(ImportFailed, match="missing.json: cannot be read"):
        import_file(tmp_path / "missing.json", tmp_path / "events")


def test_title_slide_is_plain_text_and_no_event(tmp_path):
    if not FIXTURES.is_dir():
        pytest.skip(MISSING)
    report = import_file(FIXTURES / "timeline3.json", tmp_path)
    assert report.title == "Whitney Houston 1963 - 2012"
    assert report.text.startswith("Houston's voice caught the imagination")
    assert "<" not in report.text
    crack, _ = front_matter(tmp_path / "2002-crack-is-whack.md")
    assert crack["media"]["url"].startswith("https://upload.wikimedia.org/")
    assert "not found beside the file: /static/img/examples/houston/family.jpg (1 event)" \
        in report.media_left
    heritage, _ = front_matter(tmp_path / "1963-08-09-a-musical-heritage.md")
    assert "media" not in heritage
    assert heritage["extra"]["media"]["url"] == "/static/img/examples/houston/family.jpg"
    assert heritage["extra"]["media"]["caption"].startswith("Houston's mother and Gospel")
    assert heritage["extra"]["media"]["credit"].startswith("Cissy Houston photo:")


def test_what_chronoline_has_no_field_for_is_kept_in_extra(tmp_path):
    if not FIXTURES.is_dir():
        pytest.skip(MISSING)
    import_file(FIXTURES / "marktwain.json", tmp_path / "twain")
    overview, _ = front_matter(tmp_path / "twain" / "1908-05-13-samuel-langhorne-clemens-"
                               "november-30-1835-april-21-1910.md")
    assert overview["extra"]["type"] == "overview"
    assert overview["extra"]["media"]["thumbnail"].endswith("375px-Mark_Twain_Vanity_Fair_"
                                                            "1908-05-13.jpeg")
    hannibal, _ = front_matter(tmp_path / "twain" / "1920-01-05-hannibal-missouri.md")
    assert hannibal["extra"]["location"]["lat"] == 39.501711
    import_file(FIXTURES / "eras.json", tmp_path / "eras")
    war, _ = front_matter(tmp_path / "eras" / "0602-last-great-roman-persian-war.md")
    assert war["background"]["url"].endswith("HumiliationValerianusHolbein.jpg")
    assert war["extra"] == {"background": {"opacity": "50"}}
    import_file(FIXTURES / "all-media-types.json", tmp_path / "media")
    jpg, _ = front_matter(tmp_path / "media" / "1915-image-jpg.md")
    assert jpg["tags"] == ["Image"]
    assert jpg["extra"]["media"]["link_target"] == "images"


SHEET = ("Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,"
         "Media,Media Credit,Media Caption,Media Thumbnail,Type,Group,Background,Alt Text\n"
         ",,,,,,,,,My <b>title</b>,Intro,,,,,title,,,\n"
         "2018,7,19,2:30 PM,2018,7,19,16:05:09,,Board report,<p>One</p><p>Two</p>,"
         "//example.org/a.jpg,<i>Credit</i>,Cap,,,UK,#123456,A picture\n"
         "2018,7,,,,,,,Summer 2018,A month,,,,,,,,,\n"
         "12000,1,1,,,,,,,Far future,,,,,,,,,\n"
         "2019,2,30,,,,,,,No such day,,,,,,,,,\n")


def test_a_sheet_with_times_alt_text_and_display_dates(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET, encoding="utf-8")
    report = import_file(path, tmp_path / "events")
    assert (report.title, report.text) == ("My title", "Intro")
    assert [p.name for p in report.written] == ["2018-07-19-board-report.md", "2018-07-a-month.md",
                                                "12000-far-future.md"]
    board, body = front_matter(report.written[0])
    assert board == {"title": "Board report", "date": "2018-07-19T14:30",
                     "end": "2018-07-19T16:05:09", "tags": ["UK"],
                     "media": {"url": "https://example.org/a.jpg", "caption": "Cap",
                               "credit": "*Credit*", "alt": "A picture"},
                     "background": {"color": "#123456"}}
    assert body == "One\n\nTwo\n"
    month, _ = front_matter(report.written[1])
    assert month == {"title": "A month", "date": "2018-07", "display_date": "Summer 2018"}
    assert "'Far future' (12000): its month and day were left out: chronoline keeps the year " \
        "alone for a year before 1 or after 9998" in report.not_carried
    assert any("'No such day' (2019)" in line for line in report.not_carried)


def test_display_date_comes_from_the_slide_or_its_start_date(tmp_path):
    data = {"title": {"text": {"headline": "T"}}, "events": [
        {"start_date": {"year": 1990, "display_date": "Early 1990"},
         "text": {"headline": "From the date"}},
        {"start_date": {"year": "1991"}, "display_date": "<b>About</b> 1991",
         "text": {"headline": "From the slide"}, "unique_id": "Slide Two"}]}
    path = tmp_path / "timeline.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = import_file(path, tmp_path / "events")
    fields = [front_matter(p)[0] for p in report.written]
    assert fields == [{"title": "From the date", "date": "1990", "display_date": "Early 1990"},
                      {"title": "From the slide", "date": "1991", "display_date": "About 1991",
                       "slug": "slide-two"}]


def test_the_import_command(tmp_path):
    if not FIXTURES.is_dir():
        pytest.skip(MISSING)
    site = new_site(tmp_path / "site")
    result = subprocess.run([sys.executable, "-m", "generator", "import",
                             str(FIXTURES / "cosmo-mixed.json")], cwd=site, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Title slide (for title and description in chronoline.toml):")
    assert tomllib.loads(lines[1].strip() + "\n" + lines[2].strip())  # pastes into the settings
    assert any(line.startswith("wrote   content/events/") for line in lines)
    assert "wrote   content/events/300-bc-euclid-s-optica.md" in lines  # a year before 1
    assert lines[-1].startswith("Imported ")
    assert subprocess.run([sys.executable, "-m", "generator", "build"], cwd=site,
                          capture_output=True, timeout=120).returncode == 0


def test_ci_has_the_fixtures():
    """Elsewhere the fixture tests skip without shared/; CI must run them."""
    if os.environ.get("CI") == "true":
        assert FIXTURES.is_dir(), MISSING


def test_a_quotation_given_as_media_becomes_part_of_the_text(tmp_path):
    if not FIXTURES.is_dir():
        pytest.skip(MISSING)
    report = import_file(FIXTURES / "women_in_computing.json", tmp_path)
    (clarke,) = [p for p in report.written if "clarke" in p.name]
    _, body = front_matter(clarke)
    assert body.lstrip().startswith(">")
    assert not any("Clarke" in line and "not an http" in line for line in report.not_carried)
