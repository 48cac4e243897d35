"""A site's own templates are as untrusted as its events: they run in Jinja's sandbox and read
only files inside layouts/, so a cloned site can neither run code nor publish a file from
elsewhere on the machine."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.cli import main
from generator.errors import BuildFailed
from tests.conftest import Served, event_file, read_html

FOOTER = '{% extends "default/base.html" %}\n{% block footer %}TEMPLATE{% endblock %}\n'


def events(count: int) -> dict[str, str]:
    return {f"content/e{n}.md": event_file(f"Event {n}", f"2018-07-{n % 28 + 1:02d}")
            for n in range(count)}


def build_cli(root: Path, capsys) -> tuple[int, list[str]]:
    status = main(["build", "--quiet", "--source", str(root)])
    return status, capsys.readouterr().err.splitlines()


def footer(template: str) -> str:
    return FOOTER.replace("TEMPLATE", template)


@pytest.mark.parametrize("count", [1, 250])  # 250: the pages are rendered in worker processes
def test_the_reported_template_neither_runs_code_nor_reads_a_linked_key(make_site, tmp_path,
                                                                        capsys, count):
    key = tmp_path / "id_rsa"
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n", encoding="utf-8")
    pwned = tmp_path / "PWNED"
    root = make_site({**events(count), "layouts/base.html": footer(
        '<pre>{% include "key.txt" %}</pre>'
        f"{{{{ cycler.__init__.__globals__.os.system('touch {pwned}') }}}}")})
    (root / "layouts" / "key.txt").symlink_to(key)

    status, err = build_cli(root, capsys)

    assert (status, err[:1]) == (1, [
        "layouts/key.txt: is a link to a file outside layouts/; copy the file into layouts/ "
        "instead of linking to it"])
    assert not pwned.exists()
    assert not (root / "site").exists()


@pytest.mark.parametrize("count", [1, 250])
def test_code_in_a_template_is_refused_with_its_file_and_line(make_site, tmp_path, capsys, count):
    pwned = tmp_path / "PWNED"
    root = make_site({**events(count), "layouts/base.html": footer(
        f"\n\n{{{{ cycler.__init__.__globals__.os.system('touch {pwned}') }}}}")})

    status, err = build_cli(root, capsys)

    assert status == 1
    assert err[0] == (
        "layouts/base.html:4: template: access to attribute '__init__' of 'type' object is "
        "unsafe; templates run in a sandbox, which lets them reach the pages' data but not "
        "Python's own")
    assert not pwned.exists()


@pytest.mark.parametrize(("template", "refused"), [
    ("{{ ''.__class__.__mro__ }}", "'__class__' of 'str'"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "'__class__' of 'str'"),
    ("{{ site.__class__ }}", "'__class__' of 'SiteConfig'"),
    ("{{ site|attr('__dict__') }}", "'__dict__' of 'SiteConfig'"),
    ("{{ url.__globals__ }}", "'__globals__' of 'function'"),
    ("{{ lipsum.__globals__['os'] }}", "'__globals__' of 'function'"),
    ("{{ self.__init__.__globals__ }}", "'__init__' of 'TemplateReference'"),
    ("{{ '{0.__class__}'.format('') }}", "'__class__' of 'str'"),
    ("{{ event.__class__ }}", "'__class__' of 'Event'"),
    ("{{ event.date.__reduce__() }}", "'__reduce__' of 'PartialDate'"),
])
def test_python_internals_are_out_of_reach(make_site, capsys, template, refused):
    root = make_site({**events(1), "layouts/event.html": '{% extends "default/event.html" %}\n'
                      "{% block main %}" + template + "{% endblock %}\n"})

    status, err = build_cli(root, capsys)

    assert status == 1
    assert len(err) == 2, err  # the problem, and the line saying the build failed
    assert err[0].startswith("layouts/event.html:2: template: access to attribute ")
    assert refused in err[0]
    assert err[0].endswith("; templates run in a sandbox, which lets them reach the pages' data "
                           "but not Python's own")


def test_a_huge_range_is_a_template_error(make_site, capsys):
    root = make_site({**events(1), "layouts/base.html": footer(
        "{{ range(10 ** 9)|length }}")})

    assert build_cli(root, capsys) == (1, [
        "layouts/base.html:2: template: range() may give at most 100,000 numbers; templates "
        "run in a sandbox, which lets them reach the pages' data but not Python's own",
        f"Build failed: 1 problem; {root / 'site'} was left as it was."])


def test_an_included_link_out_of_layouts_is_refused_also_through_a_linked_folder(
        make_site, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.html").write_text("TOP SECRET", encoding="utf-8")
    root = make_site({**events(1),
                      "layouts/base.html": footer('{% include "parts/secret.html" %}')})
    (root / "layouts" / "parts").symlink_to(elsewhere)

    status, err = build_cli(root, capsys)

    assert (status, err[0]) == (1, "layouts/parts/secret.html: is a link to a file outside "
                                   "layouts/; copy the file into layouts/ instead of linking to it")


def test_a_link_out_of_layouts_that_replaces_a_theme_template_is_refused(make_site, tmp_path,
                                                                          capsys):
    outside = tmp_path / "event.html"
    outside.write_text("{% extends 'default/event.html' %}", encoding="utf-8")
    root = make_site(events(1))
    (root / "layouts").mkdir()
    (root / "layouts" / "event.html").symlink_to(outside)

    status, err = build_cli(root, capsys)

    assert (status, err[0]) == (1, "layouts/event.html: is a link to a file outside layouts/; "
                                   "copy the file into layouts/ instead of linking to it")


def test_a_layouts_folder_that_links_out_of_the_site_is_refused(make_site, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "base.html").write_text(footer("from elsewhere"), encoding="utf-8")
    root = make_site(events(1))
    (root / "layouts").symlink_to(elsewhere)

    status, err = build_cli(root, capsys)

    assert (status, err[0]) == (1, "layouts: is a link to a folder outside the site; copy the "
                                   "templates into layouts/ instead of linking to them")
    assert not (root / "site").exists()


def test_a_layouts_folder_in_a_loop_of_links_is_refused(make_site, capsys):
    root = make_site(events(1))
    (root / "layouts").symlink_to(root / "layouts")

    status, err = build_cli(root, capsys)

    assert (status, err[0]) == (1, "layouts: is a link that leads to no folder; make it a "
                                   "folder of templates")


def test_links_that_stay_inside_layouts_still_work(make_site, capsys):
    root = make_site({**events(1), "layouts/parts/real.html": "<p id=shared>shared part</p>",
                      "layouts/base.html": footer('{% include "linked.html" %}'
                                                  '{% include "folder/real.html" %}')})
    (root / "layouts" / "linked.html").symlink_to(root / "layouts" / "parts" / "real.html")
    (root / "layouts" / "folder").symlink_to(Path("parts"))

    assert build_cli(root, capsys) == (0, [])
    assert len(read_html(root / "site" / "index.html").select("footer p#shared")) == 2


def test_a_layout_that_is_not_utf8_is_named(make_site, capsys):
    root = make_site({**events(1),
                      "layouts/base.html": b"\xff\xfe{% extends 'default/base.html' %}"})

    assert build_cli(root, capsys)[1][0] == ("layouts/base.html: is not UTF-8 text (byte 0); "
                                             "save it as UTF-8")


def test_the_documented_template_features_still_work(make_site, tmp_path):
    root = make_site({
        "content/a.md": event_file("First", "2018-07-19", tags="[alpha, beta]"),
        "content/b.md": event_file("Second", "2019-02-01", body="Body with [a link](../a/)."),
        "layouts/static/extra.css": "p { color: red }",
        "layouts/macros.html": (
            '{% extends "default/macros.html" %}\n'
            "{% macro shout(text) %}<b class=shout>{{ text|upper }}</b>{% endmacro %}\n"),
        "layouts/base.html": (
            '{% extends "default/base.html" %}\n'
            "{% block head %}{{ super() }}"
            "<link rel=\"stylesheet\" href=\"{{ url('assets/extra.css') }}\">{% endblock %}\n"
            '{% block footer %}{% import "macros.html" as own %}'
            '<p id=words>{{ _("Tags") }}</p>'
            "<p id=shout>{{ own.shout(site.title) }}</p>"
            "<p id=years>{% for n in range(2) %}{{ n }}{% endfor %}"
            "|{{ [3, 1, 2]|sort|join(',') }}|{{ site.title|length }}|{{ 'a-b'|replace('-', '+') }}"
            "|{{ '%s!'|format('hi') }}|{{ '{}?'.format('ok') }}</p>{% endblock %}\n"),
    }, config='title = "My <timeline>"\n')

    build(BuildOptions(root=root, jobs=1))

    page = read_html(root / "site" / "events" / "a" / "index.html")
    assert page.select_one("link[href='../../assets/extra.css']") is not None
    assert page.select_one("#words").text == "Tags"
    assert str(page.select_one("#shout")) == (
        '<p id="shout"><b class="shout">MY &lt;TIMELINE&gt;</b></p>')
    assert page.select_one("#years").text == "01|1,2,3|13|a+b|hi!|ok?"
    index = read_html(root / "site" / "index.html")
    assert [a.text for a in index.select("a[rel=tag]")] == ["alpha", "beta"]
    assert index.select_one("a[href='events/a/index.html']").text == "First"
    assert index.select_one("a[href='tags/alpha/index.html']") is not None
    assert (root / "site" / "assets" / "extra.css").is_file()


@pytest.mark.parametrize("linked", ["layouts", "layouts/key.txt"])
def test_the_build_reads_nothing_through_a_link_out_of_layouts(make_site, tmp_path, linked):
    """The build's stamp of the layouts hashed every file in them, also through links: a
    layouts folder that linked to /usr made a build read 5.8 GB before any template ran."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "base.html").write_text(footer("from elsewhere"), encoding="utf-8")
    root = make_site({**events(1), "layouts/event.html": '{% extends "default/event.html" %}'})
    if linked == "layouts":
        shutil.rmtree(root / "layouts")
        (root / "layouts").symlink_to(outside)
    else:
        (root / linked).symlink_to(outside / "base.html")
    with files_opened() as opened:
        if linked == "layouts":
            with pytest.raises(BuildFailed):
                build(BuildOptions(root=root, jobs=1))
        else:  # nothing includes the link: the build has no reason to refuse it
            build(BuildOptions(root=root, jobs=1))

    assert root / "content" / "e0.md" in opened, "the build's own reads are seen"
    assert [path for path in opened if path.resolve().is_relative_to(outside)] == []


