"""Dates in an event's front matter: `circa: true`, `end: present`, an interval in `date:`,
and the errors of each, with their file and line."""

import datetime as dt

import pytest

from generator.content import parse_event
from generator.dates import PartialDate
from generator.errors import ContentErrors
from generator.markup import make_markdown

MD = make_markdown(False)
FORMS = ("write it as 2018, 2018-07, 2018-07-19, 2018-07-19T14:30+01:00, 19 July 2018, 44 BC, "
         "-250, c. 1200, 1990s, 1984?, 201X, 1990/1995, 2020/.., before 1500, 66 Ma; see "
         "docs/dates.md")


def event(front: str):
    return parse_event(f"---\ntitle: t\n{front}---\n".encode(), "content/e.md", MD, dt.UTC)


def errors(front: str) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        event(front)
    return [str(e) for e in caught.value.errors]


def test_circa_marks_the_date_and_its_end_approximate():
    read = event("date: 1200\nend: 1250\ncirca: true\n")
    assert (read.date, read.end) == (PartialDate(1200, qualifier="~"),
                                     PartialDate(1250, qualifier="~"))
    assert event("date: '1984?'\ncirca: true\n").date.qualifier == "%"


def test_end_present_is_a_range_still_going_on():
    read = event("date: 2020\nend: present\n")
    assert (read.date, read.end, read.ongoing) == (PartialDate(2020), None, True)
    assert event("date: 2020/..\n").ongoing


def test_an_interval_in_date_gives_both_ends():
    read = event("date: 1990/1995\n")
    assert (read.date, read.end, read.ongoing) == (PartialDate(1990), PartialDate(1995), False)


def test_historians_dates_sort_by_their_earliest_instant():
    assert event("date: 44 BC\n").start < event("date: 79\n").start < event("date: 1984\n").start
    assert event("date: 66 Ma\n").start < event("date: -250\n").start


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("date: 0\n", f"content/e.md:3: date: '0': there is no year 0: 1 BC is followed by AD 1; "
                      f"write -1 (1 BC) or 1; {FORMS}"),
        ("date: 1990/1995\nend: 1996\n",
         "content/e.md:4: end: the date '1990/1995' is a range with its end already; remove "
         "'end:', or write one date in 'date:'"),
        ("date: 1990\nend: before 1995\n",
         "content/e.md:4: end: 'before 1995' is no end: write the date it ends"),
        ("date: 1990\nend: 1980/1985\n",
         f"content/e.md:4: end: '1980/1985' is a range; give one date here; {FORMS}"),
        ("date: 1990\ncirca: maybe\n", "content/e.md:4: circa: must be true or false, not "
                                       "'maybe'"),
        ("date: 44 AD\nend: 44 BC\n", "content/e.md:4: end: -0043 ends before the date 0044 "
                                      "begins"),
        ("date: 1900-02-29\n", f"content/e.md:3: date: day 29 does not exist in 1900-02; "
                               f"{FORMS}"),
    ],
)
def test_what_is_wrong_names_the_file_the_line_and_the_fix(front, message):
    assert errors(front) == [message]
