"""Every input an event file gives is bounded: each bound is a clear error naming the file,
found at once, and real texts stay far inside them."""

import datetime as dt
import os
import subprocess
import sys

import pytest

from generator.content import parse_event
from generator.errors import ContentError, ContentErrors, printable
from generator.markup import make_markdown
from tests.conftest import REPO_ROOT, event_file

UTC = dt.UTC
MD = make_markdown(False)


def errors_of(text: str | bytes, tz: dt.tzinfo = UTC) -> list[str]:
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    with pytest.raises(ContentErrors) as caught:
        parse_event(data, "content/x.md", MD, tz)
    return [str(e) for e in caught.value.errors]


def with_body(body: str) -> str:
    return "---\ntitle: t\ndate: 2018\n---\n" + body


# Terminal escapes


def test_control_characters_in_a_path_are_escaped_in_messages():
    error = ContentError("content/\x1b]0;pwned\x07.md", "bad", 3, "date")
    assert str(error) == "content/\\x1b]0;pwned\\x07.md:3: date: bad"
    assert printable("a\u202eb\x9bc") == "a\\u202eb\\x9bc"


@pytest.mark.skipif(sys.platform == "win32", reason="names with control characters")
def test_the_command_never_prints_a_file_names_escape_to_the_terminal(make_site):
    root = make_site({"content/\x1b]0;pwned\x07.md": event_file(date="someday")})
    done = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=root,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert done.returncode == 1
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr
    assert "content/\\x1b]0;pwned\\x07.md:3: date: 'someday' is not a date" in done.stderr
