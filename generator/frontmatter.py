"""Split an event file into YAML front matter and a Markdown body, keeping file lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from generator.errors import ContentError, ContentErrors, shortened

FENCE = "---"
# Characters no page, feed or calendar may hold: C0 controls but tab and line breaks, DEL, and
# the non-characters U+FFFE and U+FFFF.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# libyaml's loader reads front matter several times faster than the pure-Python one, with the
# same safe constructors and the same line marks; PyYAML's wheels include it.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Real front matter has a few dozen values, two or three levels deep (`sources`, `extra`).
# These bounds refuse files that would take seconds to read (each value is checked and typed
# one by one) or that would nest past what a page or a JSON export should carry.
MAX_VALUES = 10_000
MAX_DEPTH = 20
HOW_TO_START = "start the file with a line '---', then 'title:' and 'date:' lines, then '---'"


@dataclass(frozen=True)
class Value:
    """A YAML value with the file line it starts on; scalars stay the text as written."""

    data: object  # str, list[Value] or dict[str, Value]
    line: int
    tag: str = ""

    @property
    def is_null(self) -> bool:
        return self.tag.endswith(":null")


@dataclass(frozen=True)
class Document:
    """Front matter as `Value`s, and the body with the line it starts on."""

    fields: dict[str, Value]
    body: str
    body_line: int


def split(text: str, path: str) -> Document:
    """Parse `text` (the whole file) into a Document, or raise ContentErrors."""
    if not text.strip():
        raise ContentErrors([ContentError(path, f"the file is empty; {HOW_TO_START}", 1)])
    lines = text.splitlines(keepends=True)
    if lines[0].strip() != FENCE:
        raise ContentErrors([ContentError(path, f"no front matter; {HOW_TO_START}", 1)])
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if close is None:
        message = "the front matter is not closed; add a line '---' after its last key"
        raise ContentErrors([ContentError(path, message, 1)])
    yaml_text = "".join(lines[1:close])
    body = "".join(lines[close + 1 :])
    root = _compose(yaml_text, path)
    if root is None:
        message = "the front matter is empty; it needs at least 'title:' and 'date:'"
        raise ContentErrors([ContentError(path, message, 1)])
    if not isinstance(root.data, dict):
        message = "the front matter must be 'key: value' lines, such as 'title: ...'"
        raise ContentErrors([ContentError(path, message, root.line)])
    return Document(root.data, body, close + 2)


def _compose(yaml_text: str, path: str) -> Value | None:
    loader = SafeLoader(yaml_text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else None
        problem = ", ".join(p for p in (exc.context, exc.problem) if p)
        if exc.context_mark and mark and exc.context_mark.line != mark.line:
            problem += f" (it started on line {exc.context_mark.line + 2})"
        if "mapping values are not allowed" in problem:
            hint = "a value that holds ': ' must be in quotes, as in title: \"Ansip: worried\""
        else:
            hint = "check the quotes, colons and indentation"
        message = f"broken YAML: {problem}; {hint}"
        raise ContentErrors([ContentError(path, message, line)]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses, such as U+0080
        line = yaml_text.count("\n", 0, exc.position) + 2
        what = (f"a control character (U+{exc.character:04X})" if isinstance(exc.character, int)
                else "a character YAML cannot read")
        raise ContentErrors([ContentError(path, f"holds {what}; remove it", line)]) from None
    except yaml.YAMLError as exc:
        raise ContentErrors([ContentError(path, f"broken YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if node is None:
        return None
    walk = _Walk(path)
    value = walk.value(node, 1)
    if walk.aliases:
        # An alias (*name) brings back a node already read: refused, since aliases can nest
        # into a structure far larger than the file, or into itself. One line says it for
        # every alias of the file.
        lines = walk.aliases
        of = " of it" if len(set(lines)) == 1 else ""
        more = f" ({len(lines):,} aliases{of})" if len(lines) > 1 else ""
        line = min(lines)
        walk.errors.append(ContentError(path, "YAML anchors and aliases (& and *) are not "
                                        f"supported; write the value out{more}", line))
    if walk.errors:
        raise ContentErrors(walk.errors)
    return value


_NULL = "tag:yaml.org,2002:null"


class _Walk:
    """Turns YAML nodes into Values, counting them, and collects what is wrong on the way."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.errors: list[ContentError] = []
        self.seen: set[int] = set()
        self.aliases: list[int] = []  # for each alias, the line of the value it repeats
        self.count = 0

    def value(self, node: yaml.Node, depth: int) -> Value:
        # The first line of the file is the opening fence, so YAML line 0 is file line 2.
        line = node.start_mark.line + 2
        if id(node) in self.seen:
            self.aliases.append(line)
            return Value("", line, _NULL)
        self.seen.add(id(node))
        self.count += 1
        if self.count == MAX_VALUES + 1 or depth == MAX_DEPTH + 1:
            message = (f"the front matter holds more than {MAX_VALUES:,} values; "
                       "no event needs that many" if depth <= MAX_DEPTH else
                       f"values nested more than {MAX_DEPTH} deep; write them flatter")
            self.errors.append(ContentError(self.path, message, line))
        if self.count > MAX_VALUES or depth > MAX_DEPTH:
            return Value("", line, _NULL)
        if isinstance(node, yaml.ScalarNode):
            if bad := CONTROL.search(node.value):  # written as an escape, such as "\x0b"
                self.errors.append(ContentError(self.path, f"holds a control character "
                                                f"(U+{ord(bad.group()):04X}); remove it", line))
                return Value("", line, _NULL)
            return Value(node.value, line, node.tag)
        if isinstance(node, yaml.SequenceNode):
            return Value([self.value(item, depth + 1) for item in node.value], line, node.tag)
        mapping: dict[str, Value] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            if key in mapping:
                message = "appears twice; keep one"
                self.errors.append(ContentError(self.path, message,
                                                key_node.start_mark.line + 2, shortened(key)))
            mapping[key] = self.value(value_node, depth + 1)
        return Value(mapping, line, node.tag)
