"""The search index: Pagefind bundles of the event pages, made from the events, kept as build
outputs (kept when nothing changed, made again only for the bundle an edit touched, pruned
when stale), and the client of Pagefind's binary, bounded when the binary misbehaves."""

from __future__ import annotations

import base64
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import generator.search
from generator.build import BuildOptions, build
from generator.config import SiteConfig
from generator.errors import BuildFailed
from generator.search import (
    BUNDLES,
    SearchMemory,
    bucket_count,
    buckets,
    plain,
    record,
    search_files,
)
from generator.searchindex import IndexingStopped, Pagefind, Record, SearchIndexFailed, executable

from conftest import Running, build_site, event_file, read_html, site_files

SOURCE = ("sources:\n  - url: https://www.polarposten.example/2018/12/1234567\n"
          "    title: Keepers walk out\n    publisher: Polarposten")


def search_site(make_site, config: str = 'title = "T"\n', **more: str) -> Path:
    files = {
        "content/lighthouse.md": event_file("Lighthouse keepers strike", "2018-07-19",
                                            "The harbour was quiet all week.") + "",
        "content/ferry.md": event_file("Ferry timetable changes", "2018-08-02",
                                       "A new route to Svalbard opened."),
        "content/secret.md": event_file("A draft about icebergs", "2018-09-01",
                                        "Not yet.", draft="true"),
        **more}
    files["content/lighthouse.md"] = files["content/lighthouse.md"].replace(
        "---\nThe harbour", SOURCE + "\n---\nThe harbour")
    return make_site(files, config)


def fragments(output: Path) -> dict[str, dict]:
    """Each indexed page's URL → what Pagefind stored of it (its fragment)."""
    found = {}
    for path in (output / "pagefind").glob("*/fragment/*.pf_fragment"):
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[data["url"]] = data
    return found


def index_files(output: Path) -> set[str]:
    return {p.relative_to(output).as_posix() for p in (output / "pagefind").rglob("*")
            if p.is_file()}


def test_event_pages_alone_are_indexed_with_title_text_date_and_sources(make_site):
    root = search_site(make_site)
    build_site(root)
    found = fragments(root / "site")
    # Relative to the site's root (the browser joins it to wherever the site is served); no
    # year, tag or timeline page, and no draft.
    assert set(found) == {"events/lighthouse/", "events/ferry/"}
    lighthouse = found["events/lighthouse/"]
    assert lighthouse["meta"] == {"title": "Lighthouse keepers strike", "date": "July 19, 2018"}
    for words in ("Lighthouse keepers strike", "harbour was quiet", "July 19, 2018",
                  "Keepers walk out", "Polarposten", "www.polarposten.example"):
        assert words in lighthouse["content"]
    assert "1234567" not in lighthouse["content"]  # a path's numbers find nothing
    assert json.loads((root / "site" / BUNDLES).read_bytes()) == {"bundles": ["00"]}
    manifest = (root / "site" / ".chronoline-files").read_text(encoding="utf-8").split()
    assert index_files(root / "site") <= set(manifest)  # known outputs, pruned when stale


def test_drafts_are_indexed_only_in_a_build_with_drafts(make_site):
    root = search_site(make_site)
    build_site(root, drafts=True)
    assert "events/secret/" in fragments(root / "site")


def test_the_box_and_its_script_are_on_every_page(make_site):
    root = search_site(make_site, 'title = "T"\nbase_url = "https://user.github.io/REPO/"\n')
    build_site(root)
    for path in ("index.html", "2018/index.html", "events/ferry/index.html", "404.html"):
        soup = read_html(root / "site" / path)
        box = soup.select_one("header.site-header search.site-search")
        assert box is not None and box.has_attr("hidden"), path  # shown by its script alone
        assert box.select_one("input#site-search-input[type=search]") is not None
        assert box.select_one("label[for=site-search-input]").get_text() == "Search"
        assert box.select_one("[role=status]") is not None
        assert box["data-root"] + "assets/search.js" in [
            s["src"] for s in soup.select("script[src]")]
    assert read_html(root / "site/events/ferry/index.html").select_one(
        "search")["data-root"] == "../../"
    assert read_html(root / "site/404.html").select_one("search")["data-root"] == "/REPO/"


