"""Importing TimelineJS history: eras, years before 1, deep time and the cosmological scale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from generator.build import BuildOptions, build
from generator.config import load_config
from generator.importer import import_file
from generator.new import new_event

from conftest import read_html

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "timelinejs"
MISSING = f"the TimelineJS fixtures are not at {FIXTURES} (shared/ beside this clone)"


def new_site(root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "chronoline.toml").write_text('title = "Imported"\n', encoding="utf-8")
    return root


def front_matter(path: Path) -> tuple[dict, str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body.strip()


def write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def slide(year: object, headline: str, **date: object) -> dict:
    return {"start_date": {"year": year, **date}, "text": {"headline": headline}}


@pytest.mark.parametrize(("name", "events", "eras"), [
    ("cosmo.json", 7, 0), ("cosmo-mixed.json", 11, 0), ("eras.json", 20, 3)])
def test_deep_time_and_era_fixtures_import_whole_and_build(tmp_path, name, events, eras):
    if not FIXTURES.is_dir():
        pytest.skip(MISSING)
    site = new_site(tmp_path / "site-src")
    report = import_file(FIXTURES / name, site / "content" / "events")
    assert not [line for line in report.not_carried if ") was left out" in line], \
        report.not_carried
    kinds = [front_matter(path)[0].get("type", "event") for path in report.written]
    assert (kinds.count("event"), kinds.count("era")) == (events, eras)
    build(BuildOptions(root=site, output=site / "site"))
    pages = {path.parent.name for path in (site / "site" / "events").glob("*/index.html")}
    assert len(pages) == events
    exported = json.loads((site / "site" / "events.json").read_text(encoding="utf-8"))
    assert len(exported["eras"]) == eras


def test_cosmo_json_keeps_every_year_as_timelinejs_counts_it(tmp_path):
    if not FIXTURES.is_dir():
        pytest.skip(MISSING)
    report = import_file(FIXTURES / "cosmo.json", tmp_path)
    dates = sorted(front_matter(path)[0]["date"] for path in report.written)
    assert dates == [-13800000000, -13799630000, -12800000000, -4600000000, -538800000,
                     -315000, -3500]
    assert {path.name for path in report.written} >= {
        "13800000000-bc-the-big-bang.md", "3500-bc-oldest-known-depiction-of-a-wheeled-vehicle.md"}
    paleozoic = front_matter(tmp_path / "538800000-bc-paleozoic-era.md")[0]
    assert paleozoic["end"] == -251902000


def test_eras_json_eras_become_era_files(tmp_path):
    if not FIXTURES.is_dir():
        pytest.skip(MISSING)
    report = import_file(FIXTURES / "eras.json", tmp_path)
    era, body = front_matter(tmp_path / "0600-era-test-600-650.md")
    assert era == {"type": "era", "title": "Era Test 600-650", "date": "0600", "end": "0650"}
    assert body == ""
    assert "3 eras" in report.kept


def test_an_era_keeps_its_text_and_a_timeline_s_scale_is_read_without_a_note(tmp_path):
    data = {"scale": "cosmological", "events": [slide(-250, "Event")],
            "eras": [{"start_date": {"year": -300}, "end_date": {"year": -200},
                      "text": {"headline": "Hellenistic", "text": "<p>After <b>Alexander</b>"
                               "</p>"}}]}
    report = import_file(write(tmp_path, "t.json", data), tmp_path / "events")
    assert report.not_carried == ()
    era, body = front_matter(tmp_path / "events" / "300-bc-hellenistic.md")
    assert era == {"type": "era", "title": "Hellenistic", "date": -300, "end": -200}
    assert body == "After **Alexander**"


def test_an_era_without_an_end_is_left_out_with_the_reason(tmp_path):
    data = {"events": [slide(2000, "Event")],
            "eras": [{"start_date": {"year": 1990}, "text": {"headline": "Open era"}}]}
    report = import_file(write(tmp_path, "t.json", data), tmp_path / "events")
    assert report.not_carried == ("era 'Open era' (1990) was left out: an era needs an end "
                                  "date",)


def test_a_sheet_row_of_type_era_becomes_an_era_file(tmp_path):
    sheet = ("Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,"
             "Text,Media,Media Credit,Media Caption,Media Thumbnail,Type,Group,Background\n"
             "1337,5,24,,1453,10,19,,,Hundred Years' War,Between England and France,,,,,"
             "era,,\n"
             "1415,10,25,,,,,,,Agincourt,,,,,,,,\n")
    report = import_file(write(tmp_path, "sheet.csv", sheet), tmp_path / "events")
    assert report.not_carried == ()
    era, body = front_matter(tmp_path / "events" / "1337-05-24-hundred-years-war.md")
    assert era == {"type": "era", "title": "Hundred Years' War", "date": "1337-05-24",
                   "end": "1453-10-19"}
    assert body == "Between England and France"
    assert front_matter(tmp_path / "events" / "1415-10-25-agincourt.md")[0]["date"] == \
        "1415-10-25"


def test_a_timelinejs_2_era_becomes_an_era_file(tmp_path):
    data = {"timeline": {"headline": "Wars", "type": "default", "date": [
        {"startDate": "-218", "headline": "Hannibal crosses the Alps"}],
        "era": [{"startDate": "-264", "endDate": "-146", "headline": "Punic Wars",
                 "text": "<p>Rome against Carthage</p>", "tag": ""}]}}
    report = import_file(write(tmp_path, "t.json", data), tmp_path / "events")
    assert report.not_carried == ()
    era, body = front_matter(tmp_path / "events" / "264-bc-punic-wars.md")
    assert era == {"type": "era", "title": "Punic Wars", "date": -264, "end": -146}
    assert body == "Rome against Carthage"
    assert front_matter(tmp_path / "events" / "218-bc-hannibal-crosses-the-alps.md")[0] == {
        "title": "Hannibal crosses the Alps", "date": -218}


def test_year_zero_is_left_out_with_the_reason(tmp_path):
    data = {"events": [slide(0, "Year zero"), slide(1, "Year one")]}
    report = import_file(write(tmp_path, "t.json", data), tmp_path / "events")
    assert [path.name for path in report.written] == ["0001-year-one.md"]
    assert report.not_carried == ("'Year zero' (0) was left out: TimelineJS's year 0 is no "
                                  "year: 1 BC is followed by AD 1",)


def test_years_before_1_and_after_9998_keep_what_a_build_can_read(tmp_path):
    data = {"events": [
        slide(-250, "Year"), slide(-44, "Ides", month=3, day=15), slide(-44, "Month", month=3),
        slide(12000, "Far", month=2), slide(-44, "Timed", month=3, day=15, hour=11, minute=30),
        slide(-66000000, "Impact"), slide(-1, "One BC")]}
    report = import_file(write(tmp_path, "t.json", data), tmp_path / "events")
    got = {path.name: front_matter(path)[0]["date"] for path in report.written}
    assert got == {"250-bc-year.md": -250, "44-bc-ides.md": "15 March 44 BC",
                   "44-bc-month.md": "March 44 BC", "12000-far.md": 12000,
                   "44-bc-timed.md": "15 March 44 BC", "66000000-bc-impact.md": -66000000,
                   "1-bc-one-bc.md": -1}
    assert report.not_carried == (
        "'Far' (12000): its month was left out: chronoline keeps the year alone for a year "
        "before 1 or after 9998",
        "'Timed' (-44): its hour and minute were left out: chronoline keeps the day but no "
        "time for a year before 1 or after 9998")
    timed, _ = front_matter(tmp_path / "events" / "44-bc-timed.md")
    assert timed["extra"] == {"start_date": {"hour": 11, "minute": 30}}


def test_imported_years_before_1_are_shown_as_bc(tmp_path):
    site = new_site(tmp_path / "site-src")
    data = {"events": [slide(-250, "Year"), slide(-44, "Ides", month=3, day=15),
                       slide(-66000000, "Impact")]}
    import_file(write(tmp_path, "t.json", data), site / "content" / "events")
    build(BuildOptions(root=site, output=site / "site"))
    shown = {slug: read_html(site / "site" / "events" / slug / "index.html")
             .select_one("main .when").get_text(" ", strip=True)
             for slug in ("250-bc-year", "44-bc-ides", "66000000-bc-impact")}
    assert shown == {"250-bc-year": "250 BC", "44-bc-ides": "March 15, 44 BC",
                     "66000000-bc-impact": "66 million years ago"}


@pytest.mark.parametrize(("date", "name", "written"), [
    ("44 BC", "44-bc-a-date.md", "44 BC"), ("15 March 44 BC", "44-bc-a-date.md", "15 March 44 BC"),
    ("66 Ma", "66000000-bc-a-date.md", "66 Ma"), ("1990s", "1990s-a-date.md", "1990s"),
    ("19XX", "19xx-a-date.md", "19XX"), ("c. 1200", "1200-a-date.md", "c. 1200"),
    ("1984-06?", "1984-06-a-date.md", "1984-06?"), ("before 1500", "1500-a-date.md",
                                                    "before 1500"),
    ("2018-07-19", "2018-07-19-a-date.md", "2018-07-19")])
def test_new_names_a_file_by_any_date_and_writes_it_as_typed(make_site, date, name, written):
    root = make_site({})
    path = new_event(root, load_config(root), "A date", date)
    assert path.name == name
    assert front_matter(path)[0]["date"] == written
    build(BuildOptions(root=root))  # the site reads what `new` wrote
