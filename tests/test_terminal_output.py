"""What chronoline prints never carries a file name's control characters to the terminal."""

from __future__ import annotations

import os

from generator.cli import main

from conftest import event_file


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
