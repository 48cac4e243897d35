"""init, new and check, as an author runs them."""

from __future__ import annotations

import datetime as dt
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.config import load_config
from generator.content import parse_event
from generator.errors import ContentError, ContentErrors
from generator.markup import make_markdown
from generator.new import NewEventError, new_event
from generator.scaffold import InstallStep, workflow_text

from conftest import event_file, read_html


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def test_init_makes_a_site_that_builds_at_once(tmp_path):
    result = run("init", "timeline", "--title", "Mijn tijdlijn", "--language", "nl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "timeline"
    for name in ("chronoline.toml", "layouts/README.md", ".gitignore",
                 ".github/workflows/pages.yml"):
        assert (site / name).is_file(), name
    assert (site / ".gitignore").read_text() == "site/\n.chronoline-cache/\n"
    assert len(list((site / "content" / "events").glob("*.md"))) == 1
    built = run("build", cwd=site)
    assert built.returncode == 0, built.stderr
    index = read_html(site / "site" / "index.html")
    assert index.html["lang"] == "nl" and index.h1.get_text() == "Mijn tijdlijn"
    assert index.select_one(".site-nav").get_text(" ", strip=True) == "Tijdlijn Labels"


def test_init_refuses_a_folder_with_files_and_never_overwrites(tmp_path):
    site = tmp_path / "mine"
    site.mkdir()
    (site / "chronoline.toml").write_text('title = "My own"\n', encoding="utf-8")
    result = run("init", "mine", cwd=tmp_path)
    assert result.returncode == 1
    assert "is not empty" in result.stderr and "--force" in result.stderr
    forced = run("init", "mine", "--force", cwd=tmp_path)
    assert forced.returncode == 0
    assert (site / "chronoline.toml").read_text(encoding="utf-8") == 'title = "My own"\n'
    assert "kept  mine/chronoline.toml (it exists already)" in forced.stdout
    assert (site / ".github" / "workflows" / "pages.yml").is_file()


def test_init_writes_the_same_workflow_as_this_repository_but_for_the_install_line():
    repo = Path(__file__).resolve().parents[1]
    ours = (repo / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    assert workflow_text(InstallStep("pip install .")) == ours


def test_new_writes_a_filled_in_event(make_site):
    root = make_site({}, config='timezone = "Asia/Tokyo"\n')
    result = run("new", 'Ansip waarschuwt: "bezorgd"', "--date", "2018-12-07", "--tag", "eu",
                 "--tag", "huawei", "--source", "https://euobserver.com/tickers/143635",
                 "--draft", cwd=root)
    assert result.returncode == 0, result.stderr
    path = root / result.stdout.strip()
    assert path == root / "content" / "events" / "2018-12-07-ansip-waarschuwt-bezorgd.md"
    fields = front_matter(path)
    assert fields == {"title": 'Ansip waarschuwt: "bezorgd"', "date": "2018-12-07",
                      "tags": ["eu", "huawei"], "draft": True,
                      "sources": [{"url": "https://euobserver.com/tickers/143635", "title": "",
                                   "publisher": ""}]}
    assert run("build", "--drafts", cwd=root).returncode == 0


def test_new_dates_default_to_today_in_the_sites_zone(make_site):
    root = make_site({}, config='timezone = "Pacific/Kiritimati"\n')
    before = dt.datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    result = run("new", "Today", cwd=root)
    after = dt.datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    name = Path(result.stdout.strip()).name
    assert name in (f"{before.isoformat()}-today.md", f"{after.isoformat()}-today.md")


def test_new_never_overwrites(make_site):
    root = make_site({"content/events/2018-12-07-a.md": "mine"})
    result = run("new", "A", "--date", "2018-12-07", cwd=root)
    assert result.returncode == 1
    assert "2018-12-07-a.md: exists already; nothing was written" in result.stderr
    assert (root / "content/events/2018-12-07-a.md").read_text(encoding="utf-8") == "mine"


def test_new_opens_the_editor(make_site, tmp_path):
    root = make_site({})
    log = tmp_path / "editor.log"
    editor = f"{sys.executable} -c \"import sys; open({str(log)!r}, 'w').write(sys.argv[1])\""
    result = subprocess.run([sys.executable, "-m", "generator", "new", "Edited", "--date",
                             "2018", "--edit"], cwd=root, capture_output=True, text=True,
                            env={"EDITOR": editor, "PATH": "/usr/bin:/bin"}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert log.read_text().endswith("content/events/2018-edited.md")


def test_check_reports_errors_and_warnings_without_building(make_site):
    sourced = "sources:\n  - url: https://example.org/a\n    publisher: Example"
    root = make_site({
        "content/a.md": event_file("A", "2018", tags="[huawei]", **{"x": "y"}),
        "content/b.md": event_file("B", "2018", body="B.\n", tags="[huawei]") + "",
        "content/c.md": f"---\ntitle: C\ndate: 2018\ntags: [huwaei]\n{sourced}\n---\nC.\n",
        "content/d.md": "---\ntitle: D\ndate: 2019\ntags: [huawei]\nsources:\n"
                        "  - url: https://example.org/d\n---\nD.\n",
    })
    result = run("check", cwd=root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/a.md:5: x: unknown key; known keys: title, date, end, summary, tags, sources, "
        "slug, draft, display_date, media, background, extra, circa, lane, type",
        "Checked 4 events: 1 error, 0 warnings"]
    assert not (root / "site").exists()
    (root / "content" / "a.md").write_text(event_file("A", "2018", tags="[huawei]"),
                                           encoding="utf-8")
    result = run("check", cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "warning: content/a.md: sources: no source; add one so that readers can check the event",
        "warning: content/b.md: sources: no source; add one so that readers can check the event",
        "warning: content/d.md:6: sources[1]: has no title or publisher; readers see only its "
        "address",
        "warning: content/c.md: tags: 'huwaei' is used once and is spelled almost like 'huawei' "
        "(used 3 times); a typo?"]
    assert result.stdout == "Checked 4 events: 0 errors, 4 warnings\n"
    assert run("check", "--strict", cwd=root).returncode == 1


class _Answers(http.server.BaseHTTPRequestHandler):
    """200, 301, 404, 500, and a path that never answers (until the server is stopped)."""

    def do_HEAD(self) -> None:  # noqa: N802
        if self.path == "/never":
            self.server.stopping.wait()
            return
        status = {"/ok": 200, "/moved": 301, "/gone": 404, "/broken": 500, "/head-refused": 405}
        code = status.get(self.path, 404)
        self.send_response(code)
        if code == 301:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200 if self.path == "/head-refused" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def link_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    server.daemon_threads = True
    server.stopping = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.stopping.set()
    server.shutdown()
    server.server_close()


def test_check_links(make_site, link_server):
    def sourced(name: str, path: str, archive: str = "") -> str:
        extra = f"\n    archive_url: {link_server}/ok" if archive else ""
        return (f"---\ntitle: {name}\ndate: 2018\nsources:\n  - url: {link_server}{path}\n"
                f"    title: T\n    publisher: P{extra}\n---\nBody.\n")

    root = make_site({
        "content/ok.md": sourced("Ok", "/ok"),
        "content/moved.md": sourced("Moved", "/moved"),
        "content/gone.md": sourced("Gone", "/gone"),
        "content/gone-archived.md": sourced("Gone but archived", "/gone", archive="yes"),
        "content/broken.md": sourced("Broken", "/broken"),
        "content/never.md": sourced("Never", "/never"),
        "content/head.md": sourced("Head refused", "/head-refused"),
    })
    result = run("check", "--links", "--timeout", "1", cwd=root)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert f"content/broken.md:5: sources[1].url: {link_server}/broken answers 500 Internal " \
           "Server Error; add an archive_url with a saved copy, or a new address" in lines
    assert f"content/gone.md:5: sources[1].url: {link_server}/gone answers 404 Not Found; add " \
           "an archive_url with a saved copy, or a new address" in lines
    assert any(line.startswith(f"content/never.md:5: sources[1].url: {link_server}/never does "
                               "not answer (") for line in lines)
    assert f"warning: content/gone-archived.md:5: sources[1].url: {link_server}/gone answers " \
           "404 Not Found; readers still have the archived copy" in lines
    assert f"warning: content/moved.md:5: sources[1].url: {link_server}/moved has moved to " \
           f"{link_server}/ok (301); link the new address" in lines
    assert not any("ok.md" in line or "head.md" in line for line in lines)
    assert lines[-1] == "Checked 7 events: 3 errors, 2 warnings"


def test_new_reads_dates_in_the_sites_language(make_site):
    root = make_site({}, config='language = "nl"\n')
    result = run("new", "Ansip", "--date", "7 december 2018", cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("2018-12-07-ansip.md")


def test_check_links_survives_addresses_outside_ascii(make_site, link_server):
    root = make_site({"content/a.md": f"---\ntitle: A\ndate: 2018\nsources:\n"
                                      f"  - url: {link_server}/caf\u00e9\n    title: T\n---\nA.\n"})
    result = run("check", "--links", "--timeout", "1", cwd=root)
    assert "failed unexpectedly" not in result.stderr
    assert "/café answers 404 Not Found" in result.stderr


def test_check_finds_a_broken_layout_too(make_site):
    root = make_site({"content/a.md": "---\ntitle: A\ndate: 2018\nsources:\n"
                                      "  - url: https://example.org/\n    title: T\n---\nA.\n",
                      "layouts/base.html": "{{ site.titel }}\n"})
    result = run("check", cwd=root)
    assert result.returncode == 1
    assert result.stderr.startswith("layouts/base.html:1: template:")


@pytest.mark.parametrize("args, message", [
    (["Red \x1b[31m alert"], "the title holds a control character (U+001B); remove it"),
    (["Next\x85line"], "the title holds a control character (U+0085); remove it"),
    (["Two\u2028lines"], "the title holds a control character (U+2028); remove it"),
    (["T\udcff"], "the title is not UTF-8 text; check your terminal's encoding"),
    (["T", "--tag", "bell\x07"], "--tag 'bell\\x07': holds a control character (U+0007); "
                                 "remove it"),
    (["T", "--tag", "!!"], "--tag '!!': has no letters or digits to use in a URL"),
    (["T", "--tag", "EU", "--tag", "eu"], "--tag 'eu': would share the page tags/eu/ with "
                                          "--tag 'EU'; keep one of them"),
    (["T", "--tag", "x" * 101], f"--tag '{'x' * 40}'...: is too long for a URL (at most 100 "
                                "letters and digits)"),
    (["T", "--source", "javascript:alert(1)"], "--source 'javascript:alert(1)': is not an "
                                               "http(s) link; write the full address, "
                                               "starting with https://"),
    (["T", "--source", "https://example.org/a b"], "--source 'https://example.org/a b': holds "
                                                   "a space, which a link cannot; write it as "
                                                   "%20"),
])
def test_new_refuses_what_a_build_would_naming_the_argument(make_site, args, message):
    root = make_site({})
    result = subprocess.run([sys.executable, "-m", "generator", "new", *args, "--date", "2018"],
                            cwd=root, capture_output=True, timeout=60,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8:surrogateescape"})
    assert result.returncode == 1
    assert result.stderr.decode("utf-8", "replace") == f"chronoline new: {message}\n"
    assert not (root / "content" / "events").exists()


def test_new_refuses_a_nul_in_the_title(make_site):
    """A command line cannot hold NUL; the library can."""
    root = make_site({})
    with pytest.raises(NewEventError, match=r"^the title holds a control character \(U\+0000\)"):
        new_event(root, load_config(root), "N\x00ul", "2018")
    assert not (root / "content" / "events").exists()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(), st.lists(st.text(max_size=12), max_size=3),
       st.lists(st.sampled_from(["https://example.org/a", "http://x.test/p?q=1", "ftp://x",
                                 "https://e.org/ä b", "//e.org", "https://[::1]/"]),
                max_size=2))
def test_whatever_new_writes_a_build_reads(tmp_path_factory, title, tags, urls):
    root = tmp_path_factory.mktemp("site")
    (root / "chronoline.toml").write_text('title = "T"\n', encoding="utf-8")
    try:
        path = new_event(root, load_config(root), title, "2018-07-19", tags, urls)
    except NewEventError as exc:
        assert "\n" not in str(exc)
        assert not (root / "content").exists()
        return
    assert parse_event(path.read_bytes(), path.name, make_markdown(False), dt.UTC).title \
        == title.strip()


@pytest.mark.parametrize("title, message", [
    ("A\x1b[31mB", "--title holds a control character (U+001B); remove it"),
    ("A\udcffB", "--title is not UTF-8 text; check your terminal's encoding"),
])
def test_init_refuses_a_title_no_page_may_hold(tmp_path, title, message):
    result = subprocess.run([sys.executable, "-m", "generator", "init", "site", "--title", title],
                            cwd=tmp_path, capture_output=True, timeout=60,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8:surrogateescape"})
    assert result.returncode == 1
    assert result.stderr.decode("utf-8", "replace") == f"chronoline init: {message}\n"
    assert not (tmp_path / "site").exists()


def test_new_reads_its_file_as_the_build_will_before_writing(make_site, monkeypatch):
    """Whatever bound a build has, `new` names the argument that passes it."""
    import generator.new

    def parse_with_a_bound(data: bytes, path: str, *args: object) -> object:
        raise ContentErrors([ContentError(path, "more than 1 tag; at most 1", 5, "tags")])

    monkeypatch.setattr(generator.new, "parse_event", parse_with_a_bound)
    root = make_site({})
    with pytest.raises(NewEventError) as failure:
        new_event(root, load_config(root), "T", "2018", ["a", "b"])
    assert str(failure.value) == "--tag: more than 1 tag; at most 1"
    assert not (root / "content" / "events").exists()
