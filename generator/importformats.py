"""Read a TimelineJS file (TimelineJS3 JSON, TimelineJS 2 JSON, a sheet as CSV), bounded."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, overload

from generator.errors import CommandFailed

if TYPE_CHECKING:
    from _csv import Reader

# Bounds no real timeline comes near (the largest TimelineJS examples are 25 KB, with 41
# slides), so that a hostile file is refused at once rather than filling memory or the disk.
MAX_BYTES = 50 * 1024 * 1024
MAX_SLIDES = 20_000
MAX_NESTING = 16  # lists and objects inside one another; a TimelineJS timeline needs 5
PARTS = ("year", "month", "day", "hour", "minute", "second")
# "1963,8,9": each run of spaces has one place in the pattern, so a long line of commas and
# spaces that does not match fails at once (the pattern before took 2^n steps to fail).
_LEGACY_DATE = re.compile(r"-?\d+\s*(?:,\s*(?:-?\d+\s*)?)*")
_TIME = re.compile(r"(\d{1,2})(?:[:.]?(\d{2})(?:[:.](\d{2}))?)?\s*(?:([ap])\.?m\.?)?", re.I)
_LINE_END = re.compile(r"[\r\n]")
_PAGE = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)
SHOWN_LINES = 10  # of the rows that do not fit a sheet's header, the first ones named


class ImportFailed(CommandFailed):
    """A file that is not a timeline this importer can read; the message is one line."""


def load(path: Path) -> dict:
    """The file's timeline in TimelineJS3's shape, whichever of the three forms it was in."""
    return parse(_read(path), str(path))


def parse(data: bytes, name: str, content_type: str = "") -> dict:
    """A timeline read from `data` (the file or address `name`, served as `content_type`)."""
    text = _decode(data, name)
    if not text.strip():
        raise ImportFailed(f"{name}: is empty; export the timeline again, as TimelineJS JSON "
                           "or as a TimelineJS spreadsheet saved as CSV")
    start = text.lstrip()[:1]
    if content_type == "text/html" or _PAGE.match(text):
        raise ImportFailed(f"{name}: is a web page, not a TimelineJS file; give the address of "
                           "the timeline's JSON, or of a Google Sheet published as CSV (File, "
                           "Share, Publish to web, Comma-separated values)")
    as_csv = content_type == "text/csv" or start not in ("{", "[")
    timeline = from_csv(text, name) if as_csv else _from_json(text, name)
    if timeline is None:
        raise ImportFailed(f"{name}: is neither TimelineJS JSON nor a TimelineJS spreadsheet "
                           "saved as CSV (with columns such as Year and Headline)")
    if len(timeline["events"]) > MAX_SLIDES:
        raise ImportFailed(f"{name}: has {len(timeline['events']):,} slides; chronoline imports at "
                           f"most {MAX_SLIDES:,} from one file, so split it into several")
    return timeline


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)  # not stat(): a pipe or /dev/zero has no size
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise ImportFailed(f"{path}: is larger than {MAX_BYTES // 1024 // 1024} MB; chronoline "
                           "imports TimelineJS files up to that size (real ones are far smaller)")
    return data


def _decode(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = len(re.findall(rb"\r\n?|\n", data[: exc.start])) + 1
        raise ImportFailed(f"{path}:{line}: is not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                           "save it as UTF-8 (in Excel: 'CSV UTF-8')") from None


def _from_json(text: str, path: str) -> dict:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"{path}:{exc.lineno}: is not JSON ({exc.msg})") from None
    except RecursionError:  # json reads nested lists and objects by recursion
        raise ImportFailed(_too_deep(path)) from None
    except ValueError:  # Python reads at most 4,300 digits of an integer
        raise ImportFailed(f"{path}: holds a number of more than 4,300 digits, which no "
                           "timeline has") from None
    if _deeper_than(data, MAX_NESTING):
        raise ImportFailed(_too_deep(path))
    if isinstance(data, dict) and isinstance(data.get("events"), list):
        return data
    timeline = data.get("timeline") if isinstance(data, dict) else None
    if isinstance(timeline, dict) and isinstance(timeline.get("date"), list):
        return from_legacy(timeline)
    raise ImportFailed(f"{path}: is not a TimelineJS timeline: it has no 'events' list "
                       "(TimelineJS3) and no 'timeline.date' list (TimelineJS 2)")


def _too_deep(path: str) -> str:
    return (f"{path}: nests lists and objects more than {MAX_NESTING} deep; a TimelineJS "
            "timeline needs 5, so this is not one")


def _deeper_than(data: object, limit: int) -> bool:
    """True if lists and mappings nest more than `limit` deep in `data` (no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value \
            if isinstance(value, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def from_legacy(timeline: dict) -> dict:
    """TimelineJS 2's `timeline` object in TimelineJS3's shape; what has the wrong type stays
    as it was, for the slides' reader to report."""
    title = _legacy_fields(timeline)
    title.pop("start_date")
    eras = timeline.get("era")
    return {"title": title, "events": [_legacy_slide(d) for d in timeline["date"]],
            "eras": [_legacy_slide(e) for e in eras] if isinstance(eras, list) else eras}


# A slide's fields stay a mapping; anything else is left as it was.
@overload
def _legacy_slide(slide: dict) -> dict: ...
@overload
def _legacy_slide(slide: object) -> object: ...


def _legacy_slide(slide: object) -> object:
    return _legacy_fields(slide) if isinstance(slide, dict) else slide


def _legacy_fields(slide: dict) -> dict:
    data = {key: value for key, value in slide.items() if key not in (
        "startDate", "endDate", "headline", "text", "tag", "asset", "date", "era", "type")}
    asset = slide.get("asset")
    data.update(text={"headline": slide.get("headline"), "text": slide.get("text")},
                start_date=_legacy_date(slide.get("startDate")), group=slide.get("tag"),
                media={("url" if k == "media" else k): v for k, v in asset.items()}
                if isinstance(asset, dict) else asset)
    if not blank(slide.get("endDate")):
        data["end_date"] = _legacy_date(slide["endDate"])
    return data


def _legacy_date(value: object) -> object:
    """`"1963,8,9"` as a TimelineJS3 date object; anything else as it was, to be reported."""
    text = str(value).strip() if value is not None else ""
    if _LEGACY_DATE.fullmatch(text):
        return dict(zip(PARTS, (part.strip() for part in text.split(",")), strict=False))
    return value


def from_csv(text: str, path: str) -> dict | None:
    """A TimelineJS sheet saved as CSV, read as TimelineJS reads it; None if it is not one.
    A row whose cells do not line up with the header is refused, since its values would land
    in the wrong columns (a picture's address as the headline, a paragraph as the date)."""
    # Any line ends (Excel for the Mac wrote CR alone), and the delimiter Excel writes where
    # the decimal mark is a comma.
    header = _LINE_END.split(text, maxsplit=1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        names = [name.strip() for name in next(reader, [])]
        if not {"Year", "Headline"} <= set(names):
            return None
        rows, misfits = _rows(reader, names)
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise ImportFailed(f"{path}:{reader.line_num}: holds a field of more than "
                               f"{csv.field_size_limit():,} characters, which no spreadsheet "
                               "cell holds (Google Sheets: 50,000)") from None
        raise ImportFailed(f"{path}:{reader.line_num}: cannot be read as CSV "
                           f"({exc})") from None
    if misfits:
        raise ImportFailed(_misfit_message(path, misfits, names))
    return _sheet(rows)


def _rows(reader: Reader, names: list[str],
          ) -> tuple[list[dict[str, str]], dict[int, list[int]]]:
    """The sheet's rows by column name, and the rows whose number of cells differs from the
    header's: the line each starts on, by its number of cells. A blank row is no row."""
    rows: list[dict[str, str]] = []
    misfits: dict[int, list[int]] = {}
    line = reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            if len(cells) == len(names):
                rows.append({name: cell.strip() for name, cell in zip(names, cells, strict=True)})
            else:
                misfits.setdefault(len(cells), []).append(line)
        # A cell may hold line ends: the next row starts after the last line this one used.
        line = reader.line_num + 1
    return rows, misfits


def _misfit_message(path: str, misfits: dict[int, list[int]], names: list[str]) -> str:
    """`sheet.csv: rows at lines 4, 9 have 7 cells; the header has 18 (Year, Month, …)`."""
    parts = []
    for count, lines in sorted(misfits.items(), key=lambda item: item[1][0]):
        shown = ", ".join(str(line) for line in lines[:SHOWN_LINES])
        more = f" and {len(lines) - SHOWN_LINES:,} more" if len(lines) > SHOWN_LINES else ""
        cells = f"{count} cell{'' if count == 1 else 's'}"
        parts.append(f"the row at line {shown} has {cells}" if len(lines) == 1
                     else f"rows at lines {shown}{more} have {cells}")
    columns = ", ".join(name[:30] for name in names[:4]) + (", …" if len(names) > 4 else "")
    return (f"{path}: {'; '.join(parts)}; the header has {len(names)} ({columns}); give every "
            "row one cell per column (export the sheet again, or fill in the missing cells) "
            "so that no value lands in the wrong column")


def _sheet(rows: list[dict[str, str]]) -> dict:
    data: dict = {"events": [], "eras": []}
    for row in rows:
        slide = {"start_date": _csv_date(row, ""), "end_date": _csv_date(row, "End "),
                 "display_date": row.get("Display Date"),
                 "group": row.get("Group") or row.get("Tag"),
                 "text": {"headline": row.get("Headline"), "text": row.get("Text")},
                 "media": {"url": row.get("Media"), "credit": row.get("Media Credit"),
                           "caption": row.get("Media Caption"),
                           "thumbnail": row.get("Media Thumbnail"), "alt": row.get("Alt Text")}}
        if background := row.get("Background"):  # TimelineJS: a URL, or else a colour
            slide["background"] = {"url" if re.match(r"(https?:)?//?", background) else "color":
                                   background}
        kind = row.get("Type", "").lower()
        if kind == "title" and "title" not in data:
            data["title"] = slide
        else:
            data["eras" if kind == "era" else "events"].append(slide)
    return data


def blank(value: object) -> bool:
    """True for what TimelineJS shows as nothing: null, "", whitespace, {} and []."""
    return value is None or value == {} or value == [] or (isinstance(value, str)
                                                          and not value.strip())


def _csv_date(row: dict[str, str], prefix: str) -> dict | None:
    if not row.get(prefix + "Year"):
        return None
    date: dict = {part: row.get(prefix + part.title(), "") for part in PARTS[:3]}
    clock = row.get(prefix + "Time", "")
    if match := _TIME.fullmatch(clock):
        hour, minute, second, half = match.groups()
        hour = int(hour) % 12 + (12 if half.lower() == "p" else 0) if half else int(hour)
        date.update(hour=hour, minute=minute or 0, second=second or "")
    elif clock:
        date["hour"] = clock  # not a time: reported as such
    return date
