"""The shapes of Markdown text that Python-Markdown takes far too long on, found before it reads
them: one pass of regular expressions and counts over a text, never a parse."""

from __future__ import annotations

import re

# Python-Markdown takes time that grows with the square of some shapes of text (each unclosed
# link is looked for to the end of its paragraph; each heading, rule or definition splits the
# rest of its paragraph off again) and recurses once per level of nesting. Real writing stays
# far below these bounds; a text above them is refused before it is rendered, in one pass of
# regular expressions and counts over it, never a parse.
# Each bound below lets a 1 MB body render in about a second (benchmarks/ has no part in it:
# the figures are from rendering each shape at its bound).
MAX_NESTING = 50  # quotes and lists inside each other, or links inside links
MAX_NESTING_MARKS = 20_000  # quote marks and list markers at line starts, in all
# Each inline mark (*, _, `, [, &, \, <, a line break) rebuilds its paragraph's text: the sum of
# marks × paragraph length is the work; 200 million is about a second. A link is rendered in
# some 40 µs, so the marks of a text are bounded too.
MAX_MARK_WORK = 200_000_000
MAX_MARKS = 30_000
# Each unclosed '[' or '](' is looked for to the end of its paragraph, a hundred times slower
# than a mark: 1.5 million is under a second, and a real text needs a thousandth of it.
MAX_UNCLOSED_WORK = 1_500_000
MAX_SPLITTING_LINES = 200  # headings, rules, definitions and fences in one paragraph
MAX_ALL_SPLITTING_LINES = 2_000  # and in all
MAX_PARAGRAPHS = 10_000  # Python-Markdown takes its blocks off the front of a list, one by one
MAX_PARAGRAPH_LINES = 10_000  # a list of 250,000 items took 19 s: its lines are split again
MAX_FOOTNOTE_MARKS = 2_000  # '[^' of references and definitions: about 1,000 footnotes
MAX_TABLE_CELLS = 500  # cells in one table row
MAX_TABLE_ROWS = 2_000  # rows in one table
MAX_ALL_TABLE_ROWS = 5_000  # lines holding '|', in all
MAX_ALL_TABLE_CELLS = 50_000  # '|' in all

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_MARKS = "*_`[&\\<"
_NESTER = r"(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])"  # a quote mark or a list item's marker
_NESTING_PREFIX = re.compile(rf"^[ \t]*(?:{_NESTER}[ \t]*)+", re.MULTILINE)
_NESTED_LINE = re.compile(rf"^[ \t]*(?:{_NESTER}[ \t]*){{{MAX_NESTING + 1},}}", re.MULTILINE)
_INDENTED_ITEM = re.compile(rf"^(?: {{4}}|\t){{{MAX_NESTING + 1},}}[ \t]*{_NESTER}", re.MULTILINE)
_SPLITTING_LINE = re.compile(r"^ {0,3}(?:#|=+[ \t]*$|-+[ \t]*$|:[ \t]|`{3}|~{3}"
                             r"|[*_](?:[ \t]*[*_]){2,}[ \t]*$)", re.MULTILINE)
_LINK_TOKEN = re.compile(r"\\.|\]\(|[\[\]()]|\n[ \t]*\n", re.DOTALL)


def slow_markdown(text: str) -> tuple[int, str] | None:
    """The first shape in `text` that Python-Markdown would take far too long on, as the line
    it starts on (0 for the first) and a message, or None."""
    for check in (_nesting, _footnotes, _tables, _links, _paragraphs):
        if found := check(text):
            return found
    return None


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset)


def _nesting(text: str) -> tuple[int, str] | None:
    # A line nested too deep needs that many quote marks or list markers, or that much
    # indentation: most texts have neither, and are passed by counting alone.
    markers = sum(text.count(m) for m in (">", "- ", "* ", "+ ", ". ", ") "))
    indents = text.count("    ") + text.count("\t")
    if markers <= MAX_NESTING and indents <= MAX_NESTING:
        return None
    if match := _NESTED_LINE.search(text):
        marks = re.findall(_NESTER, match.group())
        quotes = marks.count(">")
        what = "quotes" if quotes == len(marks) else "lists" if not quotes else "quotes and lists"
        depth = len(marks)
    elif match := _INDENTED_ITEM.search(text):
        what, depth = "lists", len(match.group().expandtabs(4)) // 4
    else:
        if text.count(">") + text.count("\n") <= MAX_NESTING_MARKS:
            return None  # too few lines and quote marks for the bound below
        count = len(re.findall(_NESTER, "".join(_NESTING_PREFIX.findall(text))))
        if count <= MAX_NESTING_MARKS:
            return None
        return 0, (f"{count:,} list items and quote marks (>) in all; at most "
                   f"{MAX_NESTING_MARKS:,}")
    return _line_of(text, match.start()), f"{what} nested {depth:,} deep; at most {MAX_NESTING}"


def _footnotes(text: str) -> tuple[int, str] | None:
    count = text.count("[^")
    if count > MAX_FOOTNOTE_MARKS:
        return _line_of(text, text.find("[^")), (
            f"{count:,} footnote marks ('[^', of references and notes); at most "
            f"{MAX_FOOTNOTE_MARKS:,}")
    return None


