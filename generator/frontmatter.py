"""Split an event file into YAML front matter and a Markdown body, keeping file lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from generator.errors import ContentError, ContentErrors

FENCE = "---"
# Characters no page, feed or calendar may hold: C0 controls but tab and line breaks, DEL, and
# the non-characters U+FFFE and U+FFFF.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# libyaml's loader reads front matter several times faster than the pure-Python one, with the
# same safe constructors and the same line marks; PyYAML's wheels include it.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
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
    except yaml.YAMLError as exc:
        raise ContentErrors([ContentError(path, f"broken YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if node is None:
        return None
    errors: list[ContentError] = []
    value = _value(node, path, errors, set())
    if errors:
        raise ContentErrors(errors)
    return value


def _value(node: yaml.Node, path: str, errors: list[ContentError], seen: set[int]) -> Value:
    # The first line of the file is the opening fence, so YAML line 0 is file line 2.
    line = node.start_mark.line + 2
    if id(node) in seen:
        # An alias (*name) brings back a node already read: refused, since aliases can nest
        # into a structure far larger than the file, or into itself.
        errors.append(ContentError(path, "YAML anchors and aliases (& and *) are not supported; "
                                   "write the value out", line))
        return Value("", line, "tag:yaml.org,2002:null")
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if bad := CONTROL.search(node.value):  # written as an escape, such as "\x0b"
            errors.append(ContentError(path, f"holds a control character "
                                       f"(U+{ord(bad.group()):04X}); remove it", line))
            return Value("", line, "tag:yaml.org,2002:null")
        return Value(node.value, line, node.tag)
    if isinstance(node, yaml.SequenceNode):
        return Value([_value(item, path, errors, seen) for item in node.value], line, node.tag)
    mapping: dict[str, Value] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
        if key in mapping:
            message = "appears twice; keep one"
            errors.append(ContentError(path, message, key_node.start_mark.line + 2, key))
        mapping[key] = _value(value_node, path, errors, seen)
    return Value(mapping, line, node.tag)