def test_search_false_leaves_out_the_box_the_script_and_the_index(make_site):
    root = search_site(make_site, 'title = "T"\nsearch = false\n')
    build_site(root)
    soup = read_html(root / "site/index.html")
    assert soup.select("search, #site-search-input, script[src$='search.js']") == []
    assert not (root / "site/pagefind").exists()
    assert not (root / "site/assets/search.js").exists()


def test_turning_search_off_removes_the_index_a_build_made(make_site):
    root = search_site(make_site)
    build_site(root)
    assert (root / "site" / BUNDLES).exists()
    (root / "chronoline.toml").write_text('title = "T"\nsearch = false\n', encoding="utf-8")
    build_site(root)
    assert not (root / "site/pagefind").exists()
    assert not (root / "site/assets/search.js").exists()


class Counted:
    """Pagefind, counting the bundles it makes and the records in each."""

    def __init__(self, monkeypatch) -> None:
        self.bundles: list[list[str]] = []
        real = Pagefind.bundle

        def bundle(pagefind, records, language):
            records = list(records)
            made = real(pagefind, records, language)
            self.bundles.append(sorted(r.url for r in records))  # once made
            return made

        monkeypatch.setattr(Pagefind, "bundle", bundle)


def test_a_build_with_nothing_changed_does_not_index_again(make_site, monkeypatch):
    root = search_site(make_site)
    counted = Counted(monkeypatch)
    build_site(root)
    assert counted.bundles == [["events/ferry/", "events/lighthouse/"]]
    before = site_files(root / "site")
    report = build_site(root)
    assert (report.written, report.removed) == (0, 0)
    # A file of content/ that is not an event changes the site but not its events: the
    # build renders, and the index it finds in the output folder is kept as it is.
    (root / "content/map.txt").write_text("a map", encoding="utf-8")
    build_site(root)
    assert counted.bundles == [["events/ferry/", "events/lighthouse/"]]
    after = site_files(root / "site")
    assert {p: after[p] for p in before if p.startswith("pagefind/")} == {
        p: v for p, v in before.items() if p.startswith("pagefind/")}


def test_an_edit_indexes_only_the_bundle_of_the_event_edited(make_site, monkeypatch):
    monkeypatch.setattr(generator.search, "EVENTS_PER_BUCKET", 1)
    many = {f"content/e{n}.md": event_file(f"Event number {n}", f"2018-07-{n + 1:02d}",
                                           f"Words of event {n}.") for n in range(12)}
    root = make_site(many)
    counted = Counted(monkeypatch)
    build_site(root)
    output = root / "site"
    folders = json.loads((output / BUNDLES).read_bytes())["bundles"]
    assert len(folders) > 4 and len(counted.bundles) == len(folders)
    before = site_files(output)
    edited = root / "content/e5.md"
    edited.write_text(event_file("Event number 5", "2018-07-06", "Zanzibar now."),
                      encoding="utf-8")
    counted.bundles.clear()
    build_site(root)
    assert len(counted.bundles) == 1 and "events/e5/" in counted.bundles[0]
    assert "Zanzibar" in fragments(output)["events/e5/"]["content"]
    after = site_files(output)
    touched = {p.split("/")[1] for p in set(before) ^ set(after) if p.startswith("pagefind/")}
    touched |= {p.split("/")[1] for p in before.keys() & after.keys()
                if p.startswith("pagefind/") and before[p] != after[p]}
    assert len(touched) == 1  # the other bundles' files keep their inode and time
    # The old fragment of the event is gone: what the folder holds is what the build made.
    manifest = set((output / ".chronoline-files").read_text(encoding="utf-8").split())
    assert index_files(output) <= manifest
    assert len(fragments(output)) == 12


