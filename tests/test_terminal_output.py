"""What chronoline prints never carries a file name's control characters to the terminal."""

from __future__ import annotations

import os

from generator.cli import main

from conftest import Served, event_file


def test_a_warning_escapes_a_file_name_that_would_retitle_the_terminal(make_site, tmp_path,
                                                                       capsys):
    outside = tmp_path / "outside.md"
    outside.write_text(event_file("Outside"), encoding="utf-8")
    root = make_site({"content/a.md": event_file()})
    os.symlink(outside, root / "content" / "\x1b]0;pwned\x07.md")
    assert main(["build", "--source", str(root)]) == 0
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert ("warning: content/\\x1b]0;pwned\\x07.md: skipped: it is a link to a file outside "
            "content/") in err


def test_a_command_error_escapes_a_folder_name(tmp_path, capsys):
    folder = tmp_path / "\x1b[31mred"
    assert main(["build", "--source", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[31mred" in err


def test_serve_escapes_the_name_of_a_changed_file(tmp_path):
    root = tmp_path / "s"
    (root / "content").mkdir(parents=True)
    (root / "content" / "good.md").write_text(event_file("Good"), encoding="utf-8")
    served = Served(root)
    try:
        mark = len(served.lines)
        name = "\x1b]0;pwned\x07\x1b[2Jok.md"
        (root / "content" / name).write_text(event_file("Ok"), encoding="utf-8")
        line = served.wait_for_line(" changed", after=mark, timeout=60)
        assert line.startswith("content/\\x1b]0;pwned\\x07\\x1b[2Jok.md changed: ")
        assert not any("\x1b" in seen or "\x07" in seen for seen in served.lines)
    finally:
        served.stop()


def test_new_escapes_the_path_it_prints(tmp_path, capsys):
    site = tmp_path / "\x1b[2Jsite"
    site.mkdir()  # new writes into a site that is there, never makes one
    assert main(["new", "A title", "--date", "2018-07-19", "--site", str(site)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[2Jsite/content/events/2018-07-19-a-title.md" in out
