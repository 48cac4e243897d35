"""Dates in HTML: `<time datetime>` where HTML can hold the date, `<data>` where it cannot.

HTML's `datetime` holds only plain dates of the years 1 to 9999: "1984?" is a bad value, and
`datetime="-0043"` is read as a time-zone offset of -00:43, a silent lie. Any other date keeps
its text and carries its exact value as EDTF in `<data class="date" value>`, which the Nu
checker accepts; a `<time>` without `datetime` would need text that is itself a date."""

from __future__ import annotations

from markupsafe import Markup, escape

from generator.dateparts import PartialDate


def datetag(date: PartialDate, text: str) -> Markup:
    """`text`, the date as readers read it, in the element that carries `date`'s value."""
    iso = date.iso()
    if iso is not None:
        return Markup('<time datetime="{}">{}</time>').format(iso, text)
    return Markup('<data class="date" value="{}">{}</data>').format(date.edtf(), escape(text))