def test_an_event_removed_leaves_the_index(make_site):
    root = search_site(make_site)
    build_site(root)
    (root / "content/ferry.md").unlink()
    build_site(root)
    assert set(fragments(root / "site")) == {"events/lighthouse/"}
    manifest = set((root / "site/.chronoline-files").read_text(encoding="utf-8").split())
    assert index_files(root / "site") <= manifest


def test_a_site_without_events_has_an_empty_list_of_bundles(make_site):
    root = make_site({"content/notes.txt": "not an event"})
    build_site(root)
    assert json.loads((root / "site" / BUNDLES).read_bytes()) == {"bundles": []}


def test_a_file_of_content_cannot_take_the_place_of_the_index(make_site):
    root = search_site(make_site, **{"content/pagefind/bundles.json": "{}"})
    with pytest.raises(BuildFailed) as failed:
        build_site(root)
    assert [str(e) for e in failed.value.errors] == [
        "content/pagefind/bundles.json: would overwrite the generated pagefind/bundles.json; "
        "rename or move it"]


def test_buckets_are_stable_and_split_in_two_as_the_site_grows():
    assert [bucket_count(n) for n in (0, 1, 400, 401, 800, 801, 10_000)] == [1, 1, 1, 2, 2, 4,
                                                                              32]
    assert bucket_count(10**7) == 256


def test_an_event_stays_in_its_bucket_as_others_come(make_site):
    files = {f"content/e{n}.md": event_file(f"E {n}", "2018-07-01") for n in range(900)}
    root = make_site(files)
    from generator.build import Builder

    _config, _sources, timeline = Builder(BuildOptions(root=root, jobs=1)).read()
    events = timeline.events
    where = {e.slug: folder for folder, group in buckets(events[:850]).items() for e in group}
    again = {e.slug: folder for folder, group in buckets(events).items() for e in group}
    assert all(again[slug] == folder for slug, folder in where.items())


def test_text_is_taken_from_the_rendered_html():
    assert plain("<p>Fish &amp; chips,\n<em>hot</em></p><ul><li>one</li></ul>") == \
        "Fish & chips, hot one"


def test_a_summary_of_its_own_is_searchable_once():
    config = SiteConfig()
    own = _event("Title", "<p>Body words.</p>", "Own summary")
    assert record(own, config).content.count("Own summary") == 1
    same = _event("Title", "<p>Body words.</p>", "Body words.")
    assert record(same, config).content.count("Body words.") == 1


def _event(title: str, body_html: str, summary_html: str):
    import datetime as dt

    from generator.dates import PartialDate
    from generator.model import Event

    return Event("content/x.md", "x", title, PartialDate(2018, 7, 19), None, summary_html,
                 body_html, (), (), dt.datetime(2018, 7, 19, tzinfo=dt.UTC), 2018)


def test_build_reports_a_pagefind_failure_in_one_line(make_site, tmp_path, monkeypatch):
    root = search_site(make_site)
    binary = fake_binary(tmp_path, "import sys; sys.stderr.write('no index today\\n'); "
                                   "sys.exit(3)")
    monkeypatch.setattr("generator.searchindex.executable", lambda: binary)
    with pytest.raises(SearchIndexFailed) as failed:
        build(BuildOptions(root=root))
    assert str(failed.value) == ("search: Pagefind stopped unexpectedly (exit status 3): "
                                 "no index today")
    assert not (root / "site/index.html").exists()  # a failed build leaves the output as it was


def test_the_command_says_so_when_pagefind_is_missing(make_site, tmp_path):
    root = search_site(make_site)
    # pagefind_bin made unimportable for the command alone.
    (tmp_path / "hide").mkdir()
    (tmp_path / "hide/pagefind_bin.py").write_text("raise ImportError('gone')\n")
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--source", str(root)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(tmp_path / "hide")})
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "chronoline build: search: Pagefind's binary is missing (gone); install it with "
        "pip install "
        "'pagefind-bin>=1.5.2,<1.6', or set search = false")


