"""Publication dates, corrections and updates from the git history of each event file, on
temporary repositories with fixed commit dates (never the user's git settings)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from generator.build import BuildOptions, build

from conftest import build_site, event_file, read_html

SOURCED = "sources:\n  - url: https://example.org/s\n    title: S\n    publisher: P"


def git_env(home: Path, date: str = "2020-01-01T12:00:00+00:00") -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    env.update({"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_DATE": date,
                "GIT_COMMITTER_DATE": date, "LC_ALL": "C"})
    return env


class Repo:
    """A site folder that is a git repository of its own."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root, self.home = root, home
        self.git("init", "-q")

    def git(self, *args: str, date: str = "2020-01-01T12:00:00+00:00") -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=Test Desk", "-c", "user.email=desk@example.org",
             "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
            cwd=self.root, env=git_env(self.home, date), capture_output=True, text=True,
            check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def write(self, path: str, text: str) -> None:
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        (self.root / path).write_text(text, encoding="utf-8")

    def commit(self, message: str, date: str, *paths: str) -> str:
        self.git("add", "-A", *paths)
        self.git("commit", "-q", "-m", message, date=date)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def repo(make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    return new_repo(make_site, tmp_path, monkeypatch)


def new_repo(make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """An empty site in a repository; HOME is a folder of the test's, so that neither the
    test's git nor chronoline's reads the user's settings."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = make_site({}, 'title = "History"\nbase_url = "https://example.org/h/"\n')
    (root / "content").mkdir(exist_ok=True)
    (root / ".gitignore").write_text("site/\n.chronoline-cache/\n", encoding="utf-8")
    return Repo(root, home)


def event(title: str, date: str, body: str = "Body text.") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{SOURCED}\n---\n{body}\n"


def jsonld(page) -> dict:
    return json.loads(page.find("script", type="application/ld+json").string)


def history_of(page) -> tuple[str, str | None]:
    """The datetime of "First published" and of "Last updated" on an event page."""
    shown = page.select_one(".event-history .published")
    times = shown.find_all("time")
    assert shown.get_text(" ", strip=True).startswith("First published")
    return times[0]["datetime"], times[1]["datetime"] if len(times) > 1 else None


def test_event_page_shows_first_published_and_last_updated(repo: Repo) -> None:
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.write("content/b.md", event("B", "2018-08-01"))
    repo.commit("First events", "2020-01-02T10:00:00+00:00")
    repo.write("content/a.md", event("A", "2018-07-19", "Body text, more of it."))
    repo.commit("More on A", "2020-03-04T23:30:00-02:00")  # 5 March in UTC
    build_site(repo.root)
    site = repo.root / "site"
    a, b = (read_html(site / "events" / slug / "index.html") for slug in "ab")
    assert history_of(a) == ("2020-01-02", "2020-03-05")
    assert "Last updated" in a.select_one(".event-history").get_text()
    assert history_of(b) == ("2020-01-02", None)
    assert jsonld(a)["datePublished"] == "2020-01-02T10:00:00+00:00"
    assert jsonld(a)["dateModified"] == "2020-03-04T23:30:00-02:00"
    assert jsonld(b)["dateModified"] == jsonld(b)["datePublished"]
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    entries = {entry.title: entry for entry in feed.entries}
    assert entries["A"].published == "2020-01-02T10:00:00+00:00"
    assert entries["A"].updated == "2020-03-04T23:30:00-02:00"
    assert entries["B"].updated == "2020-01-02T10:00:00+00:00"
    assert feed.feed.updated == "2020-03-04T23:30:00-02:00"
    items = {item["title"]: item for item in
             json.loads((site / "feed.json").read_text(encoding="utf-8"))["items"]}
    assert items["A"]["date_published"] == "2020-01-02T10:00:00+00:00"
    assert items["A"]["date_modified"] == "2020-03-04T23:30:00-02:00"
    records = {record["slug"]: record for record in
               json.loads((site / "events.json").read_text(encoding="utf-8"))["events"]}
    assert records["a"]["history"] == {
        "first_published": "2020-01-02T10:00:00+00:00",
        "last_updated": "2020-03-04T23:30:00-02:00", "corrections": [], "updates": []}
    assert records["b"]["history"]["last_updated"] is None


def test_a_renamed_file_keeps_the_date_it_was_first_published(repo: Repo) -> None:
    repo.write("content/old-name.md", event("Moved", "2018-07-19"))
    repo.commit("Add", "2019-05-06T08:00:00+00:00")
    (repo.root / "content" / "2018").mkdir()
    repo.git("mv", "content/old-name.md", "content/2018/moved.md")
    repo.commit("Sort into years", "2020-01-01T08:00:00+00:00")
    build_site(repo.root)
    page = read_html(repo.root / "site" / "events" / "moved" / "index.html")
    # Moved as it was: the same text, so no update either.
    assert history_of(page) == ("2019-05-06", None)
    text = (repo.root / "content/2018/moved.md").read_text(encoding="utf-8")
    repo.git("mv", "content/2018/moved.md", "content/2018/moved-again.md")
    repo.write("content/2018/moved-again.md", text.replace("Body text.", "Body text, now more."))
    repo.commit("Move and add", "2021-01-01T08:00:00+00:00")
    build_site(repo.root)
    page = read_html(repo.root / "site" / "events" / "moved-again" / "index.html")
    assert history_of(page) == ("2019-05-06", "2021-01-01")


def test_corrections_and_updates_are_listed_newest_first(repo: Repo) -> None:
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.commit("Add A", "2020-01-01T10:00:00+00:00")
    repo.write("content/a.md", event("A", "2018-07-20"))
    repo.commit("Fix the date of A\n\nThe report came out a day later.\n\n"
                "Correction: The report came out on 20 July, not 19 July.\n"
                "Signed-off-by: Test Desk <desk@example.org>", "2020-02-01T10:00:00+00:00")
    repo.write("content/a.md", event("A", "2018-07-20", "More."))
    repo.commit("Add the reply\n\nUpdate: Added the company's reply,\n  sent a day later.",
                "2020-03-01T10:00:00+00:00")
    repo.write("content/a.md", event("A", "2018-07-20", "More, and a name."))
    # Not in the last paragraph: git does not read it as a trailer, nor does chronoline.
    repo.commit("Spell a name\n\nCorrection: not a trailer here\n\nThe last paragraph.",
                "2020-04-01T10:00:00+00:00")
    repo.write("content/a.md", event("A", "2018-07-20", "More, and the right name."))
    repo.commit("Fix a name\n\nCorrection: The minister's name was misspelled.",
                "2020-05-01T10:00:00+00:00")
    build_site(repo.root)
    page = read_html(repo.root / "site" / "events" / "a" / "index.html")
    corrections = page.select(".event-history ul.corrections li")
    assert [item.get_text(" ", strip=True) for item in corrections] == [
        "May 1, 2020 : The minister's name was misspelled.",
        "February 1, 2020 : The report came out on 20 July, not 19 July."]
    assert [item.time["datetime"] for item in corrections] == ["2020-05-01", "2020-02-01"]
    updates = page.select(".event-history ul.updates li")
    assert [item.get_text(" ", strip=True) for item in updates] == [
        "March 1, 2020 : Added the company's reply, sent a day later."]
    assert page.find("h2", id="corrections-heading").get_text() == "Corrections"
    records = json.loads((repo.root / "site" / "events.json").read_text(encoding="utf-8"))
    history = records["events"][0]["history"]
    assert [c["text"] for c in history["corrections"]] == [
        "The minister's name was misspelled.",
        "The report came out on 20 July, not 19 July."]
    assert history["updates"][0]["date"] == "2020-03-01T10:00:00+00:00"


def test_the_corrections_page_lists_every_change_with_its_feed(repo: Repo) -> None:
    repo.write("content/a.md", event("Alpha", "2018-07-19"))
    repo.write("content/b.md", event("Beta", "2018-08-19"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    build_site(repo.root)
    site = repo.root / "site"
    assert not (site / "corrections").exists()  # none yet: no page, no feed, no link
    assert read_html(site / "index.html").find("a", string="Corrections and updates") is None
    repo.write("content/a.md", event("Alpha", "2018-07-20"))
    repo.commit("Fix\n\nCorrection: Alpha was on the 20th.", "2020-02-01T10:00:00+00:00")
    repo.write("content/b.md", event("Beta", "2018-08-19", "Later news."))
    repo.commit("Add news\n\nUpdate: Beta's outcome.", "2020-03-01T10:00:00+00:00")
    build_site(repo.root)
    page = read_html(site / "corrections" / "index.html")
    items = page.select("ol.changes-list li")
    assert [item.select_one(".change-head").get_text(" ", strip=True) for item in items] == [
        "March 1, 2020 · Update · Beta", "February 1, 2020 · Correction · Alpha"]
    assert [item.a["href"] for item in items] == ["../events/b/index.html",
                                                 "../events/a/index.html"]
    assert (site / "events" / "b" / "index.html").is_file()
    footer = read_html(site / "index.html").find("footer")
    assert footer.find("a", string="Corrections and updates")["href"] == (
        "corrections/index.html")
    feed = feedparser.parse((site / "corrections" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Update: Beta", "Correction: Alpha"]
    assert [entry.link for entry in feed.entries] == ["https://example.org/h/events/b/",
                                                     "https://example.org/h/events/a/"]
    assert feed.entries[1].summary == "Alpha was on the 20th."
    assert feed.entries[1].updated == "2020-02-01T10:00:00+00:00"
    assert len({entry.id for entry in feed.entries}) == 2
    assert feed.feed.updated == "2020-03-01T10:00:00+00:00"
    assert "https://example.org/h/corrections/" in (site / "sitemap.xml").read_text(
        encoding="utf-8")


def test_an_uncommitted_event_shows_no_dates(repo: Repo) -> None:
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    repo.write("content/new.md", event("New", "2018-07-20"))
    build_site(repo.root)
    page = read_html(repo.root / "site" / "events" / "new" / "index.html")
    assert page.select_one(".event-history") is None
    assert "datePublished" not in jsonld(page)
    assert read_html(repo.root / "site" / "events" / "a" / "index.html").select_one(
        ".event-history") is not None


def test_a_shallow_clone_is_warned_of(repo: Repo, tmp_path: Path) -> None:
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    repo.write("content/a.md", event("A", "2018-07-20"))
    repo.commit("Fix\n\nCorrection: the date.", "2020-02-01T10:00:00+00:00")
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone))
    report = build(BuildOptions(root=clone))
    shallow = [w for w in report.warnings if "shallow clone" in w]
    assert shallow == [
        "git history: this is a shallow clone (only the last commits), so the dates events "
        "were first published and updated may be wrong; fetch the whole history with "
        "`git fetch --unshallow`, or `fetch-depth: 0` in GitHub Actions"]
    assert not [w for w in build(BuildOptions(root=repo.root)).warnings if "shallow" in w]


def test_without_git_the_site_builds_without_history(
        repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    bare = tmp_path / "bin"  # a PATH with no git on it
    bare.mkdir()
    monkeypatch.setenv("PATH", str(bare))
    with caplog.at_level("INFO", logger="generator.history"):
        report = build(BuildOptions(root=repo.root))
    assert report.events == 1 and report.warnings == ()
    page = read_html(repo.root / "site" / "events" / "a" / "index.html")
    assert page.select_one(".event-history") is None
    said = [r.getMessage() for r in caplog.records if r.name == "generator.history"]
    assert len(said) == 1
    assert said[0].startswith("git history is off: git could not be run")


def test_outside_a_repository_the_history_is_off(make_site, tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    root = make_site({"content/a.md": event_file("A")})
    with caplog.at_level("INFO", logger="generator.history"):
        report = build(BuildOptions(root=root))
    assert report.warnings == ("base_url is not set, so feed.xml, feed.json, sitemap.xml, "
                               "robots.txt and canonical links are left out; set it to the "
                               "site's public address",)
    assert read_html(root / "site" / "events" / "a" / "index.html").select_one(
        ".event-history") is None
    said = [r.getMessage() for r in caplog.records if r.name == "generator.history"]
    assert len(said) == 1 and said[0].startswith("git history is off: not a git repository")


def test_history_false_turns_it_off(repo: Repo, caplog: pytest.LogCaptureFixture) -> None:
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    repo.write("content/a.md", event("A", "2018-07-20"))
    repo.commit("Fix\n\nCorrection: the date.", "2020-02-01T10:00:00+00:00")
    config = repo.root / "chronoline.toml"
    config.write_text(config.read_text(encoding="utf-8") + "history = false\n",
                      encoding="utf-8")
    with caplog.at_level("INFO", logger="generator.history"):
        build_site(repo.root)
    site = repo.root / "site"
    assert read_html(site / "events" / "a" / "index.html").select_one(".event-history") is None
    assert not (site / "corrections").exists()
    assert "history" not in json.loads((site / "events.json").read_text(
        encoding="utf-8"))["events"][0]
    assert [r.getMessage() for r in caplog.records if r.name == "generator.history"] == [
        "git history is off (history = false): event pages show no publication dates or "
        "corrections"]


def test_history_must_be_true_or_false(make_site) -> None:
    root = make_site({"content/a.md": event_file("A")}, 'history = "no"\n')
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--source", str(root)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "chronoline.toml:1: history: must be true or false, not 'no'")


def test_settings_from_the_environment_cannot_point_git_elsewhere(
        repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    (tmp_path / "other").mkdir()
    other = Repo(tmp_path / "other", repo.home)
    other.write("content/a.md", event("A", "2018-07-19"))
    other.commit("Elsewhere", "1999-01-01T10:00:00+00:00")
    marker = tmp_path / "ran"
    monkeypatch.setenv("GIT_DIR", str(other.root / ".git"))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", f"'core.pager'='touch {marker}'")
    monkeypatch.setenv("GIT_EXTERNAL_DIFF", f"touch {marker}")
    build_site(repo.root)
    page = read_html(repo.root / "site" / "events" / "a" / "index.html")
    assert history_of(page) == ("2020-01-01", None)
    assert not marker.exists()


def test_the_history_reads_in_the_sites_language(repo: Repo) -> None:
    config = repo.root / "chronoline.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'language = "nl"\n',
                      encoding="utf-8")
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.commit("Add", "2020-01-02T10:00:00+00:00")
    repo.write("content/a.md", event("A", "2018-07-20"))
    repo.commit("Fix\n\nCorrection: De datum was 20 juli.", "2020-03-04T10:00:00+00:00")
    build_site(repo.root)
    page = read_html(repo.root / "site" / "events" / "a" / "index.html")
    assert page.select_one(".event-history .published").get_text(" ", strip=True) == (
        "Eerst gepubliceerd 2 januari 2020 · Laatst bijgewerkt 4 maart 2020")
    assert page.find("h2", id="corrections-heading").get_text() == "Correcties"
    index = read_html(repo.root / "site" / "index.html")
    assert index.find("footer").find("a").get_text() == "Correcties en aanvullingen"