@contextlib.contextmanager
def files_opened() -> Iterator[list[Path]]:
    """The files this process opens within the block, however it opens them: open(),
    os.open() and pathlib each raise Python's audit event "open"."""
    opened: list[Path] = []
    recording = threading.Event()

    def note(event: str, args: tuple) -> None:
        named = event == "open" and isinstance(args[0], (str, bytes, os.PathLike))
        if named and recording.is_set():
            opened.append(Path(os.fsdecode(args[0])))

    sys.addaudithook(note)  # a hook stays for the whole run: it is idle once the block ends
    recording.set()
    try:
        yield opened
    finally:
        recording.clear()


def test_serve_renders_no_linked_key_and_runs_no_code(make_site, tmp_path):
    key = tmp_path / "id_rsa"
    key.write_text("PRIVATE KEY TEXT", encoding="utf-8")
    pwned = tmp_path / "PWNED"
    root = make_site({**events(1), "layouts/base.html": footer(
        '<pre>{% include "key.txt" %}</pre>'
        f"{{{{ cycler.__init__.__globals__.os.system('touch {pwned}') }}}}")})
    (root / "layouts" / "key.txt").symlink_to(key)
    served = Served(root)
    try:
        assert served.wait_for_line("layouts/key.txt") == (
            "layouts/key.txt: is a link to a file outside layouts/; copy the file into layouts/ "
            "instead of linking to it")
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(served.url, timeout=20)
        assert answer.value.code == 404
        assert b"PRIVATE KEY" not in answer.value.read()
    finally:
        assert served.stop() == 0
    assert not pwned.exists()
