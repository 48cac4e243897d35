"""What a build takes from content/ and layouts/static/: nothing from outside through links,
and every link or folder it leaves out named in one clear line."""

from __future__ import annotations

import errno
import inspect
import os
import subprocess
import sys

import pytest

from generator.build import BuildOptions, build
from generator.cli import main
from generator.discover import discover

from conftest import build_site, event_file

LEFT_OUT_OF_CONTENT = {
    "content/loop.md": "content/loop.md: skipped: it is a link in a loop of links; point it at "
                       "a file or remove it",
    "content/gone.md": "content/gone.md: skipped: it is a link to nothing (its target does not "
                       "exist); fix or remove it",
    "content/elsewhere": "content/elsewhere: skipped: it is a link to a folder outside content/",
    "content/all": "content/all: skipped: it is a link to content/, a folder that holds it "
                   "(a cycle); remove it",
    "content/sub/up": "content/sub/up: skipped: it is a link to content/sub/, a folder that "
                      "holds it (a cycle); remove it",
    "content/sub/again": "content/sub/again: skipped: it is a link to the folder content/real/, "
                         "which is read where it is; links to folders are not followed",
}


@pytest.fixture
def linked_site(make_site, tmp_path):
    """A site whose content/ holds every kind of link a build must not follow."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.md").write_text(event_file("Outside"), encoding="utf-8")
    root = make_site({"content/a.md": event_file("A"), "content/real/b.md": event_file("B"),
                      "content/sub/c.md": event_file("C")})
    content = root / "content"
    (content / "loop.md").symlink_to("loop.md")
    (content / "gone.md").symlink_to("missing.md")
    (content / "elsewhere").symlink_to(outside)
    (content / "all").symlink_to(".")
    (content / "sub" / "up").symlink_to(".")
    (content / "sub" / "again").symlink_to("../real")
    (content / "sub" / "d.md").symlink_to("c.md")  # a link to a file inside: read
    return root


def test_every_link_a_build_does_not_follow_is_named_and_the_others_are_read(linked_site):
    report = build_site(linked_site)
    assert report.events == 4  # a, real/b, sub/c and its link sub/d
    assert sorted(w for w in report.warnings if not w.startswith("base_url")) == sorted(
        LEFT_OUT_OF_CONTENT.values())


def test_a_symlink_loop_in_content_is_a_warning_not_a_crash(linked_site):
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--source",
                           str(linked_site)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"warning: {LEFT_OUT_OF_CONTENT['content/loop.md']}\n" in done.stderr
    assert "unexpectedly" not in done.stderr


def test_a_folder_that_cannot_be_read_is_named(make_site, monkeypatch):
    root = make_site({"content/a.md": event_file("A"), "content/private/b.md": event_file("B")})
    private = str(root / "content" / "private")
    real_scandir = os.scandir

    # Tests may run as root, whom no permission stops: the refusal is the kernel's answer.
    def scandir(path):
        if os.fspath(path) == private:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), private)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = build_site(root)
    assert report.events == 1
    assert ("content/private: skipped: the folder cannot be read (Permission denied); let "
            "chronoline read it or move it out of content/") in report.warnings


@pytest.fixture
def static_site(make_site, tmp_path):
    """A site whose layouts/static/ holds a file, links out of it, a loop and ignored names."""
    secret = tmp_path / "secret.txt"
    secret.write_text("not for publishing", encoding="utf-8")
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "key.txt").write_text("private", encoding="utf-8")
    root = make_site({"content/a.md": event_file("A"), "layouts/static/extra.css": "p {}",
                      "layouts/static/img/logo.svg": "<svg/>",
                      "layouts/static/.hidden.css": "hidden", "layouts/static/x.css~": "old"})
    static = root / "layouts" / "static"
    (static / "secret.txt").symlink_to(secret)
    (static / "private").symlink_to(tmp_path / "private")
    (static / "loop.css").symlink_to("loop.css")
    (static / "again.css").symlink_to("extra.css")  # inside: published
    return root


def test_layouts_static_publishes_only_what_is_inside_it(static_site):
    report = build_site(static_site)
    assets = static_site / "site" / "assets"
    published = sorted(p.relative_to(assets).as_posix() for p in assets.rglob("*")
                       if p.is_file())
    assert published == ["again.css", "embed.css", "embed.js", "extra.css", "img/logo.svg",
                         "style.css"]
    assert (assets / "again.css").read_text(encoding="utf-8") == "p {}"
    assert [w for w in report.warnings if w.startswith("layouts/")] == [
        "layouts/static/loop.css: skipped: it is a link in a loop of links; point it at a file "
        "or remove it",
        "layouts/static/private: skipped: it is a link to a folder outside layouts/static/",
        "layouts/static/secret.txt: skipped: it is a link to a file outside layouts/static/",
    ]


def test_a_link_out_of_layouts_static_is_never_published_by_a_later_build(static_site,
                                                                          tmp_path):
    build(BuildOptions(root=static_site))
    # Made a link only after a first build, which the next may take as up to date.
    (static_site / "layouts" / "static" / "later.txt").symlink_to(tmp_path / "secret.txt")
    report = build(BuildOptions(root=static_site))
    assert not (static_site / "site" / "assets" / "later.txt").exists()
    assert ("layouts/static/later.txt: skipped: it is a link to a file outside "
            "layouts/static/") in report.warnings


def test_a_layouts_static_folder_that_leads_out_of_the_site_is_not_published(make_site,
                                                                            tmp_path):
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    (elsewhere / "id_rsa").write_text("private key", encoding="utf-8")
    root = make_site({"content/a.md": event_file("A")})
    (root / "layouts").mkdir()
    (root / "layouts" / "static").symlink_to(elsewhere)
    report = build_site(root)
    assert not (root / "site" / "assets" / "id_rsa").exists()
    assert ("layouts/static: skipped: it leads out of the site's folder (through a link); put "
            "the files in it instead") in report.warnings


def test_folders_inside_one_another_deeper_than_python_recurses_are_read(make_site):
    root = make_site({"content/a.md": event_file("A"),
                      "content/" + "d/" * 300 + "deep.md": event_file("Deep")})
    # A thousand folders would stand for the hostile case, but no tool could remove them
    # (shutil.rmtree recurses too): Python is made to recurse less deep instead.
    depth = len(inspect.stack(0))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 200)
    try:
        found = discover(root)
    finally:
        sys.setrecursionlimit(limit)
    assert found.events == ("content/a.md", "content/" + "d/" * 300 + "deep.md")


def test_a_content_folder_that_leads_out_of_the_site_is_refused(tmp_path, capsys):
    outside = tmp_path / "home" / ".ssh"
    outside.mkdir(parents=True)
    (outside / "id_ed25519").write_text("PRIVATE\n", encoding="utf-8")
    (outside / "event.md").write_text(event_file(), encoding="utf-8")
    root = tmp_path / "clone"
    root.mkdir()
    (root / "content").symlink_to(outside)
    assert main(["build", "--source", str(root)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == ("content: is a link that leads out of the site's folder, and chronoline "
                      "publishes only what is inside it; put the folder itself there")
    assert not (root / "site").exists()


def test_a_content_folder_linked_inside_the_site_is_read(tmp_path):
    root = tmp_path / "site-src"
    (root / "events").mkdir(parents=True)
    (root / "events" / "a.md").write_text(event_file(), encoding="utf-8")
    (root / "content").symlink_to("events")
    build(BuildOptions(root=root))
    assert (root / "site" / "events" / "a" / "index.html").is_file()


def test_check_warns_of_what_the_build_leaves_out(tmp_path, capsys):
    secret = tmp_path / "secret.md"
    secret.write_text(event_file("Secret"), encoding="utf-8")
    root = tmp_path / "site-src"
    (root / "content").mkdir(parents=True)
    (root / "content" / "a.md").write_text(event_file(sources="[{url: 'https://e.org/', "
                                                               "title: T}]"), encoding="utf-8")
    (root / "content" / "out.md").symlink_to(secret)
    (root / "content" / "gone.md").symlink_to(tmp_path / "nothing.md")
    assert main(["check", "--source", str(root)]) == 0
    assert main(["check", "--strict", "--source", str(root)]) == 1
    err = capsys.readouterr().err
    assert ("warning: content/gone.md: skipped: it is a link to nothing (its target does not "
            "exist); fix or remove it") in err
    assert "warning: content/out.md: skipped: it is a link to a file outside content/" in err
