"""Year pages for every era: a year before 1 has its own page (`44-bc/`), deep time is listed by
bands of ages (`10ma/`), and years 1 to 9999 keep their URLs."""

from __future__ import annotations

from bs4 import BeautifulSoup

from generator.build import BuildOptions, build

from conftest import event_file


def test_years_before_one_and_deep_time_get_pages_named_as_readers_say_them(make_site,
                                                                            tmp_path):
    root = make_site({
        "content/ides.md": event_file("Caesar is killed", "15 March 44 BC"),
        "content/kpg.md": event_file("The dinosaurs die out", "66 Ma"),
        "content/chicxulub.md": event_file("Another in the same band", "35 Ma"),
        "content/report.md": event_file("The report", "2018-07-19"),
    })
    output = tmp_path / "out"
    build(BuildOptions(root=root, output=output, jobs=1))
    pages = {path.parent.name for path in output.glob("*/index.html")}
    assert {"44-bc", "10ma", "2018"} <= pages
    assert not any(name.startswith("-") for name in pages)

    def read(path: str) -> BeautifulSoup:
        return BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")

    assert read("44-bc/index.html").title.get_text().startswith("44 BC · ")
    band = read("10ma/index.html")
    assert band.title.get_text().startswith("10 million–100 million years ago · ")
    assert [a.get_text() for a in band.select("article.event .event-title a")] == [
        "The dinosaurs die out", "Another in the same band"]
    timeline = read("index.html")
    headings = {a.get_text(): a["href"] for a in timeline.select("h2.year-heading a")}
    assert headings == {"10 million–100 million years ago": "10ma/index.html",
                        "44 BC": "44-bc/index.html", "2018": "2018/index.html"}
    nav = [a.get_text() for a in read("2018/index.html").select("nav.years a")]
    assert nav == ["10 million–100 million years ago", "44 BC", "2018"]
