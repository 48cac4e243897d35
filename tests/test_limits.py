"""Every input an event file gives is bounded: each bound is a clear error naming the file,
found at once, and real texts stay far inside them."""

import datetime as dt
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content import parse_event
from generator.dates import DateError, parse_date
from generator.errors import BuildFailed, ContentError, ContentErrors, printable, quoted
from generator.markup import make_markdown
from tests.conftest import REPO_ROOT, build_site, event_file

UTC = dt.UTC
MD = make_markdown(False)


def errors_of(text: str | bytes, tz: dt.tzinfo = UTC) -> list[str]:
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    with pytest.raises(ContentErrors) as caught:
        parse_event(data, "content/x.md", MD, tz)
    return [str(e) for e in caught.value.errors]


def with_body(body: str) -> str:
    return "---\ntitle: t\ndate: 2018\n---\n" + body


# Dates


def test_a_date_of_thousands_of_digits_is_refused_at_once_and_quoted_short():
    # The pattern for written dates took 46 s over 64,000 digits.
    assert errors_of("---\ntitle: t\ndate: '" + "1" * 64_000 + "'\n---\n") == [
        "content/x.md:3: date: '" + "1" * 60 + "'… (64,000 characters) is too long for a date: "
        "at most 100 characters; write it as 2018, 2018-07, 2018-07-19, "
        "2018-07-19T14:30:00+01:00, 19 July 2018 or July 2018"]


def test_quoted_keeps_short_values_whole():
    assert quoted("2018-13") == "'2018-13'"
    assert quoted("x" * 100) == "'" + "x" * 60 + "'… (100 characters)"


def test_a_long_bad_url_is_quoted_by_its_start():
    url = "ftp://" + "a" * 1_900
    assert errors_of(f"---\ntitle: t\ndate: 2018\nsources:\n  - url: {url}\n---\n") == [
        f"content/x.md:5: sources[1].url: {url[:60]!r}… (1,906 characters) is not an http(s) "
        "link; write the full address, starting with https://"]


def test_a_moment_past_the_last_year_is_an_error_not_a_crash():
    assert errors_of("---\ntitle: t\ndate: 9999-12-31T20:00-05:00\n---\n") == [
        "content/x.md:3: date: year 9999 is too far in the future; write it as 2018, 2018-07, "
        "2018-07-19, 2018-07-19T14:30:00+01:00, 19 July 2018 or July 2018"]


def test_a_moment_before_year_one_in_the_site_zone_is_an_error():
    assert errors_of("---\ntitle: t\ndate: 0001-01-01T01:00+01:00\n---\n",
                     ZoneInfo("America/New_York")) == [
        "content/x.md:3: date: '0001-01-01T01:00+01:00' falls outside the years 1 to 9998 in "
        "the time zone America/New_York; write a later or earlier date; write it as 2018, "
        "2018-07, 2018-07-19, 2018-07-19T14:30:00+01:00, 19 July 2018 or July 2018"]


ZONES = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kathmandu",
         "America/St_Johns", "Europe/London", "Australia/Lord_Howe"]
EXTREMES = st.sampled_from(["0001", "0001-01", "0001-01-01", "9998", "9998-12", "9998-12-31",
                            "9999-12-31", "1 January 0001", "31 December 9998"])
MOMENTS = st.builds(
    lambda day, hour, minute, offset: f"{day}T{hour:02d}:{minute:02d}{offset}",
    st.sampled_from(["0001-01-01", "0001-01-02", "9998-12-31", "9999-12-31", "2018-07-19"]),
    st.integers(0, 23), st.sampled_from([0, 30, 59]),
    st.sampled_from(["", "Z", "+14:00", "-12:00", "+05:45", "-09:30", "+00:00"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written=st.one_of(EXTREMES, MOMENTS), zone=st.sampled_from(ZONES),
       end=st.one_of(st.none(), EXTREMES, MOMENTS))
def test_every_date_and_zone_gives_an_event_or_an_error(written, zone, end):
    """What the pages, feeds and calendar do with a date, done for the extremes of the
    calendar in zones from -12 to +14 hours: either all of it works or the date is refused."""
    tz = ZoneInfo(zone)
    for text in filter(None, (written, end)):
        try:
            date = parse_date(text, tz)
        except DateError as exc:
            assert "\n" not in str(exc)
            continue
        for instant in (date.start(tz), date.end(tz)):
            local = instant.astimezone(tz)
            local.date() + dt.timedelta(days=1)  # the calendar's all-day end  # noqa: B018
        date.local(tz).display("en", tz)
        date.iso()
    extra = f"\nend: '{end}'" if end else ""
    try:
        event = parse_event(f"---\ntitle: t\ndate: '{written}'{extra}\n---\n".encode(),
                            "content/x.md", MD, tz)
    except ContentErrors as exc:
        assert all(e.line for e in exc.errors)
    else:
        assert event.start.tzinfo is UTC


@pytest.mark.parametrize("date", ["9998-12-31T23:59-12:00", "0001-01-01T00:00", "0001",
                                  "9998-12-31"])
def test_a_site_of_extreme_dates_builds_with_feeds_and_calendar(make_site, date):
    root = make_site({"content/a.md": event_file(date=f"'{date}'")},
                     config='title = "T"\nbase_url = "https://example.org/"\n'
                            'timezone = "Pacific/Kiritimati"\n')
    build_site(root)
    assert "BEGIN:VEVENT" in (root / "site/events.ics").read_text(encoding="utf-8")


def test_an_overflowing_date_fails_the_build_with_a_line_not_a_crash(make_site):
    root = make_site({"content/a.md": event_file(date="'9999-12-31T20:00-05:00'")},
                     config='title = "T"\nbase_url = "https://example.org/"\n'
                            'timezone = "America/New_York"\n')
    with pytest.raises(BuildFailed) as caught:
        build_site(root)
    assert [str(e) for e in caught.value.errors] == [
        "content/a.md:3: date: year 9999 is too far in the future; write it as 2018, 2018-07, "
        "2018-07-19, 2018-07-19T14:30:00+01:00, 19 July 2018 or July 2018"]


# YAML


def test_a_control_character_yaml_refuses_is_one_line_with_its_line():
    assert errors_of("---\ntitle: t\ndate: 2018\nsummary: a\x80b\n---\n") == [
        "content/x.md:4: holds a control character (U+0080); remove it"]


def test_eighty_aliases_are_one_error():
    aliases = "".join(f"  k{i}: *a\n" for i in range(80))
    assert errors_of(f"---\ntitle: t\ndate: 2018\nextra:\n  a: &a x\n{aliases}---\n") == [
        "content/x.md:5: YAML anchors and aliases (& and *) are not supported; write the value "
        "out (80 aliases of it)"]


def test_a_billion_laughs_is_one_error_and_stays_small():
    levels = ["  l0: &l0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 10)]
    text = "---\ntitle: t\ndate: 2018\nextra:\n" + "\n".join(levels) + "\n---\n"
    assert errors_of(text) == [
        "content/x.md:5: YAML anchors and aliases (& and *) are not supported; write the value "
        "out (90 aliases)"]


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
