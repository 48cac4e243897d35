"""chronoline import keeps a timeline's media: files beside the imported file are copied into
the site and referenced, files not found keep their address and caption, and no caption or
credit is dropped, whatever the media."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import yaml

from generator.build import BuildOptions, build
from generator.importer import import_file

from conftest import read_html


def png(width: int = 1, height: int = 1, red: int = 0) -> bytes:
    """A tiny valid PNG of one colour: different `red`, different bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes([red, 0, 0]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def slide(headline: str, year: int, **more: object) -> dict:
    return {"start_date": {"year": year}, "text": {"headline": headline}, **more}


def timeline(folder: Path, slides: list[dict], files: dict[str, bytes] | None = None) -> Path:
    """A TimelineJS3 file in `folder`, with `files` (path → bytes) around it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    path = folder / "timeline.json"
    path.write_text(json.dumps({"title": {"text": {"headline": "T"}}, "events": slides}),
                    encoding="utf-8")
    return path


def new_site(root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "chronoline.toml").write_text('title = "Imported"\ntimezone = "UTC"\n',
                                          encoding="utf-8")
    return root


def front_matter(path: Path) -> tuple[dict, str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


def by_title(paths: tuple[Path, ...]) -> dict[str, tuple[dict, str]]:
    return {(fm := front_matter(p))[0]["title"]: fm for p in paths}


MAP, PHOTO, OLD = png(red=1), png(red=2), png(red=3)


@pytest.mark.parametrize("into, address", [("content/events", "../media/"),
                                           ("content", "media/")])
def test_media_beside_the_file_are_copied_into_the_site_and_referenced(tmp_path, into,
                                                                       address):
    source = timeline(tmp_path / "export" / "tl", [
        slide("Map", 2001, media={"url": "./media/map.png", "caption": "The <i>map</i>",
                                  "credit": "Agency", "alt": "A map of the coast"}),
        slide("Photo", 2002, media={"url": "media/photo%20one.png", "caption": "A photo"}),
        slide("Old", 2003, media={"url": "../img/old.png", "credit": "Archive"}),
        slide("Map again", 2004, media={"url": "media/map.png"})],
        {"media/map.png": MAP, "media/photo one.png": PHOTO, "../img/old.png": OLD})
    site = new_site(tmp_path / "site")
    report = import_file(source, site / into, content=site / "content")

    media = site / "content" / "media"
    assert sorted(report.copied) == [media / "map.png", media / "photo-one.png"]
    assert {p.name: p.read_bytes() for p in media.iterdir()} == {
        "map.png": MAP, "photo-one.png": PHOTO}
    events = by_title(report.written)
    assert events["Map"][0]["media"] == {"url": address + "map.png", "caption": "The *map*",
                                         "credit": "Agency", "alt": "A map of the coast"}
    assert events["Photo"][0]["media"] == {"url": address + "photo-one.png",
                                           "caption": "A photo", "alt": "A photo"}
    # A file outside the timeline's folder is not brought into a site that will be published:
    # its address and credit stay with the event, and it is listed.
    assert "media" not in events["Old"][0]
    assert events["Old"][0]["extra"]["media"] == {"url": "../img/old.png", "credit": "Archive"}
    assert events["Map again"][0]["media"] == {"url": address + "map.png"}
    assert report.media_left == (
        "not copied: ../img/old.png (1 event): it is outside the imported file's folder; a "
        "timeline may name only the files kept with it (copy it there by hand if it belongs "
        "in the site)",)
    # Each address names the copy from the event file's own folder.
    for path in report.written:
        if "media" in front_matter(path)[0]:
            assert (path.parent / front_matter(path)[0]["media"]["url"]).is_file()


def test_a_file_linked_beside_the_timeline_from_elsewhere_is_not_copied(tmp_path):
    secret = tmp_path / "home" / "private.png"
    secret.parent.mkdir(parents=True)
    secret.write_bytes(OLD)
    source = timeline(tmp_path / "export", [slide("Linked", 2001, media={"url": "media/x.png"}),
                                            slide("Climbed", 2002, media={
                                                "url": "../home/private.png"})])
    (tmp_path / "export" / "media").mkdir()
    (tmp_path / "export" / "media" / "x.png").symlink_to(secret)
    site = new_site(tmp_path / "site")
    report = import_file(source, site / "content")
    assert report.copied == ()
    assert not (site / "content" / "media").exists()
    assert [line.split(":")[0] for line in report.media_left] == ["not copied", "not copied"]


def test_a_name_taken_by_another_file_gets_a_new_one_and_the_users_file_is_kept(tmp_path):
    site = new_site(tmp_path / "site")
    media = site / "content" / "media"
    media.mkdir()
    (media / "map.png").write_bytes(b"the user's own map")
    (media / "Logo.png").write_bytes(b"the user's logo")
    (media / "same.png").write_bytes(PHOTO)
    source = timeline(tmp_path / "export", [
        slide("Map", 2001, media={"url": "media/map.png"}),
        slide("Logo", 2002, media={"url": "media/logo.png"}),
        slide("Same", 2003, media={"url": "media/same.png"}),
        slide("Other map", 2004, media={"url": "other/map.png"})],
        {"media/map.png": MAP, "media/logo.png": OLD, "media/same.png": PHOTO,
         "other/map.png": png(red=9)})
    report = import_file(source, site / "content")

    assert (media / "map.png").read_bytes() == b"the user's own map"
    assert (media / "Logo.png").read_bytes() == b"the user's logo"
    events = by_title(report.written)
    assert events["Map"][0]["media"]["url"] == "media/map-2.png"
    # Letter case aside, logo.png is Logo.png on macOS and Windows: taken too.
    assert events["Logo"][0]["media"]["url"] == "media/logo-2.png"
    assert events["Same"][0]["media"]["url"] == "media/same.png"  # the same file: used as it is
    assert events["Other map"][0]["media"]["url"] == "media/map-3.png"
    assert sorted(p.name for p in report.copied) == ["logo-2.png", "map-2.png", "map-3.png"]
    assert (media / "map-2.png").read_bytes() == MAP
    assert (media / "map-3.png").read_bytes() == png(red=9)

    again = import_file(source, site / "content" / "again", content=site / "content")
    assert again.copied == ()  # every file is there already, under the names chosen before
    assert by_title(again.written)["Other map"][0]["media"]["url"] == "../media/map-3.png"


def test_media_not_found_keep_their_address_and_caption_and_are_listed(tmp_path):
    source = timeline(tmp_path / "export", [
        slide("One", 2001, media={"url": "media/missing.png", "caption": "Lost <b>map</b>",
                                  "credit": "Agency", "thumbnail": "media/thumb.png"}),
        slide("Two", 2002, media={"url": "media/missing.png"}),
        slide("Root", 2003, media={"url": "/static/img/x.jpg", "caption": "From the root"}),
        slide("Web", 2004, media={"url": "//example.org/x.jpg", "caption": "On the web"})])
    site = new_site(tmp_path / "site")
    report = import_file(source, site / "content" / "events", content=site / "content")

    assert report.media_left == (
        "not found beside the file: media/missing.png (2 events)",
        "not found beside the file: /static/img/x.jpg (1 event)")
    assert report.copied == ()
    assert not (site / "content" / "media").exists()
    events = by_title(report.written)
    one, _ = events["One"]
    assert "media" not in one
    assert one["extra"]["media"] == {"url": "media/missing.png", "caption": "Lost <b>map</b>",
                                     "credit": "Agency", "thumbnail": "media/thumb.png"}
    assert events["Root"][0]["extra"]["media"] == {"url": "/static/img/x.jpg",
                                                   "caption": "From the root"}
    assert events["Web"][0]["media"] == {"url": "https://example.org/x.jpg",
                                         "caption": "On the web", "alt": "On the web"}
    # Such an event still builds, and its timeline.json gives the media back to TimelineJS.
    build(BuildOptions(root=site, output=site / "site"))
    exported = json.loads((site / "site" / "timeline.json").read_text(encoding="utf-8"))
    media = {e["text"]["headline"]: e.get("media") for e in exported["events"]}
    assert media["One"]["url"] == "media/missing.png"
    assert "Lost" in media["One"]["caption"]


def test_a_path_from_the_root_is_looked_for_under_the_files_folder(tmp_path):
    source = timeline(tmp_path / "export", [
        slide("Root", 2003, media={"url": "/static/img/x.png"}),
        slide("Disk", 2004, media={"url": "/etc/hostname.png"})],
        {"static/img/x.png": MAP})
    site = new_site(tmp_path / "site")
    report = import_file(source, site / "content")
    assert by_title(report.written)["Root"][0]["media"]["url"] == "media/x.png"
    assert report.media_left == ("not found beside the file: /etc/hostname.png (1 event)",)


def test_a_file_that_is_not_a_picture_sound_video_or_pdf_is_never_copied(tmp_path):
    source = timeline(tmp_path / "export", [
        slide("Key", 2001, media={"url": "secret", "caption": "Key"}),
        slide("Fake", 2002, media={"url": "notes.png"}),
        slide("Film", 2003, media={"url": "film.mp4", "caption": "A film"}),
        slide("Paper", 2004, media={"url": "paper.pdf"})],
        {"film.mp4": b"\x00\x00\x00\x18ftypmp42" + bytes(16), "paper.pdf": b"%PDF-1.4\n%%EOF\n",
         "secret": b"a private key", "notes.png": b"not a picture"})
    site = new_site(tmp_path / "site")
    report = import_file(source, site / "content")
    assert report.media_left == (
        "not copied: secret (1 event): it is not a picture, sound, video or PDF file "
        "(no extension)",
        "not copied: notes.png (1 event): it does not hold what its name says (.png)")
    assert sorted(p.name for p in (site / "content" / "media").iterdir()) == ["film.mp4",
                                                                            "paper.pdf"]
    events = by_title(report.written)
    assert events["Key"][0]["extra"]["media"] == {"url": "secret", "caption": "Key"}
    assert events["Film"][0]["media"] == {"url": "media/film.mp4", "caption": "A film",
                                          "alt": "A film"}


def test_media_are_copied_only_for_the_events_written(tmp_path):
    source = timeline(tmp_path / "export", [
        slide("Before year one", 0, media={"url": "media/early.png"}),
        slide("Kept", 2001, media={"url": "media/map.png"})],
        {"media/early.png": OLD, "media/map.png": MAP})
    site = new_site(tmp_path / "site")
    report = import_file(source, site / "content")
    assert [p.name for p in report.copied] == ["map.png"]
    assert [p.name for p in (site / "content" / "media").iterdir()] == ["map.png"]
    (site / "content" / "media" / "map.png").unlink()
    again = import_file(source, site / "content")
    assert again.written == () and again.copied == ()  # the event was there: left as it was


def test_events_outside_the_site_keep_their_media_beside_them(tmp_path):
    source = timeline(tmp_path / "export", [slide("Map", 2001, media={"url": "map.png"})],
                      {"map.png": MAP})
    report = import_file(source, tmp_path / "elsewhere", content=tmp_path / "site" / "content")
    assert front_matter(report.written[0])[0]["media"]["url"] == "media/map.png"
    assert (tmp_path / "elsewhere" / "media" / "map.png").read_bytes() == MAP


def test_captions_and_credits_are_never_dropped(tmp_path):
    quote = "<blockquote>Words said.</blockquote>"
    iframe = "<iframe src='https://example.org/embed?a=1&amp;b=2' width='100%'></iframe>"
    source = timeline(tmp_path, [
        slide("Quote", 2001, media={"url": quote, "caption": "A <i>quote</i>",
                                    "credit": "Galactic"}),
        slide("Frame", 2002, media={"url": iframe, "caption": "Test Timeline",
                                    "credit": "Luke"}),
        slide("Div", 2003, media={"url": "<div>x</div>", "caption": "A div", "credit": "D"}),
        slide("Script", 2004, media={"url": "javascript:alert(1)", "caption": "Scripted"}),
        slide("Nothing", 2005, media={"caption": "Caption alone", "credit": "Someone"}),
        slide("Video", 2006, media={"url": "https://www.youtube.com/watch?v=x",
                                    "caption": "A video", "credit": "YouTube"})])
    site = new_site(tmp_path / "site")
    report = import_file(source, site / "content")
    events = by_title(report.written)
    assert events["Quote"][1] == "> Words said.\n\nA *quote* — Galactic\n"
    assert events["Frame"][0]["media"] == {"url": "https://example.org/embed?a=1&b=2",
                                           "caption": "Test Timeline", "credit": "Luke",
                                           "alt": "Test Timeline"}
    assert events["Div"][0]["extra"]["media"] == {"caption": "A div", "credit": "D"}
    assert events["Script"][0]["extra"]["media"] == {"caption": "Scripted"}
    assert events["Nothing"][0]["extra"]["media"] == {"caption": "Caption alone",
                                                      "credit": "Someone"}
    assert events["Video"][0]["media"]["caption"] == "A video"
    assert report.not_carried == (
        "'Frame' (2002): its media, an HTML embed ('<iframe src='https://example.org/embed?"
        "a=1&amp;b=2'…'), became a link to https://example.org/embed?a=1&b=2",
        "'Div' (2003): its media, an HTML embed ('<div>x</div>'), was left out",
        "'Script' (2004): its media 'javascript:alert(1)' was left out: not an http(s) link")

    build(BuildOptions(root=site, output=site / "site"))
    pages = site / "site" / "events"
    quote_page = read_html(next(pages.glob("*quote*/index.html"))).article
    assert "A quote — Galactic" in quote_page.get_text(" ", strip=True)
    video = read_html(next(pages.glob("*video*/index.html"))).article.figure
    assert video.figcaption.get_text(" ", strip=True) == "A video YouTube"
    frame = read_html(next(pages.glob("*frame*/index.html"))).article.figure
    assert frame.a["href"] == "https://example.org/embed?a=1&b=2"
    assert frame.figcaption.get_text(" ", strip=True) == "Test Timeline Luke"


def test_a_timeline_whose_pictures_sit_beside_it_builds_a_site_showing_each_with_its_caption(
        tmp_path):
    # As a newsroom moves a published TimelineJS3 timeline: its JSON file with ./media/ beside.
    source = timeline(tmp_path / "export", [
        slide(f"Event {n}", 2000 + n, media={"url": f"./media/{n}.png", "caption": f"Caption {n}",
                                             "credit": f"Credit {n}"})
        for n in range(5)], {f"media/{n}.png": png(width=30 + n, height=20, red=n)
                             for n in range(5)})
    site = new_site(tmp_path / "site")
    for command in (["import", str(source)], ["build", "--base-url", "https://x.example/r/"]):
        result = subprocess.run([sys.executable, "-m", "generator", *command], cwd=site,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
    output = site / "site"
    pages = sorted(output.glob("events/*/index.html"))
    assert len(pages) == 5
    for page in pages:
        figure = read_html(page).article.figure
        n = figure.figcaption.get_text(" ", strip=True).split()[1]
        assert figure.figcaption.get_text(" ", strip=True) == f"Caption {n} Credit {n}"
        image = figure.img
        assert (page.parent / image["src"]).resolve().read_bytes() == png(
            width=30 + int(n), height=20, red=int(n))
        assert (image["width"], image["height"], image["alt"]) == (str(30 + int(n)), "20",
                                                                     f"Caption {n}")
    timeline_page = read_html(output / "index.html")
    shown = [(img["src"], img.find_parent("figure").figcaption.get_text(" ", strip=True))
             for img in timeline_page.select("article figure img")]
    assert len(shown) == 5
    for src, caption in shown:
        assert (output / src).is_file() and caption.startswith("Caption ")
    exported = json.loads((output / "timeline.json").read_text(encoding="utf-8"))
    assert sorted(e["media"]["url"] for e in exported["events"]) == [
        f"https://x.example/r/media/{n}.png" for n in range(5)]


def test_the_import_command_reports_media_copied_and_not_found(tmp_path):
    source = timeline(tmp_path / "export", [
        slide("Map", 2001, media={"url": "media/map.png", "caption": "A map",
                                  "credit": "Agency"}),
        slide("Lost", 2002, media={"url": "media/lost.png", "caption": "Lost"})],
        {"media/map.png": MAP})
    site = new_site(tmp_path / "site")
    result = subprocess.run([sys.executable, "-m", "generator", "import", str(source)],
                            cwd=site, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "copied  content/media/map.png" in lines
    assert "not found beside the file: media/lost.png (1 event)" in lines
    assert "Each such event keeps the file's address, caption and credit under 'extra: " \
        "media:'; to show it, put the file under content/ and move them to 'media:'." in lines
    assert "Kept: 1 event with media copied into the site, 1 caption, 1 credit, 1 event with " \
        "other values under extra (timeline.json gives them back)" in lines
    assert lines[-1] == "Imported 2 events, skipped 0, 0 not carried over, 1 media file " \
        "not copied"
    assert (site / "content" / "media" / "map.png").read_bytes() == MAP