def fake_binary(folder: Path, program: str) -> Path:
    """An executable that runs `program` in Python in place of Pagefind."""
    path = folder / "fake-pagefind"
    path.write_text(f"#!{sys.executable}\n{program}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def answer(message_id: int, payload: dict) -> str:
    data = json.dumps({"message_id": message_id, "payload": payload}).encode()
    return base64.b64encode(data).decode() + ","


def test_an_error_answer_is_raised_with_its_message(tmp_path):
    binary = fake_binary(tmp_path, (
        "import sys\n"
        f"sys.stdout.write({answer(1, {'type': 'Error', 'message': 'bad config', 'original_message': 'no such language'})!r})\n"  # noqa: E501
        "sys.stdout.flush()\nsys.stdin.read()"))
    with Pagefind(binary) as pagefind, pytest.raises(SearchIndexFailed) as failed:
        pagefind.bundle([Record("events/a/", "words")], "en")
    assert str(failed.value) == "search: Pagefind failed: bad config: no such language"


def test_a_binary_that_never_answers_is_stopped_after_the_timeout(tmp_path):
    binary = fake_binary(tmp_path, "import time\ntime.sleep(600)")
    pagefind = Pagefind(binary, timeout=1)
    with pytest.raises(SearchIndexFailed) as failed:
        pagefind.bundle([Record("events/a/", "words")], "en")
    pagefind.close()
    assert str(failed.value) == "search: Pagefind did not answer within 1 s, and was stopped"
    assert pagefind._process.returncode is not None  # reaped


def test_a_binary_that_stops_reading_is_stopped_after_the_timeout(tmp_path):
    # It neither reads nor answers: the records fill the pipe, and the write itself waits.
    binary = fake_binary(tmp_path, "import time\ntime.sleep(600)")
    with Pagefind(binary, timeout=1) as pagefind, pytest.raises(SearchIndexFailed):
        pagefind.bundle([Record(f"events/{n}/", "word " * 2000) for n in range(100)], "en")
    assert pagefind._process.returncode is not None


def test_a_missing_binary_is_a_clear_error(monkeypatch):
    def gone(name):
        raise ImportError(f"No module named {name!r}")

    monkeypatch.setattr("importlib.import_module", gone)
    with pytest.raises(SearchIndexFailed) as failed:
        executable()
    assert str(failed.value) == (
        "search: Pagefind's binary is missing (No module named 'pagefind_bin'); install it "
        "with pip install 'pagefind-bin>=1.5.2,<1.6', or set search = false")


def test_the_real_binary_makes_a_bundle_in_memory():
    with Pagefind() as pagefind:
        files = pagefind.bundle([Record("events/a/", "Fjord ferries", {"title": "A"})], "en")
        again = pagefind.bundle([Record("events/b/", "Glaciers", {"title": "B"})], "en")
    assert {"pagefind.js", "pagefind-entry.json", "wasm.en.pagefind"} <= set(files)
    assert any(path.startswith("fragment/") for path in again)
    assert pagefind._process.returncode == 0


def test_check_does_not_index(make_site, monkeypatch):
    from generator.check import check

    root = search_site(make_site)
    counted = Counted(monkeypatch)
    assert check(BuildOptions(root=root)).errors == ()
    assert counted.bundles == []


def test_pagefind_asked_to_stop_is_ended_at_once(tmp_path):
    binary = fake_binary(tmp_path, "import time\ntime.sleep(600)")
    asked = []
    pagefind = Pagefind(binary, stop=lambda: bool(asked.append(1)) or len(asked) > 3)
    with pytest.raises(IndexingStopped):
        pagefind.bundle([Record("events/a/", "words")], "en")
    pagefind.close()
    assert pagefind._process.returncode is not None


def test_stopped_bundles_go_on_from_where_they_stopped(make_site, monkeypatch):
    monkeypatch.setattr(generator.search, "EVENTS_PER_BUCKET", 1)
    root = make_site({f"content/e{n}.md": event_file(f"E {n}", f"2018-07-{n + 1:02d}")
                      for n in range(6)})
    from generator.build import Builder

    _config, _sources, timeline = Builder(BuildOptions(root=root, jobs=1)).read()
    counted = Counted(monkeypatch)
    memory = SearchMemory()
    memory.stop = lambda: len(counted.bundles) >= 2  # an edit comes after two bundles
    first = dict(search_files(timeline.events, SiteConfig(), memory))
    assert len(counted.bundles) == 2
    memory.stop = lambda: False
    second = dict(search_files(timeline.events, SiteConfig(), memory))
    folders = json.loads(second[BUNDLES])["bundles"]
    assert len(counted.bundles) == len(folders)  # the two made are not made again
    assert first.keys() < second.keys()


def test_serve_reloads_while_pagefind_is_still_indexing(make_site, monkeypatch, tmp_path):
    # A Pagefind that never answers: the index is never done, and every edit is still served
    # at once (the index stops, and starts again once the edits pause).
    started = tmp_path / "started"  # a line for each Pagefind started
    binary = fake_binary(tmp_path, f"import time\nopen({str(started)!r}, 'a').write('.\\n')\n"
                                   "time.sleep(600)")
    monkeypatch.setattr("generator.searchindex.executable", lambda: binary)
    monkeypatch.setattr("generator.searchindex.TIMEOUT_SECONDS", 25)  # a failure, not a hang
    root = search_site(make_site)
    with Running(root) as running:
        for number in range(3):
            # Saved while Pagefind is indexing: the index stops, the pages come at once.
            wait_until(lambda: started.exists() and  # noqa: B023 - called in this turn
                       len(started.read_text().split()) > number)  # noqa: B023
            after = len(running.lines)
            (root / "content/ferry.md").write_text(
                event_file(f"Ferry {number}", "2018-08-02"), encoding="utf-8")
            running.wait_for_line("ferry.md changed", after=after, timeout=15)
            page = (running.dev.folder / "events/ferry/index.html").read_text(encoding="utf-8")
            assert f"Ferry {number}" in page


def wait_until(condition, timeout: float = 20) -> None:
    """Wait for `condition` to hold, looking every few milliseconds; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.01)


def test_a_dev_servers_pagefind_runs_at_a_lower_priority():
    """serve indexes while the author edits: Pagefind must leave the cores to the pages."""
    if not hasattr(os, "getpriority"):
        pytest.skip("this system has no process priorities")
    own = os.getpriority(os.PRIO_PROCESS, 0)
    with Pagefind() as build, Pagefind(background=True) as serve:
        assert os.getpriority(os.PRIO_PROCESS, build._process.pid) == own
        assert os.getpriority(os.PRIO_PROCESS, serve._process.pid) == min(own + 10, 19)


def test_a_file_of_content_inside_the_index_folder_is_refused_unless_search_is_off(make_site):
    # The index fills pagefind/ alone: a file there would be overwritten, or lie beside a
    # bundle as if it were one of its files.
    extra = {"content/pagefind/00/pagefind.js": "x", "content/pagefind/notes.txt": "x",
             "content/pagefind/bundles.json": "{}"}
    root = search_site(make_site, **extra)
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(root=root))
    assert sorted(str(error) for error in failed.value.errors) == [
        "content/pagefind/00/pagefind.js: would be written inside the generated folder "
        "pagefind/; rename or move it",
        "content/pagefind/bundles.json: would overwrite the generated pagefind/bundles.json; "
        "rename or move it",
        "content/pagefind/notes.txt: would be written inside the generated folder pagefind/; "
        "rename or move it"]
    assert not (root / "site").exists()
    (root / "chronoline.toml").write_text('title = "T"\nsearch = false\n', encoding="utf-8")
    build_site(root)
    assert (root / "site/pagefind/notes.txt").read_text(encoding="utf-8") == "x"
