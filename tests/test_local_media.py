"""Pictures and files kept under content/: `media.url` and Markdown's links and pictures name
them from the event's folder or from content/; every page links them right, pictures get
their size, and a file that is not there is an error with the event's file and line."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

import generator.imagesize
import generator.localrefs
from generator.build import Builder, BuildOptions
from generator.errors import BuildFailed
from generator.imagesize import READ_AT_MOST, image_size

from conftest import Running, build_site, event_file, read_html

BASE = 'title = "T"\nbase_url = "https://example.org/repo/"\n'


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00" * width for _ in range(height)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def jpeg(width: int, height: int, padding: int = 0) -> bytes:
    """A JPEG's markers up to its frame header, after `padding` bytes of APP1 segments."""
    segments = b""
    while padding > 0:
        size = min(padding, 65_000)
        segments += b"\xff\xe1" + struct.pack(">H", size + 2) + b"\x00" * size
        padding -= size
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" \
        + segments + frame + b"\xff\xd9"


MEDIA_KEYS = ("caption", "credit", "alt", "width", "height")


def media_event(url: str, title: str = "A", date: str = "2018-07-19", body: str = "Body.",
                **extra: str) -> str:
    """An event file whose media's `url` is on line 5; `extra` adds the media's other keys
    and front matter lines."""
    lines = "".join(f"\n  {key}: {value}" for key, value in extra.items() if key in MEDIA_KEYS)
    others = {key: value for key, value in extra.items() if key not in MEDIA_KEYS}
    return event_file(title, date, body, media=f"\n  url: {url}{lines}", **others)


@pytest.fixture
def site(make_site):
    """A site with pictures beside an event and under content/, and one published under
    /repo/."""
    return make_site({
        "content/2018/a.md": media_event("images/map.png", "A", slug="alpha", tags="[uk]",
                                         caption='"The map; see [the report](../files/r.pdf)"',
                                         body="![A photo](pics/photo.png) and "
                                              "[the report](/files/r.pdf).\n\nMore."),
        "content/images/map.png": png(30, 20),
        "content/2018/pics/photo.png": png(7, 5),
        "content/files/r.pdf": b"%PDF-1.4\n",
        "content/b.md": event_file("B", "2018-07-20", tags="[uk]",
                                   body="See [A](2018/a.md#more) and ![](images/map.png)."),
    }, config=BASE)


def test_media_under_content_is_linked_right_from_every_page(site):
    build_site(site)
    out = site / "site"
    for page, root in [("index.html", ""), ("2018/index.html", "../"),
                       ("tags/uk/index.html", "../../"), ("events/alpha/index.html", "../../"),
                       ("embed/index.html", "../")]:
        figure = read_html(out / page).find("figure", class_=["media", "embed-media"])
        image = figure.find("img")
        assert image["src"] == f"{root}images/map.png", page
        if page != "embed/index.html":  # there a picture's box is the page's, not its own
            assert (image["width"], image["height"]) == ("30", "20"), page
        assert figure.find("figcaption").find("a")["href"] == f"{root}files/r.pdf", page
        assert (out / page).parent.joinpath(image["src"]).resolve() == \
            (out / "images/map.png").resolve()
    # As TimelineJS does, a picture without alt text is described by its caption.
    assert image["alt"] == "The map; see the report"


def test_body_pictures_and_links_name_files_from_the_events_folder(site):
    build_site(site)
    out = site / "site"
    body = read_html(out / "events/alpha/index.html").find("div", class_="body")
    image, link = body.find("img"), body.find("a")
    assert (image["src"], image["width"], image["height"]) == ("../../2018/pics/photo.png",
                                                               "7", "5")
    assert link["href"] == "../../files/r.pdf"
    # The summary (the body's first paragraph) on the timeline, rebased to its page.
    summary = read_html(out / "index.html").find("article", id="event-alpha")
    assert summary.find("p", class_="summary").find("img")["src"] == "2018/pics/photo.png"
    # A link to another event's file is a link to its page, by its slug.
    other = read_html(out / "events/b/index.html").find("div", class_="body")
    assert other.find("a")["href"] == "../alpha/index.html#more"
    assert other.find("img")["alt"] == ""  # decorative: no alt text