def _tables(text: str) -> tuple[int, str] | None:
    cells = text.count("|")
    if cells <= MAX_TABLE_CELLS:
        return None
    if cells > MAX_ALL_TABLE_CELLS:
        return _line_of(text, text.find("|")), (f"tables of {cells:,} cells ('|') in all; at "
                                                f"most {MAX_ALL_TABLE_CELLS:,}")
    start, rows, all_rows = 0, 0, 0
    for line in text.split("\n"):
        cells = line.count("|")
        if cells > MAX_TABLE_CELLS + 1:
            return _line_of(text, start), (f"a table row of {cells - 1:,} cells; at "
                                           f"most {MAX_TABLE_CELLS}")
        rows = rows + 1 if cells else 0
        all_rows += bool(cells)
        if rows > MAX_TABLE_ROWS or all_rows > MAX_ALL_TABLE_ROWS:
            what = (f"a table of more than {MAX_TABLE_ROWS:,} rows" if rows > MAX_TABLE_ROWS
                    else f"tables of more than {MAX_ALL_TABLE_ROWS:,} rows in all")
            return _line_of(text, start), f"{what}; split it, or link the data as a source"
        start += len(line) + 1
    return None


def _marks(text: str) -> int:
    return sum(text.count(c) for c in _MARKS) + text.count("  \n")


def _paragraphs(text: str) -> tuple[int, str] | None:
    # Most texts have too few marks and lines in all for any paragraph to be a problem.
    marks = _marks(text)
    if marks * len(text) <= MAX_MARK_WORK and text.count("\n") <= MAX_SPLITTING_LINES:
        return None
    paragraphs = _PARAGRAPH_BREAK.split(text)
    if len(paragraphs) > MAX_PARAGRAPHS:
        return 0, (f"{len(paragraphs):,} paragraphs; at most {MAX_PARAGRAPHS:,}: put long "
                   "documents elsewhere and link them as a source")
    start, work, total = 0, 0, 0
    for paragraph in paragraphs:
        start = text.find(paragraph, start)
        count = _marks(paragraph)
        work, total = work + count * len(paragraph), total + count
        if work > MAX_MARK_WORK:
            found = (f"a paragraph of {len(paragraph):,} characters with {count:,}"
                     if count * len(paragraph) > MAX_MARK_WORK // 2 else
                     f"long paragraphs with {total:,} in all up to this one, which has {count:,}")
            return _line_of(text, start), (
                f"{found} Markdown marks (* _ ` [ & \\ <); split them with blank lines, or "
                "write less formatting")
        splitting = len(_SPLITTING_LINE.findall(paragraph))
        if splitting > MAX_SPLITTING_LINES:
            return _line_of(text, start), (
                f"{splitting:,} headings, rules, definitions or fences with no blank line "
                f"between them; at most {MAX_SPLITTING_LINES}: put blank lines between them")
        lines = paragraph.count("\n") + 1
        if lines > MAX_PARAGRAPH_LINES:
            return _line_of(text, start), (
                f"a paragraph, list or code block of {lines:,} lines with no blank line; at "
                f"most {MAX_PARAGRAPH_LINES:,}: put blank lines in it, or split it")
        start += len(paragraph)
    return _totals(text, marks)


def _totals(text: str, marks: int) -> tuple[int, str] | None:
    if marks > MAX_MARKS:
        return 0, (f"{marks:,} Markdown marks (* _ ` [ & \\ <) in all; at most {MAX_MARKS:,}: "
                   "write less formatting, or put long documents elsewhere")
    if (splitting := len(_SPLITTING_LINE.findall(text))) > MAX_ALL_SPLITTING_LINES:
        return 0, (f"{splitting:,} headings, rules, definitions or fences in all; at most "
                   f"{MAX_ALL_SPLITTING_LINES:,}")
    return None


def _links(text: str) -> tuple[int, str] | None:
    brackets = max(text.count("["), text.count("]("))
    if brackets * len(text) <= MAX_UNCLOSED_WORK and brackets <= MAX_NESTING:
        return None  # too few brackets to cost much, open or nested
    opened = 0  # '[' not yet closed by ']'
    deepest = 0  # the most brackets open around a closed one
    targets = 0  # '](' not yet closed by ')'
    parens = 0  # '(' inside a link target
    start, work = 0, 0
    for token in _LINK_TOKEN.finditer(text + "\n\n"):
        kind = token.group()
        if kind == "[":
            opened += 1
        elif kind in ("]", "]("):
            if opened:
                deepest = max(deepest, opened)
                opened -= 1
            if kind == "](":
                targets += 1
        elif kind == "(" and targets:
            parens += 1
        elif kind == ")" and targets:
            if parens:
                parens -= 1
            else:
                targets -= 1
        elif kind[0] == "\n":
            size = token.start() - start
            for count, what in ((opened, "unclosed links ('[' without ']')"),
                                (targets, "unclosed link targets ('](' without ')')")):
                work += count * size
                if work > MAX_UNCLOSED_WORK:
                    return _line_of(text, start), (
                        f"a paragraph of {size:,} characters with {count:,} {what}; close "
                        "them, write \\[ for a bracket, or split the paragraph with blank lines")
            if deepest > MAX_NESTING:
                return _line_of(text, start), (f"links or brackets nested {deepest:,} deep; "
                                               f"at most {MAX_NESTING}")
            opened, deepest, targets, parens, start = 0, 0, 0, 0, token.end()
    return None
