"""chronoline import refuses a sheet whose rows do not fit its header, naming the lines, so that
no value lands in the wrong column; and writes nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from generator.importer import ImportFailed, import_file

HEADER = ["Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
          "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
          "Media Thumbnail", "Type", "Group", "Background", "Alt Text"]


def row(year: str, headline: str, text: str = "", media: str = "") -> list[str]:
    cells = [""] * len(HEADER)
    cells[0], cells[9], cells[10], cells[11] = year, headline, text, media
    return cells


def line(cells: list[str]) -> str:
    return ",".join(f'"{cell}"' if "\n" in cell or "," in cell else cell for cell in cells)


def refusal(tmp_path, text: str) -> str:
    path = tmp_path / "sheet.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        import_file(path, tmp_path / "events")
    assert not (tmp_path / "events").exists()
    return str(failure.value).replace(str(path), "sheet.csv")


ADVICE = ("give every row one cell per column (export the sheet again, or fill in the missing "
          "cells) so that no value lands in the wrong column")


def test_rows_with_fewer_cells_than_the_header_are_refused_by_their_lines(tmp_path):
    # A cell holding two lines: the rows after it start a line later than their number says.
    short = row("2001", "Shifted", "https://example.org/a.jpg")[:-2]
    text = "\n".join([
        line(HEADER),
        line(row("2000", "Fits", "First line\nsecond line")),  # lines 2 and 3
        line(short),  # line 4
        line(row("2002", "Fits too")),
        "",  # a blank line is no row
        line(short),  # line 7
    ]) + "\n"
    assert refusal(tmp_path, text) == (
        "sheet.csv: rows at lines 4, 7 have 17 cells; the header has 19 (Year, Month, Day, "
        f"Time, …); {ADVICE}")


def test_rows_too_short_and_too_long_are_named_apart(tmp_path):
    rows = [row("2000", "Fits")] * 2 + [row("2001", "Long") + ["", "x"], row("2002", "Short")[:7]]
    rows += [row("2003", "Short")[:7]] * 12
    message = refusal(tmp_path, "\r\n".join(line(r) for r in [HEADER, *rows]))
    assert message == (
        "sheet.csv: the row at line 4 has 21 cells; rows at lines 5, 6, 7, 8, 9, 10, 11, 12, "
        "13, 14 and 3 more have 7 cells; the header has 19 (Year, Month, Day, Time, …); "
        f"{ADVICE}")


def test_a_sheet_whose_rows_fit_and_blank_rows_of_any_length_import(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text("\n".join([line(HEADER), line(row("2000", "One")), ",,,", "",
                               line(row("2001", "Two"))]) + "\n", encoding="utf-8")
    assert len(import_file(path, tmp_path / "events").written) == 2


def test_the_import_command_refuses_in_one_line(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "sheet.csv").write_text("Year,Headline,Text\n2000,One\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator", "import", "sheet.csv"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == ("chronoline import: sheet.csv: the row at line 2 has 2 cells; the "
                             f"header has 3 (Year, Headline, Text); {ADVICE}\n")
    assert not (tmp_path / "content" / "events").exists()