@contextmanager
def served_under(folder: Path, prefix: str) -> Iterator[str]:
    """`folder` served on 127.0.0.1 under `prefix`, as GitHub Pages serves a project's site."""

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def translate_path(self, path: str) -> str:
            inside = urlsplit(path).path
            if not inside.startswith(prefix):
                return str(folder / "no such file")
            return super().translate_path(inside.removeprefix(prefix.rstrip("/")))

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=20)


def status_of(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_every_picture_and_file_answers_under_the_repos_path(site):
    build_site(site)
    out = site / "site"
    with served_under(out, "/repo/") as base:
        asked = set()
        for page in ("index.html", "2018/index.html", "tags/uk/index.html", "embed/index.html",
                     "events/alpha/index.html", "events/b/index.html"):
            for element in read_html(out / page).select("main img[src], main a[href]"):
                address = element.get("src") or element["href"]
                if address.endswith((".png", ".pdf")):
                    asked.add(urljoin(base + page, address))
        slides = json.loads((out / "timeline.json").read_text())["events"]
        asked |= {s["media"]["url"].replace("https://example.org/repo/", base)
                  for s in slides if "media" in s}
        assert {urlsplit(url).path for url in asked} == {
            "/repo/images/map.png", "/repo/2018/pics/photo.png", "/repo/files/r.pdf"}
        assert {url: status_of(url) for url in asked} == dict.fromkeys(asked, 200)


def test_exports_carry_absolute_addresses(site):
    build_site(site)
    out = site / "site"
    slide = next(s for s in json.loads((out / "timeline.json").read_text())["events"]
                 if s["unique_id"] == "alpha")
    assert slide["media"]["url"] == "https://example.org/repo/images/map.png"
    assert 'href="https://example.org/repo/files/r.pdf"' in slide["media"]["caption"]
    assert 'src="https://example.org/repo/2018/pics/photo.png"' in slide["text"]["text"]
    record = next(e for e in json.loads((out / "events.json").read_text())["events"]
                  if e["slug"] == "alpha")
    assert record["media"]["url"] == "https://example.org/repo/images/map.png"
    feed = json.loads((out / "feed.json").read_text())
    item = next(i for i in feed["items"] if i["title"] == "A")
    assert 'src="https://example.org/repo/2018/pics/photo.png"' in item["content_html"]
    meta = read_html(out / "events/alpha/index.html").find("meta", property="og:image")
    assert meta["content"] == "https://example.org/repo/images/map.png"


def test_without_a_base_url_exports_name_media_from_the_sites_root(make_site):
    root = make_site({"content/a.md": media_event("/images/m.png"),
                      "content/images/m.png": png(2, 2)})
    build_site(root)
    slide = json.loads((root / "site/timeline.json").read_text())["events"][0]
    assert slide["media"]["url"] == "images/m.png"


def test_a_file_beside_the_event_comes_before_one_under_content(make_site):
    root = make_site({"content/x/a.md": media_event("m.png"),
                      "content/x/m.png": png(4, 4), "content/m.png": png(9, 9),
                      "content/b.md": media_event("/m.png", "B")})
    build_site(root)
    a = read_html(root / "site/events/a/index.html").find("figure").find("img")
    b = read_html(root / "site/events/b/index.html").find("figure").find("img")
    assert (a["src"], a["width"], b["src"], b["width"]) == (
        "../../x/m.png", "4", "../../m.png", "9")
    assert a["alt"] == ""  # neither alt text nor a caption: a decoration


def test_the_written_size_wins_and_names_with_spaces_are_encoded(make_site):
    root = make_site({"content/a.md": media_event("my map.png", width="600", height="300"),
                      "content/my map.png": png(30, 20)})
    build_site(root)
    image = read_html(root / "site/events/a/index.html").find("figure").find("img")
    assert (image["src"], image["width"], image["height"]) == ("../../my%20map.png", "600",
                                                               "300")
    assert (root / "site/my map.png").is_file()


def test_a_body_link_written_from_the_events_page_still_finds_its_file(make_site):
    root = make_site({"content/a.md": event_file(body="![Dot](../../images/dot.png)"),
                      "content/images/dot.png": png(3, 3)})
    build_site(root)
    image = read_html(root / "site/events/a/index.html").find("div", class_="body").find("img")
    assert (image["src"], image["width"]) == ("../../images/dot.png", "3")


def test_imported_media_beside_content_media_builds(make_site):
    # As `chronoline import` writes an event whose picture it copied to content/media/.
    root = make_site({
        "content/2018-07-19-a.md": media_event('"media/photo 1.jpg"', caption='"A caption"',
                                               credit='"Reuters"', alt='"A photo"'),
        "content/media/photo 1.jpg": jpeg(640, 480)})
    build_site(root)
    figure = read_html(root / "site/index.html").find("figure", class_="media")
    assert figure.find("img").attrs | {} == {"src": "media/photo%201.jpg", "alt": "A photo",
                                            "width": "640", "height": "480",
                                            "loading": "lazy"}
    assert figure.find("figcaption").get_text() == "A caption Reuters"


MISSING = {
    "content/x.md": ("---\ntitle: X\ndate: 2018-07-19\nmedia:\n  caption: c\n"
                     "  url: images/mapp.png\n---\nIntro.\n\n![a](images/map.pgn)\n\n"
                     "[b](files/report.pfd) [c](other.md) [ok](images/map.png)\n"),
    "content/y.md": media_event("../../etc/passwd", "Y"),
    "content/images/map.png": b"not a picture",
    "content/files/report.pdf": b"%PDF",
}
MISSING_ERRORS = [
    "content/x.md:6: media.url: images/mapp.png does not exist under content/; did you mean "
    "images/map.png?",
    "content/x.md:10: body: images/map.pgn does not exist under content/; did you mean "
    "images/map.png?",
    "content/x.md:12: body: files/report.pfd does not exist under content/; did you mean "
    "files/report.pdf?",
    "content/x.md:12: body: other.md does not exist under content/; put the file there, or "
    "write its path from content/",
    "content/y.md:5: media.url: ../../etc/passwd leads out of content/; keep the file under "
    "content/ and name it from the event's folder or from content/",
]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_every_missing_file_is_an_error_of_build_and_check(make_site):
    root = make_site({"content/a.md": event_file("A")})
    assert run("build", "--quiet", cwd=root).returncode == 0
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    for name, text in MISSING.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    built = run("build", cwd=root)
    assert built.returncode == 1 and "Traceback" not in built.stderr
    assert built.stderr.splitlines()[:-1] == MISSING_ERRORS
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == before
    checked = run("check", cwd=root)
    assert checked.returncode == 1
    assert [line for line in checked.stdout.splitlines() + checked.stderr.splitlines()
            if line.startswith("content/")] == MISSING_ERRORS


def test_a_link_out_of_content_is_refused(make_site, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(png(1, 1))
    root = make_site({"content/a.md": media_event("leak.png")})
    (root / "content/leak.png").symlink_to(secret)
    with pytest.raises(BuildFailed) as failed:
        build_site(root)
    assert [str(e) for e in failed.value.errors] == [
        "content/a.md:5: media.url: leak.png is not published: it is a link that leads out of "
        "content/, or a name chronoline leaves out (hidden, a backup); put the file itself "
        "there"]


def test_remote_media_stays_http_only(make_site):
    root = make_site({"content/a.md": media_event("ftp://example.org/m.png")})
    with pytest.raises(BuildFailed) as failed:
        build_site(root)
    assert "is not an http(s) link" in str(failed.value.errors[0])


def counting_sizes(monkeypatch) -> list[str]:
    read: list[str] = []

    def counted(path: str):
        read.append(Path(path).name)
        return image_size(path)

    monkeypatch.setattr(generator.localrefs, "image_size", counted)
    return read


def settle(root: Path) -> None:
    """Every file older than the moment within which chronoline reads a file again."""
    for path in root.rglob("*"):
        os.utime(path, (1_500_000_000, 1_500_000_000))


def test_a_rebuild_reads_a_picture_again_only_when_it_changed(make_site, monkeypatch):
    root = make_site({"content/a.md": media_event("m.png"), "content/m.png": png(10, 10),
                      "content/b.md": event_file("B", "2019")})
    settle(root)
    read = counting_sizes(monkeypatch)
    builder = Builder(BuildOptions(root=root))
    builder.render()
    assert read == ["m.png"]
    (root / "content/b.md").write_text(event_file("B again", "2019"), encoding="utf-8")
    builder.render(changed=["content/b.md"])
    assert read == ["m.png"], "a picture that did not change was read again"
    (root / "content/m.png").write_bytes(png(50, 40))
    os.utime(root / "content/m.png", (1_600_000_000, 1_600_000_000))
    site = builder.render(changed=["content/m.png"])
    page = site.files["events/a/index.html"]
    assert b'width="50" height="40"' in page
    assert read == ["m.png", "m.png"]
    (root / "content/m.png").unlink()
    with pytest.raises(BuildFailed) as failed:
        builder.render(changed=["content/m.png"])
    assert [str(e) for e in failed.value.errors] == [
        "content/a.md:5: media.url: m.png does not exist under content/; put the file there, "
        "or write its path from content/"]


def test_a_cached_event_sees_its_picture_change_and_go(make_site):
    root = make_site({"content/a.md": event_file(body="![x](m.png)"),
                      "content/m.png": png(10, 10)})
    settle(root)
    build_site(root)
    (root / "content/m.png").write_bytes(png(20, 10))
    os.utime(root / "content/m.png", (1_600_000_000, 1_600_000_000))
    build_site(root)  # a new process would read the cache just as this does
    image = read_html(root / "site/events/a/index.html").find("div", class_="body").find("img")
    assert (image["width"], image["height"]) == ("20", "10")
    before = (root / "site/events/a/index.html").read_bytes()
    (root / "content/m.png").unlink()
    with pytest.raises(BuildFailed):
        build_site(root)
    assert (root / "site/events/a/index.html").read_bytes() == before


def test_a_link_to_an_event_follows_its_slug_when_it_changes(make_site):
    root = make_site({"content/a.md": event_file("A", body="[B](b.md)"),
                      "content/b.md": event_file("B", "2019")})
    settle(root)
    build_site(root)
    (root / "content/b.md").write_text(event_file("B", "2019", slug="bee"), encoding="utf-8")
    build_site(root)
    link = read_html(root / "site/events/a/index.html").find("div", class_="body").find("a")
    assert link["href"] == "../bee/index.html"


def test_serve_reloads_on_a_picture_and_reports_one_gone(make_site):
    root = make_site({"content/a.md": media_event("m.png"), "content/m.png": png(10, 10)})
    with Running(root) as served:
        mark = len(served.lines)
        (root / "content/m.png").write_bytes(png(64, 48))
        served.wait_for_line("content/m.png", after=mark)
        page = fetch(served.url + "events/a/")
        assert 'width="64" height="48"' in page
        mark = len(served.lines)
        (root / "content/m.png").unlink()
        line = served.wait_for_line("media.url", after=mark).splitlines()[0]
        assert line == ("content/a.md:5: media.url: m.png does not exist under content/; put "
                        "the file there, or write its path from content/")
        mark = len(served.lines)
        (root / "content/m.png").write_bytes(png(8, 6))
        served.wait_for_line("content/m.png", after=mark)
        assert 'width="8" height="6"' in fetch(served.url + "events/a/")


def fetch(url: str) -> str:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=20) as response:
        return response.read().decode("utf-8")


@pytest.mark.parametrize(("name", "data", "size"), [
    ("png", png(300, 200), (300, 200)),
    ("gif", b"GIF89a" + struct.pack("<HH", 40, 30) + b"\x00" * 20, (40, 30)),
    ("jpeg", jpeg(1024, 768, padding=120_000), (1024, 768)),
    ("webp lossy", b"RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00\x00\x00\x00\x9d\x01\x2a"
     + struct.pack("<HH", 320, 240) + b"\x00" * 10, (320, 240)),
    ("webp lossless", b"RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f"
     + ((99) | (49 << 14)).to_bytes(4, "little") + b"\x00" * 10, (100, 50)),
    ("webp extended", b"RIFF\x00\x00\x00\x00WEBPVP8X\x00\x00\x00\x00\x00\x00\x00\x00"
     + (799).to_bytes(3, "little") + (599).to_bytes(3, "little"), (800, 600)),
    ("svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="120px" '
     b'height="80">', (120, 80)),
    ("svg viewBox", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 32"></svg>',
     (64, 32)),
    ("svg in ems", b'<svg width="2em" height="1em" viewBox="0 0 2 1"></svg>', None),
    ("text", b"not a picture", None),
])
def test_picture_sizes(tmp_path, name, data, size):
    path = tmp_path / "picture"
    path.write_bytes(data)
    assert image_size(str(path)) == size


def test_a_huge_file_is_read_only_so_far(tmp_path, monkeypatch):
    # A JPEG whose metadata runs on for megabytes: its size is not worth reading them all.
    path = tmp_path / "huge.jpg"
    path.write_bytes(jpeg(10, 10, padding=8_000_000))
    positions: list[int] = []
    real_open = open

    class Watched:
        def __init__(self, *args) -> None:
            self.file = real_open(*args)

        def __enter__(self):
            return self

        def __exit__(self, *_):
            self.file.close()

        def read(self, size: int = -1) -> bytes:
            assert size >= 0, "the whole file was asked for"
            positions.append(self.file.tell() + size)
            return self.file.read(size)

        def seek(self, *args) -> int:
            return self.file.seek(*args)

        def tell(self) -> int:
            return self.file.tell()

    monkeypatch.setattr(generator.imagesize, "open", Watched, raising=False)
    assert image_size(str(path)) is None
    assert max(positions) <= READ_AT_MOST + 65_600


def test_a_kept_builder_follows_slugs_and_pictures_after_edits_a_watcher_names(make_site):
    # As the dev server reads after an edit: only the files the watcher names are looked at,
    # and the events that name files are found among the others without reading them all.
    files = {f"content/plain{n}.md": event_file(f"Plain {n}", "2017") for n in range(5)}
    root = make_site({**files, "content/a.md": event_file("A", body="[B](b.md)"),
                      "content/b.md": event_file("B", "2019"),
                      "content/c.md": media_event("m.png", title="C"),
                      "content/m.png": png(10, 10)})
    settle(root)
    builder = Builder(BuildOptions(root=root))

    def page(changed: set[str] | None, path: str) -> str:
        content = builder.render(changed=changed).files[path]
        return content.decode("utf-8") if isinstance(content, bytes) else content.read_text()

    assert 'href="../b/index.html"' in page(None, "events/a/index.html")
    (root / "content/b.md").write_text(event_file("B", "2019", slug="bee"), encoding="utf-8")
    assert 'href="../bee/index.html"' in page({"content/b.md"}, "events/a/index.html")
    (root / "content/plain0.md").write_text(event_file("Plain 0", "2016"), encoding="utf-8")
    assert 'href="../bee/index.html"' in page({"content/plain0.md"}, "events/a/index.html")
    (root / "content/m.png").write_bytes(png(64, 48))
    assert 'width="64" height="48"' in page({"content/m.png"}, "events/c/index.html")


def test_a_file_named_like_a_scheme_is_linked_as_a_file_from_every_page(make_site):
    # From the site's root, `javascript:alert(1).pdf` would read as a script's address.
    root = make_site({"content/a.md": media_event("./javascript:alert(1).pdf"),
                      "content/javascript:alert(1).pdf": "%PDF-1.4\n"})
    build_site(root)
    for page in (root / "site").rglob("*.html"):
        for element in read_html(page).select("[href], [src]"):
            address = element.get("href") or element.get("src")
            assert not address.lower().startswith("javascript:"), (page, address)
    link = read_html(root / "site/index.html").select_one("figure a.media-link, figure a")
    assert link["href"] == "javascript%3Aalert(1).pdf"
    assert (root / "site" / "javascript:alert(1).pdf").is_file()


@pytest.mark.parametrize(("name", "data"), [
    ("cut.png", png(10, 10)[:20]),  # a PNG cut off in its header
    ("huge.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="' + b"9" * 400
     + b'" height="10"></svg>'),
    ("endless.svg", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1e999 10"></svg>'),
])
def test_a_damaged_picture_is_shown_without_a_size(make_site, name, data):
    root = make_site({"content/a.md": media_event(name), f"content/{name}": data})
    build_site(root)  # no traceback, no failed build
    image = read_html(root / "site/events/a/index.html").figure.img
    unsized = make_site({"content/a.md": media_event("u.svg"), "content/u.svg": b"<svg/>"})
    build_site(unsized)
    # As a picture whose file gives no size: in the frame the theme gives such pictures.
    expected = read_html(unsized / "site/events/a/index.html").figure.img
    assert image["src"] == f"../../{name}"
    assert (image.get("width"), image.get("height")) == (expected.get("width"),
                                                         expected.get("height"))


def test_a_jpeg_of_fill_bytes_has_no_size(tmp_path):
    # A file of 0xFF after the JPEG's start: no segment ever begins (the fill bytes are read
    # no further than READ_AT_MOST, as segments are).
    path = tmp_path / "fill.jpg"
    path.write_bytes(b"\xff\xd8" + b"\xff" * (READ_AT_MOST + 4096))
    assert image_size(str(path)) is None


def test_an_address_that_is_not_a_url_in_a_body_stays_as_written(make_site):
    root = make_site({"content/a.md": event_file("A", body="See [x](//[oops/a.png).")})
    build_site(root)
    assert read_html(root / "site/events/a/index.html").select_one(
        "div.body a")["href"] == "//[oops/a.png"


def test_a_missing_picture_is_reported_on_the_line_that_shows_it(make_site):
    # The text may name the file before the line whose picture shows it.
    body = "The scan map.png was lost.\n\nIt was found.\n\n![x](map.png)\n"
    root = make_site({"content/a.md": event_file("A", body=body)})
    with pytest.raises(BuildFailed) as failed:
        Builder(BuildOptions(root=root)).render()
    text = (root / "content/a.md").read_text(encoding="utf-8").splitlines()
    shown = text.index("![x](map.png)") + 1
    assert [str(error).split(": ")[0] for error in failed.value.errors] == [
        f"content/a.md:{shown}"]


def test_a_link_to_a_draft_left_out_is_an_error_until_drafts_are_built(make_site):
    root = make_site({"content/a.md": event_file("A", body="See [the draft](d.md)."),
                      "content/d.md": event_file("D", "2019", draft="true")})
    expected = ("content/a.md: links to d.md, a draft, which is left out of the site; link it "
                "once it is published, or build with --drafts")
    with pytest.raises(BuildFailed) as failed:
        Builder(BuildOptions(root=root)).render()
    assert [str(error) for error in failed.value.errors] == [expected]
    checked = subprocess.run([sys.executable, "-m", "generator", "check", "--source", str(root)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 1 and expected in checked.stderr
    Builder(BuildOptions(root=root, drafts=True)).render()  # with the draft, the link is good
